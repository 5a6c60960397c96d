"""`make bench`: throughput and latency of the main pages on PostgreSQL + Redis + gunicorn.

Steps, all on this machine (loopback only):

1. a scratch PostgreSQL database (``xuexin_bench``) and Redis database 5, production settings
   (DEBUG off) except a plain-HTTP listener, the benchmark's baseline view and a lifted
   per-address lookup throttle (every request comes from 127.0.0.1);
2. the demo data plus N scale people (``seed_demo --persons N``), for each N in --sizes;
   ``--skip-seed`` keeps a database that already holds N scale people;
3. the visitors (bench/prepare.py, in one ``manage.py shell``): --students logged-in students
   (10,000 by default), each an identity-checked account bound to a different scale person
   picked at random over the whole population, with a session written straight to
   django_session; and one live report (6 months) per student, --reports in all;
4. gunicorn with one sync worker per core; wrk -t2 -c16 with bench/pick.lua, which takes a
   random line of a file on every request (a session cookie, or a report code in the path).
   The rows, side by side:

   - baseline: a view that returns a fixed string through the whole middleware stack;
   - home: the home page;
   - 学籍 many keys / single key: /archive/xueji/ as a random student on every request, or as
     one student all along;
   - public report many keys / single key: /verify/<code>/, a random live code on every
     request, or one code all along;
   - JSON API many keys / single key: /api/v1/reports/<code>, likewise;
   - 学籍 floor and lookup floor (demo/bench_views.py): many keys, the round trips those pages
     cannot do without (session, account and enrolments; lookup budget, report and 查验记录)
     and a few bytes of answer: the most a page could reach on this machine, shown under its
     target.

   The many-keys rows are the traffic of a real site: most requests are for a student or a
   code that no cache has seen for a while. The single-key rows are the old measurement,
   one key always warm: the best case, shown next to the real one.
5. a table of requests/s, p50, p99, the ratio to the baseline and the count of answers that
   were not 2xx, per size; then the targets (many-keys rows at 1,000,000 people); written to
   bench/RESULTS.md with the machine's description.

Cold caches. Before each measured run gunicorn is stopped, Redis database 5 is emptied
(FLUSHDB) and gunicorn is started again, waiting until /healthz answers: no worker keeps
anything from the previous row, and Redis holds nothing. FLUSHDB also drops the Redis copies
of the sessions; with the cached_db engine the session rows stay in django_session, so the
students stay logged in and the first request of each session reads its row, as after any
Redis restart. PostgreSQL's own buffers are not emptied (they are not ours to drop, and a
production database is warm too).

Warm-up. After the restart each row is first run for --warmup seconds (3 by default), always
with the single key (one student or one code, the first of the file): the workers have
imported everything, compiled the templates and opened their connections, as a server that
has been up for a while has, but only that one key of the 10,000 is warm. Then the measured
run: for the many-keys rows every request picks among all the keys, so a request is often
the first for its key since the restart (cold per-key caches). How often depends on the
requests per key: with r = requests / keys, the share of first requests is (1 - e^-r) / r,
86 % at r = 1/3 (170 requests/s for 20 s over 10,000 keys),
43 % at r = 2 (1,000 requests/s for 20 s): a faster page meets warmer caches, as on a real
site, and a longer run flatters a little. The single-key rows are warm from the warm-up on.

Sessions. Before every 学籍 run each student gets a new session (bench/prepare.py, the
sessions stage), with ``_last_seen`` and ``_logged_in_at`` set to then: every 学籍 run starts
from the same state, right after the students logged in. The idle-timeout middleware writes a
session back once it was last seen a minute ago or more; restart, warm-up and run take less
than a minute with the default --seconds, so those writes do not happen during the measure
(with --seconds 50 or more they start to, once per session). Answers are counted by status in
pick.lua: wrk itself counts only 4xx and 5xx, and a 302 to the login page (a session that was
logged out) would pass for a served page.

It is a measurement, not a test: it asserts nothing and fails only if a step cannot run.
``--profile`` prepares as above and, instead of wrk, profiles one cold request of each page
(bench/profile_page.py); ``--layers`` measures each page with and without each cache layer
(bench/layers.py).
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "bench"
PYTHON = sys.executable
PORT = 8097
DB_NAME = "xuexin_bench"
PG = "postgres://postgres@127.0.0.1:5432"
VAR_DIR = BASE_DIR / "var" / "bench"
TARGET_SIZE = 1_000_000


@dataclass(frozen=True)
class Row:
    name: str
    path: str  # a %s stands for the report code
    keys: str  # "" (no key), "students" or "codes"
    many: bool = False
    # A floor row (demo/bench_views.py): the rows whose floor it measures.
    floor_of: tuple[str, ...] = ()

    @property
    def target(self) -> bool:
        """A row the targets judge: the pages under real traffic, not the warm single keys."""
        return not self.floor_of and (not self.keys or self.many)


ROWS = [
    Row("baseline", "/bench/baseline", ""),
    Row("home", "/", ""),
    Row("学籍 many keys", "/archive/xueji/", "students", many=True),
    Row("学籍 single key", "/archive/xueji/", "students"),
    Row("public report many keys", "/verify/%s/", "codes", many=True),
    Row("public report single key", "/verify/%s/", "codes"),
    Row("JSON API many keys", "/api/v1/reports/%s", "codes", many=True),
    Row("JSON API single key", "/api/v1/reports/%s", "codes"),
    # What the page could reach at best on this machine: its round trips and nothing else.
    Row("学籍 floor", "/bench/floor/xueji/", "students", many=True,
        floor_of=("学籍 many keys",)),
    # The public report page makes the same round trips as the API: one floor for both.
    Row("lookup floor", "/bench/floor/api/%s", "codes", many=True,
        floor_of=("public report many keys", "JSON API many keys")),
]
# Requests/s of a many-keys row (or the home page) as a share of the baseline's, at least.
RATIO_TARGETS = {
    "home": 0.50,
    "学籍 many keys": 0.20,
    "public report many keys": 0.35,
    "JSON API many keys": 0.40,
}
P99_LIMIT_MS = 60.0
P50_GROWTH_LIMIT = 1.2


def bench_secret_key() -> str:
    """One secret key for every run, kept with the benchmark's files: sessions and report codes
    (keyed by it) prepared on a database kept with --skip-seed stay valid."""
    path = VAR_DIR / "bench-secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text("bench-" + secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def bench_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XUEXIN_"))}
    env.update({
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": "redis://127.0.0.1:6379/5",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": bench_secret_key(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "XUEXIN_SECURE_SSL_REDIRECT": "false",
        "XUEXIN_BENCH_MODE": "true",
        # Every request comes from 127.0.0.1 here: lift the per-address lookup throttle.
        "XUEXIN_VERIFY_RATE": "100000000/s",
        "XUEXIN_REPORT_SIGNING_KEY_FILE_ALLOWED": "true",
        "XUEXIN_VAR_DIR": str(VAR_DIR),
        # A worker recycled mid-run stalls its queue for a second and is all p99 would show.
        "GUNICORN_MAX_REQUESTS": "0",
    })  # fmt: skip
    return env


def run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=BASE_DIR, env=env, check=True, **kwargs)


def manage(env: dict[str, str], *args: str, quiet: bool = True) -> str:
    """``manage.py`` with ``args``; quiet: its output is returned, and shown only if it fails
    (the command line itself is not repeated: with ``shell -c`` it is a whole script)."""
    command = [PYTHON, "manage.py", *args]
    result = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=quiet, text=True)
    if result.returncode:
        if quiet:
            sys.stdout.write(result.stdout)
            sys.stderr.write(result.stderr)
        raise SystemExit(f"manage.py {args[0]} failed with status {result.returncode}")
    return result.stdout if quiet else ""


def psql(env: dict[str, str], sql: str, database: str = DB_NAME) -> str:
    result = run(["psql", "-X", "-q", "-t", "-A", f"{PG}/{database}", "-c", sql], env,
                 capture_output=True, text=True)  # fmt: skip
    return result.stdout.strip()


def database_exists(env: dict[str, str]) -> bool:
    return psql(env, f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'", "postgres") == "1"


def scale_people(env: dict[str, str]) -> int:
    """Scale people in the benchmark database (records.scale: student numbers P…), or 0."""
    try:
        count = psql(env, "SELECT count(*) FROM records_enrollment WHERE student_number LIKE 'P%'")
    except subprocess.CalledProcessError:
        return 0
    return int(count or 0)


def reset_database(env: dict[str, str]) -> None:
    run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], env)
    run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], env)
    flush_redis(env)


def flush_redis(env: dict[str, str]) -> None:
    run(["redis-cli", "-n", "5", "flushdb"], env, capture_output=True)


def seed(env: dict[str, str], size: int, skip_seed: bool) -> float | None:
    """``size`` scale people in the database; the seconds it took, None when kept as it was."""
    if skip_seed:
        present = scale_people(env)
        if present == size:
            print(f"keeping the database: {size:,} scale people already there", flush=True)
            return None
        if present > size:
            raise SystemExit(
                f"the database holds {present:,} scale people, more than {size:,}: "
                "run without --skip-seed (or measure the sizes in increasing order)"
            )
    started = time.monotonic()
    print(f"seeding {size:,} people", flush=True)
    run([PYTHON, "manage.py", "seed_demo", "--allow-demo-logins", "--persons", str(size)],
        env, stdout=subprocess.DEVNULL)  # fmt: skip
    seconds = time.monotonic() - started
    print(f"  seeded in {seconds:.0f} s", flush=True)
    return seconds


def prepare(env: dict[str, str], directory: Path, students: int, reports: int) -> float:
    """Students and codes into ``directory`` (bench/prepare.py); the seconds it took."""
    started = time.monotonic()
    prep_env = {**env, "BENCH_PREP_DIR": str(directory), "BENCH_STUDENTS": str(students),
                "BENCH_REPORTS": str(reports)}  # fmt: skip
    source = (BENCH_DIR / "prepare.py").read_text(encoding="utf-8")
    output = manage(prep_env, "shell", "-c", source)
    print("  " + output.strip().splitlines()[-1], flush=True)
    seconds = time.monotonic() - started
    print(f"  prepared in {seconds:.0f} s", flush=True)
    return seconds


def renew_sessions(env: dict[str, str], directory: Path) -> None:
    """New sessions for the same students, ``_last_seen`` now (bench/prepare.py)."""
    prep_env = {**env, "BENCH_PREP_DIR": str(directory), "BENCH_PREP_STAGE": "sessions"}
    manage(prep_env, "shell", "-c", (BENCH_DIR / "prepare.py").read_text(encoding="utf-8"))


def start_gunicorn(env: dict[str, str], workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{PORT}", "--workers", str(workers), "xuexin.wsgi"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)  # noqa: S310
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    stop(process)
    raise RuntimeError("gunicorn did not start (run it by hand with the bench settings to see why)")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


@dataclass
class Result:
    row: Row
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]  # wrk prints each latency as a number and a unit
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(row: Row, files: Path, seconds: int, connections: int, *, single: bool) -> Run:
    """One wrk run of ``row``; ``single`` uses the one-key file whatever the row."""
    url = f"http://127.0.0.1:{PORT}{row.path if '%s' not in row.path else '/'}"
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
            "-s", str(BENCH_DIR / "pick.lua"), url, "--"]  # fmt: skip
    if not row.keys:
        args.append("fixed")
    else:
        keys = files / (f"{row.keys}-single.txt" if single or not row.many else f"{row.keys}.txt")
        args += ["cookie", str(keys)] if row.keys == "students" else ["path", str(keys), row.path]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]  # wrk always prints this line
    # Anchored to the start of the line: "83.50%" in the thread stats must not count as 50%.
    p50 = _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]  # wrk --latency always prints this line
    p99 = _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]  # wrk --latency always prints this line
    statuses = re.search(r"^statuses: non2xx (\d+)", out, re.M)
    if statuses is None:
        raise RuntimeError(f"pick.lua printed no status counts:\n{out}")
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = sum(int(n) for n in socket.groups()) if socket else 0
    return Run(rps, p50, p99, int(statuses.group(1)), socket_errors)


def check_keys(files: Path) -> None:
    """One request per kind of key before measuring: a 200, or say what came back."""
    opener = urllib.request.build_opener(NoRedirect)
    cookie = (files / "students-single.txt").read_text().strip()
    code = (files / "codes-single.txt").read_text().strip()
    for path, headers in (("/archive/xueji/", {"Cookie": cookie}), (f"/verify/{code}/", {}),
                          (f"/api/v1/reports/{code}", {})):  # fmt: skip
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers=headers)
        try:
            status = opener.open(request, timeout=10).status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            print(f"  WARNING: {path.replace(code, '<code>')} answered {status}", flush=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def measure(
    env: dict[str, str], files: Path, args: argparse.Namespace
) -> tuple[list[Result], float]:
    """Every row in turn, ``rounds`` times over, so that a slow spell of the machine falls on
    all rows alike; per row the mean requests/s and p50 over the rounds and the worst p99.
    Also the mean seconds a restart took."""
    runs: dict[str, list[Run]] = {row.name: [] for row in ROWS}
    restarts: list[float] = []
    server: subprocess.Popen | None = start_gunicorn(env, args.workers)
    try:
        check_keys(files)
        for number in range(1, args.rounds + 1):
            print(f" round {number} of {args.rounds}", flush=True)
            for row in ROWS:
                if row.keys == "students":
                    renew_sessions(env, files)
                started = time.monotonic()
                if server is not None:
                    stop(server)
                    server = None
                flush_redis(env)
                server = start_gunicorn(env, args.workers)
                restarts.append(time.monotonic() - started)
                if args.warmup:
                    wrk(row, files, args.warmup, args.connections, single=True)
                result = wrk(row, files, args.seconds, args.connections, single=False)
                runs[row.name].append(result)
                print(f"  {row.name:<26} {result.rps:9.1f} req/s  p50 {result.p50_ms:6.2f} ms"
                      f"  p99 {result.p99_ms:6.2f} ms"
                      + (f"  NON-2xx {result.non_2xx}" if result.non_2xx else "")
                      + (f"  SOCKET ERRORS {result.socket_errors}" if result.socket_errors
                         else ""), flush=True)  # fmt: skip
    finally:
        if server is not None:
            stop(server)
    results = [
        Result(
            row,
            statistics.fmean(r.rps for r in runs[row.name]),
            statistics.fmean(r.p50_ms for r in runs[row.name]),
            max(r.p99_ms for r in runs[row.name]),
            sum(r.non_2xx for r in runs[row.name]),
            sum(r.socket_errors for r in runs[row.name]),
        )
        for row in ROWS
    ]
    return results, statistics.fmean(restarts)


def layers(env: dict[str, str], files: Path, size: int) -> list[str]:
    """Markdown lines: each page with and without each cache layer (bench/layers.py)."""
    renew_sessions(env, files)
    source = (BENCH_DIR / "layers.py").read_text(encoding="utf-8")
    flush_redis(env)
    output = manage({**env, "BENCH_PREP_DIR": str(files)}, "shell", "-c", source)
    table = [line for line in output.splitlines() if line.startswith("|")]
    print("\n".join(table), flush=True)
    return [f"### {size:,} people", "", *table, ""]


def profile(env: dict[str, str], files: Path) -> None:
    source = (BENCH_DIR / "profile_page.py").read_text(encoding="utf-8")
    flush_redis(env)
    manage({**env, "BENCH_PREP_DIR": str(files)}, "shell", "-c", source, quiet=False)


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
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]  # Linux's /proc/meminfo always lists MemTotal
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


def floor(value: float, places: int = 3) -> str:
    """Shown for an "at least" target: never rounded up past it."""
    factor = 10**places
    return f"{math.floor(value * factor) / factor:.{places}f}"


def ceil(value: float, places: int = 3) -> str:
    """Shown for an "at most" / "below" target: never rounded down under it."""
    factor = 10**places
    return f"{math.ceil(value * factor) / factor:.{places}f}"


def table(size: int, results: list[Result]) -> list[str]:
    baseline = results[0].rps
    lines = [
        f"### {size:,} people",
        "",
        "| page | requests/s | p50 (ms) | p99 (ms) | × baseline | non-2xx | socket errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.row.name} | {r.rps:.1f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
            f"{floor(r.rps / baseline, 2)} | {r.non_2xx} | {r.socket_errors} |"
        )
    return lines + [""]


def targets(by_size: dict[int, list[Result]]) -> list[str]:
    lines = ["### Targets", ""]
    sizes = sorted(by_size)
    size = TARGET_SIZE if TARGET_SIZE in by_size else sizes[-1]
    if size != TARGET_SIZE:
        lines += [
            f"{TARGET_SIZE:,} people were not measured in this run: the targets below are "
            f"judged at {size:,} people and prove nothing about {TARGET_SIZE:,}.",
            "",
        ]
    results = {r.row.name: r for r in by_size[size]}
    baseline = results["baseline"].rps
    for page, target in RATIO_TARGETS.items():
        ratio = results[page].rps / baseline
        mark = "met" if ratio >= target else "NOT met"
        lines.append(f"- {size:,}: {page} ≥ {target:.2f}× baseline: {floor(ratio)} ({mark})")
        for r in by_size[size]:
            if page in r.row.floor_of:
                below = "below" if r.rps / baseline < target else "at or above"
                lines.append(f"  - its floor ({r.row.name}): {floor(r.rps / baseline)}× "
                             f"baseline, {below} the target")  # fmt: skip
    for r in by_size[size]:
        if r.row.target and r.row.name != "baseline":
            mark = "met" if r.p99_ms < P99_LIMIT_MS else "NOT met"
            lines.append(f"- {size:,}: {r.row.name} p99 < {P99_LIMIT_MS:.0f} ms: "
                         f"{ceil(r.p99_ms, 2)} ms ({mark})")  # fmt: skip
    small = min(sizes)
    if small == size:
        lines.append(f"- p50 {size:,} / smaller size ≤ {P50_GROWTH_LIMIT}: not evaluated "
                     "(only one size measured)")  # fmt: skip
    else:
        for a, b in zip(by_size[small], by_size[size], strict=True):
            if a.row.target and a.row.name != "baseline":
                ratio = b.p50_ms / a.p50_ms
                mark = "met" if ratio <= P50_GROWTH_LIMIT else "NOT met"
                lines.append(f"- {a.row.name} p50 {size:,} / {small:,} ≤ {P50_GROWTH_LIMIT}: "
                             f"{ceil(ratio)} ({mark})")  # fmt: skip
    not_2xx = sum(r.non_2xx + r.socket_errors for r in by_size[size])
    if not_2xx:
        lines.append(f"- {size:,}: {not_2xx} answers were not 2xx or failed: those rows are "
                     "not what they claim to measure")  # fmt: skip
    return lines + [""]


def parse_sizes(values: list[str]) -> list[int]:
    return [int(part.replace("_", "")) for value in values for part in value.split(",") if part]


def write_layers(tables: list[str], args: argparse.Namespace) -> None:
    source = (BENCH_DIR / "layers.py").read_text(encoding="utf-8")
    about = source.split('"""')[1].strip()
    lines = [
        "# What each cache layer is worth",
        "",
        f"Run {datetime.datetime.now():%Y-%m-%d %H:%M} with `make bench ARGS=--layers` "
        f"(bench/layers.py), {args.students:,} students and codes.",
        "",
        f"Machine: {machine()}.",
        "",
        about,
        "",
        *tables,
    ]
    path = BENCH_DIR / "LAYERS.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"written to {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["10000", "1000000"],
                        help="people per measured size, e.g. --sizes 10000 1000000 "
                        "(commas work too)")  # fmt: skip
    parser.add_argument("--seconds", type=int, default=20, help="wrk duration per row")
    parser.add_argument(
        "--warmup", type=int, default=3, help="seconds of single-key warm-up per run (0: none)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="times every row is measured")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--students", type=int, default=10_000, help="logged-in students")
    parser.add_argument("--reports", type=int, default=None,
                        help="live report codes (default: one per student)")  # fmt: skip
    parser.add_argument("--skip-seed", action="store_true",
                        help="keep the database if it already holds the size's people")  # fmt: skip
    parser.add_argument("--profile", action="store_true",
                        help="profile one cold request per page instead of measuring")  # fmt: skip
    parser.add_argument("--layers", action="store_true",
                        help="each page with and without each cache layer (bench/layers.py) "
                        "instead of measuring")  # fmt: skip
    parser.add_argument("--output", default=str(BENCH_DIR / "RESULTS.md"))
    args = parser.parse_args()
    for tool in ("wrk", "psql", "createdb", "redis-cli"):
        if shutil.which(tool) is None:
            print(f"missing tool: {tool} (apt-get install wrk postgresql-client redis-tools)")
            return 2
    sizes = parse_sizes(args.sizes)
    if sizes != sorted(sizes):
        parser.error("--sizes: smallest first (the database grows from one size to the next)")
    reports = args.students if args.reports is None else args.reports
    env = bench_env()
    if args.skip_seed and database_exists(env):
        print("keeping the benchmark database (--skip-seed)", flush=True)
    else:
        print("resetting the benchmark database", flush=True)
        reset_database(env)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    by_size: dict[int, list[Result]] = {}
    timings: dict[int, tuple[float | None, float, float]] = {}
    layer_lines: list[str] = []
    for size in sizes:
        seeded = seed(env, size, args.skip_seed)
        with tempfile.TemporaryDirectory(prefix="xuexin-bench-") as directory:
            files = Path(directory)
            prepared = prepare(env, files, args.students, reports)
            # Settle the freshly written tables first, so autovacuum does not run during the
            # measure.
            run(["psql", "-X", "-q", f"{PG}/{DB_NAME}", "-c", "VACUUM (ANALYZE)"], env)
            if args.profile:
                profile(env, files)
                continue
            if args.layers:
                layer_lines += layers(env, files, size)
                continue
            print(
                f"measuring at {size:,} people ({args.workers} workers, "
                f"{args.connections} connections, {args.seconds} s per row after "
                f"{args.warmup} s of warm-up, {args.rounds} rounds)",
                flush=True,
            )
            by_size[size], restart = measure(env, files, args)
            timings[size] = (seeded, prepared, restart)
    if args.layers:
        write_layers(layer_lines, args)
    if args.profile or args.layers:
        return 0

    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.datetime.now():%Y-%m-%d %H:%M} with `make bench` (bench/run.py).",
        "",
        f"Machine: {machine()}.",
        "",
        f"Setup: gunicorn, {args.workers} sync workers; PostgreSQL and Redis on the same host; "
        f"DEBUG off; wrk -t2 -c{args.connections} -d{args.seconds}s with bench/pick.lua on the "
        "same two cores (the load generator competes with the server, as it would on any single "
        f"box). Every row is measured {args.rounds} times, the rows taking turns; the tables show "
        "the mean requests/s and p50 over those runs and the worst p99.",
        "",
        "Traffic: per size, "
        f"{args.students:,} logged-in students (identity-checked accounts bound to scale people "
        f"picked at random over the whole population, one session each) and {reports:,} live "
        "report codes (one per student). The *many keys* rows pick a random student (session "
        "cookie) or code on every request; the *single key* rows repeat the first one, as the "
        "benchmark used to. Every report or API request writes a 查验记录.",
        "",
        "Cold start: before every measured run gunicorn is restarted and Redis database 5 is "
        "emptied (FLUSHDB; sessions fall back to their django_session rows), then "
        f"{args.warmup} s of warm-up with the single key only, so the many-keys rows meet "
        "cold per-key caches. Non-2xx counts every answer that was not 2xx (redirects "
        "included), counted by pick.lua.",
        "",
    ]
    for size in sizes:
        seeded, prepared, restart = timings[size]
        seeding = "database kept (--skip-seed)" if seeded is None else f"seeded in {seeded:.0f} s"
        lines += table(size, by_size[size])
        lines += [f"{seeding}; students and codes prepared in {prepared:.0f} s; "
                  f"a restart took {restart:.1f} s on average.", ""]  # fmt: skip
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        lines += [f"### p50 latency, {large:,} vs {small:,} people", "",
                  "| page | ratio |", "|---|---:|"]  # fmt: skip
        for a, b in zip(by_size[small], by_size[large], strict=True):
            lines.append(f"| {a.row.name} | {ceil(b.p50_ms / a.p50_ms, 2)} |")
        lines.append("")
    lines += targets(by_size)
    Path(args.output).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
