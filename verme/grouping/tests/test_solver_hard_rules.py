"""The solver keeps every hard rule on instances built so that a careless solver would not."""

from __future__ import annotations

from verme.grouping import FixedGroup, Pin, Problem, SizeRule, Solution, solve, validate

from .make import crowd, mentor, person, problem


def _solve(p: Problem) -> Solution:
    solution = solve(p, time_limit_s=2.0)
    assert validate(p, solution) == []
    return solution


def _group_of(solution: Solution, pid: str) -> str | None:
    return next((g.id for g in solution.groups if pid in g.members), None)


def test_solver_never_exceeds_the_size_maximum() -> None:
    p = problem(crowd("p", 7), [mentor("m1")])
    solution = _solve(p)
    assert [len(g.members) for g in solution.groups] == [5]
    assert {u.code for u in solution.unassigned} == {"groups_full"}
    assert len(solution.unassigned) == 2


def test_solver_does_not_open_a_group_below_the_minimum() -> None:
    p = problem(crowd("p", 2), [mentor("m1")])
    solution = _solve(p)
    assert solution.groups == ()
    assert {u.code for u in solution.unassigned} == {"group_too_small"}


def test_solver_only_uses_a_slot_the_mentor_and_every_member_share() -> None:
    mondays = crowd("a", 4, slots=("mon-1400",))
    tuesdays = crowd("b", 4, slots=("tue-1400",))
    mentors = [
        mentor("m1", slots=("mon-1400", "tue-1400")),
        mentor("m2", slots=("tue-1400", "wed-1400")),
    ]
    solution = _solve(problem(mondays + tuesdays, mentors))
    assert solution.unassigned == ()
    assert {(g.mentor, g.slot) for g in solution.groups} == {("m1", "mon-1400"), ("m2", "tue-1400")}


def test_solver_groups_people_only_in_a_language_all_of_them_accept() -> None:
    finns = crowd("f", 3, languages=("fi",))
    swedes = crowd("s", 3, languages=("sv",))
    mentors = [mentor("m1", languages=("fi",)), mentor("m2", languages=("sv", "fi"))]
    solution = _solve(problem(finns + swedes, mentors))
    assert solution.unassigned == ()
    by_language = {g.language: set(g.members) for g in solution.groups}
    assert by_language == {"fi": {"f0", "f1", "f2"}, "sv": {"s0", "s1", "s2"}}


def test_solver_never_puts_an_apart_pair_in_the_same_group() -> None:
    people = crowd("p", 6)
    p = problem(people, [mentor("m1"), mentor("m2")], apart=(("p0", "p1"),))
    solution = _solve(p)
    assert solution.unassigned == ()
    assert _group_of(solution, "p0") != _group_of(solution, "p1")


def test_solver_keeps_a_supervising_mentor_away_from_their_subordinate() -> None:
    people = crowd("p", 6)
    p = problem(people, [mentor("m1"), mentor("m2")], supervises=(("m1", "p0"),))
    solution = _solve(p)
    group = next(g for g in solution.groups if "p0" in g.members)
    assert group.mentor == "m2"


def test_solver_keeps_a_principal_out_of_their_teachers_group() -> None:
    teachers = crowd("t", 3, themes=("assessment",))
    principal = person("boss", themes=("assessment",), unit="x")
    others = crowd("o", 3, themes=("wellbeing",))
    mentors = [mentor("m1", themes=("assessment",)), mentor("m2")]
    p = problem(
        [*teachers, principal, *others], mentors, supervises=tuple(("boss", t.id) for t in teachers)
    )
    solution = _solve(p)
    assert _group_of(solution, "boss") not in {_group_of(solution, t.id) for t in teachers}


def test_solver_never_splits_a_together_pair() -> None:
    first = crowd("a", 3, themes=("assessment",))
    second = crowd("b", 3, themes=("wellbeing",))
    mentors = [mentor("m1", themes=("assessment",)), mentor("m2")]
    p = problem(first + second, mentors, together=(("a0", "b0"),))
    solution = _solve(p)
    assert _group_of(solution, "a0") == _group_of(solution, "b0") is not None


def test_solver_keeps_a_pinned_person_in_their_group() -> None:
    people = crowd("p", 6, themes=("wellbeing",))
    fixed = FixedGroup(id="g1", mentor="m1", theme="assessment")
    p = problem(
        people,
        [mentor("m1"), mentor("m2")],
        groups=(fixed,),
        pinned=(Pin(participant="p0", group="g1"),),
    )
    solution = _solve(p)
    assert _group_of(solution, "p0") == "g1"


def test_solver_gives_a_mentor_no_more_groups_than_their_capacity() -> None:
    people = crowd("p", 10, slots=("mon-1400", "tue-1400"))
    p = problem(people, [mentor("m1", slots=("mon-1400", "tue-1400"), capacity=1)])
    solution = _solve(p)
    assert len(solution.groups) == 1


def test_solver_never_gives_a_mentor_two_groups_at_the_same_time() -> None:
    people = crowd("p", 8)
    p = problem(people, [mentor("m1", capacity=2)])
    solution = _solve(p)
    assert len(solution.groups) == 1


def test_solver_keeps_the_attributes_of_a_fixed_group() -> None:
    people = crowd("p", 4, slots=("mon-1400", "tue-1400"), themes=("wellbeing",))
    fixed = FixedGroup(id="g1", mentor="m1", theme="assessment", slot="tue-1400", language="fi")
    p = problem(people, [mentor("m1", slots=("mon-1400", "tue-1400"))], groups=(fixed,))
    solution = _solve(p)
    (group,) = solution.groups
    assert (group.id, group.theme, group.slot, group.language) == (
        "g1",
        "assessment",
        "tue-1400",
        "fi",
    )


def test_solver_groups_people_only_within_the_mentors_region_unless_online() -> None:
    north = crowd("n", 3, region="north")
    south_online = crowd("s", 3, region="south", online=True)
    south_offline = crowd("x", 3, region="south", online=False)
    p = problem(
        [*north, *south_online, *south_offline],
        [mentor("m1", region="north", capacity=1), mentor("m2", region="north")],
    )
    solution = _solve(p)
    for group in solution.groups:
        if group.online:
            assert all(m.startswith("s") for m in group.members)
        else:
            assert all(m.startswith("n") for m in group.members)
    assert {u.id for u in solution.unassigned} == {"x0", "x1", "x2"}
    assert {u.code for u in solution.unassigned} == {"no_shared_language_slot"}


def test_solver_prefers_first_wishes_when_the_rules_allow() -> None:
    people = [
        *crowd("a", 4, themes=("assessment", "wellbeing")),
        *crowd("b", 4, themes=("wellbeing", "assessment")),
    ]
    mentors = [mentor("m1", themes=("assessment",)), mentor("m2", themes=("wellbeing",))]
    solution = _solve(problem(people, mentors, size=SizeRule(3, 6, 4)))
    assert solution.status == "optimal"
    assert {g.theme: set(g.members) for g in solution.groups} == {
        "assessment": {"a0", "a1", "a2", "a3"},
        "wellbeing": {"b0", "b1", "b2", "b3"},
    }
    assert solution.bound == solution.objective


def test_a_pinned_group_too_small_to_keep_is_not_kept_and_the_pins_are_reported() -> None:
    # Only p0 can meet m1; pinned to m1's group, the group would have one member (minimum 2).
    p = problem(
        [person("p0"), *crowd("q", 3, slots=("tue-1400",))],
        [mentor("m1"), mentor("m2", slots=("tue-1400",))],
        size=SizeRule(min=2, max=4, target=3),
        groups=(FixedGroup(id="g1", mentor="m1"),),
        pinned=(Pin(participant="p0", group="g1"),),
    )
    solution = solve(p, time_limit_s=2.0)
    assert solution.status == "infeasible"
    assert [(u.id, u.code) for u in solution.unassigned] == [("p0", "pin_impossible")]
    assert all(len(g.members) >= 2 for g in solution.groups)
    assert [v.rule for v in validate(p, solution)] == [5]  # only the pin that cannot be kept


def test_a_fixed_group_beyond_the_mentors_capacity_is_never_opened() -> None:
    p = problem(
        crowd("p", 6),
        [mentor("m1", capacity=1)],
        size=SizeRule(min=2, max=4, target=3),
        groups=(FixedGroup(id="g1", mentor="m1"), FixedGroup(id="g2", mentor="m1")),
    )
    solution = solve(p, time_limit_s=2.0)
    assert solution.status == "infeasible"
    assert any("capacity" in note for note in solution.notes)
    assert [g.id for g in solution.groups] == ["g1"]
    assert not [v for v in validate(p, solution) if v.rule == 6]
