"""The market model: a relaxation that gives a proven bound and a plan for which groups to open.

People who can meet in the same *market* (region or online, language, slot) and are placed on the
same theme are interchangeable as far as the per-person penalties go, so the model only decides
how many groups each mentor opens in each (market, theme) cell and how many people each cell
takes: a flow with integer group counts. It drops what depends on a group's exact membership
(unit mixing, novices, the group's kind), which are all penalties of at least zero, and keeps
apart and supervises pairs only as cuts (a pair in one cell needs two groups there), so its
optimum and HiGHS's dual bound on it are lower bounds on the real penalty. Its solution tells
the heuristic which (mentor, frame, theme) groups to open.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import highspy
import numpy as np

from .heuristic import Grouping, Market, block_markets, construct, market_of, place_pins
from .instance import Frame, Instance
from .milp import ModelBuilder

OTHER = "\x00other"


@dataclass
class Plan:
    bound: float
    """Proven lower bound on the penalty (-inf when HiGHS found none)."""
    value: float
    """The model's value for its best solution (inf if none)."""
    optimal: bool
    groups: list[tuple[list[int], Frame, str]] = field(default_factory=list)
    """Groups to open: (the positions it may use, frame, theme)."""
    cells: dict[int, tuple[Market, str]] = field(default_factory=dict)
    """Where each block goes: its market and theme (OTHER: any theme the block did not list)."""
    by_region: dict[str | None, float] = field(default_factory=dict)
    """Planned region by region: each region's own bound (they add up to `bound`)."""


def block_region(inst: Instance, b: int) -> str | None:
    """The region a block belongs to: its members' region, None if none of them has one.

    A block whose members come from two regions can only meet online; it counts as the first
    of its regions in alphabetical order.
    """
    named = sorted({r for i in inst.blocks[b] if (r := inst.people[i].region) is not None})
    return named[0] if named else None


def regions(inst: Instance) -> dict[str | None, list[int]]:
    """Blocks by their region (`block_region`); None holds the blocks without a region."""
    out: dict[str | None, list[int]] = defaultdict(list)
    for b in range(len(inst.blocks)):
        out[block_region(inst, b)].append(b)
    return dict(out)


def solve_plan(
    inst: Instance,
    deadline: float,
    *,
    relax: bool = False,
    region: tuple[str | None] | None = None,
    start: Grouping | None = None,
    conflict_cuts: bool = True,
) -> Plan:
    """Solve the market model until `deadline` (monotonic; `relax`: linear relaxation only).

    With `region=(r,)` only the blocks of region r (`regions`) are modelled, with the groups
    that meet in person in region r; groups in any other market (online, and for r = None the
    in-person groups of every named region) are then relaxed to a count per (market, theme)
    bounded by how many mentors could lead one there, with no minimum size, no size penalty and
    no mentor-theme penalty, as if no other region used them. People without a region may also
    sit in region r's groups: for r not None they enter r's model as free *guests*, at most as
    many per market as could meet there and at most all of them in all, whose own penalties are
    counted in the model of r = None. So each region's value is a lower bound on the penalty of
    its blocks plus its in-person groups, the regions' bounds add up to a proven bound when
    every region (None included) is solved, and the plan only opens groups that meet in person
    in r. A `start` grouping (whole problem only) is given to HiGHS as its first solution, so
    the plan is never worse than it.
    """
    w, size = inst.weights, inst.size
    by_region = regions(inst)
    chosen = by_region.get(region[0], []) if region else list(range(len(inst.blocks)))
    m = ModelBuilder()
    # Entities: every fixed position alone, and each mentor's unfixed positions as one pool.
    entities: list[list[int]] = []
    pools: dict[str, list[int]] = defaultdict(list)
    for k, pos in enumerate(inst.positions):
        if pos.fixed is not None:
            entities.append([k])
        else:
            pools[pos.mentor.id].append(k)
    entities.extend(pools.values())
    markets_of = {b: block_markets(inst, b) for b in chosen}
    demand: dict[Market, set[str]] = defaultdict(set)
    for b, markets in markets_of.items():
        themes = {t for i in inst.blocks[b] for t in inst.people[i].themes}
        for market in markets:
            demand[market].update(themes)
    g: dict[tuple[int, Frame, str], int] = {}
    cell_groups: dict[tuple[Market, str], list[int]] = defaultdict(list)
    per_slot: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for e, ks in enumerate(entities):
        pos = inst.positions[ks[0]]
        terms = []
        for frame in pos.frames:
            market = market_of(inst, ks[0], frame)
            if market not in demand or (region and market[0] != region[0]):
                continue
            # A group on a theme nobody here wants holds only people on other themes, who
            # fill any theme's group: one such theme stands for them all.
            wanted = demand[market] | set(pos.mentor.themes)
            for theme in [t for t in pos.themes if t in wanted] or pos.themes[:1]:
                v = m.var(inst.mentor_theme_cost(pos, theme), 1.0, not relax, 0.0)
                g[e, frame, theme] = v
                cell_groups[market, theme].append(v)
                terms.append((v, 1.0))
                per_slot[pos.mentor.id, frame.slot].append((v, 1.0))
        if terms:
            m.row(terms, 0.0, float(len(ks)))
    for terms in per_slot.values():
        if len(terms) > 1:
            m.row(terms, 0.0, 1.0)
    # count[cell]: how many groups a (market, theme) cell has.
    count: dict[tuple[Market, str], int] = {}
    for cell, groups in cell_groups.items():
        count[cell] = c = m.var(0.0, float(len(groups)), False, 0.0)
        m.row([(c, 1.0), *((v, -1.0) for v in groups)], 0.0, 0.0)
    guests: dict[tuple[Market, str], int] = {}
    if region and region[0] is not None:
        _add_guests(inst, m, by_region.get(None, []), list(cell_groups), guests)
    shared: set[tuple[Market, str]] = set()
    if region:
        relaxed = {market for market in demand if market[0] != region[0]}
        for market, supply in _supply(inst, relaxed).items():
            terms = []
            # At least one cell, so that people who listed no theme can go there too.
            for theme in sorted(demand[market]) or inst.themes[:1]:
                count[market, theme] = c = m.var(0.0, float(supply), not relax, 0.0)
                cell_groups[market, theme] = []
                shared.add((market, theme))
                terms.append((c, 1.0))
            m.row(terms, 0.0, float(supply))
    cell_people: dict[tuple[Market, str], list[tuple[int, float]]] = defaultdict(list)
    market_other: dict[Market, list[tuple[int, float]]] = defaultdict(list)
    z: dict[tuple[int, Market, str], int] = {}
    unplaced: dict[int, int] = {}
    deviation: dict[tuple[Market, str], int] = {}
    for b in chosen:
        block = inst.blocks[b]
        n = float(len(block))
        topic = sum(inst.min_topic_cost(i) for i in block)
        listed = {t for i in block for t in inst.people[i].themes}
        pinned = {inst.pinned[i] for i in block if i in inst.pinned}
        allowed: set[Market] | None = None
        if pinned:
            allowed = {market_of(inst, k, f) for k in pinned for f in inst.positions[k].frames}
        row = []
        for market in markets_of[b]:
            if allowed is not None and market not in allowed:
                continue
            for theme in listed:
                if (market, theme) not in cell_groups:
                    continue
                cost = sum(inst.theme_cost[i][theme] for i in block) + topic
                z[b, market, theme] = v = m.var(cost, 1.0, False, 0.0)
                cell_people[market, theme].append((v, n))
                row.append((v, 1.0))
                # Nobody is in a cell without a group there: weak in count, strong in the LP.
                m.row([(v, 1.0), (count[market, theme], -1.0)], -np.inf, 0.0)
            if len(listed) < len(inst.themes):
                cost = sum(inst.weights.no_wish for _ in block) + topic
                z[b, market, OTHER] = v = m.var(cost, 1.0, False, 0.0)
                market_other[market].append((v, n))
                row.append((v, 1.0))
        if pinned and row:
            m.row(row, 1.0, 1.0)
        else:
            unplaced[b] = u = m.var(w.unassigned * n, 1.0, False, 0.0)
            m.row([*row, (u, 1.0)], 1.0, 1.0)
    # Two blocks that may not share a group (apart, supervises) fill one group of a cell
    # together only if the cell has a second group: z1 + z2 <= count. Valid for every real
    # grouping (each block is wholly in one cell), so the bound stays a bound.
    if conflict_cuts:
        cells_of: dict[int, list[tuple[Market, str]]] = defaultdict(list)
        for b, market, theme in z:
            if theme != OTHER:
                cells_of[b].append((market, theme))
        for b in chosen:
            for c in sorted(inst.block_conflicts[b]):
                if c <= b or c not in markets_of:
                    continue
                for cell in cells_of[b]:
                    if (c, *cell) in z:
                        m.row(
                            [(z[b, *cell], 1.0), (z[c, *cell], 1.0), (count[cell], -1.0)],
                            -np.inf,
                            0.0,
                        )
    # People placed on a theme they did not list fill any theme's groups in their market.
    fillers: dict[tuple[Market, str], int] = {}
    by_market: dict[Market, list[str]] = defaultdict(list)
    for market, theme in cell_groups:
        by_market[market].append(theme)
    for market, others in market_other.items():
        terms = []
        for theme in by_market[market]:
            fillers[market, theme] = v = m.var(0.0, np.inf, False, 0.0)
            terms.append((v, 1.0))
        m.row([*terms, *((v, -c) for v, c in others)], 0.0, 0.0)
    for market, theme in cell_groups:
        people = list(cell_people.get((market, theme), []))
        if (market, theme) in fillers:
            people.append((fillers[market, theme], 1.0))
        if (market, theme) in guests:
            people.append((guests[market, theme], 1.0))
        c = count[market, theme]
        m.row([*people, (c, -float(size.max))], -np.inf, 0.0)
        if (market, theme) in shared:
            continue
        m.row([*people, (c, -float(size.min))], 0.0, np.inf)
        if w.size > 0:
            deviation[market, theme] = d = m.var(w.size, np.inf, False, 0.0)
            m.row([(d, 1.0), *((v, -n) for v, n in people), (c, float(size.target))], 0.0, np.inf)
            m.row([(d, 1.0), *people, (c, -float(size.target))], 0.0, np.inf)
    h = m.highs()
    left = deadline - time.monotonic()
    if left < 0.05:
        return Plan(-np.inf, np.inf, False)
    if start is not None and region is None:
        values = _start_values(
            start, len(m.cost), entities, g, count, z, unplaced, fillers, deviation
        )
        if values is not None:
            m.start_from(h, values)
    h.setOptionValue("time_limit", left)
    h.setOptionValue("mip_rel_gap", 1e-6)
    h.run()
    info = h.getInfo()
    status = h.getModelStatus()
    optimal = status == highspy.HighsModelStatus.kOptimal
    if relax:
        bound = float(info.objective_function_value) if optimal else -np.inf
    else:
        bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else -np.inf
    if info.primal_solution_status != 2:
        return Plan(bound, np.inf, False)
    values = h.getSolution().col_value
    plan = Plan(bound, float(info.objective_function_value), optimal)
    for (e, frame, theme), v in g.items():
        if values[v] > 0.5:
            plan.groups.append((entities[e], frame, theme))
    best: dict[int, tuple[float, Market, str]] = {}
    for (b, market, theme), v in z.items():
        if values[v] > 1e-6 and (b not in best or values[v] > best[b][0]):
            best[b] = (values[v], market, theme)
    plan.cells = {b: (market, theme) for b, (_, market, theme) in best.items()}
    return plan


def _start_values(
    state: Grouping,
    columns: int,
    entities: list[list[int]],
    g: dict[tuple[int, Frame, str], int],
    count: dict[tuple[Market, str], int],
    z: dict[tuple[int, Market, str], int],
    unplaced: dict[int, int],
    fillers: dict[tuple[Market, str], int],
    deviation: dict[tuple[Market, str], int],
) -> list[float] | None:
    """The model's variables for an existing grouping, or None if it does not map onto them."""
    inst = state.inst
    size = inst.size
    entity_of = {k: e for e, ks in enumerate(entities) for k in ks}
    values = [0.0] * columns
    people: dict[tuple[Market, str], float] = defaultdict(float)
    groups: dict[tuple[Market, str], float] = defaultdict(float)
    for k, group in state.groups.items():
        cell = (market_of(inst, k, group.frame), group.theme)
        key = (entity_of[k], group.frame, group.theme)
        if key not in g:
            return None
        values[g[key]] += 1.0
        groups[cell] += 1.0
        for b in group.blocks:
            n = float(len(inst.blocks[b]))
            people[cell] += n
            if (b, *cell) in z:
                values[z[b, *cell]] = 1.0
            elif (b, cell[0], OTHER) in z and cell in fillers:
                values[z[b, cell[0], OTHER]] = 1.0
                values[fillers[cell]] += n
            else:
                return None
    for b, u in unplaced.items():
        values[u] = float(state.where[b] < 0)
    for cell, c in count.items():
        values[c] = groups[cell]
    for cell, d in deviation.items():
        values[d] = abs(people[cell] - size.target * groups[cell])
    return values


def _supply(inst: Instance, markets: set[Market]) -> dict[Market, int]:
    """How many mentors could lead a group in each of these markets (one per slot each)."""
    mentors: dict[Market, set[str]] = defaultdict(set)
    for k, pos in enumerate(inst.positions):
        for frame in pos.frames:
            market = market_of(inst, k, frame)
            if market in markets:
                mentors[market].add(pos.mentor.id)
    return {market: len(ids) for market, ids in mentors.items()}


def _add_guests(
    inst: Instance,
    m: ModelBuilder,
    regionless: list[int],
    cells: list[tuple[Market, str]],
    guests: dict[tuple[Market, str], int],
) -> None:
    """Free places for people without a region in a region's in-person cells.

    In a real grouping the people without a region in a market's groups are at most those who
    can meet there, and at most all of them over all markets, so these rows keep the bound.
    """
    available: dict[Market, float] = defaultdict(float)
    for b in regionless:
        for market in block_markets(inst, b):
            available[market] += len(inst.blocks[b])
    by_market: dict[Market, list[int]] = defaultdict(list)
    for market, theme in cells:
        if available.get(market, 0.0) > 0:
            guests[market, theme] = v = m.var(0.0, available[market], False, 0.0)
            by_market[market].append(v)
    for market, columns in by_market.items():
        m.row([(v, 1.0) for v in columns], 0.0, available[market])
    if guests:
        total = float(sum(len(inst.blocks[b]) for b in regionless))
        m.row([(v, 1.0) for v in guests.values()], 0.0, total)


def build_from_plan(inst: Instance, plan: Plan) -> Grouping:
    """Open the planned groups and deal each block into the emptiest group of its cell."""
    state = Grouping(inst)
    place_pins(state)
    cells: dict[tuple[Market, str], list[int]] = defaultdict(list)
    markets: dict[Market, list[int]] = defaultdict(list)
    used: set[int] = set()
    for positions, frame, theme in plan.groups:
        k = _position_for(state, positions, frame, used)
        if k is None:
            continue
        used.add(k)
        market = market_of(inst, k, frame)
        cells[market, theme].append(k)
        markets[market].append(k)
    # Fillers (placed on a theme they did not list) come last, into the emptiest groups.
    order = sorted(
        plan.cells,
        key=lambda b: (
            plan.cells[b][1] == OTHER,
            -len(inst.blocks[b]),
            inst.novice[inst.blocks[b][0]],
            b,
        ),
    )
    for b in order:
        if state.where[b] >= 0 or any(i in inst.pinned for i in inst.blocks[b]):
            continue
        market, theme = plan.cells[b]
        options = markets[market] if theme == OTHER else cells[market, theme]
        joinable = [k for k in options if state.can_join(k, b)]
        if joinable:
            state.add(min(joinable, key=lambda k: (len(state.groups[k].members), k)), b)
    for k in state.groups:
        state.retopic(k)
    return construct(inst, state)


def _position_for(
    state: Grouping, positions: list[int], frame: Frame, used: set[int]
) -> int | None:
    """A group already opened for a pin in this frame, else a free position, opened now."""
    for k in positions:
        group = state.groups.get(k)
        if group is not None and group.frame == frame and k not in used:
            return k
    for k in positions:
        pos = state.inst.positions[k]
        if k not in state.groups and frame.slot not in state.mentor_slots[pos.mentor.id]:
            state.open(k, frame, pos.themes[0], pos.topics[0])
            return k
    return None
