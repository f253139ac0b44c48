"""`python -m bench.grouping.compare OLD NEW`: two versions of the optimiser on the same problems.

A change to the search is judged by runs that are stopped by the clock, and single runs spread
by up to 15 % (docs/benchmarks-grouping.md), so a change is compared with the code before it on
several problems, each run more than once, on one machine, the two versions taking turns: for
each round of `--runs`, for each problem, OLD then NEW. OLD and NEW are checkouts of this
repository (for instance a clone at the previous commit and the working tree); each run is
`python -m verme.grouping solve PROBLEM.json -o SOLUTION.json --time-limit S` in that checkout,
with this interpreter. The problems are generated here (`generate.py`, seeded; the ordinary ones
and, with `--placeable`, the placeable ones) and every solution is checked and scored here with
`validate()` and `evaluate()`, so that both versions are measured by the same rules. Prints a
Markdown table of penalty points per problem and run, each with the penalty bound the run proved
(a change to the bound shows there, beside a change to the grouping), the means, and how many
pairs and problems NEW made cheaper; docs/decisions.md quotes such tables.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from verme.grouping import problem_from_dict, problem_to_dict, solution_from_dict, validate
from verme.grouping.evaluate import evaluate

from .generate import generate


@dataclass(frozen=True)
class Run:
    """One run's result: its penalty points and the penalty bound it proved."""

    penalty: float
    bound: float


@dataclass(frozen=True)
class Case:
    size: int
    seed: int
    placeable: bool

    @property
    def name(self) -> str:
        kind = "placeable " if self.placeable else ""
        return f"{self.size:,} {kind}seed {self.seed}"


Results = dict[Case, tuple[list[Run], list[Run]]]
"""The runs per problem: (OLD's, NEW's)."""


def require_checkout(path: Path) -> None:
    """Refuse a directory that is not a checkout of Verme: `solve_in` imports the checkout's own
    `verme` because it is the working directory, which comes first on the path, and an installed
    `verme` would answer for a directory without one (one code compared with itself)."""
    if not (path / "verme" / "grouping" / "__main__.py").is_file():
        raise ValueError(f"{path} is not a checkout of Verme (no verme/grouping/__main__.py)")


def solve_in(checkout: Path, problem: Path, solution: Path, time_limit: float) -> None:
    """Run the optimiser of `checkout` on `problem`, writing `solution`."""
    command = [
        sys.executable,
        "-m",
        "verme.grouping",
        "solve",
        str(problem),
        "-o",
        str(solution),
        "--time-limit",
        str(time_limit),
    ]
    subprocess.run(command, cwd=checkout, capture_output=True, text=True, check=True)


def run_of(problem_file: Path, solution_file: Path) -> Run:
    """The solution's penalty, scored here, and the penalty bound it reports; a solution that
    breaks a hard rule is an error."""
    problem = problem_from_dict(json.loads(problem_file.read_text()))
    solution = solution_from_dict(json.loads(solution_file.read_text()))
    broken = validate(problem, solution)
    if broken:
        raise ValueError(f"{solution_file} breaks hard rules: {broken[:3]}")
    return Run(evaluate(problem, solution).penalty, solution.penalty_bound)


def compare(
    old: Path, new: Path, cases: Sequence[Case], runs: int, time_limit: float, work: Path
) -> Results:
    """The runs per case: (OLD's, NEW's), the two taking turns."""
    for checkout in (old, new):
        require_checkout(checkout)
    results: Results = {c: ([], []) for c in cases}
    for case in cases:
        data = problem_to_dict(generate(case.size, case.seed, placeable=case.placeable))
        (work / f"{_file(case)}.json").write_text(json.dumps(data))
    for number in range(runs):
        for case in cases:
            problem = work / f"{_file(case)}.json"
            for side, checkout in enumerate((old, new)):
                solution = work / f"{_file(case)}-{side}-{number}.solution.json"
                solve_in(checkout, problem, solution, time_limit)
                results[case][side].append(run_of(problem, solution))
    return results


def table(results: Results, old: str, new: str) -> str:
    """The Markdown table (penalty points, each with its proven bound in brackets), the means
    and the count of pairs and problems NEW made cheaper."""
    lines = [f"| problem | {old} | {new} |", "|---|---|---|"]
    for case, (before, after) in results.items():
        lines.append(f"| {case.name} | {_runs(before)} | {_runs(after)} |")
    before = [r for b, _ in results.values() for r in b]
    after = [r for _, a in results.values() for r in a]
    for label, value in (("mean", _penalty), ("mean bound", _bound)):
        mean_old = sum(map(value, before)) / len(before)
        mean_new = sum(map(value, after)) / len(after)
        change = 100.0 * (mean_new - mean_old) / mean_old if mean_old else 0.0
        lines.append(f"| {label} | {mean_old:,.1f} | {mean_new:,.1f} ({change:+.1f} %) |")
    pairs = [
        (b.penalty, a.penalty)
        for b_runs, a_runs in results.values()
        for b, a in zip(b_runs, a_runs, strict=True)
    ]
    lower = sum(1 for b, a in pairs if a < b)
    higher = sum(1 for b, a in pairs if a > b)
    cheaper = sum(1 for b, a in results.values() if sum(map(_penalty, a)) < sum(map(_penalty, b)))
    lines.append("")
    lines.append(
        f"{new} lower in {lower} of {len(pairs)} pairs, higher in {higher}; lower on average "
        f"for {cheaper} of {len(results)} problems."
    )
    return "\n".join(lines)


def _runs(runs: list[Run]) -> str:
    return ", ".join(f"{r.penalty:,.0f} ({r.bound:,.0f})" for r in runs)


def _penalty(run: Run) -> float:
    return run.penalty


def _bound(run: Run) -> float:
    return run.bound


def _file(case: Case) -> str:
    return f"{case.size}-{'p' if case.placeable else 'o'}{case.seed}"


def _seeds(text: str) -> list[int]:
    """'1-6' or '1,2,3'."""
    if "-" in text:
        first, last = text.split("-", 1)
        return list(range(int(first), int(last) + 1))
    return [int(s) for s in text.split(",")]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.grouping.compare",
        description=(
            "Run two checkouts of Verme's optimiser on the same generated problems, taking "
            "turns, and print a Markdown table of penalty points per problem and run, each "
            "with the penalty bound the run proved in brackets, scored and checked by this "
            "checkout."
        ),
    )
    parser.add_argument("old", type=Path, help="checkout of the code before (a directory)")
    parser.add_argument("new", type=Path, help="checkout of the code after (a directory)")
    parser.add_argument("--size", type=int, default=1000, help="registrants (default: 1000)")
    parser.add_argument(
        "--seeds", default="1-6", help="generator seeds, '1-6' or '1,2,3' (default: 1-6)"
    )
    parser.add_argument(
        "--placeable",
        choices=("no", "also", "only"),
        default="also",
        help="placeable problems too, only, or not at all (default: also)",
    )
    parser.add_argument("--runs", type=int, default=2, help="runs per problem (default: 2)")
    parser.add_argument(
        "--time-limit", type=float, default=60.0, help="seconds per run (default: 60)"
    )
    parser.add_argument(
        "--json", type=Path, help="also write the penalties and bounds to this file"
    )
    args = parser.parse_args(argv)
    for checkout in (args.old, args.new):
        try:
            require_checkout(checkout)
        except ValueError as error:
            parser.error(str(error))
    kinds = {"no": (False,), "also": (False, True), "only": (True,)}[args.placeable]
    cases = [Case(args.size, s, p) for p in kinds for s in _seeds(args.seeds)]
    with tempfile.TemporaryDirectory(prefix="verme-compare-") as work:
        results = compare(args.old, args.new, cases, args.runs, args.time_limit, Path(work))
    print(table(results, "before", "after"))
    if args.json is not None:
        data = [
            {
                "problem": c.name,
                "before": [r.penalty for r in before],
                "after": [r.penalty for r in after],
                "before_bounds": [r.bound for r in before],
                "after_bounds": [r.bound for r in after],
            }
            for c, (before, after) in results.items()
        ]
        args.json.write_text(json.dumps(data, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
