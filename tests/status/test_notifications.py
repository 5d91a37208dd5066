"""Deadline reminders and status-change emails (issue 7): decided once, sent once, never lost.

Unit tests: Celery runs eagerly, email goes to Django's locmem outbox and time is travelled with
time_machine. The villa-example tenant (Buenos Aires time) joined on 2026-03-10 with no
first-plan deadline set, so its first plan is due on 2026-07-10 (docs/rules.md §3.4).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction

from members import outbox, rules, tasks
from members.models import Jurisdiction, Notification, StatusChange, User
from members.rules import Deadline, DeadlineKind
from portal.status import jobs
from portal.status import tasks as status_tasks
from tests.conftest import Tenant, client_for, compose_services, make_tenant
from tests.factories import (
    ActionPlanFactory,
    CommitmentFactory,
    ExtensionRequestFactory,
    NotificationFactory,
    StaffFactory,
    TrackerUpdateFactory,
)

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def noon(day: date) -> datetime:
    """Midday UTC: the same date in Buenos Aires (UTC-3)."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def run_daily_jobs(capture: Capture, day: date) -> None:
    """What beat runs on `day`: the status evaluation, then the reminder sweep; every task
    queued on commit runs eagerly."""
    with time_machine.travel(noon(day), tick=False):
        with capture(execute=True):
            status_tasks.evaluate_statuses.delay()
        with capture(execute=True):
            status_tasks.sweep_reminders.delay()


def sent_to(user: User) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if message.to == [user.email]]


def subjects(user: User) -> list[str]:
    return [str(message.subject) for message in sent_to(user)]


# --- Which notice a deadline is due (pure) -----------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (45, None),
        (31, None),
        (30, 30),
        (20, 30),
        (8, 30),
        (7, 7),
        (2, 7),
        (1, 1),
        (0, 1),
        (-1, -1),
        (-7, -1),
        (-8, None),
    ],
)
def test_reminder_offset_sends_the_nearest_threshold_reached(
    days_left: int, expected: int | None
) -> None:
    today = date(2027, 1, 10)
    deadline = Deadline(DeadlineKind.FIRST_PLAN, today + timedelta(days=days_left), None, None)
    assert jobs.reminder_offset(deadline, today) == expected


def test_met_heads_up_and_revocation_deadlines_are_not_reminded() -> None:
    today = date(2027, 1, 10)
    met = Deadline(DeadlineKind.TRACKER_UPDATE, today + timedelta(days=7), today, "2026Q4")
    window = Deadline(DeadlineKind.CHANGE_WINDOW, today - timedelta(days=1), None, "plan")
    revocation = Deadline(DeadlineKind.REVOCATION, today + timedelta(days=7), None, None)
    assert jobs.reminder_offset(met, today) is None
    assert jobs.reminder_offset(window, today) is None  # a heads-up cannot be missed
    assert jobs.reminder_offset(revocation, today) is None
    heads_up = Deadline(DeadlineKind.CHANGE_WINDOW, today + timedelta(days=7), None, "plan")
    assert jobs.reminder_offset(heads_up, today) == 7


# --- The reminders of a deadline, day after day ---------------------------------------------------


def test_first_plan_reminders_then_the_miss_and_the_status_change(
    tenant: Tenant, staff: User, django_capture_on_commit_callbacks: Capture
) -> None:
    day = date(2026, 6, 1)
    while day <= date(2026, 7, 13):
        run_daily_jobs(django_capture_on_commit_callbacks, day)
        day += timedelta(days=1)

    assert subjects(tenant.poc) == [
        "[OGP Local] Due in 30 days: the first action plan of Villa Example",
        "[OGP Local] Due in 7 days: the first action plan of Villa Example",
        "[OGP Local] Due in 1 day: the first action plan of Villa Example",
        # The status evaluation runs before the reminder sweep.
        "[OGP Local] Villa Example is now inactive",
        "[OGP Local] Missed: the first action plan of Villa Example was due on 10 July 2026",
    ]
    # The Support Unit hears of the change of status, not of the reminders.
    assert subjects(staff) == ["[OGP Local] Villa Example is now inactive"]
    # Nobody else of the jurisdiction, and not its monitoring body.
    for person in (tenant.officer, tenant.stakeholder, tenant.monitor):
        assert sent_to(person) == []
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0
    assert set(Notification.objects.filter(recipient=tenant.poc).values_list("offset", "due")) == {
        (30, date(2026, 7, 10)),
        (7, date(2026, 7, 10)),
        (1, date(2026, 7, 10)),
        (-1, date(2026, 7, 10)),
        (0, date(2026, 7, 11)),
    }


def test_each_email_is_plain_text_and_html_and_says_what_to_do(
    tenant: Tenant, staff: User, django_capture_on_commit_callbacks: Capture
) -> None:
    run_daily_jobs(django_capture_on_commit_callbacks, date(2026, 7, 3))
    run_daily_jobs(django_capture_on_commit_callbacks, date(2026, 7, 11))
    reminder, change, missed = sent_to(tenant.poc)

    assert "is due on 10 July 2026, in 7 days." in reminder.body
    assert "request an extension" in reminder.body
    assert isinstance(reminder, mail.EmailMultiAlternatives)
    html, mimetype = reminder.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>10 July 2026</strong>" in str(html)
    assert "/w/villa-example/" in reminder.body
    assert reminder.extra_headers["Message-ID"].startswith("<notification-")

    assert "was due on 10 July 2026 and has not been received." in missed.body
    assert "The member is inactive from today" in missed.body

    # The status email gives the reason and what to do, in the words of members.explanations.
    assert "Villa Example has been inactive since 11 July 2026." in change.body
    assert "The first action plan was not submitted by its deadline." in change.body
    assert "hold a co-creation meeting with non-governmental stakeholders" in change.body
    assert "/w/villa-example/" in change.body
    (staff_copy,) = sent_to(staff)
    assert "/support/" in staff_copy.body


def test_a_second_sweep_sends_nothing_new(
    tenant: Tenant, staff: User, django_capture_on_commit_callbacks: Capture
) -> None:
    run_daily_jobs(django_capture_on_commit_callbacks, date(2026, 7, 11))
    assert len(mail.outbox) == 3  # missed to the POC, the status change to the POC and to staff
    rows = Notification.objects.count()
    with time_machine.travel(noon(date(2026, 7, 11)), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            status_tasks.evaluate_statuses.delay(every_member=True)
        with django_capture_on_commit_callbacks(execute=True):
            status_tasks.sweep_reminders.delay()
        with django_capture_on_commit_callbacks(execute=True):
            status_tasks.sweep_reminder_batch.delay([tenant.jurisdiction.pk])
    assert len(mail.outbox) == 3
    assert Notification.objects.count() == rows


def test_a_moved_deadline_gets_its_own_reminders(
    tenant: Tenant, django_capture_on_commit_callbacks: Capture
) -> None:
    run_daily_jobs(django_capture_on_commit_callbacks, date(2026, 7, 3))  # 7 days before 07-10
    ExtensionRequestFactory(
        jurisdiction=tenant.jurisdiction,
        requested_on=date(2026, 7, 4),
        requested_until=date(2026, 8, 31),
        decision="granted",
        decided_on=date(2026, 7, 5),
        granted_until=date(2026, 8, 31),
    )
    for day in (date(2026, 7, 9), date(2026, 7, 11), date(2026, 8, 1), date(2026, 8, 30)):
        run_daily_jobs(django_capture_on_commit_callbacks, day)

    assert subjects(tenant.poc) == [
        "[OGP Local] Due in 7 days: the first action plan of Villa Example",
        "[OGP Local] Due in 30 days: the first action plan of Villa Example",
        "[OGP Local] Due in 1 day: the first action plan of Villa Example",
    ]
    assert list(
        Notification.objects.filter(recipient=tenant.poc)
        .order_by("pk")
        .values_list("due", flat=True)
    ) == [date(2026, 7, 10), date(2026, 8, 31), date(2026, 8, 31)]


def test_assessment_deadlines_go_to_the_plans_monitoring_body(
    tenant: Tenant, django_capture_on_commit_callbacks: Capture
) -> None:
    body = tenant.monitor.monitoring_bodies.get().body
    ActionPlanFactory(
        lead_jurisdiction=tenant.jurisdiction,
        ref="2026-plan",
        submitted_on=date(2026, 6, 1),
        monitoring_body=body,
    )
    run_daily_jobs(django_capture_on_commit_callbacks, date(2026, 7, 2))  # inception: 08-01

    assert subjects(tenant.monitor) == [
        "[OGP Local] Due in 30 days: the inception assessment of plan 2026-plan of Villa Example"
    ]
    assert sent_to(tenant.poc) == []


def test_tracker_updates_are_reminded_until_one_is_submitted(
    tenant: Tenant, django_capture_on_commit_callbacks: Capture
) -> None:
    plan = ActionPlanFactory(
        lead_jurisdiction=tenant.jurisdiction, ref="2026-plan", submitted_on=date(2026, 6, 1)
    )
    commitment = CommitmentFactory(plan=plan)  # from 2026-07-01: 2026Q3 is due 2026-10-31
    run_daily_jobs(django_capture_on_commit_callbacks, date(2026, 10, 1))
    TrackerUpdateFactory(commitment=commitment, quarter="2026Q3", submitted_on=date(2026, 10, 15))
    run_daily_jobs(django_capture_on_commit_callbacks, date(2026, 10, 24))
    run_daily_jobs(django_capture_on_commit_callbacks, date(2026, 11, 24))

    assert subjects(tenant.poc) == [
        "[OGP Local] Due in 30 days: the tracker update for 2026Q3 of Villa Example",
        # The change window closes on 2026-12-01: a heads-up, never a "missed".
        "[OGP Local] Due in 7 days: the end of the window for changing the commitments of plan "
        "2026-plan of Villa Example",
    ]


def test_old_transitions_and_a_revoked_member_send_nothing(
    tenant: Tenant, staff: User, django_capture_on_commit_callbacks: Capture
) -> None:
    """An imported history is not news: transitions older than two weeks are not told, and a
    revoked member owes nothing."""
    run_daily_jobs(django_capture_on_commit_callbacks, date(2027, 6, 1))
    assert StatusChange.objects.filter(jurisdiction=tenant.jurisdiction).count() == 4
    assert Jurisdiction.objects.get(pk=tenant.jurisdiction.pk).status == "revoked"
    assert mail.outbox == []


# --- Batches, failures, rollbacks ---------------------------------------------------------------


def test_the_daily_evaluation_fans_out_by_batch_and_only_once_a_day(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    for index in range(5):
        make_tenant(f"member-{index}", f"Member {index}")

    def queue_evaluations() -> int:
        return jobs.queue_status_evaluations(status_tasks.evaluate_status_batch, batch_size=2)

    with time_machine.travel(noon(date(2026, 7, 11)), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert queue_evaluations() == 3
        assert set(Jurisdiction.objects.values_list("status", "status_evaluated_on")) == {
            ("inactive", date(2026, 7, 11))
        }
        # Evaluated today: the next hourly run takes nobody.
        assert queue_evaluations() == 0
    with time_machine.travel(noon(date(2026, 7, 12)), tick=False):
        assert queue_evaluations() == 3


def test_one_members_failure_does_not_stop_the_others(
    tenant: Tenant,
    other_tenant: Tenant,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    evaluate, evaluate_with_timeline = rules.evaluate, rules.evaluate_with_timeline

    def broken_for_one(facts: rules.JurisdictionFacts, as_of: date) -> rules.Evaluation:
        if facts.slug == "puerto-otro":
            raise RuntimeError("corrupt facts")
        return evaluate(facts, as_of)

    def broken_timeline_for_one(
        facts: rules.JurisdictionFacts, as_of: date
    ) -> tuple[rules.Evaluation, list[rules.Transition]]:
        if facts.slug == "puerto-otro":
            raise RuntimeError("corrupt facts")
        return evaluate_with_timeline(facts, as_of)

    # The reminder sweep evaluates; the status evaluation evaluates with the timeline.
    monkeypatch.setattr(rules, "evaluate", broken_for_one)
    monkeypatch.setattr(rules, "evaluate_with_timeline", broken_timeline_for_one)
    caplog.set_level(logging.WARNING, logger="portal.status.jobs")
    run_daily_jobs(django_capture_on_commit_callbacks, date(2026, 7, 11))

    assert subjects(tenant.poc) == [
        "[OGP Local] Villa Example is now inactive",
        "[OGP Local] Missed: the first action plan of Villa Example was due on 10 July 2026",
    ]
    assert sent_to(other_tenant.poc) == []
    statuses = dict(Jurisdiction.objects.values_list("slug", "status"))
    assert statuses == {"villa-example": "inactive", "puerto-otro": "active"}
    failures = [r for r in caplog.records if "going on with the others" in r.getMessage()]
    assert len(failures) == 2  # the status evaluation and the reminder sweep of puerto-otro


@pytest.mark.django_db(transaction=True)
def test_nothing_is_queued_from_a_transaction_that_rolls_back() -> None:
    tenant = make_tenant("villa-example", "Villa Example")
    decided: list[int] = []

    def decide_then_fail() -> None:
        with transaction.atomic():
            decided.append(jobs.sweep_reminder_batch([tenant.jurisdiction.pk]))
            decided.append(jobs.evaluate_status_batch([tenant.jurisdiction.pk]))
            raise RuntimeError("the decision is rolled back")

    with time_machine.travel(noon(date(2026, 7, 11)), tick=False):
        with pytest.raises(RuntimeError):
            decide_then_fail()
        assert decided == [1, 1]
        assert mail.outbox == []
        assert Notification.objects.count() == 0
        # Committed, the same decisions send at once (on_commit, eager tasks).
        jobs.sweep_reminder_batch([tenant.jurisdiction.pk])
        jobs.evaluate_status_batch([tenant.jurisdiction.pk])
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(sent_at__isnull=False).count() == 2


# --- Sending: retries, permanent refusals, never lost --------------------------------------------


@pytest.fixture
def eager_retries() -> Iterator[None]:
    """Eager tasks retry in-process only when their failures are not propagated (Celery runs an
    eager retry from the result of the failed attempt)."""
    from ogplocal.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


@pytest.fixture
def smtp_failures(monkeypatch: pytest.MonkeyPatch) -> list[Exception]:
    """Each exception put in the list is raised by one attempt to send, in order."""
    failures: list[Exception] = []
    send_messages = EmailBackend.send_messages

    def failing(self: EmailBackend, messages: Any) -> int:
        if failures:
            raise failures.pop(0)
        return send_messages(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", failing)
    return failures


def a_notification(tenant: Tenant, capture: Capture, smtp: list[Exception]) -> Notification:
    """The 30-day reminder of villa-example's first plan, decided with sending held back."""
    with time_machine.travel(noon(date(2026, 6, 10)), tick=False), capture(execute=False):
        jobs.sweep_reminder_batch([tenant.jurisdiction.pk])
    return Notification.objects.get()


@pytest.mark.usefixtures("eager_retries")
def test_an_smtp_server_that_fails_twice_still_gets_the_email_once(
    tenant: Tenant, django_capture_on_commit_callbacks: Capture, smtp_failures: list[Exception]
) -> None:
    row = a_notification(tenant, django_capture_on_commit_callbacks, smtp_failures)
    smtp_failures += [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPDataError(451, b"4.3.0 Try again later"),
    ]
    # Eager: retried at once, without the countdown.
    assert tasks.send_notification.delay(row.pk).get() is True

    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.attempts == 3
    assert row.last_error == ""
    # A second delivery of the same task (a message handed out again) sends nothing.
    tasks.send_notification.delay(row.pk)
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("eager_retries")
def test_a_long_smtp_outage_loses_nothing(
    tenant: Tenant, django_capture_on_commit_callbacks: Capture, smtp_failures: list[Exception]
) -> None:
    row = a_notification(tenant, django_capture_on_commit_callbacks, smtp_failures)
    retries = tasks.send_notification.max_retries
    assert retries is not None
    smtp_failures += [ConnectionRefusedError(111, "Connection refused")] * (retries + 1)
    assert tasks.send_notification.delay(row.pk).failed()
    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (None, retries + 1)
    assert "Connection refused" in row.last_error
    assert mail.outbox == []

    # The hourly resend queues it again once its own retries are over, and it goes.
    with time_machine.travel(row.created_at + timedelta(hours=1), tick=False):
        assert outbox.resend_unsent() == 0
    later = row.created_at + timedelta(hours=3)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        tasks.resend_unsent_notifications.delay()
    row.refresh_from_db()
    assert row.sent_at is not None
    assert len(mail.outbox) == 1
    with time_machine.travel(row.created_at + timedelta(hours=4), tick=False):
        assert outbox.resend_unsent() == 0


def test_a_permanent_refusal_is_recorded_not_retried(
    tenant: Tenant, django_capture_on_commit_callbacks: Capture, smtp_failures: list[Exception]
) -> None:
    row = a_notification(tenant, django_capture_on_commit_callbacks, smtp_failures)
    smtp_failures.append(
        smtplib.SMTPRecipientsRefused({tenant.poc.email: (550, b"5.1.1 No such user")})
    )
    assert tasks.send_notification.delay(row.pk).get() is False
    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (None, 1)
    assert "SMTPRecipientsRefused" in row.last_error


# --- Configuration: the schedule, acknowledgement, queues ---------------------------------------


def test_the_beat_schedule_runs_the_jobs_with_expiry() -> None:
    from celery.schedules import crontab
    from django.conf import settings

    from ogplocal.celery import app

    schedule = app.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == {
        "members.tasks.evaluate_statuses",
        "members.tasks.sweep_reminders",
        "members.tasks.resend_unsent_notifications",
    }
    for name, entry in schedule.items():
        assert entry["task"] in app.tasks, name
        assert isinstance(entry["schedule"], crontab), name
        assert 0 < entry["options"]["expires"] < 24 * 60 * 60, name
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.NOTIFICATION_RETRY_BACKOFF_MAX


def test_the_compose_worker_consumes_every_queue() -> None:
    from ogplocal.celery import app

    queues = {route["queue"] for route in app.conf.task_routes.values()}
    queues.add(app.conf.task_default_queue)
    command = compose_services()["worker"]["command"]
    consumed = set(command.split("-Q", 1)[1].split()[0].split(","))
    assert queues <= consumed


# --- The notifications page ---------------------------------------------------------------------


def test_people_see_their_own_notifications_only(tenant: Tenant, other_tenant: Tenant) -> None:
    mine = NotificationFactory(recipient=tenant.poc, jurisdiction=tenant.jurisdiction)
    NotificationFactory(
        recipient=other_tenant.poc, jurisdiction=other_tenant.jurisdiction, subject="Not yours"
    )
    response = client_for(tenant.poc).get("/notifications/")
    assert response.status_code == 200
    html = response.content.decode()
    assert str(mine.subject) in html
    assert "Not yours" not in html
    assert "not sent yet" in html
    assert 'href="/notifications/"' in html  # the navigation link
    assert "<style" not in html
    assert "style=" not in html

    assert client_for(StaffFactory()).get("/notifications/").status_code == 200
    anonymous = client_for(None).get("/notifications/")
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
