"""The benchmark of issue 11 (`make bench`) and the load run of issue 10 (`make loadtest`).

    .venv/bin/python -m bench.run [--members 10000] [--keep] [--duration 9] [--turns 3]
                                  [--json FILE]
    .venv/bin/python -m bench.run --loadtest [--users 50] [--duration 60] [--keep]

Builds the synthetic data set (`bench.dataset`: N members, 5 commitments each, 12 quarters of
tracker updates, bulk inserts) in the PostgreSQL database DATABASE_URL names (default
`ogplocal_bench`; `--keep` reuses it when it holds N members), then

- runs the daily status evaluation, the loader and rules alone, the reminder sweep, the plan PDF
  and the query counts, each in its own process (`bench.steps`) so each memory peak is its own;
- serves the portal with gunicorn as the Dockerfile does (3 sync workers; `ogplocal.settings.bench`)
  on 127.0.0.1 and loads each page with wrk at 5 concurrent clients, a new connection a request,
  in turns with the minimal view of the bench URLconf under the same load: the ratio to that view,
  the median of the turns', is the figure that counts on a shared machine;
- prints the results as a Markdown table.

Cached public pages are the anonymous ones, warmed first; "uncached" are the same pages as the
signed-in Point of Contact of member 0, whom the public cache never serves (so they are rendered on
every request, session lookup included). The workspace home is always uncached.

`--loadtest` instead runs `--users` concurrent clients for `--duration` seconds across public
pages, workspace pages and the API, and fails unless every answer was a 200. The API's rate
limits stay in the code; this run raises them by configuration (API_THROTTLE_ANON and
API_THROTTLE_USER, from LOADTEST_THROTTLE) for its one client address.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WRK_SCRIPT = ROOT / "bench" / "wrk" / "rotate.lua"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/ogplocal_bench"
# Never Redis databases 0-2, 14 or 15: those are other runs'. A test suite empties its database
# (tests/conftest.py), so the bench never shares one with a test run going on at the same time.
DEFAULT_REDIS = "redis://127.0.0.1:6379/3"
CLIENTS = 5
# The Dockerfile's and docker-compose.yml's gunicorn: sync workers (one request at a time each;
# they close every connection), 3 of them.
WORKERS = 3
# Each row loads the minimal view and the page in turn this many times: one turn each was too
# noisy to decide a ratio (the minimal view moved from 463 to 1393 req/s between rows of one run).
TURNS = 3
LOADTEST_THROTTLE = "1000000/minute"


@dataclass
class Load:
    """wrk's figures for one row."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    not_ok: int
    peak_mib: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def combined(loads: list[Load]) -> Load:
    """One figure for several runs of the same load: requests and seconds summed, the median p50,
    the worst p99 (wrk gives percentiles, not the distribution to merge), errors summed."""
    return Load(
        requests=sum(load.requests for load in loads),
        seconds=sum(load.seconds for load in loads),
        p50_ms=statistics.median(load.p50_ms for load in loads),
        p99_ms=max(load.p99_ms for load in loads),
        errors=sum(load.errors for load in loads),
        not_ok=sum(load.not_ok for load in loads),
        peak_mib=max(load.peak_mib for load in loads),
    )


@dataclass
class Row:
    """A page's turns with the minimal view: `loads[i]` ran right after `minimals[i]`."""

    name: str
    loads: list[Load]
    minimals: list[Load]
    queries: dict[str, int] = field(default_factory=dict)

    @property
    def load(self) -> Load:
        return combined(self.loads)

    @property
    def minimal(self) -> Load:
        return combined(self.minimals)

    @property
    def ratios(self) -> list[float]:
        return [
            load.rps / minimal.rps if minimal.rps else 0.0
            for load, minimal in zip(self.loads, self.minimals, strict=True)
        ]

    @property
    def ratio(self) -> float:
        """The median of the turns' ratios."""
        return statistics.median(self.ratios)


def database_url(base: str, suffix: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=parts.path + suffix))


def step_env(database: str, redis: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "ogplocal.settings.bench",
            "DATABASE_URL": database,
            "REDIS_URL": redis,
            "CACHE_KEY_PREFIX": "ogplocal-bench",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra or {})
    return env


def step(name: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run one `bench.steps` step in its own process; its JSON line."""
    done = subprocess.run(
        [PYTHON, "-m", "bench.steps", name, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench step {name} failed (exit status {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def ensure_data(members: int, env: dict[str, str], *, keep: bool) -> dict[str, Any]:
    """The data set of `members` members in env's database, built unless kept."""
    state = step("prepare", env)
    if keep and state["members"] == members and state["poc"]:
        print(f"  keeping the {members} members already built", flush=True)
        return {}
    print(f"  building {members} members ...", flush=True)
    built = step("build", env, "--members", str(members))
    print(
        f"  built {built['jurisdictions']} members, {built['commitments']} commitments, "
        f"{built['tracker updates']} tracker updates in {built['seconds']:.0f} s",
        flush=True,
    )
    return built


# --- Serving and loading ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(env: dict[str, str], workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """gunicorn with `workers` sync workers on a free loopback port, as the Dockerfile runs it,
    until the block ends."""
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "bench.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/bench/minimal", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
            if server.poll() is not None:
                raise SystemExit("gunicorn stopped at start")
        else:
            raise SystemExit("gunicorn did not answer within a minute")
        yield url, server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def worker_pids(server: subprocess.Popen[bytes]) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def reset_peaks(server: subprocess.Popen[bytes]) -> None:
    """Start each worker's peak RSS (VmHWM) again from its current size (Linux 4.0+)."""
    for pid in worker_pids(server):
        with suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_rss_mib(server: subprocess.Popen[bytes]) -> float:
    """The largest VmHWM of the workers."""
    peak = 0
    for pid in worker_pids(server):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
    return peak / 1024


def wrk(
    url: str,
    requests: list[str],
    *,
    cookie: str,
    clients: int,
    seconds: float,
    threads: int = 1,
    timeout: int = 10,
) -> Load:
    """wrk with `clients` connections for `seconds`, rotating through `requests`."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as file:
        file.write("\n".join(requests) + "\n")
    try:
        done = subprocess.run(
            [
                "wrk",
                "--threads",
                str(min(threads, clients)),
                "--connections",
                str(clients),
                "--duration",
                f"{max(1, round(seconds))}s",
                "--timeout",
                f"{timeout}s",
                "--script",
                str(WRK_SCRIPT),
                url,
            ],
            env={**os.environ, "BENCH_PATHS": file.name, "BENCH_COOKIE": cookie},
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        )
    finally:
        os.unlink(file.name)
    line = next(line for line in done.stdout.splitlines() if line.startswith("BENCH_JSON "))
    figures = json.loads(line.removeprefix("BENCH_JSON "))
    return Load(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=sum(figures[key] for key in ("connect", "read", "write", "status", "timeout")),
        not_ok=figures["not_ok"],
    )


def warm(url: str, requests: list[str], cookie: str) -> None:
    """Each request once (the anonymous ones fill the public cache)."""
    for line in requests:
        who, path = line.split()
        request = urllib.request.Request(url + path)
        if who == "S":
            request.add_header("Cookie", cookie)
        with urllib.request.urlopen(request, timeout=60) as answer:
            if answer.status != 200:
                raise SystemExit(f"{path} answered {answer.status}")


def page_requests(session: dict[str, Any], who: str) -> dict[str, list[str]]:
    """The requests each row rotates through."""
    pages = session["pages"]
    return {
        "member page": [f"{who} /members/{slug}/" for slug in session["slugs"]],
        "directory": [f"{who} {pages['directory']}?page={n}" for n in range(1, 11)]
        + [
            f"{who} {pages['directory']}?status=active",
            f"{who} {pages['directory']}?country=AR",
            f"{who} {pages['directory']}?q=Madrid",
            f"{who} {pages['directory']}?area=open_data",
        ],
        "dashboard": [
            f"{who} {pages['dashboard']}",
            f"{who} {pages['dashboard']}?country=AR",
            f"{who} {pages['dashboard']}?country=KE",
            f"{who} {pages['dashboard']}?year={date.today().year - 3}",
        ],
    }


def measure_pages(
    url: str, server: subprocess.Popen[bytes], session: dict[str, Any], seconds: float, turns: int
) -> list[Row]:
    """Each row: warm, then `turns` times the minimal view and the page, `seconds` in all for
    each."""
    cookie = session["cookie"]
    minimal = ["A /bench/minimal"]
    rows: list[tuple[str, list[str]]] = []
    for name, requests in page_requests(session, "A").items():
        rows.append((f"{name}, cached", requests))
    for name, requests in page_requests(session, "S").items():
        rows.append((f"{name}, uncached", requests))
    rows.append(("workspace home", [f"S {session['pages']['workspace home']}"]))
    each = max(1.0, seconds / turns)
    results = []
    for name, requests in rows:
        warm(url, requests, cookie)
        wrk(url, requests, cookie=cookie, clients=CLIENTS, seconds=1)  # every worker warm
        row = Row(name, [], [])
        for _ in range(turns):
            reset_peaks(server)
            baseline = wrk(url, minimal, cookie=cookie, clients=CLIENTS, seconds=each)
            baseline.peak_mib = peak_rss_mib(server)
            row.minimals.append(baseline)
            reset_peaks(server)
            load = wrk(url, requests, cookie=cookie, clients=CLIENTS, seconds=each)
            load.peak_mib = peak_rss_mib(server)
            row.loads.append(load)
        results.append(row)
        print(
            f"  {name}: {row.load.rps:.0f} req/s, p99 {row.load.p99_ms:.0f} ms, ratio "
            f"{row.ratio:.2f} ({', '.join(f'{ratio:.2f}' for ratio in row.ratios)})",
            flush=True,
        )
    return results


# --- The table ---------------------------------------------------------------------------------


def machine() -> str:
    import platform

    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{os.cpu_count()} cores{memory}, {platform.machine()}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def table(result: dict[str, Any]) -> str:
    lines = [
        f"{result['members']} members, {result['date']}, {result['machine']}; "
        f"{CLIENTS} concurrent clients, a new connection a request; each page {result['turns']} "
        f"times in turn with the minimal view, {result['duration']:.0f} s in all for each; "
        f"gunicorn {result['workers']} sync workers",
        "",
        "| page | req/s | p50 (ms) | p99 (ms) | minimal view (req/s) | ratio to minimal "
        "| ratio in each turn | errors | worker peak RSS (MiB) |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for row in result["pages"]:
        turns = ", ".join(f"{ratio:.2f}" for ratio in row["ratios"])
        lines.append(
            f"| {row['name']} | {row['rps']:.0f} | {row['p50_ms']:.0f} | {row['p99_ms']:.0f} "
            f"| {row['minimal_rps']:.0f} | {row['ratio']:.2f} | {turns} | {row['errors']} "
            f"| {row['peak_mib']:.0f} |"
        )
    sizes = result["query_sizes"]
    lines += [
        "",
        "| page | " + " | ".join(f"queries at {size} members" for size in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for name in result["queries"][str(sizes[0])]:
        counts = " | ".join(str(result["queries"][str(size)][name]) for size in sizes)
        lines.append(f"| {name} | {counts} |")
    lines += [
        "",
        "| step | seconds | CPU seconds | queries | memory peak (MiB) | what it did |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, figures in result["steps"].items():
        lines.append(
            f"| {name} | {figures['seconds']:.2f} | {figures['cpu_seconds']:.2f} "
            f"| {figures.get('queries', '')} "
            f"| {figures['peak_mib']:.0f} | {figures['what']} |"
        )
    return "\n".join(lines)


# The in-process rows: (row, `bench.steps` step, what the step did in words, from its figures).
IN_PROCESS_STEPS: list[tuple[str, str, Callable[[dict[str, Any]], str]]] = [
    (
        "daily status evaluation",
        "status",
        lambda f: (
            f"{f['members']} members in {f['batches']} batches, "
            f"{f['transitions']} transitions, {f['emails']} emails decided"
        ),
    ),
    (
        "loader and rules alone",
        "rules",
        lambda f: (
            f"{f['members']} members' facts loaded at once in {f['load_seconds']:.1f} s, "
            "then evaluated; nothing written"
        ),
    ),
    (
        "reminder sweep",
        "reminders",
        lambda f: (
            f"{f['members']} members in {f['batches']} batches, {f['emails']} reminders decided"
        ),
    ),
    (
        "plan PDF",
        "pdf",
        lambda f: (
            f"12 commitments, {f['bytes'] // 1024} KiB; median of 3 after a first render "
            f"of {f['first_seconds']:.1f} s"
        ),
    ),
]


def in_process_steps(env: dict[str, str]) -> dict[str, dict[str, Any]]:
    steps: dict[str, dict[str, Any]] = {}
    for row, name, what in IN_PROCESS_STEPS:
        figures = step(name, env)
        figures["what"] = what(figures)
        steps[row] = figures
        print(f"  {row}: {figures['seconds']:.2f} s", flush=True)
    return steps


def bench(options: argparse.Namespace) -> dict[str, Any]:
    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    redis = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    env = step_env(base, redis)
    print(f"data set: {urlsplit(base).path.lstrip('/')}", flush=True)
    ensure_data(options.members, env, keep=options.keep)
    steps = in_process_steps(env)
    queries = {str(options.members): step("queries", env)["queries"]}
    sizes = [options.members]
    if options.members != options.small:
        small_env = step_env(database_url(base, "_small"), redis)
        print(f"data set: {urlsplit(base).path.lstrip('/')}_small", flush=True)
        ensure_data(options.small, small_env, keep=options.keep)
        step("status", small_env)
        queries[str(options.small)] = step("queries", small_env)["queries"]
        sizes = [options.small, options.members]
    session = step("session", env)
    print(f"serving with gunicorn, {options.workers} workers", flush=True)
    with served(env, options.workers) as (url, server):
        rows = measure_pages(url, server, session, options.duration, options.turns)
    return {
        "members": options.members,
        "date": date.today().isoformat(),
        "machine": machine(),
        "duration": options.duration,
        "turns": options.turns,
        "workers": options.workers,
        "pages": [
            {
                "name": row.name,
                "rps": row.load.rps,
                "p50_ms": row.load.p50_ms,
                "p99_ms": row.load.p99_ms,
                "minimal_rps": row.minimal.rps,
                "minimal_p99_ms": row.minimal.p99_ms,
                "ratio": row.ratio,
                "ratios": row.ratios,
                "errors": row.load.errors + row.load.not_ok,
                "peak_mib": row.load.peak_mib,
                "requests": row.load.requests,
            }
            for row in rows
        ],
        "query_sizes": sizes,
        "queries": queries,
        "steps": steps,
    }


# --- The load run ------------------------------------------------------------------------------


def loadtest(options: argparse.Namespace) -> dict[str, Any]:
    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    redis = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    throttle = os.environ.get("LOADTEST_THROTTLE", LOADTEST_THROTTLE)
    env = step_env(base, redis, {"API_THROTTLE_ANON": throttle, "API_THROTTLE_USER": throttle})
    ensure_data(options.members, env, keep=options.keep)
    session = step("session", env)
    slug = session["pages"]["workspace home"].split("/")[2]
    requests = [f"A /members/{s}/" for s in session["slugs"][:100]]
    requests += [
        "A /",
        "A /members/",
        "A /members/?page=2",
        "A /members/?status=active",
        "A /dashboard/policy-areas/",
        "A /open-data/",
        "A /api/v1/public/members/",
        f"S /w/{slug}/",
        f"S {session['plan']}",
        f"S {session['tracker']}",
        f"S /members/{slug}/",
        "S /api/v1/jurisdictions/",
        "S /api/v1/commitments/",
        "S /notifications/",
    ]
    # Signed-in requests are a third of the load: interleave them with the public ones.
    signed_in = [line for line in requests if line.startswith("S ")]
    public = [line for line in requests if line.startswith("A ")]
    mixed: list[str] = []
    for index, line in enumerate(public):
        mixed.append(line)
        if index % 2:
            mixed.append(signed_in[(index // 2) % len(signed_in)])
    print(
        f"load: {options.users} concurrent clients for {options.duration:.0f} s, "
        f"{len(mixed)} requests rotated; API rate limits {throttle} (API_THROTTLE_ANON/USER)",
        flush=True,
    )
    with served(env, options.workers) as (url, server):
        warm(url, sorted(set(mixed)), session["cookie"])
        reset_peaks(server)
        load = wrk(
            url,
            mixed,
            cookie=session["cookie"],
            clients=options.users,
            seconds=options.duration,
            threads=2,
            # 50 clients queue on 2 workers: seconds of waiting are the load, not a failure; a
            # request still unanswered after 30 s counts as an error.
            timeout=30,
        )
        load.peak_mib = peak_rss_mib(server)
    return {
        "members": options.members,
        "date": date.today().isoformat(),
        "machine": machine(),
        "users": options.users,
        "duration": load.seconds,
        "workers": options.workers,
        "requests": load.requests,
        "rps": load.rps,
        "p50_ms": load.p50_ms,
        "p99_ms": load.p99_ms,
        "errors": load.errors,
        "not_ok": load.not_ok,
        "peak_mib": load.peak_mib,
        "throttle": throttle,
        "timeout_s": 30,
    }


def loadtest_table(result: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"{result['members']} members, {result['date']}, {result['machine']}; gunicorn "
            f"{result['workers']} sync workers; API rate limits {result['throttle']}; "
            f"an error is a failed connection, read or write, or no answer in "
            f"{result['timeout_s']} s",
            "",
            "| clients | seconds | requests | req/s | p50 (ms) | p99 (ms) | errors | not 200 "
            "| worker peak RSS (MiB) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {result['users']} | {result['duration']:.0f} | {result['requests']} "
            f"| {result['rps']:.0f} | {result['p50_ms']:.0f} | {result['p99_ms']:.0f} "
            f"| {result['errors']} | {result['not_ok']} | {result['peak_mib']:.0f} |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=100, help="the second size of query counts")
    parser.add_argument("--keep", action="store_true", help="reuse the data set when it fits")
    parser.add_argument(
        "--duration", type=float, help="seconds of load per page and row (9; 60 loadtest)"
    )
    parser.add_argument(
        "--turns", type=int, default=TURNS, help="turns of minimal view and page per row"
    )
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    parser.add_argument("--loadtest", action="store_true", help="the load run of issue 10")
    parser.add_argument("--users", type=int, default=50, help="concurrent clients of --loadtest")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    # Stopped from outside, the run still stops its gunicorn (the `finally` of `served`).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if shutil.which("wrk") is None:
        raise SystemExit(
            "bench needs wrk, the HTTP load generator: apt-get install wrk (Debian, Ubuntu) "
            "or brew install wrk (macOS)"
        )
    if options.loadtest:
        options.duration = options.duration or 60
        result = loadtest(options)
        text = loadtest_table(result)
    else:
        options.duration = options.duration or 9
        result = bench(options)
        text = table(result)
    print()
    print(text)
    if options.json:
        options.json.write_text(json.dumps(result, indent=2))
    if options.loadtest and (result["errors"] or result["not_ok"]):
        raise SystemExit(f"{result['errors']} errors and {result['not_ok']} answers not 200")


if __name__ == "__main__":
    main()
