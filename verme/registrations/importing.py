"""Reading registrations from a CSV or XLSX file made by another form tool.

A file is refused as a whole when it cannot be read or is too big; otherwise each row is checked
with the same rules as the sign-up form, and the report names every bad row with its reasons.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import yesno
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verme.organisations.models import Unit
from verme.organisations.selectors import organisation_units
from verme.registrations.models import CareerStage, JobTitle, LanguageWish, SchoolLevel
from verme.registrations.validation import RegistrationData, registration_validate
from verme.rounds.models import GroupKind, Round, Theme, TimeSlot, Weekday
from verme.rounds.selectors import round_slots, round_themes

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

MAX_BYTES = 2_000_000
MAX_ROWS = 2000
TIME = re.compile(r"(\d{1,2})[:.](\d{2})")

# The columns a file may fill, with the label the coordinator sees when mapping them.
TARGETS: dict[str, StrPromise] = {
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "email": gettext_lazy("Work e-mail"),
    "job_title": gettext_lazy("Job title"),
    "unit": gettext_lazy("Unit"),
    "school_level": gettext_lazy("School level"),
    "subjects": gettext_lazy("Subjects or field"),
    "years_in_profession": gettext_lazy("Years in the profession"),
    "career_stage": gettext_lazy("New or returning?"),
    "theme_1": gettext_lazy("Theme, 1st choice"),
    "theme_2": gettext_lazy("Theme, 2nd choice"),
    "theme_3": gettext_lazy("Theme, 3rd choice"),
    "group_kinds": gettext_lazy("Preferred group kinds"),
    "group_language": gettext_lazy("Language of the group"),
    "accepts_online": gettext_lazy("Accepts an online group"),
    "availability": gettext_lazy("When could you meet?"),
    "keep_together_with": gettext_lazy("Keep me together with"),
    "needs": gettext_lazy("Needs or wishes"),
}
REQUIRED_TARGETS = ("first_name", "last_name", "email")
# Column names other form tools commonly use, beyond the labels above in three languages.
SYNONYMS: dict[str, set[str]] = {
    "email": {"email", "e-mail", "sähköposti", "sähköpostiosoite", "e-post", "e-postadress"},
    "unit": {"koulu", "skola", "school", "toimipiste"},
    "theme_1": {"teema", "tema", "theme"},
    "availability": {"aika", "ajat", "tider", "times", "availability"},
    "accepts_online": {"online", "etä", "etäryhmä", "verkossa", "distans"},
}
# What "yes" and "no" may be written as in a file (besides "yes" and "no" in all three languages).
YES = {"1", "x", "true", "on"}
NO = {"0", "false", "off"}


class ImportRefused(Exception):
    """The file as a whole cannot be imported; ``reasons`` says why, row by row where it can."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _in_every_language(label: StrPromise | str) -> set[str]:
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label).strip().lower())
    return names


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused([_("The file is not UTF-8 text. Save it as CSV (UTF-8).")]) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        return [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise ImportRefused([_("The file is not valid CSV: %(error)s") % {"error": exc}]) from exc


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportRefused([_("The file is not a readable XLSX workbook.")]) from exc
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_table(*, file_name: str, content: bytes) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows of a CSV or XLSX file; refused when malformed or too big."""
    if len(content) > MAX_BYTES:
        raise ImportRefused(
            [_("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // 1_000_000}]
        )
    name = file_name.lower()
    if name.endswith(".xlsx"):
        rows = _read_xlsx(content)
    elif name.endswith((".csv", ".txt")):
        rows = _read_csv(content)
    else:
        raise ImportRefused([_("Choose a CSV or XLSX file.")])
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows or not any(rows[0]):
        raise ImportRefused([_("The file is empty or its first row has no column names.")])
    header = rows[0]
    while header and not header[-1]:
        header.pop()
    data = []
    reasons = []
    for line, row in enumerate(rows[1:], start=2):
        while len(row) > len(header) and not row[-1]:
            row.pop()
        if not any(row):
            continue
        if len(row) > len(header):
            reasons.append(
                _("Row %(line)d has %(cells)d cells but the first row names %(columns)d columns.")
                % {"line": line, "cells": len(row), "columns": len(header)}
            )
        data.append([*row, *[""] * (len(header) - len(row))])
    if len(data) > MAX_ROWS:
        reasons.insert(0, _("The file has more than %(rows)d rows.") % {"rows": MAX_ROWS})
    if reasons:
        raise ImportRefused(reasons)
    if not data:
        raise ImportRefused([_("The file has no rows below the column names.")])
    return header, data


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """Which column fills which field, where a column's name says it in any language."""
    mapping: dict[str, int] = {}
    for target, label in TARGETS.items():
        names = _in_every_language(label) | {target} | SYNONYMS.get(target, set())
        for index, header in enumerate(headers):
            if header.strip().lower() in names and index not in mapping.values():
                mapping[target] = index
                break
    return mapping


def _choice_lookup(choices: type[models.Choices]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[str(value).lower()] = str(value)
        for name in _in_every_language(label):
            lookup[name] = str(value)
    return lookup


def _yes_no_lookup() -> dict[str, bool]:
    """Yes and no as the export writes them (Django's `yesno`) in every language, and more."""
    lookup = {word: True for word in YES} | {word: False for word in NO}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            lookup[str(yesno(True)).lower()] = True
            lookup[str(yesno(False)).lower()] = False
    return lookup


def _weekday_lookup() -> dict[str, int]:
    lookup: dict[str, int] = {}
    short = ["ma", "ti", "ke", "to", "pe", "la", "su"]
    for day in Weekday:
        for name in _in_every_language(day.label):
            lookup[name] = day.value
            lookup[name[:3]] = day.value
        lookup[short[day.value]] = day.value
    return lookup


@dataclass
class RowResult:
    line: int
    name: str
    data: RegistrationData | None = None
    errors: list[str] = field(default_factory=list)
    language: str = "fi"


@dataclass
class ImportReport:
    rows: list[RowResult]

    @property
    def good(self) -> list[RowResult]:
        return [r for r in self.rows if not r.errors]

    @property
    def bad(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]


class RowReader:
    """Turns the cells of one row into registration data with the round's units and themes."""

    def __init__(self, round_: Round) -> None:
        self.round = round_
        self.units: dict[str, Unit] = {
            u.name.lower(): u for u in organisation_units(organisation=round_.organisation)
        }
        self.themes: dict[str, Theme] = {}
        for theme in round_themes(round_=round_):
            for text in theme.name.values():
                self.themes[text.strip().lower()] = theme
        self.slots = {(s.weekday, s.starts_at): s for s in round_slots(round_=round_)}
        self.weekdays = _weekday_lookup()
        self.lookups = {
            "job_title": _choice_lookup(JobTitle),
            "school_level": _choice_lookup(SchoolLevel),
            "career_stage": _choice_lookup(CareerStage),
            "group_language": _choice_lookup(LanguageWish),
        }
        self.kinds = _choice_lookup(GroupKind)
        self.yes_no = _yes_no_lookup()

    def _choice(self, target: str, value: str, errors: list[str]) -> str:
        if not value:
            return ""
        found = self.lookups[target].get(value.lower())
        if found is None:
            errors.append(
                _("%(field)s: “%(value)s” is not one of the choices.")
                % {"field": TARGETS[target], "value": value}
            )
            return ""
        return found

    def _lookup(
        self, target: str, value: str, table: dict[str, Theme] | dict[str, Unit], errors: list[str]
    ) -> object:
        if not value:
            return None
        found = table.get(value.lower())
        if found is None:
            errors.append(
                _("%(field)s: “%(value)s” is not in the list of the round.")
                % {"field": TARGETS[target], "value": value}
            )
        return found

    def _yes_no(self, target: str, value: str, errors: list[str]) -> bool:
        """A yes-or-no answer; an empty cell (the other tool did not ask) reads as no."""
        if not value:
            return False
        found = self.yes_no.get(value.strip().lower())
        if found is None:
            errors.append(
                _("%(field)s: “%(value)s” is not one of the choices.")
                % {"field": TARGETS[target], "value": value}
            )
            return False
        return found

    def _slots(self, value: str, errors: list[str]) -> list[TimeSlot]:
        slots = []
        for part in filter(None, (p.strip() for p in re.split(r"[;,\n]", value))):
            day = self.weekdays.get(part.split()[0].lower().rstrip("."))
            time = TIME.search(part)
            slot = None
            if day is not None and time is not None:
                slot = self.slots.get((day, datetime.time(int(time.group(1)), int(time.group(2)))))
            if slot is None:
                errors.append(
                    _("%(field)s: “%(value)s” is not one of the round's times.")
                    % {"field": TARGETS["availability"], "value": part}
                )
            else:
                slots.append(slot)
        return slots

    def read(self, line: int, cells: dict[str, str]) -> RowResult:
        errors: list[str] = []
        result = RowResult(
            line=line, name=f"{cells.get('first_name', '')} {cells.get('last_name', '')}".strip()
        )
        years_text = cells.get("years_in_profession", "")
        years = -1
        if not years_text:
            errors.append(
                _("%(field)s: This field is required.") % {"field": TARGETS["years_in_profession"]}
            )
        else:
            try:
                years = int(float(years_text.replace(",", ".")))
            except ValueError:
                errors.append(
                    _("%(field)s: “%(value)s” is not a number.")
                    % {"field": TARGETS["years_in_profession"], "value": years_text}
                )
        themes = [
            self._lookup(n, cells.get(n, ""), self.themes, errors)
            for n in ("theme_1", "theme_2", "theme_3")
        ]
        kinds = []
        for part in filter(
            None, (p.strip() for p in re.split(r"[;,]", cells.get("group_kinds", "")))
        ):
            kind = self.kinds.get(part.lower())
            if kind is None:
                errors.append(
                    _("%(field)s: “%(value)s” is not one of the choices.")
                    % {"field": TARGETS["group_kinds"], "value": part}
                )
            else:
                kinds.append(kind)
        language = cells.get("group_language", "")
        if not language:  # not asked by the other tool: any language the round offers
            languages = self.round.languages
            language = languages[0] if len(languages) == 1 else LanguageWish.EITHER.value
        unit = self._lookup("unit", cells.get("unit", ""), self.units, errors)
        data = RegistrationData(
            first_name=cells.get("first_name", ""),
            last_name=cells.get("last_name", ""),
            email=cells.get("email", ""),
            job_title=self._choice("job_title", cells.get("job_title", ""), errors),
            unit=unit if isinstance(unit, Unit) else None,
            school_level=self._choice("school_level", cells.get("school_level", ""), errors),
            subjects=cells.get("subjects", ""),
            years_in_profession=years,
            career_stage=self._choice("career_stage", cells.get("career_stage", ""), errors),
            themes=[t for t in themes if isinstance(t, Theme)],
            group_kinds=kinds,
            group_language=self._choice("group_language", language, errors),
            accepts_online=self._yes_no("accepts_online", cells.get("accepts_online", ""), errors),
            slots=self._slots(cells.get("availability", ""), errors),
            keep_together_with=cells.get("keep_together_with", ""),
            needs=cells.get("needs", ""),
        )
        if not errors:
            try:
                registration_validate(round_=self.round, data=data)
            except ValidationError as exc:
                errors.extend(_messages(exc))
        result.errors = errors
        result.data = None if errors else data
        return result


def _messages(error: ValidationError) -> Iterable[str]:
    labels = {**TARGETS, "years_in_profession": TARGETS["years_in_profession"]}
    for key, errors in error.error_dict.items():
        label = labels.get(key, key)
        for message in ValidationError(errors).messages:
            yield f"{label}: {message}"


def check_rows(
    *,
    round_: Round,
    rows: list[list[str]],
    mapping: dict[str, int],
) -> ImportReport:
    """The dry run: every row read and checked; nothing is written."""
    reader = RowReader(round_)
    seen: dict[str, int] = {}
    results = []
    for line, row in enumerate(rows, start=2):
        cells = {
            target: row[index] if index < len(row) else "" for target, index in mapping.items()
        }
        result = reader.read(line, cells)
        email = cells.get("email", "").strip().lower()
        if email in seen:
            result.errors.append(
                _("The same e-mail address is on row %(line)d already.") % {"line": seen[email]}
            )
            result.data = None
        elif email:
            seen[email] = line
        results.append(result)
    return ImportReport(rows=results)
