"""Every workflow of issue 9 is scriptable: each endpoint calls its business action for the right
role, and refuses every other role (401/403/404 in the one error shape), changing nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.test import Client

from action_plans.models import ActionPlan, Endorsement
from assessments.models import Assessment
from commitments import changes as commitment_changes
from commitments import completion as commitment_completion
from commitments.content import CommitmentContent
from commitments.models import ChangeProposal, Commitment
from members import requests as member_requests
from members.models import (
    ExtensionRequest,
    Invitation,
    StatusOverride,
    VoluntaryInactivityRequest,
)
from tests.api.conftest import Plans
from tests.conftest import World, client_for
from tests.factories import MINIMAL_PDF, ExtensionRequestFactory, MeetingFactory, StaffFactory
from tracker.models import TrackerUpdate

pytestmark = pytest.mark.django_db

ROLES = [
    "poc", "officer", "stakeholder", "monitor", "staff", "staff_without_totp", "other_poc",
    "outsider", "anonymous",
]  # fmt: skip
NOW = datetime(2026, 8, 15, 15, 0, tzinfo=UTC)


def client(world: World, role: str) -> Client:
    if role == "staff_without_totp":
        return client_for(StaffFactory(totp=False))
    return world.client(role)


def rows(*querysets: Any) -> list[Any]:
    return [list(q.order_by("pk").values()) for q in querysets]


class Case:
    def __init__(
        self,
        allowed: set[str],
        path: Callable[[Plans], str],
        data: Callable[[Plans], dict[str, Any]] | dict[str, Any],
        state: Callable[[Plans], Any],
        success: int = 200,
        multipart: bool = False,
        setup: Callable[[Plans], None] | None = None,
    ) -> None:
        self.allowed, self.path, self.data, self.state = allowed, path, data, state
        self.success, self.multipart, self.setup = success, multipart, setup


def pending_pause(plans: Plans) -> None:
    VoluntaryInactivityRequest.objects.create(
        jurisdiction=plans.world.tenant.jurisdiction,
        requested_on=date(2026, 8, 1),
        starts_on=date(2026, 10, 1),
        ends_on=date(2027, 3, 31),
        reason="Elections.",
    )


def an_override(plans: Plans) -> None:
    staff = StaffFactory()
    member_requests.override_status(
        actor=staff,
        jurisdiction=plans.world.tenant.jurisdiction,
        status="inactive",
        starts_on=date(2026, 8, 15),
        reason="Audit.",
    )


def asked_withdrawal(plans: Plans) -> None:
    commitment_completion.request_withdrawal(
        actor=plans.world.tenant.poc, commitment=plans.public_commitment, reason="No budget."
    )


def a_proposal(plans: Plans) -> None:
    commitment_changes.propose_commitment_change(
        actor=plans.world.tenant.officer,
        commitment=plans.public_commitment,
        content=CommitmentContent(title="A clearer title"),
        summary="Clearer.",
    )


def co_creation(plans: Plans) -> None:
    # A free slot: all but one of the plan's commitments were withdrawn.
    plans.submitted.commitments.exclude(pk=plans.public_commitment.pk).update(
        withdrawn_on=date(2026, 7, 1)
    )
    MeetingFactory(
        plan=plans.submitted,
        held_on=date(2026, 8, 1),
        kind="co_creation",
        non_governmental_participants=5,
    )


def proposal_path(action: str) -> Callable[[Plans], str]:
    return lambda w: f"/api/v1/change-proposals/{ChangeProposal.objects.get().pk}/{action}/"


def pdf(name: str) -> ContentFile[bytes]:
    return ContentFile(MINIMAL_PDF, name=name)


CASES: dict[str, Case] = {
    "decide extension": Case(
        {"staff"},
        lambda w: f"/api/v1/extension-requests/{ExtensionRequest.objects.get().pk}/decide/",
        {"grant": False, "reason": "Not this time."},
        lambda w: rows(ExtensionRequest.objects.all()),
        setup=lambda w: ExtensionRequestFactory(jurisdiction=w.world.tenant.jurisdiction),
    ),
    "decide voluntary inactivity": Case(
        {"staff"},
        lambda w: (
            "/api/v1/voluntary-inactivity-requests/"
            f"{VoluntaryInactivityRequest.objects.get().pk}/decide/"
        ),
        {"approve": False, "reason": "Not this time."},
        lambda w: rows(VoluntaryInactivityRequest.objects.all()),
        setup=pending_pause,
    ),
    "set first-plan deadline": Case(
        {"staff"},
        lambda w: "/api/v1/jurisdictions/villa-example/first-plan-deadline/",
        {"deadline": "2027-12-31", "reason": "Agreed."},
        lambda w: rows(ExtensionRequest.objects.all()),
        success=201,
        setup=lambda w: ActionPlan.objects.filter(pk=w.submitted.pk).update(submitted_on=None),
    ),
    "override status": Case(
        {"staff"},
        lambda w: "/api/v1/jurisdictions/villa-example/override-status/",
        {"status": "inactive", "starts_on": "2026-08-20", "reason": "Audit."},
        lambda w: rows(StatusOverride.objects.all()),
        success=201,
    ),
    "withdraw override": Case(
        {"staff"},
        lambda w: "/api/v1/jurisdictions/villa-example/withdraw-override/",
        lambda w: {"override": StatusOverride.objects.get().pk, "reason": "Resolved."},
        lambda w: rows(StatusOverride.objects.all()),
        setup=an_override,
    ),
    "review plan": Case(
        {"staff"},
        lambda w: f"/api/v1/plans/{w.submitted.pk}/review/",
        {"accept": True, "comments": ""},
        lambda w: rows(ActionPlan.objects.all()),
    ),
    "publish assessment": Case(
        {"staff"},
        lambda w: f"/api/v1/assessments/{w.unpublished.pk}/publish/",
        {},
        lambda w: rows(Assessment.objects.all()),
    ),
    "decide withdrawal": Case(
        {"staff"},
        lambda w: f"/api/v1/commitments/{w.public_commitment.pk}/decide-withdrawal/",
        {"approve": False, "comments": "Keep going."},
        lambda w: rows(Commitment.objects.all()),
        setup=asked_withdrawal,
    ),
    "invite": Case(
        {"poc"},
        lambda w: "/api/v1/jurisdictions/villa-example/invitations/",
        {"email": "new.officer@example.org", "role": "officer"},
        lambda w: rows(Invitation.objects.all()),
        success=201,
    ),
    "add commitment to a submitted plan": Case(
        {"poc", "officer"},
        lambda w: f"/api/v1/plans/{w.submitted.pk}/commitments/",
        lambda w: {
            "ref": "added",
            "title": "An added commitment",
            "starts_on": "2026-09-01",
            "ends_on": "2027-06-30",
            "co_creation_meeting": w.submitted.meetings.latest("held_on").pk,
        },
        lambda w: rows(Commitment.objects.all()),
        success=201,
        setup=co_creation,
    ),
    "request withdrawal": Case(
        {"poc"},
        lambda w: f"/api/v1/commitments/{w.public_commitment.pk}/request-withdrawal/",
        {"reason": "No budget."},
        lambda w: rows(Commitment.objects.all()),
    ),
    "propose change": Case(
        {"poc", "officer"},
        lambda w: f"/api/v1/commitments/{w.public_commitment.pk}/propose-change/",
        {"title": "A clearer title", "summary": "Clearer."},
        lambda w: rows(ChangeProposal.objects.all(), Commitment.objects.all()),
        success=201,
    ),
    "approve change": Case(
        {"stakeholder"},
        proposal_path("approve"),
        {"comment": "Fine."},
        lambda w: rows(ChangeProposal.objects.all(), Commitment.objects.all()),
        setup=a_proposal,
    ),
    "reject change": Case(
        {"stakeholder"},
        proposal_path("reject"),
        {"comment": "Not clearer."},
        lambda w: rows(ChangeProposal.objects.all(), Commitment.objects.all()),
        setup=a_proposal,
    ),
    "withdraw change": Case(
        {"poc", "officer"},
        proposal_path("withdraw"),
        {},
        lambda w: rows(ChangeProposal.objects.all()),
        setup=a_proposal,
    ),
    "endorser without an account": Case(
        {"poc", "officer"},
        lambda w: f"/api/v1/plans/{w.draft.pk}/endorsers/",
        {"name": "Ana Pérez", "organisation": "Transparencia Local"},
        lambda w: rows(Endorsement.objects.all()),
        success=201,
    ),
    "tracker evidence": Case(
        {"poc", "officer"},
        lambda w: f"/api/v1/tracker-updates/{w.public_update.pk}/evidence/",
        lambda w: {"evidence_files": [pdf("evidence.pdf")]},
        lambda w: rows(TrackerUpdate.objects.all(), w.public_update.evidence_files.all()),
        multipart=True,
    ),
    "assessment annexes": Case(
        {"monitor"},
        lambda w: f"/api/v1/assessments/{w.unpublished.pk}/annexes/",
        lambda w: {"annexes": [pdf("annex.pdf")]},
        lambda w: rows(Assessment.objects.all(), w.unpublished.files.all()),
        success=201,
        multipart=True,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.usefixtures("media")
def test_workflow_endpoint(world: World, plans: Plans, name: str, role: str) -> None:
    case = CASES[name]
    with time_machine.travel(NOW, tick=False):
        if case.setup:
            case.setup(plans)
        before = case.state(plans)
        data = case.data(plans) if callable(case.data) else case.data
        path = case.path(plans)
        who = client(world, role)
        if case.multipart:
            response = who.post(path, data)
        else:
            response = who.post(path, data, content_type="application/json")
    if role in case.allowed:
        assert response.status_code == case.success, response.content
        assert case.state(plans) != before
        return
    expected = {401} if role in {"anonymous", "staff_without_totp"} else {403, 404}
    assert response.status_code in expected, response.content
    assert set(response.json()) == {"message", "errors"}
    assert case.state(plans) == before


def test_a_refused_decision_answers_the_one_shape(world: World, plans: Plans) -> None:
    response = world.client("staff").post(
        "/api/v1/jurisdictions/villa-example/reinstate/",
        {"reason": "Back."},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert body["message"]
