"""Two groupings merged part by part: each side keeps what it does better, every rule holds,
and the merge costs no more than either grouping."""

from __future__ import annotations

import math
import random
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.grouping.generate import generate
from verme.grouping import Problem, validate
from verme.grouping.heuristic import Grouping, construct, formed, improve, merged, pins_kept
from verme.grouping.instance import Instance
from verme.grouping.solver import _solution

from .test_columns_pins import rerun_problems


def _valid(p: Problem, state: Grouping) -> bool:
    return validate(p, _solution(state, -math.inf, 0.0)) == []


def _searched() -> tuple[Problem, Grouping]:
    p = generate(100, 1)
    state = construct(Instance(p))
    improve(state, time.monotonic() + 2.0, random.Random(1))
    return p, state


def test_each_side_keeps_the_groups_it_does_better() -> None:
    p, base = _searched()
    first, second = sorted(base.groups)[:2]
    # Two searches from `base`, each of which lost a different group (its people unplaced).
    one, other = base.copy(), base.copy()
    one.close(first)
    other.close(second)
    assert one.penalty() > base.penalty()
    assert other.penalty() > base.penalty()
    both = merged(one, formed(other))
    assert both is not one
    assert math.isclose(both.penalty(), base.penalty())
    assert formed(both) == formed(base)
    assert _valid(p, both)
    # The merge is not done in place: the two groupings are as they were.
    assert first not in one.groups
    assert second not in other.groups


def test_improvements_of_two_searches_from_one_grouping_add_up() -> None:
    p, best = _searched()
    first, second = sorted(best.groups)[:2]
    start = best.copy()  # both searches go on from this one: two groups' people left out
    start.close(first)
    start.close(second)
    one, other = start.copy(), start.copy()
    for state, k in ((one, first), (other, second)):  # each search re-forms one of them
        group = best.groups[k]
        assert state.open_group(k, group.frame, group.theme, group.topic, group.blocks)
    gained = (start.penalty() - one.penalty()) + (start.penalty() - other.penalty())
    both = merged(one, formed(other))
    assert math.isclose(both.penalty(), start.penalty() - gained)
    assert math.isclose(both.penalty(), best.penalty())
    assert _valid(p, both)
    # Taking the cheaper of the two, as the processes did before, keeps only one gain.
    assert both.penalty() < min(one.penalty(), other.penalty())


def test_the_same_grouping_or_a_costlier_one_changes_nothing() -> None:
    _, base = _searched()
    assert merged(base, formed(base)) is base
    costlier = base.copy()
    costlier.close(next(iter(costlier.groups)))
    assert merged(base, formed(costlier)) is base
    assert merged(base, {}) is base  # everyone unplaced there: nothing is cheaper


def _two_searches_merged(p: Problem, rng: random.Random, data: st.DataObject) -> None:
    inst = Instance(p)
    start = construct(inst)
    if not (pins_kept(start) and _valid(p, start)):
        return
    # Two "searches" from one grouping: each closes some groups, and may let the greedy fill
    # again and search a little, so that they differ in parts, some cheaper on either side.
    sides = []
    for _ in range(2):
        state = start.copy()
        for k in sorted(state.groups):
            pinned = any(inst.pinned.get(i) == k for i in state.groups[k].members)
            if not pinned and data.draw(st.booleans()):  # a search never moves pins
                state.close(k)
        if data.draw(st.booleans()):
            construct(inst, state)
            improve(state, time.monotonic() + 0.1, rng)
        if not (pins_kept(state) and _valid(p, state)):
            return  # a pinned person left out: not a grouping a search would hold
        sides.append(state)
    one, other = sides
    for base, theirs in ((one, other), (other, one)):
        both = merged(base, formed(theirs))
        assert _valid(p, both)
        assert pins_kept(both)
        assert both.penalty() <= min(base.penalty(), theirs.penalty()) + 1e-6


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rerun_problems(), st.randoms(use_true_random=False), st.data())
def test_a_merge_keeps_every_rule_and_costs_no_more_than_either(
    p: Problem, rng: random.Random, data: st.DataObject
) -> None:
    _two_searches_merged(p, rng, data)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(30, 120), st.integers(1, 50), st.randoms(use_true_random=False), st.data())
def test_merges_of_generated_rounds_keep_every_rule(
    size: int, seed: int, rng: random.Random, data: st.DataObject
) -> None:
    _two_searches_merged(generate(size, seed), rng, data)
