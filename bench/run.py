"""`make bench`: throughput and latency of the main pages on PostgreSQL + Redis + gunicorn.

Steps, all on this machine (loopback only):
1. a scratch PostgreSQL database (``xuexin_bench``) and Redis database 5, production settings
   (DEBUG off) except a plain-HTTP listener and the benchmark's baseline view;
2. the demo data plus N scale people (``seed_demo --persons N``), for each N in --sizes;
3. gunicorn with one sync worker per core; wrk with 16 connections against, side by side:
   the bare baseline view, the home page, the logged-in 学籍 page, the public report page
   and the JSON API, every page measured in turn and the whole round repeated (--rounds);
4. a table of requests/s, p50 and p99 and each page's ratio to the baseline, per size, and
   the large/small p50 ratio; written to bench/RESULTS.md with the machine's description.

It is a measurement, not a test: it asserts nothing and fails only if a step cannot run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8097
DB_NAME = "xuexin_bench"
PG = "postgres://postgres@127.0.0.1:5432"

PAGES = [
    ("baseline", "/bench/baseline", False),
    ("home", "/", False),
    ("xueji (logged in)", "/archive/xueji/", True),
    ("public report", "/verify/{code}/", False),
    ("JSON API", "/api/v1/reports/{code}", False),
]
TARGETS = {"xueji (logged in)": 0.30, "public report": 0.40}


def bench_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XUEXIN_"))}
    env.update({
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": "redis://127.0.0.1:6379/5",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "XUEXIN_SECURE_SSL_REDIRECT": "false",
        "XUEXIN_BENCH_MODE": "true",
        # Every request comes from 127.0.0.1 here: lift the per-address lookup throttle.
        "XUEXIN_VERIFY_RATE": "100000000/s",
        "XUEXIN_REPORT_SIGNING_KEY_FILE_ALLOWED": "true",
        "XUEXIN_VAR_DIR": str(BASE_DIR / "var" / "bench"),
        # A worker recycled mid-run stalls its queue for a second and is all p99 would show.
        "GUNICORN_MAX_REQUESTS": "0",
    })  # fmt: skip
    return env


def run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    return subprocess.run(args, cwd=BASE_DIR, env=env, check=True, **kwargs)


def manage(env: dict[str, str], *args: str, quiet: bool = True) -> str:
    result = run([PYTHON, "manage.py", *args], env, capture_output=quiet, text=True)
    return result.stdout if quiet else ""


def reset_database(env: dict[str, str]) -> None:
    run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], env)
    run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], env)
    run(["redis-cli", "-n", "5", "flushdb"], env, capture_output=True)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")


PREPARE = """
import datetime
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from django.conf import settings
from accounts.demo import STUDENT
from accounts.models import User
from verification import services
from verification.models import VerificationReport
student = User.objects.get(phone=STUDENT.phone)
session = SessionStore()
session[SESSION_KEY] = str(student.pk)
session[BACKEND_SESSION_KEY] = "accounts.backends.PhoneEmailOrIdBackend"
session[HASH_SESSION_KEY] = student.get_session_auth_hash()
session.create()
report = VerificationReport.objects.live().filter(owner=student).first()
if report is None:
    record = student.person.enrollments.first()
    report = services.report_issue(owner=student, record=record, months=6)
print(settings.SESSION_COOKIE_NAME, session.session_key, report.code)
"""


def prepare(env: dict[str, str]) -> tuple[str, str]:
    cookie_name, session_key, code = manage(env, "shell", "-c", PREPARE).split()[-3:]
    return f"{cookie_name}={session_key}", code


def start_gunicorn(env: dict[str, str], workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{PORT}", "--workers", str(workers), "xuexin.wsgi"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/baseline", timeout=1)  # noqa: S310
            return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


@dataclass
class Result:
    page: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str, cookie: str | None, seconds: int, connections: int
) -> tuple[float, float, float, int]:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        args[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    # Anchored to the start of the line: "83.50%" in the thread stats must not count as 50%.
    p50 = _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    return rps, p50, p99, errors


def measure(cookie: str, code: str, seconds: int, connections: int, rounds: int) -> list[Result]:
    """Every page in turn, ``rounds`` times over, so that a slow spell of the machine falls on
    all pages alike; per page the mean requests/s and p50 over the rounds and the worst p99."""
    runs: dict[str, list[tuple[float, float, float, int]]] = {name: [] for name, _, _ in PAGES}
    for number in range(1, rounds + 1):
        print(f" round {number} of {rounds}", flush=True)
        for name, path, logged_in in PAGES:
            url = f"http://127.0.0.1:{PORT}{path.format(code=code)}"
            wrk(url, cookie if logged_in else None, 3, connections)  # warm up
            rps, p50, p99, errors = wrk(url, cookie if logged_in else None, seconds, connections)
            runs[name].append((rps, p50, p99, errors))
            print(f"  {name:<20} {rps:9.1f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms"
                  + (f"  NON-2xx {errors}" if errors else ""), flush=True)  # fmt: skip
    return [
        Result(
            name,
            statistics.fmean(r[0] for r in measured),
            statistics.fmean(r[1] for r in measured),
            max(r[2] for r in measured),
            sum(r[3] for r in measured),
        )
        for name, measured in runs.items()
    ]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    versions = []
    for command in (["psql", "--version"], ["redis-server", "--version"], ["wrk", "--version"]):
        try:
            text = subprocess.run(command, capture_output=True, text=True).stdout.strip()
        except OSError:
            text = ""
        versions.append(text.splitlines()[0] if text else f"{command[0]}: ?")
    import django

    return (
        f"{os.cpu_count()} cores ({cpu}), {memory} RAM, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, Django {django.get_version()}; " + "; ".join(versions)
    )


def table(size: int, results: list[Result]) -> list[str]:
    baseline = results[0].rps
    lines = [
        f"### {size:,} people",
        "",
        "| page | requests/s | p50 (ms) | p99 (ms) | × baseline | non-2xx |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.page} | {r.rps:.1f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
            f"{r.rps / baseline:.2f} | {r.errors} |"
        )
    return lines + [""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000", help="comma-separated N values")
    parser.add_argument("--seconds", type=int, default=20, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2, help="times every page is measured")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--output", default=str(BASE_DIR / "bench" / "RESULTS.md"))
    args = parser.parse_args()
    for tool in ("wrk", "psql", "createdb", "redis-cli"):
        if shutil.which(tool) is None:
            print(f"missing tool: {tool} (apt-get install wrk postgresql-client redis-tools)")
            return 2
    sizes = [int(n) for n in args.sizes.split(",")]
    env = bench_env()
    print("resetting the benchmark database", flush=True)
    reset_database(env)
    by_size: dict[int, list[Result]] = {}
    for size in sizes:
        started = time.monotonic()
        print(f"seeding {size:,} people", flush=True)
        run([PYTHON, "manage.py", "seed_demo", "--allow-demo-logins", "--persons", str(size)],
            env, stdout=subprocess.DEVNULL)  # fmt: skip
        print(f"  seeded in {time.monotonic() - started:.0f} s", flush=True)
        # Settle the freshly loaded tables first, so autovacuum does not run during the measure.
        run(["psql", "-X", "-q", f"{PG}/{DB_NAME}", "-c", "VACUUM (ANALYZE)"], env)
        cookie, code = prepare(env)
        server = start_gunicorn(env, args.workers)
        try:
            print(
                f"measuring at {size:,} people ({args.workers} workers, "
                f"{args.connections} connections, {args.seconds} s per page, "
                f"{args.rounds} rounds)",
                flush=True,
            )
            by_size[size] = measure(cookie, code, args.seconds, args.connections, args.rounds)
        finally:
            stop(server)

    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.datetime.now():%Y-%m-%d %H:%M} with `make bench` (bench/run.py).",
        "",
        f"Machine: {machine()}.",
        "",
        f"Setup: gunicorn, {args.workers} sync workers; PostgreSQL and Redis on the same host; "
        f"DEBUG off; wrk -t2 -c{args.connections} -d{args.seconds}s on the same two cores "
        "(the load generator competes with the server, as it would on any single box). "
        f"Every page is measured {args.rounds} times, the pages taking turns; the tables show "
        "the mean requests/s and p50 over those runs and the worst p99. "
        "The logged-in page is the demo student's 学籍 page (2 enrolments); the report page and "
        "the API look up one live report, writing a 查验记录 for every request. How the pages "
        "get there (worker copies under shared stamps, one Redis round trip per lookup, "
        "查验记录 moved in batches): README, Deploying → What each worker keeps.",
        "",
    ]
    for size in sizes:
        lines += table(size, by_size[size])
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        lines += [f"### p50 latency, {large:,} vs {small:,} people", "",
                  "| page | ratio |", "|---|---:|"]  # fmt: skip
        for a, b in zip(by_size[small], by_size[large], strict=True):
            lines.append(f"| {a.page} | {b.p50_ms / a.p50_ms:.2f} |")
        lines.append("")
    lines += ["### Targets", ""]
    for size in sizes:
        results = {r.page: r for r in by_size[size]}
        baseline = results["baseline"].rps
        for page, target in TARGETS.items():
            ratio = results[page].rps / baseline
            mark = "met" if ratio >= target else "NOT met"
            lines.append(f"- {size:,}: {page} ≥ {target:.2f}× baseline: {ratio:.2f} ({mark})")
        worst = max(r.p99_ms for r in by_size[size])
        lines.append(f"- {size:,}: p99 < 50 ms on every page: worst {worst:.1f} ms "
                     f"({'met' if worst < 50 else 'NOT met'})")  # fmt: skip
    if len(sizes) >= 2:
        worst_ratio = max(
            b.p50_ms / a.p50_ms for a, b in zip(by_size[sizes[0]], by_size[sizes[-1]], strict=True)
        )
        lines.append(f"- p50 ratio ≤ 1.2 on every page: worst {worst_ratio:.2f} "
                     f"({'met' if worst_ratio <= 1.2 else 'NOT met'})")  # fmt: skip
    Path(args.output).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
