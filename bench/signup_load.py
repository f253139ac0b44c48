"""Load benchmark of the public sign-up: 1,000 sign-ups from 50 concurrent clients.

The app is served by gunicorn on a loopback port exactly as in production (DEBUG off, collected
static files), on a fresh SQLite file or a scratch PostgreSQL database. Each sign-up is what a
browser does: GET the form (CSRF cookie and token), then POST it; a 302 to the private link is a
success. The same clients then measure ``/healthz`` (one ``SELECT 1``), the framework's floor on
this machine, so the sign-up figure can be read as a fraction of it.

The sign-up form allows a few submissions per client address in a window
(``SIGNUP_RATE_LIMIT`` per ``SIGNUP_RATE_WINDOW_S``). The clients therefore connect from distinct
loopback addresses (127.0.x.y, Linux routes the whole 127/8 to lo), a few sign-ups each, like
staff behind their schools' different networks; nothing is spoofed and the limit stays on.

``python -m bench.signup_load --help`` runs it alone; ``python -m bench`` runs it with the rest.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
SCRATCH_DATABASE = "verme_bench"
SIGNUPS_PER_ADDRESS = 5  # below the form's default per-address limit (SIGNUP_RATE_LIMIT)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- Measurements ---------------------------------------------------------------------------------


@dataclass
class Timings:
    """Latencies of one kind of request in one run, and what went wrong."""

    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, elapsed: float) -> None:
        with self.lock:
            self.seconds.append(elapsed)

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)

    def percentile(self, p: float) -> float:
        if not self.seconds:
            return float("nan")
        ordered = sorted(self.seconds)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000


@dataclass
class RunResult:
    database: str
    clients: int
    workers: int
    healthz_requests: int
    healthz_wall_s: float
    healthz: Timings
    signups: int
    signup_wall_s: float
    form: Timings
    submit: Timings
    registrations_after: int

    @property
    def healthz_rps(self) -> float:
        return len(self.healthz.seconds) / self.healthz_wall_s

    @property
    def signups_per_s(self) -> float:
        return len(self.submit.seconds) / self.signup_wall_s

    @property
    def errors(self) -> int:
        return len(self.healthz.errors) + len(self.form.errors) + len(self.submit.errors)

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.registrations_after == self.signups

    def as_dict(self) -> dict[str, Any]:
        def summary(t: Timings) -> dict[str, Any]:
            return {
                "count": len(t.seconds),
                "errors": len(t.errors),
                "p50_ms": round(t.percentile(50), 1),
                "p95_ms": round(t.percentile(95), 1),
                "p99_ms": round(t.percentile(99), 1),
                "first_errors": t.errors[:5],
            }

        return {
            "database": self.database,
            "clients": self.clients,
            "workers": self.workers,
            "healthz_rps": round(self.healthz_rps, 1),
            "signups_per_s": round(self.signups_per_s, 1),
            "ratio": round(self.signups_per_s / self.healthz_rps, 3),
            "signups": self.signups,
            "signup_wall_s": round(self.signup_wall_s, 2),
            "registrations_after": self.registrations_after,
            "healthz": summary(self.healthz),
            "form": summary(self.form),
            "submit": summary(self.submit),
            "ok": self.ok,
        }


# --- The HTTP client ------------------------------------------------------------------------------


def client_address(index: int) -> str:
    """The loopback address of the ``index``-th sign-up: a new address every few sign-ups."""
    n = index // SIGNUPS_PER_ADDRESS
    return f"127.0.{n // 250 + 1}.{n % 250 + 1}"


def _request(
    port: int,
    method: str,
    path: str,
    *,
    source: str = "127.0.0.1",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=60, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        payload = response.read()
        cookies = "; ".join(
            value.split(";", 1)[0] for key, value in response.getheaders() if key == "Set-Cookie"
        )
        return (
            response.status,
            {"cookies": cookies, "location": response.getheader("Location") or ""},
            payload,
        )
    finally:
        connection.close()


def _run_clients(clients: int, jobs: int, job: Callable[[int], None]) -> float:
    """Run ``job(i)`` for i in range(jobs) on ``clients`` threads; return the wall time."""
    work: queue.SimpleQueue[int | None] = queue.SimpleQueue()
    for index in range(jobs):
        work.put(index)
    for _ in range(clients):
        work.put(None)

    def worker() -> None:
        while (index := work.get()) is not None:
            job(index)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def _signup_body(setup: dict[str, Any], index: int, token: str, rng: random.Random) -> bytes:
    themes = rng.sample(setup["theme_ids"], k=min(2, len(setup["theme_ids"])))
    slots = rng.sample(setup["slot_ids"], k=min(len(setup["slot_ids"]), setup["min_slots"] + 2))
    fields: list[tuple[str, str]] = [
        ("csrfmiddlewaretoken", token),
        ("first_name", f"Testi{index}"),
        ("last_name", "Kuormittaja"),
        ("email", f"bench{index}@example.org"),
        ("job_title", "teacher"),
        ("unit", str(rng.choice(setup["unit_ids"]))),
        ("school_level", "primary"),
        ("subjects", "matematiikka"),
        ("years_in_profession", str(rng.randint(0, 35))),
        ("career_stage", rng.choice(["new", "returning", "experienced"])),
        ("theme_1", str(themes[0])),
        ("group_language", setup["languages"][0]),
        ("consent", "on"),
        ("website", ""),
        ("needs", ""),
    ]
    if len(themes) > 1:
        fields.append(("theme_2", str(themes[1])))
    fields += [("group_kinds", kind) for kind in setup["group_kinds"][:2]]
    fields += [("availability", str(slot)) for slot in slots]
    return urllib.parse.urlencode(fields).encode()


def measure_healthz(port: int, clients: int, requests: int) -> tuple[Timings, float]:
    timings = Timings()

    def job(index: int) -> None:
        started = time.perf_counter()
        try:
            status, _, _ = _request(port, "GET", "/healthz", source=client_address(index))
        except OSError as exc:
            timings.fail(f"healthz: {exc}")
            return
        if status == 200:
            timings.add(time.perf_counter() - started)
        else:
            timings.fail(f"healthz: HTTP {status}")

    return timings, _run_clients(clients, requests, job)


def measure_signups(
    port: int, clients: int, signups: int, setup: dict[str, Any]
) -> tuple[Timings, Timings, float]:
    form, submit = Timings(), Timings()
    path = setup["signup_path"]

    def job(index: int) -> None:
        rng = random.Random(index)
        source = client_address(index)
        try:
            started = time.perf_counter()
            status, meta, html = _request(port, "GET", path, source=source)
            if status != 200:
                form.fail(f"form: HTTP {status}")
                return
            form.add(time.perf_counter() - started)
            match = CSRF_INPUT.search(html.decode())
            if match is None or "csrftoken" not in meta["cookies"]:
                form.fail("form: no CSRF token")
                return
            body = _signup_body(setup, index, match.group(1), rng)
            started = time.perf_counter()
            status, meta, page = _request(
                port,
                "POST",
                path,
                source=source,
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": meta["cookies"],
                },
            )
        except OSError as exc:
            submit.fail(f"submit: {exc}")
            return
        if status == 302 and "/r/" in meta["location"]:
            submit.add(time.perf_counter() - started)
        else:
            errors = re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', page.decode())
            submit.fail(f"submit: HTTP {status} {' '.join(errors)[:300]}")

    wall = _run_clients(clients, signups, job)
    return form, submit, wall


def _warm_up(port: int, clients: int, path: str) -> None:
    """One form per client first, so every worker has imported, compiled and connected."""

    def job(index: int) -> None:
        _request(port, "GET", path)

    _run_clients(clients, clients, job)


# --- The server and its database ------------------------------------------------------------------


def _server_env(database_env: dict[str, str]) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    return {
        **keep,
        **database_env,
        "VERME_DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false",
        "SECURE_HSTS_PRELOAD": "false",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "verme.settings",
    }


def _run(env: dict[str, str], *args: str) -> str:
    """Run Python in the project with the benchmark's environment; fail with its output."""
    result = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _manage(env: dict[str, str], *args: str) -> str:
    return _run(env, "manage.py", *args)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def gunicorn(env: dict[str, str], workers: int) -> Iterator[int]:
    port = _free_port()
    process = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "verme.wsgi:application",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers),
            "--backlog", "2048",
            "--timeout", "120",
            "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def sqlite_database() -> Iterator[tuple[str, dict[str, str]]]:
    folder = Path(tempfile.mkdtemp(prefix="verme-bench-"))
    try:
        yield "SQLite", {"SQLITE_PATH": str(folder / "bench.sqlite3")}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_database() -> Iterator[tuple[str, dict[str, str]]]:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {SCRATCH_DATABASE}")
        version = str(admin.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{SCRATCH_DATABASE}"
    try:
        yield f"PostgreSQL {version.split()[0]}", {"DATABASE_URL": url}
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")


DATABASES = {"sqlite": sqlite_database, "postgres": postgres_database}


def run_one(
    database: str, *, signups: int, clients: int, workers: int, healthz_requests: int
) -> RunResult:
    """Fresh database, migrate, set up an open round, serve, measure, count, tear down."""
    with DATABASES[database]() as (label, database_env):
        env = _server_env(database_env)
        _manage(env, "migrate", "--noinput")
        _manage(env, "createcachetable")
        _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        setup = json.loads(_run(env, "-m", "bench.signup_load", "setup"))
        with gunicorn(env, workers) as port:
            _warm_up(port, clients, setup["signup_path"])
            healthz, healthz_wall = measure_healthz(port, clients, healthz_requests)
            form, submit, signup_wall = measure_signups(port, clients, signups, setup)
        count = _run(env, "-m", "bench.signup_load", "count", str(setup["round_id"]))
        return RunResult(
            database=label,
            clients=clients,
            workers=workers,
            healthz_requests=healthz_requests,
            healthz_wall_s=healthz_wall,
            healthz=healthz,
            signups=signups,
            signup_wall_s=signup_wall,
            form=form,
            submit=submit,
            registrations_after=int(count.strip()),
        )


# --- Inside the Django process: set-up and count --------------------------------------------------


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verme.settings")
    django.setup()


def bench_setup() -> dict[str, Any]:
    """An organisation with units and an open round, made through the services."""
    _django()
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from verme.organisations.models import Organisation, Unit
    from verme.organisations.services import unit_create
    from verme.rounds.selectors import round_slots
    from verme.rounds.services import (
        RoundData,
        ThemeInput,
        round_create,
        round_open,
        round_set_themes,
    )

    organisation = Organisation(slug="bench", name={"fi": "Kuormakunta"}, languages=["fi", "sv"])
    organisation.full_clean()
    organisation.save()
    units = [
        unit_create(actor=None, organisation=organisation, name=f"Koulu {n}", kind=Unit.Kind.SCHOOL)
        for n in range(1, 21)
    ]
    today = timezone.localdate()
    round_ = round_create(
        actor=None,
        organisation=organisation,
        data=RoundData(
            name={"fi": "Kuormitustesti", "sv": "Belastningstest"},
            school_year=f"{today.year}–{today.year + 1}",
            signup_opens_on=today - datetime.timedelta(days=1),
            signup_closes_on=today + datetime.timedelta(days=30),
            languages=["fi", "sv"],
        ),
    )
    themes = round_set_themes(
        actor=None,
        round_=round_,
        themes=[
            ThemeInput(name={"fi": name})
            for name in ("Hyvinvointi", "Arviointi", "Uudet opettajat", "Digitaalisuus")
        ],
    )
    round_open(actor=None, round_=round_)
    return {
        "round_id": round_.pk,
        "signup_path": reverse(
            "registrations:signup", kwargs={"slug": organisation.slug, "pk": round_.pk}
        ),
        "unit_ids": [unit.pk for unit in units],
        "theme_ids": [theme.pk for theme in themes],
        "slot_ids": [slot.pk for slot in round_slots(round_=round_)],
        "min_slots": round_.min_slots,
        "group_kinds": list(round_.group_kinds),
        "languages": list(round_.languages),
    }


def bench_count(round_id: int) -> int:
    _django()
    from verme.registrations.models import Registration

    return Registration.objects.unscoped().filter(round_id=round_id).count()


# --- Reporting ------------------------------------------------------------------------------------


def markdown_table(results: list[RunResult]) -> str:
    lines = [
        "| database | clients × workers | /healthz req/s | sign-ups/s | ratio | "
        "form GET p50 / p95 / p99 ms | sign-up POST p50 / p95 / p99 ms | "
        "registrations | errors |",
        "|---|---|---:|---:|---:|---|---|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.database} | {r.clients} × {r.workers} | {r.healthz_rps:.0f} | "
            f"{r.signups_per_s:.1f} | {r.signups_per_s / r.healthz_rps:.3f} | "
            f"{r.form.percentile(50):.0f} / {r.form.percentile(95):.0f} / "
            f"{r.form.percentile(99):.0f} | "
            f"{r.submit.percentile(50):.0f} / {r.submit.percentile(95):.0f} / "
            f"{r.submit.percentile(99):.0f} | "
            f"{r.registrations_after} of {r.signups} | {r.errors} |"
        )
    return "\n".join(lines)


def run(
    *, databases: list[str], signups: int, clients: int, workers: int, healthz_requests: int
) -> list[RunResult]:
    results = []
    for database in databases:
        print(f"sign-up load: {database}, {signups} sign-ups, {clients} clients …", flush=True)
        result = run_one(
            database,
            signups=signups,
            clients=clients,
            workers=workers,
            healthz_requests=healthz_requests,
        )
        print(json.dumps(result.as_dict(), indent=2), flush=True)
        results.append(result)
    return results


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench.signup_load",
        description="Sign-up load benchmark: gunicorn + SQLite and PostgreSQL, 50 clients.",
    )
    p.add_argument("command", nargs="?", default="run", choices=["run", "setup", "count"])
    p.add_argument("round_id", nargs="?", type=int, help="for `count`")
    p.add_argument("--database", choices=[*DATABASES, "both"], default="both")
    p.add_argument("--signups", type=int, default=1000)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--workers", type=int, default=4, help="gunicorn workers (2–4 on 2 cores)")
    p.add_argument("--healthz-requests", type=int, default=2000)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "setup":
        print(json.dumps(bench_setup()))
        return 0
    if args.command == "count":
        print(bench_count(args.round_id))
        return 0
    databases = list(DATABASES) if args.database == "both" else [args.database]
    results = run(
        databases=databases,
        signups=args.signups,
        clients=args.clients,
        workers=args.workers,
        healthz_requests=args.healthz_requests,
    )
    print(markdown_table(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
