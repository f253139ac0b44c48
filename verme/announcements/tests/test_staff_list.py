from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from verme.announcements.staff_list import StaffListError, staff_list_parse
from verme.announcements.tests.factories import csv_bytes


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_good_rows_are_read_and_bad_rows_are_rejected_with_their_line_and_reason() -> None:
    data = csv_bytes(
        "Anna Aalto,anna@example.org,fi",
        "Bo Berg,BO@example.org,sv",
        "Cecilia,not-an-address,en",
        "Dan,,fi",
        "Eva,eva@example.org,de",
        "Anna again,anna@example.org,en",
        "Frank,frank@example.org,",
    )
    result = staff_list_parse(data=data, default_language="sv")

    assert [(r.line, r.email, r.language) for r in result.rows] == [
        (2, "anna@example.org", "fi"),
        (3, "bo@example.org", "sv"),
        (8, "frank@example.org", "sv"),
    ]
    assert [r.line for r in result.rejected] == [4, 5, 6, 7]
    reasons = {r.line: " ".join(r.errors) for r in result.rejected}
    assert "not-an-address" in reasons[4]
    assert "missing" in reasons[5]
    assert "de" in reasons[6]
    assert "line 2" in reasons[7]


def test_semicolons_windows_encoding_and_finnish_headings_are_understood() -> None:
    data = "Nimi;Sähköposti;Kieli\nÄijä Öhman;aija@example.org;ruotsi\n".encode("cp1252")
    result = staff_list_parse(data=data, default_language="fi")
    (row,) = result.rows
    assert (row.name, row.email, row.language) == ("Äijä Öhman", "aija@example.org", "sv")


def test_a_list_without_a_language_column_uses_the_default_language() -> None:
    result = staff_list_parse(
        data=csv_bytes("x@example.org", heading="email"), default_language="fi"
    )
    assert [(r.name, r.language) for r in result.rows] == [("", "fi")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"name,phone\nAnna,040123\n", "e-mail column"),
        (b"name,email\n", "no rows"),
    ],
)
def test_a_file_that_is_not_a_staff_list_is_refused_as_a_whole(data: bytes, message: str) -> None:
    with pytest.raises(StaffListError, match=message):
        staff_list_parse(data=data, default_language="fi")
