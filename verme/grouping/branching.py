"""Branch and price: proving a grouping optimal by branching on top of column generation.

Each node of the tree is the master LP of `columns.py` under branching decisions (`Rules`),
re-generated with exact pricing that keeps those decisions, so its value is a proven bound for
every grouping below it. Pricing at a node is quick first (each entity's first group of negative
reduced cost) and exact only when the quick rounds find nothing, to prove the node's bound.

Before branching, the root LP is strengthened by subset-row cuts (Jepsen et al., 2008): for three
blocks, the groups holding two or more of them sum to at most 1, since no two groups share a
block. The LP breaks them where it splits people into overlapping groups in halves; they hold
for every grouping, so every node keeps them, and pricing charges a group that enters a cut its
dual (columns.py). 60 registrants: seed 2's root bound rises from 104 to 111, the optimum, in
about a second; seed 1's from 132 to 138.

A fractional LP is split first on the number of groups of a theme (at most the whole number
below the LP's count, or at least the one above), then on the number of groups that meet in a
weekly slot. The master counts both in rows of their own (`columns.py`), which a node bounds and
whose duals pricing charges each group by its theme and slot. Only then on whether a block is in
a mentor's groups (placed there, or not there), and last on whether two blocks share a group
(Ryan and Foster: together or apart). Each split leaves every grouping in exactly one child. The
node of least bound is searched first (the deepest among equals), so the proven bound rises
while the tree is searched; a node is dropped when its bound cannot beat the best grouping
known. When the tree is exhausted in time the best grouping is proved optimal; when time runs
out, the least bound of the nodes still open is the proof. 60 registrants, seed 1, from a
grouping of 151: proved optimal in 77 nodes and 10-17 s, where splitting on mentors and pairs
alone had a bound of 146 after 60 s and 437 nodes."""

from __future__ import annotations

import heapq
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from .columns import DUAL_SIMPLEX, PRIMAL_SIMPLEX, Column, ColumnGeneration, Rules, meets
from .heuristic import Grouping, construct, improve, pins_kept

ASSIGNED_UNPLACED_COST = 1e6
"""A block assigned to a mentor may stay unplaced in a node's LP only at this cost, so that the
LP stays feasible before pricing has found groups for it (such a node is then pruned)."""


CUT_ROUNDS = 10
"""Rounds of subset-row cuts at the root before branching (each re-converges the LP). Cuts at
every node as well gave no better bound (60 registrants, seed 1, 120 s: 145 against 146)."""

ROOT_DIVE_POLISH_S = 1.0
"""Seconds of local search for the grouping dived from the root LP with its cuts."""

CUTS_PER_ROUND = 30
"""The most violated cuts added per round."""

CUT_MIN_VIOLATION = 0.01
"""A cut is added when the LP breaks it by more than this."""


@dataclass
class Proof:
    bound: float
    """Proven lower bound on the penalty."""
    penalty: float
    """The best penalty known at the end (the incumbent given, or a better grouping's)."""
    grouping: Grouping | None
    """A grouping better than the incumbent given, if the tree found one."""
    proved: bool
    """The tree was searched to the end: `penalty` is optimal."""
    nodes: int


def branch_and_price(
    cg: ColumnGeneration,
    incumbent: float,
    root_bound: float,
    deadline: float,
    rng: random.Random | None = None,
    offered: Callable[[], Grouping | None] | None = None,
) -> Proof:
    """Search the tree until `deadline` (monotonic) for a grouping better than `incumbent`.

    `offered`, when given, is asked between nodes for a grouping found elsewhere (the second
    process's search, second.py); one cheaper than the incumbent becomes the incumbent, so that
    the tree prunes against it."""
    best: Grouping | None = None

    def take_offer() -> float:
        nonlocal best, incumbent
        other = offered() if offered is not None else None
        if other is not None and other.penalty() < incumbent - 1e-6:
            best, incumbent = other, other.penalty()
        return incumbent

    root_bound = tighten_root(cg, root_bound, deadline, take_offer)
    if root_bound < incumbent - 1e-6:
        # A grouping from the LP the cuts have tightened, so that the tree prunes against it.
        dived = _dive(cg, deadline, rng or random.Random(0))
        if dived is not None and dived.penalty() < incumbent - 1e-6:
            best, incumbent = dived, dived.penalty()
    # Open nodes, the least bound first (the deepest among equals): the proven bound rises as
    # the tree is searched, and an LP near integral is reached early.
    heap: list[tuple[float, int, int, Rules]] = [(root_bound, 0, 0, Rules())]
    pushed = 0
    unresolved: list[float] = []
    nodes = 0
    while heap:
        take_offer()
        parent, _, _, rules = heapq.heappop(heap)
        if parent >= incumbent - 1e-6:
            continue
        if time.monotonic() >= deadline:
            heapq.heappush(heap, (parent, 0, 0, rules))
            break
        nodes += 1
        solved = _solve_node(cg, rules, deadline, incumbent)
        if solved is None:  # out of time inside the node
            heapq.heappush(heap, (parent, 0, 0, rules))
            break
        bound, values = solved
        bound = max(bound, parent)
        if bound >= incumbent - 1e-6:
            continue
        chosen = [cg.columns[c] for c, v in enumerate(values) if v > 1 - 1e-6]
        if all(v < 1e-6 or v > 1 - 1e-6 for v in values):
            state = cg.grouping(chosen)
            if state is not None and state.penalty() < incumbent - 1e-6:
                best, incumbent = state, state.penalty()
            if state is None:
                unresolved.append(bound)
            continue
        children = _branch(cg, rules, values)
        if children is None:
            # Fractional only between groups of the same people and mentor (other times or
            # themes): take the cheapest of each and keep this node's bound as unresolved.
            state = _cheapest(cg, values)
            if state is not None and state.penalty() < incumbent - 1e-6:
                best, incumbent = state, state.penalty()
            unresolved.append(bound)
            continue
        depth = -rules.depth - 1
        for child in children:
            pushed += 1
            heapq.heappush(heap, (bound, depth, pushed, child))
    take_offer()
    open_bounds = [b for b, _, _, _ in heap] + unresolved
    lower = min([incumbent, *open_bounds])
    return Proof(
        bound=lower,
        penalty=incumbent,
        grouping=best,
        proved=not open_bounds,
        nodes=nodes,
    )


def tighten_root(
    cg: ColumnGeneration,
    bound: float,
    deadline: float,
    incumbent: Callable[[], float] = lambda: math.inf,
) -> float:
    """Rounds of subset-row cuts on the converged root LP (at most `CUT_ROUNDS`, until
    `deadline`, monotonic): each re-converges the LP with the cuts the last one broke. Answers
    the proven bound, `bound` or higher; it stops early once no cut is broken or the bound
    reaches `incumbent()` (asked before each round: the best penalty known by then). The
    master keeps its cuts."""
    for _ in range(CUT_ROUNDS):
        best = incumbent()
        solved = _solve_node(cg, Rules(), deadline, best)
        if solved is None:
            break
        bound = max(bound, solved[0])
        if bound >= best - 1e-6 or not cg.add_cuts(violated_triples(cg, solved[1])):
            break
    return bound


def _dive(cg: ColumnGeneration, deadline: float, rng: random.Random) -> Grouping | None:
    """The dive of column generation from the root LP (cuts kept; the root's counts are
    free), the people it leaves out placed by the greedy and the grouping polished by local
    search. 60 registrants, seed 5: 153, the optimum, where the dive before the cuts gave 172
    polished and the tree from 162 took 27 s to find and prove 153."""
    chosen = cg.dive(deadline)
    state = cg.grouping(chosen) if chosen is not None else None
    if state is None:
        return None
    construct(cg.inst, state)
    improve(state, min(deadline, time.monotonic() + ROOT_DIVE_POLISH_S), rng)
    return state if pins_kept(state) else None


def _solve_node(
    cg: ColumnGeneration, rules: Rules, deadline: float, incumbent: float = math.inf
) -> tuple[float, list[float]] | None:
    """Column generation under `rules`: the node's proven bound and the LP's column values."""
    h, n = cg.master, cg.n_blocks
    # Columns against the node's decisions are held at zero; nothing is fixed from a dive.
    upper = np.full(len(cg.columns), np.inf)
    refused = rules.refused(cg.holding, cg.column_entity)
    upper[list(refused)] = 0.0
    if len(upper):
        first = cg.first_column
        index = np.arange(first, first + len(upper), dtype=np.int32)
        h.changeColsBounds(len(upper), index, np.zeros(len(upper)), upper)
    cg.set_counts(*rules.count_range(len(cg.counters)))
    assigned = {b for b, _ in rules.assigned}
    costs = np.array(
        [ASSIGNED_UNPLACED_COST if b in assigned else cg.unplaced_cost[b] for b in range(n)]
    )
    h.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
    cg.node_unplaced_cost = costs
    best = -np.inf
    # The node's first LP after its bounds changed by the dual simplex, the LPs after new
    # columns by the primal (docs/decisions.md, "The pricing search compiled with numba").
    cg.simplex_strategy = DUAL_SIMPLEX
    while True:
        if time.monotonic() >= deadline:
            return None
        try:
            lp_value, pi, beta = cg.solve_lp(deadline)
        except TimeoutError:
            return None
        cg.simplex_strategy = PRIMAL_SIMPLEX
        # Quick rounds while they find groups; an exact one to prove the node's bound.
        for quick in (True, False):
            bound, found = cg.price(pi, beta, deadline, rules=rules, quick=quick)
            if time.monotonic() >= deadline:
                return None
            best = max(best, bound)
            improving = [
                c for c in found if rules.allows(c) and cg.reduced_cost(c, pi, beta) < -1e-6
            ]
            if improving or meets(best, lp_value):
                break
        if meets(best, lp_value) or best >= incumbent - 1e-6:
            break
        if cg.integral and best >= math.ceil(lp_value - 1e-6):
            # Whole penalties: the LP, converged, could not round up to more than this.
            break
        if cg.add_all(improving) == 0:
            break
    return best, cg.column_values().tolist()


def violated_triples(
    cg: ColumnGeneration, values: list[float], limit: int = CUTS_PER_ROUND
) -> list[tuple[int, int, int]]:
    """The block triples whose subset-row cut the LP breaks most (at most `limit`)."""
    support = [(c, v) for c, v in enumerate(values) if 1e-6 < v < 1 - 1e-6]
    if not support:
        return []
    blocks = sorted({b for c, _ in support for b in cg.columns[c].blocks})
    index = {b: i for i, b in enumerate(blocks)}
    held = np.zeros((len(support), len(blocks)))
    for r, (c, _) in enumerate(support):
        held[r, [index[b] for b in cg.columns[c].blocks]] = 1.0
    x = np.array([v for _, v in support])
    pairs = (held * x[:, None]).T @ held  # LP weight of the groups holding both blocks
    found: dict[tuple[int, int, int], float] = {}
    for a, b in zip(*np.nonzero(np.triu(pairs, 1) > 1e-6), strict=True):
        both = held[:, a] * held[:, b] * x
        total = pairs[a, b] + pairs[a] + pairs[b] - 2.0 * (both @ held)
        for c in np.flatnonzero(total > 1.0 + CUT_MIN_VIOLATION).tolist():
            if c != a and c != b:
                first, second, third = sorted((blocks[a], blocks[b], blocks[c]))
                triple = (first, second, third)
                found[triple] = float(total[c])
    ranked = sorted(found.items(), key=lambda item: -item[1])
    return [triple for triple, _ in ranked[:limit]]


def _branch(cg: ColumnGeneration, rules: Rules, values: list[float]) -> tuple[Rules, Rules] | None:
    """The two children of a fractional node, the one the LP leans to first."""
    placed: dict[tuple[int, int], float] = defaultdict(float)
    pairs: dict[tuple[int, int], float] = defaultdict(float)
    counted = np.zeros(len(cg.counters))
    for c, v in enumerate(values):
        if v <= 1e-6:
            continue
        column = cg.columns[c]
        counted[list(cg.counted(column))] += v
        for b in column.blocks:
            placed[b, column.entity] += v
        if v < 1 - 1e-6:
            for x, a in enumerate(column.blocks):
                for b in column.blocks[x + 1 :]:
                    pairs[a, b] += v
    themes = len(cg.themes)
    for counters in (range(themes), range(themes, len(cg.counters))):
        split = [
            (abs(v - math.floor(v) - 0.5), k, v)
            for k, v in ((k, float(counted[k])) for k in counters)
            if 1e-6 < v - math.floor(v) < 1 - 1e-6
        ]
        if split:
            _, k, v = min(split)
            fewer = replace(rules, counts=rules.counts | {(k, 0, math.floor(v))})
            more = replace(rules, counts=rules.counts | {(k, math.ceil(v), cg.n_blocks)})
            return (more, fewer) if v - math.floor(v) >= 0.5 else (fewer, more)
    fractional = [(abs(v - 0.5), key, v) for key, v in placed.items() if 1e-6 < v < 1 - 1e-6]
    if fractional:
        _, (b, e), v = min(fractional)
        yes = replace(rules, assigned=rules.assigned | {(b, e)})
        no = replace(rules, banned=rules.banned | {(b, e)})
        return (yes, no) if v >= 0.5 else (no, yes)
    fractional = [(abs(v - 0.5), key, v) for key, v in pairs.items() if 1e-6 < v < 1 - 1e-6]
    if fractional:
        _, pair, v = min(fractional)
        together = replace(rules, together=rules.together | {pair})
        apart = replace(rules, apart=rules.apart | {pair})
        return (together, apart) if v >= 0.5 else (apart, together)
    return None


def _cheapest(cg: ColumnGeneration, values: list[float]) -> Grouping | None:
    """For each set of people the LP splits over several groups, the cheapest of them."""
    best: dict[tuple[int, tuple[int, ...]], Column] = {}
    for c, v in enumerate(values):
        if v > 1e-6:
            column = cg.columns[c]
            key = (column.entity, column.blocks)
            if key not in best or column.cost < best[key].cost:
                best[key] = column
    return cg.grouping(list(best.values()))
