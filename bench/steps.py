"""The in-process steps of the benchmark, each run in its own process by `bench.run`.

    python -m bench.steps STEP [--members N]

prints one line of JSON: the step's figures and the process's memory peak (`ru_maxrss`), so each
step's peak is its own. DJANGO_SETTINGS_MODULE is `ogplocal.settings.bench` and DATABASE_URL names
the benchmark's database.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogplocal.settings.bench")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.dataset import BENCH_POC_EMAIL  # noqa: E402

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """This process's CPU time: on a shared machine, the part of the wall time that was ours
    (PostgreSQL's work is not in it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def prepare(options: argparse.Namespace) -> dict[str, Any]:
    """Create the database when it does not exist, migrate it, collect the static files; how
    many members the database holds."""
    from django.db.utils import OperationalError

    from members.models import Jurisdiction

    try:
        connection.ensure_connection()
    except OperationalError as error:
        if "does not exist" not in str(error):
            raise
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    collect_static()
    from members.models import User

    return {
        "members": Jurisdiction.objects.count(),
        "poc": User.objects.filter(email=BENCH_POC_EMAIL).exists(),
    }


def collect_static() -> None:
    """The manifest of WhiteNoise's storage, as a deployment collects it; again only when a static
    file changed since (compressing everything takes a minute)."""
    from django.conf import settings

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = [path for folder in settings.STATICFILES_DIRS for path in _files(folder)]
    if manifest.exists() and all(
        path.stat().st_mtime <= manifest.stat().st_mtime for path in sources
    ):
        return
    call_command("collectstatic", interactive=False, verbosity=0)


def _files(folder: Any) -> list[Path]:
    root = Path(folder[1] if isinstance(folder, tuple) else folder)
    return [path for path in root.rglob("*") if path.is_file()]


def build(options: argparse.Namespace) -> dict[str, Any]:
    from bench.dataset import build as build_data

    started = time.perf_counter()
    rows = build_data(options.members)
    return {"seconds": time.perf_counter() - started, **rows}


class QueryCounter:
    """A database execute wrapper that counts the queries run under it (not
    CaptureQueriesContext, which keeps only the last 9,000)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], *args: Any) -> Any:
        self.count += 1
        return execute(*args)


def _every_batch(work: Callable[[list[int]], int]) -> dict[str, Any]:
    """`work` over every member in the daily jobs' batches, timed and with its queries counted."""
    from members.models import Jurisdiction
    from portal.status.evaluation import BATCH_SIZE
    from portal.status.jobs import chunks

    queries = QueryCounter()
    started, cpu = time.perf_counter(), cpu_seconds()
    with connection.execute_wrapper(queries):
        ids = list(Jurisdiction.objects.order_by("pk").values_list("pk", flat=True))
        emails = sum(work(batch) for batch in chunks(ids, BATCH_SIZE))
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": cpu_seconds() - cpu,
        "queries": queries.count,
        "members": len(ids),
        "batches": len(chunks(ids, BATCH_SIZE)),
        "emails": emails,
    }


def status(options: argparse.Namespace) -> dict[str, Any]:
    """The daily status evaluation (portal.status.jobs.evaluate_status_batch) of every member."""
    from members.models import StatusChange
    from portal.status.jobs import evaluate_status_batch

    before = StatusChange.objects.count()
    figures = _every_batch(evaluate_status_batch)
    figures["transitions"] = StatusChange.objects.count() - before
    return figures


def reminders(options: argparse.Namespace) -> dict[str, Any]:
    """The daily reminder sweep (portal.status.jobs.sweep_reminder_batch) of every member."""
    from portal.status.jobs import sweep_reminder_batch

    return _every_batch(sweep_reminder_batch)


def rules(options: argparse.Namespace) -> dict[str, Any]:
    """The loader and the rules alone, every member at once: the facts in the loader's fixed
    queries (`members.loader.load_facts`), then each status evaluated on today
    (`members.rules.evaluate`); nothing is written. The daily evaluation does the same in batches
    of 500 and then saves."""
    from collections import Counter

    from django.utils import timezone

    from members.rules import evaluate
    from portal.status.loader import load_facts

    today = timezone.localdate()
    queries = QueryCounter()
    started, cpu = time.perf_counter(), cpu_seconds()
    with connection.execute_wrapper(queries):
        facts = load_facts()
    loaded = time.perf_counter()
    statuses = Counter(str(evaluate(item, today).status) for item in facts.values())
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": cpu_seconds() - cpu,
        "load_seconds": loaded - started,
        "queries": queries.count,
        "members": len(facts),
        "statuses": dict(sorted(statuses.items())),
    }


def _poc_client() -> Client:
    from members.models import User

    client = Client()
    client.force_login(User.objects.get(email=BENCH_POC_EMAIL))
    return client


def _first_plan() -> tuple[str, int]:
    from action_plans.models import ActionPlan

    plan = ActionPlan.objects.get(lead_jurisdiction__slug="bench-00000")
    return "bench-00000", plan.pk


def pdf(options: argparse.Namespace) -> dict[str, Any]:
    """The plan PDF of member 0 (12 commitments) through its view: the first render (WeasyPrint
    loads its fonts) and the median of three more."""
    slug, pk = _first_plan()
    client = _poc_client()
    seconds, cpu = [], []
    size = 0
    for _ in range(4):
        started, used = time.perf_counter(), cpu_seconds()
        response = client.get(f"/w/{slug}/plans/{pk}/plan.pdf")
        seconds.append(time.perf_counter() - started)
        cpu.append(cpu_seconds() - used)
        if response.status_code != 200 or response["Content-Type"] != "application/pdf":
            raise SystemExit(f"the plan PDF answered {response.status_code}")
        size = len(response.content)
    return {
        "seconds": statistics.median(seconds[1:]),
        "cpu_seconds": statistics.median(cpu[1:]),
        "first_seconds": seconds[0],
        "bytes": size,
    }


def pages() -> dict[str, str]:
    """The measured pages, by name."""
    slug, _pk = _first_plan()
    return {
        "member page": f"/members/{slug}/",
        "directory": "/members/",
        "dashboard": "/dashboard/policy-areas/",
        "workspace home": f"/w/{slug}/",
    }


def queries(options: argparse.Namespace) -> dict[str, Any]:
    """Queries of each page rendered afresh (an in-process cache, empty), anonymous for the
    public pages and as the Point of Contact for the workspace."""
    counts: dict[str, int] = {}
    with override_settings(CACHES=LOCMEM):
        for name, path in pages().items():
            client = _poc_client() if name == "workspace home" else Client()
            client.get(path)  # the first request of a process imports and compiles templates
            from django.core.cache import cache

            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            counts[name] = len(captured)
    return {"queries": counts}


def session(options: argparse.Namespace) -> dict[str, Any]:
    """A signed-in session of the Point of Contact (no sign-in form: the session is made
    directly) and the paths the load runs rotate through."""
    from django.conf import settings

    from members.models import Jurisdiction

    client = _poc_client()
    slug, pk = _first_plan()
    slugs = list(Jurisdiction.objects.order_by("?").values_list("slug", flat=True)[: options.paths])
    name = settings.SESSION_COOKIE_NAME
    return {
        "cookie": f"{name}={client.cookies[name].value}",
        "pages": pages(),
        "plan": f"/w/{slug}/plans/{pk}/",
        "tracker": f"/w/{slug}/plans/{pk}/tracker/",
        "slugs": slugs,
    }


STEPS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "prepare": prepare,
    "build": build,
    "status": status,
    "reminders": reminders,
    "rules": rules,
    "pdf": pdf,
    "queries": queries,
    "session": session,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=STEPS)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--paths", type=int, default=200)
    options = parser.parse_args()
    result = STEPS[options.step](options)
    result["peak_mib"] = peak_mib()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
