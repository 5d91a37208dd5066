"""The console's dashboard (issue 6, item 1): counts by status, filters, sort, pages, CSV, and a
fixed number of queries however many members there are."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
import time_machine

from members.models import Jurisdiction, User
from tests.conftest import client_for, count_queries
from tests.factories import (
    ActionPlanFactory,
    CommitmentFactory,
    JurisdictionFactory,
    MeetingFactory,
    TermFactory,
)

NOW = "2026-06-20 12:00:00+00:00"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def member(
    name: str,
    *,
    country: str = "AR",
    status: str = "active",
    reasons: tuple[str, ...] = (),
    since: date | None = None,
    joined_on: date = date(2026, 5, 1),
) -> Jurisdiction:
    jurisdiction = JurisdictionFactory(
        name=name,
        country=country,
        joined_on=joined_on,
        status=status,
        status_since=since or joined_on,
        status_reasons=list(reasons),
    )
    TermFactory(jurisdiction=jurisdiction)
    return jurisdiction


@pytest.fixture
def members(db: None) -> dict[str, Jurisdiction]:
    return {
        "ana": member("Anaheim", country="US"),
        "bog": member(
            "Bogotá",
            country="CO",
            status="inactive",
            reasons=("first_plan_overdue",),
            since=date(2026, 5, 2),
            joined_on=date(2026, 1, 1),
        ),
        "cor": member(
            "Córdoba",
            country="AR",
            status="probation",
            reasons=("first_plan_overdue", "inactive_6_months"),
            since=date(2026, 6, 2),
            joined_on=date(2025, 8, 1),
        ),
        "dar": member(
            "Dar es Salaam",
            country="TZ",
            status="inactive",
            reasons=("tracker_not_updated",),
            since=date(2026, 5, 1),
            joined_on=date(2025, 6, 1),
        ),
        "eld": member("Eldoret", country="KE", status="revoked", joined_on=date(2026, 6, 1)),
    }


def names(response: Any) -> list[str]:
    return [row["member"].name for row in response.context["rows"]]


def test_counts_by_status(staff: User, members: dict[str, Jurisdiction]) -> None:
    response = client_for(staff).get("/support/")
    counts = {status: count for status, _, count in response.context["counts"]}
    assert counts == {
        "active": 1,
        "inactive": 2,
        "voluntary_inactive": 0,
        "probation": 1,
        "revoked": 1,
    }
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<caption>" in html
    assert 'scope="col"' in html
    assert 'scope="row"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Anaheim", "Bogotá", "Córdoba", "Dar es Salaam", "Eldoret"]),
        ("status=inactive", ["Bogotá", "Dar es Salaam"]),
        ("country=AR", ["Córdoba"]),
        ("reason=first_plan_overdue", ["Bogotá", "Córdoba"]),
        ("reason=inactive_6_months", ["Córdoba"]),
        ("status=inactive&reason=first_plan_overdue", ["Bogotá"]),
        ("status=voluntary_inactive", []),
        # Filtering by a value that is no choice is ignored and said on the form.
        ("status=sleeping", ["Anaheim", "Bogotá", "Córdoba", "Dar es Salaam", "Eldoret"]),
    ],
)
def test_filters(
    staff: User, members: dict[str, Jurisdiction], query: str, expected: list[str]
) -> None:
    assert names(client_for(staff).get(f"/support/?{query}")) == expected


def test_overdue_filter_asks_the_rules_on_each_members_today(
    staff: User, members: dict[str, Jurisdiction]
) -> None:
    # Córdoba (joined 2025-08-01) and Bogotá (2026-01-01) owe a first plan since 2025-12-01 and
    # 2026-05-01; Dar es Salaam submitted one that ended, and owes the next one.
    dar = members["dar"]
    plan = ActionPlanFactory(
        lead_jurisdiction=dar,
        starts_on=date(2025, 7, 1),
        ends_on=date(2026, 1, 31),
        submitted_on=date(2025, 7, 1),
    )
    CommitmentFactory(plan=plan, starts_on=date(2025, 7, 1), ends_on=date(2026, 1, 31))
    MeetingFactory(plan=plan, held_on=date(2025, 6, 20))
    client = client_for(staff)
    assert names(client.get("/support/?overdue=first_plan")) == ["Bogotá", "Córdoba"]
    assert names(client.get("/support/?overdue=next_plan")) == ["Dar es Salaam"]
    assert names(client.get("/support/?overdue=inception_assessment")) == ["Dar es Salaam"]
    assert names(client.get("/support/?overdue=first_plan&country=CO")) == ["Bogotá"]
    rows = {row["member"].name: row for row in client.get("/support/").context["rows"]}
    assert [(str(label), d.due) for label, d in rows["Bogotá"]["overdue"]] == [
        ("first action plan", date(2026, 5, 1))
    ]
    assert rows["Anaheim"]["overdue"] == []
    html = client.get("/support/?overdue=first_plan").content.decode()
    assert 'first action plan</span> <span class="nowrap">(due 2026-05-01)' in html


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("name", ["Anaheim", "Bogotá", "Córdoba", "Dar es Salaam", "Eldoret"]),
        ("-name", ["Eldoret", "Dar es Salaam", "Córdoba", "Bogotá", "Anaheim"]),
        ("country", ["Córdoba", "Bogotá", "Eldoret", "Dar es Salaam", "Anaheim"]),
        ("-joined", ["Eldoret", "Anaheim", "Bogotá", "Córdoba", "Dar es Salaam"]),
        ("since", ["Anaheim", "Dar es Salaam", "Bogotá", "Eldoret", "Córdoba"]),  # ties by name
    ],
)
def test_sort(
    staff: User, members: dict[str, Jurisdiction], order: str, expected: list[str]
) -> None:
    assert names(client_for(staff).get(f"/support/?o={order}")) == expected


def test_sort_headers_say_the_direction_and_keep_the_filters(
    staff: User, members: dict[str, Jurisdiction]
) -> None:
    html = client_for(staff).get("/support/?status=inactive&o=name").content.decode()
    assert 'aria-sort="ascending"><a href="?status=inactive&amp;o=-name">' in html
    assert '<a href="?status=inactive&amp;o=country">' in html


def test_pagination_keeps_filters_and_sort(staff: User) -> None:
    for number in range(60):
        member(f"Member {number:02d}", status="inactive" if number % 2 else "active")
    client = client_for(staff)
    first = client.get("/support/?status=inactive&o=-name")
    assert first.context["page"].paginator.count == 30
    assert names(first)[:2] == ["Member 59", "Member 57"]
    assert len(names(first)) == 25
    second = client.get("/support/?status=inactive&o=-name&page=2")
    assert names(second) == ["Member 09", "Member 07", "Member 05", "Member 03", "Member 01"]
    html = first.content.decode()
    assert 'href="?status=inactive&amp;o=-name&amp;page=2" rel="next"' in html
    # A page past the end shows the last one.
    assert names(client.get("/support/?status=inactive&o=-name&page=99")) == names(second)


def test_csv_export_has_every_filtered_row_in_the_chosen_order(
    staff: User, members: dict[str, Jurisdiction]
) -> None:
    response = client_for(staff).get("/support/members.csv?reason=first_plan_overdue&o=-name")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["name"] for row in rows] == ["Córdoba", "Bogotá"]
    assert rows[0] == {
        "slug": "cordoba",
        "name": "Córdoba",
        "country": "AR",
        "status": "probation",
        "since": "2026-06-02",
        "reasons": "first_plan_overdue inactive_6_months",
        "joined_on": "2025-08-01",
        "overdue": "first_plan:2025-12-01",
        "status_evaluated_on": "",
    }
    assert rows[1]["overdue"] == "first_plan:2026-05-01"


def test_csv_export_of_everything_has_no_pagination(staff: User) -> None:
    for number in range(30):
        member(f"Member {number:02d}")
    rows = list(
        csv.DictReader(io.StringIO(client_for(staff).get("/support/members.csv").content.decode()))
    )
    assert len(rows) == 30


# The dashboard's queries: the session and the user (2), the TOTP check (1, shared by the
# middleware, the view and restrict()), the country choices (1), the page count and the page's
# rows (2), the members' time zones and the loader's fixed queries for their overdue deadlines
# (1 + 12), the counts by status (1), and the header's navigation (2). Pinned: a change that adds
# queries shows up here.
DASHBOARD_QUERIES = 22
# The CSV: the same without the page count, the counts and the navigation.
CSV_QUERIES = 18


def dashboard_queries(staff: User, count: int, query: str = "") -> int:
    for number in range(count):
        jurisdiction = member(f"Member {number:02d}", joined_on=date(2026, 1, 1))
        plan = ActionPlanFactory(lead_jurisdiction=jurisdiction, submitted_on=date(2026, 4, 1))
        CommitmentFactory(plan=plan)
        MeetingFactory(plan=plan)
    client = client_for(staff)
    client.get("/support/")  # the session and the first request's caches
    with count_queries() as queries:
        response = client.get(f"/support/{query}")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("count", [5, 50])
def test_dashboard_runs_the_same_queries_for_5_and_50_members(staff: User, count: int) -> None:
    assert dashboard_queries(staff, count) == DASHBOARD_QUERIES


@pytest.mark.parametrize("count", [5, 50])
def test_overdue_filter_runs_the_same_queries_for_5_and_50_members(staff: User, count: int) -> None:
    # The filter's evaluation of every filtered member serves the page's rows too.
    assert dashboard_queries(staff, count, "?overdue=inception_assessment") == DASHBOARD_QUERIES


@pytest.mark.parametrize("count", [5, 50])
def test_csv_runs_the_same_queries_for_5_and_50_members(staff: User, count: int) -> None:
    for number in range(count):
        member(f"Member {number:02d}")
    client = client_for(staff)
    client.get("/support/")
    with count_queries() as queries:
        client.get("/support/members.csv")
    assert len(queries) == CSV_QUERIES
