"""Every API resource against every role: a jurisdiction's own people, its monitoring body, the
Support Unit, the other jurisdiction's people, a signed-in outsider and anonymous (issue 9)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.test import Client

from action_plans.models import ActionPlan
from assessments.models import Assessment
from members.models import ExtensionRequest, VoluntaryInactivityRequest
from tests.api.conftest import Plans
from tests.conftest import World
from tests.factories import (
    MINIMAL_PDF,
    ExtensionRequestFactory,
    MeetingFactory,
    NotificationFactory,
    ready_plan,
)

pytestmark = pytest.mark.django_db

SUBMISSION_DAY = datetime(2026, 5, 20, 15, 0, tzinfo=UTC)
IN_Q3 = datetime(2026, 8, 15, 15, 0, tzinfo=UTC)
ROLES = ["poc", "officer", "stakeholder", "monitor", "staff", "other_poc", "outsider", "anonymous"]


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- reads: (endpoint, the tenant's private row, its public row) ------------------------------
RESOURCES = {
    "plans": ("draft", "submitted"),
    "commitments": ("draft_commitment", "public_commitment"),
    "milestones": ("draft_milestone", "public_milestone"),
    "tracker-updates": ("draft_update", "public_update"),
    "assessments": ("unpublished", "published"),
}
# Who reads the tenant's private rows (docs/roles.md §1): its own people, its monitoring body once
# the plan is submitted (the unpublished assessment of a submitted plan, but not a draft plan),
# the Support Unit.
SEES_DRAFTS = {"poc", "officer", "stakeholder", "staff"}


@pytest.mark.parametrize("resource", list(RESOURCES))
@pytest.mark.parametrize("role", ROLES)
def test_list_reads_through_the_restricted_queryset(
    world: World, plans: Plans, resource: str, role: str
) -> None:
    private_name, public_name = RESOURCES[resource]
    private, public = getattr(plans, private_name), getattr(plans, public_name)
    response = world.client(role).get(f"/api/v1/{resource}/?page_size=200")
    if role == "anonymous":
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        return
    seen = ids(response)
    assert public.pk in seen
    may_see = role in SEES_DRAFTS or (role == "monitor" and resource == "assessments")
    assert (private.pk in seen) == may_see
    # Nothing of the other jurisdiction's draft plan reaches anybody but its own people.
    if resource == "plans":
        assert (plans.other_draft.pk in seen) == (role in {"staff", "other_poc"})


@pytest.mark.parametrize("resource", list(RESOURCES))
@pytest.mark.parametrize("role", ROLES)
def test_missing_and_forbidden_are_the_same_404(
    world: World, plans: Plans, resource: str, role: str
) -> None:
    private = getattr(plans, RESOURCES[resource][0])
    client = world.client(role)
    forbidden = client.get(f"/api/v1/{resource}/{private.pk}/")
    missing = client.get(f"/api/v1/{resource}/987654/")
    if role == "anonymous":
        assert (forbidden.status_code, missing.status_code) == (401, 401)
        return
    assert missing.status_code == 404
    assert missing.json() == {"message": "Not found.", "errors": {}}
    may_see = role in SEES_DRAFTS or (role == "monitor" and resource == "assessments")
    assert forbidden.status_code == (200 if may_see else 404)
    if not may_see:
        assert forbidden.json() == missing.json()


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r != "milestones"])
@pytest.mark.parametrize("role", ROLES)
def test_public_endpoints_show_only_published_data_to_anybody(
    world: World, plans: Plans, resource: str, role: str
) -> None:
    private_name, public_name = RESOURCES[resource]
    seen = ids(world.client(role).get(f"/api/v1/public/{resource}/?page_size=200"))
    assert getattr(plans, public_name).pk in seen
    assert getattr(plans, private_name).pk not in seen
    assert plans.other_draft.pk not in seen or resource != "plans"


def test_public_commitments_carry_their_milestones(world: World, plans: Plans) -> None:
    body = Client().get(f"/api/v1/public/commitments/{plans.public_commitment.pk}/").json()
    assert [m["id"] for m in body["milestones"]] == [plans.public_milestone.pk]


def test_members_with_status_since_reasons_and_deadlines(world: World, plans: Plans) -> None:
    listing = Client().get("/api/v1/public/members/").json()
    slugs = {row["slug"] for row in listing["results"]}
    assert {"villa-example", "puerto-otro"} <= slugs
    member = Client().get("/api/v1/public/members/villa-example/").json()
    evaluation = member["evaluation"]
    assert set(evaluation) == {"status", "since", "reasons", "deadlines"}
    assert evaluation["status"] in {
        "active",
        "inactive",
        "voluntary_inactive",
        "probation",
        "revoked",
    }
    assert all(set(d) == {"kind", "due", "met_on", "ref"} for d in evaluation["deadlines"])
    signed_in = world.client("other_poc").get("/api/v1/jurisdictions/villa-example/")
    assert signed_in.status_code == 200
    assert signed_in.json()["evaluation"]["status"] == evaluation["status"]


@pytest.mark.parametrize("role", ROLES)
def test_meetings_and_endorsements_of_a_draft(world: World, plans: Plans, role: str) -> None:
    for resource in ("meetings", "endorsements"):
        response = world.client(role).get(f"/api/v1/{resource}/?plan={plans.draft.pk}")
        if role == "anonymous":
            assert response.status_code == 401
            continue
        assert bool(ids(response)) == (role in SEES_DRAFTS)


@pytest.mark.parametrize("role", ROLES)
def test_requests_are_read_by_the_jurisdictions_people_only(
    world: World, plans: Plans, role: str
) -> None:
    request = ExtensionRequestFactory(jurisdiction=world.tenant.jurisdiction)
    response = world.client(role).get("/api/v1/extension-requests/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert (request.pk in ids(response)) == (role in SEES_DRAFTS | {"monitor"})


def test_notifications_are_ones_own(world: World, plans: Plans) -> None:
    own = NotificationFactory(recipient=world.tenant.poc, jurisdiction=world.tenant.jurisdiction)
    other = NotificationFactory(recipient=world.other.poc, jurisdiction=world.other.jurisdiction)
    client = world.client("poc")
    assert ids(client.get("/api/v1/notifications/")) == {own.pk}
    assert client.get(f"/api/v1/notifications/{other.pk}/").status_code == 404
    assert world.client("staff").get(f"/api/v1/notifications/{own.pk}/").status_code == 404
    assert Client().get("/api/v1/notifications/").status_code == 401


# --- writes: each calls the pages' business action --------------------------------------------


def post(world: World, role: str, path: str, data: dict[str, Any]) -> Any:
    return world.client(role).post(path, data, content_type="application/json")


CREATE_PLAN = {
    "poc": 201,
    "officer": 201,
    "stakeholder": 403,
    "monitor": 403,
    "staff": 403,
    "other_poc": 403,
    "outsider": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_create_plan(world: World, plans: Plans, role: str) -> None:
    response = post(
        world,
        role,
        "/api/v1/plans/",
        {
            "jurisdiction": "villa-example",
            "ref": "2028-plan",
            "starts_on": "2028-01-01",
            "ends_on": "2029-06-30",
            "title": "Second plan",
        },
    )
    assert response.status_code == CREATE_PLAN[role], response.content
    created = ActionPlan.objects.filter(ref="2028-plan").exists()
    assert created == (CREATE_PLAN[role] == 201)


SUBMIT = {
    "poc": 200,
    "officer": 403,
    "stakeholder": 403,
    "monitor": 404,
    "staff": 403,
    "other_poc": 404,
    "outsider": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_submit_plan(world: World, plans: Plans, role: str) -> None:
    # The first plan: the other one of the world would overlap it (§3.1 "Period").
    ActionPlan.objects.filter(pk=plans.submitted.pk).update(submitted_on=None)
    with time_machine.travel(SUBMISSION_DAY, tick=False):
        response = post(world, role, f"/api/v1/plans/{plans.draft.pk}/submit/", {})
    assert response.status_code == SUBMIT[role], response.content
    plans.draft.refresh_from_db()
    assert (plans.draft.submitted_on is not None) == (SUBMIT[role] == 200)
    if role == "poc":
        assert response.json()["plan"]["submitted_on"] == "2026-05-20"


def test_a_refused_submission_says_why_in_the_one_shape(world: World, plans: Plans) -> None:
    plan = ready_plan(world.tenant.jurisdiction, ref="empty", commitments=0)
    with time_machine.travel(SUBMISSION_DAY, tick=False):
        response = post(world, "poc", f"/api/v1/plans/{plan.pk}/submit/", {})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert body["message"]
    assert all(isinstance(v, list) for v in body["errors"].values())


def test_update_plan(world: World, plans: Plans) -> None:
    path = f"/api/v1/plans/{plans.draft.pk}/"
    response = world.client("officer").patch(
        path, {"forum": "The new forum."}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    plans.draft.refresh_from_db()
    assert plans.draft.forum == "The new forum."
    refused = world.client("stakeholder").patch(
        path, {"forum": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    hidden = world.client("other_poc").patch(path, {"forum": "x"}, content_type="application/json")
    assert hidden.status_code == 404


ADD_COMMITMENT = {
    "poc": 201,
    "officer": 201,
    "stakeholder": 403,
    "monitor": 400,
    "staff": 403,
    "other_poc": 400,
    "outsider": 400,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_add_commitment_to_a_draft(world: World, plans: Plans, role: str) -> None:
    response = post(
        world,
        role,
        "/api/v1/commitments/",
        {
            "plan": plans.draft.pk,
            "ref": "new",
            "title": "Open budgets",
            "starts_on": "2026-07-01",
            "ends_on": "2027-06-30",
            "policy_areas": [],
            "milestones": [{"title": "Publish", "due_on": "2026-12-01"}],
        },
    )
    assert response.status_code == ADD_COMMITMENT[role], response.content
    if role in {"monitor", "other_poc", "outsider"}:
        assert response.json()["errors"] == {"plan": ["No such record, or not visible to you."]}
    if response.status_code == 201:
        assert response.json()["milestones"][0]["title"] == "Publish"


def test_amend_commitment(world: World, plans: Plans) -> None:
    path = f"/api/v1/commitments/{plans.draft_commitment.pk}/"
    response = world.client("poc").patch(
        path, {"title": "Renamed"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Renamed"
    assert (
        world.client("stakeholder")
        .patch(path, {"title": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        world.client("other_poc")
        .patch(path, {"title": "x"}, content_type="application/json")
        .status_code
        == 404
    )


RECORD_UPDATE = {
    "poc": 200,
    "officer": 200,
    "stakeholder": 403,
    "monitor": 403,
    "staff": 403,
    "other_poc": 403,
    "outsider": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_record_tracker_update(world: World, plans: Plans, role: str) -> None:
    commitment = plans.submitted.commitments.exclude(pk=plans.public_commitment.pk).earliest("pk")
    with time_machine.travel(IN_Q3, tick=False):
        response = post(
            world,
            role,
            "/api/v1/tracker-updates/",
            {"commitment": commitment.pk, "quarter": "2026Q3", "percent": 30, "submit": True},
        )
    assert response.status_code == RECORD_UPDATE[role], response.content
    if response.status_code == 200:
        assert (response.json()["percent"], response.json()["submitted_on"]) == (30, "2026-08-15")


def test_tracker_update_rules_refuse_in_the_one_shape(world: World, plans: Plans) -> None:
    response = post(
        world,
        "poc",
        "/api/v1/tracker-updates/",
        {"commitment": plans.public_commitment.pk, "quarter": "2026Q3", "percent": 101},
    )
    assert response.status_code == 400
    assert "percent" in response.json()["errors"]


RECORD_MEETING = {
    "poc": 201,
    "officer": 201,
    "stakeholder": 403,
    "monitor": 400,
    "staff": 403,
    "other_poc": 400,
    "outsider": 400,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_record_meeting(world: World, plans: Plans, role: str) -> None:
    with time_machine.travel(SUBMISSION_DAY, tick=False):
        response = post(
            world,
            role,
            "/api/v1/meetings/",
            {
                "plan": plans.draft.pk,
                "held_on": "2026-05-02",
                "kind": "implementation",
                "government_participants": 2,
                "non_governmental_participants": 3,
            },
        )
    assert response.status_code == RECORD_MEETING[role], response.content


ENDORSE = {
    "poc": 403,
    "officer": 403,
    "stakeholder": 201,
    "monitor": 400,
    "staff": 403,
    "other_poc": 400,
    "outsider": 400,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_endorse(world: World, plans: Plans, role: str) -> None:
    response = post(
        world, role, "/api/v1/endorsements/", {"plan": plans.draft.pk, "organisation": "Civic Lab"}
    )
    assert response.status_code == ENDORSE[role], response.content
    if role == "stakeholder":
        again = post(world, role, "/api/v1/endorsements/", {"plan": plans.draft.pk})
        assert again.status_code == 400
        assert again.json()["message"] == "You have already endorsed this plan."


UPLOAD = {
    "poc": 403,
    "officer": 403,
    "stakeholder": 403,
    "monitor": 201,
    "staff": 403,
    "other_poc": 403,
    "outsider": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.usefixtures("media")
def test_upload_assessment_multipart(world: World, plans: Plans, role: str) -> None:
    plan = plans.submitted
    report = ContentFile(MINIMAL_PDF, name="final learning.pdf")
    with time_machine.travel(datetime(2028, 2, 1, 12, tzinfo=UTC), tick=False):
        response = world.client(role).post(
            "/api/v1/assessments/",
            {
                "plan": plan.pk,
                "kind": "final_learning_exercise",
                "report": report,
                "findings": json.dumps(
                    {
                        "lessons": "Start early.",
                        "recommendations": "Publish data.",
                        "adoption_steps": "Adopt.",
                    }
                ),
            },
        )
    assert response.status_code == UPLOAD[role], response.content
    if response.status_code == 201:
        assessment = Assessment.objects.get(pk=response.json()["id"])
        assert str(assessment.report.name).endswith(".pdf")
        download = world.client("poc").get(f"/api/v1/assessments/{assessment.pk}/report/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
        hidden = world.client("other_poc").get(f"/api/v1/assessments/{assessment.pk}/report/")
        assert hidden.status_code == 404
        public = Client().get(f"/api/v1/public/assessments/{assessment.pk}/report/")
        assert public.status_code == 404


def test_an_upload_the_portal_refuses_answers_the_one_shape(
    world: World, plans: Plans, media: Path
) -> None:
    response = world.client("monitor").post(
        "/api/v1/assessments/",
        {
            "plan": plans.submitted.pk,
            "kind": "inception",
            "report": ContentFile(b"MZ\x90\x00 not a pdf", name="report.pdf"),
        },
    )
    assert response.status_code == 400
    assert set(response.json()) == {"message", "errors"}
    assert not list(media.rglob("*.*"))


REQUEST = {
    "poc": 201,
    "officer": 403,
    "stakeholder": 403,
    "monitor": 403,
    "staff": 403,
    "other_poc": 403,
    "outsider": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_request_extension_and_voluntary_inactivity(world: World, plans: Plans, role: str) -> None:
    ActionPlan.objects.filter(pk=plans.submitted.pk).update(submitted_on=None)
    extension = post(
        world,
        role,
        "/api/v1/extension-requests/",
        {
            "jurisdiction": "villa-example",
            "requested_until": "2027-09-30",
            "reason": "Elections moved the council's calendar.",
        },
    )
    assert extension.status_code == REQUEST[role], extension.content
    assert ExtensionRequest.objects.exists() == (REQUEST[role] == 201)
    pause = post(
        world,
        role,
        "/api/v1/voluntary-inactivity-requests/",
        {
            "jurisdiction": "villa-example",
            "starts_on": "2027-01-01",
            "ends_on": "2027-06-30",
            "reason": "A new administration takes office.",
        },
    )
    assert pause.status_code == REQUEST[role], pause.content
    assert VoluntaryInactivityRequest.objects.exists() == (REQUEST[role] == 201)


def test_meeting_factory_rows_are_listed(world: World, plans: Plans) -> None:
    meeting = MeetingFactory(plan=plans.submitted, held_on=date(2026, 4, 1))
    assert meeting.pk in ids(world.client("monitor").get("/api/v1/meetings/"))
