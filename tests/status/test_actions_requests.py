"""Requests to the Support Unit and its decisions (docs/rules.md §2, §3.3)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core import mail

from action_plans.services import submit_plan
from members.models import (
    Decision,
    ExtensionRequest,
    Reinstatement,
    Status,
    StatusOverride,
    User,
    VoluntaryInactivityRequest,
)
from members.requests import (
    decide_extension,
    decide_voluntary_inactivity,
    override_status,
    reinstate_member,
    request_extension,
    request_voluntary_inactivity,
    set_first_plan_deadline,
    withdraw_override,
)
from tests.conftest import Tenant, World, refusal
from tests.factories import ready_plan

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)
POC_ONLY = "Only the jurisdiction's Point of Contact may file this request."
SUPPORT_UNIT_ONLY = "Only the OGP Support Unit may take this decision."


def extension(tenant: Tenant, **kwargs: Any) -> ExtensionRequest:
    kwargs.setdefault("actor", tenant.poc)
    kwargs.setdefault("requested_until", date(2026, 9, 10))
    kwargs.setdefault("reason", "Elections in June.")
    kwargs.setdefault("today", TODAY)
    return request_extension(jurisdiction=tenant.jurisdiction, **kwargs)


# --- extensions and the first-plan deadline ------------------------------------------------


def test_extension_requested_and_granted(
    tenant: Tenant, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request = extension(tenant)
    assert (request.requested_on, request.requested_by, request.decision) == (
        TODAY,
        tenant.poc,
        Decision.PENDING,
    )
    assert mail.outbox[-1].to == [staff.email]
    assert (
        refusal(extension, tenant=tenant)
        == "An extension request is already waiting for the Support Unit's decision."
    )
    assert (
        refusal(decide_extension, actor=staff, request=request, grant=True, today=date(2026, 6, 3))
        == "Say until when the extension is granted."
    )
    assert (
        refusal(
            decide_extension,
            actor=staff,
            request=request,
            grant=True,
            granted_until=date(2026, 6, 2),
            today=date(2026, 6, 3),
        )
        == "An extension cannot end before the day it is granted (2026-06-03)."
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide_extension(
            actor=staff,
            request=request,
            grant=True,
            granted_until=date(2026, 9, 1),
            today=date(2026, 6, 3),
        )
    request.refresh_from_db()
    assert (request.decision, request.decided_on, request.granted_until, request.decided_by) == (
        Decision.GRANTED,
        date(2026, 6, 3),
        date(2026, 9, 1),
        staff,
    )
    assert mail.outbox[0].to == [tenant.poc.email]
    # The decision in the recipient's words and date format, and the page where they act.
    body = mail.outbox[0].body
    assert "\n\nYour extension request was granted until 1 September 2026.\n\n" in body
    assert "http://localhost:8000/w/villa-example/requests/\n" in body
    assert (
        refusal(decide_extension, actor=staff, request=request, grant=False, reason="x")
        == "This request was already decided on 2026-06-03."
    )
    assert request.history.first().history_user == staff


def test_refusing_an_extension_needs_a_reason(tenant: Tenant, staff: User) -> None:
    request = extension(tenant)
    assert (
        refusal(decide_extension, actor=staff, request=request, grant=False)
        == "Write the reason for refusing the extension."
    )
    decide_extension(actor=staff, request=request, grant=False, reason="Too late.", today=TODAY)
    request.refresh_from_db()
    assert (request.decision, request.decision_reason) == (Decision.REFUSED, "Too late.")


def test_extensions_are_for_the_first_plan_only(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction)
    submit_plan(actor=tenant.poc, plan=plan, today=date(2026, 5, 20))
    assert refusal(extension, tenant=tenant) == (
        "Villa Example has already submitted an action plan; extensions are only for the first "
        "plan."
    )


def test_extension_date_after_today(tenant: Tenant) -> None:
    assert (
        refusal(extension, tenant=tenant, requested_until=TODAY)
        == "Ask for a date after today (2026-06-01)."
    )


@pytest.mark.parametrize(
    "role", ["officer", "stakeholder", "monitor", "staff", "outsider", "other_poc"]
)
def test_only_the_poc_requests_an_extension(tenant: Tenant, world: World, role: str) -> None:
    actor = world.people[role]
    assert refusal(extension, tenant=tenant, actor=actor) == POC_ONLY
    assert not ExtensionRequest.objects.exists()


@pytest.mark.parametrize("role", ["poc", "officer", "stakeholder", "monitor", "outsider"])
def test_only_the_support_unit_decides(tenant: Tenant, world: World, role: str) -> None:
    actor = world.people[role]
    request = extension(tenant)
    assert (
        refusal(
            decide_extension,
            actor=actor,
            request=request,
            grant=True,
            granted_until=date(2026, 9, 1),
        )
        == SUPPORT_UNIT_ONLY
    )
    pause = request_voluntary_inactivity(
        actor=tenant.poc,
        jurisdiction=tenant.jurisdiction,
        starts_on=TODAY,
        ends_on=date(2026, 8, 31),
        reason="Floods.",
        today=TODAY,
    )
    assert refusal(decide_voluntary_inactivity, actor=actor, request=pause, approve=True) == (
        SUPPORT_UNIT_ONLY
    )
    jurisdiction = tenant.jurisdiction
    for action, kwargs in (
        (set_first_plan_deadline, {"jurisdiction": jurisdiction, "deadline": date(2026, 9, 1)}),
        (
            override_status,
            {"jurisdiction": jurisdiction, "status": "inactive", "starts_on": TODAY, "reason": "x"},
        ),
        (reinstate_member, {"jurisdiction": jurisdiction, "reason": "x"}),
    ):
        assert refusal(action, actor=actor, **kwargs) == SUPPORT_UNIT_ONLY
    request.refresh_from_db()
    pause.refresh_from_db()
    assert (request.decision, pause.decision) == (Decision.PENDING, Decision.PENDING)
    assert not StatusOverride.objects.exists()
    assert not Reinstatement.objects.exists()
    assert ExtensionRequest.objects.count() == 1


def test_setting_a_first_plan_deadline_is_a_granted_extension(tenant: Tenant, staff: User) -> None:
    request = set_first_plan_deadline(
        actor=staff,
        jurisdiction=tenant.jurisdiction,
        deadline=date(2026, 8, 15),
        reason="Agreed at onboarding.",
        today=TODAY,
    )
    assert (
        request.decision,
        request.requested_on,
        request.decided_on,
        request.granted_until,
    ) == (Decision.GRANTED, TODAY, TODAY, date(2026, 8, 15))
    tenant.jurisdiction.refresh_from_db()
    assert tenant.jurisdiction.first_plan_deadline is None  # the past is not rewritten
    assert (
        refusal(
            set_first_plan_deadline,
            actor=staff,
            jurisdiction=tenant.jurisdiction,
            deadline=date(2026, 5, 31),
            today=TODAY,
        )
        == "A deadline set today (2026-06-01) cannot be in the past."
    )


# --- voluntary inactivity ----------------------------------------------------------------------


def pause_request(tenant: Tenant, **kwargs: Any) -> VoluntaryInactivityRequest:
    kwargs.setdefault("starts_on", date(2026, 6, 10))
    kwargs.setdefault("ends_on", date(2026, 8, 31))
    kwargs.setdefault("today", TODAY)
    return request_voluntary_inactivity(
        actor=tenant.poc, jurisdiction=tenant.jurisdiction, reason="Floods.", **kwargs
    )


def test_voluntary_inactivity_approved_for_an_active_member(tenant: Tenant, staff: User) -> None:
    request = pause_request(tenant)
    decide_voluntary_inactivity(actor=staff, request=request, approve=True, today=date(2026, 6, 10))
    request.refresh_from_db()
    assert (request.decision, request.decided_on) == (Decision.GRANTED, date(2026, 6, 10))


def test_pause_cannot_start_before_its_approval(tenant: Tenant, staff: User) -> None:
    request = pause_request(tenant)
    assert refusal(
        decide_voluntary_inactivity,
        actor=staff,
        request=request,
        approve=True,
        today=date(2026, 6, 11),
    ) == (
        "The pause was asked from 2026-06-10, before today (2026-06-11); a pause takes effect no "
        "earlier than its approval. Ask the member for new dates."
    )
    request.refresh_from_db()
    assert request.decision == Decision.PENDING


@pytest.mark.parametrize("status", [Status.INACTIVE, Status.PROBATION, Status.REVOKED])
def test_pause_only_for_an_active_member(tenant: Tenant, staff: User, status: Status) -> None:
    request = pause_request(tenant)
    tenant.jurisdiction.status = status
    tenant.jurisdiction.save()
    assert refusal(
        decide_voluntary_inactivity, actor=staff, request=request, approve=True, today=TODAY
    ) == (
        f"Villa Example is {status.label}; a voluntary pause may be approved only for an active "
        "member."
    )
    # Refusing is always possible.
    decide_voluntary_inactivity(
        actor=staff, request=request, approve=False, reason="No.", today=TODAY
    )


def test_pause_request_refusals(tenant: Tenant) -> None:
    assert (
        refusal(pause_request, tenant=tenant, starts_on=date(2026, 5, 31))
        == "A pause cannot start before today (2026-06-01)."
    )
    assert (
        refusal(pause_request, tenant=tenant, ends_on=date(2026, 6, 9))
        == "The pause ends before it starts."
    )
    pause_request(tenant)
    assert (
        refusal(pause_request, tenant=tenant)
        == "A voluntary-inactivity request is already waiting for a decision."
    )


@pytest.mark.parametrize(
    "role", ["officer", "stakeholder", "monitor", "staff", "outsider", "other_poc"]
)
def test_only_the_poc_requests_a_pause(tenant: Tenant, world: World, role: str) -> None:
    actor = world.people[role]
    assert (
        refusal(
            request_voluntary_inactivity,
            actor=actor,
            jurisdiction=tenant.jurisdiction,
            starts_on=date(2026, 6, 10),
            ends_on=date(2026, 8, 31),
            reason="x",
            today=TODAY,
        )
        == POC_ONLY
    )
    assert not VoluntaryInactivityRequest.objects.exists()


# --- overrides and reinstatement -----------------------------------------------------------------


def test_override_and_its_withdrawal(
    tenant: Tenant, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    kwargs = {"actor": staff, "jurisdiction": tenant.jurisdiction, "today": TODAY}
    assert (
        refusal(override_status, status="inactive", starts_on=TODAY, reason=" ", **kwargs)
        == "Write the reason for the override."
    )
    assert (
        refusal(
            override_status, status="inactive", starts_on=date(2026, 5, 31), reason="x", **kwargs
        )
        == "An override takes effect no earlier than today (2026-06-01)."
    )
    assert (
        refusal(override_status, status="voluntary_inactive", starts_on=TODAY, reason="x", **kwargs)
        == "Voluntary inactivity is approved from the member's request, not overridden."
    )
    with django_capture_on_commit_callbacks(execute=True):
        override = override_status(
            status=Status.PROBATION, starts_on=TODAY, reason="Audit findings.", **kwargs
        )
    assert (override.status, override.reason, override.decided_by) == (
        "probation",
        "Audit findings.",
        staff,
    )
    assert "on probation from 1 June 2026" in mail.outbox[-1].body
    withdraw_override(actor=staff, override=override, today=date(2026, 7, 1))
    override.refresh_from_db()
    assert override.withdrawn_on == date(2026, 7, 1)
    assert (
        refusal(withdraw_override, actor=staff, override=override)
        == "This override was already withdrawn on 2026-07-01."
    )
    ended = override_status(
        status=Status.INACTIVE, starts_on=TODAY, ends_on=date(2026, 6, 30), reason="x", **kwargs
    )
    assert (
        refusal(withdraw_override, actor=staff, override=ended, today=date(2026, 7, 1))
        == "This override already ended on 2026-06-30."
    )
    assert (
        refusal(withdraw_override, actor=tenant.poc, override=ended, today=date(2026, 6, 2))
        == SUPPORT_UNIT_ONLY
    )


def test_only_a_revoked_member_is_reinstated(tenant: Tenant, staff: User) -> None:
    kwargs = {"actor": staff, "jurisdiction": tenant.jurisdiction, "today": TODAY}
    assert (
        refusal(reinstate_member, reason="Back.", **kwargs)
        == "Villa Example is active; only a revoked member can be reinstated."
    )
    tenant.jurisdiction.status = Status.REVOKED
    tenant.jurisdiction.save()
    assert (
        refusal(reinstate_member, reason="", **kwargs) == "Write the reason for the reinstatement."
    )
    reinstatement = reinstate_member(reason="New administration committed.", **kwargs)
    assert (reinstatement.on, reinstatement.decided_by) == (TODAY, staff)
    assert (
        refusal(reinstate_member, reason="Again.", **kwargs)
        == "This member was already reinstated today."
    )
