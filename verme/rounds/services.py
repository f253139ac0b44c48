from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from verme.accounts.models import User
from verme.audit.services import audit_record
from verme.i18n import TranslatedText
from verme.organisations.models import Organisation
from verme.rounds.models import GroupKind, GroupLanguage, Round, Theme, TimeSlot, Weekday

DEFAULT_WEEKDAYS = (
    Weekday.MONDAY,
    Weekday.TUESDAY,
    Weekday.WEDNESDAY,
    Weekday.THURSDAY,
    Weekday.FRIDAY,
)
DEFAULT_TIMES = (datetime.time(14, 0), datetime.time(15, 30), datetime.time(17, 0))


def _default_kinds() -> list[str]:
    return [GroupKind.SUBJECT.value, GroupKind.LEVEL.value, GroupKind.THEME.value]


@dataclass(frozen=True)
class RoundData:
    """What a coordinator types in about a round; defaults are the brochure's."""

    name: TranslatedText
    school_year: str
    signup_opens_on: datetime.date
    signup_closes_on: datetime.date
    group_kinds: list[str] = field(default_factory=_default_kinds)
    languages: list[str] = field(default_factory=lambda: [GroupLanguage.FINNISH.value])
    meetings_count: int = 6
    meeting_minutes: int = 90
    meetings_from_month: int = 9
    meetings_until_month: int = 5
    group_min: int = 4
    group_target: int = 7
    group_max: int = 10
    capacity: int | None = None
    min_slots: int = 3

    @classmethod
    def of(cls, round_: Round) -> RoundData:
        return cls(**{f.name: getattr(round_, f.name) for f in dataclasses.fields(cls)})


@dataclass(frozen=True)
class SlotGrid:
    """The weekly slots as weekdays × start times, each slot ``minutes`` long."""

    weekdays: tuple[int, ...] = DEFAULT_WEEKDAYS
    times: tuple[datetime.time, ...] = DEFAULT_TIMES
    minutes: int = 90

    @classmethod
    def of(cls, round_: Round) -> SlotGrid:
        slots = list(round_.slots.all())
        if not slots:
            return cls(weekdays=(), times=(), minutes=round_.meeting_minutes)
        return cls(
            weekdays=tuple(sorted({s.weekday for s in slots})),
            times=tuple(sorted({s.starts_at for s in slots})),
            minutes=slots[0].minutes,
        )


@dataclass(frozen=True)
class ThemeInput:
    """One theme row of the coordinator's form: an existing theme (by id) or a new one."""

    name: TranslatedText
    theme_id: int | None = None
    remove: bool = False


def _audit_view(data: RoundData) -> dict[str, Any]:
    values = dataclasses.asdict(data)
    values["signup_opens_on"] = data.signup_opens_on.isoformat()
    values["signup_closes_on"] = data.signup_closes_on.isoformat()
    return values


def _apply(round_: Round, data: RoundData) -> None:
    for name, value in dataclasses.asdict(data).items():
        setattr(round_, name, value)
    round_.school_year = round_.school_year.replace("-", "–")


def _sync_slots(round_: Round, grid: SlotGrid) -> None:
    if not grid.weekdays or not grid.times:
        raise ValidationError({"slots": _("Offer at least one weekday and one time.")})
    wanted = {(day, time) for day in grid.weekdays for time in grid.times}
    existing = {(s.weekday, s.starts_at): s for s in round_.slots.all()}
    for key, slot in existing.items():
        if key not in wanted:
            slot.delete()
        elif slot.minutes != grid.minutes:
            slot.minutes = grid.minutes
            slot.save(update_fields=["minutes"])
    for day, time in sorted(wanted - set(existing)):
        slot = TimeSlot(round=round_, weekday=day, starts_at=time, minutes=grid.minutes)
        # The set above never repeats a time; the database constraint guards it too.
        slot.full_clean(validate_constraints=False)
        slot.save()


@transaction.atomic
def round_create(
    *,
    actor: User | None,
    organisation: Organisation,
    data: RoundData,
    slots: SlotGrid | None = None,
) -> Round:
    """Create a draft round with its weekly slots (default: Monday–Friday × 14:00, 15:30, 17:00)."""
    round_ = Round(organisation=organisation)
    _apply(round_, data)
    round_.full_clean()
    round_.save()
    _sync_slots(round_, slots or SlotGrid(minutes=data.meeting_minutes))
    audit_record(
        actor=actor,
        organisation=organisation,
        action="round.create",
        obj=round_,
        after=_audit_view(data),
    )
    return round_


@transaction.atomic
def round_update(
    *, actor: User | None, round_: Round, data: RoundData, slots: SlotGrid | None = None
) -> Round:
    """Change a round's settings and, when given, its weekly slots.

    Removing a slot also removes it from the availability people have already ticked.
    """
    before = _audit_view(RoundData.of(round_))
    _apply(round_, data)
    round_.full_clean()
    round_.save()
    if slots is not None:
        _sync_slots(round_, slots)
    audit_record(
        actor=actor,
        organisation=round_.organisation,
        action="round.update",
        obj=round_,
        before=before,
        after=_audit_view(data),
    )
    return round_


@transaction.atomic
def round_set_themes(*, actor: User | None, round_: Round, themes: list[ThemeInput]) -> list[Theme]:
    """Replace the round's themes in the given order; rows marked ``remove`` (or empty) go."""
    existing = {t.pk: t for t in round_.themes.all()}
    before = [t.name for t in existing.values()]
    kept: list[Theme] = []
    for item in themes:
        theme = existing.pop(item.theme_id, None) if item.theme_id is not None else None
        if item.remove or not item.name:
            if theme is not None:
                theme.delete()
            continue
        theme = theme or Theme(round=round_)
        theme.name = item.name
        theme.position = len(kept)
        theme.full_clean()
        theme.save()
        kept.append(theme)
    for theme in existing.values():  # rows missing from the form are left as they were
        theme.position = len(kept)
        theme.save(update_fields=["position"])
        kept.append(theme)
    audit_record(
        actor=actor,
        organisation=round_.organisation,
        action="round.themes",
        obj=round_,
        before={"themes": before},
        after={"themes": [t.name for t in kept]},
    )
    return kept


def _next_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def round_copy(*, actor: User | None, source: Round, school_year: str) -> Round:
    """Start next year's round from this one: same settings, themes and slots, dates a year on."""
    data = dataclasses.replace(
        RoundData.of(source),
        school_year=school_year,
        signup_opens_on=_next_year(source.signup_opens_on),
        signup_closes_on=_next_year(source.signup_closes_on),
    )
    copy = round_create(
        actor=actor, organisation=source.organisation, data=data, slots=SlotGrid.of(source)
    )
    round_set_themes(
        actor=actor,
        round_=copy,
        themes=[ThemeInput(name=dict(theme.name)) for theme in source.themes.all()],
    )
    audit_record(
        actor=actor,
        organisation=source.organisation,
        action="round.copy",
        obj=copy,
        before={"source": source.pk},
        after={"school_year": copy.school_year},
    )
    return copy


def _set_status(*, actor: User | None, round_: Round, status: Round.Status) -> Round:
    before = round_.status
    round_.status = status
    round_.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        organisation=round_.organisation,
        action=f"round.{status.value}",
        obj=round_,
        before={"status": before},
        after={"status": status.value},
    )
    return round_


@transaction.atomic
def round_open(*, actor: User | None, round_: Round) -> Round:
    """Open sign-up; a round needs a theme and at least as many slots as each person must tick."""
    if not round_.themes.exists():
        raise ValidationError(_("Add at least one theme before opening the round."))
    if round_.slots.count() < round_.min_slots:
        raise ValidationError(
            _("The round offers fewer time slots than each person must tick. Add slots first.")
        )
    return _set_status(actor=actor, round_=round_, status=Round.Status.OPEN)


@transaction.atomic
def round_close(*, actor: User | None, round_: Round) -> Round:
    """Close sign-up: people who still sign up go to the waiting list."""
    return _set_status(actor=actor, round_=round_, status=Round.Status.CLOSED)
