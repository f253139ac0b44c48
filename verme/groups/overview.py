"""A proposal as the coordinator sees it: groups with members, explanations, quality figures and
a weekly heat-map, read from the stored problem and solution with a handful of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from verme.grouping import Problem, Solution, problem_from_dict, solution_from_dict, validate
from verme.grouping.model import relative_gap
from verme.groups.explain import placed_sentence, unassigned_sentence
from verme.groups.models import Proposal
from verme.groups.selectors import (
    key_pk,
    registration_key,
    round_mentor_key,
    slot_key,
    theme_key,
)
from verme.mentors.models import RoundMentor
from verme.registrations.models import Registration
from verme.rounds.models import GroupLanguage, Theme, TimeSlot, Weekday


@dataclass
class Names:
    """Database rows behind the optimiser's ids, fetched once per page."""

    people: dict[str, Registration]
    mentors: dict[str, RoundMentor]
    themes: dict[str, Theme]
    slots: dict[str, TimeSlot]

    def person(self, key: str) -> str:
        registration = self.people.get(key)
        return registration.full_name if registration else key

    def mentor(self, key: str) -> str:
        round_mentor = self.mentors.get(key)
        return round_mentor.mentor.name if round_mentor else key

    def theme(self, key: str) -> str:
        theme = self.themes.get(key)
        return str(theme) if theme else key

    def slot(self, key: str) -> str:
        slot = self.slots.get(key)
        return str(slot) if slot else key


def language_label(code: str) -> str:
    try:
        return str(GroupLanguage(code).label).lower()
    except ValueError:
        return code


def names_for(proposal: Proposal, problem: Problem) -> Names:
    organisation = proposal.round.organisation
    people = [key_pk(p.id) for p in problem.participants]
    mentors = [key_pk(m.id) for m in problem.mentors]
    registrations = (
        Registration.objects.for_organisation(organisation)
        .filter(round=proposal.round, pk__in=[pk for pk in people if pk is not None])
        .select_related("unit")
    )
    round_mentors = (
        RoundMentor.objects.for_organisation(organisation)
        .filter(round=proposal.round, pk__in=[pk for pk in mentors if pk is not None])
        .select_related("mentor")
    )
    themes = Theme.objects.for_organisation(organisation).filter(round=proposal.round)
    slots = TimeSlot.objects.for_organisation(organisation).filter(round=proposal.round)
    return Names(
        people={registration_key(r): r for r in registrations},
        mentors={round_mentor_key(m): m for m in round_mentors},
        themes={theme_key(t): t for t in themes},
        slots={slot_key(s): s for s in slots},
    )


@dataclass
class Member:
    key: str
    name: str
    unit: str
    explanation: str
    pinned: bool = False
    group: str = ""


@dataclass
class HeatRow:
    label: str
    cells: list[tuple[int, int, bool]]
    """Per start time: members who can meet, the level 0–4 for the colour, the group's time."""


@dataclass
class GroupView:
    key: str
    number: int
    mentor: str
    theme: str
    slot: str
    language: str
    members: list[Member]
    size: int
    units: int
    novices: int
    experienced: int
    first_wish: int
    any_wish: int
    pinned: bool
    online: bool = False
    penalty: float | None = None
    """The group's penalty points as it is now (None for a result stored without them)."""
    times: list[str] = field(default_factory=list)
    heat: list[HeatRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return _("Group %(number)d: %(theme)s") % {"number": self.number, "theme": self.theme}


def _percent(gap: float | None) -> str:
    """The gap as a percentage with the page language's decimal separator (4,1 % in Finnish)."""
    return "–" if gap is None else f"{number_format(100 * gap, 1)} %"


def _finite(gap: float) -> float | None:
    return None if gap == float("inf") else gap


@dataclass
class Figures:
    """The headline figures of a proposal, side by side on the comparison page.

    `objective`, `penalty` and `gap` are those of the groups as they are now, after any moves by
    hand; `optimiser_*` are the optimiser's own, before them. `bound` and `penalty_bound` are
    proven for the round's problem, so they hold for every grouping of it, moved or not.

    `gap` is the exchange format's, on the score, which counts every placed person; it stays
    small whenever nearly everyone is placed. `penalty_gap` compares the penalty points alone
    with `penalty_bound`: the stricter figure of how far wishes, mixing and sizes are from the
    proven best (docs/benchmarks-grouping.md).
    """

    participants: int
    placed: int
    first_wish: int
    any_wish: int
    groups: int
    violations: int
    objective: float
    penalty: float
    bound: float
    penalty_bound: float
    gap: float | None
    penalty_gap: float | None
    status: str
    seconds: float
    moves: int
    optimiser_objective: float
    optimiser_penalty: float
    optimiser_gap: float | None
    optimiser_penalty_gap: float | None

    @property
    def unplaced(self) -> int:
        return self.participants - self.placed

    @property
    def changed(self) -> bool:
        """Whether the coordinator has moved anyone, so that the figures differ in origin."""
        return self.moves > 0

    @property
    def gap_percent(self) -> str:
        return _percent(self.gap)

    @property
    def optimiser_gap_percent(self) -> str:
        return _percent(self.optimiser_gap)

    @property
    def penalty_gap_percent(self) -> str:
        return _percent(self.penalty_gap)

    @property
    def optimiser_penalty_gap_percent(self) -> str:
        return _percent(self.optimiser_penalty_gap)


@dataclass
class Overview:
    proposal: Proposal
    groups: list[GroupView]
    unplaced: list[Member]
    figures: Figures
    choices: list[tuple[str, str]]


def _heat_rows(
    slots: list[TimeSlot], available: dict[str, set[str]], members: tuple[str, ...], meeting: str
) -> tuple[list[str], list[HeatRow]]:
    times: list[datetime.time] = sorted({s.starts_at for s in slots})
    by_key = {(s.weekday, s.starts_at): slot_key(s) for s in slots}
    size = max(1, len(members))
    rows = []
    for day in sorted({s.weekday for s in slots}):
        cells = []
        for time in times:
            key = by_key.get((day, time))
            count = sum(key in available.get(m, set()) for m in members) if key else 0
            cells.append((count, round(4 * count / size), key == meeting))
        rows.append(HeatRow(label=str(Weekday(day).label), cells=cells))
    return [t.strftime("%H:%M") for t in times], rows


def figures_of(
    problem: Problem,
    solution: Solution,
    moves: int = 0,
    optimiser: tuple[float, float] | None = None,
) -> Figures:
    """The figures of a stored solution; `optimiser` is the optimiser's (objective, penalty)
    when the groups were changed by hand since (the stored ones are then the groups' own)."""
    themes = {p.id: p.themes for p in problem.participants}
    placed = first = anywish = 0
    for group in solution.groups:
        for member in group.members:
            placed += 1
            listed = themes.get(member, ())
            first += bool(listed) and listed[0] == group.theme
            anywish += group.theme in listed
    objective, penalty = optimiser or (solution.objective, solution.penalty)
    return Figures(
        participants=len(problem.participants),
        placed=placed,
        first_wish=first,
        any_wish=anywish,
        groups=len(solution.groups),
        violations=len(validate(problem, solution)),
        objective=solution.objective,
        penalty=solution.penalty,
        bound=solution.bound,
        penalty_bound=solution.penalty_bound,
        gap=_finite(solution.gap),
        penalty_gap=_finite(relative_gap(solution.penalty, solution.penalty_bound)),
        status=solution.status,
        seconds=solution.seconds,
        moves=moves,
        optimiser_objective=objective,
        optimiser_penalty=penalty,
        optimiser_gap=_finite(relative_gap(objective, solution.bound)),
        optimiser_penalty_gap=_finite(relative_gap(penalty, solution.penalty_bound)),
    )


def _optimiser_figures(proposal: Proposal) -> tuple[float, float] | None:
    if proposal.optimiser_objective is None or proposal.optimiser_penalty is None:
        return None
    return proposal.optimiser_objective, proposal.optimiser_penalty


def proposal_figures(*, proposal: Proposal) -> Figures | None:
    if proposal.solution is None:
        return None
    return figures_of(
        problem_from_dict(proposal.problem),
        solution_from_dict(proposal.solution),
        len(proposal.moved),
        _optimiser_figures(proposal),
    )


def proposal_overview(*, proposal: Proposal) -> Overview:
    """Everything the proposal page shows; the proposal must have a result."""
    assert proposal.solution is not None  # noqa: S101 - the view checks has_result first
    problem = problem_from_dict(proposal.problem)
    solution = solution_from_dict(proposal.solution)
    names = names_for(proposal, problem)
    people = {p.id: p for p in problem.participants}
    available = {p.id: set(p.slots) for p in problem.participants}
    novice_years = problem.weights.novice_years
    pinned_people = set(proposal.pinned_people)
    pinned_groups = set(proposal.pinned_groups)
    moved = set(proposal.moved)
    round_slots = sorted(names.slots.values(), key=lambda s: (s.weekday, s.starts_at))
    groups = []
    for number, group in enumerate(solution.groups, start=1):
        members = [people[m] for m in group.members if m in people]
        ranks = [
            p.themes.index(group.theme) + 1 if group.theme in p.themes else None for p in members
        ]
        novices = sum(p.years is not None and p.years <= novice_years for p in members)
        units = len({p.unit for p in members if p.unit})
        slot, language, theme = (
            names.slot(group.slot),
            language_label(group.language),
            names.theme(group.theme),
        )
        view_members = []
        for person, rank in zip(members, ranks, strict=True):
            registration = names.people.get(person.id)
            is_pinned = person.id in pinned_people or group.id in pinned_groups
            view_members.append(
                Member(
                    key=person.id,
                    name=names.person(person.id),
                    unit=registration.unit.name if registration and registration.unit else "",
                    explanation=placed_sentence(
                        theme_rank=rank,
                        theme=theme,
                        slot=slot,
                        language=language,
                        units=units,
                        novices=novices,
                        experienced=len(members) - novices,
                        online=group.online,
                        pinned=is_pinned,
                        moved=person.id in moved,
                    ),
                    pinned=person.id in pinned_people,
                    group=group.id,
                )
            )
        times, heat = _heat_rows(round_slots, available, group.members, group.slot)
        groups.append(
            GroupView(
                key=group.id,
                number=number,
                mentor=names.mentor(group.mentor),
                theme=theme,
                slot=slot,
                language=language,
                members=view_members,
                size=len(members),
                units=units,
                novices=novices,
                experienced=len(members) - novices,
                first_wish=sum(r == 1 for r in ranks),
                any_wish=sum(r is not None for r in ranks),
                pinned=group.id in pinned_groups,
                online=group.online,
                penalty=group.summary.penalty if group.summary is not None else None,
                times=times,
                heat=heat,
            )
        )
    unplaced = []
    for item in solution.unassigned:
        registration = names.people.get(item.id)
        unplaced.append(
            Member(
                key=item.id,
                name=names.person(item.id),
                unit=registration.unit.name if registration and registration.unit else "",
                explanation=unassigned_sentence(item.code),
            )
        )
    choices = [(g.key, g.label) for g in groups]
    return Overview(
        proposal=proposal,
        groups=groups,
        unplaced=unplaced,
        figures=figures_of(problem, solution, len(proposal.moved), _optimiser_figures(proposal)),
        choices=choices,
    )
