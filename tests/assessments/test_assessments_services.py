"""assessments.services: the monitoring body records, the Support Unit publishes (docs/rules.md §2,
§3.3); with files, the one upload validation, the cap of five, and nothing left behind."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from assessments.models import Assessment, AssessmentFile
from assessments.services import (
    MAX_FILES_PER_ASSESSMENT,
    add_assessment_annexes,
    publish_assessment,
    record_assessment,
)
from commitments.completion import complete_commitment
from members.models import User
from ogplocal.exceptions import ActionRefused
from tests.conftest import Tenant, World, refusal, stored
from tests.factories import (
    MINIMAL_PDF,
    MonitoringBodyMemberFactory,
    docx_bytes,
    odt_bytes,
    ready_plan,
    submitted_plan,
)

TODAY = date(2026, 8, 1)


def pdf(name: str = "annex.pdf") -> ContentFile[bytes]:
    return ContentFile(MINIMAL_PDF, name=name)


def record(tenant: Tenant, plan: Any, **kwargs: Any) -> Assessment:
    kwargs.setdefault("kind", "inception")
    return record_assessment(actor=tenant.monitor, plan=plan, today=TODAY, **kwargs)


# --- Recording and publishing --------------------------------------------------------------------


def test_monitoring_body_records_and_support_unit_publishes(
    tenant: Tenant, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    plan = submitted_plan(tenant)
    assessment = record_assessment(
        actor=tenant.monitor,
        plan=plan,
        kind="inception",
        report=ContentFile(b"%PDF-1.4", name="inception.pdf"),
        findings={"forum": True, "regularity": False},
        today=date(2026, 7, 1),
    )
    assert (assessment.submitted_on, assessment.monitoring_body, assessment.published) == (
        date(2026, 7, 1),
        plan.monitoring_body,
        False,
    )
    assert assessment.history.first().history_user == tenant.monitor
    assert (
        refusal(record_assessment, actor=tenant.monitor, plan=plan, kind="inception")
        == "This plan already has its inception assessment."
    )
    assert (
        refusal(publish_assessment, actor=tenant.poc, assessment=assessment)
        == "Only the OGP Support Unit may publish an assessment."
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish_assessment(actor=staff, assessment=assessment, today=date(2026, 7, 2))
    assessment.refresh_from_db()
    assert (assessment.published, assessment.published_on, assessment.reviewed_by) == (
        True,
        date(2026, 7, 2),
        staff,
    )
    assert mail.outbox[-1].to == [tenant.poc.email]
    assert (
        refusal(publish_assessment, actor=staff, assessment=assessment)
        == "This assessment was already published on 2026-07-02."
    )


def test_end_of_commitment_needs_a_completed_commitment(tenant: Tenant) -> None:
    plan = submitted_plan(tenant)
    commitment: Any = plan.commitments.first()
    kwargs = {
        "actor": tenant.monitor,
        "plan": plan,
        "kind": "end_of_commitment",
        "today": date(2026, 9, 1),
    }
    assert (
        refusal(record_assessment, **kwargs)
        == "Choose the commitment of this plan that is assessed."
    )
    assert (
        refusal(record_assessment, commitment=commitment, **kwargs)
        == f"“{commitment.title}” is not completed; it is assessed once it is."
    )
    complete_commitment(
        actor=tenant.poc,
        commitment=commitment,
        completed_on=date(2026, 8, 1),
        today=date(2026, 8, 1),
    )
    commitment.refresh_from_db()
    assessment = record_assessment(commitment=commitment, **kwargs)
    assert assessment.commitment == commitment
    assert (
        refusal(record_assessment, commitment=commitment, **kwargs)
        == f"“{commitment.title}” already has its end-of-commitment assessment."
    )


def test_assessment_refusals(tenant: Tenant) -> None:
    draft = ready_plan(tenant.jurisdiction)
    assert (
        refusal(record_assessment, actor=tenant.monitor, plan=draft, kind="inception")
        == "Only a submitted plan is assessed."
    )
    plan = submitted_plan(tenant)
    assert (
        refusal(
            record_assessment,
            actor=tenant.monitor,
            plan=plan,
            kind="final_learning_exercise",
            report=ContentFile(b"x", name="report.exe"),
        )
        # issue 5: judged by content (ogplocal.uploads), not by the name
    ).endswith("Accepted here: PDF, DOCX or ODT.")
    assert (
        refusal(
            record_assessment,
            actor=tenant.monitor,
            plan=plan,
            kind="inception",
            findings={"forum": "yes"},
        )
        == "Inception findings say, for each minimum requirement, met or not met."
    )


@pytest.mark.parametrize(
    "role", ["poc", "officer", "stakeholder", "staff", "outsider", "other_monitor"]
)
def test_only_the_selected_monitoring_body_assesses(
    tenant: Tenant, world: World, role: str
) -> None:
    plan = submitted_plan(tenant)
    actor = world.people[role]
    assert (
        refusal(record_assessment, actor=actor, plan=plan, kind="inception")
        == "Only the monitoring body selected by the plan's jurisdiction may upload assessments."
    )
    assert not Assessment.objects.exists()


def test_a_member_of_an_unselected_body_does_not_assess(tenant: Tenant) -> None:
    plan = submitted_plan(tenant)
    stranger = MonitoringBodyMemberFactory().user
    assert "Only the monitoring body selected" in refusal(
        record_assessment, actor=stranger, plan=plan, kind="inception"
    )


# --- Files ---------------------------------------------------------------------------------------


def test_report_and_annexes_are_stored_under_server_names(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant)
    assessment = record(
        tenant,
        plan,
        report=ContentFile(docx_bytes(), name="report.pdf"),  # a DOCX named .pdf
        annexes=[ContentFile(odt_bytes(), name="Anexo 1.odt"), pdf("résumé (final).pdf")],
    )
    assert str(assessment.report.name).startswith("assessments/")
    assert str(assessment.report.name).endswith(".docx")
    names = [(f.name, Path(f.file.name).suffix) for f in assessment.files.all()]
    assert names == [("Anexo_1.odt", ".odt"), ("résumé_final.pdf", ".pdf")]
    assert len(stored(media)) == 3


@pytest.mark.parametrize("name", ["../../etc/cron.d/x.pdf", "C:\\tmp\\x.pdf", ".."])
def test_a_name_with_a_folder_is_refused(tenant: Tenant, media: Path, name: str) -> None:
    plan = submitted_plan(tenant)
    with pytest.raises(ActionRefused, match="may not contain a folder"):
        record(tenant, plan, report=pdf("r.pdf"), annexes=[pdf(name)])
    assert not Assessment.objects.exists()
    assert stored(media) == []


def test_a_sixth_file_is_refused_and_nothing_is_left(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant)
    with pytest.raises(ActionRefused) as refused:
        record(tenant, plan, report=pdf("r.pdf"), annexes=[pdf() for _ in range(5)])
    assert refused.value.message == "An assessment has at most 5 files, its report included."
    assert refused.value.field == "annexes"
    assert not Assessment.objects.exists()
    assert stored(media) == []


def test_adding_annexes_stops_at_five(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant)
    assessment = record(tenant, plan, report=pdf("r.pdf"), annexes=[pdf(), pdf()])
    add_assessment_annexes(actor=tenant.monitor, assessment=assessment, annexes=[pdf(), pdf()])
    assert AssessmentFile.objects.count() == MAX_FILES_PER_ASSESSMENT - 1
    before = sorted(stored(media))
    with pytest.raises(ActionRefused) as refused:
        add_assessment_annexes(actor=tenant.monitor, assessment=assessment, annexes=[pdf()])
    assert "it has 5" in refused.value.message
    assert AssessmentFile.objects.count() == 4
    assert sorted(stored(media)) == before


def test_a_refused_annex_among_good_ones_leaves_nothing(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant)
    with pytest.raises(ActionRefused) as refused:
        record(
            tenant,
            plan,
            report=pdf("r.pdf"),
            annexes=[pdf(), ContentFile(b"<svg onload=alert(1)>", name="chart.pdf")],
        )
    assert refused.value.message.startswith("chart.pdf: By its content this file is:")
    assert not Assessment.objects.exists()
    assert stored(media) == []


def test_a_business_refusal_after_the_files_leaves_no_bytes(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant)
    record(tenant, plan, report=pdf("r.pdf"))
    with pytest.raises(ActionRefused, match="already has its inception assessment"):
        record(tenant, plan, report=pdf("again.pdf"), annexes=[pdf()])
    assert len(stored(media)) == 1
    assert AssessmentFile.objects.count() == 0


def test_a_database_failure_at_the_end_removes_the_stored_bytes(
    tenant: Tenant, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = submitted_plan(tenant)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("assessments.services._store_annexes", broken)
    with pytest.raises(RuntimeError):
        record(tenant, plan, report=pdf("r.pdf"), annexes=[pdf()])
    assert not Assessment.objects.exists()
    assert stored(media) == []


@pytest.mark.parametrize("role", ["poc", "officer", "stakeholder", "other_monitor", "staff"])
def test_only_the_selected_body_adds_annexes(
    tenant: Tenant, world: World, role: str, media: Path
) -> None:
    plan = submitted_plan(tenant)
    assessment = record(tenant, plan, report=pdf("r.pdf"))
    actor = world.people[role]
    with pytest.raises(ActionRefused):
        add_assessment_annexes(actor=actor, assessment=assessment, annexes=[pdf()])
    assert AssessmentFile.objects.count() == 0
    assert len(stored(media)) == 1


def test_a_published_assessment_takes_no_more_annexes(
    tenant: Tenant, staff: User, media: Path
) -> None:
    plan = submitted_plan(tenant)
    assessment = record(tenant, plan)
    publish_assessment(actor=staff, assessment=assessment, today=TODAY)
    with pytest.raises(ActionRefused, match="published assessment is not changed"):
        add_assessment_annexes(actor=tenant.monitor, assessment=assessment, annexes=[pdf()])
    assert stored(media) == []


@pytest.mark.parametrize(
    ("kind", "findings"),
    [
        ("inception", {"forum": True, "evidence": {"forum": "Minutes."}, "commitment_design": {}}),
        (
            "final_learning_exercise",
            {"lessons": "a", "recommendations": "b", "adoption_steps": "c"},
        ),
    ],
)
def test_findings_of_each_kind_are_kept(
    tenant: Tenant, kind: str, findings: dict[str, Any]
) -> None:
    plan = submitted_plan(tenant)
    assert record(tenant, plan, kind=kind, findings=findings).findings == findings


@pytest.mark.parametrize(
    ("kind", "findings"),
    [
        ("inception", {"lessons": "wrong kind"}),
        ("inception", {"evidence": {"not_a_requirement": "x"}}),
        ("final_learning_exercise", {"lessons": 3}),
        ("final_learning_exercise", {"forum": True}),
    ],
)
def test_findings_of_the_wrong_shape_are_refused(
    tenant: Tenant, kind: str, findings: dict[str, Any]
) -> None:
    plan = submitted_plan(tenant)
    with pytest.raises(ActionRefused) as refused:
        record(tenant, plan, kind=kind, findings=findings)
    assert refused.value.field == "findings"
