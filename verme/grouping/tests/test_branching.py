"""Branch and price: what it proves optimal is optimal, and its bound is always a bound."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings

from bench.grouping.generate import generate
from verme.grouping import Problem, solve, validate
from verme.grouping.branching import branch_and_price
from verme.grouping.columns import ColumnGeneration
from verme.grouping.heuristic import construct
from verme.grouping.instance import Instance
from verme.grouping.milp import solve_neighbourhood
from verme.grouping.solver import _solution

from .test_generated_instances import problems


def _exact(p: Problem) -> tuple[float, bool]:
    """The compact exact model's penalty and whether HiGHS proved it (small problems only)."""
    inst = Instance(p)
    state = construct(inst)
    result = solve_neighbourhood(state, list(range(len(inst.positions))), time.monotonic() + 5)
    return state.penalty(), result.optimal


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_a_proof_agrees_with_the_exact_model(p: Problem) -> None:
    inst = Instance(p)
    generation = ColumnGeneration(inst)
    root = generation.generate(time.monotonic() + 5.0)
    start = construct(inst).penalty()
    proof = branch_and_price(generation, start, root.bound, time.monotonic() + 10.0)
    exact, proved = _exact(p)
    assert proof.bound <= exact + 1e-6
    if proof.grouping is not None:
        assert abs(proof.grouping.penalty() - proof.penalty) < 1e-6
        solution = _solution(proof.grouping, proof.bound, 0.0)
        assert validate(p, solution) == []
    if proof.proved and proved:
        assert abs(proof.penalty - exact) < 1e-6


def test_a_generated_round_of_sixty_is_proved_optimal() -> None:
    # Seed 3: the dive finds 113 and three nodes prove it (0.1 s when this was written).
    p = generate(60, 3)
    solution = solve(p, time_limit_s=30)
    assert validate(p, solution) == []
    assert solution.status == "optimal"
    assert solution.penalty == solution.penalty_bound == 113
