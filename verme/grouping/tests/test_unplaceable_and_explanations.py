"""People who cannot be placed are listed with a clear reason; everyone gets an explanation."""

from __future__ import annotations

from verme.grouping import Pin, solve, validate

from .make import crowd, mentor, person, problem


def test_a_person_without_a_shared_language_is_unassigned_with_the_reason() -> None:
    people = [*crowd("p", 3), person("sv1", languages=("sv",))]
    p = problem(people, [mentor("m1")])
    solution = solve(p, time_limit_s=1.0)
    assert validate(p, solution) == []
    (item,) = solution.unassigned
    assert item.id == "sv1"
    assert item.code == "no_shared_language_slot"
    assert "Swedish" in item.reason


def test_too_few_people_at_a_time_give_the_group_too_small_reason() -> None:
    people = [*crowd("p", 3), *crowd("t", 2, slots=("tue-1400",))]
    p = problem(people, [mentor("m1"), mentor("m2", slots=("tue-1400",))])
    solution = solve(p, time_limit_s=1.0)
    assert {u.id: u.code for u in solution.unassigned} == {
        "t0": "group_too_small",
        "t1": "group_too_small",
    }
    assert "at least 3" in solution.unassigned[0].reason


def test_a_person_apart_from_everyone_in_the_only_group_gets_the_apart_reason() -> None:
    people = crowd("p", 4)
    apart = (("p3", "p0"), ("p3", "p1"), ("p3", "p2"))
    p = problem(people, [mentor("m1")], apart=apart)
    solution = solve(p, time_limit_s=1.0)
    assert validate(p, solution) == []
    assert [(u.id, u.code) for u in solution.unassigned] == [("p3", "apart_conflict")]


def test_a_pin_to_an_unknown_group_makes_the_problem_infeasible_with_a_note() -> None:
    p = problem(crowd("p", 4), [mentor("m1")], pinned=(Pin(participant="p0", group="nowhere"),))
    solution = solve(p, time_limit_s=1.0)
    assert solution.status == "infeasible"
    assert any("nowhere" in note for note in solution.notes)


def test_a_pin_that_breaks_a_rule_is_reported_as_infeasible() -> None:
    from verme.grouping import FixedGroup

    people = [*crowd("p", 4), person("late", slots=("fri-1700",))]
    p = problem(
        people,
        [mentor("m1")],
        groups=(FixedGroup(id="g1", mentor="m1"),),
        pinned=(Pin(participant="late", group="g1"),),
    )
    solution = solve(p, time_limit_s=1.0)
    assert solution.status == "infeasible"
    assert [(u.id, u.code) for u in solution.unassigned] == [("late", "pin_impossible")]


def test_every_person_gets_an_explanation_as_data_and_as_a_sentence() -> None:
    people = [*crowd("p", 4), person("sv1", languages=("sv",))]
    p = problem(people, [mentor("m1")])
    solution = solve(p, time_limit_s=1.0)
    by_person = {e.participant: e for e in solution.explanations}
    assert set(by_person) == {"p0", "p1", "p2", "p3", "sv1"}
    placed = by_person["p0"]
    assert placed.code == "placed"
    assert placed.theme_rank == 1
    assert placed.slot == "mon-1400"
    assert placed.units == 4
    assert placed.text.startswith("first-choice theme (wellbeing); everyone can meet Mon 14:00")
    assert by_person["sv1"].code == "no_shared_language_slot"


def test_every_group_has_a_quality_summary() -> None:
    people = [
        *crowd("p", 3, years=20.0),
        *crowd("n", 2, years=1.0, themes=("assessment", "wellbeing")),
    ]
    p = problem(people, [mentor("m1")])
    (group,) = solve(p, time_limit_s=1.0).groups
    assert group.summary is not None
    assert (group.summary.size, group.summary.slot, group.summary.units) == (5, "mon-1400", 5)
    assert (group.summary.novices, group.summary.experienced) == (2, 3)
    assert (group.summary.first_wish, group.summary.any_wish) == (3, 5)


def test_progress_is_reported_from_zero_to_one() -> None:
    seen: list[tuple[float, str]] = []
    solve(
        problem(crowd("p", 4), [mentor("m1")]),
        time_limit_s=1.0,
        progress=lambda f, m: seen.append((f, m)),
    )
    assert seen
    assert all(0.0 <= f <= 1.0 for f, _ in seen)
    assert seen[-1][1] == "writing explanations"


def test_a_pair_that_must_be_both_together_and_apart_stays_unplaced() -> None:
    p = problem(crowd("p", 6), [mentor("m1")], together=(("p0", "p1"),), apart=(("p0", "p1"),))
    solution = solve(p, time_limit_s=1.0)
    assert validate(p, solution) == []
    assert {(u.id, u.code) for u in solution.unassigned} == {
        ("p0", "apart_conflict"),
        ("p1", "apart_conflict"),
    }
