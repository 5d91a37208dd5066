"""Assessment pages: every role against every page and action (missing and forbidden are 404)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, AssessmentFile
from assessments.services import publish_assessment, record_assessment
from commitments.completion import complete_commitment
from tests.conftest import Tenant, World, client_for, count_queries, make_tenant, stored
from tests.factories import (
    MINIMAL_PDF,
    MonitoringBodyMemberFactory,
    StaffFactory,
    docx_bytes,
    odt_bytes,
    submitted_plan,
    upload,
)

NOW = "2026-08-01 15:00Z"  # Buenos Aires: 2026-08-01


@dataclass
class Assessed:
    """The plans the monitoring bodies assess, in the seeded world."""

    plan: Any  # the tenant's
    commitment: Any  # the tenant's, completed
    other_plan: Any  # the other jurisdiction's


@pytest.fixture
def assessed(world: World, media: Path) -> Iterator[Assessed]:
    """Plans submitted on 2026-05-20 (inception due 2026-07-20); a commitment completed on
    2026-07-15 (end-of-commitment due 2026-08-15); today 2026-08-01."""
    tenant, other_tenant = world.tenant, world.other
    plan = submitted_plan(tenant)
    commitment: Any = plan.commitments.order_by("ref").first()
    complete_commitment(
        actor=tenant.poc,
        commitment=commitment,
        completed_on=date(2026, 7, 15),
        today=date(2026, 7, 15),
    )
    commitment.refresh_from_db()
    other_plan = submitted_plan(other_tenant)
    with time_machine.travel(NOW, tick=False):
        yield Assessed(plan, commitment, other_plan)


ROLES = [
    "monitor",
    "other_monitor",
    "poc",
    "officer",
    "stakeholder",
    "other_poc",
    "staff",
    "anonymous",
]


def inception_post(assessed: Assessed, report: bytes = MINIMAL_PDF, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for code in ("forum", "regularity", "multi_stakeholder", "endorsement", "monitoring_body"):
        data[f"met_{code}"] = "yes"
        data[f"evidence_{code}"] = f"Evidence for {code}."
    for commitment in assessed.plan.commitments.all():
        data[f"design_{commitment.ref}"] = "Relevant, verifiable, moderate ambition."
    data["report"] = upload("Informe de inicio.pdf", report)
    data.update(extra)
    return data


def inception_url(assessed: Assessed) -> str:
    return reverse("assessment_upload", args=[assessed.plan.pk, "inception"])


# --- the monitoring body's due list ------------------------------------------------------------


def test_due_list_shows_each_selecting_member_overdue_first(
    world: World, assessed: Assessed
) -> None:
    response = client_for(world.tenant.monitor).get(reverse("assessments_due"))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [group.jurisdiction for group in groups] == [world.tenant.jurisdiction]
    items = groups[0].items
    assert [(item.kind, item.due, item.overdue) for item in items] == [
        (Assessment.Kind.INCEPTION, date(2026, 7, 20), True),
        (Assessment.Kind.END_OF_COMMITMENT, date(2026, 8, 15), False),
        (Assessment.Kind.FINAL_LEARNING_EXERCISE, date(2028, 2, 29), False),
    ]
    assert items[1].commitment == assessed.commitment
    text = response.content.decode()
    assert "Overdue" in text
    assert "For each minimum requirement: met or not" in text
    assert world.other.jurisdiction.name not in text
    assert 'style="' not in text
    assert "<script>" not in text


def test_a_submitted_assessment_leaves_the_due_list(world: World, assessed: Assessed) -> None:
    record_assessment(
        actor=world.tenant.monitor, plan=assessed.plan, kind="inception", today=date(2026, 8, 1)
    )
    response = client_for(world.tenant.monitor).get(reverse("assessments_due"))
    kinds = [item.kind for item in response.context["groups"][0].items]
    assert Assessment.Kind.INCEPTION not in kinds


@pytest.mark.parametrize("role", ROLES)
def test_due_list_by_role(world: World, assessed: Assessed, role: str) -> None:
    response = world.client(role).get(reverse("assessments_due"))
    expected = {"monitor": 200, "other_monitor": 200, "anonymous": 302}.get(role, 404)
    assert response.status_code == expected
    if role == "other_monitor":
        assert [g.jurisdiction for g in response.context["groups"]] == [world.other.jurisdiction]


def test_due_list_runs_the_same_queries_for_one_and_for_many_members(
    tenant: Tenant, media: Path
) -> None:
    submitted_plan(tenant)
    client = client_for(tenant.monitor)
    body = tenant.monitor.monitoring_bodies.get().body

    def count() -> int:
        with time_machine.travel(NOW, tick=False), count_queries() as queries:
            assert client.get(reverse("assessments_due")).status_code == 200
        return len(queries)

    one = count()
    for number in range(4):
        extra = make_tenant(f"extra-{number}", f"Extra {number}")
        body.selected_jurisdictions.add(extra.jurisdiction)
        submitted_plan(extra)
    assert count() == one
    # pinned: a change that adds queries to the page shows up here (the evaluation alone is
    # members.loader's LOADER_QUERIES and a few more)
    assert one == 24


# --- uploading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_upload_form_by_role(world: World, assessed: Assessed, role: str, media: Path) -> None:
    client = world.client(role)
    expected = {"monitor": 200, "anonymous": 302}.get(role, 404)
    assert client.get(inception_url(assessed)).status_code == expected
    response = client.post(inception_url(assessed), inception_post(assessed))
    assert response.status_code == (302 if role in {"monitor", "anonymous"} else 404)
    created = Assessment.objects.filter(plan=assessed.plan).count()
    assert created == (1 if role == "monitor" else 0)
    assert bool(stored(media)) == (role == "monitor")


def test_each_kind_by_the_right_body(world: World, assessed: Assessed, media: Path) -> None:
    client = client_for(world.tenant.monitor)
    assert client.post(inception_url(assessed), inception_post(assessed)).status_code == 302
    url = reverse(
        "assessment_upload_commitment",
        args=[assessed.plan.pk, assessed.commitment.pk, "end-of-commitment"],
    )
    data: dict[str, Any] = {"completion": "substantial", "results": "Contracts are open."}
    for value in ("transparency", "participation", "accountability"):
        data[f"opened_{value}"] = "yes" if value == "transparency" else "no"
        data[f"how_{value}"] = f"About {value}."
    data["report"] = upload("eoc.docx", docx_bytes())
    data["annexes"] = [upload("a.odt", odt_bytes()), upload("b.pdf", MINIMAL_PDF)]
    assert client.post(url, data).status_code == 302
    eoc = Assessment.objects.get(kind="end_of_commitment")
    assert eoc.findings["opened_government"]["transparency"] == {
        "opened": True,
        "how": "About transparency.",
    }
    assert str(eoc.report.name).endswith(".docx")
    assert [f.name for f in eoc.files.all()] == ["a.odt", "b.pdf"]
    url = reverse("assessment_upload", args=[assessed.plan.pk, "final-learning-exercise"])
    data = {
        "lessons": "Start early.",
        "recommendations": "Publish more.",
        "adoption_steps": "The council adopts a decree.",
        "report": upload("final.odt", odt_bytes()),
    }
    assert client.post(url, data).status_code == 302
    final = Assessment.objects.get(kind="final_learning_exercise")
    assert final.findings["adoption_steps"] == "The council adopts a decree."
    inception = Assessment.objects.get(kind="inception")
    assert inception.findings["forum"] is True
    assert inception.findings["evidence"]["forum"] == "Evidence for forum."
    assert len(stored(media)) == 5


@pytest.mark.parametrize("kind", ["inception", "final-learning-exercise"])
def test_each_kind_by_a_wrong_body(
    world: World, assessed: Assessed, kind: str, media: Path
) -> None:
    client = client_for(world.other.monitor)
    url = reverse("assessment_upload", args=[assessed.plan.pk, kind])
    assert client.get(url).status_code == 404
    assert client.post(url, inception_post(assessed)).status_code == 404
    url = reverse(
        "assessment_upload_commitment",
        args=[assessed.plan.pk, assessed.commitment.pk, "end-of-commitment"],
    )
    assert client.get(url).status_code == 404
    assert not Assessment.objects.exists()
    assert stored(media) == []


def test_wrong_kind_or_commitment_of_another_plan_is_404(world: World, assessed: Assessed) -> None:
    client = client_for(world.tenant.monitor)
    assert (
        client.get(reverse("assessment_upload", args=[assessed.plan.pk, "nonsense"])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("assessment_upload", args=[assessed.plan.pk, "end-of-commitment"])
        ).status_code
        == 404
    )
    other_commitment = assessed.other_plan.commitments.first()
    url = reverse(
        "assessment_upload_commitment",
        args=[assessed.plan.pk, other_commitment.pk, "end-of-commitment"],
    )
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00" + b"\0" * 100),
        ("report.pdf", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("report.pdf", b"<!doctype html><script>alert(1)</script>"),
        ("report.pdf", b""),
    ],
)
def test_a_refused_report_shows_a_message_and_leaves_nothing(
    world: World, assessed: Assessed, name: str, content: bytes, media: Path
) -> None:
    data = inception_post(assessed)
    data["report"] = upload(name, content)
    response = client_for(world.tenant.monitor).post(inception_url(assessed), data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not Assessment.objects.exists()
    assert stored(media) == []


def test_more_than_four_annexes_are_refused(world: World, assessed: Assessed, media: Path) -> None:
    data = inception_post(assessed, annexes=[upload(f"a{n}.pdf", MINIMAL_PDF) for n in range(5)])
    response = client_for(world.tenant.monitor).post(inception_url(assessed), data)
    assert response.status_code == 400
    assert "At most 4 files can be added here." in response.content.decode()
    assert not Assessment.objects.exists()
    assert stored(media) == []


def test_an_oversize_report_is_refused(world: World, assessed: Assessed, media: Path) -> None:
    content = MINIMAL_PDF + b"0" * (20 * 1024 * 1024 + 1 - len(MINIMAL_PDF))
    data = inception_post(assessed, report=content)
    response = client_for(world.tenant.monitor).post(inception_url(assessed), data)
    assert response.status_code == 400
    assert "files are at most 20 MB" in response.content.decode()
    assert stored(media) == []


# --- downloads and the member's own page -------------------------------------------------------


@pytest.fixture
def recorded(world: World, assessed: Assessed) -> Assessment:
    return record_assessment(
        actor=world.tenant.monitor,
        plan=assessed.plan,
        kind="inception",
        report=ContentFile(odt_bytes(), name="inception.odt"),
        annexes=[ContentFile(MINIMAL_PDF, name="annex one.pdf")],
        today=date(2026, 8, 1),
    )


@pytest.mark.parametrize("role", ROLES)
def test_workspace_assessments_by_role(
    world: World, assessed: Assessed, recorded: Assessment, role: str
) -> None:
    url = reverse("jurisdiction_assessments", args=[world.tenant.jurisdiction.slug])
    response = world.client(role).get(url)
    allowed = {"monitor", "poc", "officer", "stakeholder", "staff"}
    assert response.status_code == (200 if role in allowed else 302 if role == "anonymous" else 404)
    if response.status_code == 200:
        items = response.context["group"].items
        inception = next(item for item in items if item.kind == "inception")
        assert (inception.due, inception.submitted_on, inception.late) == (
            date(2026, 7, 20),
            date(2026, 8, 1),
            True,
        )
        assert inception.assessment == recorded


@pytest.mark.parametrize("role", ROLES)
def test_private_downloads_by_role(
    world: World, assessed: Assessed, recorded: Assessment, role: str
) -> None:
    client = world.client(role)
    annex = recorded.files.get()
    allowed = {"monitor", "poc", "officer", "stakeholder", "staff"}
    expected = 200 if role in allowed else 302 if role == "anonymous" else 404
    for url in (
        reverse("assessment_report", args=[recorded.pk]),
        reverse("assessment_annex", args=[recorded.pk, annex.pk]),
    ):
        response = client.get(url)
        assert response.status_code == expected
        if expected == 200:
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"
    if expected == 200:
        response = client.get(reverse("assessment_report", args=[recorded.pk]))
        assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
        assert 'filename="inception-' in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == odt_bytes()


def test_an_annex_of_another_assessment_is_404(
    world: World, assessed: Assessed, recorded: Assessment
) -> None:
    other = record_assessment(
        actor=world.other.monitor,
        plan=assessed.other_plan,
        kind="inception",
        today=date(2026, 8, 1),
    )
    annex = recorded.files.get()
    client = client_for(world.staff)
    assert client.get(reverse("assessment_annex", args=[other.pk, annex.pk])).status_code == 404


# --- review and publication --------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "staff_without_mfa"])
def test_review_and_publish_by_role(
    world: World, assessed: Assessed, recorded: Assessment, role: str
) -> None:
    user = StaffFactory(totp=False) if role == "staff_without_mfa" else world.people[role]
    client = client_for(user)
    listed = client.get(reverse("assessments_review"))
    published = client.post(reverse("assessment_publish", args=[recorded.pk]))
    recorded.refresh_from_db()
    if role == "staff":
        assert listed.status_code == 200
        assert recorded in list(listed.context["assessments"])
        assert published.status_code == 302
        assert (recorded.published, recorded.reviewed_by) == (True, world.staff)
    else:
        assert listed.status_code in {302, 403}
        assert published.status_code in {302, 403}
        assert recorded.published is False
        if role == "anonymous":
            assert listed["Location"].startswith(reverse("account_login"))


def test_publish_is_a_post(world: World, assessed: Assessed, recorded: Assessment) -> None:
    client = client_for(world.staff)
    assert client.get(reverse("assessment_publish", args=[recorded.pk])).status_code == 405


def test_publishing_twice_says_so(world: World, assessed: Assessed, recorded: Assessment) -> None:
    client = client_for(world.staff)
    client.post(reverse("assessment_publish", args=[recorded.pk]))
    response = client.post(reverse("assessment_publish", args=[recorded.pk]), follow=True)
    assert "already published" in response.content.decode()


# --- the public member page --------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_public_member_page_shows_only_published_assessments(
    world: World,
    assessed: Assessed,
    recorded: Assessment,
    role: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = world.client(role)
    url = reverse("member_public", args=[world.tenant.jurisdiction.slug])
    response = client.get(url)
    assert response.status_code == 200
    assert world.tenant.jurisdiction.name in response.content.decode()
    assert "Active: the member is taking part" in response.content.decode()
    report = reverse("public_assessment_report", args=[world.tenant.jurisdiction.slug, recorded.pk])
    assert report not in response.content.decode()
    annex = recorded.files.get()
    annex_url = reverse(
        "public_assessment_annex", args=[world.tenant.jurisdiction.slug, recorded.pk, annex.pk]
    )
    assert client.get(report).status_code == 404
    assert client.get(annex_url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):  # empties the public page cache
        publish_assessment(actor=world.staff, assessment=recorded, today=date(2026, 8, 2))
    response = client.get(url)
    assert report in response.content.decode()
    downloaded = client.get(report)
    assert downloaded.status_code == 200
    assert downloaded["Content-Disposition"].startswith("attachment;")
    assert downloaded["X-Content-Type-Options"] == "nosniff"
    assert client.get(annex_url)["Content-Type"] == "application/pdf"
    assert 'filename="annex_one.pdf"' in client.get(annex_url)["Content-Disposition"]
    # the published report is only under its own member's address
    other = reverse("public_assessment_report", args=[world.other.jurisdiction.slug, recorded.pk])
    assert client.get(other).status_code == 404


def test_public_member_page_of_a_missing_member_is_404(db: None) -> None:
    assert Client().get(reverse("member_public", args=["nowhere"])).status_code == 404


def test_navigation_links_monitoring_body_members_to_their_due_list(
    world: World, assessed: Assessed
) -> None:
    due = reverse("assessments_due")
    assert due in client_for(world.tenant.monitor).get("/").content.decode()
    assert due not in client_for(world.tenant.poc).get("/").content.decode()


def test_a_second_member_of_the_body_sees_the_same_list(world: World, assessed: Assessed) -> None:
    body = world.tenant.monitor.monitoring_bodies.get().body
    colleague = MonitoringBodyMemberFactory(body=body).user
    response = client_for(colleague).get(reverse("assessments_due"))
    assert [g.jurisdiction for g in response.context["groups"]] == [world.tenant.jurisdiction]
    assert AssessmentFile.objects.count() == 0
