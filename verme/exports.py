"""Shared renderers for exports: an export is a small object that names its columns and yields
rows; these write it as CSV or XLSX. Cells that a spreadsheet would run as a formula are defused."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from typing import Protocol

from django.http import HttpResponse
from openpyxl import Workbook

Cell = str | int | float | datetime.date | None
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Export(Protocol):
    filename: str  # without the extension

    def headers(self) -> list[str]: ...

    def rows(self) -> Iterable[list[Cell]]: ...


def _safe(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return value


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def render_csv(export: Export) -> HttpResponse:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read å, ä and ö right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(export.headers())
    for row in export.rows():
        writer.writerow(["" if v is None else _safe(v) for v in row])
    return _download(
        buffer.getvalue().encode("utf-8-sig"), f"{export.filename}.csv", "text/csv; charset=utf-8"
    )


def render_xlsx(export: Export) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(export.headers())
    for row in export.rows():
        sheet.append([_safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _download(
        buffer.getvalue(),
        f"{export.filename}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


RENDERERS: dict[str, Callable[[Export], HttpResponse]] = {"csv": render_csv, "xlsx": render_xlsx}
