from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_health_check_says_the_database_is_reachable(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_check_answers_503_when_the_database_is_not_reachable(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DJANGO_SETTINGS_MODULE="verme.settings",
        SQLITE_PATH=str(tmp_path / "no-such-folder" / "db.sqlite3"),
        ALLOWED_HOSTS="testserver",
    )
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code, r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.startswith('503 {"status": "error", "database": "down"}'), result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accessibility/", "/privacy/"])
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_public_pages_render_in_every_language(client: Client, path: str, language: str) -> None:
    client.cookies["verme_language"] = language
    response = client.get(path)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.django_db
def test_accessibility_statement_has_a_feedback_channel(client: Client, settings: object) -> None:
    settings.VERME_ACCESSIBILITY_FEEDBACK_EMAIL = "palaute@kunta.example"  # type: ignore[attr-defined]
    content = client.get("/accessibility/").content.decode()
    assert "mailto:palaute@kunta.example" in content


@pytest.mark.django_db
def test_sign_in_page_lists_demo_users_only_in_demo_mode(client: Client, settings: object) -> None:
    from verme.accounts.tests.factories import UserFactory

    UserFactory.create(email="coordinator@demo.example", is_demo=True)
    settings.VERME_DEMO_MODE = True  # type: ignore[attr-defined]
    assert "coordinator@demo.example" in client.get("/accounts/login/").content.decode()
    settings.VERME_DEMO_MODE = False  # type: ignore[attr-defined]
    assert "coordinator@demo.example" not in client.get("/accounts/login/").content.decode()
