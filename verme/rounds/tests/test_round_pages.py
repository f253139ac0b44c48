from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from verme.rounds.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def test_the_round_page_leads_to_every_part_of_the_coordinators_year(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    client.force_login(personas.coordinator)
    html = client.get(reverse("rounds:detail", args=[personas.org_a.slug, round_.pk])).content
    for name in ("registrations:list", "mentors:list", "groups:proposals", "announcements:round"):
        assert reverse(name, args=[personas.org_a.slug, round_.pk]).encode() in html, name


def test_the_coordinators_dashboard_lists_the_rounds(client: Client, personas: Personas) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    RoundFactory.create(organisation=personas.org_b)
    client.force_login(personas.coordinator)
    html = client.get(reverse("role_dashboard", args=[personas.org_a.slug, "coordinator"]))
    assert reverse("rounds:detail", args=[personas.org_a.slug, round_.pk]).encode() in html.content
    assert html.context["rounds"].count() == 1
