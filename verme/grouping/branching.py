"""Branch and price: proving a grouping optimal by branching on top of column generation.

Each node of the tree is the master LP of `columns.py` under branching decisions (`Rules`),
re-generated with exact pricing that keeps those decisions, so its value is a proven bound for
every grouping below it. A fractional LP is split first on whether a block is in a mentor's
groups (placed there, or not there), then on whether two blocks share a group (Ryan and
Foster: together or apart); both splits leave every grouping in exactly one child. The tree is
searched depth first, the child the LP leans to first, and a node is dropped when its bound
cannot beat the best grouping known. When the tree is exhausted in time the best grouping is
proved optimal; when time runs out, the least bound of the nodes still open is the proof.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np

from .columns import Column, ColumnGeneration, Rules, meets
from .heuristic import Grouping

ASSIGNED_UNPLACED_COST = 1e6
"""A block assigned to a mentor may stay unplaced in a node's LP only at this cost, so that the
LP stays feasible before pricing has found groups for it (such a node is then pruned)."""


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
    cg: ColumnGeneration, incumbent: float, root_bound: float, deadline: float
) -> Proof:
    """Search the tree until `deadline` (monotonic) for a grouping better than `incumbent`."""
    stack: list[tuple[Rules, float]] = [(Rules(), root_bound)]
    best: Grouping | None = None
    unresolved: list[float] = []
    nodes = 0
    while stack:
        rules, parent = stack.pop()
        if parent >= incumbent - 1e-6:
            continue
        if time.monotonic() >= deadline:
            stack.append((rules, parent))
            break
        nodes += 1
        solved = _solve_node(cg, rules, deadline)
        if solved is None:  # out of time inside the node
            stack.append((rules, parent))
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
        first, second = children
        stack.append((second, bound))
        stack.append((first, bound))
    open_bounds = [b for _, b in stack] + unresolved
    lower = min([incumbent, *open_bounds])
    return Proof(
        bound=lower,
        penalty=incumbent,
        grouping=best,
        proved=not open_bounds,
        nodes=nodes,
    )


def _solve_node(
    cg: ColumnGeneration, rules: Rules, deadline: float
) -> tuple[float, list[float]] | None:
    """Column generation under `rules`: the node's proven bound and the LP's column values."""
    h, n = cg.master, cg.n_blocks
    # Columns against the node's decisions are held at zero; nothing is fixed from a dive.
    upper = np.full(len(cg.columns), np.inf)
    refused = rules.refused(cg.holding, cg.column_entity)
    upper[list(refused)] = 0.0
    if len(upper):
        index = np.arange(n, n + len(upper), dtype=np.int32)
        h.changeColsBounds(len(upper), index, np.zeros(len(upper)), upper)
    assigned = {b for b, _ in rules.assigned}
    costs = np.array(
        [ASSIGNED_UNPLACED_COST if b in assigned else cg.unplaced_cost[b] for b in range(n)]
    )
    h.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
    cg.node_unplaced_cost = costs
    best = -np.inf
    while True:
        if time.monotonic() >= deadline:
            return None
        try:
            lp_value, pi, beta = cg.solve_lp(deadline)
        except TimeoutError:
            return None
        bound, found = cg.price(pi, beta, deadline, rules=rules)
        if time.monotonic() >= deadline:
            return None
        best = max(best, bound)
        if meets(best, lp_value):
            break
        improving = [c for c in found if rules.allows(c) and cg.reduced_cost(c, pi, beta) < -1e-6]
        if sum(cg.add(c) for c in improving) == 0:
            break
    values = list(h.getSolution().col_value[n:])
    return best, values


def _branch(cg: ColumnGeneration, rules: Rules, values: list[float]) -> tuple[Rules, Rules] | None:
    """The two children of a fractional node, the one the LP leans to first."""
    placed: dict[tuple[int, int], float] = defaultdict(float)
    pairs: dict[tuple[int, int], float] = defaultdict(float)
    for c, v in enumerate(values):
        if v <= 1e-6:
            continue
        column = cg.columns[c]
        for b in column.blocks:
            placed[b, column.entity] += v
        if v < 1 - 1e-6:
            for x, a in enumerate(column.blocks):
                for b in column.blocks[x + 1 :]:
                    pairs[a, b] += v
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
