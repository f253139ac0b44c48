"""`python -m bench.grouping.hoods`: the neighbourhood search's re-forming, replayed.

Runs of the whole solver at 1,000 registrants differ by 5-10 % from one run to the next (the
clock stops each search somewhere else), so a change to how one neighbourhood is re-formed
(column generation, the dive, the polish) disappears in that noise. This tool takes the noise
out: `record` runs the neighbourhood search on a generated problem and writes every
neighbourhood it re-formed (its problem and what it cost in the grouping then); `replay` re-forms
each of them again with the code of this checkout (`neighbourhoods.re_formed`, as the search
does, `ROUND_BUDGET` seconds each) and prints one JSON line: neighbourhoods, seconds, penalty
points gained in all, how many got cheaper or were proved to hold nothing cheaper, and points
per second. Replay one file with the code before and after a change.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from verme.grouping import problem_from_dict, problem_to_dict
from verme.grouping.heuristic import Grouping
from verme.grouping.instance import Instance
from verme.grouping.neighbourhoods import (
    ROUND_BUDGET,
    Neighbourhood,
    NeighbourhoodSearch,
    Outcome,
    re_formed,
    subproblem,
)

from .generate import generate
from .search import PLAN_S, add_start_arguments, start


class Recording(NeighbourhoodSearch):
    """The neighbourhood search, noting each neighbourhood before it is re-formed."""

    def __init__(self, state: Grouping, rng: random.Random) -> None:
        super().__init__(state, rng)
        self.noted: list[dict[str, Any]] = []

    def reform(self, hood: Neighbourhood, deadline: float) -> Outcome:
        self.noted.append(
            {"cost": self.cost(hood), "problem": problem_to_dict(subproblem(self.inst, hood))}
        )
        return super().reform(hood, deadline)


def record(
    size: int, seed: int, warm_up: float, seconds: float, plan_s: float = PLAN_S
) -> dict[str, Any]:
    """The neighbourhoods of `seconds` of search from `search.start`'s grouping (planned for
    `plan_s` seconds)."""
    sketch = start(size, seed, warm_up, plan_s=plan_s)
    state = sketch.grouping(Instance(generate(size, seed)))
    assert state is not None
    search = Recording(state, random.Random(seed))
    search.run(time.monotonic() + seconds)
    return {
        "size": size,
        "seed": seed,
        "start": sketch.penalty,
        "end": search.state.penalty(),
        "neighbourhoods": search.noted,
    }


def replay(neighbourhoods: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Re-form each recorded neighbourhood again; the totals."""
    seconds = gained = 0.0
    cheaper = proved = 0
    for item in neighbourhoods:
        sub = Instance(problem_from_dict(item["problem"]))
        began = time.monotonic()
        attempt = re_formed(sub, item["cost"], began + ROUND_BUDGET, random.Random(0))
        seconds += time.monotonic() - began
        if attempt.grouping is not None:
            gained += item["cost"] - attempt.grouping.penalty()
            cheaper += 1
        proved += attempt.proved
    return {
        "neighbourhoods": len(neighbourhoods),
        "seconds": round(seconds, 1),
        "gained": gained,
        "cheaper": cheaper,
        "proved": proved,
        "points_per_second": round(gained / seconds, 2) if seconds else 0.0,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.grouping.hoods",
        description=(
            "Record the neighbourhoods the search re-forms on a generated problem, or replay "
            "recorded ones with this checkout's code and print what re-forming them gained."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True)
    rec = commands.add_parser("record", help="run the search and write its neighbourhoods")
    rec.add_argument("output", type=Path, help="the JSON file to write")
    add_start_arguments(rec, warm_up=5.0)
    rec.add_argument(
        "--seconds", type=float, default=60.0, help="seconds of search recorded (default: 60)"
    )
    rep = commands.add_parser("replay", help="re-form recorded neighbourhoods and print totals")
    rep.add_argument("files", type=Path, nargs="+", help="files written by record")
    args = parser.parse_args(argv)
    if args.command == "record":
        data = record(args.size, args.seed, args.warm_up, args.seconds)
        args.output.write_text(json.dumps(data))
        print(
            json.dumps(
                {key: data[key] for key in ("size", "seed", "start", "end")}
                | {"neighbourhoods": len(data["neighbourhoods"])}
            )
        )
        return 0
    items = [n for f in args.files for n in json.loads(f.read_text())["neighbourhoods"]]
    print(json.dumps(replay(items)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
