from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from conftest import Personas
from verme.accounts.models import User
from verme.tests.mail import Mailbox

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_front_page_is_finnish_by_default_whatever_the_browser_asks(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "fi"
    assert '<html lang="fi">' in response.content.decode()


def test_language_switcher_sets_the_cookie_and_returns_to_the_page(client: Client) -> None:
    response = client.post("/language/", {"language": "sv", "next": "/privacy/"})
    assert response.status_code == 302
    assert response["Location"] == "/privacy/"
    assert client.get("/privacy/")["Content-Language"] == "sv"


def test_language_switcher_refuses_to_redirect_to_another_site(client: Client) -> None:
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing(client: Client, personas: Personas) -> None:
    client.force_login(personas.mentor)
    client.post("/language/", {"language": "de", "next": "/"})
    personas.mentor.refresh_from_db()
    assert personas.mentor.language == "fi"
    assert client.get("/")["Content-Language"] == "fi"


def test_switching_language_is_stored_on_the_account_and_used_next_time(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.mentor)
    client.post("/language/", {"language": "en", "next": "/"})
    personas.mentor.refresh_from_db()
    assert personas.mentor.language == "en"
    fresh = Client()  # another device: no language cookie
    fresh.force_login(personas.mentor)
    assert fresh.get("/dashboard/")["Content-Language"] == "en"


def test_sign_in_code_mail_is_in_the_persons_language(
    client: Client, personas: Personas, mailbox: Mailbox
) -> None:
    personas.participant.language = "sv"
    personas.participant.save()
    response = client.post("/accounts/login/code/", {"email": personas.participant.email})
    assert response.status_code == 302
    (message,) = mailbox.to(personas.participant.email)
    assert "Hej från Verme!" in Mailbox.text(message)


def test_repeated_failed_sign_ins_are_rate_limited(client: Client, personas: Personas) -> None:
    for _ in range(6):
        client.post("/accounts/login/", {"login": personas.coordinator.email, "password": "x"})
    # Now even the right password is refused until the window has passed.
    response = client.post(
        "/accounts/login/",
        {"login": personas.coordinator.email, "password": "correct horse battery staple"},
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in {200, 429}


def test_open_sign_up_is_closed_accounts_come_from_organisations(client: Client) -> None:
    client.post("/accounts/signup/", {"email": "new@example.org", "password1": "x" * 12})
    assert not User.objects.filter(email="new@example.org").exists()


def _settings_in_subprocess(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "verme.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.stdout + result.stderr


def test_single_sign_on_is_configured_from_the_environment() -> None:
    out = _settings_in_subprocess(
        "from django.conf import settings; "
        "app = settings.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS'][0]; "
        "print(app['client_id'], app['settings']['server_url'], app['provider_id'])",
        OIDC_CLIENT_ID="verme-client",
        OIDC_CLIENT_SECRET="s3cret",
        OIDC_ISSUER_URL="https://login.microsoftonline.com/tenant/v2.0",
        OIDC_PROVIDER_ID="entra",
    )
    assert "verme-client https://login.microsoftonline.com/tenant/v2.0 entra" in out


def test_single_sign_on_without_an_issuer_refuses_to_start() -> None:
    out = _settings_in_subprocess("print('started')", OIDC_CLIENT_ID="verme-client")
    assert "OIDC_ISSUER_URL must be set" in out
