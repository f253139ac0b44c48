"""`python -m bench.grouping`: solve generated problems, compare with baselines, print a table.

Each solver run happens in its own process so that its peak memory (ru_maxrss) is its own (plus
that of the process it starts to bound large rounds region by region).
Without --sizes the run also measures placeable problems (everyone can be placed) at 1,000
registrants, where the issue's first-choice target is set.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from verme.grouping import Problem, Solution, solve, validate

from .baselines import random_groups, spreadsheet
from .generate import generate, generate_with_witness

SIZES = (60, 300, 1000, 3000, 10000)
TIME_LIMITS = ((300, 30.0), (1000, 60.0), (3000, 120.0))
"""Default seconds per run: up to 300 registrants 30 s, up to 1,000 60 s, up to 3,000 120 s."""
LARGE_TIME_LIMIT = 300.0
"""Default seconds per run above those sizes."""
PLACEABLE_SIZES = (1000,)
QUICK_SIZES = (60,)
QUICK_TIME_LIMIT = 10.0


def default_time_limit(size: int) -> float:
    """The seconds a run of `size` registrants gets unless told (`--time-limit`)."""
    return next((limit for most, limit in TIME_LIMITS if size <= most), LARGE_TIME_LIMIT)


def shares(problem: Problem, solution: Solution) -> dict[str, Any]:
    """Hard-rule violations and the shares placed, with first wish and with any wish."""
    themes = {p.id: p.themes for p in problem.participants}
    n = len(problem.participants)
    placed = first = wished = 0
    for group in solution.groups:
        for member in group.members:
            listed = themes.get(member, ())
            placed += 1
            first += bool(listed) and listed[0] == group.theme
            wished += group.theme in listed
    return {
        "violations": len(validate(problem, solution)),
        "placed": placed / n,
        "first": first / n,
        "any": wished / n,
    }


def run_one(size: int, seed: int, time_limit: float, placeable: bool = False) -> dict[str, Any]:
    """Solve one generated problem in this process and measure it."""
    if placeable:
        problem, witness = generate_with_witness(size, seed)
    else:
        problem = generate(size, seed)
    first_answer: list[float] = []
    started = time.monotonic()

    def progress(_: float, message: str) -> None:
        if message == "first grouping found" and not first_answer:
            first_answer.append(time.monotonic() - started)

    solution = solve(problem, time_limit_s=time_limit, progress=progress)
    wall = time.monotonic() - started
    result: dict[str, Any] = {
        "size": size,
        "seed": seed,
        "placeable": placeable,
        "time_limit": time_limit,
        "wall": wall,
        "first_answer": first_answer[0] if first_answer else wall,
        # The solver's own peak plus that of its second process (from 150 blocks on two cores,
        # second.py), added: an upper bound on what both held at once.
        "peak_mb": (
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        )
        / 1024,
        "status": solution.status,
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": solution.gap,
        "penalty": solution.penalty,
        "penalty_bound": solution.penalty_bound,
        **shares(problem, solution),
    }
    for name, baseline in (
        ("random", random_groups(problem, seed)),
        ("spreadsheet", spreadsheet(problem)),
    ):
        result[name] = shares(problem, baseline)
    if placeable:
        result["witness"] = shares(problem, witness)
    return result


def _run_in_subprocess(
    size: int, seed: int, time_limit: float, placeable: bool = False
) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.grouping",
        "--one",
        f"{size},{seed},{time_limit},{int(placeable)}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def _registrants(result: dict[str, Any]) -> str:
    return f"{result['size']:,}" + (" placeable" if result.get("placeable") else "")


def table(results: Sequence[dict[str, Any]]) -> str:
    """Two Markdown tables: the optimiser's figures, then the same shares for the baselines.

    Rows of placeable problems say so in the registrants cell ("1,000 placeable").
    """
    optimiser = [
        "| registrants | seed | limit s | wall s | first answer s | peak MB | status | objective "
        "| bound | gap | penalty | penalty bound | penalty gap | violations | placed | first wish "
        "| any wish |",
        "|" + "---|" * 17,
    ]
    baselines = [
        "| registrants | seed | optimiser: violations / first / any "
        "| random groups: violations / first / any | spreadsheet: violations / first / any |",
        "|" + "---|" * 5,
    ]
    for r in results:
        pgap = (
            (r["penalty"] - r["penalty_bound"]) / r["penalty_bound"]
            if r["penalty_bound"] > 0
            else 0.0
        )
        optimiser.append(
            f"| {_registrants(r)} | {r['seed']} | {r['time_limit']:g} | {r['wall']:.1f} "
            f"| {r['first_answer']:.1f} | {r['peak_mb']:.0f} | {r['status']} "
            f"| {r['objective']:,.0f} | {r['bound']:,.0f} | {_pct(r['gap'])} "
            f"| {r['penalty']:,.0f} | {r['penalty_bound']:,.0f} | {_pct(pgap)} "
            f"| {r['violations']} | {_pct(r['placed'])} | {_pct(r['first'])} | {_pct(r['any'])} |"
        )
        cells = [
            f"{x['violations']} / {_pct(x['first'])} / {_pct(x['any'])}"
            for x in (r, r["random"], r["spreadsheet"])
        ]
        baselines.append(f"| {_registrants(r)} | {r['seed']} | " + " | ".join(cells) + " |")
    return "\n".join(optimiser) + "\n\n" + "\n".join(baselines)


def plan(args: argparse.Namespace) -> list[tuple[int, int, bool]]:
    """The runs as (registrants, seed, placeable), in order."""
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.quick:
        seeds = seeds[:1]
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",")]
        return [(size, seed, args.placeable) for size in sizes for seed in seeds]
    ordinary = QUICK_SIZES if args.quick else SIZES
    placeable = QUICK_SIZES if args.quick else PLACEABLE_SIZES
    runs = [] if args.placeable else [(size, seed, False) for size in ordinary for seed in seeds]
    return runs + [(size, seed, True) for size in placeable for seed in seeds]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.grouping",
        description=(
            "Benchmark the group optimiser on generated, realistic problems (seeded) and compare "
            "it with two baselines: random groups of valid size and the spreadsheet method. "
            "Prints a Markdown table; every solver run is a separate process."
        ),
    )
    parser.add_argument(
        "--sizes",
        help="comma-separated registrant counts (default: "
        + ",".join(str(s) for s in SIZES)
        + ", then "
        + ",".join(str(s) for s in PLACEABLE_SIZES)
        + " placeable; with --placeable, only the placeable ones)",
    )
    parser.add_argument(
        "--placeable",
        action="store_true",
        help="generate problems in which everyone can be placed: a grouping keeping every hard "
        "rule is planted in each (generate(n, seed, placeable=True)); rows say 'placeable'",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a quick check: {','.join(str(s) for s in QUICK_SIZES)} registrants, the first "
        f"seed, {QUICK_TIME_LIMIT:g} s per run, ordinary and placeable",
    )
    parser.add_argument(
        "--seeds", default="1,2,3", help="comma-separated seeds (default: %(default)s)"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        help="seconds per run for every size (default: 30 up to 300 registrants, 60 up to "
        "1,000, 120 up to 3,000, 300 above)",
    )
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        size, seed, limit, *placeable = args.one.split(",")
        result = run_one(int(size), int(seed), float(limit), placeable == ["1"])
        print(json.dumps(result))
        return 0
    results = []
    for size, seed, placeable in plan(args):
        limit = args.time_limit or (QUICK_TIME_LIMIT if args.quick else default_time_limit(size))
        kind = " (placeable)" if placeable else ""
        print(f"running {size} registrants{kind}, seed {seed}, limit {limit:g} s", file=sys.stderr)
        result = _run_in_subprocess(size, seed, limit, placeable)
        results.append(result)
        print(json.dumps(result), file=sys.stderr)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    out = table(results)
    print(out)
    if args.markdown:
        machine = f"{platform.machine()}, Python {platform.python_version()}"
        args.markdown.write_text(f"{out}\n\nMachine: {machine}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
