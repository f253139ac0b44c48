from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from verme.organisations.models import Organisation
from verme.organisations.tenancy import TenantQuerySet
from verme.rounds.models import Round, Theme, TimeSlot, Weekday


def organisation_rounds(*, organisation: Organisation) -> TenantQuerySet[Round]:
    """The organisation's rounds, newest school year first."""
    return Round.objects.for_organisation(organisation).select_related("organisation")


def round_get(*, organisation: Organisation, pk: int) -> Round:
    """One round of this organisation, or 404 (also for another organisation's round)."""
    return get_object_or_404(organisation_rounds(organisation=organisation), pk=pk)


def round_themes(*, round_: Round) -> list[Theme]:
    return list(Theme.objects.for_organisation(round_.organisation).filter(round=round_))


def round_slots(*, round_: Round) -> list[TimeSlot]:
    return list(TimeSlot.objects.for_organisation(round_.organisation).filter(round=round_))


@dataclass(frozen=True)
class SlotRow:
    weekday: int
    label: str
    cells: list[TimeSlot | None]


@dataclass(frozen=True)
class SlotTable:
    """The weekly slots as a table: a row per weekday, a column per start time."""

    times: list[datetime.time]
    rows: list[SlotRow]

    @property
    def time_labels(self) -> list[str]:
        return [t.strftime("%H:%M") for t in self.times]


def slot_table(*, slots: list[TimeSlot]) -> SlotTable:
    times = sorted({s.starts_at for s in slots})
    by_key = {(s.weekday, s.starts_at): s for s in slots}
    rows = [
        SlotRow(
            weekday=day,
            label=str(Weekday(day).label),
            cells=[by_key.get((day, t)) for t in times],
        )
        for day in sorted({s.weekday for s in slots})
    ]
    return SlotTable(times=times, rows=rows)
