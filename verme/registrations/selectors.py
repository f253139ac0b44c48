from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from verme.organisations.tenancy import TenantQuerySet
from verme.registrations.models import Registration, RegistrationImport
from verme.rounds.models import GroupKind, Round, TimeSlot


def registration_by_token(*, token: str) -> Registration:
    """The registration behind a private link, or 404; the token is the only key."""
    queryset = Registration.objects.unscoped().select_related(
        "round__organisation", "unit", "theme_1", "theme_2", "theme_3"
    )
    return get_object_or_404(queryset, token=token)


def registration_slot_ids(*, registration: Registration) -> list[int]:
    return list(registration.available_slots.values_list("pk", flat=True))


def round_registrations(
    *, round_: Round, filters: dict[str, Any] | None = None
) -> TenantQuerySet[Registration]:
    """A round's registrations with what the list and the exports show, filtered as asked.

    Cancelled registrations are left out unless the status filter asks for them.
    """
    filters = filters or {}
    queryset = Registration.objects.for_organisation(round_.organisation).filter(round=round_)
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    else:
        queryset = queryset.exclude(status=Registration.Status.CANCELLED)
    if filters.get("q"):
        words = str(filters["q"]).split()
        for word in words:
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
    if filters.get("unit"):
        queryset = queryset.filter(unit_id=filters["unit"])
    if filters.get("job_title"):
        queryset = queryset.filter(job_title=filters["job_title"])
    if filters.get("theme"):
        theme = filters["theme"]
        queryset = queryset.filter(Q(theme_1_id=theme) | Q(theme_2_id=theme) | Q(theme_3_id=theme))
    if filters.get("language"):
        queryset = queryset.filter(group_language=filters["language"])
    if filters.get("online"):
        queryset = queryset.filter(accepts_online=filters["online"] == "yes")
    if filters.get("kind"):
        # JSON containment is not portable to SQLite; ids are matched in Python, then filtered.
        ids = [
            pk
            for pk, kinds in queryset.values_list("pk", "group_kinds")
            if filters["kind"] in (kinds or [])
        ]
        queryset = queryset.filter(pk__in=ids)
    return (
        queryset.select_related("unit", "theme_1", "theme_2", "theme_3")
        .prefetch_related(
            Prefetch(
                "available_slots",
                queryset=TimeSlot.objects.for_organisation(round_.organisation).order_by(
                    "weekday", "starts_at"
                ),
            )
        )
        .order_by("last_name", "first_name", "pk")
    )


@dataclass
class Count:
    label: str
    first: int = 0
    any: int = 0


@dataclass
class RegistrationCounts:
    """How many registrations fall in each theme, group kind, unit, language and status, and how
    many accept an online group."""

    total: int = 0
    online: int = 0
    themes: dict[str, Count] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


def registration_counts(*, registrations: list[Registration]) -> RegistrationCounts:
    """Counts over already-fetched registrations: no query of its own."""
    counts = RegistrationCounts(
        total=len(registrations), online=sum(r.accepts_online for r in registrations)
    )
    themes: dict[int, Count] = {}
    kinds: Counter[str] = Counter()
    units: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for registration in registrations:
        for position, theme in enumerate(registration.themes):
            entry = themes.setdefault(theme.pk, Count(label=str(theme)))
            entry.any += 1
            entry.first += position == 0
        kinds.update(str(GroupKind(k).label) for k in registration.group_kinds)
        units[registration.unit.name if registration.unit else "–"] += 1
        languages[registration.get_group_language_display()] += 1
        statuses[registration.get_status_display()] += 1
    counts.themes = {c.label: c for c in sorted(themes.values(), key=lambda c: -c.any)}
    counts.kinds = dict(kinds.most_common())
    counts.units = dict(sorted(units.items()))
    counts.languages = dict(languages.most_common())
    counts.statuses = dict(statuses.most_common())
    return counts


def registration_import_get(*, round_: Round, pk: int) -> RegistrationImport:
    queryset = RegistrationImport.objects.for_organisation(round_.organisation).filter(round=round_)
    return get_object_or_404(queryset, pk=pk)


def round_registration_emails(*, round_: Round) -> set[str]:
    return set(
        Registration.objects.for_organisation(round_.organisation)
        .filter(round=round_)
        .values_list("email", flat=True)
    )
