"""Large-neighbourhood search by column generation: re-forming a few mentors' groups at once.

Local search moves one block or swaps two, and HiGHS on the exact model of a neighbourhood
(milp.py) sees whole groups only through weak linking rows; from 300 registrants both stall far
above the proven bound. Column generation (columns.py) is strong on small problems: at 60
registrants it converges in under a second and its dive finds the best grouping known in two of
three generated rounds. This module uses it as the repair of a large-neighbourhood search:

1. choose a *neighbourhood*: a seed group's mentor, the mentors whose groups or free capacity
   could take the seed's members (they share a market: region or online, language, slot), and
   unplaced blocks who could meet one of those mentors;
2. make it a problem of its own (those participants and mentors, the pairs among them) and run
   column generation on it; when its proven bound is no lower than what the neighbourhood costs
   now, nothing better exists there and the next one is tried;
3. otherwise dive into a grouping, let the greedy place whom it left out and polish it; if it
   costs less than the neighbourhood does now, its groups replace the mentors' groups.

The objective is a sum over groups and unplaced people, and the neighbourhood's groups only
hold its own blocks, so a cheaper neighbourhood is a cheaper whole grouping; every hard rule of
the neighbourhood's problem is a hard rule of the whole one (pairs with someone outside cannot
meet: they are in other mentors' groups). Mentors with a fixed group and pinned people are never
part of a neighbourhood, so a re-run's pins and fixed groups stay as they are.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from .columns import ColumnGeneration, Prices
from .heuristic import Group, Grouping, Market, block_markets, construct, improve, market_of
from .instance import Frame, Instance, Topic
from .model import Problem

FIRST_SIZE = 40
"""Blocks in the first neighbourhood; it grows while neighbourhoods are solved quickly."""

MAX_SIZE = 120
"""At most this many blocks in a neighbourhood (60 registrants: the dive took under a second)."""

MIN_SIZE = 16

ROUND_BUDGET = 8.0
"""At most this many seconds for one neighbourhood."""

THEME_SHARE = 0.75
"""The share of neighbourhoods chosen around a theme (`around_theme`) rather than around a group
(1,000 registrants, 30 s of this search from the same grouping, four runs each: 977/1,146 penalty
points on average with 0.75, 970/1,138 with 1.0, 1,040/1,207 with 0; seeds 1/2)."""

STALE_LIMIT = 50
"""The search ends after this many neighbourhoods in a row that were tried already in vain
(`NeighbourhoodSearch.tried`)."""

Meet = Callable[[Grouping], Grouping | None]
"""Called between neighbourhoods with the grouping searched; answers a cheaper grouping of the
same instance to go on from (another process's, second.py), or None."""


@dataclass(frozen=True)
class Neighbourhood:
    mentors: tuple[str, ...]
    positions: tuple[int, ...]
    """Every position of those mentors in the whole instance."""
    blocks: tuple[int, ...]
    """The blocks in their groups now, and the unplaced blocks chosen."""


@dataclass(frozen=True)
class Outcome:
    improved: float
    """Penalty points saved (0 when nothing better was found)."""
    proved: bool
    """Column generation proved that nothing better exists in the neighbourhood."""
    converged: bool


@dataclass(frozen=True)
class _Formed:
    frame: Frame
    theme: str
    topic: Topic
    blocks: tuple[int, ...]


class NeighbourhoodSearch:
    """The search over one grouping: caches of who could meet where, and the loop."""

    def __init__(
        self,
        state: Grouping,
        rng: random.Random,
        theme_share: float = THEME_SHARE,
        prices: Prices | None = None,
        priced: Callable[[], Prices | None] | None = None,
    ) -> None:
        self.state = state
        self.prices = prices
        """The whole problem's LP prices, where known: neighbourhoods are then chosen around
        the groups and people whose cost is furthest above them (`Prices.excess`)."""
        self.priced = priced
        """Asked between neighbourhoods for the prices while `prices` is None (another
        process's LP, second.py)."""
        self.theme_share = theme_share
        """The share of neighbourhoods chosen around a theme (`choose`)."""
        self.inst = inst = state.inst
        self.rng = rng
        pinned_blocks = {inst.block_of[i] for i in inst.pinned}
        self.movable = [b not in pinned_blocks for b in range(len(inst.blocks))]
        self.markets: list[set[Market]] = [block_markets(inst, b) for b in range(len(inst.blocks))]
        self.positions_of: dict[str, list[int]] = {}
        fixed_mentors = {pos.mentor.id for pos in inst.positions if pos.fixed is not None}
        for k, pos in enumerate(inst.positions):
            if pos.mentor.id not in fixed_mentors and pos.frames:
                self.positions_of.setdefault(pos.mentor.id, []).append(k)
        self.offered: dict[str, set[Market]] = {
            mentor: {market_of(inst, k, f) for k in ks for f in inst.positions[k].frames}
            for mentor, ks in self.positions_of.items()
        }
        self.size = FIRST_SIZE
        self.tried: dict[tuple[tuple[str, ...], tuple[int, ...]], float] = {}
        """Neighbourhoods (mentors, blocks) re-formed, each with what it cost afterwards
        (the re-formed groups' cost where they were taken).

        A neighbourhood's problem depends on its mentors and blocks alone, not on the grouping,
        so re-forming it again gives the same bound and the same dive: nothing cheaper than it
        cost then. It is tried again only once it costs more than that (changes elsewhere made
        its groups costlier). Traced at 1,000 registrants, about one neighbourhood in ten was
        one already tried in vain, at the same cost, since the last improvement anywhere,
        which cleared the record before."""
        self.stale = 0

    # -- choosing ------------------------------------------------------------------------------
    def choose(self, size: int) -> Neighbourhood | None:
        """A neighbourhood of about `size` blocks: around a theme (`around_theme`) with the
        probability `theme_share`, else (or when everyone has their first wish) around a
        group (`around_group`)."""
        if self.rng.random() < self.theme_share:
            hood = self.around_theme(size)
            if hood is not None:
                return hood
        return self.around_group(size)

    def around_group(self, size: int) -> Neighbourhood | None:
        """A neighbourhood of about `size` blocks around a random group (a costly one more
        often), or None when no group can be re-formed."""
        state, inst, rng = self.state, self.inst, self.rng
        seeds = [k for k in state.groups if self._movable(inst.positions[k].mentor.id)]
        if not seeds:
            return None
        prices = self.prices
        weights = [
            1.0 + prices.excess(inst, k, state.groups[k])
            if prices is not None
            else 1.0 + state.groups[k].penalty / max(1, len(state.groups[k].members))
            for k in seeds
        ]
        seed = rng.choices(seeds, weights=weights)[0]
        group = state.groups[seed]
        near: set[Market] = {market_of(inst, seed, group.frame)}
        for b in group.blocks:
            near |= self.markets[b]

        def score(k: int, other: Group) -> float:
            share = sum(bool(self.markets[b] & near) for b in other.blocks)
            return (market_of(inst, k, other.frame) in near) + share / max(1, len(other.blocks))

        return self._gather(inst.positions[seed].mentor.id, near, score, size)

    def around_theme(self, size: int) -> Neighbourhood | None:
        """A neighbourhood of about `size` blocks around a theme: a random block with someone
        who misses their first wish (a costlier block more often; an unplaced one counts its
        unplaced weight), that person's first theme, and the mentors whose groups lead that
        theme or hold people who wish it first, where the block could meet. None when
        everyone placed has their first wish and nobody is unplaced.

        The group around which `around_group` re-forms holds people of many wishes; this one
        gathers the groups between which one theme's people could be re-dealt (1,000
        registrants, 30 s of this search from the same grouping, four runs each of seeds
        1/2/3: 970/1,138/1,062 penalty points on average with these alone against
        1,040/1,207/1,121 around groups alone; docs/decisions.md)."""
        state, inst, rng = self.state, self.inst, self.rng
        unhappy: list[tuple[int, str]] = []
        weights: list[float] = []
        for b, k in enumerate(state.where):
            if not self.movable[b] or not self.markets[b]:
                continue
            if k >= 0 and not self._movable(inst.positions[k].mentor.id):
                continue
            theme = state.groups[k].theme if k >= 0 else None
            wished = next(
                (
                    w[0]
                    for w in (inst.people[i].themes for i in inst.blocks[b])
                    if w and w[0] != theme
                ),
                None,
            )
            if wished is None:
                continue
            unhappy.append((b, wished))
            if self.prices is not None:  # the block's share of the gap at the LP's prices
                if k < 0:
                    cost = self.prices.left_out(b)
                else:
                    group = state.groups[k]
                    share = len(inst.blocks[b]) / max(1, len(group.members))
                    cost = share * self.prices.excess(inst, k, group)
            elif theme is None:
                cost = inst.weights.unassigned * len(inst.blocks[b])
            else:
                cost = sum(inst.theme_cost[i][theme] for i in inst.blocks[b])
            weights.append(1.0 + cost)
        if not unhappy:
            return None
        chosen, wished = rng.choices(unhappy, weights=weights)[0]
        near = self.markets[chosen]
        fans = {
            b
            for b, markets in enumerate(self.markets)
            if markets & near
            and any(inst.people[i].themes[:1] == (wished,) for i in inst.blocks[b])
        }

        def score(k: int, other: Group) -> float:
            leads = other.theme == wished and market_of(inst, k, other.frame) in near
            return 2.0 * leads + len(other.blocks & fans) / max(1, len(other.blocks))

        k = state.where[chosen]
        first = inst.positions[k].mentor.id if k >= 0 else None
        return self._gather(first, near, score, size, unplaced_first=chosen)

    def _gather(
        self,
        first: str | None,
        near: set[Market],
        score: Callable[[int, Group], float],
        size: int,
        unplaced_first: int | None = None,
    ) -> Neighbourhood | None:
        """The mentor `first` and then the mentors of highest `score` summed over their groups
        (half a point per free position that meets in `near`; ties broken at random) until
        about `size` blocks are held; then a third as many unplaced blocks (at least 4) who
        could meet one of them, `unplaced_first` among them if it is unplaced."""
        state, rng = self.state, self.rng
        scored: list[tuple[float, str]] = []
        for mentor, ks in self.positions_of.items():
            if mentor == first or not self._movable(mentor):
                continue
            total = 0.0
            for k in ks:
                other = state.groups.get(k)
                if other is None:
                    total += 0.5 * bool(self.offered[mentor] & near)
                else:
                    total += score(k, other)
            if total > 0:
                scored.append((total + rng.random(), mentor))
        scored.sort(reverse=True)
        mentors: list[str] = []
        blocks: list[int] = []
        if first is not None:
            mentors.append(first)
            blocks.extend(self._held(first))
        for _, mentor in scored:
            if len(blocks) >= size:
                break
            mentors.append(mentor)
            blocks.extend(self._held(mentor))
        if not mentors:
            return None
        offered: set[Market] = set().union(*(self.offered[m] for m in mentors))
        unplaced = [
            b
            for b, k in enumerate(state.where)
            if k < 0 and self.movable[b] and self.markets[b] & offered
        ]
        rng.shuffle(unplaced)
        unplaced.sort(key=lambda b: b != unplaced_first)  # stable: that block first
        blocks.extend(unplaced[: max(4, size // 3)])
        positions = tuple(k for m in mentors for k in self.positions_of[m])
        return Neighbourhood(tuple(mentors), positions, tuple(sorted(blocks)))

    def _movable(self, mentor: str) -> bool:
        """Whether the mentor's groups may be re-formed: no fixed group, nobody pinned."""
        if mentor not in self.positions_of:
            return False
        groups = (self.state.groups.get(k) for k in self.positions_of[mentor])
        return all(g is None or all(self.movable[b] for b in g.blocks) for g in groups)

    def _held(self, mentor: str) -> list[int]:
        out: list[int] = []
        for k in self.positions_of[mentor]:
            group = self.state.groups.get(k)
            if group is not None:
                out.extend(group.blocks)
        return out

    # -- re-forming ----------------------------------------------------------------------------
    def reform(self, hood: Neighbourhood, deadline: float) -> Outcome:
        """Re-form the neighbourhood's groups by column generation and a dive, until
        `deadline` (monotonic); keep the result only if the whole grouping gets cheaper."""
        state, inst = self.state, self.inst
        now = self.cost(hood)
        sub = Instance(subproblem(inst, hood))
        attempt = re_formed(sub, now, deadline, self.rng)
        formed = attempt.grouping
        if formed is None:
            return Outcome(0.0, proved=attempt.proved, converged=attempt.converged)
        before = state.penalty()
        old = self._take_out(hood)
        if self._put_in(hood, sub, formed) and state.penalty() < before - 1e-6:
            return Outcome(before - state.penalty(), proved=False, converged=True)
        self._take_out(hood)
        for k, group in old.items():
            state.open_group(k, group.frame, group.theme, group.topic, group.blocks)
        return Outcome(0.0, proved=False, converged=True)

    def cost(self, hood: Neighbourhood) -> float:
        """What the neighbourhood's groups and unplaced blocks cost now."""
        state, inst = self.state, self.inst
        total = sum(state.groups[k].penalty for k in hood.positions if k in state.groups)
        unplaced = sum(len(inst.blocks[b]) for b in hood.blocks if state.where[b] < 0)
        return total + inst.weights.unassigned * unplaced

    def _take_out(self, hood: Neighbourhood) -> dict[int, _Formed]:
        state = self.state
        old: dict[int, _Formed] = {}
        for k in hood.positions:
            group = state.groups.get(k)
            if group is not None:
                old[k] = _Formed(group.frame, group.theme, group.topic, tuple(group.blocks))
                state.close(k)
        return old

    def _put_in(self, hood: Neighbourhood, sub: Instance, formed: Grouping) -> bool:
        """Open the sub-problem's groups at the same mentors' positions of the whole one."""
        state, inst = self.state, self.inst
        block_of = [inst.block_of[inst.index[sub.people[block[0]].id]] for block in sub.blocks]
        for k_sub, group in formed.groups.items():
            k = inst.position_index.get(sub.positions[k_sub].id)
            if k is None or k not in hood.positions or group.frame not in inst.positions[k].frames:
                return False
            blocks = [block_of[b] for b in group.blocks]
            if not state.open_group(k, group.frame, group.theme, group.topic, blocks):
                return False
        return True

    # -- the loop ------------------------------------------------------------------------------
    def step(self, end: float) -> bool:
        """Re-form one neighbourhood, within `end` (monotonic); False when none is left to try
        (the last `STALE_LIMIT` chosen were all tried in vain already, or there are no
        groups)."""
        hood = self.choose(self.size)
        if hood is None:
            return False
        key = (hood.mentors, hood.blocks)
        now = self.cost(hood)
        if now <= self.tried.get(key, -math.inf) + 1e-6:
            self.stale += 1
            return self.stale < STALE_LIMIT
        self.stale = 0
        began = time.monotonic()
        budget = min(ROUND_BUDGET, end - began)
        outcome = self.reform(hood, began + budget)
        took = time.monotonic() - began
        if outcome.converged or outcome.proved:  # what it costs now, cheaper if improved
            self.tried[key] = self.cost(hood)
        if outcome.converged and took < 0.25 * budget:
            self.size = min(MAX_SIZE, self.size + 8)
        elif not outcome.converged:
            self.size = max(MIN_SIZE, self.size - 8)
        return True

    def run(self, end: float, meet: Meet | None = None) -> Grouping:
        """Re-form neighbourhoods until `end` (monotonic). `meet`, when given, is called before
        each neighbourhood and may hand over a cheaper grouping to go on from. Answers the
        grouping searched last: `self.state`, which is no longer the one the search started
        from once `meet` has handed one over."""
        while time.monotonic() < end - 0.2:
            if self.prices is None and self.priced is not None:
                self.prices = self.priced()
            if meet is not None:
                other = meet(self.state)
                if other is not None:
                    self.adopt(other)
            if not self.step(end):
                break
        return self.state

    def adopt(self, state: Grouping) -> None:
        """Go on from `state`, a grouping of the same instance (what was tried stays tried:
        a neighbourhood is tried again where it costs more in `state`)."""
        if state.inst is not self.inst:
            raise ValueError("a grouping of another instance")
        self.state = state
        self.stale = 0


@dataclass(frozen=True)
class Attempt:
    """What re-forming a neighbourhood's problem on its own gave (`re_formed`)."""

    grouping: Grouping | None
    """A grouping of the sub-problem cheaper than the neighbourhood costs now, or None."""
    proved: bool
    """Column generation proved that nothing cheaper exists."""
    converged: bool


def re_formed(sub: Instance, now: float, deadline: float, rng: random.Random) -> Attempt:
    """Column generation on a neighbourhood's problem (`subproblem`), then a dive from its LP,
    the greedy for whom the dive left out and local search, until `deadline` (monotonic): a
    grouping that costs less than `now`, what the neighbourhood costs in the whole grouping,
    if one was found. Pure: the whole grouping is not touched (`bench.grouping.hoods` replays
    recorded neighbourhoods through it)."""
    generation = ColumnGeneration(sub)
    result = generation.generate(deadline)
    if result.bound >= now - 1e-6:
        return Attempt(None, proved=True, converged=result.converged)
    if not result.converged:
        return Attempt(None, proved=False, converged=False)
    chosen = generation.dive(deadline)
    formed = generation.grouping(chosen) if chosen is not None else None
    if formed is None:
        return Attempt(None, proved=False, converged=True)
    construct(sub, formed)
    improve(formed, min(deadline, time.monotonic() + 0.2), rng)
    if formed.penalty() >= now - 1e-6:
        return Attempt(None, proved=False, converged=True)
    return Attempt(formed, proved=False, converged=True)


def subproblem(inst: Instance, hood: Neighbourhood) -> Problem:
    """The neighbourhood as a problem of its own: its people, its mentors, the pairs among them
    (no fixed groups and no pins: neighbourhoods never hold them)."""
    problem = inst.problem
    chosen = {i for b in hood.blocks for i in inst.blocks[b]}
    people = tuple(p for i, p in enumerate(problem.participants) if i in chosen)
    names = set(hood.mentors)
    return problem.restricted(people, tuple(m for m in problem.mentors if m.id in names))
