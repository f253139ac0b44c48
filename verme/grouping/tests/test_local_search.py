"""Local search (`heuristic.improve`) ends at a local optimum, even though it skips the blocks
whose groups have not changed since they were last found with no move; roundings that give
one grouping are polished once."""

from __future__ import annotations

import random
import time

from hypothesis import HealthCheck, given, settings

from bench.grouping.generate import generate
from verme.grouping import Problem, validate
from verme.grouping.heuristic import construct, distinct, formed, improve
from verme.grouping.instance import Instance
from verme.grouping.solver import _solution

from .test_generated_instances import problems


def _settled(p: Problem, seed: int) -> None:
    state = construct(Instance(p))
    improve(state, time.monotonic() + 60.0, random.Random(seed))
    again = state.copy()
    # A second run checks every block afresh: it finds no move the first one skipped.
    improve(again, time.monotonic() + 60.0, random.Random(seed + 1))
    assert formed(again) == formed(state)
    assert validate(p, _solution(state, 0.0, 0.0)) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_local_search_ends_where_no_move_is_left(p: Problem) -> None:
    _settled(p, 0)


def test_local_search_of_a_generated_round_ends_where_no_move_is_left() -> None:
    # Placeable, 60 registrants, seed 1: local search that skipped a block while only the
    # groups it could join had changed ended at 238 with a move to 230 left.
    _settled(generate(60, 1, placeable=True), 1)
    for seed in (1, 2):
        _settled(generate(150, seed), seed)


def test_the_same_grouping_twice_is_polished_once() -> None:
    p = generate(100, 1)
    state = construct(Instance(p))
    same, other = state.copy(), state.copy()
    other.close(next(iter(other.groups)))
    assert distinct([None, state, same, other, None]) == [state, other]
    assert distinct([]) == []
