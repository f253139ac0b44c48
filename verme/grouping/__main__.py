"""Command line: `python -m verme.grouping solve|validate|compile ...` (see --help)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .columns import warm_up
from .exchange import (
    FormatError,
    problem_from_dict,
    read_json,
    solution_from_dict,
    solution_to_dict,
    write_json,
)
from .rules import validate
from .solver import solve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m verme.grouping",
        description=(
            "Form Verme peer-mentoring groups from a verme-grouping/1 problem, or check a "
            "solution against the hard rules. Formats: docs/grouping.md."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    solve_cmd = commands.add_parser(
        "solve",
        help="form groups and write a verme-grouping-solution/1 file",
        description=(
            "Form groups that keep every hard rule and score best on the weighted soft criteria. "
            "Prints a one-line summary; exit status 0 when a solution was written, 2 on bad input."
        ),
    )
    solve_cmd.add_argument(
        "problem", type=Path, metavar="PROBLEM.json", help="the problem to solve"
    )
    solve_cmd.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="SOLUTION.json",
        help="where to write the solution (default: standard output)",
    )
    solve_cmd.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help="stop after about S seconds with the best grouping found "
        "(default: the problem's time_limit_s, else 30)",
    )
    solve_cmd.add_argument(
        "--seed", type=int, default=0, help="random seed of the search (default 0)"
    )
    solve_cmd.add_argument("-q", "--quiet", action="store_true", help="print no progress")
    check_cmd = commands.add_parser(
        "validate",
        help="list every hard rule a solution breaks",
        description=(
            "Check a solution against every hard rule of its problem and print each broken rule. "
            "Exit status 0 when nothing is broken, 1 when something is, 2 on bad input."
        ),
    )
    check_cmd.add_argument("problem", type=Path, metavar="PROBLEM.json")
    check_cmd.add_argument("solution", type=Path, metavar="SOLUTION.json")
    commands.add_parser(
        "compile",
        help="compile the pricing search ahead of the first solve",
        description=(
            "Compile the optimiser's pricing search into machine code and keep it in numba's "
            "cache (NUMBA_CACHE_DIR when set, else beside the code, or the user's cache "
            "directory when the code is read-only), "
            "so that the first solve does not spend seconds compiling. Run once after "
            "installing or upgrading Verme; `make install` does."
        ),
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "compile":
        warm_up()
        print("compiled: the pricing search is in numba's cache", file=sys.stderr)
        return 0
    try:
        problem = problem_from_dict(read_json(args.problem))
        if args.command == "validate":
            solution = solution_from_dict(read_json(args.solution))
    except (OSError, ValueError, FormatError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "validate":
        violations = validate(problem, solution)
        for v in violations:
            print(f"rule {v.rule}: {v.message}")
        if violations:
            print(f"{len(violations)} broken hard rules", file=sys.stderr)
            return 1
        print("valid: every hard rule holds")
        return 0

    def progress(fraction: float, message: str) -> None:
        if not args.quiet:
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr)

    result = solve(problem, time_limit_s=args.time_limit, progress=progress, seed=args.seed)
    data = solution_to_dict(result)
    if args.output is None:
        import json

        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        write_json(args.output, data)
    placed = sum(len(g.members) for g in result.groups)
    print(
        f"{result.status}: {len(result.groups)} groups, {placed} placed, "
        f"{len(result.unassigned)} unassigned; objective {result.objective:g}, "
        f"bound {result.bound:g}, penalty {result.penalty:g} (>= {result.penalty_bound:g}), "
        f"{result.seconds:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
