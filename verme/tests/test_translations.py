"""Every string of the interface exists in Finnish, Swedish and English."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("verme/**/locale/*/LC_MESSAGES/django.po"))


def _untranslated(path: Path) -> list[str]:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def test_every_app_with_strings_has_catalogues_in_all_three_languages() -> None:
    folders = {path.parents[2] for path in CATALOGUES}
    assert folders
    for folder in folders:
        for language in ("fi", "sv", "en"):
            assert (folder / language / "LC_MESSAGES" / "django.po").exists(), (folder, language)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_message_is_left_untranslated(path: Path) -> None:
    assert _untranslated(path) == []
