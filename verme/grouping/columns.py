"""Column generation over whole groups: a strong proven bound, and groupings dived from it.

A *column* is one complete group: an entity (a fixed group's position, or a mentor's pool of
unfixed positions), a frame, a theme, a topic and whole blocks as members, with its exact
penalty from `scoring.group_penalty`. The master LP chooses columns so that every block is in
one group or unplaced, no entity leads more groups than it has positions and no mentor meets two
groups in one slot.

Pricing asks, for every entity, for the group of least reduced cost, and answers exactly. A
*relaxation* first values every (frame, theme, topic): the members are any people who share the
frame's market, each paying their theme and topic cost less their block's dual, with the size
and novice terms exact (they depend only on how many members and novices there are) and unit
mixing and every pair dropped. Those values are lower bounds, so the choices are then searched
in their order by a branch and bound over real groups (`_search`: apart/supervises and together
pairs, pins, unit mixing and the node's branching rules kept) until no relaxed value can beat
the best real group. Both loops are compiled by numba (pricing.py). Every real group is among
the relaxed ones, so for any duals `pi` (blocks), `beta <= 0` (a mentor's slot) and `sigma <= 0`
(subset-row cuts, `add_cuts`; a group holding two blocks of a cut's three pays -sigma, which the
relaxation leaves out as it can only add) the Lagrangian value

    sum(pi) + sum(beta) + sum(sigma) + sum_b min(0, U_b - pi_b)
        + sum_e cap_e * min(0, least reduced cost in e)

is a proven lower bound on the penalty, whether or not the generation has converged, and also
when a search gives up and its relaxed value stands in. At convergence it equals the LP's value.
`dive` turns the LP into a grouping; `branching.py` proves small problems optimal on top of it.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import highspy
import numpy as np

from . import pricing
from .heuristic import Group, Grouping, Market, block_markets, market_of, pins_kept
from .instance import Frame, Instance, Topic
from .milp import PRESOLVE_PARALLEL_ROWS_AND_COLUMNS
from .model import Mentor, Participant, Problem, SizeRule
from .pricing import rows
from .scoring import group_penalty

NODE_LIMIT = 20_000
"""Branch-and-bound nodes per pricing search before it falls back to the relaxed value."""

COLUMNS_PER_ENTITY = 1
"""Groups of negative reduced cost collected per entity and round (fewer rounds in all)."""

PRIMAL_SIMPLEX = 4
"""HiGHS's `simplex_strategy` for the primal simplex: new columns keep the basis feasible."""

DUAL_SIMPLEX = 1
"""HiGHS's `simplex_strategy` for the dual simplex: changed bounds (a node of branch and
price, groups fixed by a dive) and new rows (cuts) keep the basis dual feasible. A node's
first LP is solved by it and the LPs after new columns by the primal simplex: 100
registrants, seed 1, the tree from 423 proved in 23.1 s against 34.9 s with the dual simplex
throughout (60 registrants, seed 1, from 151: 7.8 s against 8.5 s; the dual simplex
throughout had been 14.1 s against 23.6 s with the primal throughout)."""

SMOOTHING = 0.5
"""Weight of the best-bound duals in the duals priced (0: plain column generation)."""

FIRST_CAP_SHARE = 0.01
"""`generate` first caps each block's unplaced cost at this share of the unplaced weight per
person, and doubles the cap each time the capped LP converges, until the cap reaches the real
cost. The cap bounds the blocks' duals (a box around them), so the LP no longer climbs down
from everyone unplaced at 100 points each: 300 registrants, seeds 1/2/3, 9.4/6.7/5.7 s to
converge without caps and 3.2/2.8/2.6 s with them; 1,000 placeable, seed 1, 181 s and 56 s
(the same bounds; docs/decisions.md). The solver's small problems, which it dives into and
branches on, go without (see solver.py)."""

PIN_UNPLACED_FACTOR = 10.0
"""A pinned block may stay unplaced in the master only at this many times its usual cost."""

INF = math.inf

ALIKE_PER_ROUND = 1
"""Groups of the same members a round of column generation adds at most (the ones of least
reduced cost): the whole problem of 1,000 placeable registrants, seed 1, converged to the same
bound in 23.4 s and 3,491 columns instead of 46.7 s and 12,993 (two per set: 29.3 s)."""

ARTIFICIAL_COST = 1e6
"""The cost of a theme's artificial group, which only a node that asks for more groups of the
theme than pricing has found yet takes (branching.py prunes such a node)."""
BIG = 1e9
"""A dual that prices a block or a slot out of every new group."""


@dataclass(frozen=True)
class Column:
    entity: int
    frame: Frame
    theme: str
    topic: Topic
    blocks: tuple[int, ...]
    cost: float
    pinned_to: int | None = None
    """The position whose pinned people this group holds (None: holds no pinned person)."""

    @property
    def key(self) -> tuple[int, Frame, str, Topic, tuple[int, ...]]:
        """What makes the group one of its own in the master (its cost follows from it)."""
        return self.entity, self.frame, self.theme, self.topic, self.blocks


@dataclass(frozen=True)
class Prices:
    """The converged master LP's duals, to say where a grouping is dearer than the LP.

    A group's *excess* is its reduced cost at these prices: its penalty less its blocks' prices,
    its mentor's and its slot's (each >= 0 when the LP has converged, since pricing found no
    group below 0). A grouping's penalty is the LP's bound plus its groups' and its unplaced
    blocks' excess plus the prices of the capacity and slots it leaves unused, so the excess
    says which groups hold the gap (neighbourhoods.py chooses around them)."""

    block: np.ndarray
    """Per block, the price of placing it (the master's row of the block)."""
    unplaced: np.ndarray
    """Per block, what leaving it out costs."""
    position: dict[int, float]
    """Per position, its mentor's (<= 0; a fixed position's own); absent: 0."""
    slot: dict[tuple[str, str], float]
    """Per (mentor, weekly slot), one group there at most (<= 0); absent: 0."""

    def excess(self, inst: Instance, k: int, group: Group) -> float:
        """The group's penalty above what the LP's prices pay for it (>= 0 up to rounding)."""
        mentor = inst.positions[k].mentor.id
        value = group.penalty - float(sum(self.block[b] for b in group.blocks))
        value -= self.position.get(k, 0.0) + self.slot.get((mentor, group.frame.slot), 0.0)
        return max(0.0, value)

    def left_out(self, b: int) -> float:
        """Leaving block `b` out above its price (>= 0 up to rounding)."""
        return max(0.0, float(self.unplaced[b] - self.block[b]))


@dataclass(frozen=True)
class Searched:
    """A pricing search that ran to its end, without the searching entity's constant: the best
    group's blocks and value (no blocks: nothing below the cutoff), and the cutoff."""

    cutoff: float
    value: float
    blocks: tuple[int, ...]
    pin: int


@dataclass(frozen=True)
class Rules:
    """Branching decisions of a node of the branch-and-price tree (empty at the root)."""

    apart: frozenset[tuple[int, int]] = frozenset()
    """Block pairs (smaller first) that no group may hold both of."""
    together: frozenset[tuple[int, int]] = frozenset()
    """Block pairs that a group holds both of or neither."""
    banned: frozenset[tuple[int, int]] = frozenset()
    """(block, entity): the entity's groups may not hold the block."""
    assigned: frozenset[tuple[int, int]] = frozenset()
    """(block, entity): the block is placed, in a group of that entity."""
    counts: frozenset[tuple[int, int, int]] = frozenset()
    """(counter, least, most): the number of groups a counter of the column generation counts
    (of a theme, or in a slot) lies between the two."""

    def __bool__(self) -> bool:
        """Whether a decision rules some groups out (counts rule out no single group)."""
        return bool(self.apart or self.together or self.banned or self.assigned)

    @property
    def depth(self) -> int:
        """How many decisions lead to this node."""
        return (
            len(self.apart)
            + len(self.together)
            + len(self.banned)
            + len(self.assigned)
            + len(self.counts)
        )

    def count_range(self, n_counters: int) -> tuple[np.ndarray, np.ndarray]:
        """Per counter, the least and the most groups these decisions allow."""
        least = np.full(n_counters, -INF)
        most = np.full(n_counters, INF)
        for k, low, high in self.counts:
            least[k] = max(least[k], low)
            most[k] = min(most[k], high)
        return least, most

    def allows(self, column: Column) -> bool:
        held = set(column.blocks)
        if any(a in held and b in held for a, b in self.apart):
            return False
        if any((a in held) != (b in held) for a, b in self.together):
            return False
        if any((b, column.entity) in self.banned for b in held):
            return False
        return not any(b in held and e != column.entity for b, e in self.assigned)

    def admits(self, b: int, e: int) -> bool:
        """Whether entity e's groups may hold block b."""
        if (b, e) in self.banned:
            return False
        return self._assigned_to.get(b, e) == e

    @cached_property
    def _assigned_to(self) -> dict[int, int]:
        return dict(self.assigned)

    def refused(self, holding: Mapping[int, set[int]], entity_of: Sequence[int]) -> set[int]:
        """The columns these decisions rule out, given which columns hold each block."""
        out: set[int] = set()
        for a, b in self.apart:
            out |= holding.get(a, set()) & holding.get(b, set())
        for a, b in self.together:
            out |= holding.get(a, set()) ^ holding.get(b, set())
        for b, e in self.banned:
            out.update(c for c in holding.get(b, ()) if entity_of[c] == e)
        for b, e in self.assigned:
            out.update(c for c in holding.get(b, ()) if entity_of[c] != e)
        return out

    def partners(self) -> dict[int, set[int]]:
        """Each block bound by `together` decisions, with every block it is bound to."""
        groups: dict[int, set[int]] = {}
        for a, b in self.together:
            merged = groups.get(a, {a}) | groups.get(b, {b})
            for x in merged:
                groups[x] = merged
        return groups

    def conflicts(self) -> dict[int, set[int]]:
        out: dict[int, set[int]] = defaultdict(set)
        for a, b in self.apart:
            out[a].add(b)
            out[b].add(a)
        return out


@dataclass
class Result:
    bound: float
    """Proven lower bound on the penalty (rounded up when every penalty is a whole number)."""
    lp_value: float
    """The master LP's value over the columns generated (an upper estimate of `bound`)."""
    converged: bool
    iterations: int
    columns: int


def integral_weights(inst: Instance) -> bool:
    """Whether every penalty is a whole number, so that a bound may be rounded up."""
    w = inst.weights
    values = [
        w.unassigned,
        *w.theme_rank,
        w.no_wish,
        *w.kind_rank,
        w.kind_other,
        w.level_mismatch,
        w.subject_mismatch,
        w.unit_mismatch,
        w.unit_share,
        w.unit_share * w.max_unit_share,
        w.lone_novice,
        w.no_experienced,
        w.mentor_theme,
        w.size,
        w.size * inst.size.target,
    ]
    return all(float(v).is_integer() for v in values)


class ColumnGeneration:
    """The master problem, its pricing and the columns generated so far for one instance."""

    def __init__(self, inst: Instance, outside: Sequence[float] | None = None) -> None:
        """`outside`: what leaving each block out of every group costs (default: unplaced).

        Region by region (regional.py) a block that accepts online groups may instead leave for
        one at no more than its own cheapest cost there.
        """
        self.inst = inst
        w, size = inst.weights, inst.size
        self.size = size
        people = inst.people
        # Entities: a fixed position alone; each mentor's unfixed positions as one pool.
        self.entities: list[list[int]] = []
        pools: dict[str, list[int]] = defaultdict(list)
        for k, pos in enumerate(inst.positions):
            if not pos.frames:
                continue
            if pos.fixed is not None:
                self.entities.append([k])
            else:
                pools[pos.mentor.id].append(k)
        self.entities.extend(pools.values())
        self.entity_of = {k: e for e, ks in enumerate(self.entities) for k in ks}
        # Themes and topics as indexes; costs per person as matrices.
        self.themes = list(inst.themes)
        theme_index = {t: n for n, t in enumerate(self.themes)}
        topics: dict[Topic, None] = {}
        for pos in inst.positions:
            topics.update(dict.fromkeys(pos.topics))
        self.topics = list(topics)
        topic_index = {t: n for n, t in enumerate(self.topics)}
        self.theme_cost = np.array(
            [[inst.theme_cost[i][t] for t in self.themes] for i in range(len(people))],
            dtype=np.float64,
        ).reshape(len(people), len(self.themes))
        self.topic_cost = np.array(
            [[inst.topic_cost(i, q) for q in self.topics] for i in range(len(people))],
            dtype=np.float64,
        ).reshape(len(people), len(self.topics))
        self.novice = np.array(inst.novice, dtype=bool)
        # Markets: who could be in a group meeting there (a block's people share its markets).
        self.markets: list[Market] = []
        market_index: dict[Market, int] = {}
        members: list[list[int]] = []
        self.block_markets: list[set[Market]] = []
        for b, block in enumerate(inst.blocks):
            markets = set() if b in inst.self_conflicting else block_markets(inst, b)
            self.block_markets.append(markets)
            for market in markets:
                if market not in market_index:
                    market_index[market] = len(self.markets)
                    self.markets.append(market)
                    members.append([])
                members[market_index[market]].extend(block)
        self.market_blocks = [
            sorted({inst.block_of[i] for i in m}) for m in members
        ]  # blocks per market
        # Per entity: its frames' markets and slots, its themes and topics.
        self.frames: list[list[tuple[Frame, int]]] = []
        self.entity_themes: list[np.ndarray] = []
        self.entity_topics: list[np.ndarray] = []
        self.capacity: list[int] = []
        for ks in self.entities:
            pos = inst.positions[ks[0]]
            frames = [
                (frame, market_index.get(market_of(inst, ks[0], frame), -1)) for frame in pos.frames
            ]
            self.frames.append([(f, m) for f, m in frames if m >= 0])
            cost = np.full(len(self.themes), INF)
            for t in pos.themes:
                cost[theme_index[t]] = inst.mentor_theme_cost(pos, t)
            self.entity_themes.append(cost)
            self.entity_topics.append(np.array([topic_index[q] for q in pos.topics]))
            self.capacity.append(len(ks))
        self._entity_markets = [np.array([m for _, m in frames]) for frames in self.frames]
        # Per theme, the least cost a group of any entity pays for it (pricing's floor).
        self._cheapest_theme = np.min(
            [cost for cost, frames in zip(self.entity_themes, self.frames, strict=True) if frames]
            or [np.full(len(self.themes), INF)],
            axis=0,
        )
        # Markets some entity meets in: the only ones pricing needs to value.
        self._offered = np.array(
            sorted({m for frames in self.frames for _, m in frames}), dtype=np.int64
        )
        self._market_rows = rows([sorted(m) for m in members])  # people per market
        self._least_cost = pricing.least_costs(*self._market_rows, self.theme_cost, self.topic_cost)
        # A mentor with several positions meets each group in its own slot.
        positions_of: dict[str, int] = defaultdict(int)
        for ks in self.entities:
            positions_of[inst.positions[ks[0]].mentor.id] += len(ks)
        self.slot_rows: dict[tuple[str, str], int] = {}
        self.unplaced_cost = np.array(
            [
                w.unassigned
                * len(block)
                * (PIN_UNPLACED_FACTOR if any(i in inst.pinned for i in block) else 1.0)
                for block in inst.blocks
            ]
        )
        if outside is not None:
            self.unplaced_cost = np.minimum(self.unplaced_cost, np.asarray(outside, dtype=float))
        self.node_unplaced_cost = self.unplaced_cost
        self.simplex_strategy = PRIMAL_SIMPLEX
        """The unplaced costs of the branch-and-price node being solved (see branching.py)."""
        self.n_blocks = len(inst.blocks)
        row = self.n_blocks + len(self.entities)
        for e, ks in enumerate(self.entities):
            mentor = inst.positions[ks[0]].mentor.id
            if positions_of[mentor] < 2:
                continue
            for frame, _ in self.frames[e]:
                if (mentor, frame.slot) not in self.slot_rows:
                    self.slot_rows[mentor, frame.slot] = row
                    row += 1
        # Pinned people: a group holds the pinned people of at most one position.
        self.pin_rows: dict[int, int] = {}
        for k in sorted(set(inst.pinned.values())):
            self.pin_rows[k] = row
            row += 1
        self.n_rows = row
        self.alpha = np.zeros(len(self.entities))
        self._fitting: dict[tuple[int, int], np.ndarray] = {}
        # Entities whose frames admit the same blocks search the same groups, up to their own
        # constant (`_search`): each (entity, frame) is given the number of its set of blocks.
        self._fitting_class: dict[tuple[int, int], int] = {}
        self._fitting_classes: dict[bytes, int] = {}
        self._searched: dict[tuple[int, int, int], Searched] | None = None
        # Per block: its size and its theme + topic cost for every (theme, topic).
        self.block_size = np.array([len(block) for block in inst.blocks], dtype=np.float64)
        self.block_count = np.array([len(block) for block in inst.blocks], dtype=np.int64)
        person_cost = self.theme_cost[:, :, None] + self.topic_cost[:, None, :]
        self.block_cost = np.zeros((len(inst.blocks), len(self.themes), len(self.topics)))
        np.add.at(self.block_cost, np.array(inst.block_of, dtype=np.int64), person_cost)
        # The same per block as flat arrays, for the pricing search (pricing.py): novices,
        # the position pinned people are pinned to (-1: none, -2: several), the blocks it may
        # not share a group with and its people's units (as numbers, -1 for none).
        self._novices_of = np.array(
            [sum(inst.novice[i] for i in block) for block in inst.blocks], dtype=np.int64
        )
        pins_of = [{inst.pinned[i] for i in block if i in inst.pinned} for block in inst.blocks]
        self._pin_of = np.array(
            [-1 if not pins else min(pins) if len(pins) == 1 else -2 for pins in pins_of],
            dtype=np.int64,
        )
        self._conflict_rows = rows([sorted(c) for c in inst.block_conflicts])
        unit_index: dict[str, int] = {}
        for p in people:
            if p.unit is not None:
                unit_index.setdefault(p.unit, len(unit_index))
        self._n_units = len(unit_index)
        units = [-1 if p.unit is None else unit_index[p.unit] for p in people]
        self._unit_rows = rows([[units[i] for i in block] for block in inst.blocks])
        self._no_rows = rows([[] for _ in inst.blocks])
        self._extra: tuple[Rules, tuple[np.ndarray, np.ndarray]] | None = None
        self._block_of = np.array(inst.block_of, dtype=np.int64)
        # The size term of a group of n members, at n (pricing.py's searches).
        self._size_term = w.size * np.abs(np.arange(size.max + 1, dtype=np.float64) - size.target)
        # The size and novice terms of a group of v novices and u experienced members.
        self._group_terms = np.full((size.max + 1, size.max + 1), INF)
        for v in range(size.max + 1):
            for u in range(size.max + 1 - v):
                n = v + u
                if n < size.min:
                    continue
                term = w.size * abs(n - size.target)
                term += w.lone_novice if v == 1 else 0.0
                term += w.no_experienced if v == n else 0.0
                self._group_terms[v, u] = term
        self.columns: list[Column] = []
        self.holding: dict[int, set[int]] = defaultdict(set)
        """Which columns hold each block."""
        self.cuts: list[tuple[int, ...]] = []
        """Subset-row cuts (`add_cuts`): block triples of which a group holds at most one
        with two or more of the blocks."""
        self.cut_rows: list[int] = []
        self._cut_set: set[tuple[int, ...]] = set()
        self._cuts_of: dict[int, list[int]] = defaultdict(list)
        self.sigma = np.zeros(0)
        """The cuts' duals (<= 0) in the last master LP solved."""
        self._cut_rows: tuple[np.ndarray, np.ndarray, np.ndarray] = (
            *self._no_rows,
            np.zeros(0),
        )
        """Per block (compressed rows, pricing.py), the cuts with a dual that hold it and
        what entering each costs."""
        self.column_entity: list[int] = []
        self._seen: set[tuple[int, Frame, str, Topic, tuple[int, ...]]] = set()
        self.integral = integral_weights(inst) and bool(
            np.all(self.unplaced_cost == np.round(self.unplaced_cost))
        )
        self.master = self._master()
        # Counters: per theme and per slot a row counting the groups there, free at the root
        # and bounded by branching (branching.py). An artificial column at ARTIFICIAL_COST
        # covers a least count before pricing has found such groups (the node is then pruned).
        self._theme_index = {t: n for n, t in enumerate(self.themes)}
        self.slots = sorted({f.slot for frames in self.frames for f, _ in frames})
        self._slot_index = {s: len(self.themes) + n for n, s in enumerate(self.slots)}
        # Per entity, its frames' slot counters, and the keys of their slot rows in the
        # master (only for mentors with such rows): what pricing shifts a frame's values by.
        self._entity_slot_counters = [
            np.array([self._slot_index[f.slot] for f, _ in frames], dtype=np.int64)
            for frames in self.frames
        ]
        self._entity_slot_keys: dict[int, list[tuple[str, str]]] = {}
        for e, ks in enumerate(self.entities):
            mentor = inst.positions[ks[0]].mentor.id
            keys = [(mentor, f.slot) for f, _ in self.frames[e]]
            if any(key in self.slot_rows for key in keys):
                self._entity_slot_keys[e] = keys
        self.counters = [*self.themes, *self.slots]
        """What each counter counts the groups of: the themes, then the slots."""
        n_counters = len(self.counters)
        first = self.master.getNumRow()
        self.counter_rows = np.arange(first, first + n_counters, dtype=np.int32)
        for _ in range(n_counters):
            self.master.addRow(-INF, INF, 0, np.zeros(0, dtype=np.int32), np.zeros(0))
        self.master.addCols(
            n_counters,
            np.full(n_counters, ARTIFICIAL_COST),
            np.zeros(n_counters),
            np.full(n_counters, INF),
            n_counters,
            np.arange(n_counters, dtype=np.int32),
            self.counter_rows,
            np.ones(n_counters),
        )
        self.first_column = self.n_blocks + n_counters
        """The master's index of the first group: before it, the blocks' unplaced columns and
        the counters' artificial ones."""
        self.count_least = np.full(n_counters, -INF)
        self.count_most = np.full(n_counters, INF)
        self.tau = np.zeros(n_counters)
        """The counter rows' duals in the last master LP solved."""

    # -- the master ------------------------------------------------------------------------------
    def _master(self) -> highspy.Highs:
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve_rule_off", PRESOLVE_PARALLEL_ROWS_AND_COLUMNS)
        lower = np.concatenate(
            (np.ones(self.n_blocks), np.zeros(self.n_rows - self.n_blocks))
        ).astype(np.float64)
        upper = np.concatenate(
            (
                np.ones(self.n_blocks),
                np.array(self.capacity, dtype=np.float64),
                np.ones(self.n_rows - self.n_blocks - len(self.entities)),
            )
        ).astype(np.float64)
        h.addRows(
            self.n_rows,
            lower,
            upper,
            0,
            np.zeros(self.n_rows + 1, dtype=np.int32)[:0],
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.float64),
        )
        # One `unplaced` column per block.
        n = self.n_blocks
        h.addCols(
            n,
            self.unplaced_cost.astype(np.float64),
            np.zeros(n),
            np.ones(n),
            n,
            np.arange(n, dtype=np.int32),
            np.arange(n, dtype=np.int32),
            np.ones(n),
        )
        return h

    def add(self, column: Column) -> bool:
        """Add a column to the master unless it is there already."""
        return self.add_all((column,)) == 1

    def add_all(self, columns: Iterable[Column]) -> int:
        """Add columns to the master in one call, in order, leaving out those there already;
        how many were added."""
        costs: list[float] = []
        starts: list[int] = []
        indices: list[int] = []
        for column in columns:
            key = column.key
            if key in self._seen or not column.blocks:
                continue
            self._seen.add(key)
            for b in column.blocks:
                self.holding[b].add(len(self.columns))
            self.column_entity.append(column.entity)
            self.columns.append(column)
            costs.append(column.cost)
            starts.append(len(indices))
            indices.extend(column.blocks)
            indices.append(self.n_blocks + column.entity)
            slot_row = self.slot_rows.get(self._slot_of(column))
            if slot_row is not None:
                indices.append(slot_row)
            if column.pinned_to is not None:
                indices.append(self.pin_rows[column.pinned_to])
            indices.extend(self.cut_rows[k] for k in self._cuts_hit(column.blocks))
            indices.extend(int(self.counter_rows[k]) for k in self.counted(column))
        n = len(costs)
        if n:
            self.master.addCols(
                n,
                np.array(costs),
                np.zeros(n),
                np.full(n, INF),
                len(indices),
                np.array(starts, dtype=np.int32),
                np.array(indices, dtype=np.int32),
                np.ones(len(indices)),
            )
        return n

    def solve_lp(self, deadline: float) -> tuple[float, np.ndarray, dict[tuple[str, str], float]]:
        """The master LP: its value, the blocks' duals and the mentor-slot duals (<= 0)."""
        h = self.master
        h.setOptionValue("presolve", "off")
        # Primal simplex while generating: new columns keep the basis primal feasible (300
        # registrants, seed 1: 14.6 s to converge against 31.8 s with the dual simplex); branch
        # and price sets the dual simplex, since its nodes change bounds (branching.py).
        h.setOptionValue("simplex_strategy", self.simplex_strategy)
        # HiGHS counts its time limit from the model's creation, over every run.
        h.setOptionValue("time_limit", h.getRunTime() + max(0.01, deadline - time.monotonic()))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise TimeoutError("the master LP was not solved in time")
        duals = np.asarray(h.getSolution().row_dual, dtype=np.float64)
        pi = duals[: self.n_blocks].copy()
        self.alpha = np.minimum(0.0, duals[self.n_blocks : self.n_blocks + len(self.entities)])
        beta = {key: min(0.0, float(duals[row])) for key, row in self.slot_rows.items()}
        self._set_cut_duals(np.minimum(0.0, duals[self.cut_rows]))
        # A counter's dual is >= 0 only where it has a least count, <= 0 only where it has a
        # most, and never above the artificial group's cost (a Lagrangian bound for any).
        tau = np.minimum(duals[self.counter_rows], ARTIFICIAL_COST)
        tau = np.where(self.count_least > -INF, tau, np.minimum(tau, 0.0))
        self.tau = np.where(self.count_most < INF, tau, np.maximum(tau, 0.0))
        return float(h.getInfo().objective_function_value), pi, beta

    def prices(self, deadline: float) -> Prices | None:
        """The master LP's prices (`Prices`), solved again at its real unplaced costs; None if
        it is not solved by `deadline`. Meant for a converged generation at the root."""
        try:
            _, pi, beta = self.solve_lp(deadline)
        except TimeoutError:
            return None
        # Only the prices that are not 0: they cross between processes (second.py), and the
        # whole of them could fill a pipe before anyone reads it.
        position = {k: float(self.alpha[e]) for k, e in self.entity_of.items() if self.alpha[e]}
        slot = {key: value for key, value in beta.items() if value}
        unplaced = np.asarray(self.node_unplaced_cost, dtype=np.float64).copy()
        return Prices(block=pi, unplaced=unplaced, position=position, slot=slot)

    def set_counts(self, least: np.ndarray, most: np.ndarray) -> None:
        """Bound the number of groups each counter counts (branching); -inf and inf: free."""
        self.count_least, self.count_most = least, most
        for row, low, high in zip(self.counter_rows.tolist(), least, most, strict=True):
            self.master.changeRowBounds(row, float(low), float(high))
        self.tau = np.zeros(len(self.counters))

    def counted(self, column: Column) -> tuple[int, int]:
        """The counters of a group: its theme's and its slot's."""
        return self.counters_of(column.theme, column.frame.slot)

    def counters_of(self, theme: str, slot: str) -> tuple[int, int]:
        """The counters of a group of this theme in this slot."""
        return self._theme_index[theme], self._slot_index[slot]

    def _count_bound(self) -> float:
        """What the counter rows add to the Lagrangian bound: each dual times the bound of
        its row that it prices (the least count for a positive dual, the most for a negative)."""
        tau = self.tau
        if not tau.any():
            return 0.0
        rising = np.where(tau > 0, tau * np.where(tau > 0, self.count_least, 0.0), 0.0)
        falling = np.where(tau < 0, tau * np.where(tau < 0, self.count_most, 0.0), 0.0)
        return float(rising.sum() + falling.sum())

    # -- subset-row cuts -------------------------------------------------------------------------
    def add_cuts(self, triples: Sequence[tuple[int, int, int]]) -> int:
        """Add subset-row cuts: for each triple of blocks, the groups holding two or more of
        them sum to at most 1 (no two groups can share a block). They hold for every grouping,
        so every node of branch and price keeps them. Returns how many were new."""
        added = 0
        for given in triples:
            triple = tuple(sorted(given))
            if triple in self._cut_set:
                continue
            self._cut_set.add(triple)
            k = len(self.cuts)
            self.cuts.append(triple)
            self.cut_rows.append(self.master.getNumRow())
            for b in triple:
                self._cuts_of[b].append(k)
            x, y, z = (self.holding.get(b, set()) for b in triple)
            held = sorted((x & y) | (x & z) | (y & z))
            index = np.array([self.first_column + c for c in held], dtype=np.int32)
            self.master.addRow(-INF, 1.0, len(index), index, np.ones(len(index)))
            added += 1
        self._set_cut_duals(np.zeros(len(self.cuts)))
        return added

    def _set_cut_duals(self, sigma: np.ndarray) -> None:
        """Keep the cuts' duals, and per block what entering each cut with a dual costs."""
        self.sigma = sigma
        priced = np.flatnonzero(sigma < -1e-9).tolist()
        if not priced:
            self._cut_rows = (*self._no_rows, np.zeros(0))
            return
        held: list[list[int]] = [[] for _ in range(self.n_blocks)]
        for k in priced:
            for b in self.cuts[k]:
                held[b].append(k)
        start, ids = rows(held)
        self._cut_rows = (start, ids, -sigma[ids])

    def _cuts_hit(self, blocks: Sequence[int]) -> list[int]:
        """The cuts a group of these blocks enters (it holds two or more of their blocks)."""
        if not self.cuts:
            return []
        count: dict[int, int] = defaultdict(int)
        for b in blocks:
            for k in self._cuts_of.get(b, ()):
                count[k] += 1
        return [k for k, n in count.items() if n >= 2]

    # -- pricing ---------------------------------------------------------------------------------
    def price(
        self,
        pi: np.ndarray,
        beta: dict[tuple[str, str], float],
        exact_deadline: float = INF,
        full: frozenset[int] = frozenset(),
        rules: Rules = Rules(),
        quick: bool = False,
    ) -> tuple[float, list[Column]]:
        """The Lagrangian bound for these duals, and real groups of negative reduced cost.

        Until `exact_deadline` every entity's least reduced cost is searched exactly; after it
        the relaxed value stands in (still a valid bound, only a weaker one). `quick`: each
        entity's search stops at its first group of negative reduced cost, with the least
        relaxed value as the bound (cheap rounds while such groups are still found).
        """
        size = self.size
        person_dual = (pi / self.block_size)[self._block_of]
        theme_tau = self.tau[: len(self.themes)]
        shifts = [-self.tau[counters] for counters in self._entity_slot_counters]
        if beta:
            for e, keys in self._entity_slot_keys.items():
                shifts[e] -= np.array([beta.get(key, 0.0) for key in keys])
        # A relaxed group's value below which an entity's value of it may be negative: the
        # relaxation need not be exact above it (pricing.relaxed_tables).
        least_shift = min((float(shift.min()) for shift in shifts if len(shift)), default=0.0)
        floor = -(self._cheapest_theme - theme_tau + least_shift)
        tables = pricing.relaxed_tables(
            *self._market_rows,
            self._offered,
            self.theme_cost,
            self.topic_cost,
            person_dual,
            self.novice,
            self._group_terms,
            size.min,
            size.max,
            floor,
            self._least_cost,
        )
        bound = float(pi.sum()) + sum(beta.values()) + float(self.sigma.sum())
        bound += float(np.minimum(0.0, self.node_unplaced_cost - pi).sum())
        bound += self._count_bound()
        found: list[Column] = []
        self._searched = {}  # these duals' searches, shared by entities (`_search`)
        try:
            for e, frames in enumerate(self.frames):
                if not frames or e in full:
                    continue
                shift = shifts[e]
                topics = self.entity_topics[e]
                values = (
                    tables[self._entity_markets[e]][:, :, topics]
                    + (self.entity_themes[e] - theme_tau)[None, :, None]
                    + shift[:, None, None]
                )
                least, columns = self._exact_least(
                    e, values, topics, pi, shift, exact_deadline, rules, quick
                )
                if least < 0:
                    bound += self.capacity[e] * least
                found.extend(c for c, _ in columns)
        finally:
            self._searched = None
        if self.integral:
            bound = math.ceil(bound - 1e-6)
        return bound, found

    def _exact_least(
        self,
        e: int,
        values: np.ndarray,
        topics: np.ndarray,
        pi: np.ndarray,
        shift: np.ndarray,
        deadline: float,
        rules: Rules,
        quick: bool = False,
    ) -> tuple[float, list[tuple[Column, float]]]:
        """The least reduced cost of a real group of entity `e`, or a lower bound on it.

        The relaxed values order the (frame, theme, topic) choices; each is searched exactly
        by `_search` until the next relaxed value cannot beat the best group found.
        """
        # Only negative values are searched: the first one that is not ends the loop below
        # whatever it is (the relaxation is exact only below 0: `price`).
        _, n_themes, n_topics = values.shape
        flat = values.reshape(-1)
        negative = np.flatnonzero(flat < -1e-9)
        order = negative[np.argsort(flat[negative], kind="stable")]
        best = 0.0
        least: float | None = None
        columns: list[tuple[Column, float]] = []
        for index in order:
            relaxed = float(flat[index])
            if least is None and relaxed >= best - 1e-9:
                least = best  # proved: no choice left can beat the best group found
            if least is not None and (relaxed >= -1e-9 or len(columns) >= COLUMNS_PER_ENTITY):
                return least, columns
            if time.monotonic() > deadline:
                return relaxed if least is None else least, columns
            f, rest = divmod(int(index), n_themes * n_topics)
            t, q = divmod(rest, n_topics)
            cutoff = best if least is None else 0.0
            constant = float(shift[f] - self.tau[t])
            found = self._search(e, f, t, int(topics[q]), pi, constant, cutoff, rules)
            if found is None:
                if least is None:
                    return relaxed, columns
                continue
            value, column = found
            if column is not None and value < cutoff:
                columns.append((column, value))
                best = min(best, value)
                if quick and least is None:
                    return float(flat[order[0]]), columns  # the least relaxed value
        return best if least is None else least, columns

    def fitting(self, e: int, f: int) -> np.ndarray:
        """Blocks that may join entity `e`'s group in its frame number `f`."""
        key = (e, f)
        blocks = self._fitting.get(key)
        if blocks is None:
            inst = self.inst
            frame, m = self.frames[e][f]
            ks = set(self.entities[e])
            pos = inst.positions[self.entities[e][0]]
            blocks = np.array(
                [
                    b
                    for b in self.market_blocks[m]
                    if inst.block_fits(b, pos, frame)
                    and all(inst.pinned[i] in ks for i in inst.blocks[b] if i in inst.pinned)
                ],
                dtype=np.int64,
            )
            self._fitting[key] = blocks
            self._fitting_class[key] = self._fitting_classes.setdefault(
                blocks.tobytes(), len(self._fitting_classes)
            )
        return blocks

    def _search(
        self,
        e: int,
        f: int,
        t: int,
        q: int,
        pi: np.ndarray,
        shift: float,
        cutoff: float,
        rules: Rules = Rules(),
    ) -> tuple[float, Column | None] | None:
        """Branch and bound for the real group of least reduced cost below `cutoff`.

        Returns (value, group), with group None when nothing is below the cutoff, or None when
        the search gave up (NODE_LIMIT), so that the caller falls back to the relaxed value.
        """
        inst, size, w = self.inst, self.size, self.inst.weights
        frame, _ = self.frames[e][f]
        theme, topic = self.themes[t], self.topics[q]
        ks = self.entities[e]
        pos = inst.positions[ks[0]]
        blocks = self.fitting(e, f)
        constant = inst.mentor_theme_cost(pos, theme) + shift
        # The search depends on the entity only through its blocks and the constant its groups
        # add (its theme cost and duals): the same blocks, theme and topic give the same best
        # group with the constant subtracted from its value and the cutoff. Within one `price`
        # and without branching (which rules groups out per entity), a search done for another
        # entity answers when its cutoff, so shifted, was no lower and it ran to the end.
        shared = None if rules or self._searched is None else self._searched
        key = (self._fitting_class[e, f], t, q)
        done = shared.get(key) if shared is not None else None
        if done is not None and done.cutoff >= cutoff - constant - 1e-9:
            if not done.blocks or done.value >= cutoff - constant - 1e-9:
                return cutoff, None
            return self._column(e, frame, t, q, done.blocks, done.pin, done.value + constant)
        if rules:
            blocks = np.array([b for b in blocks.tolist() if rules.admits(b, e)], dtype=np.int64)
        per_block = pricing.PerBlock(
            *self._conflict_rows,
            *self._extra_rows(rules),
            *self._unit_rows,
            self._n_units,
            *self._cut_rows,
            len(self.cuts),
        )
        terms = pricing.GroupTerms(
            constant,
            self._size_term,
            size.min,
            size.max,
            float(w.lone_novice),
            float(w.no_experienced),
            topic.kind != "unit" and w.unit_share > 0,
            float(w.max_unit_share),
            float(w.unit_share),
            cutoff,
            NODE_LIMIT,
        )
        if not rules.together:  # each block an item of its own
            status, value, chosen, pin = pricing.search_blocks(
                blocks,
                self.block_cost,
                t,
                q,
                pi,
                self.block_count,
                self._novices_of,
                self._pin_of,
                per_block,
                terms,
            )
            best_blocks = tuple(chosen.tolist())
        else:
            # Blocks bound together by branching are one item, or none if one of them is out;
            # items in order of their reduced cost per person.
            reduced = self.block_cost[blocks, t, q] - pi[blocks]
            bound_to = rules.partners()
            present = set(blocks.tolist())
            by_block = dict(zip(blocks.tolist(), reduced.tolist(), strict=True))
            apart = rules.conflicts()
            seen: set[int] = set()
            merged: list[tuple[int, ...]] = []
            for b in blocks.tolist():
                if b in seen:
                    continue
                bound = bound_to.get(b, {b})
                seen.update(bound)
                # Blocks bound together that must also stay apart (a hard rule, or branching)
                # are in no group: the item is left out, as one missing a block is.
                if bound <= present and not any(
                    (inst.block_conflicts[x] | apart.get(x, set())) & bound for x in bound
                ):
                    merged.append(tuple(sorted(bound)))
            values = np.array([sum(by_block[x] for x in item) for item in merged], dtype=float)
            people = np.array(
                [sum(len(inst.blocks[x]) for x in item) for item in merged], dtype=np.int64
            )
            order = np.argsort(values / people, kind="stable")
            items = [merged[j] for j in order.tolist()]
            pins = [{int(self._pin_of[x]) for x in item} - {-1} for item in items]
            item_start, item_blocks = rows(items)
            status, value, chosen, pin = pricing.search(
                self.n_blocks,
                item_start,
                item_blocks,
                values[order],
                people[order],
                np.array([sum(self._novices_of[list(item)]) for item in items], dtype=np.int64),
                np.array(
                    [-1 if not p else -2 if len(p) > 1 or -2 in p else min(p) for p in pins],
                    dtype=np.int64,
                ),
                per_block,
                terms,
            )
            best_blocks = tuple(sorted(b for j in chosen.tolist() for b in items[j]))
        if status == pricing.GAVE_UP:
            return None
        if shared is not None:
            shared[key] = Searched(cutoff - constant, value - constant, best_blocks, pin)
        if not best_blocks:
            return value, None
        return self._column(e, frame, t, q, best_blocks, pin, value)

    def _column(
        self, e: int, frame: Frame, t: int, q: int, blocks: tuple[int, ...], pin: int, value: float
    ) -> tuple[float, Column]:
        """`_search`'s answer: the group of these blocks at entity `e` (at the position a
        pinned block names, if `pin` is one), with its reduced cost `value`."""
        inst = self.inst
        theme, topic = self.themes[t], self.topics[q]
        best_pin = pin if pin >= 0 else None
        k = best_pin if best_pin is not None else self.entities[e][0]
        members = [i for b in blocks for i in inst.blocks[b]]
        cost = group_penalty(inst, k, theme, topic, members)
        return value, Column(e, frame, theme, topic, blocks, cost, best_pin)

    def _extra_rows(self, rules: Rules) -> tuple[np.ndarray, np.ndarray]:
        """Branching's apart decisions as compressed rows per block (pricing.py)."""
        if not rules.apart:
            return self._no_rows
        if self._extra is None or self._extra[0] is not rules:
            conflicts = rules.conflicts()
            self._extra = (
                rules,
                rows([sorted(conflicts.get(b, ())) for b in range(self.n_blocks)]),
            )
        return self._extra[1]

    def reduced_cost(
        self, column: Column, pi: np.ndarray, beta: dict[tuple[str, str], float]
    ) -> float:
        """The column's reduced cost in the master LP whose duals are `pi`, `beta`, `alpha`."""
        value = column.cost - float(sum(pi[b] for b in column.blocks))
        value -= beta.get(self._slot_of(column), 0.0)
        value -= float(sum(self.sigma[k] for k in self._cuts_hit(column.blocks)))
        value -= float(sum(self.tau[k] for k in self.counted(column)))
        return value - float(self.alpha[column.entity])

    # -- the whole run -------------------------------------------------------------------------
    def generate(self, deadline: float, *, caps: bool = True) -> Result:
        """Generate columns until the bound meets the LP or `deadline` (monotonic) passes.

        The master starts with nobody placed: starting from a grouping's columns left the LP
        stuck at that grouping's value for some 60 degenerate rounds (300 registrants, seed 1:
        converged after 14 s from scratch, not within 20 s from the grouping). With `caps`,
        the unplaced costs are capped at first (`FIRST_CAP_SHARE`).
        """
        best_bound = -INF
        lp_value = INF
        iterations = 0
        converged = False
        # Dual smoothing (Wentges): price at a point between the duals of the best bound so
        # far and the LP's; it cuts the number of rounds, and any duals give a valid bound.
        center: tuple[np.ndarray, dict[tuple[str, str], float]] | None = None
        # Capped unplaced costs (FIRST_CAP_SHARE): the master's costs change, the bound keeps
        # the real ones (`price` reads `node_unplaced_cost`), so every bound stays proven.
        real = np.asarray(self.node_unplaced_cost, dtype=np.float64)
        unassigned = self.inst.weights.unassigned
        cap = FIRST_CAP_SHARE * unassigned if caps and unassigned > 0 else INF
        capped = self._cap_unplaced(real, cap)
        while time.monotonic() < deadline:
            try:
                lp_value, pi, beta = self.solve_lp(deadline)
            except TimeoutError:
                break
            iterations += 1
            points = [(pi, beta)]
            if center is not None:
                smooth_pi = SMOOTHING * center[0] + (1 - SMOOTHING) * pi
                smooth_beta = {
                    key: SMOOTHING * center[1].get(key, 0.0) + (1 - SMOOTHING) * value
                    for key, value in beta.items()
                }
                points.insert(0, (smooth_pi, smooth_beta))
            improving: list[Column] = []
            for point in points:
                bound, found = self.price(*point, deadline)
                if bound > best_bound:
                    best_bound, center = bound, point
                improving = self._fewest_alike([(self.reduced_cost(c, pi, beta), c) for c in found])
                if improving or meets(best_bound, lp_value):
                    break
            met = meets(best_bound, lp_value)
            if capped and (met or not improving):
                # The capped LP has converged: raise the cap (the real costs at the end).
                cap *= 2
                capped = self._cap_unplaced(real, cap)
                center = None
                self.add_all(improving)
                continue
            if met:
                converged = True
                break
            if self.add_all(improving) == 0:
                break
        if capped:  # out of time in a capped stage: the master keeps its real costs
            self._cap_unplaced(real, INF)
        return Result(
            bound=best_bound,
            lp_value=lp_value,
            converged=converged,
            iterations=iterations,
            columns=len(self.columns),
        )

    def _fewest_alike(self, priced: list[tuple[float, Column]]) -> list[Column]:
        """The groups of negative reduced cost to add, at most `ALIKE_PER_ROUND` of each set of
        members (those of least reduced cost) and none the master has already.

        With searches shared between mentors (`_search`), every mentor of a class gets the same
        members' group at its own cost; the LP takes one or two of them, and the rest only make
        it larger (docs/decisions.md, "One group per set of members and round")."""
        fresh = [
            (value, column)
            for value, column in priced
            if value < -1e-6 and column.key not in self._seen
        ]
        fresh.sort(key=lambda item: item[0])
        count: dict[tuple[int, ...], int] = defaultdict(int)
        out: list[Column] = []
        for _, column in fresh:
            if count[column.blocks] < ALIKE_PER_ROUND:
                count[column.blocks] += 1
                out.append(column)
        return out

    def _cap_unplaced(self, real: np.ndarray, cap: float) -> bool:
        """Set the master's unplaced costs to `real`, capped at `cap` per person; whether
        any cost is capped."""
        costs = np.minimum(real, cap * self.block_size)
        n = self.n_blocks
        self.master.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
        return bool(np.any(costs < real))

    # -- a grouping from the LP: diving ----------------------------------------------------------
    def dive(self, deadline: float, rounds_per_fixing: int = 1_000) -> list[Column] | None:
        """Fix the column the LP likes best, re-generate, and repeat until the LP is integral.

        Call after `generate`. Returns the groups of an integral LP solution, or None when the
        deadline came first. Blocks in fixed groups are priced out (a dual of -BIG), and so are
        entities at capacity and a mentor's slots already taken; the groups already in the
        master that share a block with a fixed one are held at zero.
        """
        h = self.master
        fixed: set[int] = set()
        covered: set[int] = set()
        rounds = 0
        while time.monotonic() < deadline:
            try:
                _, pi, beta = self.solve_lp(deadline)
            except TimeoutError:
                return None
            values = self.column_values()
            pi = pi.copy()
            pi[list(covered)] = -BIG
            used: dict[int, int] = defaultdict(int)
            for c in fixed:
                column = self.columns[c]
                used[column.entity] += 1
                slot = self._slot_of(column)
                if slot in beta:
                    beta[slot] = -BIG
            full = frozenset(e for e, count in used.items() if count >= self.capacity[e])
            _, found = self.price(pi, beta, deadline, full)
            improving = [c for c in found if self.reduced_cost(c, pi, beta) < -1e-6]
            rounds += 1
            self.simplex_strategy = PRIMAL_SIMPLEX  # the next LP after new columns, if any
            if rounds <= rounds_per_fixing and self.add_all(improving):
                continue
            rounds = 0
            fractional = [(v, c) for c, v in enumerate(values) if 1e-6 < v < 1 - 1e-6]
            if not fractional and not improving:
                return [self.columns[c] for c, v in enumerate(values) if v > 0.5]
            # The groups the LP takes more than half of, else the one it takes most of.
            chosen = self._compatible(values, fixed, used)
            if not chosen and fractional:
                chosen = [
                    max(fractional, key=lambda item: (item[0], -self.columns[item[1]].cost))[1]
                ]
            for c in chosen:
                fixed.add(c)
                covered.update(self.columns[c].blocks)
                h.changeColBounds(self.first_column + c, 1.0, INF)
            # A group sharing a block with a fixed one can only be at zero (the block's row is
            # an equality); held there by its bounds, the simplex no longer pivots through
            # it: the dives of 65 neighbourhoods of 1,000 registrants took 18.9 s instead of
            # 35.9 s, with 133,750 simplex iterations instead of 743,566 (docs/decisions.md).
            # Only the blocks fixed now: groups priced later never hold a covered block.
            taken = {b for c in chosen for b in self.columns[c].blocks}
            dead = sorted({d for b in taken for d in self.holding[b]} - fixed)
            if dead:
                index = np.array([self.first_column + d for d in dead], dtype=np.int32)
                h.changeColsBounds(len(index), index, np.zeros(len(index)), np.zeros(len(index)))
            self.simplex_strategy = DUAL_SIMPLEX  # bounds changed (see DUAL_SIMPLEX)
        return None

    def _compatible(
        self, values: np.ndarray, fixed: set[int], used: Mapping[int, int]
    ) -> list[int]:
        """The groups the LP takes more than half of that can all be fixed beside `fixed`
        (`used`: their count per entity), the most taken first.

        Two such groups may still clash: within the LP's tolerances two groups at 0.5 that
        share a block both read above a half, and an entity of capacity two can take three
        groups at 2/3 each. Fixing both made the LP infeasible and ended the dive with
        nothing (about one neighbourhood in ten at 1,000 registrants), so a group is left out
        when it shares a block with one chosen or fixed, its entity is full, or its mentor's
        slot is taken."""
        taken = {b for c in fixed for b in self.columns[c].blocks}
        count = dict(used)
        slots = {self._slot_of(self.columns[c]) for c in fixed}
        chosen: list[int] = []
        for c in sorted(
            (c for c, v in enumerate(values) if v > 0.5 and c not in fixed),
            key=lambda c: -values[c],
        ):
            column = self.columns[c]
            slot = self._slot_of(column)
            if (
                count.get(column.entity, 0) >= self.capacity[column.entity]
                or slot in slots
                or not taken.isdisjoint(column.blocks)
            ):
                continue
            chosen.append(c)
            taken.update(column.blocks)
            count[column.entity] = count.get(column.entity, 0) + 1
            slots.add(slot)
        return chosen

    def _slot_of(self, column: Column) -> tuple[str, str]:
        """The mentor and weekly slot the group meets in."""
        mentor = self.inst.positions[self.entities[column.entity][0]].mentor.id
        return mentor, column.frame.slot

    def set_unplaced_costs(self, costs: np.ndarray) -> None:
        """New costs for leaving each block out (coupling.py prices them from outside). The
        master keeps its columns and basis, so the next `generate` (without caps) goes on from
        them; a bound is rounded up only while every cost is a whole number."""
        costs = np.asarray(costs, dtype=np.float64)
        self.unplaced_cost = costs
        self.node_unplaced_cost = costs
        self.integral = integral_weights(self.inst) and bool(np.all(costs == np.round(costs)))
        n = self.n_blocks
        self.master.changeColsCost(n, np.arange(n, dtype=np.int32), costs)

    def left_out(self) -> np.ndarray:
        """How much of each block the master LP solved last leaves out of every group."""
        solution = self.master.getSolution().col_value
        return np.asarray(solution[: self.n_blocks], dtype=np.float64)

    def column_values(self) -> np.ndarray:
        """The groups' values in the master LP solved last, in the order of `columns`."""
        solution = self.master.getSolution().col_value
        return np.asarray(solution[self.first_column :], dtype=np.float64)

    def grouping(self, chosen: list[Column]) -> Grouping | None:
        """Open the chosen groups at their entities' positions (None if they clash)."""
        state = Grouping(self.inst)
        free = {e: list(ks) for e, ks in enumerate(self.entities)}
        for column in sorted(chosen, key=lambda c: c.pinned_to is None):
            if not self._open(state, free, column):
                return None
        return state if pins_kept(state) else None

    def rounded(self, threshold: float = 0.5) -> Grouping | None:
        """The groups the master LP takes more than `threshold` of, the most taken first,
        leaving out any that clash with one opened before (None when a pin is not kept).

        A quick grouping from the LP for problems too large to dive: at 300 registrants, with
        the unplaced then placed by the greedy and a second of local search, 348/368/235 penalty
        points (seeds 1/2/3) against 381/452/380 from the rest of the solver in 30 s.
        """
        values = self.column_values()
        taken = sorted(((v, c) for c, v in enumerate(values) if v > threshold), reverse=True)
        state = Grouping(self.inst)
        free = {e: list(ks) for e, ks in enumerate(self.entities)}
        for _, c in taken:
            self._open(state, free, self.columns[c])
        return state if pins_kept(state) else None

    def _open(self, state: Grouping, free: dict[int, list[int]], column: Column) -> bool:
        """Open the column's group in `state` if its position, slot and blocks are free."""
        k = column.pinned_to
        if k is None and free[column.entity]:
            k = free[column.entity][0]
        if k is None or k not in free[column.entity]:
            return False
        if not state.open_group(k, column.frame, column.theme, column.topic, column.blocks):
            return False
        free[column.entity].remove(k)
        return True


def meets(bound: float, lp_value: float) -> bool:
    """Whether a proven bound has met the master LP's value: column generation has converged."""
    return bound >= lp_value - 1e-6 * max(1.0, abs(lp_value))


def warm_up() -> None:
    """Compile the pricing search (pricing.py) on a problem of four people: numba keeps the
    machine code in its cache, so that the first solve of each process loads it instead of
    spending seconds compiling (`python -m verme.grouping compile`; `make install` runs it)."""
    people = tuple(
        Participant(
            id=f"p{i}",
            languages=("fi",),
            slots=("mon-1400",),
            themes=("wellbeing",),
            unit=f"u{i % 2}",
            years=float(3 * i),
        )
        for i in range(4)
    )
    mentor = Mentor(
        id="m", languages=("fi",), slots=("mon-1400",), themes=("wellbeing",), capacity=1
    )
    problem = Problem(participants=people, mentors=(mentor,), size=SizeRule(min=2, max=3, target=3))
    generation = ColumnGeneration(Instance(problem))
    generation.generate(time.monotonic() + 60.0)
    pi = np.zeros(len(generation.inst.blocks))
    generation._search(0, 0, 0, 0, pi, 0.0, INF, Rules(together=frozenset({(0, 1)})))
