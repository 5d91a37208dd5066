"""The Support Unit's decisions from the console (issue 6, items 4 and 5): each form calls one
business action, which records who, when and why and emails the Point of Contact."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core import mail

from action_plans.models import ActionPlan
from members.models import (
    ExtensionRequest,
    Invitation,
    Jurisdiction,
    Reinstatement,
    StatusOverride,
    Term,
    User,
    VoluntaryInactivityRequest,
)
from members.requests import withdraw_override
from members.services import (
    create_member,
    months_of_term_left,
    term_left_is_short,
)
from ogplocal.exceptions import ActionRefused
from tests.conftest import Tenant, client_for
from tests.factories import (
    NEW_MEMBER_FORM,
    ActionPlanFactory,
    CommitmentFactory,
    ExtensionRequestFactory,
    StatusOverrideFactory,
    VoluntaryInactivityRequestFactory,
)

NOW = "2026-06-20 15:00:00+00:00"  # 2026-06-20 in Buenos Aires too
TODAY = date(2026, 6, 20)
BASE = "/support/members/villa-example"


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def post(staff: User, django_capture_on_commit_callbacks: Any) -> Any:
    client = client_for(staff)

    def send(path: str, data: dict[str, str]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data)

    send.client = client  # type: ignore[attr-defined]
    return send


def mail_to(user: User) -> list[Any]:
    return [message for message in mail.outbox if user.email in message.to]


def assert_done(response: Any) -> None:
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"{BASE}/"


def test_set_the_first_plan_deadline(tenant: Tenant, staff: User, post: Any) -> None:
    response = post(
        f"{BASE}/first-plan-deadline/",
        {"deadline": "2026-10-31", "reason": "The new administration took office in May."},
    )
    assert_done(response)
    granted = ExtensionRequest.objects.get(jurisdiction=tenant.jurisdiction)
    assert (granted.decision, granted.granted_until, granted.decided_on, granted.decided_by) == (
        "granted",
        date(2026, 10, 31),
        TODAY,
        staff,
    )
    assert granted.decision_reason == "The new administration took office in May."
    [message] = mail_to(tenant.poc)
    assert "31 October 2026" in message.body
    assert "The new administration took office in May." in message.body


def test_a_refusal_is_shown_beside_its_field_in_the_error_summary(
    tenant: Tenant, post: Any
) -> None:
    response = post(f"{BASE}/first-plan-deadline/", {"deadline": "2026-06-01", "reason": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="error-summary"' in html
    assert 'href="#id_deadline"' in html
    assert "cannot be in the past" in html
    assert not ExtensionRequest.objects.exists()
    assert mail.outbox == []


def test_every_decision_needs_a_written_reason(tenant: Tenant, post: Any) -> None:
    response = post(f"{BASE}/first-plan-deadline/", {"deadline": "2026-10-31", "reason": " "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_grant_and_refuse_an_extension(tenant: Tenant, staff: User, post: Any) -> None:
    first = ExtensionRequestFactory(
        jurisdiction=tenant.jurisdiction, requested_on=date(2026, 6, 15), reason="Elections."
    )
    assert_done(
        post(
            f"{BASE}/extension-requests/{first.pk}/",
            {"decision": "grant", "granted_until": "2026-09-30", "reason": "Elections in July."},
        )
    )
    first.refresh_from_db()
    assert (first.decision, first.granted_until, first.decided_by) == (
        "granted",
        date(2026, 9, 30),
        staff,
    )
    assert first.history.first().history_user == staff
    second = ExtensionRequestFactory(
        jurisdiction=tenant.jurisdiction, requested_on=date(2026, 6, 18)
    )
    assert_done(
        post(
            f"{BASE}/extension-requests/{second.pk}/",
            {"decision": "refuse", "reason": "One extension is enough."},
        )
    )
    second.refresh_from_db()
    assert (second.decision, second.decision_reason) == ("refused", "One extension is enough.")
    bodies = [message.body for message in mail_to(tenant.poc)]
    assert "granted until 30 September 2026" in bodies[0]
    assert "refused" in bodies[1]
    assert "One extension is enough." in bodies[1]


def test_granting_needs_a_date_the_action_says_so(tenant: Tenant, post: Any) -> None:
    request = ExtensionRequestFactory(jurisdiction=tenant.jurisdiction)
    response = post(
        f"{BASE}/extension-requests/{request.pk}/", {"decision": "grant", "reason": "Yes."}
    )
    assert response.status_code == 200
    assert "Say until when the extension is granted." in response.content.decode()
    request.refresh_from_db()
    assert request.decision == "pending"


def test_approve_a_voluntary_pause(tenant: Tenant, staff: User, post: Any) -> None:
    pause = VoluntaryInactivityRequestFactory(
        jurisdiction=tenant.jurisdiction,
        requested_on=date(2026, 6, 10),
        starts_on=date(2026, 7, 1),
        ends_on=date(2026, 9, 30),
        decision="pending",
        decided_on=None,
    )
    assert_done(
        post(
            f"{BASE}/voluntary-inactivity-requests/{pause.pk}/",
            {"decision": "approve", "reason": "Floods."},
        )
    )
    pause.refresh_from_db()
    assert (pause.decision, pause.decided_on, pause.decided_by, pause.decision_reason) == (
        "granted",
        TODAY,
        staff,
        "Floods.",
    )
    [message] = mail_to(tenant.poc)
    assert "1 July 2026" in message.body


def test_a_pause_is_refused_for_a_member_that_is_not_active(tenant: Tenant, post: Any) -> None:
    Jurisdiction.objects.filter(pk=tenant.jurisdiction.pk).update(status="inactive")
    pause = VoluntaryInactivityRequestFactory(
        jurisdiction=tenant.jurisdiction,
        requested_on=date(2026, 6, 10),
        starts_on=date(2026, 7, 1),
        ends_on=date(2026, 9, 30),
        decision="pending",
        decided_on=None,
    )
    response = post(
        f"{BASE}/voluntary-inactivity-requests/{pause.pk}/",
        {"decision": "approve", "reason": "Floods."},
    )
    assert "may be approved only for an active member" in response.content.decode()
    assert VoluntaryInactivityRequest.objects.get(pk=pause.pk).decision == "pending"


@pytest.mark.parametrize(("decision", "review"), [("accept", "accepted"), ("return", "returned")])
def test_review_a_submitted_plan(
    tenant: Tenant, staff: User, post: Any, decision: str, review: str
) -> None:
    plan = ActionPlanFactory(lead_jurisdiction=tenant.jurisdiction, submitted_on=date(2026, 5, 20))
    assert_done(
        post(
            f"{BASE}/plans/{plan.pk}/review/",
            {"decision": decision, "comments": "Name a lead for each milestone."},
        )
    )
    plan.refresh_from_db()
    assert (plan.review, plan.reviewed_on, plan.review_comments) == (
        review,
        TODAY,
        "Name a lead for each milestone.",
    )
    # Returning is advisory: the submission stays.
    assert plan.submitted_on == date(2026, 5, 20)
    assert plan.history.first().history_user == staff
    [message] = mail_to(tenant.poc)
    assert "Name a lead for each milestone." in message.body


def test_a_draft_plan_cannot_be_reviewed(tenant: Tenant, post: Any) -> None:
    draft = ActionPlanFactory(lead_jurisdiction=tenant.jurisdiction)
    response = post(f"{BASE}/plans/{draft.pk}/review/", {"decision": "accept", "comments": "Fine."})
    assert "Only a submitted plan can be reviewed." in response.content.decode()
    assert ActionPlan.objects.get(pk=draft.pk).review == ""


def test_approve_a_commitments_withdrawal(tenant: Tenant, staff: User, post: Any) -> None:
    plan = ActionPlanFactory(lead_jurisdiction=tenant.jurisdiction, submitted_on=date(2026, 5, 20))
    commitment = CommitmentFactory(plan=plan, withdrawal_reason="The law was repealed.")
    assert_done(
        post(
            f"{BASE}/commitments/{commitment.pk}/withdrawal/",
            {"decision": "approve", "comments": "Replace it within the window."},
        )
    )
    commitment.refresh_from_db()
    assert (commitment.withdrawn_on, commitment.withdrawal_approved_by) == (TODAY, staff)
    [message] = mail_to(tenant.poc)
    assert "Replace it within the window." in message.body


def test_override_a_status_with_reason_and_end_date(tenant: Tenant, staff: User, post: Any) -> None:
    assert_done(
        post(
            f"{BASE}/override/",
            {
                "status": "probation",
                "starts_on": "2026-06-20",
                "ends_on": "2026-09-30",
                "reason": "Complaint about the forum's independence.",
            },
        )
    )
    override = StatusOverride.objects.get(jurisdiction=tenant.jurisdiction)
    assert (override.status, override.starts_on, override.ends_on, override.decided_by) == (
        "probation",
        TODAY,
        date(2026, 9, 30),
        staff,
    )
    [message] = mail_to(tenant.poc)
    assert "Complaint about the forum's independence." in message.body


def test_an_override_needs_an_end_date(tenant: Tenant, post: Any) -> None:
    response = post(
        f"{BASE}/override/", {"status": "probation", "starts_on": "2026-06-20", "reason": "x"}
    )
    assert response.status_code == 200
    assert 'href="#id_ends_on"' in response.content.decode()
    assert not StatusOverride.objects.exists()


def test_withdraw_an_override_with_a_reason(tenant: Tenant, staff: User, post: Any) -> None:
    override = StatusOverrideFactory(jurisdiction=tenant.jurisdiction, starts_on=date(2026, 6, 1))
    assert_done(
        post(f"{BASE}/overrides/{override.pk}/withdraw/", {"reason": "The complaint was closed."})
    )
    override.refresh_from_db()
    assert override.withdrawn_on == TODAY
    record = override.history.first()
    assert record.history_user == staff
    assert record.history_change_reason == "override withdrawn: The complaint was closed."
    [message] = mail_to(tenant.poc)
    assert "The complaint was closed." in message.body


def test_withdraw_override_keeps_a_long_reason_whole_in_the_email(
    tenant: Tenant, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    override = StatusOverrideFactory(jurisdiction=tenant.jurisdiction, starts_on=date(2026, 6, 1))
    reason = "The complaint was investigated and closed. " * 5
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_override(actor=staff, override=override, reason=reason)
    record = override.history.first()
    assert len(record.history_change_reason) == 100
    assert record.history_change_reason.endswith("…")
    assert reason.strip() in mail.outbox[0].body


def test_reinstate_a_revoked_member(tenant: Tenant, staff: User, post: Any) -> None:
    Jurisdiction.objects.filter(pk=tenant.jurisdiction.pk).update(status="revoked")
    assert_done(post(f"{BASE}/reinstate/", {"reason": "The new mayor recommitted."}))
    reinstatement = Reinstatement.objects.get(jurisdiction=tenant.jurisdiction)
    assert (reinstatement.on, reinstatement.decided_by, reinstatement.reason) == (
        TODAY,
        staff,
        "The new mayor recommitted.",
    )
    [message] = mail_to(tenant.poc)
    assert "reinstated" in message.body


def test_only_a_revoked_member_is_reinstated(tenant: Tenant, post: Any) -> None:
    response = post(f"{BASE}/reinstate/", {"reason": "Why not."})
    assert "only a revoked member can be reinstated" in response.content.decode()
    assert not Reinstatement.objects.exists()


# --- A new member ---------------------------------------------------------------------------

NEW_MEMBER = {**NEW_MEMBER_FORM, "poc_email": "POC@Nueva.example.org"}


def test_invite_a_new_member(staff: User, post: Any) -> None:
    response = post("/support/members/new/", NEW_MEMBER)
    assert response.status_code == 302
    assert response["Location"] == "/support/members/nueva-ciudad/"
    member = Jurisdiction.objects.get(slug="nueva-ciudad")
    assert (member.name, member.country.code, member.time_zone, member.joined_on) == (
        "Nueva Ciudad",
        "AR",
        "America/Argentina/Buenos_Aires",
        date(2026, 7, 1),
    )
    assert member.first_plan_deadline is None  # the default, joined + 4 months
    assert member.history.first().history_user == staff
    term = Term.objects.get(jurisdiction=member)
    assert (term.kind, term.starts_on, term.ends_on) == (
        "term",
        date(2025, 12, 10),
        date(2029, 12, 10),
    )
    invitation = Invitation.objects.get(jurisdiction=member)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "poc@nueva.example.org",
        "poc",
        staff,
    )
    subjects = sorted(message.subject for message in mail.outbox)
    assert len(subjects) == 2
    assert all("poc@nueva.example.org" in message.to for message in mail.outbox)
    note = next(message for message in mail.outbox if "joins OGP Local" in message.subject)
    assert "due on 1 November 2026" in note.body
    assert "http://testserver/invitations/" in note.body  # where the Point of Contact acts
    page = post.client.get(response["Location"]).content.decode()
    assert "first plan is due on 2026-11-01" in page
    assert "poc@nueva.example.org (invited)" in page


def test_a_short_term_is_warned_about_and_needs_confirming(staff: User, post: Any) -> None:
    short = {**NEW_MEMBER, "period_ends_on": "2027-10-31"}  # 15 months after joining
    response = post("/support/members/new/", short)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Only 15 months of the administration&#x27;s term remain" in html
    assert 'href="#id_accept_short_term"' in html
    assert not Jurisdiction.objects.filter(slug="nueva-ciudad").exists()
    assert mail.outbox == []
    response = post("/support/members/new/", {**short, "accept_short_term": "on"})
    assert response.status_code == 302
    page = post.client.get(response["Location"]).content.decode()
    assert "Less than 16 months of the administration&#x27;s term remained" in page
    assert "Only 15 months of the administration's term remained" in page


def test_without_elections_the_strategy_period_is_optional(staff: User, post: Any) -> None:
    data = {**NEW_MEMBER, "period_starts_on": "", "period_ends_on": ""}
    del data["has_elections"]
    assert post("/support/members/new/", data).status_code == 302
    member = Jurisdiction.objects.get(slug="nueva-ciudad")
    assert member.has_elections is False
    assert not Term.objects.filter(jurisdiction=member).exists()


def test_a_new_member_needs_its_term_with_elections(post: Any) -> None:
    data = {**NEW_MEMBER, "period_starts_on": "", "period_ends_on": ""}
    response = post("/support/members/new/", data)
    assert "Give the dates of the administration&#x27;s term in force." in response.content.decode()


def test_a_taken_address_name_is_refused(tenant: Tenant, post: Any) -> None:
    response = post("/support/members/new/", {**NEW_MEMBER, "slug": "villa-example"})
    assert response.status_code == 200
    assert 'href="#id_slug"' in response.content.decode()
    assert Jurisdiction.objects.count() == 1


def test_a_chosen_first_plan_deadline(staff: User, post: Any) -> None:
    response = post("/support/members/new/", {**NEW_MEMBER, "first_plan_deadline": "2026-12-15"})
    assert response.status_code == 302
    assert Jurisdiction.objects.get(slug="nueva-ciudad").first_plan_deadline == date(2026, 12, 15)
    response = post(
        "/support/members/new/",
        {**NEW_MEMBER, "slug": "otra", "first_plan_deadline": "2026-06-30"},
    )
    assert "The first-plan deadline is before the join date." in response.content.decode()


def create(actor: User, **overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "actor": actor,
        "name": "Nueva Ciudad",
        "slug": "nueva-ciudad",
        "country": "AR",
        "time_zone": "America/Argentina/Buenos_Aires",
        "has_elections": True,
        "period_starts_on": date(2025, 12, 10),
        "period_ends_on": date(2029, 12, 10),
        "joined_on": date(2026, 7, 1),
        "poc_email": "poc@nueva.example.org",
        **overrides,
    }
    return create_member(**arguments)


def test_create_member_is_for_the_support_unit_only(tenant: Tenant) -> None:
    for actor in (tenant.poc, tenant.officer, tenant.monitor):
        with pytest.raises(ActionRefused, match="Only the OGP Support Unit"):
            create(actor)
    assert Jurisdiction.objects.count() == 1


def test_create_member_refuses_an_unknown_time_zone(staff: User) -> None:
    with pytest.raises(ActionRefused) as refusal:
        create(staff, time_zone="Mars/Olympus_Mons")
    assert refusal.value.field == "time_zone"
    assert not Jurisdiction.objects.filter(slug="nueva-ciudad").exists()
    assert not Invitation.objects.exists()


def test_create_member_result(staff: User) -> None:
    created = create(staff, joined_on=date(2026, 8, 31))
    assert created.first_plan_due == date(2026, 12, 31)
    assert created.short_term is False


@pytest.mark.parametrize(
    ("ends_on", "short", "months"),
    [
        (date(2027, 11, 1), False, 16),  # exactly 16 months left
        (date(2027, 10, 31), True, 15),
        (date(2026, 7, 1), True, 0),
    ],
)
def test_sixteen_months_of_term(ends_on: date, short: bool, months: int) -> None:
    joined = date(2026, 7, 1)
    assert term_left_is_short(joined_on=joined, term_ends_on=ends_on) is short
    assert months_of_term_left(joined_on=joined, term_ends_on=ends_on) == months


def test_refusing_a_withdrawal_with_long_comments_keeps_them_whole_in_the_email(
    tenant: Tenant, post: Any
) -> None:
    """The history's change reason holds 100 characters (PostgreSQL refuses more): it is
    shortened there, and the Point of Contact reads the whole comment."""
    plan = ActionPlanFactory(lead_jurisdiction=tenant.jurisdiction, submitted_on=date(2026, 5, 20))
    commitment = CommitmentFactory(plan=plan, withdrawal_reason="The law was repealed.")
    comments = "The commitment can still be delivered through the regional law instead. " * 3
    assert_done(
        post(
            f"{BASE}/commitments/{commitment.pk}/withdrawal/",
            {"decision": "refuse", "comments": comments},
        )
    )
    record = commitment.history.first()
    assert len(record.history_change_reason) == 100
    [message] = mail_to(tenant.poc)
    assert comments.strip() in message.body
