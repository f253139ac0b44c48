"""Rule 7 with absent regions: people without one meet in any region, the others in their own.

A student teacher has no unit, hence no region, and joins working teachers' groups anywhere; a
teacher with a region only meets in person in groups of that region; a mentor without a region
leads in-person groups whose members with a region all share one. The market model's regional
bounds (people without a region as guests of every region) must add up to a proven bound.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace

import pytest

from verme.grouping import (
    Mentor,
    Participant,
    Problem,
    SizeRule,
    Solution,
    SolvedGroup,
    Unassigned,
    solve,
    validate,
)
from verme.grouping import solver as solver_module
from verme.grouping.aggregate import regions, solve_plan
from verme.grouping.instance import Instance

from .make import crowd, mentor, person, problem

SIZE = SizeRule(min=3, max=5, target=4)


def _student(pid: str, **fields: object) -> Participant:
    return person(pid, region=None, unit=None, years=0.0, **fields)


def _solution(*groups: SolvedGroup, unassigned: tuple[Unassigned, ...] = ()) -> Solution:
    return Solution(
        status="feasible",
        objective=0.0,
        bound=0.0,
        seconds=0.0,
        groups=groups,
        unassigned=unassigned,
    )


def _group(gid: str, mentor_id: str, members: tuple[str, ...]) -> SolvedGroup:
    return SolvedGroup(
        id=gid,
        mentor=mentor_id,
        theme="wellbeing",
        slot="mon-1400",
        language="fi",
        online=False,
        members=members,
    )


def _mixed_problem() -> Problem:
    """North's group needs the student teacher to reach the minimum size; south has its own."""
    north = crowd("n", 2, region="north")
    south = crowd("s", 3, region="south", slots=("tue-1400",))
    return problem(
        [*north, *south, _student("st")],
        [mentor("mn", region="north"), mentor("ms", region="south", slots=("tue-1400",))],
        size=SIZE,
    )


def test_a_student_teacher_without_a_region_joins_the_north_group() -> None:
    p = _mixed_problem()
    solution = solve(p, time_limit_s=5.0)
    assert validate(p, solution) == []
    groups = {g.mentor: g for g in solution.groups}
    assert set(groups["mn"].members) == {"n0", "n1", "st"}
    assert not groups["mn"].online
    assert set(groups["ms"].members) == {"s0", "s1", "s2"}
    assert solution.unassigned == ()
    assert solution.status == "optimal"
    student = next(e for e in solution.explanations if e.participant == "st")
    assert "in region north" in student.text


def test_a_student_teacher_may_join_either_region() -> None:
    """Only the south group can take the student (their slot); they join it."""
    north = crowd("n", 3, region="north")
    south = crowd("s", 2, region="south", slots=("tue-1400",))
    p = problem(
        [*north, *south, _student("st", slots=("tue-1400",))],
        [mentor("mn", region="north"), mentor("ms", region="south", slots=("tue-1400",))],
        size=SIZE,
    )
    solution = solve(p, time_limit_s=5.0)
    assert validate(p, solution) == []
    groups = {g.mentor: set(g.members) for g in solution.groups}
    assert groups == {"mn": {"n0", "n1", "n2"}, "ms": {"s0", "s1", "st"}}


def test_a_south_teacher_is_never_in_the_north_in_person_group() -> None:
    north = crowd("n", 2, region="north")
    p = problem(
        [*north, person("s0", region="south", unit="s-unit"), _student("st")],
        [mentor("mn", region="north")],
        size=SIZE,
    )
    solution = solve(p, time_limit_s=5.0)
    assert validate(p, solution) == []
    (group,) = solution.groups
    assert set(group.members) == {"n0", "n1", "st"}
    assert [u.id for u in solution.unassigned] == ["s0"]
    assert solution.unassigned[0].code == "no_shared_language_slot"
    assert "in region south" in solution.unassigned[0].reason


def test_a_mentor_without_a_region_meets_people_of_one_region_only() -> None:
    """Two slots, capacity two: one group of north and one of south, students in either."""
    slots = ("mon-1400", "tue-1400")
    people = [
        *crowd("n", 2, region="north", slots=slots),
        *crowd("s", 2, region="south", slots=slots),
        _student("st0", slots=slots),
        _student("st1", slots=slots),
    ]
    p = problem(people, [mentor("m0", region=None, capacity=2, slots=slots)], size=SIZE)
    solution = solve(p, time_limit_s=5.0)
    assert validate(p, solution) == []
    assert solution.unassigned == ()
    regions_in = [
        {x.region for x in people if x.id in g.members and x.region} for g in solution.groups
    ]
    assert sorted(map(sorted, regions_in)) == [["north"], ["south"]]


def test_the_validator_reads_rule_7_for_absent_regions() -> None:
    accepted = _mixed_problem()
    good = _solution(
        _group("g1", "mn", ("n0", "n1", "st")),
        SolvedGroup("g2", "ms", "wellbeing", "tue-1400", "fi", False, ("s0", "s1", "s2")),
    )
    assert validate(accepted, good) == []
    # A south teacher in north's in-person group breaks rule 7, and only rule 7.
    north = crowd("n", 2, region="north")
    rejected = problem(
        [*north, person("s0", region="south", unit="s-unit"), _student("st")],
        [mentor("mn", region="north")],
        size=SIZE,
    )
    bad = _solution(_group("g1", "mn", ("n0", "n1", "s0", "st")))
    broken = validate(rejected, bad)
    assert [(v.rule, v.participant) for v in broken] == [(7, "s0")]
    assert "region south" in broken[0].message
    # Online, the same group is fine when everyone accepts online groups.
    online = problem(
        [person(x.id, region=x.region, unit=x.unit, online=True) for x in rejected.participants],
        [mentor("mn", region="north")],
        size=SIZE,
    )
    assert validate(online, _solution(replace(bad.groups[0], online=True))) == []


def test_the_validator_lets_a_mentor_without_a_region_meet_one_region() -> None:
    people = [*crowd("n", 2, region="north"), _student("st"), person("s0", region="south")]
    p = problem(people, [mentor("m0", region=None)], size=SIZE)
    one_region = _solution(
        _group("g1", "m0", ("n0", "n1", "st")), unassigned=(Unassigned("s0", "x"),)
    )
    assert validate(p, one_region) == []
    students_only = problem(
        [_student(f"st{i}") for i in range(3)], [mentor("m0", region=None)], size=SIZE
    )
    assert validate(students_only, _solution(_group("g1", "m0", ("st0", "st1", "st2")))) == []
    two_regions = _solution(_group("g1", "m0", ("n0", "n1", "st", "s0")))
    assert [(v.rule, v.participant) for v in validate(p, two_regions)] == [(7, "s0")]


# -- the bound ------------------------------------------------------------------------------------


def _regional_bound(inst: Instance, seconds: float = 10.0) -> float:
    """The sum of the regional market models' bounds, as the solver adds them up."""
    total = 0.0
    for name in regions(inst):
        plan = solve_plan(inst, time.monotonic() + seconds, region=(name,), conflict_cuts=False)
        total += plan.bound
    return total


def test_a_region_needing_guests_without_a_region_keeps_a_valid_bound() -> None:
    """North's two teachers make a group only with the student: the bound must allow it."""
    p = problem(
        [*crowd("n", 2, region="north"), _student("st")], [mentor("mn", region="north")], size=SIZE
    )
    solution = solve(p, time_limit_s=5.0)
    assert solution.unassigned == ()
    assert solution.status == "optimal"
    bound = _regional_bound(Instance(p))
    assert bound <= solution.penalty + 1e-6


def _random_problem(rng: random.Random) -> Problem:
    slots = ("mon-1400", "tue-1400")
    themes = ("wellbeing", "assessment", "digital")
    places = ("north", "south", None)
    people = []
    for i in range(rng.randint(5, 9)):
        people.append(
            Participant(
                id=f"p{i}",
                languages=("fi",) if rng.random() < 0.8 else ("fi", "sv"),
                slots=tuple(rng.sample(slots, rng.randint(1, 2))),
                themes=tuple(rng.sample(themes, rng.randint(0, 3))),
                unit=rng.choice(("u1", "u2", "u3", None)),
                years=float(rng.randint(0, 20)),
                region=rng.choice(places),
                online=rng.random() < 0.3,
            )
        )
    mentors = [
        Mentor(
            id=f"m{j}",
            languages=("fi",),
            slots=tuple(rng.sample(slots, rng.randint(1, 2))),
            themes=(rng.choice(themes),),
            capacity=rng.randint(1, 2),
            region=rng.choice(places),
        )
        for j in range(rng.randint(1, 3))
    ]
    ids = [x.id for x in people]
    a, b, c, d = rng.sample(ids, 4)
    apart = ((a, b),) if rng.random() < 0.3 else ()
    together = ((c, d),) if rng.random() < 0.3 else ()
    return Problem(
        participants=tuple(people),
        mentors=tuple(mentors),
        size=SizeRule(min=2, max=4, target=3),
        apart=apart,
        together=together,
    )


def test_regional_bounds_never_exceed_the_best_grouping(monkeypatch: pytest.MonkeyPatch) -> None:
    """On small generated problems, planned region by region, the bound stays a bound.

    The best grouping is the exact model's proved optimum (these problems are small enough for
    HiGHS to prove it); the regional bounds, and the solver's reported bound with regional
    planning forced, must never exceed it.
    """
    proved = 0
    for seed in range(12):
        p = _random_problem(random.Random(seed))
        best = solve(p, time_limit_s=5.0)
        assert validate(p, best) == []
        bound = _regional_bound(Instance(p))
        assert bound <= best.penalty + 1e-6, seed
        monkeypatch.setattr(solver_module, "WHOLE_PLAN_MAX_BLOCKS", 0)
        by_region = solve(p, time_limit_s=5.0)
        monkeypatch.undo()
        assert validate(p, by_region) == []
        assert by_region.penalty_bound <= best.penalty + 1e-6, seed
        if best.status == "optimal":
            proved += 1
            assert by_region.penalty >= best.penalty - 1e-6, seed
    assert proved >= 8
