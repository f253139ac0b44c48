"""`python -m bench.grouping`: solve generated problems, compare with baselines, print a table.

Each solver run happens in its own process so that its peak memory (ru_maxrss) is its own.
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
from .generate import generate

SIZES = (60, 300, 1000, 3000, 10000)
TIME_LIMITS = {60: 30.0, 300: 30.0, 1000: 60.0, 3000: 120.0, 10000: 300.0}


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


def run_one(size: int, seed: int, time_limit: float) -> dict[str, Any]:
    """Solve one generated problem in this process and measure it."""
    problem = generate(size, seed)
    first_answer: list[float] = []
    started = time.monotonic()

    def progress(_: float, message: str) -> None:
        if message == "planning groups with the market model" and not first_answer:
            first_answer.append(time.monotonic() - started)

    solution = solve(problem, time_limit_s=time_limit, progress=progress)
    wall = time.monotonic() - started
    result: dict[str, Any] = {
        "size": size,
        "seed": seed,
        "time_limit": time_limit,
        "wall": wall,
        "first_answer": first_answer[0] if first_answer else wall,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
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
    return result


def _run_in_subprocess(size: int, seed: int, time_limit: float) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.grouping",
        "--one",
        f"{size},{seed},{time_limit}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def table(results: Sequence[dict[str, Any]]) -> str:
    """Two Markdown tables: the optimiser's figures, then the same shares for the baselines."""
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
            f"| {r['size']:,} | {r['seed']} | {r['time_limit']:g} | {r['wall']:.1f} "
            f"| {r['first_answer']:.1f} | {r['peak_mb']:.0f} | {r['status']} "
            f"| {r['objective']:,.0f} | {r['bound']:,.0f} | {_pct(r['gap'])} "
            f"| {r['penalty']:,.0f} | {r['penalty_bound']:,.0f} | {_pct(pgap)} "
            f"| {r['violations']} | {_pct(r['placed'])} | {_pct(r['first'])} | {_pct(r['any'])} |"
        )
        cells = [
            f"{x['violations']} / {_pct(x['first'])} / {_pct(x['any'])}"
            for x in (r, r["random"], r["spreadsheet"])
        ]
        baselines.append(f"| {r['size']:,} | {r['seed']} | " + " | ".join(cells) + " |")
    return "\n".join(optimiser) + "\n\n" + "\n".join(baselines)


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
        default=",".join(str(s) for s in SIZES),
        help="comma-separated registrant counts (default: %(default)s)",
    )
    parser.add_argument(
        "--seeds", default="1,2,3", help="comma-separated seeds (default: %(default)s)"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        help="seconds per run for every size (default: 30 up to 300, 60 at 1,000, "
        "120 at 3,000, 300 at 10,000)",
    )
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        size, seed, limit = args.one.split(",")
        print(json.dumps(run_one(int(size), int(seed), float(limit))))
        return 0
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        for seed in (int(s) for s in args.seeds.split(",")):
            limit = args.time_limit or TIME_LIMITS.get(size, 60.0)
            print(f"running {size} registrants, seed {seed}, limit {limit:g} s", file=sys.stderr)
            result = _run_in_subprocess(size, seed, limit)
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
