from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from verme.announcements.tests.factories import a_round, an_announcement
from verme.rounds.services import round_close

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_atom_feed_lists_the_open_rounds_only(client: Client, personas: Personas) -> None:
    open_round = a_round(organisation=personas.org_a, name="Auki")
    a_round(organisation=personas.org_a, name="Luonnos", opened=False)
    closed = a_round(organisation=personas.org_a, name="Suljettu")
    round_close(actor=None, round_=closed)
    a_round(organisation=personas.org_b, name="Toinen")

    response = client.get(
        reverse("announcements:feed", kwargs={"slug": personas.org_a.slug}) + "?lang=sv"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 (our own feed, not untrusted input)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    (entry,) = entries
    assert entry.findtext(f"{ATOM}title") == f"Auki hösten {open_round.school_year}"
    link = entry.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href", "").endswith(
        reverse(
            "announcements:page", kwargs={"slug": personas.org_a.slug, "round_id": open_round.pk}
        )
        + "?lang=sv"
    )


def test_the_snippet_may_be_framed_while_other_pages_may_not(
    client: Client, personas: Personas
) -> None:
    round_ = a_round(organisation=personas.org_a)
    kwargs = {"slug": personas.org_a.slug, "round_id": round_.pk}

    snippet = client.get(reverse("announcements:snippet", kwargs=kwargs) + "?lang=en")
    page = client.get(reverse("announcements:page", kwargs=kwargs))

    assert snippet.status_code == 200
    assert "X-Frame-Options" not in snippet
    assert snippet["Content-Language"] == "en"
    assert "Verme autumn" in snippet.content.decode()
    assert page.status_code == 200
    assert page["X-Frame-Options"] == "DENY"


def test_the_public_page_links_to_the_sign_up_form(client: Client, personas: Personas) -> None:
    round_ = a_round(organisation=personas.org_a)
    page = client.get(
        reverse("announcements:page", kwargs={"slug": personas.org_a.slug, "round_id": round_.pk})
    )
    assert page["Content-Language"] == "fi"
    assert "Verme syksy" in page.content.decode()
    assert (
        reverse("registrations:signup", kwargs={"slug": personas.org_a.slug, "pk": round_.pk})
        in page.content.decode()
    )


@pytest.mark.parametrize("name", ["announcements:page", "announcements:snippet"])
def test_a_round_that_is_not_open_has_no_public_page(
    client: Client, personas: Personas, name: str
) -> None:
    draft = a_round(organisation=personas.org_a, opened=False)
    closed = a_round(organisation=personas.org_a)
    round_close(actor=None, round_=closed)
    for round_ in (draft, closed):
        url = reverse(name, kwargs={"slug": personas.org_a.slug, "round_id": round_.pk})
        assert client.get(url).status_code == 404


def test_a_round_is_not_public_under_another_organisations_address(
    client: Client, personas: Personas
) -> None:
    round_ = a_round(organisation=personas.org_a)
    url = reverse("announcements:page", kwargs={"slug": personas.org_b.slug, "round_id": round_.pk})
    assert client.get(url).status_code == 404


def test_the_outsider_gets_404_for_every_page_that_manages_announcements(
    client: Client, personas: Personas
) -> None:
    round_ = a_round(organisation=personas.org_a)
    announcement = an_announcement(round_=round_, actor=personas.coordinator, rows=["A,a@x.fi,fi"])
    client.force_login(personas.outsider)
    for slug in (personas.org_a.slug, personas.org_b.slug):
        assert (
            client.get(
                reverse("announcements:round", kwargs={"slug": slug, "round_id": round_.pk})
            ).status_code
            == 404
        )
        assert (
            client.get(
                reverse("announcements:detail", kwargs={"slug": slug, "pk": announcement.pk})
            ).status_code
            == 404
        )
        assert (
            client.post(
                reverse("announcements:send", kwargs={"slug": slug, "pk": announcement.pk})
            ).status_code
            == 404
        )
    announcement.refresh_from_db()
    assert announcement.status == announcement.Status.DRAFT


def test_an_organisation_admin_may_manage_announcements_too(
    client: Client, personas: Personas
) -> None:
    round_ = a_round(organisation=personas.org_a)
    client.force_login(personas.admin)
    response = client.get(
        reverse("announcements:round", kwargs={"slug": personas.org_a.slug, "round_id": round_.pk})
    )
    assert response.status_code == 200
    assert "&lt;iframe" in response.content.decode()


@pytest.mark.parametrize("people", [3, 300])
def test_the_preview_of_a_long_staff_list_takes_a_fixed_number_of_queries(
    client: Client, personas: Personas, django_assert_num_queries: Any, people: int
) -> None:
    round_ = a_round(organisation=personas.org_a)
    rows = [
        f"Person {n},person{n}@a.example.org,{('fi', 'sv', 'en')[n % 3]}" for n in range(people)
    ]
    announcement = an_announcement(round_=round_, actor=personas.coordinator, rows=rows)
    client.force_login(personas.coordinator)
    url = reverse(
        "announcements:detail", kwargs={"slug": personas.org_a.slug, "pk": announcement.pk}
    )
    with django_assert_num_queries(13):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("@a.example.org</td>") == people
