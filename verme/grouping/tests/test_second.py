"""The second process: its bounds are the same as in this process, its grouping keeps every
rule, and it reports nothing rather than something wrong."""

from __future__ import annotations

import math
import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from bench.grouping.generate import generate
from verme.grouping import Problem, SizeRule, Solution, solve, validate
from verme.grouping import solver as solver_module
from verme.grouping.columns import ColumnGeneration
from verme.grouping.heuristic import Formed, Grouping, construct, merged
from verme.grouping.instance import Instance
from verme.grouping.regional import bound_regions
from verme.grouping.second import WHOLE, Exchange, Outbox, SecondProcess, Sketch
from verme.grouping.solver import _solution, merged_sent, sent_by

from .make import crowd, mentor, problem

SIZE = SizeRule(min=3, max=5, target=4)
SLOTS = ("mon-1400", "tue-1400")


def _two_regions() -> Problem:
    # Two regions of twelve who all accept online groups, one mentor each, and a south mentor
    # who could lead the north online.
    north = crowd("n", 12, online=True, slots=SLOTS)
    south = crowd("s", 12, region="south", online=True, slots=SLOTS)
    mentors = [
        mentor("m1", capacity=2, slots=SLOTS),
        mentor("m2", region="south", capacity=2, slots=SLOTS),
    ]
    return problem([*north, *south], mentors, size=SIZE)


def test_region_by_region_the_second_process_bounds_as_this_one_and_sends_a_valid_grouping() -> (
    None
):
    p = _two_regions()
    inst = Instance(p)
    second = SecondProcess.start(p, 8.0, whole=False, polish=0.2)
    assert second is not None
    second.collect(wait=20.0)
    assert not second.process.is_alive()
    assert second.finished
    # Each region's bound, and last the regions coupled through the online groups.
    assert set(second.bounds) == {"north", "south", WHOLE}
    coupled = second.bounds.pop(WHOLE)
    assert all(item.converged for item in second.bounds.values())
    in_process = bound_regions(inst, time.monotonic() + 20.0)
    assert {r: b.bound for r, b in second.bounds.items()} == {
        r: b.bound for r, b in in_process.items()
    }
    assert coupled.bound >= sum(b.bound for b in in_process.values())
    assert second.sketch is not None
    state = second.sketch.grouping(inst)
    assert state is not None
    assert state.penalty() == second.sketch.penalty
    assert validate(p, _solution(state, 0.0, 0.0)) == []
    assert state.penalty() >= coupled.bound


def test_as_a_whole_the_second_process_bounds_as_column_generation_does_here() -> None:
    p = _two_regions()
    inst = Instance(p)
    second = SecondProcess.start(p, 8.0, whole=True, polish=0.2)
    assert second is not None
    second.collect(wait=20.0)
    assert set(second.bounds) == {WHOLE}
    here = ColumnGeneration(inst).generate(time.monotonic() + 20.0)
    assert second.bounds[WHOLE].bound == here.bound
    assert second.sketch is not None
    state = second.sketch.grouping(inst)
    assert state is not None
    assert validate(p, _solution(state, 0.0, 0.0)) == []
    # The LP's prices came too, for this process's search: every group's excess is >= 0.
    assert second.prices is not None
    assert len(second.prices.block) == len(inst.blocks)
    assert all(second.prices.excess(inst, k, g) >= 0.0 for k, g in state.groups.items())


def test_the_solver_keeps_every_rule_and_the_bound_with_a_second_process() -> None:
    p = _two_regions()
    in_process = bound_regions(Instance(p), time.monotonic() + 20.0)
    for patches in (
        {"DIVE_MAX_BLOCKS": 0},  # as from 150 blocks: the whole problem in the second process
        {"DIVE_MAX_BLOCKS": 0, "COLUMNS_MAX_BLOCKS": 0},  # as from 600: region by region
    ):
        with pytest.MonkeyPatch.context() as patch:
            for name, value in patches.items():
                patch.setattr(solver_module, name, value)
            solution = solve(p, time_limit_s=8.0)
        assert validate(p, solution) == []
        assert solution.penalty_bound <= solution.penalty
        assert solution.penalty_bound >= sum(b.bound for b in in_process.values())


def _solved_with(p: Problem, seconds: float, **settings: float) -> tuple[Solution, list[str]]:
    """`solve(p)` with some of the solver's thresholds changed, and its progress messages."""
    messages: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        for name, value in settings.items():
            patch.setattr(solver_module, name, value)
        solution = solve(p, time_limit_s=seconds, progress=lambda _, m: messages.append(m))
    return solution, messages


def test_beside_branch_and_price_a_second_process_searches_and_every_rule_holds() -> None:
    # Small problems (up to DIVE_MAX_BLOCKS) are dived into and proved here; from
    # SMALL_SECOND_MIN_BLOCKS the second process searches beside the tree.
    p = _two_regions()
    solution, messages = _solved_with(p, 8.0, SMALL_SECOND_MIN_BLOCKS=0)
    assert "bounding and searching in a second process" in messages
    assert "diving from the LP to a grouping" in messages
    assert validate(p, solution) == []
    assert solution.penalty_bound <= solution.penalty


def test_beside_a_second_process_this_one_bounds_with_cuts_instead_of_planning() -> None:
    # From DIVE_MAX_BLOCKS to CUTS_MAX_BLOCKS blocks (here: from 0), this process bounds the
    # whole problem by column generation and subset-row cuts while the second one searches.
    # Seed 2 of 60: the LP gives 104, the cuts alone 111 (test_branching.py).
    p = generate(60, 2)
    solution, messages = _solved_with(p, 10.0, DIVE_MAX_BLOCKS=0)
    assert "bounding and searching in a second process" in messages
    assert "bounding by column generation with subset-row cuts" in messages
    assert "planning groups with the market model" not in messages
    assert validate(p, solution) == []
    assert 104 < solution.penalty_bound <= solution.penalty


def test_when_the_lp_is_not_ready_in_time_the_market_model_plans_as_before() -> None:
    p = generate(60, 2)
    solution, messages = _solved_with(p, 6.0, DIVE_MAX_BLOCKS=0, CUTS_COLUMNS_SHARE=0.0)
    assert "bounding by column generation with subset-row cuts" in messages
    assert "planning groups with the market model" in messages
    assert validate(p, solution) == []
    assert solution.penalty_bound <= solution.penalty


def test_a_second_process_that_gets_no_time_reports_nothing() -> None:
    p = problem(crowd("p", 4), [mentor("m1")], size=SIZE)
    second = SecondProcess.start(p, 0.0, whole=False, polish=0.0)
    assert second is not None
    second.collect(wait=10.0)
    assert second.bounds == {}
    assert second.sketch is None


def test_a_grouping_of_another_problem_is_not_taken() -> None:
    p = problem(crowd("p", 4), [mentor("m1")], size=SIZE)
    other = problem(crowd("p", 4), [mentor("m1", slots=("fri-0800",))], size=SIZE)
    inst = Instance(p)
    frame = Instance(other).positions[0].frames[0]
    topic = inst.positions[0].topics[0]
    sketch = Sketch(((0, frame, "wellbeing", topic, (0, 1, 2), 0.0),), 0.0)
    assert sketch.grouping(inst) is None
    assert Sketch(((5, frame, "wellbeing", topic, (0,), 0.0),), 0.0).grouping(inst) is None
    # Nor merged into a grouping of this one, however cheap it claims to be.
    base = construct(inst)
    assert merged(base, sketch.formed()) is base
    own = inst.positions[0].frames[0]
    assert merged(base, {0: Formed(own, "wellbeing", topic, (0, 99), -1e9)}) is base
    # A claim is checked by opening the group: (0, 1) really costs more than the greedy's.
    assert merged(base, {0: Formed(own, "wellbeing", topic, (0, 1), -1e9)}) is base


def test_inside_a_daemon_process_no_second_process_is_started() -> None:
    context = multiprocessing.get_context("spawn")
    results, sender = context.Pipe(duplex=False)
    process = context.Process(target=_start_in_daemon, args=(sender,), daemon=True)
    process.start()
    sender.close()
    assert results.recv() == "no second process"
    process.join(10.0)


_DIES_AT_START = """
from bench.grouping.generate import generate
from verme.grouping.second import SecondProcess

# No `if __name__ == "__main__":`, so the spawned process runs this script again as it starts,
# may not start a process of its own there, and dies before it reads anything.
second = SecondProcess.start(generate(1000, 1), 5.0, whole=False, polish=0.0)
assert second is not None
second.collect(wait=10.0)
print("finished" if second.finished else "unfinished", len(second.bounds))
"""


def test_a_second_process_that_dies_as_it_starts_holds_nothing_up(tmp_path: Path) -> None:
    # The problem of 1,000 registrants is larger than a pipe holds: written into the start-up
    # pipe, it held the first process up for ever once the new process had died.
    script = tmp_path / "unguarded.py"
    script.write_text(_DIES_AT_START)
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,  # a hang, not a speed limit: it ends in about a second
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["finished", "0"]
    assert "bootstrapping phase" in done.stderr  # the new process really died as it started


def _start_in_daemon(sender: Connection) -> None:
    p = problem(crowd("p", 4), [mentor("m1")], size=SIZE)
    started = SecondProcess.start(p, 1.0, whole=False, polish=0.0)
    sender.send("no second process" if started is None else "a second process")


def _inbox(connection: Connection, wait: float = 1.0) -> list[Sketch]:
    """Every grouping waiting on `connection` (each waited for at most `wait` seconds)."""
    items: list[Sketch] = []
    while connection.poll(wait):
        item = connection.recv()
        assert isinstance(item, Sketch)
        items.append(item)
    return items


def test_each_side_goes_on_from_the_merged_grouping_and_sends_only_what_got_cheaper() -> None:
    p = _two_regions()
    inst = Instance(p)
    cheap, costly = construct(inst), Grouping(inst)  # the greedy's, and everyone unplaced
    assert cheap.penalty() < costly.penalty()
    context = multiprocessing.get_context("spawn")
    to_first, from_second = context.Pipe(duplex=False)  # (reader, writer)
    to_second, from_first = context.Pipe(duplex=False)
    heard_by_first: list[Sketch] = []
    heard_by_second: list[Sketch] = []

    def receiver(connection: Connection, heard: list[Sketch]) -> Callable[[], Sketch | None]:
        def receive() -> Sketch | None:
            heard.extend(_inbox(connection, wait=0.0))
            return heard[-1] if heard else None

        return receive

    second_outbox = Outbox(from_second)
    first = Exchange(Outbox(from_first), receiver(to_first, heard_by_first), every=0.0)
    second = Exchange(second_outbox, receiver(to_second, heard_by_second), every=0.0)

    # Before the second side's search has begun, the first sends nothing.
    assert first(cheap) is None
    assert not to_second.poll(0.2)
    # The second begins from the costly grouping and says so; the first's is cheaper: it is sent,
    # once.
    second.announce(costly)
    assert second_outbox.wait(5.0)
    assert first(cheap) is None
    assert first(cheap) is None
    sent = _inbox(to_second)
    assert [item.penalty for item in sent] == [cheap.penalty()]
    heard_by_second.extend(sent)
    # The second goes on from the first's grouping; the first never takes the costlier one.
    taken = second(costly)
    assert taken is not None
    assert taken is not cheap
    assert taken.penalty() == cheap.penalty()
    assert validate(p, _solution(taken, 0.0, 0.0)) == []
    assert (second.taken, first.taken) == (1, 0)
    assert second(taken) is None
    assert not to_first.poll(0.2)  # the grouping it heard: nothing sent back


def test_a_side_merges_the_other_grouping_and_sends_what_got_cheaper_even_if_costlier() -> None:
    p = generate(100, 1)
    inst = Instance(p)
    best = construct(inst)
    first_k, second_k = sorted(best.groups)[:2]
    start = best.copy()  # both sides went on from this one
    start.close(first_k)
    start.close(second_k)
    ahead, behind = start.copy(), start.copy()  # each re-forms a different group
    for state, k in ((ahead, first_k), (behind, second_k)):
        group = best.groups[k]
        assert state.open_group(k, group.frame, group.theme, group.topic, group.blocks)
    context = multiprocessing.get_context("spawn")
    reader, writer = context.Pipe(duplex=False)
    theirs = Sketch.of(ahead)
    side = Exchange(Outbox(writer), lambda: theirs, every=0.0)
    side.announce(start)
    assert side.outbox.wait(5.0)
    assert [item.penalty for item in _inbox(reader)] == [start.penalty()]
    # A new grouping from the other side: merged in, both groups are kept, and that is sent.
    taken = side(behind)
    assert taken is not None
    assert math.isclose(taken.penalty(), best.penalty())
    assert taken.penalty() < min(ahead.penalty(), behind.penalty())
    assert validate(p, _solution(taken, 0.0, 0.0)) == []
    assert side.outbox.wait(5.0)
    assert [item.penalty for item in _inbox(reader)] == [taken.penalty()]
    # The other side's grouping merged already: nothing is merged again. A grouping that got
    # cheaper than what was sent is sent even when it costs more than the other side's, whose
    # search may merge its parts.
    theirs = Sketch.of(best)
    side = Exchange(Outbox(writer), lambda: theirs, every=0.0)
    side.announce(start)
    assert side.outbox.wait(5.0)
    _inbox(reader)
    side.seen = theirs
    assert behind.penalty() > best.penalty()
    assert side(behind) is None
    assert side.outbox.wait(5.0)
    assert [item.penalty for item in _inbox(reader)] == [behind.penalty()]
    assert side(behind) is None  # nothing new since: nothing sent
    assert not reader.poll(0.2)


def test_the_first_process_goes_on_from_the_second_process_grouping_while_both_search() -> None:
    p = _two_regions()
    inst = Instance(p)
    second = SecondProcess.start(p, 6.0, whole=True, polish=0.2)
    assert second is not None
    exchange = second.exchange()
    exchange.every = 0.0
    costly = Grouping(inst)
    taken = None
    until = time.monotonic() + 20.0
    while taken is None and time.monotonic() < until:
        taken = exchange(costly)
        time.sleep(0.05)
    assert taken is not None
    assert taken.penalty() < costly.penalty()
    assert validate(p, _solution(taken, 0.0, 0.0)) == []
    second.collect(wait=20.0)
    assert second.finished
    assert second.sketch is not None
    assert second.sketch.penalty <= taken.penalty()


def test_before_its_local_search_the_first_process_takes_the_second_grouping_if_cheaper() -> None:
    p = _two_regions()
    inst = Instance(p)
    second = SecondProcess.start(p, 6.0, whole=True, polish=0.2)
    assert second is not None
    costly = Grouping(inst)  # everyone unplaced
    # Nothing sent yet: the solver keeps its own grouping.
    assert merged_sent(second, costly) is costly
    until = time.monotonic() + 20.0
    while second.sketch is None and time.monotonic() < until:
        time.sleep(0.05)
        second.poll()
    assert second.sketch is not None
    taken = merged_sent(second, costly)
    assert taken is not costly
    assert taken.penalty() == second.sketch.penalty < costly.penalty()
    assert validate(p, _solution(taken, 0.0, 0.0)) == []
    # A grouping as cheap as the one sent is kept, not swapped for it (only for a cheaper one
    # the second process may have sent since).
    kept = merged_sent(second, taken)
    assert kept is taken or kept.penalty() < taken.penalty()
    second.collect(wait=20.0)


def test_the_tree_is_offered_each_grouping_the_second_process_sends_once() -> None:
    p = _two_regions()
    inst = Instance(p)
    second = SecondProcess.start(p, 6.0, whole=True, polish=0.2)
    assert second is not None
    offered = sent_by(second, inst)
    taken = None
    until = time.monotonic() + 20.0
    while taken is None and time.monotonic() < until:
        taken = offered()
        time.sleep(0.05)
    assert taken is not None
    assert second.sketch is not None
    assert taken.penalty() == second.sketch.penalty
    assert validate(p, _solution(taken, 0.0, 0.0)) == []
    sent = second.sketch
    again = offered()  # the same grouping is not offered twice
    assert again is None or second.sketch is not sent
    second.collect(wait=20.0)
