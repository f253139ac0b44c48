"""The second process: its bounds are the same as in this process, its grouping keeps every
rule, and it reports nothing rather than something wrong."""

from __future__ import annotations

import multiprocessing
import time
from multiprocessing.connection import Connection

import pytest

from verme.grouping import Problem, SizeRule, solve, validate
from verme.grouping import solver as solver_module
from verme.grouping.columns import ColumnGeneration
from verme.grouping.instance import Instance
from verme.grouping.regional import bound_regions
from verme.grouping.second import WHOLE, SecondProcess, Sketch
from verme.grouping.solver import _solution

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
    assert set(second.bounds) == {"north", "south"}
    assert all(item.converged for item in second.bounds.values())
    in_process = bound_regions(inst, time.monotonic() + 20.0)
    assert {r: b.bound for r, b in second.bounds.items()} == {
        r: b.bound for r, b in in_process.items()
    }
    assert second.sketch is not None
    state = second.sketch.grouping(inst)
    assert state is not None
    assert state.penalty() == second.sketch.penalty
    assert validate(p, _solution(state, 0.0, 0.0)) == []
    assert state.penalty() >= sum(b.bound for b in in_process.values())


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
    sketch = Sketch(((0, frame, "wellbeing", inst.positions[0].topics[0], (0, 1, 2)),), 0.0)
    assert sketch.grouping(inst) is None
    assert (
        Sketch(((5, frame, "wellbeing", inst.positions[0].topics[0], (0,)),), 0.0).grouping(inst)
        is None
    )


def test_inside_a_daemon_process_no_second_process_is_started() -> None:
    context = multiprocessing.get_context("spawn")
    results, sender = context.Pipe(duplex=False)
    process = context.Process(target=_start_in_daemon, args=(sender,), daemon=True)
    process.start()
    sender.close()
    assert results.recv() == "no second process"
    process.join(10.0)


def _start_in_daemon(sender: Connection) -> None:
    p = problem(crowd("p", 4), [mentor("m1")], size=SIZE)
    started = SecondProcess.start(p, 1.0, whole=False, polish=0.0)
    sender.send("no second process" if started is None else "a second process")
