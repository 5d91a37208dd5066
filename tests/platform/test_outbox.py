"""One email path (issue 17 item 2): every email the portal sends is an outbox row, written in the
transaction that decides it and sent by the retried task, so mail that is down never fails a page
or an API call, and every email still arrives once.

The main test talks to a real SMTP server on loopback (aiosmtpd) that refuses every message at
first (451) and accepts them later. Its transactions really commit (a transactional test), so the
sending is queued on commit as in production; Celery runs eagerly.
"""

from __future__ import annotations

import email
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import Client
from django.utils import translation
from kombu.exceptions import OperationalError

from commitments.models import ChangeProposal
from members import outbox, tasks
from members.models import Invitation, Jurisdiction, Notification, StatusOverride, User
from members.tenancy import Role
from portal.status import tasks as status_tasks
from tests.conftest import Tenant, client_for, make_tenant
from tests.factories import (
    NEW_MEMBER_FORM,
    PASSWORD,
    AssessmentFactory,
    JurisdictionFactory,
    MembershipFactory,
    StaffFactory,
    ready_plan,
)

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]

HEADER = "X-OGP-Local-Notification"
NOW = datetime(2026, 8, 15, 15, 0, tzinfo=UTC)


# --- An SMTP server on loopback that refuses, then accepts ---------------------------------------


@dataclass
class Inbox:
    """An aiosmtpd handler: refuses every message (451) while `refusing`, then accepts them,
    recording each by its notification's id."""

    refusing: bool = True
    refused: Counter[str] = field(default_factory=Counter)
    accepted: list[str] = field(default_factory=list)
    messages: dict[str, Message] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content)
        key = str(message[HEADER])
        with self.lock:
            if self.refusing:
                self.refused[key] += 1
                return "451 4.3.0 Try again later"
            self.accepted.append(key)
            self.messages[key] = message
        return "250 2.0.0 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()


def text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text part")


# --- Every kind of email, with SMTP down --------------------------------------------------------


def post(client: Client, path: str, data: dict[str, Any], expected: int) -> None:
    """A page's form post, or an API call (JSON) under /api/: never a 500, always what it answers
    when mail works."""
    if path.startswith("/api/"):
        response = client.post(path, data, content_type="application/json")
        assert response["Content-Type"].startswith("application/json"), path
    else:
        response = client.post(path, data)
    assert response.status_code == expected, (path, response.status_code, response.content[:500])


# Each kind of email: its key's prefix (allauth's template for allauth's emails), or, for the
# daily jobs' emails, the topic.
EVERY_KIND = {
    # The daily jobs.
    "reminder",
    "missed",
    "status",
    # Invitations and a new member.
    "invitation",
    "member-created",
    # allauth's.
    "account/email/password_reset_key",
    "account/email/unknown_account",
    "account/email/email_confirmation",
    # Requests and decisions about a member.
    "extension-requested",
    "extension-decided",
    "pause-requested",
    "pause-decided",
    "first-plan-deadline",
    "override",
    "override-withdrawn",
    "reinstated",
    # Plans, assessments, commitments.
    "plan-submitted",
    "plan-reviewed",
    "assessment-published",
    "withdrawal-requested",
    "withdrawal-decided",
    "change-proposed",
    "change-decided",
    "commitment-changed",
}


def kind_of(row: Notification) -> str:
    return row.key.split(":")[0] if row.key else row.topic


@pytest.mark.django_db(transaction=True)
def test_with_smtp_down_nothing_fails_and_every_email_arrives_once_later(smtp: Inbox) -> None:
    tenant = make_tenant("villa-example", "Villa Example")
    other = make_tenant("puerto-otro", "Puerto Otro")
    staff = StaffFactory()
    poc, officer, stakeholder = tenant.poc, tenant.officer, tenant.stakeholder
    poc.language = "es"
    poc.save(update_fields=["language"])
    with time_machine.travel(NOW, tick=False) as clock:
        today = NOW.date()
        # Members whose first plan is due in a week and was due yesterday: a reminder, then a
        # missed deadline and a change of status.
        for days in (7, -1):
            member = JurisdictionFactory(
                time_zone="UTC",
                joined_on=today - timedelta(days=90),
                first_plan_deadline=today + timedelta(days=days),
            )
            MembershipFactory(jurisdiction=member, role=Role.POC)
        status_tasks.evaluate_statuses.delay()
        status_tasks.sweep_reminders.delay()

        # Invitations, on the page and in the API, and a new member from the console.
        post(
            client_for(poc),
            "/w/villa-example/team/invite/",
            {"email": "a@example.org", "role": "officer"},
            302,
        )
        post(
            client_for(poc),
            "/api/v1/jurisdictions/villa-example/invitations/",
            {"email": "b@example.org", "role": "officer"},
            201,
        )
        new_member = {**NEW_MEMBER_FORM, "joined_on": "2026-08-01"}
        post(client_for(staff), "/support/members/new/", new_member, 302)

        # allauth: a password reset, one for an address with no account, an address to confirm.
        post(Client(), "/accounts/password/reset/", {"email": poc.email}, 302)
        post(Client(), "/accounts/password/reset/", {"email": "nobody@example.org"}, 302)
        signed_in = client_for(officer)
        post(signed_in, "/accounts/reauthenticate/", {"password": PASSWORD}, 302)
        post(signed_in, "/accounts/email/", {"email": "second@example.org", "action_add": ""}, 302)

        # The member's requests and the Support Unit's decisions (before any plan is submitted).
        post(
            client_for(poc),
            "/w/villa-example/requests/",
            {
                "kind": "extension",
                "extension-requested_until": "2027-03-31",
                "extension-reason": "Elections.",
            },
            302,
        )
        extension = tenant.jurisdiction.extension_requests.get()
        post(
            client_for(staff),
            f"/api/v1/extension-requests/{extension.pk}/decide/",
            {"grant": True, "granted_until": "2027-03-31"},
            200,
        )
        post(
            client_for(poc),
            "/api/v1/voluntary-inactivity-requests/",
            {
                "jurisdiction": "villa-example",
                "starts_on": "2027-01-01",
                "ends_on": "2027-06-30",
                "reason": "Floods.",
            },
            201,
        )
        pause = tenant.jurisdiction.voluntary_inactivity_requests.get()
        post(
            client_for(staff),
            f"/api/v1/voluntary-inactivity-requests/{pause.pk}/decide/",
            {"approve": False, "reason": "Not now."},
            200,
        )
        post(
            client_for(staff),
            "/api/v1/jurisdictions/villa-example/first-plan-deadline/",
            {"deadline": "2027-04-30", "reason": "Agreed."},
            201,
        )
        post(
            client_for(staff),
            "/api/v1/jurisdictions/villa-example/override-status/",
            {"status": "probation", "starts_on": "2026-08-20", "reason": "Audit."},
            201,
        )
        override = StatusOverride.objects.get()
        post(
            client_for(staff),
            "/api/v1/jurisdictions/villa-example/withdraw-override/",
            {"override": override.pk, "reason": "Resolved."},
            200,
        )
        Jurisdiction.objects.filter(pk=other.jurisdiction.pk).update(status="revoked")
        post(
            client_for(staff),
            "/api/v1/jurisdictions/puerto-otro/reinstate/",
            {"reason": "Back."},
            201,
        )

        # A plan submitted on 20 May and reviewed, its assessment published, its commitments
        # withdrawn and changed.
        plan = ready_plan(tenant.jurisdiction, ref="plan")
        clock.move_to(datetime(2026, 5, 20, 15, tzinfo=UTC))
        post(client_for(poc), f"/api/v1/plans/{plan.pk}/submit/", {}, 200)
        clock.move_to(NOW)
        post(
            client_for(staff),
            f"/api/v1/plans/{plan.pk}/review/",
            {"accept": False, "comments": "Clarify c2."},
            200,
        )
        assessment = AssessmentFactory(plan=plan, published=False)
        post(client_for(staff), f"/api/v1/assessments/{assessment.pk}/publish/", {}, 200)
        first, second, third = plan.commitments.order_by("pk")[:3]
        post(
            client_for(poc),
            f"/api/v1/commitments/{first.pk}/request-withdrawal/",
            {"reason": "No budget."},
            200,
        )
        post(
            client_for(staff),
            f"/api/v1/commitments/{first.pk}/decide-withdrawal/",
            {"approve": False, "comments": "Keep going."},
            200,
        )
        post(
            client_for(officer),
            f"/api/v1/commitments/{second.pk}/propose-change/",
            {"title": "A clearer title", "summary": "Clearer."},
            201,
        )
        proposal = ChangeProposal.objects.get()
        post(
            client_for(stakeholder),
            f"/api/v1/change-proposals/{proposal.pk}/approve/",
            {"comment": "Fine."},
            200,
        )
        post(
            client_for(officer),
            f"/api/v1/commitments/{third.pk}/propose-change/",
            {"title": "Shorter", "summary": "Shorter."},
            201,
        )
        rejected = ChangeProposal.objects.get(commitment=third)
        post(
            client_for(stakeholder),
            f"/api/v1/change-proposals/{rejected.pk}/reject/",
            {"comment": "Not clearer."},
            200,
        )

        # The submission of 20 May counts as today's for the resend below.
        Notification.objects.filter(created_at__lt=NOW).update(created_at=NOW)
        rows = list(Notification.objects.order_by("pk"))
        assert {kind_of(row) for row in rows} == EVERY_KIND
        # Nothing went out, and each was tried once and refused.
        assert smtp.accepted == []
        assert all(row.sent_at is None for row in rows)
        assert {row.attempts for row in rows} == {1}
        assert all("451" in row.last_error for row in rows)
        assert set(smtp.refused) == {str(row.pk) for row in rows}

        # The server accepts again; the hourly resend takes what waited past its retries.
        smtp.refusing = False
        clock.move_to(NOW + timedelta(hours=3))
        tasks.resend_unsent_notifications.delay()
        tasks.resend_unsent_notifications.delay()
    assert sorted(smtp.accepted, key=int) == [str(row.pk) for row in rows]  # each exactly once
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    # A task delivered again sends nothing.
    tasks.send_notification.delay(rows[0].pk)
    assert len(smtp.accepted) == len(rows)

    # What arrived: to the address decided, in the recipient's language, with a link to the page
    # where they act, and listed on their notifications page when they have an account.
    for row in Notification.objects.all():
        message = smtp.messages[str(row.pk)]
        assert message["To"] == row.email
        assert "http://" in text_of(message)
        if row.email == "second@example.org":  # an address of the officer's, to confirm
            assert row.recipient == officer
        else:
            assert row.recipient == User.objects.filter(email__iexact=row.email).first()
    decided = Notification.objects.get(recipient=poc, key__startswith="extension-decided:")
    body = text_of(smtp.messages[str(decided.pk)])
    assert decided.subject == "[OGP Local] Una decisión de la Unidad de Apoyo sobre Villa Example"
    assert "Su solicitud de prórroga fue concedida hasta el 31 de marzo de 2027." in body
    assert "http://localhost:8000/w/villa-example/requests/" in body
    reset = Notification.objects.get(recipient=poc, key__startswith="account/email/password")
    assert "http://testserver/accounts/password/reset/key/" in reset.body_text
    proposed = Notification.objects.filter(key__startswith="change-proposed:").earliest("pk")
    assert proposed.recipient == stakeholder
    assert f"“{second.title}” of Villa Example action plan (title)." in proposed.body_text
    nobody = Notification.objects.get(email="nobody@example.org")
    assert nobody.recipient is None
    invitation = Notification.objects.get(email="a@example.org")
    assert "http://testserver/invitations/" in invitation.body_text
    page = client_for(poc).get("/notifications/").content.decode()
    assert decided.subject in page
    assert reset.subject in page
    assert client_for(staff).get("/notifications/").status_code == 200


# --- A broker that cannot take the task ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_task_that_cannot_be_queued_leaves_the_row_for_the_resend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tenant = make_tenant("villa-example", "Villa Example")

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with time_machine.travel(NOW, tick=False) as clock:
        with monkeypatch.context() as patch:
            patch.setattr(outbox.send_task, "delay", broker_down)
            response = client_for(tenant.poc).post(
                "/w/villa-example/team/invite/", {"email": "new@example.org", "role": "officer"}
            )
            assert response.status_code == 302
            api = client_for(tenant.poc).post(
                "/api/v1/jurisdictions/villa-example/invitations/",
                {"email": "other@example.org", "role": "officer"},
                content_type="application/json",
            )
            assert api.status_code == 201
            assert (
                Client().post("/accounts/password/reset/", {"email": tenant.poc.email}).status_code
                == 302
            )
        assert Notification.objects.filter(sent_at__isnull=True, attempts=0).count() == 3
        assert mail.outbox == []
        clock.move_to(NOW + timedelta(hours=3))
        tasks.resend_unsent_notifications.delay()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        ["new@example.org", "other@example.org", tenant.poc.email]
    )


# --- Deciding -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_decision_twice_is_one_email(
    tenant: Tenant, django_capture_on_commit_callbacks: Capture
) -> None:
    def decide() -> list[Notification]:
        return outbox.notify(
            to=[tenant.poc, tenant.poc.email.upper(), "someone@example.org"],
            template="email/plan_reviewed",
            key="plan-reviewed:1:test",
            topic=Notification.Topic.DECISION,
            jurisdiction=tenant.jurisdiction,
            link="/w/villa-example/",
            context={"plan": "P", "accepted": True, "comments": ""},
        )

    with django_capture_on_commit_callbacks(execute=True):
        first = decide()
        again = decide()
    assert [row.email for row in first] == sorted([tenant.poc.email, "someone@example.org"])
    assert again == []
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [tenant.poc.email, "someone@example.org"]
    )
    mine = Notification.objects.get(email=tenant.poc.email)
    assert mine.recipient == tenant.poc
    assert "Every email the portal sends you is also listed on http://" in mine.body_text
    stranger = Notification.objects.get(email="someone@example.org")
    assert stranger.recipient is None
    assert "notifications" not in stranger.body_text  # no account, no notifications page


@pytest.mark.django_db
def test_an_invitation_is_written_in_the_inviters_language_to_an_address_without_account(
    tenant: Tenant, django_capture_on_commit_callbacks: Capture
) -> None:
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        response = client_for(tenant.poc).post(
            "/w/villa-example/team/invite/",
            {"email": "nuevo@example.org", "role": "officer"},
            HTTP_ACCEPT_LANGUAGE="es",
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    row = Notification.objects.get()
    assert (row.email, row.recipient, row.topic) == ("nuevo@example.org", None, "invitation")
    assert message.subject == row.subject
    assert row.subject == "[OGP Local] Ha sido invitado/a a Villa Example en el portal de OGP Local"
    assert f"http://testserver/invitations/{Invitation.objects.get().token}/" in row.body_text
