"""`python -m bench.grouping.search`: the neighbourhood search alone, from one grouping.

Compares ways of choosing neighbourhoods (neighbourhoods.py) without the rest of the solver, so
that every run starts from the same grouping: the greedy, the market model's plan for
`PLAN_S` seconds, `POLISH_S` seconds of local search, then `--warm-up` seconds of
neighbourhoods chosen around groups only (as the search was before theme neighbourhoods
existed). From that grouping, each `--shares` value (the share of neighbourhoods chosen around
a theme) is run `--runs` times, with random seeds 1, 2, ..., for `--time-limit` seconds each,
one after the other; one JSON line per run gives the penalty at its start and end. Runs are
stopped by the clock, so their ends vary; compare averages over several runs and seeds (this
is how the theme share in docs/decisions.md was measured).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Sequence

from verme.grouping.aggregate import build_from_plan
from verme.grouping.heuristic import Grouping, construct, improve
from verme.grouping.instance import Instance
from verme.grouping.neighbourhoods import NeighbourhoodSearch
from verme.grouping.second import Sketch
from verme.grouping.solver import _plan

from .generate import generate

PLAN_S = 15.0
"""Seconds for the market model's plan of the starting grouping."""

POLISH_S = 3.0
"""Seconds of local search on the plan's grouping."""


def start(
    size: int, seed: int, warm_up: float, plan_s: float = PLAN_S, polish_s: float = POLISH_S
) -> Sketch:
    """The grouping every run starts from (see the module's docstring)."""
    inst = Instance(generate(size, seed))
    state = construct(inst)
    plan = _plan(inst, time.monotonic() + plan_s, lambda _: None, state)
    if plan.groups:
        planned = build_from_plan(inst, plan)
        if planned.penalty() < state.penalty():
            state = planned
    rng = random.Random(0)
    improve(state, time.monotonic() + polish_s, rng)
    NeighbourhoodSearch(state, rng, theme_share=0.0).run(time.monotonic() + warm_up)
    return Sketch.of(state)


def run(inst: Instance, sketch: Sketch, share: float, seed: int, seconds: float) -> Grouping:
    """`seconds` of neighbourhood search from `sketch` with this theme share."""
    state = sketch.grouping(inst)
    assert state is not None
    NeighbourhoodSearch(state, random.Random(seed), theme_share=share).run(
        time.monotonic() + seconds
    )
    return state


def add_start_arguments(parser: argparse.ArgumentParser, warm_up: float) -> None:
    """--size, --seed and --warm-up: the problem and the grouping `start` makes for it."""
    parser.add_argument("--size", type=int, default=1000, help="registrants (default: 1000)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default: 1)")
    parser.add_argument(
        "--warm-up",
        type=float,
        default=warm_up,
        help=f"seconds of the search around groups before the start (default: {warm_up:g})",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.grouping.search",
        description=(
            "Run the neighbourhood search alone from one grouping of a generated problem, "
            "once per theme share and run, and print one JSON line per run with the penalty "
            "at its start and end."
        ),
    )
    add_start_arguments(parser, warm_up=45.0)
    parser.add_argument(
        "--shares",
        default="0,0.75",
        help="comma-separated shares of neighbourhoods around a theme (default: 0,0.75)",
    )
    parser.add_argument("--runs", type=int, default=4, help="runs per share (default: 4)")
    parser.add_argument(
        "--time-limit", type=float, default=30.0, help="seconds per run (default: 30)"
    )
    args = parser.parse_args(argv)
    sketch = start(args.size, args.seed, args.warm_up)
    inst = Instance(generate(args.size, args.seed))
    for share in (float(s) for s in args.shares.split(",")):
        for number in range(1, args.runs + 1):
            state = run(inst, sketch, share, number, args.time_limit)
            print(
                json.dumps(
                    {
                        "size": args.size,
                        "seed": args.seed,
                        "share": share,
                        "run": number,
                        "start": sketch.penalty,
                        "end": state.penalty(),
                    }
                ),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
