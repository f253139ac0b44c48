"""`python -m bench.grouping.terms`: where a grouping's penalty points come from.

Solves a generated problem and prints one JSON line with the penalty split by soft criterion
(the terms of `scoring.group_penalty`, with the theme term split into listed wishes other than
the first and no wish at all), so that one can see which criteria the search still pays for;
docs/decisions.md quotes it for 1,000 registrants.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence

from verme.grouping import Problem, Solution, solve
from verme.grouping.instance import Instance, Topic

from .generate import generate

TERMS = (
    "kind",
    "theme_rank",
    "no_wish",
    "size",
    "unit_share",
    "mentor_theme",
    "lone_novice",
    "no_experienced",
    "unassigned",
)
"""The criteria `penalty_terms` splits a penalty into, every one of them in every answer."""


def penalty_terms(problem: Problem, solution: Solution) -> dict[str, float]:
    """The solution's penalty per criterion of `TERMS` (0 where nothing is paid); the values
    add up to `solution.penalty`."""
    inst = Instance(problem)
    w = inst.weights
    terms = dict.fromkeys(TERMS, 0.0)
    for group in solution.groups:
        k = inst.position_index[group.id]
        members = [inst.index[m] for m in group.members]
        topic = Topic(group.kind or "theme", group.focus)
        n = len(members)
        terms["mentor_theme"] += inst.mentor_theme_cost(inst.positions[k], group.theme)
        terms["size"] += w.size * abs(n - inst.size.target)
        novices = 0
        for i in members:
            cost = inst.theme_cost[i][group.theme]
            terms["no_wish" if group.theme not in inst.people[i].themes else "theme_rank"] += cost
            terms["kind"] += inst.topic_cost(i, topic)
            novices += inst.novice[i]
        if topic.kind != "unit":
            units = Counter(inst.people[i].unit for i in members if inst.people[i].unit is not None)
            limit = w.max_unit_share * n
            terms["unit_share"] += w.unit_share * sum(max(0.0, c - limit) for c in units.values())
        terms["lone_novice"] += w.lone_novice if novices == 1 else 0.0
        terms["no_experienced"] += w.no_experienced if novices == n else 0.0
    terms["unassigned"] = w.unassigned * len(solution.unassigned)
    return terms


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.grouping.terms",
        description=(
            "Solve a generated problem and print one JSON line: the penalty, its proven bound "
            "and the penalty split by soft criterion."
        ),
    )
    parser.add_argument("--size", type=int, default=1000, help="registrants (default: 1000)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default: 1)")
    parser.add_argument(
        "--time-limit", type=float, default=60.0, help="seconds for the solver (default: 60)"
    )
    args = parser.parse_args(argv)
    problem = generate(args.size, args.seed)
    solution = solve(problem, time_limit_s=args.time_limit)
    print(
        json.dumps(
            {
                "size": args.size,
                "seed": args.seed,
                "time_limit": args.time_limit,
                "penalty": solution.penalty,
                "penalty_bound": solution.penalty_bound,
                "terms": penalty_terms(problem, solution),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
