"""``python -m bench``: every benchmark of Verme, with the figures written to docs/benchmarks.md.

The sign-up load benchmark runs here (SQLite, then PostgreSQL); the group optimiser's benchmark
runs as ``python -m bench.grouping`` and writes docs/benchmarks-grouping.md itself.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path

from bench import signup_load

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
GROUPING_REPORT = "benchmarks-grouping.md"

FULL = {"signups": 1000, "clients": 50, "healthz_requests": 2000}
QUICK = {"signups": 200, "clients": 20, "healthz_requests": 500}


def machine() -> list[str]:
    """The machine as Markdown list items, with its load right now."""
    cpu = "unknown"
    memory = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
            break
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        f"- CPU: {cpu}, `nproc` = {os.cpu_count()}",
        f"- Load average when the run started (1, 5, 15 min): {load}; other work on the machine "
        "lowers every figure",
        f"- Memory: {memory}",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}",
    ]


def write_report(
    results: list[signup_load.RunResult], *, command: str, sizes: dict[str, int], machine: list[str]
) -> None:
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = f"""# Benchmarks

Written by `python -m bench` (`make bench`); do not edit the figures by hand, run it again.
The group optimiser's benchmark has its own page: [{GROUPING_REPORT}]({GROUPING_REPORT}).

## The run

- Date: {today}
- Command: `{command}`
{chr(10).join(machine)}

## Public sign-up under load

{sizes["signups"]} people sign up through the public form, {sizes["clients"]} at a time. The app is
served by gunicorn ({results[0].workers if results else "?"} sync workers) on a loopback port, with
DEBUG off and collected static files, against a freshly migrated database: a SQLite file (WAL,
immediate transactions), then a scratch PostgreSQL database created and dropped by the benchmark.
Each sign-up is what a browser does: GET the form (CSRF cookie and token), then POST it; a
redirect to the private link counts as success. Afterwards the benchmark counts the round's
registrations: there must be exactly {sizes["signups"]} and no error.

The floor is `/healthz` (one `SELECT 1` through the whole middleware stack), served the same way
in the same run by the same {sizes["clients"]} clients ({sizes["healthz_requests"]} requests).
*ratio* is sign-ups per second divided by `/healthz` requests per second: the share of the
framework's bare throughput that a complete sign-up (two requests; the registration, its time
slots and the confirmation e-mail written in one transaction) reaches.

{signup_load.markdown_table(results)}

Reading the figures:

- The load generator (Python threads, `http.client`) runs on the same machine as the server and
  takes part of its CPU; every figure is a floor for a server of its own.
- The form page renders every theme, unit and weekly time slot; the two halves cost about the
  same. The POST
  validates, writes the registration and its time slots, and queues the confirmation e-mail in
  the same transaction. No task worker runs during the benchmark, so the
  e-mails wait in the queue (in production `manage.py db_worker` sends them).
- SQLite serialises writers; its sign-ups queue on the write lock (busy timeout 20 s) instead of
  failing. PostgreSQL keeps a connection per worker (`DATABASE_CONN_MAX_AGE`). With one client
  at a time a sign-up costs about the same on both (`python -m bench.signup_load --clients 1
  --signups 40`); under 50 clients the PostgreSQL server's own processes compete for the same
  two cores as the four workers and the load generator, which SQLite, running inside the
  workers, does not.
- The sign-up form accepts `SIGNUP_RATE_LIMIT` submissions per client address in
  `SIGNUP_RATE_WINDOW_S` (30 in ten minutes by default), so the clients connect from distinct
  loopback addresses
  (127.0.x.y), {signup_load.SIGNUPS_PER_ADDRESS} sign-ups each: the limit stays on and is
  exercised (its counters live in the database cache).
"""  # noqa: S608 (Markdown, not SQL)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(text)
    print(f"wrote {REPORT.relative_to(ROOT)}")


def run_grouping(quick: bool) -> int:
    if importlib.util.find_spec("bench.grouping.__main__") is None:
        print("python -m bench.grouping is not there yet: the grouping benchmark was skipped.")
        return 1
    command = [sys.executable, "-m", "bench.grouping", *(["--quick"] if quick else [])]
    print("running", shlex.join(command), flush=True)
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Run Verme's benchmarks: the sign-up load benchmark (gunicorn on SQLite and on "
            "PostgreSQL; figures in docs/benchmarks.md) and the group optimiser's benchmark "
            "(python -m bench.grouping; figures in docs/benchmarks-grouping.md)."
        ),
    )
    p.add_argument(
        "--only", choices=["signup", "grouping"], help="run one benchmark instead of both"
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="a smaller run for a quick check: 200 sign-ups from 20 clients",
    )
    p.add_argument(
        "--database",
        choices=["sqlite", "postgres", "both"],
        default="both",
        help="databases of the sign-up benchmark (PostgreSQL on 127.0.0.1:5432, see "
        "BENCH_POSTGRES_URL)",
    )
    p.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command = shlex.join(["python", "-m", "bench", *(sys.argv[1:] if argv is None else argv)])
    status = 0
    if args.only in (None, "signup"):
        sizes = QUICK if args.quick else FULL
        databases = list(signup_load.DATABASES) if args.database == "both" else [args.database]
        started_on = machine()
        results = signup_load.run(databases=databases, workers=args.workers, **sizes)
        print(signup_load.markdown_table(results))
        write_report(results, command=command, sizes=sizes, machine=started_on)
        status |= 0 if all(result.ok for result in results) else 1
    if args.only in (None, "grouping"):
        status |= run_grouping(args.quick)
    return status


if __name__ == "__main__":
    sys.exit(main())
