"""Column generation, diving, rounding and branch and price on re-runs: fixed groups and pins."""

from __future__ import annotations

import dataclasses
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verme.grouping import FixedGroup, Pin, Problem, solve, validate
from verme.grouping.branching import branch_and_price
from verme.grouping.columns import ColumnGeneration
from verme.grouping.heuristic import construct
from verme.grouping.instance import Instance
from verme.grouping.solver import _solution

from .test_generated_instances import SLOTS, THEMES, problems


@st.composite
def rerun_problems(draw: st.DrawFn) -> Problem:
    """A generated problem with a fixed group and people pinned, as a re-run has them."""
    p = draw(problems())
    if not p.mentors or not p.participants:
        return p
    mentor = p.mentors[0]
    fixed = FixedGroup(
        id="kept",
        mentor=mentor.id,
        theme=draw(st.sampled_from((None, *THEMES))),
        slot=draw(st.sampled_from((None, *SLOTS))),
    )
    targets = ["kept", *(f"{m.id}-1" for m in p.mentors[1:] if m.capacity > 0)]
    people = draw(
        st.lists(st.sampled_from([x.id for x in p.participants]), max_size=3, unique=True)
    )
    pins = tuple(Pin(person, draw(st.sampled_from(targets))) for person in people)
    return dataclasses.replace(p, groups=(fixed,), pinned=pins)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rerun_problems())
def test_with_pins_and_fixed_groups_every_grouping_keeps_the_rules_and_the_bound_holds(
    p: Problem,
) -> None:
    inst = Instance(p)
    generation = ColumnGeneration(inst)
    result = generation.generate(time.monotonic() + 2.0)
    solution = solve(p, time_limit_s=1.0)
    if solution.status != "infeasible":
        assert validate(p, solution) == []
        assert result.bound <= solution.penalty + 1e-6
    for threshold in (0.5, 0.0):
        rounded = generation.rounded(threshold)
        if rounded is not None:
            assert validate(p, _solution(construct(inst, rounded), -1e9, 0.0)) == []
    proof = branch_and_price(
        generation, construct(inst).penalty(), result.bound, time.monotonic() + 2
    )
    if proof.grouping is not None:
        assert validate(p, _solution(proof.grouping, proof.bound, 0.0)) == []
    chosen = generation.dive(time.monotonic() + 2.0)
    dived = generation.grouping(chosen) if chosen is not None else None
    if dived is not None:
        assert validate(p, _solution(construct(inst, dived), -1e9, 0.0)) == []
