"""The proven bound: the market model's cuts for people who may not share a group."""

from __future__ import annotations

import time

import pytest

from verme.grouping import Problem, SizeRule, solve, validate
from verme.grouping.aggregate import solve_plan
from verme.grouping.instance import Instance

from .make import crowd, mentor, person, problem


def _apart_problem() -> tuple[Problem, Instance]:
    people = crowd("p", 4)
    p = problem(
        people,
        [mentor("m1")],
        size=SizeRule(min=2, max=4, target=3),
        apart=(("p0", "p1"),),
    )
    return p, Instance(p)


def test_an_apart_pair_in_a_one_group_cell_raises_the_bound() -> None:
    _, inst = _apart_problem()
    deadline = time.monotonic() + 5.0
    without = solve_plan(inst, deadline, conflict_cuts=False)
    with_cuts = solve_plan(inst, time.monotonic() + 5.0)
    # One group: one of the pair stays out (100 points); without the cut the relaxation
    # puts both in the one group.
    assert without.bound < 100.0 - 1e-6
    assert abs(with_cuts.bound - 100.0) < 1e-6


def test_the_solver_proves_optimality_when_the_cut_closes_the_gap() -> None:
    p, _ = _apart_problem()
    solution = solve(p, time_limit_s=5.0)
    assert validate(p, solution) == []
    assert solution.penalty == 100.0
    assert solution.penalty_bound == 100.0
    assert solution.status == "optimal"


@pytest.mark.parametrize(
    ("themes", "slots", "second_slots"),
    [
        ((), ("wed-1400", "tue-1400", "mon-1400"), ("wed-1400", "tue-1400", "mon-1400")),
        (("wellbeing",), ("tue-1400", "mon-1400"), ("mon-1400",)),
    ],
)
def test_one_person_who_cannot_be_placed_costs_the_unplaced_weight_and_no_more(
    themes: tuple[str, ...], slots: tuple[str, ...], second_slots: tuple[str, ...]
) -> None:
    # HiGHS's MIP presolve once answered 101.5 and 100.75 here, "optimal": a bound above the
    # only grouping there is (found by the generated tests).
    alone = person("p0", themes=themes, years=0.0, level="primary", slots=slots)
    p = problem(
        [alone],
        [
            mentor("m0", slots=("tue-1400", "mon-1400"), unit=None),
            mentor("m1", slots=second_slots, unit=None),
        ],
        size=SizeRule(min=2, max=4, target=3),
    )
    inst = Instance(p)
    plan = solve_plan(inst, time.monotonic() + 5.0)
    assert plan.bound == plan.value == 100.0
    assert solve_plan(inst, time.monotonic() + 5.0, region=("north",)).bound == 100.0
    solution = solve(p, time_limit_s=5.0)
    assert solution.penalty == solution.penalty_bound == 100.0
