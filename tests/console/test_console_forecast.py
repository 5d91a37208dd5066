"""The forecast (issue 6, item 2): whose status changes in the next 30, 60 or 90 days if nothing
more is recorded, with the date and the reason; and the overdue deadlines the dashboard lists."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine

from members import rules
from members.models import Jurisdiction, User
from portal.exchange.importing import import_exchange
from portal.status.forecast import deadline_rows, forecast, overdue_deadlines
from tests.conftest import client_for, count_queries

NOW = datetime(2026, 12, 20, 12, tzinfo=UTC)

TERM = [{"starts_on": "2025-12-10", "ends_on": "2030-01-01"}]


def exchange_member(slug: str, joined_on: str, **extra: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": slug.title(),
        "country": "AR",
        "time_zone": "UTC",
        "joined_on": joined_on,
        "has_elections": True,
        "terms": TERM,
        **extra,
    }


KNOWN = {
    "format": "ogplocal-exchange/1",
    "jurisdictions": [
        # first plan due 2026-12-25: inactive on 2026-12-26
        exchange_member("alpha", "2026-08-25"),
        # the worked example of docs/rules.md §3.4: inactive since 2026-07-11, probation 2027-01-11
        exchange_member("bravo", "2026-03-10"),
        # the worked example's plan and meetings: probation on 2027-06-01, beyond 90 days
        exchange_member(
            "charlie",
            "2026-03-10",
            action_plans=[
                {
                    "ref": "plan-1",
                    "starts_on": "2026-06-01",
                    "ends_on": "2027-12-31",
                    "submitted_on": "2026-06-01",
                    "forum": "The open government forum.",
                    "monitoring_body": "University of Charlie",
                    "monitoring_body_endorsed_on": "2026-05-20",
                    "endorsements": [{"name": "Ana Gómez", "organisation": "Foro"}],
                    "meetings": [
                        {
                            "held_on": "2026-05-01",
                            "kind": "co_creation",
                            "government_participants": 3,
                            "non_governmental_participants": 5,
                        },
                        {
                            "held_on": "2026-09-01",
                            "kind": "implementation",
                            "government_participants": 3,
                            "non_governmental_participants": 5,
                        },
                    ],
                    "commitments": [
                        {
                            "ref": "c1",
                            "title": "Open contracting",
                            "policy_areas": ["fiscal_openness"],
                            "starts_on": "2026-07-01",
                            "ends_on": "2027-06-30",
                            "updates": [
                                {"quarter": "2026Q3", "submitted_on": "2026-10-15", "percent": 20}
                            ],
                        }
                    ],
                }
            ],
        ),
        # a voluntary pause until 2027-01-31: active on 2027-02-01; its first plan, due
        # 2027-01-01 inside the pause, moves to 2027-02-28: inactive on 2027-03-01
        exchange_member(
            "echo",
            "2026-09-01",
            voluntary_inactivity=[
                {"from": "2026-12-15", "until": "2027-01-31", "approved_on": "2026-12-10"}
            ],
        ),
        # UTC+14: its today is already 2026-12-21, the day it became inactive (not ahead of it)
        exchange_member("kiritimati", "2026-08-20", time_zone="Pacific/Kiritimati"),
    ],
}


@pytest.fixture
def known(db: None) -> None:
    import_exchange(KNOWN)


def changes(days: int) -> list[tuple[str, date, str, str, tuple[str, ...]]]:
    return [
        (
            change.jurisdiction.slug,
            change.on,
            str(change.status_from),
            str(change.status_to),
            tuple(str(reason) for reason in change.reasons),
        )
        for change in forecast(Jurisdiction.objects.all(), days=days, now=NOW)
    ]


ALPHA = ("alpha", date(2026, 12, 26), "active", "inactive", ("first_plan_overdue",))
BRAVO = (
    "bravo",
    date(2027, 1, 11),
    "inactive",
    "probation",
    ("first_plan_overdue", "inactive_6_months"),
)
ECHO_BACK = ("echo", date(2027, 2, 1), "voluntary_inactive", "active", ())
ECHO_LATE = ("echo", date(2027, 3, 1), "active", "inactive", ("first_plan_overdue",))


def test_forecast_30_days(known: None) -> None:
    assert changes(30) == [ALPHA, BRAVO]


def test_forecast_60_days(known: None) -> None:
    assert changes(60) == [ALPHA, BRAVO, ECHO_BACK]


def test_forecast_90_days(known: None) -> None:
    assert changes(90) == [ALPHA, BRAVO, ECHO_BACK, ECHO_LATE]


def test_a_forecast_change_happens_as_forecast(known: None) -> None:
    """The forecast is the rules at a later date: evaluating on the forecast day agrees."""
    from portal.status.loader import load_facts

    facts = {f.slug: f for f in load_facts().values()}
    for slug, on, _, status, reasons in [ALPHA, BRAVO, ECHO_BACK, ECHO_LATE]:
        evaluation = rules.evaluate(facts[slug], on)
        assert (str(evaluation.status), evaluation.since) == (status, on)
        assert tuple(str(r) for r in evaluation.reasons) == reasons


def test_recording_the_missing_fact_removes_the_change(known: None) -> None:
    from members.models import ExtensionRequest

    alpha = Jurisdiction.objects.get(slug="alpha")
    ExtensionRequest.objects.create(
        jurisdiction=alpha,
        requested_on=date(2026, 12, 18),
        requested_until=date(2027, 6, 30),
        decision="granted",
        decided_on=date(2026, 12, 19),
        granted_until=date(2027, 6, 30),
    )
    assert [change[0] for change in changes(90)] == ["bravo", "echo", "echo"]


def test_forecast_page(known: None, staff: User) -> None:
    with time_machine.travel(NOW, tick=False):
        client = client_for(staff)
        html = client.get("/support/forecast/").content.decode()
        assert "2 changes of status in the next 30 days." in html
        assert '<time datetime="2026-12-26">2026-12-26</time>' in html
        assert "(in 6 days)" in html
        assert "The first action plan was not submitted by its deadline." in html
        assert "The member stayed inactive for six months." in html
        assert "Submit the plan, or hold a co-creation meeting" in html
        assert html.count("<h1") == 1
        html = client.get("/support/forecast/?days=90").content.decode()
        assert "4 changes of status in the next 90 days." in html
        assert 'href="?days=90" aria-current="page"' in html
        # Anything else than 30, 60 or 90 is 30.
        assert "in the next 30 days" in client.get("/support/forecast/?days=1000").content.decode()
        assert "in the next 30 days" in client.get("/support/forecast/?days=x").content.decode()


def test_forecast_page_runs_a_fixed_number_of_queries(known: None, staff: User) -> None:
    with time_machine.travel(NOW, tick=False):
        client = client_for(staff)
        client.get("/support/forecast/")
        with count_queries() as few:
            client.get("/support/forecast/?days=90")
        import_exchange(
            {
                "format": "ogplocal-exchange/1",
                "jurisdictions": [
                    exchange_member(f"more-{number}", "2026-08-25") for number in range(30)
                ],
            }
        )
        with count_queries() as many:
            response = client.get("/support/forecast/?days=90")
    assert len(response.context["changes"]) == 34
    # session, user, TOTP once (kept for the request), the members, the loader's 12, the
    # navigation's 2
    assert len(few) == len(many) == 18


# --- Overdue deadlines, on the rules' own deadlines -------------------------------------------

D = rules.Deadline
K = rules.DeadlineKind
TODAY = date(2027, 6, 1)


def test_a_deadline_is_overdue_from_the_day_after_it_is_due() -> None:
    due_today = D(K.FIRST_PLAN, date(2027, 6, 1), None, None)
    due_yesterday = D(K.FIRST_PLAN, date(2027, 5, 31), None, None)
    assert overdue_deadlines([due_today], TODAY) == []
    assert overdue_deadlines([due_yesterday], TODAY) == [due_yesterday]


def test_a_met_deadline_is_not_overdue_even_when_met_late() -> None:
    late = D(K.FIRST_PLAN, date(2027, 3, 1), date(2027, 4, 1), "plan-1")
    assert overdue_deadlines([late], TODAY) == []


def test_a_plan_owed_again_after_a_meeting_replaces_the_deadline_it_resumed() -> None:
    missed = D(K.FIRST_PLAN, date(2026, 7, 10), None, None)
    owed = D(K.FIRST_PLAN, date(2027, 1, 15), None, None)
    not_due = D(K.FIRST_PLAN, date(2027, 9, 15), None, None)
    assert overdue_deadlines([missed, owed], TODAY) == [owed]
    assert overdue_deadlines([missed, not_due], TODAY) == [missed]


def test_only_the_latest_closed_tracker_quarter_can_be_overdue() -> None:
    q4 = D(K.TRACKER_UPDATE, date(2027, 1, 31), None, "2026Q4")
    q1 = D(K.TRACKER_UPDATE, date(2027, 4, 30), date(2027, 4, 20), "2027Q1")
    assert overdue_deadlines([q4, q1], TODAY) == []
    assert overdue_deadlines([q4], TODAY) == [q4]


def test_change_windows_and_revocations_are_never_overdue() -> None:
    window = D(K.CHANGE_WINDOW, date(2027, 1, 1), None, "plan-1")
    revocation = D(K.REVOCATION, date(2027, 2, 1), None, None)
    assert overdue_deadlines([window, revocation], TODAY) == []


def test_deadline_rows_say_what_became_of_each_deadline() -> None:
    rows = deadline_rows(
        [
            D(K.FIRST_PLAN, date(2026, 7, 10), date(2026, 7, 10), "plan-1"),
            D(K.INCEPTION_ASSESSMENT, date(2026, 9, 10), date(2026, 9, 20), "plan-1"),
            D(K.TRACKER_UPDATE, date(2027, 1, 31), None, "2026Q4"),
            D(K.TRACKER_UPDATE, date(2027, 4, 30), None, "2027Q1"),
            D(K.CHANGE_WINDOW, date(2027, 1, 10), None, "plan-1"),
            D(K.TRACKER_UPDATE, date(2027, 7, 31), None, "2027Q2"),
        ],
        TODAY,
    )
    assert [row.state for row in rows] == [
        "met",
        "met_late",
        "missed",
        "overdue",
        "date",
        "upcoming",
    ]
    assert rows[1].days_late == 10
