"""Column generation region by region: the regions' bounds add up to a proven bound.

Each region's problem lets its people who accept online groups leave at their own cheapest cost
there; the sum over regions (each region taking the larger of its market-model bound and its
column-generation bound) must never exceed a valid grouping's penalty, and in particular the
proven optimum of small problems.
"""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import HealthCheck, given, settings

from verme.grouping import FixedGroup, Pin, Problem, SizeRule, solve, validate
from verme.grouping import solver as solver_module
from verme.grouping.aggregate import solve_plan
from verme.grouping.heuristic import construct
from verme.grouping.instance import Instance
from verme.grouping.regional import (
    applies,
    bound_regions,
    combined_bound,
    leaving_costs,
    region_of_blocks,
    rounded,
)
from verme.grouping.solver import _solution

from .make import crowd, mentor, person, problem
from .test_generated_instances import problems

SIZE = SizeRule(min=3, max=5, target=4)


def _regional_bound(inst: Instance) -> float:
    by_region = bound_regions(inst, time.monotonic() + 20.0)
    assert set(by_region) == set(region_of_blocks(inst))
    market: dict[str | None, float] = {
        r: solve_plan(inst, time.monotonic() + 5.0, region=(r,), conflict_cuts=False).bound
        for r in region_of_blocks(inst)
    }
    return combined_bound(market, by_region)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_regions_bounds_add_up_to_a_bound_never_above_the_optimum(p: Problem) -> None:
    inst = Instance(p)
    if not applies(inst):
        return
    bound = _regional_bound(inst)
    # Small problems are proved optimal by branch and price; the bound may not pass the optimum.
    best = solve(p, time_limit_s=5.0)
    assert validate(p, best) == []
    assert bound <= best.penalty + 1e-6
    assert bound <= construct(inst).penalty() + 1e-6


def test_people_who_accept_online_groups_may_leave_at_their_cheapest_cost() -> None:
    # North has three people who all want wellbeing but only a south mentor could lead them,
    # online. The north problem has no in-person group at all, so its people leave: online at
    # no cost (first wish) for those who accept it, unplaced (100) for the one who does not.
    north = [*crowd("n", 3, online=True), person("x", online=False)]
    south = crowd("s", 3, region="south", online=True)
    p = problem(
        [*north, *south],
        [mentor("m1", region="south", capacity=2, slots=("mon-1400", "tue-1400"))],
        size=SIZE,
    )
    inst = Instance(p)
    assert applies(inst)
    costs = leaving_costs(inst, region_of_blocks(inst)["north"])
    assert sorted(costs.tolist()) == [0.0, 0.0, 0.0, math.inf]
    by_region = bound_regions(inst, time.monotonic() + 10.0)
    assert by_region["north"].converged
    assert by_region["north"].bound == 100.0
    best = solve(p, time_limit_s=5.0)
    assert best.status == "optimal"
    assert by_region["north"].bound + by_region["south"].bound <= best.penalty


@pytest.mark.parametrize(
    "change",
    [
        {
            "groups": (FixedGroup(id="g1", mentor="m1"),),
            "pinned": (Pin(participant="p0", group="g1"),),
        },
        {"groups": (FixedGroup(id="g1", mentor="m1"),)},
        {"region": None},
    ],
    ids=["a pin", "a fixed group", "a person without a region"],
)
def test_only_problems_that_split_cleanly_are_bounded_region_by_region(
    change: dict[str, object],
) -> None:
    people = crowd("p", 4)
    if "region" in change:
        people[0] = person("p0", region=None, unit="u-p0")
        change = {}
    p = problem(people, [mentor("m1")], size=SIZE, **change)
    assert not applies(Instance(p))
    assert applies(Instance(problem(crowd("p", 4), [mentor("m1")], size=SIZE)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_regions_rounded_lps_make_a_valid_grouping(p: Problem) -> None:
    inst = Instance(p)
    if not applies(inst):
        return
    state = rounded(inst, bound_regions(inst, time.monotonic() + 20.0).values())
    construct(inst, state)
    solution = _solution(state, -math.inf, 0.0)
    assert validate(p, solution) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_solve_takes_the_regional_path_for_large_problems_and_keeps_every_rule(
    p: Problem,
) -> None:
    # The regional path is for large problems; lowering the threshold runs it on small ones.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(solver_module, "COLUMNS_MAX_BLOCKS", 0)
        solution = solve(p, time_limit_s=2.0)
    assert validate(p, solution) == []
    assert solution.penalty_bound <= solution.penalty + 1e-6
    exact = solve(p, time_limit_s=5.0)
    if exact.status == "optimal":
        assert solution.penalty_bound <= exact.penalty + 1e-6
