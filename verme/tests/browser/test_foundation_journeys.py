"""The foundation, as people meet it: languages, sign-in, dashboards, and tenancy in the browser."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from conftest import Personas
from verme.tests.browser.conftest import PHONE, fits_width
from verme.tests.mail import Mailbox

pytestmark = pytest.mark.django_db(transaction=True)

Check = Callable[[Page], None]
PASSWORD = "correct horse battery staple"


def sign_in_with_password(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("#password-heading ~ form button[type=submit]").click()
    page.wait_for_load_state()


def test_front_page_is_finnish_and_switches_to_swedish_and_english(
    page: Page, live_server: object, assert_accessible: Check
) -> None:
    base = str(live_server)
    page.goto(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    finnish_heading = page.locator("h1").inner_text()
    assert "Verme" in finnish_heading
    assert_accessible(page)

    page.get_by_role("button", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    swedish_heading = page.locator("h1").inner_text()
    assert swedish_heading != finnish_heading
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("peer-group mentoring")
    assert_accessible(page)


@pytest.mark.parametrize("width", [320, 640])
def test_pages_reflow_at_phone_width_and_at_200_percent_zoom(
    page: Page, live_server: object, assert_accessible: Check, width: int
) -> None:
    # 640 CSS pixels is a 1280-pixel window zoomed to 200 %.
    page.set_viewport_size({"width": width, "height": 800})
    for path in ("/", "/accounts/login/", "/accessibility/", "/privacy/"):
        page.goto(str(live_server) + path)
        assert fits_width(page), path
    assert_accessible(page)


def test_skip_link_is_first_and_moves_focus_to_the_content(page: Page, live_server: object) -> None:
    page.goto(str(live_server) + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_coordinator_signs_in_with_password_and_reaches_their_dashboard(
    page: Page, live_server: object, personas: Personas, assert_accessible: Check
) -> None:
    base = str(live_server)
    page.goto(base + "/accounts/login/")
    assert_accessible(page)
    sign_in_with_password(page, base, personas.coordinator.email)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    assert_accessible(page)

    page.get_by_role("link", name="Aallon opetus").click()
    expect(page.locator("h1")).to_have_text("Aallon opetus")
    assert_accessible(page)

    page.locator(".role-links a").first.click()
    expect(page).to_have_url(re.compile(r"/o/aalto-demo/coordinator/$"))
    assert_accessible(page)


def test_participant_signs_in_with_a_code_from_mail_in_their_own_language(
    page: Page,
    live_server: object,
    personas: Personas,
    mailbox: Mailbox,
    assert_accessible: Check,
) -> None:
    personas.participant.language = "sv"
    personas.participant.save(update_fields=["language"])
    page.set_viewport_size(PHONE)
    base = str(live_server)
    page.goto(base + "/accounts/login/code/")
    assert_accessible(page)
    page.locator("input[name=email]").fill(personas.participant.email)
    page.locator("input[name=email]").press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/login/code/confirm/"))
    assert_accessible(page)

    (message,) = mailbox.to(personas.participant.email)
    body = Mailbox.text(message)
    assert "Hej" in body or "inloggningskod" in body.lower()  # Swedish, the person's language
    code = re.search(r"^\s*([A-Z0-9-]{6,})\s*$", body, flags=re.MULTILINE)
    assert code is not None, body
    page.locator("input[name=code]").fill(code.group(1))
    page.locator("input[name=code]").press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    # The stored language wins for a signed-in person who has not used the switcher.
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert fits_width(page)
    assert_accessible(page)


def test_outsider_sees_nothing_of_another_organisation(
    page: Page, live_server: object, personas: Personas, assert_accessible: Check
) -> None:
    base = str(live_server)
    sign_in_with_password(page, base, personas.outsider.email)
    expect(page.locator("main")).not_to_contain_text("Aallon opetus")
    for path in ("/o/aalto-demo/", "/o/aalto-demo/coordinator/", "/o/aalto-demo/admin/"):
        response = page.goto(base + path)
        assert response is not None
        assert response.status == 404, path
        expect(page.locator("main")).not_to_contain_text("Aallon")
    assert_accessible(page)
