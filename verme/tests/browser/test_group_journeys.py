"""Group formation: the coordinator forms groups, moves a person, pins a group, runs again,
compares the two proposals and publishes; members get their e-mail. axe checks every page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from conftest import Personas
from verme.grouping import solution_from_dict
from verme.groups.models import Proposal
from verme.groups.tests.factories import a_small_round
from verme.tests.browser.test_foundation_journeys import sign_in_with_password
from verme.tests.mail import Mailbox

pytestmark = pytest.mark.django_db(transaction=True)

Check = Callable[[Page], None]


def test_the_coordinator_forms_adjusts_compares_and_publishes_groups(
    page: Page,
    live_server: object,
    personas: Personas,
    mailbox: Mailbox,
    assert_accessible: Check,
) -> None:
    base = str(live_server)
    small = a_small_round(personas.org_a, people=9)
    round_ = small.round
    sign_in_with_password(page, base, personas.coordinator.email)
    page.goto(f"{base}/o/aalto-demo/rounds/{round_.pk}/")
    page.get_by_role("link", name="Ryhmien muodostus").click()
    assert_accessible(page)

    # Form groups (a tiny time limit); the page shows the result once the worker is done.
    page.get_by_label("Aikaraja sekunteina").fill("1")
    page.get_by_role("button", name="Muodosta ryhmät").click()
    expect(page.get_by_role("heading", name="Ehdotus 1")).to_be_visible()
    expect(page.locator("h3", has_text="Ryhmä 2")).to_be_visible()
    assert_accessible(page)

    # Move one person from the larger group to the smaller one.
    first = Proposal.objects.for_organisation(personas.org_a).get(number=1)
    groups = solution_from_dict(first.solution).groups
    big, small_group = sorted(groups, key=lambda g: -len(g.members))
    person = big.members[0]
    page.locator(f"#move-{person}").select_option(small_group.id)
    page.locator(f"#move-{person}").locator("xpath=..").get_by_role("button", name="Siirrä").click()
    expect(page.get_by_text("Henkilö siirrettiin.")).to_be_visible()
    expect(page.get_by_text("Vastuuhenkilö siirsi hänet tähän ryhmään.")).to_be_visible()
    assert_accessible(page)

    # Pin the first group, then run again with other weights.
    page.get_by_role("button", name="Kiinnitä ryhmä 1").click()
    expect(page.get_by_text("Kiinnitetty.", exact=True)).to_be_visible()
    page.locator("#id_size").fill("5")
    page.locator("#id_time_limit_s").fill("1")
    page.get_by_role("button", name="Aja uudelleen").click()
    expect(page.get_by_role("heading", name="Ehdotus 2")).to_be_visible()
    assert_accessible(page)

    # Compare the two proposals.
    page.get_by_role("link", name="Ryhmien muodostus").first.click()
    page.get_by_label("Vertaa ehdotusta 1").check()
    page.get_by_label("Vertaa ehdotusta 2").check()
    page.get_by_role("button", name="Vertaa valittuja ehdotuksia").click()
    expect(page.get_by_role("heading", name="Vertaa ehdotuksia")).to_be_visible()
    expect(page.get_by_role("link", name="Ehdotus 2")).to_be_visible()
    assert_accessible(page)

    # Publish the second proposal; every member and mentor gets an e-mail.
    page.get_by_role("link", name="Ehdotus 2").click()
    page.get_by_role("button", name="Julkaise nämä ryhmät").click()
    expect(page.get_by_text("ryhmää julkaistiin")).to_be_visible()
    assert_accessible(page)
    for registration in small.registrations:
        (message,) = mailbox.to(registration.email)
        assert "Verme-ryhmäsi" in message["Subject"] or "Din Vermegrupp" in message["Subject"]
    assert len(mailbox.to("mentor0@school.example.org")) == 1
