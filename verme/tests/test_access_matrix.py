from __future__ import annotations

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from conftest import PERSONA_NAMES, Personas
from verme.tests.access import ENTRIES, Entry, iter_url_patterns


def test_every_url_pattern_has_an_access_entry() -> None:
    covered = {entry.name for entry in ENTRIES}
    missing = sorted(
        found.pattern.pattern.describe()
        for found in iter_url_patterns()
        if not found.is_framework and found.name not in covered
    )
    assert missing == [], f"URL patterns with no entry in verme/tests/access.py: {missing}"


def test_every_access_entry_names_a_real_url_pattern() -> None:
    names = {found.name for found in iter_url_patterns()}
    assert {entry.name for entry in ENTRIES} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONA_NAMES)
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_persona_gets_the_expected_status(
    client: Client, personas: Personas, entry: Entry, persona: str
) -> None:
    user = personas.by_name(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(entry.name, kwargs=entry.kwargs(personas)))
    assert response.status_code == entry.status_for(persona), (entry.id, persona)
    if response.status_code == 302 and persona == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_network_admins_open_the_django_admin(
    client: Client, personas: Personas, persona: str
) -> None:
    user = personas.by_name(persona)
    if user is not None:
        client.force_login(user)
    for name in (
        "admin:index",
        "admin:organisations_unit_changelist",
        "admin:organisations_membership_changelist",
        "admin:audit_auditentry_changelist",
        "admin:accounts_user_changelist",
    ):
        response = client.get(reverse(name))
        assert response.status_code == (200 if persona == "network_admin" else 302), name


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_sign_in_pages_answer_everyone_without_error(
    client: Client, personas: Personas, persona: str
) -> None:
    user = personas.by_name(persona)
    if user is not None:
        client.force_login(user)
    checked = 0
    for found in iter_url_patterns():
        if not found.is_framework or found.name.startswith("admin:") or not found.name:
            continue
        try:
            url = reverse(found.name)
        except NoReverseMatch:  # needs a key, token or provider from an e-mail or a redirect
            continue
        response = client.get(url)
        # 401: the single sign-on error page, shown when no sign-on is under way
        assert response.status_code in {200, 302, 401, 404, 405}, (found.name, response.status_code)
        checked += 1
    assert checked >= 10
