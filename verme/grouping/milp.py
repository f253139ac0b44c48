"""The mixed-integer model, solved by HiGHS, over chosen positions and the blocks free to move.

With every position and block free it is the whole problem and HiGHS's dual bound is a proven
bound; with a subset it is one neighbourhood of a large-neighbourhood search. Variables exist only
for admissible (block, position) pairs, so rules 2, 3, 7 and the mentor's side of rule 4 hold by
construction. Per group: o[k,f] chooses a frame, t[k,theme] a theme, q[k,topic] a topic;
x[b,k] places a block; a/c variables charge each block the cost class of the chosen theme/topic.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from .heuristic import Grouping
from .instance import Instance

PRESOLVE_PARALLEL_ROWS_AND_COLUMNS = 1 << 13
"""The HiGHS presolve rule (a bit of `presolve_rule_off`) that column generation's master runs
without (see `ModelBuilder.highs`)."""


@dataclass
class MilpResult:
    improved: bool
    penalty: float
    """The model's penalty for the best solution found (free part only)."""
    bound: float
    """HiGHS's proven lower bound on the free part's penalty."""
    optimal: bool


class ModelBuilder:
    def __init__(self) -> None:
        self.cost: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[int] = []
        self.start: list[float] = []
        self.rows_lower: list[float] = []
        self.rows_upper: list[float] = []
        self.row_start: list[int] = [0]
        self.row_index: list[int] = []
        self.row_value: list[float] = []

    def var(self, cost: float, upper: float, integer: bool, start: float) -> int:
        self.cost.append(cost)
        self.lower.append(0.0)
        self.upper.append(upper)
        self.integer.append(1 if integer else 0)
        self.start.append(start)
        return len(self.cost) - 1

    def row(self, terms: Sequence[tuple[int, float]], lower: float, upper: float) -> None:
        # HiGHS needs each column at most once per row: merge repeated terms.
        merged: dict[int, float] = {}
        for index, value in terms:
            merged[index] = merged.get(index, 0.0) + value
        for index, value in merged.items():
            if value != 0.0:
                self.row_index.append(index)
                self.row_value.append(value)
        self.row_start.append(len(self.row_index))
        self.rows_lower.append(lower)
        self.rows_upper.append(upper)

    def satisfied_by(self, values: Sequence[float], tolerance: float = 1e-6) -> bool:
        """Whether `values` keep every bound, row and integrality of the model."""
        x = np.asarray(values, dtype=np.float64)
        if len(x) != len(self.cost):
            return False
        if np.any(x < np.asarray(self.lower) - tolerance) or np.any(
            x > np.asarray(self.upper) + tolerance
        ):
            return False
        integer = np.asarray(self.integer, dtype=bool)
        if np.any(np.abs(x[integer] - np.round(x[integer])) > tolerance):
            return False
        products = np.asarray(self.row_value) * x[np.asarray(self.row_index, dtype=np.int64)]
        sums = np.concatenate(([0.0], np.cumsum(products)))
        starts = np.asarray(self.row_start, dtype=np.int64)
        activity = sums[starts[1:]] - sums[starts[:-1]]
        return bool(
            np.all(activity >= np.asarray(self.rows_lower) - tolerance)
            and np.all(activity <= np.asarray(self.rows_upper) + tolerance)
        )

    def start_from(self, h: highspy.Highs, values: Sequence[float]) -> bool:
        """Give HiGHS `values` as its first solution if they are feasible (else give nothing)."""
        if not self.satisfied_by(values):
            return False
        solution = highspy.HighsSolution()
        solution.col_value = list(values)
        solution.value_valid = True
        h.setSolution(solution)
        return True

    def highs(self) -> highspy.Highs:
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.cost)
        lp.num_row_ = len(self.rows_lower)
        lp.col_cost_ = np.array(self.cost, dtype=np.float64)
        lp.col_lower_ = np.array(self.lower, dtype=np.float64)
        lp.col_upper_ = np.array(self.upper, dtype=np.float64)
        lp.row_lower_ = np.array(self.rows_lower, dtype=np.float64)
        lp.row_upper_ = np.array(self.rows_upper, dtype=np.float64)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(self.row_start, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(self.row_index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(self.row_value, dtype=np.float64)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
            for i in self.integer
        ]
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        # No presolve: HiGHS 1.15.1's MIP presolve gets small models of ours wrong. It could
        # loop forever, past any time limit, between its parallel rows/columns rule and others,
        # and it made the market model of one person who cannot be placed "optimal" at 101.5,
        # and of another at 100.75, against the true 100: a proven bound above the optimum
        # (found by the generated tests; each right with presolve off, while switching single
        # rules off only moved the error; docs/decisions.md).
        h.setOptionValue("presolve", "off")
        h.passModel(lp)
        return h


def solve_neighbourhood(
    state: Grouping,
    positions: Sequence[int],
    deadline: float,
    *,
    keep: bool = False,
) -> MilpResult:
    """Re-optimise the given positions with their members and every unplaced block.

    HiGHS gets whatever is left until `deadline` (a `time.monotonic()` value) once the model
    is built, so building time is never added on top. With `keep`, open groups keep their frame
    and theme and closed positions stay closed: only who is in which group is decided.
    """
    inst: Instance = state.inst
    w = inst.weights
    chosen = sorted(set(positions))
    chosen_set = set(chosen)
    free = [
        b
        for b, k in enumerate(state.where)
        if k in chosen_set
        or (
            k < 0
            and all(
                inst.pinned.get(i, -1) in chosen_set or i not in inst.pinned for i in inst.blocks[b]
            )
        )
    ]
    before = sum(state.groups[k].penalty for k in chosen if k in state.groups)
    before += sum(w.unassigned * len(inst.blocks[b]) for b in free if state.where[b] < 0)
    busy: dict[str, set[str]] = defaultdict(set)
    for k, g in state.groups.items():
        if k not in chosen_set:
            busy[inst.positions[k].mentor.id].add(g.frame.slot)

    m = ModelBuilder()
    frame_var: dict[tuple[int, int], int] = {}
    open_terms: dict[int, list[tuple[int, float]]] = {}
    theme_var: dict[tuple[int, str], int] = {}
    topic_var: dict[tuple[int, int], int] = {}
    pair_var: dict[tuple[int, int, str], int] = {}
    themes_of: dict[int, tuple[str, ...]] = {}
    for k in chosen:
        pos = inst.positions[k]
        cur = state.groups.get(k)
        themes_of[k] = (cur.theme,) if keep and cur is not None else pos.themes
        terms = []
        for f, frame in enumerate(pos.frames):
            if frame.slot in busy[pos.mentor.id] or (keep and (cur is None or cur.frame != frame)):
                continue
            frame_var[k, f] = v = m.var(
                0.0, 1.0, True, float(cur is not None and cur.frame == frame)
            )
            terms.append((v, 1.0))
        open_terms[k] = terms
        m.row(terms, 0.0, 1.0)
        t_terms = []
        for theme in themes_of[k]:
            start = float(cur is not None and cur.theme == theme)
            theme_var[k, theme] = v = m.var(inst.mentor_theme_cost(pos, theme), 1.0, True, start)
            t_terms.append((v, 1.0))
        m.row([*t_terms, *((v, -1.0) for v, _ in terms)], 0.0, 0.0)
        # pair[k, f, theme] = frame f and theme together; continuous, integral given o and t.
        for f in (f for f in range(len(pos.frames)) if (k, f) in frame_var):
            for theme in themes_of[k]:
                start = float(cur is not None and cur.frame == pos.frames[f] and cur.theme == theme)
                pair_var[k, f, theme] = m.var(0.0, 1.0, False, start)
            m.row(
                [(frame_var[k, f], -1.0), *((pair_var[k, f, t], 1.0) for t in themes_of[k])],
                0.0,
                0.0,
            )
        for theme in themes_of[k]:
            pairs = [pair_var[k, f, theme] for f in range(len(pos.frames)) if (k, f) in frame_var]
            m.row([(theme_var[k, theme], -1.0), *((p, 1.0) for p in pairs)], 0.0, 0.0)
        q_terms = []
        for n, topic in enumerate(pos.topics):
            start = float(cur is not None and cur.topic == topic)
            topic_var[k, n] = v = m.var(0.0, 1.0, True, start)
            q_terms.append((v, 1.0))
        m.row([*q_terms, *((v, -1.0) for v, _ in terms)], 0.0, 0.0)
    # A mentor leads at most one group per slot, and a mentor's own groups open in order.
    by_mentor: dict[str, list[int]] = defaultdict(list)
    for k in chosen:
        by_mentor[inst.positions[k].mentor.id].append(k)
    for ks in by_mentor.values():
        if len(ks) < 2:
            continue
        per_slot: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for k in ks:
            for f, frame in enumerate(inst.positions[k].frames):
                if (k, f) in frame_var:
                    per_slot[frame.slot].append((frame_var[k, f], 1.0))
        for terms in per_slot.values():
            if len(terms) > 1:
                m.row(terms, 0.0, 1.0)
        unfixed = [] if keep else [k for k in ks if inst.positions[k].fixed is None]
        for k1, k2 in zip(unfixed, unfixed[1:], strict=False):
            m.row([*open_terms[k1], *((v, -1.0) for v, _ in open_terms[k2])], 0.0, 1.0)

    x: dict[tuple[int, int], int] = {}
    by_group: dict[int, list[int]] = defaultdict(list)
    for b in free:
        block = inst.blocks[b]
        pinned = {inst.pinned[i] for i in block if i in inst.pinned}
        size = len(block)
        row: list[tuple[int, float]] = []
        for k in chosen:
            if pinned and k not in pinned:
                continue
            pos = inst.positions[k]
            fitting = [
                f
                for f, frame in enumerate(pos.frames)
                if (k, f) in frame_var and inst.block_fits(b, pos, frame)
            ]
            if not fitting:
                continue
            here = state.where[b] == k
            x[b, k] = v = m.var(0.0, 1.0, True, float(here))
            by_group[k].append(b)
            row.append((v, 1.0))
            m.row([(v, 1.0), *((frame_var[k, f], -1.0) for f in fitting)], -np.inf, 0.0)
            group = state.groups.get(k)
            # The block pays the class of the theme chosen together with a frame it fits.
            _link(
                m,
                v,
                {t: sum(inst.theme_cost[i][t] for i in block) for t in themes_of[k]},
                {t: [pair_var[k, f, t] for f in fitting] for t in themes_of[k]},
                group.theme if group and here else None,
            )
            _link(
                m,
                v,
                {n: sum(inst.topic_cost(i, tp) for i in block) for n, tp in enumerate(pos.topics)},
                {n: [topic_var[k, n]] for n in range(len(pos.topics))},
                pos.topics.index(group.topic) if group and here else None,
            )
        unplaced = float(state.where[b] < 0)
        if pinned and row:
            m.row(row, 1.0, 1.0)
        else:
            u = m.var(w.unassigned * size, 1.0, False, unplaced)
            m.row([*row, (u, 1.0)], 1.0, 1.0)

    for k in chosen:
        _group_rows(m, state, k, by_group[k], x, open_terms[k], topic_var)
    # Apart and supervises pairs never share a group.
    for (b, k), v in x.items():
        for c in inst.block_conflicts[b]:
            if c > b and (c, k) in x:
                m.row([(v, 1.0), (x[c, k], 1.0)], -np.inf, 1.0)

    h = m.highs()
    left = deadline - time.monotonic()
    if left < 0.05:
        return MilpResult(False, before, -np.inf, False)
    h.setOptionValue("time_limit", left)
    h.setOptionValue("mip_rel_gap", 1e-7)
    h.setOptionValue("mip_abs_gap", 1e-6)
    m.start_from(h, m.start)
    h.run()
    info = h.getInfo()
    status = h.getModelStatus()
    optimal = status == highspy.HighsModelStatus.kOptimal
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else -np.inf
    if info.primal_solution_status != 2:  # no feasible solution
        return MilpResult(False, before, bound, False)
    values = h.getSolution().col_value
    penalty = float(info.objective_function_value)
    if penalty >= before - 1e-6:
        return MilpResult(False, before, min(bound, before), optimal)
    _apply(state, chosen, free, values, frame_var, x)
    after = sum(state.groups[k].penalty for k in chosen if k in state.groups)
    after += sum(w.unassigned * len(inst.blocks[b]) for b in free if state.where[b] < 0)
    return MilpResult(True, after, min(bound, after), optimal)


def _link(
    m: ModelBuilder,
    placed: int,
    costs: Mapping[Hashable, float],
    options: Mapping[Hashable, list[int]],
    current: Hashable | None,
) -> None:
    """Charge a placed block the cost class of the option its group chose.

    One variable per class of equal cost, each at most the sum of its options' variables; the
    classes add up to the placement. A block indifferent to the options pays the one cost.
    """
    classes: dict[float, list[Hashable]] = defaultdict(list)
    for option, cost in costs.items():
        classes[round(cost, 9)].append(option)
    if len(classes) == 1:
        m.cost[placed] += next(iter(classes))
        return
    link = []
    for value, members in classes.items():
        a = m.var(value, 1.0, False, float(current is not None and current in members))
        link.append((a, 1.0))
        m.row([(a, 1.0), *((o, -1.0) for opt in members for o in options[opt])], -np.inf, 0.0)
    m.row([*link, (placed, -1.0)], 0.0, 0.0)


def _group_rows(
    m: ModelBuilder,
    state: Grouping,
    k: int,
    blocks: list[int],
    x: dict[tuple[int, int], int],
    open_terms: list[tuple[int, float]],
    topic_var: dict[tuple[int, int], int],
) -> None:
    inst, w, size = state.inst, state.inst.weights, state.inst.size
    group = state.groups.get(k)
    members = group.members if group else []
    n_now = len(members)
    placed = [(x[b, k], float(len(inst.blocks[b]))) for b in blocks]
    closed = [(v, -c) for v, c in open_terms]
    m.row([*placed, *((v, -c * size.min) for v, c in open_terms)], 0.0, np.inf)
    m.row([*placed, *((v, -c * size.max) for v, c in open_terms)], -np.inf, 0.0)
    d = m.var(
        w.size, float(size.max + size.target), False, abs(n_now - size.target) if group else 0.0
    )
    m.row(
        [(d, 1.0), *((v, -c) for v, c in placed), *((v, c * size.target) for v, c in open_terms)],
        0.0,
        np.inf,
    )
    m.row([(d, 1.0), *placed, *((v, -c * size.target) for v, c in open_terms)], 0.0, np.inf)
    # Unit mixing: no more than the share from one unit, unless this is a one-unit group.
    units: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for b in blocks:
        for unit, count in _unit_counts(inst, b).items():
            units[unit].append((x[b, k], count))
    pos = inst.positions[k]
    unit_topics = [topic_var[k, n] for n, t in enumerate(pos.topics) if t.kind == "unit"]
    for unit, terms in units.items():
        if sum(c for _, c in terms) < 2:
            continue
        now = sum(1 for i in members if inst.people[i].unit == unit)
        start = (
            max(0.0, now - w.max_unit_share * n_now)
            if group and group.topic.kind != "unit"
            else 0.0
        )
        e = m.var(w.unit_share, float(size.max), False, start)
        m.row(
            [
                (e, 1.0),
                *((v, -c) for v, c in terms),
                *((v, w.max_unit_share * c) for v, c in placed),
                *((t, float(size.max)) for t in unit_topics),
            ],
            0.0,
            np.inf,
        )
    # Novices: no lone novice, and at least one experienced member.
    novices = {b: sum(inst.novice[i] for i in inst.blocks[b]) for b in blocks}
    novice_terms = [(x[b, k], float(n)) for b, n in novices.items() if n > 0]
    experienced = [(x[b, k], float(len(inst.blocks[b]) - n)) for b, n in novices.items()]
    n_nov = sum(inst.novice[i] for i in members)
    if novice_terms:
        nu = m.var(0.0, 1.0, True, float(n_nov > 0))
        m.row([*novice_terms, (nu, -float(size.max))], -np.inf, 0.0)
        s = m.var(w.lone_novice, 2.0, False, float(n_nov == 1))
        m.row([(s, 1.0), (nu, -2.0), *novice_terms], 0.0, np.inf)
    z = m.var(w.no_experienced, 1.0, False, float(group is not None and n_nov == n_now))
    m.row([(z, 1.0), *((v, c) for v, c in experienced if c > 0), *closed], 0.0, np.inf)


def _unit_counts(inst: Instance, b: int) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for i in inst.blocks[b]:
        unit = inst.people[i].unit
        if unit is not None:
            out[unit] += 1.0
    return out


def _apply(
    state: Grouping,
    chosen: list[int],
    free: list[int],
    values: Sequence[float],
    frame_var: dict[tuple[int, int], int],
    x: dict[tuple[int, int], int],
) -> None:
    inst = state.inst
    for k in chosen:
        if k in state.groups:
            state.close(k)
    for b in free:
        state.where[b] = -1
    for k in chosen:
        pos = inst.positions[k]
        frames = [
            f
            for f in range(len(pos.frames))
            if (k, f) in frame_var and values[frame_var[k, f]] > 0.5
        ]
        if not frames:
            continue
        state.open(k, pos.frames[frames[0]], pos.themes[0], pos.topics[0])
    for (b, k), v in x.items():
        if values[v] > 0.5 and k in state.groups:
            state.add(k, b)
    for k in chosen:
        if k in state.groups:
            state.retopic(k)
