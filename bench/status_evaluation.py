"""Benchmark: load and evaluate the status of N jurisdictions (issue: rules engine performance).

Builds N jurisdictions, each with one submitted plan, 5 commitments and 12 quarters of tracker
updates, with bulk inserts into the database DATABASE_URL names (PostgreSQL for real figures), then
times the loader (`members.loader.load_facts`) and the rules (`members.rules.evaluate`) over all of
them, and prints the queries, seconds and memory peak.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ogplocal_bench \\
        .venv/bin/python bench/status_evaluation.py --members 10000

The database is created with the project's migrations when it does not exist; the data is rebuilt
on every run (pass --keep to reuse what is there).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogplocal.settings.dev")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from action_plans.models import ActionPlan, Meeting  # noqa: E402
from commitments.models import Commitment  # noqa: E402
from members.loader import load_facts  # noqa: E402
from members.models import Jurisdiction, Term  # noqa: E402
from members.rules import Quarter, add_months, evaluate  # noqa: E402
from tracker.models import TrackerUpdate  # noqa: E402

JOINED = date(2023, 1, 10)
SUBMITTED = date(2023, 4, 3)
AS_OF = date(2026, 6, 1)


def build(members: int) -> None:
    """N jurisdictions with one plan, 5 commitments and 12 quarters of updates each."""
    with transaction.atomic():
        TrackerUpdate.objects.all()._raw_delete(TrackerUpdate.objects.db)  # benchmark data only
        for model in (Commitment, Meeting):
            model.objects.all()._raw_delete(model.objects.db)
        ActionPlan.jurisdictions.through.objects.all().delete()
        ActionPlan.objects.all()._raw_delete(ActionPlan.objects.db)
        Term.objects.all().delete()
        Jurisdiction.history.all().delete()
        Jurisdiction.objects.all()._raw_delete(Jurisdiction.objects.db)

        jurisdictions = Jurisdiction.objects.bulk_create(
            Jurisdiction(
                name=f"Bench City {n}", slug=f"bench-{n:05d}", country="AR", joined_on=JOINED
            )
            for n in range(members)
        )
        Term.objects.bulk_create(
            Term(jurisdiction=j, starts_on=date(2022, 12, 10), ends_on=date(2027, 12, 10))
            for j in jurisdictions
        )
        plans = ActionPlan.objects.bulk_create(
            ActionPlan(
                ref="plan-1",
                lead_jurisdiction=j,
                starts_on=SUBMITTED,
                ends_on=date(2027, 6, 30),
                submitted_on=SUBMITTED,
                forum="Forum",
            )
            for j in jurisdictions
        )
        ActionPlan.jurisdictions.through.objects.bulk_create(
            ActionPlan.jurisdictions.through(actionplan_id=p.pk, jurisdiction_id=j.pk)
            for p, j in zip(plans, jurisdictions, strict=True)
        )
        Meeting.objects.bulk_create(
            Meeting(
                plan=p,
                held_on=day,
                kind=kind,
                government_participants=3,
                non_governmental_participants=5,
            )
            for p in plans
            for day, kind in [(date(2023, 3, 1), "co_creation")]
            + [(add_months(SUBMITTED, 5 * i), "implementation") for i in range(1, 8)]
        )
        commitments = Commitment.objects.bulk_create(
            Commitment(
                plan=p,
                ref=f"c{i}",
                title=f"Commitment {i}",
                starts_on=SUBMITTED,
                ends_on=date(2027, 6, 30),
                added_on=SUBMITTED,
            )
            for p in plans
            for i in range(1, 6)
        )
        quarters = [Quarter(2023, 2)]
        while len(quarters) < 12:
            quarters.append(quarters[-1].following())
        batch: list[TrackerUpdate] = []
        for commitment in commitments:
            for index, quarter in enumerate(quarters):
                batch.append(
                    TrackerUpdate(
                        commitment=commitment,
                        quarter=str(quarter),
                        submitted_on=quarter.deadline - timedelta(days=10),
                        percent=min(95, 8 * (index + 1)),
                    )
                )
            if len(batch) >= 20_000:
                TrackerUpdate.objects.bulk_create(batch)
                batch.clear()
        TrackerUpdate.objects.bulk_create(batch)


def load_and_evaluate() -> dict[str, int]:
    statuses: dict[str, int] = {}
    for item in load_facts().values():
        status = evaluate(item, AS_OF).status
        statuses[status] = statuses.get(status, 0) + 1
    return statuses


def measure() -> dict[str, float]:
    """Seconds without tracing (tracemalloc slows Python down), then the memory peak traced."""
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        facts = load_facts()
    loaded = time.perf_counter()
    statuses: dict[str, int] = {}
    for item in facts.values():
        status = evaluate(item, AS_OF).status
        statuses[status] = statuses.get(status, 0) + 1
    evaluated = time.perf_counter()
    del facts
    tracemalloc.start()
    load_and_evaluate()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"statuses as of {AS_OF}: {statuses}")
    return {
        "jurisdictions": sum(statuses.values()),
        "queries": len(queries),
        "load_s": loaded - started,
        "evaluate_s": evaluated - loaded,
        "total_s": evaluated - started,
        "peak_mib": peak / 2**20,
    }


def ensure_database() -> None:
    """Create the benchmark's PostgreSQL database when it does not exist yet."""
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError as error:
        if "does not exist" not in str(error):
            raise
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        print(f"created database {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="reuse the data already built")
    options = parser.parse_args()
    ensure_database()
    call_command("migrate", verbosity=0)
    if not options.keep:
        started = time.perf_counter()
        build(options.members)
        print(f"built {options.members} members in {time.perf_counter() - started:.1f} s")
    result = measure()
    print(
        "| jurisdictions | queries | load (s) | evaluate (s) | total (s) | memory peak (MiB) |\n"
        "|---:|---:|---:|---:|---:|---:|\n"
        f"| {result['jurisdictions']} | {result['queries']} | {result['load_s']:.1f} "
        f"| {result['evaluate_s']:.1f} | {result['total_s']:.1f} | {result['peak_mib']:.0f} |"
    )


if __name__ == "__main__":
    main()
