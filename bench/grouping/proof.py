"""`python -m bench.grouping.proof`: branch and price alone, from a given best penalty.

Measures how quickly the tree proves that nothing beats a grouping of `--incumbent` penalty
points in a generated problem (or how far its bound gets in `--time-limit` seconds), without the
rest of the solver: column generation to the root LP, then `branch_and_price`. This is how the
choices in the tree are compared in docs/decisions.md; give the incumbent the best penalty the
solver finds (60 registrants: 151, 111 and 113 for seeds 1, 2 and 3).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence

from verme.grouping.branching import branch_and_price
from verme.grouping.columns import ColumnGeneration
from verme.grouping.instance import Instance

from .generate import generate

ROOT_LIMIT_S = 30.0
"""Seconds for the root's column generation (60 registrants converge in about a second)."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.grouping.proof",
        description=(
            "Run branch and price alone on a generated problem, from a given best penalty, "
            "and print one JSON line: the root bound, the nodes searched, the bound reached, "
            "whether the tree was searched to the end (proved) and the seconds it took."
        ),
    )
    parser.add_argument("--size", type=int, default=60, help="registrants (default: 60)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default: 1)")
    parser.add_argument(
        "--incumbent",
        type=float,
        required=True,
        help="penalty of the best grouping known; the tree looks for a better one",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=60.0,
        help="seconds for the tree after the root LP (default: 60)",
    )
    args = parser.parse_args(argv)
    inst = Instance(generate(args.size, args.seed))
    generation = ColumnGeneration(inst)
    started = time.monotonic()
    root = generation.generate(started + ROOT_LIMIT_S, caps=False)
    rooted = time.monotonic()
    proof = branch_and_price(generation, args.incumbent, root.bound, rooted + args.time_limit)
    ended = time.monotonic()
    print(
        json.dumps(
            {
                "size": args.size,
                "seed": args.seed,
                "incumbent": args.incumbent,
                "root_bound": root.bound,
                "root_converged": root.converged,
                "root_s": round(rooted - started, 2),
                "nodes": proof.nodes,
                "bound": proof.bound,
                "penalty": proof.penalty,
                "proved": proof.proved,
                "tree_s": round(ended - rooted, 2),
                "columns": len(generation.columns),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
