"""`solve()`: anytime under a time limit, with a proven bound.

The steps, in order (docs/grouping.md): a greedy start; from 150 blocks on two cores, a second
process (second.py) that bounds by column generation (the whole problem up to 600 blocks, or 1,000
with a time limit of 60 s or more; larger problems that split into regions region by region) and
then searches from its LPs' roundings; otherwise, in this process, up to 600 blocks column
generation over whole groups for the bound and a grouping dived (up to 150 blocks) or rounded
from its LP, and above that the same region by region until half the time limit; from 150 to
300 blocks beside a second process, column generation with subset-row cuts for the bound in
place of the plan; otherwise the market model's plan and bound; local search (on the second
process's grouping instead, when it has sent one that is cheaper than the plan's); up to 150
blocks, branch and price, which returns at once when it proves the grouping optimal, then HiGHS
on the whole exact model; from 150 blocks, neighbourhoods re-formed by column generation for the
time left, exchanging groupings with the second process's search (second.py). From 100 to 150
blocks the second process searches beside the dive and branch and price, and the tree prunes
against its groupings. The two processes' groupings are merged: each part where the second
process's is cheaper is taken over (`heuristic.merged`)."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable

from .aggregate import Plan, build_from_plan, regions, solve_plan
from .branching import branch_and_price, tighten_root
from .columns import ColumnGeneration
from .explain import explain_placed, explain_unassigned, market_sizes, summarise
from .heuristic import (
    Grouping,
    better,
    block_markets,
    construct,
    distinct,
    improve,
    market_of,
    merged,
)
from .instance import Instance
from .milp import solve_neighbourhood
from .model import Explanation, Problem, Solution, SolvedGroup, Unassigned
from .neighbourhoods import NeighbourhoodSearch
from .regional import RegionBound, applies, bound_regions, combined_bound, rounded
from .second import COUPLING_MAX_BLOCKS, ROUNDING_THRESHOLDS, WHOLE, SecondProcess, Sketch

DEFAULT_TIME_LIMIT_S = 30.0
FULL_MODEL_MAX_PAIRS = 25_000
"""Up to this many (block, position) pairs the whole problem goes to HiGHS at once."""

WHOLE_PLAN_MAX_BLOCKS = 400
"""Larger problems are planned region by region (online groups relaxed, then formed last)."""

COLUMNS_MAX_BLOCKS = 600
"""Up to this many blocks the bound is strengthened by column generation over the whole problem
(see columns.py) in every run; larger problems get it only under `LONG_COLUMNS_MAX_BLOCKS`."""

LONG_COLUMNS_MAX_BLOCKS = 1_000
"""With a second process and a time limit of at least `LONG_LIMIT_S`, column generation over
the whole problem is done up to this many blocks instead of region by region. Since the master
adds one group per set of members and round, it converges at 1,000 registrants (987-992
blocks) in 19-23 s on its own, and its bound and rounding beat the regions' coupled ones: 1,000
registrants, seeds 1-6 ordinary and placeable, one run each of 60 s, 645.8 penalty points on
average against 700.0 (lower in 12 of 12 pairs), bound 518.5 against 504.9 (docs/decisions.md).
At 1,100 and 1,200 registrants it takes 35-37 s, too much of a 60 s run (the whole problem of
1,000 registrants at 63 s made the groups 10 % worse), so larger rounds stay regional."""

LONG_LIMIT_S = 60.0
"""The time limit from which `LONG_COLUMNS_MAX_BLOCKS` applies (at 30 s the whole problem of
600-1,000 blocks would not converge, and the regions' bounds and roundings would be lost)."""

DIVE_MAX_BLOCKS = 150
"""Up to this many blocks the converged LP is dived into a grouping (60 registrants: under a
second, and the best grouping found in two of three seeds; at 300 a dive took over 30 s)."""

SMALL_SECOND_MIN_BLOCKS = 100
"""From this many blocks up to `DIVE_MAX_BLOCKS`, on two cores, the second process searches by
neighbourhoods (second.py) while this one dives and proves by branch and price; the tree prunes
against the second process's groupings as they arrive."""

PLAN_SHARE_BEFORE_PROOF = 0.05
"""Up to `DIVE_MAX_BLOCKS` blocks, after converged column generation, the market model plans
for this share of the time left and branch and price gets most of the rest (60 registrants,
seeds 1-8, 30 s: all eight proved optimal, seed 5 in 28.9-29.3 s; with 0.2, seed 5 ended at 153
against a bound of 152)."""

SMALL_MARGIN_S = 0.5
"""Seconds left after the search for the explanations up to `DIVE_MAX_BLOCKS` blocks, where
everything runs in this process and checks the clock often (explanations: 1 ms at 60
registrants, 3 ms at 300, 0.8 s at 10,000)."""

LARGE_MARGIN_S = 5.0
"""The same for larger problems, where the second process's grouping and bounds are collected
too (up to 2 s) and a neighbourhood's LP may overrun the search's end."""

REGIONAL_SHARE = 0.5
"""Larger problems that split into regions get column generation region by region (regional.py)
until this share of the time limit (1,000 registrants, seed 1: both regions converged in 9 s
on their own)."""

SECOND_PLAN_SHARE = 0.25
"""With a second process (second.py; from 150 blocks on two cores) that bounds the whole
problem, the market model plans until this share of the time limit and the search by
neighbourhoods gets the rest; problems planned region by region keep half the limit for the
plan (a quarter measured again at 1,000 registrants with neighbourhoods around themes: within
1.5 % over twelve problems; docs/decisions.md). (Bounding 10,000 registrants region by region
in this process instead of a second one cost 8 % in penalty: 13,111 against 12,158.)"""

COUPLED_PLAN_SHARE = 0.3
"""Where the second process bounds the regions and couples them (up to
`second.COUPLING_MAX_BLOCKS` blocks), the market model plans until this share of the time
limit instead of half of it, and the search gets the time; the second process's grouping,
rounded from the coupled LPs, is merged in (1,000 registrants, 60 s, seeds 1-6 ordinary and
placeable, two runs each: 782.1 penalty points on average against 799.8, lower in 13 of 24
pairs and higher in 10, so a weak gain; docs/decisions.md)."""

CUTS_MAX_BLOCKS = 300
"""From `DIVE_MAX_BLOCKS` to this many blocks, with a second process that bounds the whole
problem, this process bounds it too, by column generation and then subset-row cuts
(branching.py), instead of planning with the market model, whose grouping lost to the second
process's and whose bound to column generation's (docs/decisions.md). Column generation
converged in 3-6.4 s up to 300 registrants (seeds 1-3), but at 400 registrants in 7.1 s and
26 s: where it does not converge in time, the plan's time is lost (400 registrants, seed 2,
30 s: 755 penalty points against 609 with the plan)."""

CUTS_COLUMNS_SHARE = 0.3
"""Up to `CUTS_MAX_BLOCKS` blocks, column generation in this process stops at this share of the
time limit; when it has not converged by then, the market model plans for `SECOND_PLAN_SHARE`
of the time left."""

CUTS_SHARE = 0.35
"""Rounds of subset-row cuts end at this share of the time limit."""

PROVED_WAIT_S = 0.2
"""Seconds the second process is given to stop once the grouping is proved optimal."""

SECOND_MARGIN_S = 1.5
"""The second process stops this many seconds before the search does, so that its grouping
arrives in time."""

POLISH_SHARE = 0.03
"""Each grouping rounded from an LP is polished by local search for this share of the limit."""

COLUMNS_SHARE = 0.55
"""Column generation stops at this share of the time limit (it converged in under a second at
60 registrants and in about 3 s at 300; see docs/decisions.md)."""

Progress = Callable[[float, str], None]


def solve(
    problem: Problem,
    *,
    time_limit_s: float | None = None,
    progress: Progress | None = None,
    seed: int = 0,
) -> Solution:
    """Form groups for `problem`, keeping every hard rule, within `time_limit_s` seconds.

    The time limit defaults to the problem's `time_limit_s`, else 30 s. `progress(fraction,
    message)` is called now and then, so that a background task can show how far it is.
    """
    started = time.monotonic()
    limit = time_limit_s if time_limit_s is not None else problem.time_limit_s
    limit = DEFAULT_TIME_LIMIT_S if limit is None else max(0.1, limit)
    deadline = started + limit

    def report(message: str) -> None:
        if progress is not None:
            fraction = min(1.0, (time.monotonic() - started) / limit)
            progress(fraction, message)

    inst = Instance(problem)
    # Leave room for collecting the second process and writing explanations after the search.
    small = len(inst.blocks) <= DIVE_MAX_BLOCKS  # dived into, and proved by branch and price
    margin = SMALL_MARGIN_S if small else LARGE_MARGIN_S
    search_end = deadline - min(0.15 * limit, margin)
    rng = random.Random(seed)
    report("first grouping")
    state = construct(inst)
    report("first grouping found")
    lower = person_bound(inst)
    plan_end = started + 0.5 * limit
    generation: ColumnGeneration | None = None
    two_cores = (os.cpu_count() or 1) >= 2
    whole_max = (
        LONG_COLUMNS_MAX_BLOCKS if two_cores and limit >= LONG_LIMIT_S else COLUMNS_MAX_BLOCKS
    )
    regional = len(inst.blocks) > whole_max and applies(inst)
    second: SecondProcess | None = None
    searched_beside = small and len(inst.blocks) >= SMALL_SECOND_MIN_BLOCKS
    if two_cores and (
        searched_beside or (not small and (len(inst.blocks) <= whole_max or regional))
    ):
        report("bounding and searching in a second process")
        second = SecondProcess.start(
            problem,
            search_end - time.monotonic() - SECOND_MARGIN_S,
            whole=not regional,
            polish=POLISH_SHARE * limit,
            seed=seed,
        )
        if second is not None and not regional and not small:
            plan_end = started + SECOND_PLAN_SHARE * limit
        elif second is not None and regional and len(inst.blocks) <= COUPLING_MAX_BLOCKS:
            plan_end = started + COUPLED_PLAN_SHARE * limit
    if second is None:  # all in this process: the whole problem only up to COLUMNS_MAX_BLOCKS
        regional = len(inst.blocks) > COLUMNS_MAX_BLOCKS and applies(inst)
    if (second is None or small) and len(inst.blocks) <= COLUMNS_MAX_BLOCKS:
        report("bounding by column generation over whole groups")
        generation = ColumnGeneration(inst)
        # Without capped unplaced costs up to DIVE_MAX_BLOCKS: they save nothing there (under
        # a second either way at 60 registrants) and branch and price proved less from the
        # LP they end at (60 registrants, seed 2: bound 104 against 108 in 30 s).
        columns = generation.generate(started + COLUMNS_SHARE * limit, caps=not small)
        lower = max(lower, columns.bound)
        if columns.converged:
            if small:
                report("diving from the LP to a grouping")
                dived = generation.dive(started + COLUMNS_SHARE * limit)
                candidates = [generation.grouping(dived) if dived is not None else None]
                polish = 0.05
            else:
                report("rounding the LP to a grouping")
                candidates = [generation.rounded(t) for t in ROUNDING_THRESHOLDS]
                polish = POLISH_SHARE
            for candidate in distinct(candidates):
                state = better(state, candidate, search_end, polish * limit, rng)
        now = time.monotonic()
        proving = columns.converged and small
        share = PLAN_SHARE_BEFORE_PROOF if proving else 0.2 if columns.converged else 0.4
        plan_end = now + share * (search_end - now)
        if not proving:
            generation = None
    tightened: float | None = None  # the bound of column generation with cuts, if converged
    if second is not None and not small and not regional and len(inst.blocks) <= CUTS_MAX_BLOCKS:
        report("bounding by column generation with subset-row cuts")
        tightened, state = _tightened(
            inst,
            state,
            started + CUTS_COLUMNS_SHARE * limit,
            started + CUTS_SHARE * limit,
            search_end,
            POLISH_SHARE * limit,
            rng,
        )
        if tightened is not None:
            lower = max(lower, tightened)
        else:  # not converged in time: the market model plans after all
            plan_end = time.monotonic() + SECOND_PLAN_SHARE * (search_end - time.monotonic())
    by_region: dict[str, RegionBound] = {}
    if second is None and regional:
        by_region = bound_regions(inst, started + REGIONAL_SHARE * limit, report)
        candidate = rounded(inst, by_region.values())
        if candidate.groups:
            report("rounding the regions' LPs to a grouping")
            state = better(state, candidate, search_end, 0.05 * limit, rng)
        now = time.monotonic()
        plan_end = now + 0.4 * (search_end - now)
    plan = Plan(bound=0.0, value=0.0, optimal=False)
    if tightened is None:
        report("planning groups with the market model")
        plan = _plan(inst, min(search_end, plan_end), report, state)
        lower = max(lower, plan.bound)
        state = _from_plan(plan, state, bool(by_region), search_end, limit, rng, report)
    if second is not None:
        # The second process's grouping is merged in before the polish and the search: each
        # part where it is cheaper is taken over (docs/decisions.md, 2026-12-07).
        state = merged_sent(second, state)
    report("improving by local search")
    improve(state, min(search_end, time.monotonic() + 0.25 * (search_end - time.monotonic())), rng)
    if generation is not None and state.penalty() > lower + 1e-6:
        report("proving by branch and price")
        offered = None
        if second is not None:
            second.exchange().announce(state)  # from now on the second process sends its own
            offered = sent_by(second, inst)
        proof = branch_and_price(
            generation, state.penalty(), lower, search_end, rng, offered=offered
        )
        lower = max(lower, proof.bound)
        if proof.grouping is not None:
            state = proof.grouping
    pairs = len(inst.blocks) * len(inst.positions)
    if small and pairs <= FULL_MODEL_MAX_PAIRS:
        lower = max(lower, _search_whole(state, search_end, lower, report))
    else:
        report("re-forming neighbourhoods by column generation")
        meet = second.exchange() if second is not None else None
        priced = second.priced if second is not None else None
        state = NeighbourhoodSearch(state, rng, priced=priced).run(search_end, meet=meet)
    if second is not None:
        report("collecting the second process's bound and grouping")
        proved = state.penalty() <= lower + 1e-6  # nothing it sends can be better
        second.collect(wait=PROVED_WAIT_S if proved else SECOND_MARGIN_S + 0.5)
        by_region = dict(second.bounds)
        whole = by_region.pop(WHOLE, None)
        if whole is not None:
            lower = max(lower, whole.bound)
        state = merged_sent(second, state)
    if by_region and plan.by_region:  # planned region by region: every region's market bound
        lower = max(lower, combined_bound(plan.by_region, by_region))
    report("writing explanations")
    return _solution(state, lower, time.monotonic() - started)


def sent_by(second: SecondProcess, inst: Instance) -> Callable[[], Grouping | None]:
    """Asks for the grouping the second process sent last: None until a new one has arrived,
    then that one if it keeps every pin (each grouping sent is rebuilt once)."""
    seen: Sketch | None = None

    def offered() -> Grouping | None:
        nonlocal seen
        second.poll()
        if second.sketch is None or second.sketch is seen:
            return None
        seen = second.sketch
        return seen.grouping(inst)

    return offered


def merged_sent(second: SecondProcess, state: Grouping) -> Grouping:
    """`state` merged with the grouping the second process sent last (`heuristic.merged`):
    every part where that one is cheaper is taken over; `state` when none is."""
    second.poll()
    return state if second.sketch is None else merged(state, second.sketch.formed())


def _from_plan(
    plan: Plan,
    state: Grouping,
    polished: bool,
    end: float,
    limit: float,
    rng: random.Random,
    report: Callable[[str], None],
) -> Grouping:
    """The plan's grouping when it is cheaper than `state` (`polished`: `state` has had local
    search already, so the plan's gets some too before they are compared)."""
    if not plan.groups:
        return state
    inst = state.inst
    planned = build_from_plan(inst, plan)
    if plan.optimal and len(inst.blocks) * len(inst.positions) <= FULL_MODEL_MAX_PAIRS:
        # The proved plan's groups as they are, with the best members for them (exact;
        # proved in well under a second at 60 registrants). Not for an unproved plan: at
        # 300 registrants that made the result worse (353 -> 500, 335 -> 352; seeds 1, 3).
        report("filling the planned groups with HiGHS")
        now = time.monotonic()
        positions = list(range(len(inst.positions)))
        solve_neighbourhood(planned, positions, now + 0.2 * (end - now), keep=True)
    if polished and planned.penalty() >= state.penalty():
        # The regions' rounded grouping was polished already; the plan's may polish into a
        # better one (1,000 registrants, seed 2: 1,446 -> 1,131 against 1,274, stuck).
        improve(planned, min(end, time.monotonic() + 0.05 * limit), rng)
    return planned if planned.penalty() < state.penalty() else state


def _tightened(
    inst: Instance,
    state: Grouping,
    columns_end: float,
    cuts_end: float,
    end: float,
    polish: float,
    rng: random.Random,
) -> tuple[float | None, Grouping]:
    """Column generation over the whole problem until `columns_end`, then rounds of subset-row
    cuts until `cuts_end` (branching.py): the proven bound, None when the LP did not converge;
    and `state`, or a cheaper grouping rounded from the LP with its cuts and polished."""
    generation = ColumnGeneration(inst)
    columns = generation.generate(columns_end)
    if not columns.converged:
        return None, state
    bound = tighten_root(generation, columns.bound, cuts_end)
    for share in ROUNDING_THRESHOLDS:
        candidate = generation.rounded(share)
        if candidate is not None:
            state = better(state, candidate, end, polish, rng)
    return bound, state


def _plan(inst: Instance, end: float, report: Callable[[str], None], start: Grouping) -> Plan:
    """The market model for the whole problem, or region by region when it is large."""
    if len(inst.blocks) <= WHOLE_PLAN_MAX_BLOCKS:
        return solve_plan(inst, end, start=start)
    by_region = regions(inst)
    merged = Plan(bound=0.0, value=0.0, optimal=True)
    left = sum(len(blocks) for blocks in by_region.values())
    for name, blocks in sorted(by_region.items(), key=lambda item: -len(item[1])):
        share = len(blocks) / left
        left -= len(blocks)
        report(f"planning region {name}")
        now = time.monotonic()
        # Without the apart/supervises cuts: at 1,000 registrants they barely moved the bound
        # (174.3 -> 174.5, seed 1) and the grouping got worse (1,074 -> 1,186 in 60 s).
        plan = solve_plan(
            inst, now + share * max(0.0, end - now), region=(name,), conflict_cuts=False
        )
        merged.bound += plan.bound
        merged.by_region[name] = plan.bound
        merged.value += plan.value
        merged.optimal = merged.optimal and plan.optimal
        merged.groups.extend(plan.groups)
        merged.cells.update(plan.cells)
    return merged


def person_bound(inst: Instance) -> float:
    """A proven lower bound on the penalty: each block at its cheapest conceivable place.

    A block that shares a market with some mentor pays at least its cheapest theme and topic;
    any other block stays unplaced. Group-level penalties are never negative.
    """
    offered = {market_of(inst, k, f) for k, pos in enumerate(inst.positions) for f in pos.frames}
    total = 0.0
    for b, block in enumerate(inst.blocks):
        if block_markets(inst, b) & offered:
            total += min(sum(inst.theme_cost[i][t] for i in block) for t in inst.themes)
            total += sum(inst.min_topic_cost(i) for i in block)
        else:
            total += inst.weights.unassigned * len(block)
    return total


def _search_whole(
    state: Grouping, end: float, lower: float, report: Callable[[str], None]
) -> float:
    """HiGHS on the whole exact model until `end`, from `state`; a proven lower bound."""
    if state.penalty() <= lower + 1e-6 or not state.inst.positions:
        return lower
    report("solving the whole model with HiGHS")
    return solve_neighbourhood(state, list(range(len(state.inst.positions))), end).bound


def _solution(state: Grouping, lower: float, seconds: float) -> Solution:
    inst = state.inst
    penalty = state.penalty()
    lower = min(lower, penalty)
    groups: list[SolvedGroup] = []
    explanations: list[Explanation] = []
    unassigned: list[Unassigned] = []
    for k in sorted(state.groups):
        group = state.groups[k]
        summary = summarise(state, k)
        pos = inst.positions[k]
        groups.append(
            SolvedGroup(
                id=pos.id,
                mentor=pos.mentor.id,
                theme=group.theme,
                slot=group.frame.slot,
                language=group.frame.language,
                online=group.frame.online,
                members=tuple(inst.people[i].id for i in sorted(group.members)),
                kind=group.topic.kind,
                focus=group.topic.focus,
                summary=summary,
            )
        )
        explanations.extend(explain_placed(state, k, i, summary) for i in sorted(group.members))
    sizes = market_sizes(inst)
    for b, k in enumerate(state.where):
        if k < 0:
            for i in inst.blocks[b]:
                item, explanation = explain_unassigned(state, i, sizes)
                unassigned.append(item)
                explanations.append(explanation)
    order = {p.id: n for n, p in enumerate(inst.people)}
    explanations.sort(key=lambda e: order[e.participant])
    unassigned.sort(key=lambda u: order[u.id])
    notes = list(inst.errors)
    broken_pins = [u for u in unassigned if u.code == "pin_impossible"]
    status = "optimal" if penalty - lower <= 1e-6 * max(1.0, abs(penalty)) else "feasible"
    if broken_pins or inst.errors:
        status = "infeasible"
        notes.extend(u.reason for u in broken_pins)
    scale = inst.weights.unassigned * len(inst.people)
    return Solution(
        status=status,
        objective=round(scale - penalty, 6),
        bound=round(scale - lower, 6),
        seconds=round(seconds, 3),
        groups=tuple(groups),
        unassigned=tuple(unassigned),
        explanations=tuple(explanations),
        penalty=round(penalty, 6),
        penalty_bound=round(lower, 6),
        notes=tuple(notes),
    )
