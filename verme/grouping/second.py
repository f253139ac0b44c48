"""The second process: on two cores, large rounds are bounded and searched a second way.

From 150 blocks on a machine with two cores or more, `solve()` starts a second process for the
whole search. It proves the bound by column generation (columns.py: the whole problem up to 600
blocks, or 800 with a time limit of 60 s or more; above that region by region, regional.py) and
sends each bound as soon as it is known, so that the bound costs the search in the first process
no time. It then rounds the converged LPs into groupings at each of the shares in
`ROUNDING_THRESHOLDS`, polishes the best (or the greedy's grouping, if it is better or no LP
converged) and re-forms neighbourhoods from it (neighbourhoods.py) until its deadline, and sends
that grouping. The first process meanwhile searches from the market model's plan; the better
grouping wins.

The process is started by `spawn` (nothing of the first process is shared with it but the
problem), runs at `nice` 10 so that the first process comes first where they compete for a
core, and is a daemon: it dies with its parent. Where no process can be started (inside a
daemon process, say a task worker's), `start` answers None and the solver does the same work
in its own process, one after the other.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from .columns import ColumnGeneration
from .heuristic import Grouping, better, construct
from .instance import Frame, Instance, Topic
from .model import Problem
from .neighbourhoods import NeighbourhoodSearch
from .regional import RegionBound, bound_region, region_of_blocks, rounded

WHOLE = ""
"""The name under which the whole problem's bound is sent, beside the regions' names."""

ROUNDING_THRESHOLDS = (0.5, 0.3, 0.1, 0.0)
"""An LP is rounded at each of these shares (a group is opened when the LP takes more than this
of it, the most taken first) and the best polished grouping is kept: 300 registrants, seeds
1/2/3, polished 1.5 s each: 348/368/235 at 0.5 alone, 310/359/211 best of the four
(docs/decisions.md)."""


@dataclass(frozen=True)
class Sketch:
    """A grouping as it crosses between processes: per open group its position (an index of
    the `Instance` both processes build from the same problem), frame, theme, topic and
    blocks."""

    groups: tuple[tuple[int, Frame, str, Topic, tuple[int, ...]], ...]
    penalty: float

    @classmethod
    def of(cls, state: Grouping) -> Sketch:
        groups = tuple(
            (k, g.frame, g.theme, g.topic, tuple(sorted(g.blocks)))
            for k, g in sorted(state.groups.items())
        )
        return cls(groups, state.penalty())

    def grouping(self, inst: Instance) -> Grouping | None:
        """The grouping again (None if a group cannot be opened: then it is not this
        instance's)."""
        state = Grouping(inst)
        for k, frame, theme, topic, blocks in self.groups:
            fits = 0 <= k < len(inst.positions) and frame in inst.positions[k].frames
            if not fits or not state.open_group(k, frame, theme, topic, blocks):
                return None
        return state


class SecondProcess:
    """A running second process and what it has sent so far."""

    def __init__(self, process: multiprocessing.process.BaseProcess, results: Connection) -> None:
        self.process = process
        self.results = results
        self.bounds: dict[str, RegionBound] = {}
        """Each region's bound (or the whole problem's, under `WHOLE`) as it arrives."""
        self.sketch: Sketch | None = None
        self.finished = False
        """The process has sent everything it will send."""

    @classmethod
    def start(
        cls, problem: Problem, seconds: float, *, whole: bool, polish: float, seed: int = 0
    ) -> SecondProcess | None:
        """Bound and search `problem` for at most `seconds` seconds from now (`whole`: as one
        problem, else region by region), polishing each rounded LP for `polish` seconds; None
        when no process can be started here (inside a daemon process, or the system
        refuses)."""
        context = multiprocessing.get_context("spawn")
        results, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_run,
            args=(problem, time.time() + max(0.0, seconds), sender, whole, polish, seed),
            daemon=True,
        )
        try:
            process.start()
        except (AssertionError, OSError):  # "daemonic processes are not allowed to have children"
            results.close()
            return None
        finally:
            sender.close()
        return cls(process, results)

    def poll(self) -> None:
        """Take in whatever has arrived, without waiting."""
        try:
            while self.results.poll():
                item = self.results.recv()
                if item is None:
                    self.finished = True
                elif isinstance(item, Sketch):
                    self.sketch = item
                else:
                    self.bounds[item.region] = item
        except (EOFError, OSError):
            self.finished = True  # the process ended while writing: what came before stands

    def collect(self, wait: float = 1.0) -> None:
        """Take in everything (waiting at most `wait` seconds for the rest); then the process
        is stopped."""
        until = time.monotonic() + wait
        try:
            self.poll()
            while not self.finished and time.monotonic() < until:
                if self.results.poll(max(0.0, until - time.monotonic())):
                    self.poll()
                elif not self.process.is_alive():
                    break
        finally:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join(wait)
            self.results.close()


def _run(
    problem: Problem, deadline: float, sender: Connection, whole: bool, polish: float, seed: int
) -> None:
    """The second process: bounds first, each sent at once; then the search; then None."""
    end = time.monotonic() + (deadline - time.time())  # wall clock -> this process's clock
    with contextlib.suppress(OSError):
        os.nice(10)
    inst = Instance(problem)
    rng = random.Random(seed + 1)
    candidates: list[Grouping | None] = []
    if whole:
        began = time.monotonic()
        generation = ColumnGeneration(inst)
        result = generation.generate(end)
        seconds = time.monotonic() - began
        sender.send(RegionBound(WHOLE, result.bound, result.converged, seconds))
        if result.converged:
            candidates = [generation.rounded(share) for share in ROUNDING_THRESHOLDS]
    else:
        by_region = region_of_blocks(inst)
        bounds: list[RegionBound] = []
        for region in sorted(by_region, key=lambda r: (len(by_region[r]), r)):
            if time.monotonic() >= end:
                break
            item = bound_region(inst, region, end)
            sender.send(RegionBound(region, item.bound, item.converged, item.seconds))
            bounds.append(item)
        if any(item.taken for item in bounds):
            candidates = [rounded(inst, bounds, share) for share in ROUNDING_THRESHOLDS]
    if time.monotonic() < end:
        state = construct(inst)
        for candidate in candidates:
            if candidate is not None:
                state = better(state, candidate, end, polish, rng)
        NeighbourhoodSearch(state, rng).run(end)
        sender.send(Sketch.of(state))
    sender.send(None)
    sender.close()
