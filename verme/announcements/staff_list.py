"""Reading a staff list (CSV of names, e-mail addresses and optional languages) row by row.

Pure Python: a bad row becomes a :class:`RejectedRow` with its line number and reasons, a good
one a :class:`StaffRow`; only a file that cannot be read at all raises :class:`StaffListError`.
Spreadsheets save CSV with commas or semicolons and in UTF-8 or Windows-1252; all are accepted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

MAX_ROWS = 5000
MAX_NAME_LENGTH = 200

# Column headings a coordinator may use, in any of the three languages.
HEADINGS = {
    "name": {"name", "nimi", "namn", "full name", "koko nimi"},
    "email": {"email", "e-mail", "sähköposti", "sähköpostiosoite", "e-post", "e-postadress"},
    "language": {"language", "kieli", "språk", "lang"},
}
LANGUAGE_WORDS = {
    "fi": {"fi", "suomi", "finnish", "finska"},
    "sv": {"sv", "ruotsi", "swedish", "svenska"},
    "en": {"en", "englanti", "english", "engelska"},
}


class StaffListError(ValueError):
    """The file as a whole cannot be read as a staff list."""


@dataclass(frozen=True)
class StaffRow:
    line: int
    name: str
    email: str
    language: str


@dataclass(frozen=True)
class RejectedRow:
    line: int
    values: list[str]
    errors: list[str]


@dataclass
class StaffList:
    rows: list[StaffRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StaffListError(_("The file is not a text file. Save the list as CSV and try again."))


def _columns(heading: Sequence[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(heading):
        label = cell.strip().lower()
        for key, words in HEADINGS.items():
            if label in words and key not in columns:
                columns[key] = index
    if "email" not in columns:
        raise StaffListError(
            _("The first row must name the columns; an e-mail column (email) is required.")
        )
    return columns


def _language(value: str, default: str) -> str | None:
    word = value.strip().lower()
    if not word:
        return default
    for code, words in LANGUAGE_WORDS.items():
        if word in words:
            return code
    return None


def staff_list_parse(*, data: bytes, default_language: str) -> StaffList:
    """Read the staff list; every row is either accepted or rejected with its reasons."""
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    heading = next(reader, None)
    if heading is None:
        raise StaffListError(_("The file is empty."))
    columns = _columns(heading)
    result = StaffList()
    seen: dict[str, int] = {}
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        line = reader.line_num
        if len(result.rows) + len(result.rejected) >= MAX_ROWS:
            raise StaffListError(_("The list has more than %(max)s rows.") % {"max": MAX_ROWS})

        def cell(key: str, cells: list[str] = cells) -> str:
            index = columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        errors: list[str] = []
        email = cell("email").lower()
        name = cell("name")
        language = _language(cell("language"), default_language)
        if not email:
            errors.append(_("The e-mail address is missing."))
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("“%(value)s” is not an e-mail address.") % {"value": email})
        if email and email in seen:
            errors.append(_("The address is already on line %(line)s.") % {"line": seen[email]})
        if len(name) > MAX_NAME_LENGTH:
            errors.append(_("The name is too long."))
        if language is None:
            errors.append(
                _("Unknown language “%(value)s”: use fi, sv or en.") % {"value": cell("language")}
            )
        if errors or language is None:
            result.rejected.append(RejectedRow(line=line, values=list(cells), errors=errors))
            continue
        seen[email] = line
        result.rows.append(StaffRow(line=line, name=name, email=email, language=language))
    if not result.rows and not result.rejected:
        raise StaffListError(_("The list has no rows under the column names."))
    return result
