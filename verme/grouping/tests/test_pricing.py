"""The compiled pricing search (pricing.py) finds the cheapest real group, as enumerating every
group of the blocks would: with pins, unit mixing, branching's decisions and subset-row cuts."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verme.grouping import Pin, Problem, SizeRule
from verme.grouping.columns import Column, ColumnGeneration, Rules
from verme.grouping.instance import Instance
from verme.grouping.pricing import rows
from verme.grouping.scoring import group_penalty

from .make import crowd, mentor, person, problem
from .test_columns_pins import rerun_problems
from .test_generated_instances import problems


def cheapest_by_enumeration(
    cg: ColumnGeneration,
    e: int,
    f: int,
    t: int,
    q: int,
    pi: np.ndarray,
    shift: float,
    rules: Rules,
) -> float:
    """The least reduced cost (as `_search` counts it) of any real group, over every set of
    blocks that may join entity `e`'s group in frame `f`: infinite when there is none."""
    inst = cg.inst
    theme, topic = cg.themes[t], cg.topics[q]
    blocks = [b for b in cg.fitting(e, f).tolist() if rules.admits(b, e)]
    apart = set(rules.apart)
    sigma = {k: -float(s) for k, s in enumerate(cg.sigma) if s < -1e-9}
    best = math.inf
    for r in range(1, len(blocks) + 1):
        for chosen in itertools.combinations(blocks, r):
            members = [i for b in chosen for i in inst.blocks[b]]
            if not inst.size.min <= len(members) <= inst.size.max:
                continue
            held = set(chosen)
            if any(inst.block_conflicts[b] & held for b in chosen):
                continue
            if any((a, b) in apart for a, b in itertools.combinations(sorted(chosen), 2)):
                continue
            if any((a in held) != (b in held) for a, b in rules.together):
                continue
            pins = {inst.pinned[i] for i in members if i in inst.pinned}
            if len(pins) > 1:
                continue
            k = pins.pop() if pins else cg.entities[e][0]
            value = group_penalty(inst, k, theme, topic, members) + shift
            value -= sum(float(pi[b]) for b in chosen)
            value += sum(cost for k, cost in sigma.items() if len(held & set(cg.cuts[k])) >= 2)
            best = min(best, value)
    return best


def check_every_choice(cg: ColumnGeneration, seed: int, rules: Rules | None = None) -> int:
    """Compare `_search` with enumeration for every entity, frame, theme and topic under
    random duals; how many had a group."""
    rules = rules or Rules()
    rng = random.Random(seed)
    pi = np.array([rng.uniform(-3.0, 12.0) for _ in cg.inst.blocks])
    compared = 0
    for e, frames in enumerate(cg.frames):
        for f in range(len(frames)):
            for t in range(len(cg.themes)):
                for q in cg.entity_topics[e].tolist():
                    shift = rng.uniform(-2.0, 2.0)
                    found = cg._search(e, f, t, q, pi, shift, math.inf, rules)
                    expected = cheapest_by_enumeration(cg, e, f, t, q, pi, shift, rules)
                    assert found is not None
                    value, column = found
                    if math.isinf(expected):
                        assert column is None
                        continue
                    assert value == _approx(expected)
                    assert column is not None
                    _assert_real(cg, e, t, q, pi, shift, value, column)
                    compared += 1
    return compared


def _assert_real(
    cg: ColumnGeneration,
    e: int,
    t: int,
    q: int,
    pi: np.ndarray,
    shift: float,
    value: float,
    column: Column,
) -> None:
    """The group found is a real one of entity `e` and costs what the search says."""
    assert column.entity == e
    held = set(column.blocks)
    k = column.pinned_to if column.pinned_to is not None else cg.entities[e][0]
    members = [i for b in column.blocks for i in cg.inst.blocks[b]]
    real = group_penalty(cg.inst, k, cg.themes[t], cg.topics[q], members)
    assert column.cost == _approx(real)
    cuts = sum(
        -float(s) for c, s in enumerate(cg.sigma) if s < -1e-9 and len(held & set(cg.cuts[c])) >= 2
    )
    paid = real + shift - sum(float(pi[b]) for b in held) + cuts
    assert value == _approx(paid)


def _approx(value: float) -> object:
    return pytest.approx(value, abs=1e-7)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(0, 1_000))
def test_the_search_finds_the_cheapest_group_of_generated_problems(p: Problem, seed: int) -> None:
    check_every_choice(ColumnGeneration(Instance(p)), seed)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rerun_problems(), st.integers(0, 1_000))
def test_pinned_people_and_fixed_groups_are_kept(p: Problem, seed: int) -> None:
    check_every_choice(ColumnGeneration(Instance(p)), seed)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(0, 1_000))
def test_branching_decisions_and_cuts_are_kept(p: Problem, seed: int) -> None:
    cg = ColumnGeneration(Instance(p))
    n = len(cg.inst.blocks)
    rng = random.Random(seed)
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    rng.shuffle(pairs)
    rules = Rules(apart=frozenset(pairs[:2]), together=frozenset(pairs[2:3]))
    if n >= 3:
        triples = [rng.sample(range(n), 3) for _ in range(3)]
        cg.add_cuts([(a, b, c) for a, b, c in triples])
        cg._set_cut_duals(np.array([-rng.uniform(0.0, 5.0) for _ in cg.cuts]))
    check_every_choice(cg, seed, rules)


def test_blocks_bound_together_that_must_stay_apart_join_no_group() -> None:
    # Branching binds a principal's block to a teacher they supervise, or to a block an apart
    # decision keeps from it: no group may hold both, so the search offers neither.
    people = [person("a"), person("b"), *crowd("c", 3)]
    p = problem(people, [mentor("m1")], supervises=(("a", "b"),))
    cg = ColumnGeneration(Instance(p))
    a, b, c = (cg.inst.block_of[cg.inst.index[pid]] for pid in ("a", "b", "c0"))
    a_b, a_c = (min(a, b), max(a, b)), (min(a, c), max(a, c))
    pi = np.full(len(cg.inst.blocks), 40.0)  # every group of two or more pays off
    t = cg.themes.index("wellbeing")
    for rules, pair in (
        (Rules(together=frozenset({a_b})), a_b),
        (Rules(together=frozenset({a_c}), apart=frozenset({a_c})), a_c),
    ):
        found = cg._search(0, 0, t, 0, pi, 0.0, math.inf, rules)
        assert found is not None
        _, column = found
        assert column is not None
        assert rules.allows(column)
        assert not set(pair) <= set(column.blocks)
    assert check_every_choice(cg, 3, Rules(together=frozenset({a_b}))) > 0


def test_pins_units_and_novices_of_a_larger_group() -> None:
    # Groups of up to six: novices (a lone one pays), two units (mixing pays above half), two
    # people pinned to the two positions of one mentor and one to another mentor.
    people = [
        *crowd("a", 4, unit="u1", years=2.0),
        *crowd("b", 4, unit="u2", years=20.0),
        person("c0", unit="u1", years=10.0),
    ]
    p = problem(
        people,
        [mentor("m1", capacity=2), mentor("m2")],
        size=SizeRule(min=3, max=6, target=5),
        pinned=(Pin("a0", "m1-1"), Pin("b0", "m1-2"), Pin("c0", "m2-1")),
    )
    cg = ColumnGeneration(Instance(p))
    assert check_every_choice(cg, 7) > 0
    assert check_every_choice(cg, 8) > 0


def check_shared_searches(cg: ColumnGeneration, seed: int) -> tuple[int, int]:
    """As `check_every_choice`, with the searches shared between entities as within one
    `price` (`ColumnGeneration._searched`), in a random order, each with its own constant and
    a cutoff that is infinite or random: the group found is the cheapest below the cutoff, or
    there is none. How many searches were compared, and how many were shared."""
    rng = random.Random(seed)
    pi = np.array([rng.uniform(-3.0, 12.0) for _ in cg.inst.blocks])
    choices = [
        (e, f, t, q)
        for e, frames in enumerate(cg.frames)
        for f in range(len(frames))
        for t in range(len(cg.themes))
        for q in cg.entity_topics[e].tolist()
    ]
    rng.shuffle(choices)
    cg._searched = {}
    compared = 0
    try:
        for e, f, t, q in choices:
            shift = rng.uniform(-2.0, 2.0)
            cutoff = math.inf if rng.random() < 0.5 else rng.uniform(-10.0, 10.0)
            found = cg._search(e, f, t, q, pi, shift, cutoff, Rules())
            expected = cheapest_by_enumeration(cg, e, f, t, q, pi, shift, Rules())
            if abs(expected - cutoff) < 1e-6 or found is None:
                continue  # a tie at the cutoff, or the search gave up: either answer is right
            value, column = found
            if expected < cutoff:
                assert column is not None
                assert value == _approx(expected)
                _assert_real(cg, e, t, q, pi, shift, value, column)
            else:
                assert column is None
            compared += 1
        return compared, compared - len(cg._searched)
    finally:
        cg._searched = None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(0, 1_000))
def test_searches_shared_between_mentors_find_the_cheapest_group(p: Problem, seed: int) -> None:
    check_shared_searches(ColumnGeneration(Instance(p)), seed)


def test_mentors_that_admit_the_same_people_share_searches_with_their_own_costs() -> None:
    # Three mentors in one slot and language: one lists the theme (no mentor-theme cost), two
    # do not; the best group is the same people for each, at each one's own cost.
    people = [*crowd("a", 5, years=2.0), *crowd("b", 5), person("c", themes=("leadership",))]
    mentors = [
        mentor("m1"),
        mentor("m2", themes=("leadership",)),
        mentor("m3", themes=("leadership",), unit="u8"),
    ]
    cg = ColumnGeneration(Instance(problem(people, mentors, size=SizeRule(3, 6, 5))))
    compared, shared = check_shared_searches(cg, 11)
    assert compared > 0
    assert shared > 0
    pi = np.full(len(cg.inst.blocks), 20.0)
    t = cg.themes.index("wellbeing")
    cg._searched = {}
    try:
        first = cg._search(0, 0, t, 0, pi, 0.0, math.inf, Rules())
        second = cg._search(1, 0, t, 0, pi, 0.0, math.inf, Rules())
        assert len(cg._searched) == 1  # the second mentor's search was the first one's
    finally:
        cg._searched = None
    assert first is not None
    assert second is not None
    assert first[1] is not None
    assert second[1] is not None
    assert first[1].blocks == second[1].blocks
    assert second[1].cost == first[1].cost + cg.inst.weights.mentor_theme
    assert second[0] == _approx(first[0] + cg.inst.weights.mentor_theme)


def test_rows_are_compressed_lists() -> None:
    start, flat = rows([[3, 1], [], [2]])
    assert start.tolist() == [0, 2, 2, 3]
    assert flat.tolist() == [3, 1, 2]
    start, flat = rows([])
    assert start.tolist() == [0]
    assert flat.tolist() == []
