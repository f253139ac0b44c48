"""Column generation region by region: a proven bound over whole groups for large rounds.

Column generation over the whole problem (columns.py) does not converge within a minute from
about 1,000 registrants: the master LP grows too large. A round with regions splits, though: a
group that meets in person takes people of one region only (rule 7), so region r's own
problem is small enough to converge. It keeps r's blocks and every in-person group that could
meet in r (its mentors and the mentors without a region, each with their whole capacity), and
lets a block that accepts online groups *leave* at its own cheapest cost in an online group (its
cheapest theme and topic; no size, mixing or mentor terms), never more than leaving it unplaced.

Why the regions' bounds add up to a proven bound on the penalty: in any valid grouping, the
penalty is at least, summed over regions r, `Q_r` = what r's in-person groups cost plus the
own costs of r's people in online groups and the unplaced cost of r's unplaced people (an online
group's own terms are never negative). r's in-person groups, with the rest of r's people
leaving, are a solution of r's problem that costs at most `Q_r`, so r's LP value (and any
Lagrangian value of its column generation) is at most `Q_r`. The market model's bound for a
region (aggregate.py, `solve_plan(region=...)`) bounds the same `Q_r`, so each region may take
the larger of the two.

Used only where the decomposition is this simple: every participant has a region, no block
spans two regions, and nothing is fixed or pinned (a re-run in the app is far smaller).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from .columns import ColumnGeneration
from .heuristic import ONLINE, Grouping, block_markets, market_of
from .instance import Frame, Instance, Topic
from .model import Problem


@dataclass(frozen=True)
class Taken:
    """A group a region's LP takes part of, in the whole instance's terms."""

    share: float
    mentor: str
    frame: Frame
    theme: str
    topic: Topic
    blocks: tuple[int, ...]


@dataclass
class RegionBound:
    """One region's column generation: its proven bound on `Q_r`, and its LP's groups."""

    region: str
    bound: float
    converged: bool
    seconds: float
    taken: list[Taken] = field(default_factory=list)
    """The groups a converged LP takes part of (none if it did not converge)."""


def applies(inst: Instance) -> bool:
    """Whether `inst` splits into regions as this module needs (see the module's text)."""
    if not inst.regions or inst.pinned or any(pos.fixed is not None for pos in inst.positions):
        return False
    for block in inst.blocks:
        named = {inst.people[i].region for i in block}
        if len(named) != 1 or None in named:
            return False
    return True


def region_of_blocks(inst: Instance) -> dict[str, list[int]]:
    """The blocks of each region (call only where `applies`)."""
    out: dict[str, list[int]] = {}
    for b, block in enumerate(inst.blocks):
        region = inst.people[block[0]].region
        assert region is not None
        out.setdefault(region, []).append(b)
    return out


def subproblem(inst: Instance, region: str) -> Problem:
    """Region r's problem: its participants (online groups left out: see `leaving_costs`), the
    mentors who could meet them in person, and the pairs among them."""
    problem = inst.problem
    people = tuple(replace(p, online=False) for p in problem.participants if p.region == region)
    mentors = tuple(m for m in problem.mentors if m.region in (region, None))
    return problem.restricted(people, mentors)


def leaving_costs(inst: Instance, blocks: list[int]) -> np.ndarray:
    """What each block costs at least in an online group (inf where none can take it)."""
    positions = enumerate(inst.positions)
    offered = {market_of(inst, k, f) for k, pos in positions for f in pos.frames if f.online}
    costs = np.full(len(blocks), np.inf)
    for n, b in enumerate(blocks):
        online = {m for m in block_markets(inst, b) if m[0] == ONLINE}
        if online & offered:
            block = inst.blocks[b]
            costs[n] = min(sum(inst.theme_cost[i][t] for i in block) for t in inst.themes) + sum(
                inst.min_topic_cost(i) for i in block
            )
    return costs


@dataclass
class PartLP:
    """Column generation over a part of the instance (a region, or coupling.py's online
    groups), kept so that it can go on from its columns when its leaving costs change."""

    generation: ColumnGeneration
    blocks: list[int]
    """The whole instance's block of each of the part's blocks, in the part's order."""

    def taken(self) -> list[Taken]:
        """Every group the master LP solved last takes part of, in the whole instance's
        terms."""
        generation, sub = self.generation, self.generation.inst
        out: list[Taken] = []
        for c, share in enumerate(generation.column_values()):
            if share > 1e-6:
                column = generation.columns[c]
                mentor = sub.positions[generation.entities[column.entity][0]].mentor.id
                members = tuple(self.blocks[b] for b in column.blocks)
                out.append(Taken(share, mentor, column.frame, column.theme, column.topic, members))
        return out


def region_lp(inst: Instance, region: str) -> PartLP:
    """Region r's column generation, before any column (see the module's text)."""
    sub = Instance(subproblem(inst, region))
    index = {p.id: i for i, p in enumerate(inst.people)}
    blocks = [inst.block_of[index[sub.people[block[0]].id]] for block in sub.blocks]
    generation = ColumnGeneration(sub, outside=leaving_costs(inst, blocks).tolist())
    return PartLP(generation, blocks)


def bound_region(
    inst: Instance, region: str, deadline: float, lp: PartLP | None = None
) -> RegionBound:
    """Column generation for region r (`lp`, or a new one) until it converges or `deadline`
    (monotonic) passes: its bound and, if it converged, every group its LP takes part of."""
    began = time.monotonic()
    lp = lp if lp is not None else region_lp(inst, region)
    result = lp.generation.generate(deadline)
    taken = lp.taken() if result.converged else []
    return RegionBound(region, result.bound, result.converged, time.monotonic() - began, taken)


def bound_regions(
    inst: Instance, deadline: float, report: Callable[[str], None] | None = None
) -> dict[str, RegionBound]:
    """Each region's column generation, smallest region first, until `deadline`.

    A region gets all the time left, so that as many as possible converge; the regions not
    reached are missing from the answer (their market bound stands).
    """
    out: dict[str, RegionBound] = {}
    by_region = region_of_blocks(inst)
    for region in sorted(by_region, key=lambda r: (len(by_region[r]), r)):
        if time.monotonic() >= deadline:
            break
        if report is not None:
            report(f"bounding region {region} by column generation")
        out[region] = bound_region(inst, region, deadline)
    return out


def combined_bound(market: Mapping[str | None, float], columns: Mapping[str, RegionBound]) -> float:
    """The proven bound on the penalty: each region's larger bound on `Q_r`, summed.

    `market` holds the market model's bound for every region (aggregate.py); `columns` the
    regions that column generation reached.
    """
    total = 0.0
    for region, bound in market.items():
        item = columns.get(region) if region is not None else None
        total += bound if item is None else max(bound, item.bound)
    return total


class HasTaken(Protocol):
    @property
    def taken(self) -> list[Taken]: ...


def rounded(inst: Instance, bounds: Iterable[HasTaken], threshold: float = 0.5) -> Grouping:
    """The groups the LPs take more than `threshold` of, as one grouping of the
    whole instance (the most taken first; a group that clashes with one opened before is left
    out). The people left out join groups afterwards (`construct`)."""
    state = Grouping(inst)
    free: dict[str, list[int]] = {}
    for k, pos in enumerate(inst.positions):
        free.setdefault(pos.mentor.id, []).append(k)
    taken = sorted(
        (t for item in bounds for t in item.taken if t.share > threshold), key=lambda t: -t.share
    )
    for group in taken:
        ks = free.get(group.mentor, [])
        fits = bool(ks) and group.frame in inst.positions[ks[0]].frames
        if fits and state.open_group(ks[0], group.frame, group.theme, group.topic, group.blocks):
            ks.pop(0)
    return state
