"""Announcing a round, as people meet it: the coordinator's upload, preview and send, the public
round page, and the unsubscribe page that a recipient reaches from the e-mail."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import FilePayload, Page, expect

from conftest import Personas
from verme.announcements.models import OptOut, Recipient
from verme.announcements.tests.factories import a_round, an_announcement, csv_bytes
from verme.tests.browser.test_foundation_journeys import sign_in_with_password
from verme.tests.mail import Mailbox

pytestmark = pytest.mark.django_db(transaction=True)

Check = Callable[[Page], None]


def test_coordinator_uploads_a_staff_list_previews_it_and_sends_the_announcement(
    page: Page, live_server: object, personas: Personas, mailbox: Mailbox, assert_accessible: Check
) -> None:
    base = str(live_server)
    round_ = a_round(organisation=personas.org_a)
    sign_in_with_password(page, base, personas.coordinator.email)

    page.goto(f"{base}/o/{personas.org_a.slug}/announcements/rounds/{round_.pk}/manage/")
    expect(page.locator("h1")).to_contain_text("Tiedota kierroksesta")
    assert_accessible(page)
    page.get_by_label("Henkilöstölista (CSV)").set_input_files(
        files=FilePayload(
            name="henkilosto.csv",
            mimeType="text/csv",
            buffer=csv_bytes(
                "Anna Aalto,anna@example.org,fi", "Bo Berg,bo@example.org,sv", "Rikki,ei-osoite,fi"
            ),
        )
    )
    page.get_by_role("button", name="Lataa ja esikatsele").click()

    expect(page.locator("h1")).to_have_text("Sähköpostitiedote")
    expect(page.get_by_role("heading", name="1 riviä ei voitu käyttää")).to_be_visible()
    expect(page.get_by_text("”ei-osoite” ei ole sähköpostiosoite.")).to_be_visible()
    assert mailbox.messages == []
    assert_accessible(page)

    page.get_by_role("button", name="Lähetä tiedote").click()
    expect(page.get_by_text("Tiedote on matkalla.")).to_be_visible()
    assert_accessible(page)
    assert len(mailbox.to("anna@example.org")) == 1
    (swedish,) = mailbox.to("bo@example.org")
    assert "Anmäl dig" in str(swedish["Subject"])


def test_the_public_round_page_and_the_unsubscribe_page_work_without_signing_in(
    page: Page, live_server: object, personas: Personas, assert_accessible: Check
) -> None:
    base = str(live_server)
    round_ = a_round(organisation=personas.org_a)
    page.goto(f"{base}/o/{personas.org_a.slug}/announcements/rounds/{round_.pk}/?lang=sv")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("link", name="Anmäl dig")).to_be_visible()
    assert_accessible(page)

    announcement = an_announcement(round_=round_, actor=None, rows=["Bo Berg,bo@example.org,sv"])
    recipient = Recipient.objects.for_organisation(personas.org_a).get(announcement=announcement)
    page.goto(f"{base}/o/{personas.org_a.slug}/announcements/unsubscribe/{recipient.token}/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_accessible(page)
    assert not OptOut.objects.for_organisation(personas.org_a).exists()
    page.get_by_role("button", name="Avsluta").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile("bo@example.org"))
    assert_accessible(page)
    assert OptOut.objects.for_organisation(personas.org_a).filter(email="bo@example.org").exists()
