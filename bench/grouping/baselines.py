"""Two ways groups are formed without an optimiser, for comparison."""

from __future__ import annotations

import random
from collections.abc import Iterator

from verme.grouping.model import Mentor, Problem, Solution, SolvedGroup, Unassigned


def _chunks(ids: list[str], size: int, low: int) -> list[list[str]]:
    """Cut into groups of `size`; a short tail is spread over the others or kept if big enough."""
    groups = [ids[i : i + size] for i in range(0, len(ids), size)]
    if len(groups) > 1 and len(groups[-1]) < low:
        tail = groups.pop()
        for n, person in enumerate(tail):
            groups[n % len(groups)].append(person)
    return groups


def _mentor_slots(problem: Problem) -> Iterator[Mentor]:
    for mentor in problem.mentors:
        for _ in range(mentor.capacity):
            yield mentor


def _solution(problem: Problem, groups: list[list[str]], themes: list[str]) -> Solution:
    solved: list[SolvedGroup] = []
    leftover: list[str] = []
    mentors = _mentor_slots(problem)
    for n, (members, theme) in enumerate(zip(groups, themes, strict=True)):
        mentor = next(mentors, None)
        if mentor is None:
            leftover.extend(members)
            continue
        solved.append(
            SolvedGroup(
                id=f"g{n + 1}",
                mentor=mentor.id,
                theme=theme,
                slot=mentor.slots[0] if mentor.slots else "",
                language=mentor.languages[0] if mentor.languages else "",
                online=False,
                members=tuple(members),
            )
        )
    return Solution(
        status="feasible",
        objective=0.0,
        bound=0.0,
        seconds=0.0,
        groups=tuple(solved),
        unassigned=tuple(Unassigned(pid, "no mentor left") for pid in leftover),
    )


def random_groups(problem: Problem, seed: int) -> Solution:
    """Shuffle everyone and cut into groups of the target size; a random listed theme each."""
    rng = random.Random(seed)
    people = list(problem.participants)
    rng.shuffle(people)
    groups = _chunks([p.id for p in people], problem.size.target, problem.size.min)
    by_id = {p.id: p for p in problem.participants}
    themes = [rng.choice(by_id[g[0]].themes or ("general",)) for g in groups]
    return _solution(problem, groups, themes)


def spreadsheet(problem: Problem) -> Solution:
    """The spreadsheet method: sort by first-choice theme, cut into sevens, ignore the rest."""
    people = sorted(problem.participants, key=lambda p: (p.themes[:1], p.id))
    groups = _chunks([p.id for p in people], 7, problem.size.min)
    by_id = {p.id: p for p in problem.participants}
    themes = [(by_id[g[0]].themes or ("general",))[0] for g in groups]
    return _solution(problem, groups, themes)
