"""A round opens: the coordinator opens sign-up, a participant signs up in Swedish on a phone with
the keyboard only, edits through the private link from the e-mail; the coordinator exports and
imports. axe-core checks every page on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.cache import cache
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from conftest import Personas
from verme.registrations.models import Registration
from verme.rounds.tests.factories import RoundFactory
from verme.tests.browser.conftest import PHONE, fits_width
from verme.tests.browser.test_foundation_journeys import sign_in_with_password
from verme.tests.mail import Mailbox

pytestmark = pytest.mark.django_db(transaction=True)

Check = Callable[[Page], None]


def _type_into(page: Page, selector: str, text: str) -> None:
    page.locator(selector).focus()
    page.keyboard.type(text)


def _choose(page: Page, selector: str, presses: int) -> None:
    page.locator(selector).focus()
    for _ in range(presses):
        page.keyboard.press("ArrowDown")


def _enter(page: Page) -> None:
    """Press Enter on the focused link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def _tick(page: Page, selector: str) -> None:
    page.locator(selector).focus()
    page.keyboard.press("Space")


def test_a_round_opens_and_a_participant_signs_up_in_swedish_on_a_phone(
    page: Page,
    browser: Browser,
    live_server: object,
    personas: Personas,
    mailbox: Mailbox,
    assert_accessible: Check,
    tmp_path: Path,
) -> None:
    cache.clear()
    base = str(live_server)
    round_ = RoundFactory.create(organisation=personas.org_a, opened=False)

    # The coordinator opens sign-up.
    sign_in_with_password(page, base, personas.coordinator.email)
    page.goto(f"{base}/o/aalto-demo/rounds/")
    assert_accessible(page)
    page.get_by_role("link", name="Verme-ryhmät").click()
    assert_accessible(page)
    page.get_by_role("button", name="Avaa ilmoittautuminen").click()
    expect(page.locator(".messages")).to_contain_text("Ilmoittautuminen on avattu")
    signup_url = page.locator("main a[href$='/sign-up/']").first.get_attribute("href")
    assert signup_url is not None
    assert_accessible(page)

    # A participant on a phone, in Swedish, with the keyboard only.
    phone = browser.new_context(locale="sv-FI", viewport=PHONE)
    participant = phone.new_page()
    participant.goto(base + signup_url)
    participant.get_by_role("button", name="Svenska").focus()
    _enter(participant)
    expect(participant.locator("html")).to_have_attribute("lang", "sv")
    assert fits_width(participant)
    assert_accessible(participant)
    _type_into(participant, "#id_first_name", "Elsa")
    _type_into(participant, "#id_last_name", "Lindqvist")
    _type_into(participant, "#id_email", "elsa@a.example.org")
    _choose(participant, "#id_job_title", 2)  # special-needs teacher
    _choose(participant, "#id_unit", 1)
    _choose(participant, "#id_school_level", 2)  # primary
    _type_into(participant, "#id_years_in_profession", "12")
    _tick(participant, "#id_career_stage_1")
    _choose(participant, "#id_theme_1", 2)
    _choose(participant, "#id_theme_2", 1)
    _tick(participant, "#id_group_language_1")
    _tick(participant, "#id_accepts_online")
    for label in ("Måndag 14:00", "Tisdag 15:30", "Onsdag 17:00"):
        participant.get_by_label(label, exact=True).focus()
        participant.keyboard.press("Space")
    _tick(participant, "#id_consent")
    participant.get_by_role("button", name="Skicka anmälan").focus()
    _enter(participant)
    expect(participant.locator("h1")).to_have_text("Din anmälan")
    expect(participant.locator("main")).to_contain_text("Du är anmäld.")
    online = participant.locator("dt:has-text('delta i en grupp som träffas på nätet') + dd")
    expect(online).to_have_text("Ja")
    assert fits_width(participant)
    assert_accessible(participant)

    (message,) = mailbox.to("elsa@a.example.org")
    body = Mailbox.text(message)
    assert "Tack för din anmälan" in body
    link = re.search(r"https?://\S+/r/[\w-]+/", body)
    assert link is not None, body
    private = link.group(0).replace(link.group(0).split("/r/")[0], base)
    participant.goto(private)
    participant.get_by_role("link", name="Ändra anmälan").focus()
    _enter(participant)
    assert_accessible(participant)
    _type_into(participant, "#id_needs", "Helst eftermiddagar.")
    participant.get_by_role("button", name="Spara ändringarna").focus()
    _enter(participant)
    expect(participant.locator("main")).to_contain_text("Helst eftermiddagar.")
    assert_accessible(participant)
    phone.close()

    # The coordinator sees the registration, exports it and imports more from a file.
    page.goto(f"{base}/o/aalto-demo/rounds/{round_.pk}/registrations/")
    expect(page.locator("table.registrations")).to_contain_text("Elsa Lindqvist")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Lataa XLSX-tiedostona").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("Elsa", "Lindqvist", "elsa@a.example.org")

    good = "opettaja,Aallon koulu,alakoulu (luokat 1–6),5,uusi ammatissa,Arviointi"
    times = '"ma 14:00; ti 14:00; ke 14:00"'
    csv_file = tmp_path / "lomake.csv"
    csv_file.write_text(
        "Etunimi,Sukunimi,Sähköposti,Ammattinimike,Yksikkö,Kouluaste,Vuosia ammatissa,"
        "Uusi vai palaava?,Teema,Aika\n"
        f"Aino,Aalto,aino@a.example.org,{good},{times}\n"
        f"Bertil,Berg,ei-osoite,{good},{times}\n"
        f'Cecilia,Cedergren,cecilia@a.example.org,{good},"ma 14:00"\n'
        f"Daniel,Dahl,daniel@a.example.org,{good},{times}\n",
        encoding="utf-8",
    )
    page.get_by_role("link", name="Tuo tiedostosta").click()
    assert_accessible(page)
    page.locator("input[type=file]").set_input_files(csv_file)
    page.get_by_role("button", name="Lue tiedosto").click()
    problems = page.locator("table.import-problems tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("Bertil")
    expect(problems.nth(1)).to_contain_text("Cecilia")
    assert_accessible(page)
    page.locator("#id_notify").uncheck()
    page.get_by_role("button", name="Tuo 2 ilmoittautumista").click()
    expect(page.locator(".messages")).to_contain_text("2 ilmoittautumista tuotiin")
    assert_accessible(page)
    emails = set(
        Registration.objects.for_organisation(personas.org_a)
        .filter(round=round_)
        .values_list("email", flat=True)
    )
    assert emails == {"elsa@a.example.org", "aino@a.example.org", "daniel@a.example.org"}
