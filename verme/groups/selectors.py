"""Reads for group formation: the optimiser's `Problem` built from a round, proposals, groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from verme.grouping import FixedGroup, Mentor, Participant, Pin, Problem, SizeRule, Weights
from verme.groups.models import Group, GroupMember, Proposal
from verme.mentors.models import RoundMentor
from verme.mentors.selectors import round_mentors
from verme.organisations.models import Organisation
from verme.organisations.tenancy import TenantQuerySet
from verme.registrations.models import JobTitle, LanguageWish, Registration
from verme.rounds.models import Round, Theme, TimeSlot

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def slot_key(slot: TimeSlot) -> str:
    """The optimiser's name of a weekly slot: Monday 14:00 is `mon-1400`."""
    return f"{WEEKDAY_CODES[slot.weekday]}-{slot.starts_at:%H%M}"


def registration_key(registration: Registration | int) -> str:
    pk = registration if isinstance(registration, int) else registration.pk
    return f"r{pk}"


def round_mentor_key(round_mentor: RoundMentor | int) -> str:
    pk = round_mentor if isinstance(round_mentor, int) else round_mentor.pk
    return f"m{pk}"


def theme_key(theme: Theme | int) -> str:
    pk = theme if isinstance(theme, int) else theme.pk
    return f"t{pk}"


def key_pk(key: str) -> int | None:
    """The primary key inside `r12`, `m3` or `t7`; None for anything else."""
    return int(key[1:]) if len(key) > 1 and key[1:].isdigit() else None


def groupable_registrations(*, round_: Round) -> TenantQuerySet[Registration]:
    """Registrations that take part in group formation (not waiting, not cancelled)."""
    organisation = round_.organisation
    return (
        Registration.objects.for_organisation(organisation)
        .filter(round=round_, status=Registration.Status.REGISTERED)
        .select_related("unit", "theme_1", "theme_2", "theme_3")
        .prefetch_related(
            Prefetch("available_slots", queryset=TimeSlot.objects.for_organisation(organisation))
        )
        .order_by("pk")
    )


def registration_accepts_online(registration: Registration) -> bool:
    """Whether the person accepts a group that meets online, as they answered in the sign-up
    form (or an import); the optimiser and late placement read this one answer."""
    return registration.accepts_online


def _languages(registration: Registration, round_: Round) -> tuple[str, ...]:
    if registration.group_language == LanguageWish.EITHER:
        return tuple(round_.languages)
    return (registration.group_language,)


def _participant(registration: Registration, round_: Round) -> Participant:
    unit = registration.unit
    return Participant(
        id=registration_key(registration),
        languages=_languages(registration, round_),
        slots=tuple(sorted(slot_key(s) for s in registration.available_slots.all())),
        themes=tuple(theme_key(t) for t in registration.themes),
        kinds=tuple(registration.group_kinds),
        unit=f"u{unit.pk}" if unit is not None else None,
        years=float(registration.years_in_profession),
        role=registration.job_title,
        level=registration.school_level,
        subjects=tuple(s.strip().lower() for s in registration.subjects.split(",") if s.strip()),
        region=(unit.region or None) if unit is not None else None,
        online=registration_accepts_online(registration),
    )


def _mentor(round_mentor: RoundMentor) -> Mentor:
    mentor = round_mentor.mentor
    return Mentor(
        id=round_mentor_key(round_mentor),
        languages=tuple(mentor.languages),
        slots=tuple(sorted(slot_key(s) for s in round_mentor.slots.all())),
        themes=tuple(theme_key(t) for t in round_mentor.themes.all()),
        capacity=round_mentor.capacity,
        unit=f"u{mentor.unit_id}" if mentor.unit_id is not None else None,
        region=mentor.region or None,
    )


def _together(registrations: Sequence[Registration]) -> tuple[tuple[str, str], ...]:
    """Pairs from "keep me together with", when both people are registered in the round."""
    by_email = {r.email: r for r in registrations}
    pairs: set[tuple[str, str]] = set()
    for registration in registrations:
        other = by_email.get(registration.keep_together_with)
        if other is not None and other.pk != registration.pk:
            a, b = sorted((registration.pk, other.pk))
            pairs.add((registration_key(a), registration_key(b)))
    return tuple(sorted(pairs))


def _supervises(registrations: Sequence[Registration]) -> tuple[tuple[str, str], ...]:
    """A principal supervises the staff of their own unit; they are never grouped together."""
    by_unit: dict[int, list[Registration]] = defaultdict(list)
    for registration in registrations:
        if registration.unit_id is not None:
            by_unit[registration.unit_id].append(registration)
    pairs: list[tuple[str, str]] = []
    for people in by_unit.values():
        for boss in people:
            if boss.job_title != JobTitle.PRINCIPAL:
                continue
            pairs.extend(
                (registration_key(boss), registration_key(other))
                for other in people
                if other.job_title != JobTitle.PRINCIPAL
            )
    return tuple(pairs)


def grouping_problem_for_round(
    *,
    round_: Round,
    weights: Weights,
    pins: Iterable[Pin] = (),
    groups: Iterable[FixedGroup] = (),
    time_limit_s: float | None = None,
) -> Problem:
    """The optimiser's input from the round's registrations and mentors.

    Ids are `r<registration pk>`, `m<round mentor pk>`, `t<theme pk>`, `u<unit pk>` and slots
    like `mon-1400`. Pins and fixed groups naming people or mentors no longer in the round are
    left out.
    """
    registrations = list(groupable_registrations(round_=round_))
    mentors = list(round_mentors(round_=round_))
    slots = TimeSlot.objects.for_organisation(round_.organisation).filter(round=round_)
    people = {registration_key(r) for r in registrations}
    mentor_ids = {round_mentor_key(m) for m in mentors}
    fixed = tuple(g for g in groups if g.mentor in mentor_ids)
    fixed_ids = {g.id for g in fixed}
    return Problem(
        participants=tuple(_participant(r, round_) for r in registrations),
        mentors=tuple(_mentor(m) for m in mentors),
        size=SizeRule(min=round_.group_min, max=round_.group_max, target=round_.group_target),
        slots=tuple(slot_key(s) for s in slots),
        groups=fixed,
        together=_together(registrations),
        supervises=_supervises(registrations),
        pinned=tuple(p for p in pins if p.participant in people and p.group in fixed_ids),
        weights=weights,
        time_limit_s=time_limit_s,
    )


def round_proposals(*, round_: Round) -> TenantQuerySet[Proposal]:
    """The round's proposals, newest first (the stored problem and solution are deferred)."""
    return (
        Proposal.objects.for_organisation(round_.organisation)
        .filter(round=round_)
        .defer("problem", "solution")
        .order_by("-number")
    )


def proposal_get(*, organisation: Organisation, pk: int) -> Proposal:
    """One proposal of this organisation with its round, or 404."""
    queryset = Proposal.objects.for_organisation(organisation).select_related(
        "organisation", "round__organisation"
    )
    return get_object_or_404(queryset, pk=pk)


def published_proposal(*, round_: Round) -> Proposal | None:
    return (
        Proposal.objects.for_organisation(round_.organisation)
        .filter(round=round_, status=Proposal.Status.PUBLISHED)
        .first()
    )


def round_groups(*, round_: Round) -> TenantQuerySet[Group]:
    """Published groups with mentor, theme, slot and members."""
    organisation = round_.organisation
    return (
        Group.objects.for_organisation(organisation)
        .filter(round=round_)
        .select_related("round_mentor__mentor", "theme", "slot")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=GroupMember.objects.for_organisation(organisation).select_related(
                    "registration__unit",
                    "registration__theme_1",
                    "registration__theme_2",
                    "registration__theme_3",
                ),
            )
        )
    )
