"""`evaluate()` scores any grouping exactly as the optimiser does, also after a move by hand."""

from __future__ import annotations

import dataclasses
import random

import pytest

from verme.grouping import (
    FixedGroup,
    Mentor,
    Participant,
    Problem,
    SizeRule,
    Solution,
    SolvedGroup,
    Unassigned,
    solve,
)
from verme.grouping.evaluate import EvaluationError, evaluate, relative_gap, rescore

from .make import crowd, mentor, person, problem

SLOTS = ("mon-1400", "tue-1400", "wed-1400")
THEMES = ("wellbeing", "assessment", "digital")


def _random_problem(seed: int) -> Problem:
    """A small problem with every soft criterion in play: wishes, kinds, levels, subjects,
    one-unit groups, novices, regions, online groups and pairs."""
    rng = random.Random(seed)
    people = [
        Participant(
            id=f"p{i}",
            languages=rng.choice((("fi",), ("fi", "sv"), ("sv",))),
            slots=tuple(rng.sample(SLOTS, rng.randint(1, 3))),
            themes=tuple(rng.sample(THEMES, rng.randint(0, 3))),
            kinds=rng.choice(((), ("theme",), ("level", "theme"), ("unit",), ("subject",))),
            unit=rng.choice(("u1", "u2", "u3", None)),
            years=float(rng.randint(0, 30)),
            level=rng.choice(("primary", "secondary")),
            subjects=tuple(rng.sample(("mathematics", "history"), rng.randint(0, 2))),
            region=rng.choice(("north", "south")),
            online=rng.random() < 0.3,
        )
        for i in range(rng.randint(8, 16))
    ]
    mentors = [
        Mentor(
            id=f"m{j}",
            languages=rng.choice((("fi",), ("fi", "sv"))),
            slots=tuple(rng.sample(SLOTS, rng.randint(1, 3))),
            themes=tuple(rng.sample(THEMES, rng.randint(1, 2))),
            capacity=rng.randint(1, 2),
            unit=rng.choice(("u1", "u2", None)),
            region=rng.choice(("north", "south")),
        )
        for j in range(rng.randint(1, 3))
    ]
    ids = [p.id for p in people]
    return Problem(
        participants=tuple(people),
        mentors=tuple(mentors),
        size=SizeRule(min=2, max=5, target=3),
        apart=((ids[0], ids[1]),),
        supervises=((ids[2], ids[3]),),
        together=((ids[4], ids[5]),),
    )


def _hand_made() -> list[Problem]:
    return [
        problem(crowd("p", 7), [mentor("m1")]),  # two left over
        problem(
            crowd("a", 4, themes=("digital", "wellbeing"))
            + crowd("b", 4, years=2.0, kinds=("level",), level="primary"),
            [mentor("m1", capacity=2, slots=("mon-1400", "tue-1400"), unit="u1")],
            groups=(FixedGroup(id="fixed", mentor="m1", theme="assessment"),),
        ),
        problem(
            [person(f"s{i}", unit="u1" if i < 3 else "u2", kinds=("unit",)) for i in range(5)],
            [mentor("m1", unit="u1")],
        ),
    ]


@pytest.mark.parametrize(
    "p",
    [*_hand_made(), *(_random_problem(seed) for seed in range(6))],
    ids=[*(f"hand{n}" for n in range(3)), *(f"seed{n}" for n in range(6))],
)
def test_evaluate_reproduces_the_solvers_figures(p: Problem) -> None:
    solution = solve(p, time_limit_s=1.0)
    evaluation = evaluate(p, solution)
    assert evaluation.objective == solution.objective
    assert evaluation.penalty == solution.penalty
    assert evaluation.placed == sum(len(g.members) for g in solution.groups)
    assert evaluation.unplaced == len(solution.unassigned)
    assert [g.summary for g in evaluation.groups] == [g.summary for g in solution.groups]
    assert relative_gap(evaluation.objective, solution.bound) == solution.gap
    assert rescore(p, solution) == solution


# Two mentors, six people; a and b share a unit, d is the only novice, e's first wish is another
# theme. Weights are the defaults: unassigned 100, theme ranks 0/4/8, unit share 2 above half,
# lone novice 6, size 1 per member off the target (3 here).
TINY = problem(
    [
        person("a", unit="u1"),
        person("b", unit="u1"),
        person("c", unit="u3"),
        person("d", unit="u4", years=2.0),
        person("e", unit="u5", themes=("career", "wellbeing")),
        person("f", unit="u6"),
    ],
    [mentor("m1"), mentor("m2", themes=("wellbeing", "career"))],
    size=SizeRule(min=1, max=4, target=3),
)


def _group(gid: str, mentor_id: str, *members: str) -> SolvedGroup:
    return SolvedGroup(
        id=gid,
        mentor=mentor_id,
        theme="wellbeing",
        slot="mon-1400",
        language="fi",
        online=False,
        members=members,
    )


def _tiny(g1: tuple[str, ...], g2: tuple[str, ...], out: tuple[str, ...] = ()) -> Solution:
    return Solution(
        status="optimal",
        objective=0.0,
        bound=589.0,
        seconds=0.0,
        groups=(_group("m1-1", "m1", *g1), _group("m2-1", "m2", *g2)),
        unassigned=tuple(Unassigned(id=pid, reason="") for pid in out),
    )


def test_evaluate_scores_a_hand_made_grouping_as_computed_by_hand() -> None:
    # m1-1 [a b c]: a and b are 2 of 3 from u1, 0.5 above the half: 2 × 0.5 = 1.
    # m2-1 [d e f]: one novice 6, e's second wish 4: 10. Penalty 11, score 600 − 11 = 589.
    evaluation = evaluate(TINY, _tiny(("a", "b", "c"), ("d", "e", "f")))
    assert [g.summary.penalty for g in evaluation.groups] == [1.0, 10.0]
    assert (evaluation.penalty, evaluation.objective) == (11.0, 589.0)


def test_evaluate_after_moving_one_person_by_hand() -> None:
    before = _tiny(("a", "b", "c"), ("d", "e", "f"))
    # d moves to m1-1: [a b c d] is one over the target (1) with a lone novice (6), and u1 is
    # no longer above half: 7. [e f] is one under (1) with e's second wish (4): 5. Penalty 12.
    moved = _tiny(("a", "b", "c", "d"), ("e", "f"))
    evaluation = evaluate(TINY, moved)
    assert [g.summary.penalty for g in evaluation.groups] == [7.0, 5.0]
    assert (evaluation.penalty, evaluation.objective) == (12.0, 588.0)
    assert evaluation.gap(589.0) == pytest.approx(1 / 589)
    summary = evaluation.groups[0].summary
    assert (summary.size, summary.novices, summary.experienced, summary.units) == (4, 1, 3, 3)
    assert (summary.first_wish, summary.any_wish) == (4, 4)
    rescored = rescore(TINY, moved)
    assert (rescored.objective, rescored.penalty, rescored.bound) == (588.0, 12.0, 589.0)
    assert rescored.groups[1].summary == evaluation.groups[1].summary
    assert rescored.status == before.status


def test_evaluate_counts_a_person_taken_out_of_every_group_as_unassigned() -> None:
    # f out: [e] is two under the target (2) with e's second wish (4), and its one unit is
    # the whole group, half a member above the half (2 × 0.5 = 1): 7; f costs 100.
    evaluation = evaluate(TINY, _tiny(("a", "b", "c", "d"), ("e",), out=("f",)))
    assert (evaluation.placed, evaluation.unplaced) == (5, 1)
    assert [g.summary.penalty for g in evaluation.groups] == [7.0, 7.0]
    assert (evaluation.penalty, evaluation.objective) == (7.0 + 7.0 + 100.0, 600.0 - 114.0)


def test_evaluate_keeps_the_groups_theme_and_kind_as_stored() -> None:
    # The same people on a theme only e wished for (second): everyone else has no wish (30),
    # and m1 does not list it (3). The optimiser would re-choose; evaluate does not.
    solution = _tiny(("a", "b", "c"), ("d", "e", "f"))
    career = dataclasses.replace(solution.groups[0], theme="career")
    evaluation = evaluate(TINY, dataclasses.replace(solution, groups=(career, solution.groups[1])))
    assert evaluation.groups[0].summary.penalty == 3 * 30 + 3 + 1
    assert evaluation.groups[0].summary.any_wish == 0


def test_evaluate_refuses_a_grouping_of_another_problem() -> None:
    stranger = _tiny(("a", "b", "c", "zed"), ("d", "e", "f"))
    with pytest.raises(EvaluationError, match="zed"):
        evaluate(TINY, stranger)
    unknown_mentor = dataclasses.replace(
        _tiny(("a",), ("b",)), groups=(_group("x", "nobody", "a"),)
    )
    with pytest.raises(EvaluationError, match="nobody"):
        evaluate(TINY, unknown_mentor)


def test_relative_gap_is_the_exchange_formats() -> None:
    assert relative_gap(90.0, 100.0) == pytest.approx(0.1)
    assert relative_gap(0.0, 0.0) == 0.0
    assert relative_gap(5.0, 0.0) == float("inf")
