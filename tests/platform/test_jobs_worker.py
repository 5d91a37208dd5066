"""Integration: a real Celery worker process, the Redis broker, PostgreSQL and an SMTP server.

Each test starts `celery -A ogplocal worker` with ogplocal.settings.integration, pointed at the
test database, at a Redis database of its own (flushed before and after) and at an aiosmtpd
server on loopback run by the test. The jobs work on the real clock, so the members' deadlines
are set relative to today (UTC). Marked `services`: skipped locally without PostgreSQL and Redis,
never under CI=true.
"""

from __future__ import annotations

import asyncio
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from aiosmtpd.controller import Controller
from celery.exceptions import AlwaysEagerIgnored
from django.conf import settings
from django.db import connection

from members import outbox
from members.models import Jurisdiction, Notification
from members.services import invite_person
from members.tenancy import Role
from ogplocal.celery import app
from ogplocal.dates import local_today
from tests.factories import JurisdictionFactory, MembershipFactory, StaffFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
QUEUES = "celery,status,email"
NOTIFICATION_HEADER = "X-OGP-Local-Notification"


# --- An SMTP server on loopback -----------------------------------------------------------------


@dataclass
class Inbox:
    """An aiosmtpd handler that refuses each message's first `fail_first` attempts (451), and
    with `hang_first` holds the first message's DATA unanswered until `release` is set."""

    fail_first: int = 0
    hang_first: bool = False
    accepted: list[str] = field(default_factory=list)
    attempts: Counter[str] = field(default_factory=Counter)
    hung: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content)
        key = str(message[NOTIFICATION_HEADER])
        with self.lock:
            self.attempts[key] += 1
            attempt = self.attempts[key]
            hang = self.hang_first and not self.hung.is_set()
            if hang:
                self.hung.set()
        if hang:
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 The server went away"
        if attempt <= self.fail_first:
            return "451 4.3.0 Try again later"
        with self.lock:
            self.accepted.append(key)
        return "250 2.0.0 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    inbox.release.set()
    controller.stop()


# --- Redis, the test database, the worker -------------------------------------------------------


def dedicated_redis_url() -> str:
    """REDIS_URL with a database number of these tests' own (15, or 14 when REDIS_URL is 15), so
    flushing it touches neither the cache nor anything else."""
    parts = urlsplit(str(settings.REDIS_URL))
    current = parts.path.strip("/") or "0"
    number = "14" if current == "15" else "15"
    return urlunsplit(parts._replace(path=f"/{number}"))


def worker_database_url() -> str:
    """The URL of the database pytest-django made for this run (`test_<NAME>`)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


@pytest.fixture
def broker() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(dedicated_redis_url())
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


class Workers:
    """Starts worker processes, each in a process group of its own, and ends them all."""

    def __init__(self, smtp_port: int, logs: Path) -> None:
        self.smtp_port = smtp_port
        self.logs = logs
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, **environment: str) -> subprocess.Popen[bytes]:
        clean = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "DJANGO_", "CELERY_"))
        }
        env = {
            **clean,
            "DJANGO_SETTINGS_MODULE": "ogplocal.settings.integration",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": dedicated_redis_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp_port}",
            **environment,
        }
        log = (self.logs / f"worker-{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ogplocal",
                "worker",
                "-Q",
                QUEUES,
                "--concurrency=2",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL the worker and its pool processes at once: nothing of them runs on."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def log(self) -> str:
        return "\n".join(
            path.read_text(errors="replace")[-4000:] for path in sorted(self.logs.glob("*.log"))
        )


@pytest.fixture
def workers(
    transactional_db: None, smtp: tuple[Inbox, int], broker: redis.Redis, tmp_path: Path
) -> Iterator[Workers]:
    # Torn down before transactional_db flushes the tables the workers use.
    started = Workers(smtp[1], tmp_path)
    yield started
    started.stop_all()


def send(task: str, **kwargs: Any) -> None:
    """Queue a task through the test's Redis database, as beat does (the test process itself
    runs tasks eagerly; this goes to the broker whatever that setting says)."""
    with (
        warnings.catch_warnings(action="ignore", category=AlwaysEagerIgnored),
        app.connection_for_write(dedicated_redis_url()) as connection_,
    ):
        app.send_task(f"members.tasks.{task}", kwargs=kwargs, connection=connection_)


def wait_for(condition: Callable[[], bool], workers: Workers, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}\n--- worker log ---\n{workers.log()}")


def wait_idle(client: redis.Redis, workers: Workers, seconds: float = 30) -> None:
    """Until the broker has held nothing, queued or unacknowledged, for a second and a half."""
    quiet_since: float | None = None

    def idle() -> bool:
        nonlocal quiet_since
        busy = sum(int(client.llen(queue)) for queue in QUEUES.split(",")) + int(
            client.hlen("unacked")
        )
        if busy:
            quiet_since = None
            return False
        quiet_since = quiet_since or time.monotonic()
        return time.monotonic() - quiet_since >= 1.5

    wait_for(idle, workers, seconds, "the worker to finish")


# --- The members ---------------------------------------------------------------------------------


@dataclass
class Expected:
    """Each expected email by (recipient's email, offset) and the total."""

    emails: set[tuple[str, int]]


def members_with_deadlines() -> Expected:
    """Four members in UTC whose first plan is due in 30, 7 and 1 days and yesterday, each with a
    Point of Contact, and one Support Unit staff member: six emails in all (three reminders; for
    the missed one, the notice and the status change to its POC and to staff)."""
    today = local_today("UTC")
    staff = StaffFactory()
    expected: set[tuple[str, int]] = {(staff.email, 0)}
    for days, offsets in ((30, [30]), (7, [7]), (1, [1]), (-1, [-1, 0])):
        member = JurisdictionFactory(
            name=f"Member due in {days} days" if days > 0 else "Member overdue",
            time_zone="UTC",
            joined_on=today - timedelta(days=90),
            first_plan_deadline=today + timedelta(days=days),
        )
        poc = MembershipFactory(jurisdiction=member, role=Role.POC).user
        expected |= {(poc.email, offset) for offset in offsets}
    return Expected(expected)


def sent_rows() -> set[tuple[str, int]]:
    return set(
        Notification.objects.filter(sent_at__isnull=False).values_list("recipient__email", "offset")
    )


# --- The tests ------------------------------------------------------------------------------------


def test_a_sweep_sends_each_email_once_and_a_second_sweep_none(
    workers: Workers, smtp: tuple[Inbox, int], broker: redis.Redis
) -> None:
    inbox, _port = smtp
    expected = members_with_deadlines()
    workers.start()
    send("evaluate_statuses")
    send("sweep_reminders")
    wait_for(lambda: sent_rows() == expected.emails, workers, 40, "six emails")
    wait_idle(broker, workers)
    assert sorted(inbox.accepted) == sorted(
        str(pk) for pk in Notification.objects.values_list("pk", flat=True)
    )
    assert len(inbox.accepted) == len(set(inbox.accepted)) == 6
    assert Jurisdiction.objects.get(name="Member overdue").status == "inactive"

    # The same jobs again, every member re-evaluated: nothing new is decided or sent.
    send("evaluate_statuses", every_member=True)
    send("sweep_reminders")
    send("resend_unsent_notifications")
    wait_idle(broker, workers)
    assert len(inbox.accepted) == 6
    assert Notification.objects.count() == 6


def test_an_smtp_server_that_fails_twice_then_accepts_gets_each_email_once(
    workers: Workers, smtp: tuple[Inbox, int], broker: redis.Redis
) -> None:
    inbox, _port = smtp
    inbox.fail_first = 2
    expected = members_with_deadlines()
    workers.start()
    send("evaluate_statuses")
    send("sweep_reminders")
    wait_for(lambda: sent_rows() == expected.emails, workers, 45, "six emails after retries")
    wait_idle(broker, workers)
    assert len(inbox.accepted) == len(set(inbox.accepted)) == 6
    assert set(inbox.attempts.values()) == {3}
    assert set(Notification.objects.values_list("attempts", "last_error")) == {(3, "")}


def test_a_worker_killed_in_the_middle_of_a_task_loses_nothing(
    workers: Workers, smtp: tuple[Inbox, int], broker: redis.Redis
) -> None:
    """The first worker is killed while it sends (the SMTP server holds the message's DATA
    unanswered); after the short visibility timeout Redis hands the task to a second worker,
    which sends the email once."""
    inbox, _port = smtp
    inbox.hang_first = True
    today = local_today("UTC")
    member = JurisdictionFactory(
        time_zone="UTC",
        joined_on=today - timedelta(days=90),
        first_plan_deadline=today + timedelta(days=30),
    )
    poc = MembershipFactory(jurisdiction=member, role=Role.POC).user
    short = {"CELERY_VISIBILITY_TIMEOUT": "3"}

    first = workers.start(**short)
    send("sweep_reminders")
    wait_for(inbox.hung.is_set, workers, 30, "the first worker to reach the SMTP server")
    workers.kill(first)
    inbox.release.set()
    row = Notification.objects.get()
    assert row.recipient == poc
    assert row.sent_at is None  # the killed attempt committed nothing

    workers.start(**short)
    wait_for(lambda: inbox.accepted == [str(row.pk)], workers, 40, "the email after the kill")
    wait_idle(broker, workers)
    row.refresh_from_db()
    assert row.sent_at is not None
    assert inbox.accepted == [str(row.pk)]
    assert inbox.attempts[str(row.pk)] == 2


def test_an_invitation_to_an_address_without_account_goes_through_the_worker(
    workers: Workers,
    smtp: tuple[Inbox, int],
    broker: redis.Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every email is an outbox row (issue 17 item 2): one decided by a business action, to an
    address with no account, is sent by the worker's task, through the retries of an SMTP server
    that refuses twice, once."""
    inbox, _port = smtp
    inbox.fail_first = 2
    member = JurisdictionFactory()
    poc = MembershipFactory(jurisdiction=member, role=Role.POC).user
    # The test process would send it itself, eagerly, once the action commits: held back here and
    # queued to the worker as the web process queues it.
    monkeypatch.setattr(outbox, "_queue", lambda notification_id: None)
    invite_person(
        jurisdiction=member, email="new.officer@example.org", role=Role.OFFICER, invited_by=poc
    )
    row = Notification.objects.get()
    assert (row.email, row.recipient, row.sent_at) == ("new.officer@example.org", None, None)
    workers.start()
    send("send_notification", notification_id=row.pk)
    wait_for(lambda: inbox.accepted == [str(row.pk)], workers, 40, "the invitation")
    wait_idle(broker, workers)
    row.refresh_from_db()
    assert row.sent_at is not None
    assert (row.attempts, inbox.attempts[str(row.pk)]) == (3, 3)
