from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import Personas
from verme.accounts.tests.factories import UserFactory
from verme.organisations.models import Role
from verme.organisations.services import membership_grant, unit_create

pytestmark = pytest.mark.django_db


def test_dashboard_lists_each_organisation_and_role_of_the_person(
    client: Client, personas: Personas
) -> None:
    membership_grant(
        actor=None, organisation=personas.org_b, user=personas.mentor, role=Role.MENTOR
    )
    client.force_login(personas.mentor)
    content = client.get("/dashboard/").content.decode()
    assert "Aallon opetus" in content
    assert "Bergin opetus" in content
    assert "/o/aalto-demo/mentor/" in content
    assert "/o/berg-demo/mentor/" in content


def test_role_dashboards_say_what_the_role_will_find_there(
    client: Client, personas: Personas
) -> None:
    for role in ("coordinator", "mentor", "participant", "leader", "admin"):
        client.force_login(getattr(personas, role))
        content = client.get(f"/o/aalto-demo/{role}/").content.decode()
        assert "TODO" not in content
        assert "<ul>" in content or "<table>" in content


def test_admin_dashboard_lists_units_and_people_with_a_fixed_number_of_queries(
    client: Client, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        unit_create(actor=None, organisation=personas.org_a, name=f"Koulu {n}", kind="school")
    for n in range(100):
        user = UserFactory.create(email=f"staff{n}@a.example.org")
        membership_grant(actor=None, organisation=personas.org_a, user=user, role=Role.PARTICIPANT)
    client.force_login(personas.admin)
    with django_assert_max_num_queries(8):
        response = client.get("/o/aalto-demo/admin/")
    content = response.content.decode()
    assert "staff99@a.example.org" in content
    assert "Koulu 29" in content
    assert "outsider@b.example.org" not in content


def test_dashboard_query_count_does_not_grow_with_memberships(
    client: Client, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    for n in range(20):
        org = personas.org_a if n % 2 else personas.org_b
        membership_grant(
            actor=None,
            organisation=org,
            user=personas.participant,
            role=list(Role)[n % 5],
        )
    client.force_login(personas.participant)
    with django_assert_max_num_queries(5):
        client.get("/dashboard/")
