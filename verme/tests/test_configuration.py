from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from verme.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def _settings_variables() -> set[str]:
    source = (ROOT / "verme" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source))


def _documented_variables() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^([A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_every_setting_read_from_the_environment_is_documented_in_env_example() -> None:
    assert _settings_variables() - _documented_variables() == set()


def test_env_example_documents_no_variable_that_verme_does_not_read() -> None:
    assert _documented_variables() - _settings_variables() == set()


def test_env_helpers_fail_loudly_on_bad_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERME_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="VERME_X"):
        env_bool("VERME_X", False)
    monkeypatch.setenv("VERME_X", "12a")
    with pytest.raises(ImproperlyConfigured, match="VERME_X"):
        env_int("VERME_X", 1)
    monkeypatch.setenv("VERME_X", " a, ,b ")
    assert env_list("VERME_X", []) == ["a", "b"]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "VERME_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _manage("check", VERME_DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_deploy_check_passes_with_the_production_variables_filled_in() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        VERME_DEBUG="false",
        SECRET_KEY="k" * 20 + "-production-secret-with-enough-entropy-0123456789",
        ALLOWED_HOSTS="verme.example.fi",
        SITE_URL="https://verme.example.fi",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
