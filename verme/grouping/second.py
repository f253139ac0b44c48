"""The second process: on two cores, large rounds are bounded and searched a second way.

From 150 blocks on a machine with two cores or more, `solve()` starts a second process for the
whole search. It proves the bound by column generation (columns.py: the whole problem up to 600
blocks, or 1,000 with a time limit of 60 s or more; above that region by region, regional.py) and
sends each bound as soon as it is known, so that the bound costs the search in the first process
no time; the whole problem's converged LP also sends its prices (`columns.Prices`), by which
both processes' neighbourhood searches choose where to re-form. It then rounds the converged
LPs into groupings at each of the shares in `ROUNDING_THRESHOLDS`, polishes the best (or the
greedy's grouping, if it is better or no LP converged) and re-forms neighbourhoods from it
(neighbourhoods.py) until its deadline, and sends that grouping. The first process meanwhile
searches from the market model's plan; the better grouping wins. Region by region (up to
`COUPLING_MAX_BLOCKS`), it first couples the regions' LPs through the online groups
(coupling.py) until `COUPLING_SHARE` of its time, sends that stronger bound under `WHOLE`, and
rounds the coupled LPs instead of the regions' own.

While both search, they **exchange groupings** (`Exchange`): the second process sends its
grouping as its search begins, and from then on each side, at most every `EXCHANGE_S` seconds
between two neighbourhoods, goes on from the other's grouping when it is cheaper and sends its
own when it is the cheaper one. So neither spends the end of the time on a grouping the other
has already beaten. Groupings are sent from a thread, so that a side never waits for the other
to read (a grouping of 10,000 registrants is larger than a pipe holds).

The process is started by `spawn` (nothing of the first process is shared with it but the
problem, which is sent on the pipe of groupings once it runs: written into the start-up pipe,
a problem larger than a pipe holds would hold up the first process for ever if the new process
died before reading it), runs at `nice` 10 so that the first process comes first where they
compete for a core, and is a daemon: it dies with its parent. Where no process can be started
(inside a daemon process, say a task worker's), `start` answers None and the solver does the
same work in its own process, one after the other.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection

from .columns import ColumnGeneration, Prices
from .coupling import Coupled, Coupling
from .heuristic import Formed, Grouping, better, construct, distinct, merged, pins_kept
from .instance import Frame, Instance, Topic
from .model import Problem
from .neighbourhoods import NeighbourhoodSearch
from .regional import PartLP, RegionBound, bound_region, region_lp, region_of_blocks, rounded

WHOLE = ""
"""The name under which the whole problem's bound is sent, beside the regions' names: its
column generation's, or the regions' coupled through the online groups (coupling.py)."""

COUPLING_SHARE = 0.5
"""Region by region, the regions' LPs are coupled through the online groups (coupling.py) until
this share of the second process's time, and its search starts from the coupled LPs' rounding
(coupled at the end instead, in the last quarter, the bound gained nothing at 1,000 registrants
in four runs of six: docs/decisions.md)."""

COUPLING_MAX_BLOCKS = 1_500
"""The regions are coupled only up to this many blocks. At 3,000 registrants (2,964 blocks, one
run each of seeds 1 and 2, 120 s) coupling raised the bounds from 2,722 and 2,527 to 2,894 and
2,716 but cost the search as much (3,804 and 3,816 penalty points against 3,579 and 3,529), so
the penalty gap stayed (31.4 % and 40.5 % against 31.5 % and 39.7 %) and the groups got worse.
At 10,000 registrants (300 s) it raised no bound within its time (5,848 either way) and cost
the search (11,340 penalty points against 10,275); its first step does not end within 150 s."""

ROUNDING_THRESHOLDS = (0.5, 0.3, 0.1, 0.0)
"""An LP is rounded at each of these shares (a group is opened when the LP takes more than this
of it, the most taken first) and the best polished grouping is kept: 300 registrants, seeds
1/2/3, polished 1.5 s each: 348/368/235 at 0.5 alone, 310/359/211 best of the four
(docs/decisions.md)."""


EXCHANGE_S = 3.0
"""During the search, the two processes exchange groupings at most this often (`Exchange`)."""

ANNOUNCE_WAIT_S = 5.0
"""`Exchange.announce` waits at most this long for a send under way (the problem, while the
second process is still importing; about a second on a machine of the benchmark's kind)."""


@dataclass(frozen=True)
class Sketch:
    """A grouping as it crosses between processes: per open group its position (an index of
    the `Instance` both processes build from the same problem), frame, theme, topic, blocks
    and penalty."""

    groups: tuple[tuple[int, Frame, str, Topic, tuple[int, ...], float], ...]
    penalty: float

    @classmethod
    def of(cls, state: Grouping) -> Sketch:
        groups = tuple(
            (k, g.frame, g.theme, g.topic, tuple(sorted(g.blocks)), g.penalty)
            for k, g in sorted(state.groups.items())
        )
        return cls(groups, state.penalty())

    def grouping(self, inst: Instance) -> Grouping | None:
        """The grouping again, None if a group cannot be opened (then it is not this
        instance's) or if it does not keep every pin."""
        state = Grouping(inst)
        for k, frame, theme, topic, blocks, _ in self.groups:
            fits = 0 <= k < len(inst.positions) and frame in inst.positions[k].frames
            if not fits or not state.open_group(k, frame, theme, topic, blocks):
                return None
        return state if pins_kept(state) else None

    def formed(self) -> dict[int, Formed]:
        """Its groups by position, for `heuristic.merged` (which opens, and so checks, only
        those it takes)."""
        return {
            k: Formed(frame, theme, topic, blocks, penalty)
            for k, frame, theme, topic, blocks, penalty in self.groups
        }


class Outbox:
    """Sends on a connection from a thread, so that the sender never waits for a reader that is
    busy. A grouping offered while the previous one is still on its way is not sent: the next
    offer carries a newer one anyway."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.thread: threading.Thread | None = None

    def busy(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def offer(self, item: object) -> bool:
        """Start sending `item`; False (and nothing sent) while the previous send is under way."""
        if self.busy():
            return False
        self.thread = threading.Thread(target=self._send, args=(item,), daemon=True)
        self.thread.start()
        return True

    def _send(self, item: object) -> None:
        with contextlib.suppress(OSError, ValueError):  # the reader has gone: nothing to do
            self.connection.send(item)

    def wait(self, seconds: float | None = None) -> bool:
        """Wait for the send under way (at most `seconds`); True when none is left."""
        if self.thread is not None:
            self.thread.join(seconds)
        return not self.busy()


class Exchange:
    """One side's part in the exchange of groupings during the search: a `Meet` for
    `NeighbourhoodSearch.run` (neighbourhoods.py).

    At most every `every` seconds it looks at the other side's latest grouping (`receive`).
    A new one is merged into its own (`heuristic.merged`: every part where the other's is
    cheaper is taken over, so the improvements of both searches are kept); when that is
    cheaper, the search goes on from it. Its grouping is sent whenever it is cheaper than what
    it sent last and is not the other's own, even when it costs more than the other's (the
    other may merge its parts). Apart from `announce`, it sends nothing before it has heard
    from the other side, so nothing waits in a pipe that nobody reads."""

    def __init__(
        self, outbox: Outbox, receive: Callable[[], Sketch | None], every: float = EXCHANGE_S
    ) -> None:
        self.outbox = outbox
        self.receive = receive
        self.every = every
        self.next = 0.0
        self.sent = math.inf
        """The penalty of the grouping sent last."""
        self.taken = 0
        """How many times the search went on from a grouping merged with the other side's."""
        self.seen: Sketch | None = None
        """The other side's grouping merged last."""

    def announce(self, state: Grouping) -> None:
        """Send `state` as the search begins, unheard: the other side may send from now on.
        A send still under way (the problem, to a second process still starting) is waited for
        first, at most `ANNOUNCE_WAIT_S` seconds."""
        self.outbox.wait(ANNOUNCE_WAIT_S)
        if self.outbox.offer(Sketch.of(state)):
            self.sent = state.penalty()

    def __call__(self, state: Grouping) -> Grouping | None:
        now = time.monotonic()
        if now < self.next:
            return None
        self.next = now + self.every
        theirs = self.receive()
        if theirs is None:
            return None
        mine = state.penalty()
        answer = None
        if theirs is not self.seen:
            self.seen = theirs
            combined = merged(state, theirs.formed())
            if combined.penalty() < mine - 1e-6:
                self.taken += 1
                state = answer = combined
                mine = state.penalty()
        # Sent whenever it is cheaper than what was sent last and not the other's own: even a
        # costlier grouping may have parts that the other side merges.
        news = mine < self.sent - 1e-6 and abs(mine - theirs.penalty) > 1e-6
        if news and self.outbox.offer(Sketch.of(state)):
            self.sent = mine
        return answer


class SecondProcess:
    """A running second process and what it has sent so far."""

    def __init__(
        self, process: multiprocessing.process.BaseProcess, results: Connection, orders: Connection
    ) -> None:
        self.process = process
        self.results = results
        self.outbox = Outbox(orders)
        """Groupings for the second process while both search (`exchange`)."""
        self.bounds: dict[str, RegionBound] = {}
        """Each region's bound (or the whole problem's, under `WHOLE`) as it arrives."""
        self.sketch: Sketch | None = None
        """The grouping it sent last (during its search, then its final one)."""
        self.finished = False
        """The process has sent everything it will send."""
        self.prices: Prices | None = None
        """The whole problem's LP prices, once its column generation has converged."""

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
        inbox, orders = context.Pipe(duplex=False)
        process = context.Process(
            target=_run,
            args=(time.time() + max(0.0, seconds), sender, inbox, whole, polish, seed),
            daemon=True,
        )
        try:
            process.start()
        except (AssertionError, OSError):  # "daemonic processes are not allowed to have children"
            results.close()
            orders.close()
            return None
        finally:
            sender.close()
            inbox.close()
        second = cls(process, results, orders)
        # From a thread: the new process reads it only once its imports are done, and if it
        # dies first the pipe breaks and nothing waits (`_run` takes it as its first item).
        second.outbox.offer(problem)
        return second

    def exchange(self) -> Exchange:
        """This process's side of the exchange of groupings with the second one's search."""

        def receive() -> Sketch | None:
            self.poll()
            return self.sketch

        return Exchange(self.outbox, receive)

    def priced(self) -> Prices | None:
        """The whole problem's LP prices, if they have arrived (for `NeighbourhoodSearch`)."""
        self.poll()
        return self.prices

    def poll(self) -> None:
        """Take in whatever has arrived, without waiting."""
        try:
            while self.results.poll():
                item = self.results.recv()
                if item is None:
                    self.finished = True
                elif isinstance(item, Sketch):
                    self.sketch = item
                elif isinstance(item, Prices):
                    self.prices = item
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
            # A send under way ends once the process is gone; its connection is closed only
            # then, so that the thread never writes to a closed (and perhaps reused) descriptor.
            if self.outbox.wait(wait):
                self.outbox.connection.close()


def _run(
    deadline: float,
    sender: Connection,
    inbox: Connection,
    whole: bool,
    polish: float,
    seed: int,
) -> None:
    """The second process: the problem first (`inbox` brings it, then the first process's
    groupings); bounds, each sent at once; then the search, exchanging groupings with the
    first process; then its grouping and None."""
    began = time.monotonic()
    end = began + (deadline - time.time())  # wall clock -> this process's clock
    try:
        problem = inbox.recv()
    except (EOFError, OSError):  # the first process has gone: nobody to report to
        return
    assert isinstance(problem, Problem)
    with contextlib.suppress(OSError):
        os.nice(10)
    inst = Instance(problem)
    rng = random.Random(seed + 1)
    candidates: list[Grouping | None] = []
    prices: Prices | None = None
    outbox = Outbox(sender)
    if whole:
        generation = ColumnGeneration(inst)
        result = generation.generate(end)
        seconds = time.monotonic() - began
        sender.send(RegionBound(WHOLE, result.bound, result.converged, seconds))
        if result.converged:
            prices = generation.prices(end)
            if prices is not None:  # for the first process's search too, from a thread
                outbox.offer(prices)
            candidates = [generation.rounded(share) for share in ROUNDING_THRESHOLDS]
    else:
        by_region = region_of_blocks(inst)
        regions: list[tuple[PartLP, RegionBound]] = []
        for region in sorted(by_region, key=lambda r: (len(by_region[r]), r)):
            if time.monotonic() >= end:
                break
            lp = region_lp(inst, region)
            item = bound_region(inst, region, end, lp)
            sender.send(RegionBound(region, item.bound, item.converged, item.seconds))
            regions.append((lp, item))
        coupled = None
        coupling_end = began + COUPLING_SHARE * (end - began)
        every = len(regions) == len(by_region)
        if every and len(inst.blocks) <= COUPLING_MAX_BLOCKS and time.monotonic() < coupling_end:
            coupled = Coupling(inst, regions).run(coupling_end)
        bounds: list[RegionBound | Coupled] = [item for _, item in regions]
        if coupled is not None:
            sender.send(RegionBound(WHOLE, coupled.bound, False, coupled.seconds))
            if coupled.taken:  # its LPs' groups are the better start (docs/decisions.md)
                bounds = [coupled]
        if any(item.taken for item in bounds):
            candidates = [rounded(inst, bounds, share) for share in ROUNDING_THRESHOLDS]
        regions.clear()  # the regions' masters are not needed in the search: free them
    if time.monotonic() < end:
        state = construct(inst)
        for candidate in distinct(candidates):
            state = better(state, candidate, end, polish, rng)
        latest: list[Sketch] = []

        def receive() -> Sketch | None:
            with contextlib.suppress(EOFError, OSError):
                while inbox.poll():
                    item = inbox.recv()
                    if isinstance(item, Sketch):
                        latest[:] = [item]
            return latest[0] if latest else None

        exchange = Exchange(outbox, receive)
        exchange.announce(state)
        state = NeighbourhoodSearch(state, rng, prices=prices).run(end, meet=exchange)
        exchange.outbox.wait()
        sender.send(Sketch.of(state))
    outbox.wait()  # the prices may be under way (no search): one writer at a time
    sender.send(None)
    sender.close()
