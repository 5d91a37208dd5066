"""The benchmark's synthetic data set, built with bulk inserts (issue 11).

N jurisdictions named after real OGP Local members (`data/`), each with one submitted
plan, 5 commitments titled and tagged like real ones and 12 quarters of tracker updates: 10,000
members make 50,000 commitments and 600,000 updates. Dates are relative to the day of the build,
so the members show a mix of statuses whatever the date: most are up to date; every 10th started
two quarters earlier and has not updated the tracker for the last two; every 17th has made no
progress for a year. Every commitment has 2 milestones and 2 policy areas.

Member 0 (`bench-00000`) is the one the signed-in pages show: its plan has 12 commitments (the
plan PDF's) and a Point of Contact, `BENCH_POC_EMAIL`; members 1 to 7 have 4 commitments instead
of 5 so that the totals stay round.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.utils.text import slugify

from ogplocal.dates import Quarter, add_months

DATA = Path(__file__).resolve().parent.parent / "data"
BENCH_POC_EMAIL = "poc@bench.ogplocal.org"
COMMITMENTS = 5
QUARTERS = 12
PDF_COMMITMENTS = 12
# Quarters by which every 10th member is late with its tracker updates.
LATE = 2
# Apps whose tables the build empties (policy areas, seeded by a migration, stay).
APPS = ("members", "action_plans", "commitments", "tracker", "assessments")
TIME_ZONES = {
    "AR": "America/Argentina/Buenos_Aires",
    "BR": "America/Sao_Paulo",
    "CO": "America/Bogota",
    "ES": "Europe/Madrid",
    "FR": "Europe/Paris",
    "GE": "Asia/Tbilisi",
    "ID": "Asia/Jakarta",
    "KE": "Africa/Nairobi",
    "KR": "Asia/Seoul",
    "MX": "America/Mexico_City",
    "US": "America/Chicago",
}
DISTRICTS = ("North", "South", "East", "West", "Central", "Riverside", "Hills", "Old Town")


@dataclass(frozen=True)
class RealMember:
    name: str
    country: str


def real_members() -> list[RealMember]:
    """The real members' names and countries, once each (a fallback when the file is absent)."""
    path = DATA / "ogp-local-members.csv"
    if not path.exists():
        return [RealMember("Buenos Aires", "AR"), RealMember("Madrid", "ES")]
    seen: dict[str, RealMember] = {}
    with path.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            if row["name"] and row["country"]:
                seen.setdefault(row["name"], RealMember(row["name"], row["country"].upper()))
    return list(seen.values())


def real_commitments() -> list[tuple[str, str]]:
    """(title, policy-area code) of real commitments, the area matched to the seeded taxonomy."""
    from commitments.models import PolicyArea

    codes = set(PolicyArea.objects.values_list("code", flat=True))
    path = DATA / "ogp-local-commitments.csv"
    found: list[tuple[str, str]] = []
    if path.exists():
        with path.open(encoding="utf-8") as file:
            for row in csv.DictReader(file):
                code = slugify(row["policy_area"]).replace("-", "_")
                found.append((row["commitment_title"][:300], code if code in codes else "other"))
    return found or [("Open budget portal", "fiscal_openness"), ("Open data", "open_data")]


def member_name(real: list[RealMember], n: int) -> tuple[str, str]:
    """The n-th member's name and country: the real names first, then their districts."""
    member = real[n % len(real)]
    round_ = n // len(real)
    if round_ == 0:
        return member.name, member.country
    district = DISTRICTS[round_ % len(DISTRICTS)]
    return f"{member.name} {district} {round_}", member.country


def commitments_of(n: int) -> int:
    if n == 0:
        return PDF_COMMITMENTS
    if 1 <= n <= PDF_COMMITMENTS - COMMITMENTS:
        return COMMITMENTS - 1
    return COMMITMENTS


def last_quarters(today: date, count: int) -> list[Quarter]:
    """The `count` quarters up to the last one whose tracker deadline has passed."""
    quarter = Quarter(today.year, (today.month - 1) // 3 + 1)
    while quarter.deadline >= today:
        quarter = quarter.preceding()
    quarters = [quarter]
    while len(quarters) < count:
        quarters.insert(0, quarters[0].preceding())
    return quarters


def empty() -> None:
    """Every row of the portal's apps and accounts; only ever a benchmark database."""
    name = connection.settings_dict["NAME"]
    if "bench" not in str(name):
        raise SystemExit(f"refusing to empty {name}: the benchmark's database names contain bench")
    tables = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in APPS and model._meta.model_name != "policyarea"
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE {} RESTART IDENTITY CASCADE".format(
                ", ".join(connection.ops.quote_name(table) for table in tables)
            )
        )
        cursor.execute("TRUNCATE django_session")


def build(members: int, *, today: date | None = None) -> dict[str, int]:
    """Empty the database and build the data set; the number of rows of each kind."""
    from action_plans.models import ActionPlan, Meeting
    from commitments.models import Commitment, Milestone, PolicyArea
    from members.models import Jurisdiction, Membership, Term, User
    from members.tenancy import Role
    from tracker.models import TrackerUpdate

    today = today or date.today()
    every = last_quarters(today, QUARTERS + LATE)
    starts_on = every[LATE].starts_on
    ends_on = add_months(starts_on, 48) - timedelta(days=1)
    real = real_members()
    titles = real_commitments()
    areas = dict(PolicyArea.objects.values_list("code", "pk"))
    empty()
    with transaction.atomic():
        jurisdictions = Jurisdiction.objects.bulk_create(
            Jurisdiction(
                name=name,
                slug=f"bench-{n:05d}",
                country=country,
                time_zone=TIME_ZONES.get(country, "UTC"),
                joined_on=add_months(every[0].starts_on, -9),
            )
            for n, (name, country) in ((n, member_name(real, n)) for n in range(members))
        )
        Term.objects.bulk_create(
            Term(
                jurisdiction=j,
                starts_on=add_months(every[0].starts_on, -10),
                ends_on=add_months(ends_on, 6),
            )
            for j in jurisdictions
        )
        plans = ActionPlan.objects.bulk_create(
            ActionPlan(
                ref="plan-1",
                lead_jurisdiction=j,
                title=f"Open government action plan of {j.name} {start.year}-{end.year}",
                starts_on=start,
                ends_on=end,
                submitted_on=start,
                forum="A forum of the city government and twelve civil-society organisations.",
                vision="A city that decides in the open with its residents.",
            )
            for n, j in enumerate(jurisdictions)
            for start, end in [_plan_dates(quarters_of(every, n))]
        )
        ActionPlan.jurisdictions.through.objects.bulk_create(
            ActionPlan.jurisdictions.through(actionplan_id=p.pk, jurisdiction_id=j.pk)
            for p, j in zip(plans, jurisdictions, strict=True)
        )
        Meeting.objects.bulk_create(
            Meeting(
                plan=p,
                held_on=held_on,
                kind=kind,
                government_participants=3,
                non_governmental_participants=5,
            )
            for p in plans
            for held_on, kind in _meetings(p.starts_on, today)
        )
        commitments = Commitment.objects.bulk_create(
            Commitment(
                plan=p,
                ref=f"c{i}",
                title=titles[(n * COMMITMENTS + i) % len(titles)][0],
                lead_agency="Secretariat of Open Government",
                actions="Publish the data, consult residents, report every quarter.",
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                added_on=p.starts_on,
            )
            for n, p in enumerate(plans)
            for i in range(1, commitments_of(n) + 1)
        )
        through = Commitment.policy_areas.through
        _in_batches(
            through.objects.bulk_create,
            (
                through(commitment_id=c.pk, policyarea_id=pk)
                for index, c in enumerate(commitments)
                for pk in {
                    areas[titles[index % len(titles)][1]],
                    areas[("public_participation", "access_to_information")[index % 2]],
                }
            ),
        )
        _in_batches(
            Milestone.objects.bulk_create,
            (
                Milestone(commitment=c, title=title, due_on=due_on, position=position)
                for c in commitments
                for position, (title, due_on) in enumerate(
                    [
                        ("Consultation held", add_months(c.starts_on, 6)),
                        ("Data published", c.ends_on),
                    ]
                )
            ),
        )
        plan_member = {p.pk: n for n, p in enumerate(plans)}
        _in_batches(
            TrackerUpdate.objects.bulk_create,
            (
                update
                for c in commitments
                for update in _updates(
                    c.pk, plan_member[c.plan_id], quarters_of(every, plan_member[c.plan_id])
                )
            ),
        )
        poc = User.objects.create_user(email=BENCH_POC_EMAIL, password=None, name="Bench PoC")
        Membership.objects.create(user=poc, jurisdiction=jurisdictions[0], role=Role.POC)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "jurisdictions": len(jurisdictions),
        "commitments": len(commitments),
        "tracker updates": TrackerUpdate.objects.count(),
    }


def quarters_of(every: list[Quarter], member: int) -> list[Quarter]:
    """The 12 quarters a member reports on: the last 12, or for every 10th member the 12 before
    the last two (its plan started that much earlier)."""
    if member % 10 == 9:
        return every[:QUARTERS]
    return every[LATE:]


def _plan_dates(quarters: list[Quarter]) -> tuple[date, date]:
    starts_on = quarters[0].starts_on
    return starts_on, add_months(starts_on, 48) - timedelta(days=1)


def _meetings(starts_on: date, today: date) -> list[tuple[date, str]]:
    from action_plans.models import Meeting

    meetings = [(add_months(starts_on, -1), str(Meeting.Kind.CO_CREATION))]
    day = add_months(starts_on, 5)
    while day < today:
        meetings.append((day, str(Meeting.Kind.IMPLEMENTATION)))
        day = add_months(day, 5)
    return meetings


def _updates(commitment_id: int, member: int, quarters: list[Quarter]) -> Iterator[object]:
    from tracker.models import TrackerUpdate

    for index, quarter in enumerate(quarters):
        percent = min(95, 8 * (index + 1))
        if member % 17 == 16:
            percent = min(percent, 40)
        yield TrackerUpdate(
            commitment_id=commitment_id,
            quarter=str(quarter),
            submitted_on=quarter.deadline - timedelta(days=10),
            percent=percent,
            narrative="Progress as planned.",
        )


def _in_batches(
    create: Callable[[list[Any]], object], rows: Iterable[Any], size: int = 20_000
) -> None:
    """`create` (a bulk_create) over `rows` in lists of `size`: bulk_create's own batch_size
    would first make one list of all 600,000 updates."""
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            create(batch)
            batch.clear()
    if batch:
        create(batch)
