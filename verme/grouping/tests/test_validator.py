"""The validator finds each broken hard rule in hand-made solutions."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from verme.grouping import FixedGroup, Pin, Solution, SolvedGroup, Unassigned, validate

from .make import crowd, mentor, person, problem

PEOPLE = crowd("p", 4)
BASE = problem(PEOPLE, [mentor("m1"), mentor("m2", capacity=1)])
GROUP = SolvedGroup(
    id="g1",
    mentor="m1",
    theme="wellbeing",
    slot="mon-1400",
    language="fi",
    online=False,
    members=("p0", "p1", "p2", "p3"),
)


def _solution(*groups: SolvedGroup, unassigned: tuple[Unassigned, ...] = ()) -> Solution:
    return Solution(
        status="feasible",
        objective=0.0,
        bound=0.0,
        seconds=0.0,
        groups=groups,
        unassigned=unassigned,
    )


def _rules(solution: Solution, **changes: Any) -> set[int]:
    return {v.rule for v in validate(replace(BASE, **changes), solution)}


def test_a_valid_solution_has_no_violations() -> None:
    assert validate(BASE, _solution(GROUP)) == []


def test_validator_requires_every_participant_exactly_once() -> None:
    twice = replace(GROUP, members=("p0", "p1", "p2", "p3", "p3"))
    missing = replace(GROUP, members=("p0", "p1", "p2"))
    stranger = _solution(GROUP, unassigned=(Unassigned("x9", "?"),))
    assert 0 in _rules(_solution(twice))
    assert 0 in _rules(_solution(missing))
    assert 0 in _rules(stranger)


def test_validator_catches_a_group_outside_the_size_bounds() -> None:
    small = replace(GROUP, members=("p0", "p1"))
    rest = (Unassigned("p2", "x"), Unassigned("p3", "x"))
    assert _rules(_solution(small, unassigned=rest)) == {1}


def test_validator_catches_a_slot_someone_cannot_attend() -> None:
    assert _rules(_solution(replace(GROUP, slot="tue-1400"))) == {2}


def test_validator_catches_a_language_someone_does_not_accept() -> None:
    assert _rules(_solution(replace(GROUP, language="sv"))) == {3}


def test_validator_catches_apart_and_supervises_pairs_including_the_mentor() -> None:
    assert _rules(_solution(GROUP), apart=(("p0", "p1"),)) == {4}
    assert _rules(_solution(GROUP), supervises=(("m1", "p2"),)) == {4}


def test_validator_catches_a_split_together_pair_and_a_broken_pin() -> None:
    other = person("p4")
    changed = replace(BASE, participants=(*PEOPLE, other))
    solution = _solution(GROUP, unassigned=(Unassigned("p4", "x"),))
    assert validate(changed, solution) == []
    split = validate(replace(changed, together=(("p0", "p4"),)), solution)
    assert split == []  # p4 is not placed, so together does not bind
    pinned = validate(replace(changed, pinned=(Pin("p4", "g1"),)), solution)
    assert {v.rule for v in pinned} == {5}
    moved = replace(GROUP, members=("p0", "p1", "p2"))
    with_p4 = SolvedGroup("g2", "m2", "wellbeing", "mon-1400", "fi", False, ("p3", "p4", "p5"))
    six = replace(changed, participants=(*PEOPLE, other, person("p5")), together=(("p0", "p3"),))
    assert {v.rule for v in validate(six, _solution(moved, with_p4))} == {5}


def test_validator_catches_capacity_and_changed_fixed_groups() -> None:
    second = replace(GROUP, id="g2", members=("p2", "p3"), slot="mon-1400")
    first = replace(GROUP, members=("p0", "p1"))
    rules = _rules(_solution(first, second), size=replace(BASE.size, min=2))
    assert 6 in rules
    fixed = (FixedGroup(id="g1", mentor="m1", theme="assessment"),)
    assert _rules(_solution(GROUP), groups=fixed) == {6}


def test_validator_catches_a_member_from_another_region_or_offline() -> None:
    south = replace(BASE, participants=(*PEOPLE[:3], person("p3", region="south")))
    assert {v.rule for v in validate(south, _solution(GROUP))} == {7}
    online = replace(GROUP, online=True)
    assert {v.rule for v in validate(BASE, _solution(online))} == {7}
