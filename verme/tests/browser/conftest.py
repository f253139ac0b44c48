"""Browser journeys: real headless Chromium (Debian's package) driven by Playwright, with axe-core
checking every visited page against WCAG 2.1 A and AA."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

CHROMIUM = os.environ.get("VERME_CHROMIUM", "") or shutil.which("chromium") or ""
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE: ViewportSize = {"width": 360, "height": 740}

# Playwright's synchronous API runs an event loop in the test thread; Django's ORM calls from the
# test body (building data through services) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM:
                item.add_marker(
                    pytest.mark.skip(
                        reason="Chromium is missing: install it with `apt-get install chromium`"
                    )
                )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


_AXE = Axe()


@pytest.fixture
def assert_accessible() -> Callable[[Page], None]:
    """Run axe-core on the page as it is now; fail with axe's report on any WCAG 2.1 AA finding."""

    def check(page: Page) -> None:
        options: dict[str, Any] = {"runOnly": {"type": "tag", "values": WCAG_21_AA}}
        results = _AXE.run(page, options=options)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


def fits_width(page: Page) -> bool:
    """True when nothing scrolls sideways (WCAG 1.4.10 reflow)."""
    overflow: bool = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    return overflow
