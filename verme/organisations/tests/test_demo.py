from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from verme.accounts.models import User
from verme.organisations.models import Membership, Organisation, Unit

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        Unit.objects.unscoped().count(),
        Membership.objects.unscoped().count(),
        User.objects.count(),
    )


def test_seed_demo_creates_two_organisations_with_units_and_a_user_per_role() -> None:
    out = StringIO()
    call_command("seed_demo", "--solver-seconds", "1", stdout=out)
    seinajoki = Organisation.objects.get(slug="seinajoki-demo")
    gradia = Organisation.objects.get(slug="gradia-demo")
    assert seinajoki.name["fi"] == "Seinäjoen perusopetus (demo)"
    assert gradia.languages == ["fi", "sv"]
    for org in (seinajoki, gradia):
        assert 6 <= org.units.count() <= 10
        for role in ("coordinator", "mentor", "participant", "leader", "admin"):
            user = User.objects.get(email=f"{role}@{org.slug}.example")
            assert user.memberships.filter(organisation=org, role=role).exists()
            assert f"{role}@{org.slug}.example" in out.getvalue()
    assert User.objects.get(email="network@verme.example").is_network_admin


def test_seed_demo_is_idempotent() -> None:
    call_command("seed_demo", "--solver-seconds", "1", stdout=StringIO())
    first = _counts()
    call_command("seed_demo", "--solver-seconds", "1", stdout=StringIO())
    assert _counts() == first


def test_demo_passwords_work_only_while_debug_is_on(settings: object, client: Client) -> None:
    call_command("seed_demo", "--solver-seconds", "1", stdout=StringIO())
    login = {"login": "coordinator@seinajoki-demo.example", "password": "demo"}
    settings.DEBUG = True  # type: ignore[attr-defined]
    response = client.post("/accounts/login/", login)
    assert response.status_code == 302
    client.logout()
    settings.DEBUG = False  # type: ignore[attr-defined]
    response = client.post("/accounts/login/", login)
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session
