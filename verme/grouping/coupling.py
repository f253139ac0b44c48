"""The regions' bounds coupled through the online groups: a stronger proven bound.

regional.py bounds a large round region by region and lets a block that accepts online groups
*leave* its region at its own cheapest cost in an online group, as if online groups formed for
free. That costs the bound much: at 1,000 registrants (placeable, seed 1) the regions' LPs send
261 people away at 8 penalty points in all, and their bound is 367 against 492 for the whole
problem's LP, which column generation reaches only after about a minute (docs/decisions.md).

Here the online groups get a problem of their own (`online_problem`): every block that can meet
online (the blocks `regional.leaving_costs` prices), all the mentors, and online frames only. A
price `mu_b` per such *coupled* block, 0 <= mu_b <= U_b (its unplaced cost), ties the parts:

    penalty >= sum_r V_r(mu) + O(mu) - sum_b mu_b

V_r(mu) is region r's problem in which b leaves at mu_b, O(mu) the online problem in which b
stays out at mu_b, each bounded by its column generation's Lagrangian value (columns.py; proven
whether or not it converged). Why it holds: take any valid grouping. Its in-person groups in r,
with r's coupled blocks that are online or unplaced leaving at mu_b, are a solution of r's
problem; its online groups, with every other coupled block out at mu_b, are one of the online
problem. The two costs add up to the grouping's penalty plus mu_b for every coupled block, less
U_b - mu_b >= 0 for each unplaced one. At mu_b = the block's cheapest own cost no online group
is cheaper than its members out, O(mu) = sum mu, and the bound is regional.py's.

Better prices are searched by subgradient steps: a block that its region's LP sends away more
than the online LP takes it gets dearer, and one the online LP takes more than its region lets
go gets cheaper, by Polyak's step towards `TARGET_FACTOR` times the best bound so far (halved
after `PATIENCE` steps without a better bound). Only leaving costs change between steps, so every
part's column generation goes on from its columns and basis: a step takes 1-2 s at 1,000
registrants, against 10 s for the regions from nothing. 1,000 placeable registrants, seed 1:
367, then 457 after five steps and 475 after twelve.

The online problem keeps only the themes its people and the mentors list: a theme that neither
a group's members nor its mentor list is never cheaper than one the mentor lists, so no cheaper
group is lost. Mentors keep their whole capacity in every part (a relaxation: the bound holds).
The people are given a region of their own and the mentors another, so that no in-person frame
fits anyone there.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .columns import ColumnGeneration, integral_weights
from .instance import Instance
from .model import Problem
from .regional import PartLP, RegionBound, Taken, leaving_costs

_PEOPLE_REGION = "\x00online people"
_MENTORS_REGION = "\x00no people"

TARGET_FACTOR = 1.5
"""Each step moves the prices towards a bound this many times the best so far (1,000
placeable registrants, seed 1: 457 after five steps; with the greedy grouping's penalty as the
target, 432 after four steps and 456 after six)."""

FIRST_STEP = 0.5
"""The first steps' share of Polyak's step."""

PATIENCE = 2
"""Steps without a better bound after which the steps are halved."""


@dataclass(frozen=True)
class Coupled:
    """The coupled bound, how it was reached, and the parts' LP groups at its prices."""

    bound: float
    steps: int
    seconds: float
    taken: list[Taken]


def online_problem(inst: Instance, blocks: Sequence[int]) -> Problem:
    """The online groups' problem: the people of `blocks`, every mentor, and no in-person frame
    that fits anyone (see the module's text)."""
    problem = inst.problem
    ids = {inst.people[i].id for b in blocks for i in inst.blocks[b]}
    people = tuple(replace(p, region=_PEOPLE_REGION) for p in problem.participants if p.id in ids)
    mentors = tuple(replace(m, region=_MENTORS_REGION) for m in problem.mentors)
    return problem.restricted(people, mentors)


class Coupling:
    """The regions' column generations, already run once (`regional.bound_region`), coupled
    with the online groups' by prices on the blocks that may meet online."""

    def __init__(self, inst: Instance, regions: Sequence[tuple[PartLP, RegionBound]]) -> None:
        self.inst = inst
        self.regions = list(regions)
        n = len(inst.blocks)
        self.unplaced = inst.weights.unassigned * np.array(
            [len(block) for block in inst.blocks], dtype=np.float64
        )
        leave = leaving_costs(inst, list(range(n)))
        self.coupled = np.flatnonzero(np.isfinite(leave))
        self.mu = np.minimum(np.where(np.isfinite(leave), leave, 0.0), self.unplaced)
        """The price of each coupled block (others are never read)."""
        blocks = [int(b) for b in self.coupled]
        online = Instance(online_problem(inst, blocks))
        index = {p.id: i for i, p in enumerate(inst.people)}
        online_blocks = [inst.block_of[index[online.people[b[0]].id]] for b in online.blocks]
        if sorted(online_blocks) != blocks:  # the proof needs every coupled block on both sides
            raise RuntimeError("the online problem's blocks are not the coupled blocks")
        self.online = PartLP(
            ColumnGeneration(online, outside=self.mu[online_blocks].tolist()),
            online_blocks,
        )
        self.is_coupled = np.zeros(n, dtype=bool)
        self.is_coupled[self.coupled] = True
        self.integral = integral_weights(inst)

    def _costs(self, part: PartLP) -> np.ndarray:
        """The part's leaving costs at the current prices."""
        blocks = np.asarray(part.blocks, dtype=np.int64)
        return np.where(self.is_coupled[blocks], self.mu[blocks], self.unplaced[blocks])

    def run(self, deadline: float) -> Coupled | None:
        """Subgradient steps until `deadline` (monotonic); the best bound found, None if not
        even the first step ended in time."""
        began = time.monotonic()
        best, best_taken = -math.inf, list[Taken]()
        theta, since, steps = FIRST_STEP, 0, 0
        parts = [lp for lp, _ in self.regions]
        while time.monotonic() < deadline:
            total = 0.0
            left = np.zeros(len(self.inst.blocks))  # left out of its region, per block
            for lp, item in self.regions:
                if steps > 0:
                    lp.generation.set_unplaced_costs(self._costs(lp))
                    total += lp.generation.generate(deadline, caps=False).bound
                else:  # the regions' own bounds, at the first prices
                    total += item.bound
                left[lp.blocks] = lp.generation.left_out()
            if steps > 0:
                self.online.generation.set_unplaced_costs(self._costs(self.online))
            total += self.online.generation.generate(deadline, caps=steps == 0).bound
            joined = np.zeros(len(self.inst.blocks))  # taken by an online group, per block
            joined[self.online.blocks] = 1.0 - self.online.generation.left_out()
            steps += 1
            bound = total - float(self.mu[self.coupled].sum())
            if not math.isfinite(bound):  # a part got no time: no bound at these prices
                break
            if bound > best + 1e-6:
                best, since = bound, 0
                best_taken = [t for lp in (*parts, self.online) for t in lp.taken()]
            else:
                since += 1
                if since >= PATIENCE:
                    theta, since = theta / 2, 0
            g = left[self.coupled] - joined[self.coupled]
            norm = float(g @ g)
            if norm < 1e-9:  # both sides agree on every block: no price moves
                break
            target = TARGET_FACTOR * max(best, 1.0)
            step = theta * (target - bound) / norm
            self.mu[self.coupled] = np.clip(
                self.mu[self.coupled] + step * g, 0.0, self.unplaced[self.coupled]
            )
        if not math.isfinite(best):
            return None
        if self.integral:
            best = math.ceil(best - 1e-6)
        return Coupled(best, steps, time.monotonic() - began, best_taken)
