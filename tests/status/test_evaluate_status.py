"""`evaluate_status` (docs/exchange.md §5) on the worked examples of §3.4, imported from exchange
JSON."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command

from members.models import Jurisdiction, StatusChange
from ogplocal.exceptions import ActionRefused
from portal.exchange.importing import import_exchange
from portal.status.evaluation import save_evaluations
from tracker.models import TrackerUpdate


def _member(slug: str, plans: list[dict[str, Any]]) -> dict[str, Any]:
    # §3.4: joined 2026-03-10, elections, term ending 2030-01-01, no first-plan deadline set.
    return {
        "slug": slug,
        "name": slug.replace("-", " ").title(),
        "country": "AR",
        "joined_on": "2026-03-10",
        "has_elections": True,
        "term_ends_on": "2030-01-01",
        "action_plans": plans,
    }


def _plan(updates: list[dict[str, Any]], implementation: list[str]) -> dict[str, Any]:
    """The §3.4 plan: submitted 2026-06-01, ends 2027-12-31, one commitment from 2026-07-01; with
    the co-creation, forum, endorsement and monitoring body any submitted plan needs (§3.1)."""
    return {
        "ref": "2026-plan",
        "starts_on": "2026-06-01",
        "ends_on": "2027-12-31",
        "submitted_on": "2026-06-01",
        "forum": "The open government forum.",
        "monitoring_body": "University of Example",
        "endorsements": [{"name": "Ana Pérez", "organisation": "Poder Ciudadano"}],
        "meetings": [
            {
                "held_on": "2026-05-10",
                "kind": "co_creation",
                "government_participants": 3,
                "non_governmental_participants": 5,
            },
            *(
                {
                    "held_on": day,
                    "kind": "implementation",
                    "government_participants": 2,
                    "non_governmental_participants": 4,
                }
                for day in implementation
            ),
        ],
        "commitments": [
            {
                "ref": "c1",
                "title": "Open contracting portal",
                "policy_areas": ["fiscal_openness"],
                "starts_on": "2026-07-01",
                "ends_on": "2027-12-31",
                "updates": updates,
            }
        ],
    }


def _update(quarter: str, submitted_on: str, percent: int) -> dict[str, Any]:
    return {"quarter": quarter, "submitted_on": submitted_on, "percent": percent}


WORKED_EXAMPLES = {
    "format": "ogplocal-exchange/1",
    "jurisdictions": [
        _member("no-plan", []),
        _member(
            "tracker-gap",
            [
                _plan(
                    [_update("2026Q3", "2026-10-15", 20), _update("2027Q2", "2027-05-20", 30)],
                    ["2026-09-01", "2027-03-01", "2027-09-01"],
                )
            ],
        ),
        _member(
            "few-meetings",
            [
                _plan(
                    [
                        _update("2026Q3", "2026-10-15", 10),
                        _update("2026Q4", "2027-01-15", 20),
                        _update("2027Q1", "2027-04-15", 30),
                        _update("2027Q2", "2027-07-15", 40),
                        _update("2027Q3", "2027-10-15", 50),
                    ],
                    ["2026-09-01", "2027-07-10"],
                )
            ],
        ),
    ],
}


def run(*args: str) -> str:
    out = StringIO()
    call_command("evaluate_status", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def evaluated(as_of: str, slug: str | None = None) -> list[dict[str, Any]]:
    args = ["--as-of", as_of, "--json"]
    if slug:
        args += ["--jurisdiction", slug]
    return json.loads(run(*args))


@pytest.fixture
def worked_examples(db: None) -> None:
    import_exchange(WORKED_EXAMPLES)


# (slug, as of, status, since, reasons): the table of docs/rules.md §3.4.
TABLE = [
    ("no-plan", "2026-07-10", "active", "2026-03-10", []),
    ("no-plan", "2026-07-11", "inactive", "2026-07-11", ["first_plan_overdue"]),
    (
        "no-plan",
        "2027-01-11",
        "probation",
        "2027-01-11",
        ["first_plan_overdue", "inactive_6_months"],
    ),
    (
        "no-plan",
        "2027-05-11",
        "revoked",
        "2027-05-11",
        ["first_plan_overdue", "inactive_6_months", "probation_4_months"],
    ),
    ("tracker-gap", "2027-04-30", "active", "2026-03-10", []),
    ("tracker-gap", "2027-05-01", "inactive", "2027-05-01", ["tracker_not_updated"]),
    ("tracker-gap", "2027-05-20", "active", "2027-05-20", []),
    ("few-meetings", "2027-05-31", "active", "2026-03-10", []),
    ("few-meetings", "2027-06-01", "probation", "2027-06-01", ["no_engagement_evidence"]),
    ("few-meetings", "2027-07-10", "active", "2027-07-10", []),
]


@pytest.mark.parametrize(("slug", "as_of", "status", "since", "reasons"), TABLE)
def test_worked_examples_of_section_3_4(
    worked_examples: None, slug: str, as_of: str, status: str, since: str, reasons: list[str]
) -> None:
    [result] = evaluated(as_of, slug)
    assert (result["jurisdiction"], result["status"], result["since"], result["reasons"]) == (
        slug,
        status,
        since,
        reasons,
    )


def _deadline(kind: str, due: str, met_on: str | None, ref: str | None) -> dict[str, Any]:
    return {"kind": kind, "due": due, "met_on": met_on, "ref": ref}


def test_json_output_is_exact_and_sorted_by_slug(worked_examples: None) -> None:
    assert evaluated("2027-05-11") == [
        {
            "jurisdiction": "few-meetings",
            "status": "active",
            "since": "2026-03-10",
            "reasons": [],
            "deadlines": [
                _deadline("first_plan", "2026-07-10", "2026-06-01", "2026-plan"),
                _deadline("inception_assessment", "2026-08-01", None, "2026-plan"),
                _deadline("tracker_update", "2026-10-31", "2026-10-15", "2026Q3"),
                _deadline("change_window", "2026-12-01", None, "2026-plan"),
                _deadline("tracker_update", "2027-01-31", "2027-01-15", "2026Q4"),
                _deadline("tracker_update", "2027-04-30", "2027-04-15", "2027Q1"),
                _deadline("tracker_update", "2027-07-31", None, "2027Q2"),
                _deadline("final_learning_exercise", "2028-02-29", None, "2026-plan"),
                _deadline("next_plan", "2028-04-30", None, "2026-plan"),
            ],
        },
        {
            "jurisdiction": "no-plan",
            "status": "revoked",
            "since": "2027-05-11",
            "reasons": ["first_plan_overdue", "inactive_6_months", "probation_4_months"],
            "deadlines": [
                _deadline("first_plan", "2026-07-10", None, None),
                _deadline("revocation", "2027-05-11", None, None),
            ],
        },
        {
            "jurisdiction": "tracker-gap",
            "status": "inactive",
            "since": "2027-05-01",
            "reasons": ["tracker_not_updated"],
            "deadlines": [
                _deadline("first_plan", "2026-07-10", "2026-06-01", "2026-plan"),
                _deadline("inception_assessment", "2026-08-01", None, "2026-plan"),
                _deadline("tracker_update", "2026-10-31", "2026-10-15", "2026Q3"),
                _deadline("change_window", "2026-12-01", None, "2026-plan"),
                _deadline("tracker_update", "2027-01-31", None, "2026Q4"),
                _deadline("tracker_update", "2027-04-30", None, "2027Q1"),
                _deadline("tracker_update", "2027-07-31", None, "2027Q2"),
                _deadline("final_learning_exercise", "2028-02-29", None, "2026-plan"),
                _deadline("next_plan", "2028-04-30", None, "2026-plan"),
            ],
        },
    ]


def test_jurisdiction_option_and_unknown_slug(worked_examples: None) -> None:
    assert [r["jurisdiction"] for r in evaluated("2027-05-01", "tracker-gap")] == ["tracker-gap"]
    with pytest.raises(CommandError, match="No jurisdiction has the slug 'nowhere'"):
        run("--as-of", "2027-05-01", "--jurisdiction", "nowhere")


def test_bad_date_is_a_clear_error(worked_examples: None) -> None:
    with pytest.raises(CommandError, match="not a date written YYYY-MM-DD"):
        run("--as-of", "2027-02-30")


def test_table_without_json(worked_examples: None) -> None:
    lines = run("--as-of", "2027-05-01").splitlines()
    assert lines[0].split() == ["jurisdiction", "status", "since", "reasons", "next", "deadline"]
    assert lines[2].split()[:4] == ["no-plan", "probation", "2027-01-11", "first_plan_overdue"]
    assert lines[3].split()[:4] == ["tracker-gap", "inactive", "2027-05-01", "tracker_not_updated"]


@time_machine.travel("2026-11-23 12:00Z", tick=False)
def test_without_as_of_uses_today(worked_examples: None) -> None:
    [result] = json.loads(run("--json", "--jurisdiction", "no-plan"))
    assert (result["status"], result["since"]) == ("inactive", "2026-07-11")


def _changes(slug: str) -> list[tuple[str, str, list[str]]]:
    return [
        (change.on.isoformat(), change.status, change.reasons)
        for change in StatusChange.objects.filter(jurisdiction__slug=slug).order_by("on")
    ]


@time_machine.travel("2027-06-15 12:00Z", tick=False)
def test_save_stores_status_and_transitions_idempotently(worked_examples: None) -> None:
    run("--as-of", "2027-05-20", "--save", "--json")
    member = Jurisdiction.objects.get(slug="tracker-gap")
    assert (member.status, member.status_since, member.status_reasons) == (
        "active",
        date(2027, 5, 20),
        [],
    )
    assert member.status_evaluated_on == date(2027, 5, 20)
    expected = [
        ("2026-03-10", "active", []),
        ("2027-05-01", "inactive", ["tracker_not_updated"]),
        ("2027-05-20", "active", []),
    ]
    assert _changes("tracker-gap") == expected
    assert _changes("no-plan")[-1] == (
        "2027-05-11",
        "revoked",
        ["first_plan_overdue", "inactive_6_months", "probation_4_months"],
    )
    rows, history = StatusChange.objects.count(), member.history.count()

    results = save_evaluations(as_of=date(2027, 5, 20))
    assert not any(item.changed for item in results)
    assert StatusChange.objects.count() == rows
    assert member.history.count() == history

    # A data correction: the 2026Q4 update had in fact been sent on time. The inactivity is no
    # longer true, and its transitions leave the cache.
    TrackerUpdate.objects.create(
        commitment=member.action_plans.get().commitments.get(),
        quarter="2026Q4",
        submitted_on=date(2027, 1, 20),
        percent=25,
    )
    save_evaluations(
        as_of=date(2027, 5, 20), jurisdictions=Jurisdiction.objects.filter(pk=member.pk)
    )
    assert _changes("tracker-gap") == [("2026-03-10", "active", [])]
    member.refresh_from_db()
    assert (member.status, member.status_since) == ("active", date(2026, 3, 10))


@time_machine.travel("2027-06-15 12:00Z", tick=False)
def test_save_refuses_a_future_date(worked_examples: None) -> None:
    with pytest.raises(CommandError, match="in the future"):
        run("--as-of", "2027-06-16", "--save")
    with pytest.raises(ActionRefused):
        save_evaluations(as_of=date(2027, 6, 16))
    assert not StatusChange.objects.exists()
    assert not Jurisdiction.objects.filter(status_evaluated_on__isnull=False).exists()
    # Without --save a future date is evaluated, since the rules are a pure function of it.
    assert evaluated("2027-06-16", "no-plan")[0]["status"] == "revoked"
