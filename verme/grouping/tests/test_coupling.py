"""The regions coupled through the online groups: a bound above the regions' own, never above
the optimum, and LPs whose rounding keeps every rule."""

from __future__ import annotations

import math
import time

from hypothesis import HealthCheck, given, settings

from verme.grouping import Problem, SizeRule, solve, validate
from verme.grouping.coupling import Coupled, Coupling, online_problem
from verme.grouping.heuristic import construct
from verme.grouping.instance import Instance
from verme.grouping.regional import (
    PartLP,
    RegionBound,
    applies,
    bound_region,
    region_lp,
    region_of_blocks,
    rounded,
)
from verme.grouping.solver import _solution

from .make import mentor, person, problem
from .test_generated_instances import problems

SIZE = SizeRule(min=3, max=5, target=4)


def _regions(inst: Instance) -> list[tuple[PartLP, RegionBound]]:
    out = []
    for region in sorted(region_of_blocks(inst)):
        lp = region_lp(inst, region)
        out.append((lp, bound_region(inst, region, time.monotonic() + 20.0, lp)))
    return out


def _coupled(inst: Instance, seconds: float) -> tuple[float, Coupled]:
    regions = _regions(inst)
    coupled = Coupling(inst, regions).run(time.monotonic() + seconds)
    assert coupled is not None
    return sum(item.bound for _, item in regions), coupled


def _scattered_online() -> Problem:
    # Three northerners who each want another theme and accept online groups; the only mentor
    # is in the south, so they can meet only online, and only in one group of one theme.
    people = [
        person(f"n{theme}", themes=(theme,), unit=f"u-{theme}", online=True)
        for theme in ("art", "maths", "music")
    ]
    teacher = mentor("m1", region="south", themes=("art", "maths", "music"))
    return problem(people, [teacher], size=SIZE)


def test_people_who_can_meet_only_online_cost_what_their_online_group_costs() -> None:
    p = _scattered_online()
    inst = Instance(p)
    assert applies(inst)
    best = solve(p, time_limit_s=5.0)
    assert best.status == "optimal"
    assert best.penalty > 0  # two of the three get a theme they did not ask for
    regional, coupled = _coupled(inst, 5.0)
    # Alone each leaves the north at their first wish, for nothing; coupled, the online group
    # they must share is priced, and the bound proves the optimum.
    assert regional == 0
    assert coupled.bound == best.penalty
    assert coupled.steps >= 2


def test_the_online_problem_has_every_coupled_block_and_no_in_person_frame_that_fits() -> None:
    p = _scattered_online()
    inst = Instance(p)
    online = Instance(online_problem(inst, list(range(len(inst.blocks)))))
    assert sorted(x.id for x in online.people) == ["nart", "nmaths", "nmusic"]
    frames = {f for pos in online.positions for f in pos.frames}
    assert any(f.online for f in frames)
    assert not any(
        online.meets(i, f) for i in range(len(online.people)) for f in frames if not f.online
    )


def test_without_time_the_coupling_reports_nothing() -> None:
    inst = Instance(_scattered_online())
    assert Coupling(inst, _regions(inst)).run(time.monotonic()) is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_coupled_bound_is_never_below_the_regions_nor_above_a_grouping(p: Problem) -> None:
    inst = Instance(p)
    if not applies(inst):
        return
    regional, coupled = _coupled(inst, 2.0)
    assert coupled.bound >= regional - 1e-6  # its first step is the regions' bound
    best = solve(p, time_limit_s=5.0)
    assert validate(p, best) == []
    assert coupled.bound <= best.penalty + 1e-6
    assert coupled.bound <= construct(inst).penalty() + 1e-6


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_coupled_lps_rounded_make_a_valid_grouping(p: Problem) -> None:
    inst = Instance(p)
    if not applies(inst):
        return
    _, coupled = _coupled(inst, 1.0)
    state = rounded(inst, [coupled], 0.0)
    construct(inst, state)
    assert validate(p, _solution(state, -math.inf, 0.0)) == []
