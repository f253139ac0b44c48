"""Large-neighbourhood search by column generation: only ever a cheaper, valid grouping.

A neighbourhood's groups are re-formed as a problem of their own; its result replaces them only
when the whole grouping gets cheaper, every hard rule holds, and neither pinned people nor
mentors with a fixed group are ever moved.
"""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings

from bench.grouping.generate import generate
from verme.grouping import FixedGroup, Pin, Problem, SizeRule, solve, validate
from verme.grouping import solver as solver_module
from verme.grouping.columns import ColumnGeneration
from verme.grouping.heuristic import Grouping, construct
from verme.grouping.instance import Instance
from verme.grouping.neighbourhoods import Neighbourhood, NeighbourhoodSearch, subproblem
from verme.grouping.solver import _solution

from .make import crowd, mentor, person, problem
from .test_generated_instances import problems

SIZE = SizeRule(min=3, max=5, target=4)


def _everything(search: NeighbourhoodSearch) -> Neighbourhood:
    """Every mentor and block the search may move, as one neighbourhood."""
    mentors = tuple(search.positions_of)
    positions = tuple(k for m in mentors for k in search.positions_of[m])
    blocks = tuple(b for b, movable in enumerate(search.movable) if movable)
    return Neighbourhood(mentors, positions, blocks)


def _valid(state: Grouping) -> bool:
    return validate(state.inst.problem, _solution(state, 0.0, 0.0)) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_re_forming_never_breaks_a_rule_nor_costs_more(p: Problem) -> None:
    inst = Instance(p)
    state = construct(inst)
    before = state.penalty()
    search = NeighbourhoodSearch(state, random.Random(0))
    outcome = search.reform(_everything(search), time.monotonic() + 10.0)
    assert _valid(state)
    assert state.penalty() == pytest.approx(before - outcome.improved)
    assert state.penalty() <= before + 1e-9
    if outcome.proved:
        assert outcome.improved == 0.0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_search_keeps_every_rule_whatever_it_chooses(p: Problem) -> None:
    inst = Instance(p)
    state = construct(inst)
    before = state.penalty()
    NeighbourhoodSearch(state, random.Random(1)).run(time.monotonic() + 1.0)
    assert _valid(state)
    assert state.penalty() <= before + 1e-9


def test_mixed_themes_are_re_formed_into_groups_of_one_wish() -> None:
    # Two mentors who both lead either theme; four people want wellbeing, four assessment.
    # The grouping below mixes them, so half of each group gets no wish at all (30 each).
    wellbeing = crowd("w", 4, themes=("wellbeing",))
    assessment = crowd("a", 4, themes=("assessment",))
    both = ("wellbeing", "assessment")
    p = problem(
        [*wellbeing, *assessment],
        [mentor("m1", themes=both), mentor("m2", themes=both)],
        size=SIZE,
    )
    inst = Instance(p)
    state = Grouping(inst)
    frame = inst.positions[0].frames[0]
    topic = inst.positions[0].topics[0]

    def blocks(*ids: str) -> list[int]:
        return [inst.block_of[inst.index[i]] for i in ids]

    assert state.open_group(0, frame, "wellbeing", topic, blocks("w0", "w1", "a0", "a1"))
    assert state.open_group(1, frame, "assessment", topic, blocks("w2", "w3", "a2", "a3"))
    assert state.penalty() == 4 * 30
    search = NeighbourhoodSearch(state, random.Random(0))
    hood = search.choose(8)
    assert hood is not None
    assert set(hood.mentors) == {"m1", "m2"}
    outcome = search.reform(hood, time.monotonic() + 10.0)
    assert outcome.improved == 4 * 30
    assert state.penalty() == 0.0
    for group in state.groups.values():
        wishes = {inst.people[i].themes for i in group.members}
        assert wishes == {(group.theme,)}
    assert _valid(state)


def test_a_theme_neighbourhood_gathers_the_groups_between_which_a_wish_can_be_met() -> None:
    # x wishes only assessment but sits in m1's wellbeing group; m2 leads assessment where x
    # can meet, m3 leads culture on Wednesdays, when x cannot. Everyone else has their wish.
    both = ("wellbeing", "assessment")
    wellbeing = crowd("w", 3, themes=("wellbeing",))
    assessment = crowd("a", 3, themes=("assessment",))
    culture = crowd("c", 4, themes=("culture",), slots=("wed-1400",))
    x = person("x", themes=("assessment",), unit="x-unit")
    p = problem(
        [*wellbeing, *assessment, *culture, x],
        [
            mentor("m1", themes=both),
            mentor("m2", themes=both),
            mentor("m3", themes=("culture",), slots=("wed-1400",)),
        ],
        size=SIZE,
    )
    inst = Instance(p)
    state = Grouping(inst)

    def blocks(*ids: str) -> list[int]:
        return [inst.block_of[inst.index[i]] for i in ids]

    def opened(k: int, theme: str, ids: tuple[str, ...]) -> None:
        pos = inst.positions[k]
        assert state.open_group(k, pos.frames[0], theme, pos.topics[0], blocks(*ids))

    opened(0, "wellbeing", ("w0", "w1", "w2", "x"))
    opened(1, "assessment", ("a0", "a1", "a2"))
    opened(2, "culture", ("c0", "c1", "c2", "c3"))
    search = NeighbourhoodSearch(state, random.Random(0))
    hoods = [search.around_theme(7) for _ in range(5)]
    # Whatever the draws, the one unhappy person decides.
    hood = hoods[0]
    assert hood is not None
    assert hoods == [hood] * 5
    assert hood.mentors == ("m1", "m2")
    assert set(hood.blocks) == set(blocks("w0", "w1", "w2", "x", "a0", "a1", "a2"))
    outcome = search.reform(hood, time.monotonic() + 10.0)
    assert outcome.improved == 30  # x no longer misses every wish; nothing else changes
    assert state.groups[state.where[blocks("x")[0]]].theme == "assessment"
    assert _valid(state)


def test_with_every_first_wish_met_there_is_no_theme_neighbourhood() -> None:
    people = crowd("p", 4, themes=("wellbeing",))
    inst = Instance(problem(people, [mentor("m1")], size=SIZE))
    state = construct(inst)
    assert len(state.groups) == 1
    search = NeighbourhoodSearch(state, random.Random(0))
    assert search.around_theme(8) is None
    hood = search.choose(8)  # falls back on a neighbourhood around a group
    assert hood is not None
    assert hood.mentors == ("m1",)


def test_pinned_people_and_fixed_groups_stay_where_they_are() -> None:
    people = crowd("p", 12, themes=("wellbeing",), slots=("mon-1400", "tue-1400"))
    p = problem(
        people,
        [
            mentor("m1", slots=("mon-1400", "tue-1400")),
            mentor("m2", slots=("mon-1400", "tue-1400")),
            mentor("m3", slots=("mon-1400", "tue-1400")),
        ],
        size=SIZE,
        groups=(FixedGroup(id="g1", mentor="m1", slot="mon-1400"),),
        pinned=(Pin(participant="p0", group="m2-1"),),
    )
    inst = Instance(p)
    state = construct(inst)
    fixed = inst.position_index["g1"]
    fixed_members = set(state.groups[fixed].members) if fixed in state.groups else set()
    pinned_at = state.where[inst.block_of[inst.index["p0"]]]
    search = NeighbourhoodSearch(state, random.Random(0))
    assert "m1" not in search.positions_of
    assert not search.movable[inst.block_of[inst.index["p0"]]]
    search.run(time.monotonic() + 1.0)
    assert state.where[inst.block_of[inst.index["p0"]]] == pinned_at
    if fixed in state.groups:
        assert set(state.groups[fixed].members) == fixed_members
    assert _valid(state)


def test_the_subproblem_holds_the_neighbourhood_and_the_pairs_inside_it() -> None:
    people = [
        person("a"),
        person("b"),
        person("c", unit="u2"),
        person("outside", unit="u3"),
    ]
    p = problem(
        people,
        [mentor("m1"), mentor("m2")],
        size=SIZE,
        apart=(("a", "b"), ("a", "outside")),
        supervises=(("m1", "c"), ("m2", "a")),
    )
    inst = Instance(p)
    hood = Neighbourhood(
        ("m1",),
        (inst.position_index["m1-1"],),
        tuple(inst.block_of[inst.index[i]] for i in ("a", "b", "c")),
    )
    sub = subproblem(inst, hood)
    assert [x.id for x in sub.participants] == ["a", "b", "c"]
    assert [m.id for m in sub.mentors] == ["m1"]
    assert sub.apart == (("a", "b"),)
    assert sub.supervises == (("m1", "c"),)


def test_the_solver_searches_by_neighbourhoods_and_bounds_in_a_second_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A small round taken through the path of rounds of 150 to 600 blocks: the bound by column
    # generation in a second process, the search by neighbourhoods.
    monkeypatch.setattr(solver_module, "DIVE_MAX_BLOCKS", 0)
    monkeypatch.setattr(solver_module, "FULL_MODEL_MAX_PAIRS", 0)
    slots = ("mon-1400", "tue-1400")
    themes = ("wellbeing", "assessment")
    p = problem(
        [
            *crowd("w", 8, themes=themes, slots=slots),
            *crowd("a", 8, themes=themes[::-1], slots=slots),
        ],
        [mentor(f"m{j}", themes=themes, slots=slots) for j in range(4)],
        size=SIZE,
    )
    solution = solve(p, time_limit_s=8.0)
    assert validate(p, solution) == []
    assert len(solution.unassigned) == 0
    # The second process's bound arrived: column generation proves this grouping optimal.
    assert solution.penalty_bound == solution.penalty
    assert solution.status == "optimal"


def test_a_mentor_with_a_pinned_person_in_one_of_two_groups_is_left_as_they_are() -> None:
    slots = ("mon-1400", "tue-1400")
    p = problem(
        crowd("p", 14, themes=("wellbeing",), slots=slots),
        [mentor("m1", slots=slots), mentor("m2", slots=slots, capacity=2)],
        size=SIZE,
        pinned=(Pin(participant="p0", group="m2-1"),),
    )
    inst = Instance(p)
    state = construct(inst)
    held = {
        k: set(g.members) for k, g in state.groups.items() if inst.positions[k].mentor.id == "m2"
    }
    search = NeighbourhoodSearch(state, random.Random(0))
    assert not search._movable("m2")
    search.run(time.monotonic() + 1.0)
    assert state.where[inst.block_of[inst.index["p0"]]] == inst.position_index["m2-1"]
    assert {k: set(g.members) for k, g in state.groups.items() if k in held} == held
    assert _valid(state)


def test_the_search_goes_on_from_a_cheaper_grouping_it_is_handed() -> None:
    p = problem(crowd("p", 12), [mentor("m1", capacity=3)], size=SIZE)
    inst = Instance(p)
    start, cheaper = Grouping(inst), construct(inst)  # everyone unplaced, and the greedy's
    assert cheaper.penalty() < start.penalty()
    handed_over = cheaper.penalty()
    handed: list[Grouping] = []

    def meet(state: Grouping) -> Grouping | None:
        if handed:
            return None
        handed.append(cheaper)
        return cheaper

    search = NeighbourhoodSearch(start, random.Random(0))
    result = search.run(time.monotonic() + 2.0, meet=meet)
    assert result is search.state is cheaper
    assert result.penalty() <= handed_over
    assert start.penalty() == Grouping(inst).penalty()  # the grouping left behind is untouched
    assert _valid(result)
    with pytest.raises(ValueError, match="another instance"):
        search.adopt(Grouping(Instance(p)))


def test_a_neighbourhood_tried_in_vain_is_tried_again_only_once_it_costs_more() -> None:
    p = problem(crowd("p", 12), [mentor("m1", capacity=3)], size=SIZE)
    state = construct(Instance(p))
    search = NeighbourhoodSearch(state, random.Random(0))
    assert search.step(time.monotonic() + 5.0)
    assert search.stale == 0
    ((key, cost),) = search.tried.items()
    assert cost == search.cost(Neighbourhood(key[0], tuple(state.groups), key[1]))
    # The same neighbourhood at the same cost: the same problem, nothing new to find.
    assert search.step(time.monotonic() + 5.0)
    assert search.stale == 1
    # Made costlier (a group taken apart): re-formed, and as cheap as before once more.
    state.close(next(iter(state.groups)))
    assert state.penalty() > cost
    assert search.step(time.monotonic() + 5.0)
    assert search.stale == 0
    assert state.penalty() <= cost
    assert _valid(state)


def test_with_the_lps_prices_neighbourhoods_gather_where_the_gap_is() -> None:
    # Around a group, the seed is drawn by its excess at the LP's prices (the part of the gap
    # it holds), so mentors whose groups the LP would form just as they are are seldom
    # chosen (100 registrants, seed 1: 5 of 11 mentors); the search still keeps every rule.
    inst = Instance(generate(100, 1))
    generation = ColumnGeneration(inst)
    assert generation.generate(time.monotonic() + 20.0).converged
    prices = generation.prices(time.monotonic() + 5.0)
    assert prices is not None
    state = construct(inst, generation.rounded())
    dear = {
        inst.positions[k].mentor.id
        for k, g in state.groups.items()
        if prices.excess(inst, k, g) > 1e-6
    }
    cheap = {inst.positions[k].mentor.id for k in state.groups} - dear
    assert cheap

    def share_cheap(search: NeighbourhoodSearch) -> float:
        hoods = [search.around_group(20) for _ in range(300)]
        return sum(h is not None and h.mentors[0] in cheap for h in hoods) / len(hoods)

    plain = share_cheap(NeighbourhoodSearch(state, random.Random(0)))
    priced = share_cheap(NeighbourhoodSearch(state, random.Random(0), prices=prices))
    assert priced < plain / 2
    before = state.penalty()
    NeighbourhoodSearch(state, random.Random(1), prices=prices).run(time.monotonic() + 1.0)
    assert _valid(state)
    assert state.penalty() <= before + 1e-9
