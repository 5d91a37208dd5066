"""assessments.services with files: the one upload validation, the cap of five, nothing left."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings

from assessments.models import Assessment, AssessmentFile
from assessments.services import (
    MAX_FILES_PER_ASSESSMENT,
    add_assessment_annexes,
    publish_assessment,
    record_assessment,
)
from members.models import User
from ogplocal.exceptions import ActionRefused
from tests.conftest import Tenant
from tests.factories import MINIMAL_PDF, docx_bytes, odt_bytes
from tests.test_assessments_pages import stored, submitted

TODAY = date(2026, 8, 1)


@pytest.fixture
def media(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "media"
    root.mkdir()
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(MEDIA_ROOT=root, STORAGES=storages):
        yield root


def pdf(name: str = "annex.pdf") -> ContentFile[bytes]:
    return ContentFile(MINIMAL_PDF, name=name)


def record(tenant: Tenant, plan: Any, **kwargs: Any) -> Assessment:
    kwargs.setdefault("kind", "inception")
    return record_assessment(actor=tenant.monitor, plan=plan, today=TODAY, **kwargs)


def test_report_and_annexes_are_stored_under_server_names(tenant: Tenant, media: Path) -> None:
    plan = submitted(tenant)
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
    plan = submitted(tenant)
    with pytest.raises(ActionRefused, match="may not contain a folder"):
        record(tenant, plan, report=pdf("r.pdf"), annexes=[pdf(name)])
    assert not Assessment.objects.exists()
    assert stored(media) == []


def test_a_sixth_file_is_refused_and_nothing_is_left(tenant: Tenant, media: Path) -> None:
    plan = submitted(tenant)
    with pytest.raises(ActionRefused) as refused:
        record(tenant, plan, report=pdf("r.pdf"), annexes=[pdf() for _ in range(5)])
    assert refused.value.message == "An assessment has at most 5 files, its report included."
    assert refused.value.field == "annexes"
    assert not Assessment.objects.exists()
    assert stored(media) == []


def test_adding_annexes_stops_at_five(tenant: Tenant, media: Path) -> None:
    plan = submitted(tenant)
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
    plan = submitted(tenant)
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
    plan = submitted(tenant)
    record(tenant, plan, report=pdf("r.pdf"))
    with pytest.raises(ActionRefused, match="already has its inception assessment"):
        record(tenant, plan, report=pdf("again.pdf"), annexes=[pdf()])
    assert len(stored(media)) == 1
    assert AssessmentFile.objects.count() == 0


def test_a_database_failure_at_the_end_removes_the_stored_bytes(
    tenant: Tenant, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = submitted(tenant)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("assessments.services._store_annexes", broken)
    with pytest.raises(RuntimeError):
        record(tenant, plan, report=pdf("r.pdf"), annexes=[pdf()])
    assert not Assessment.objects.exists()
    assert stored(media) == []


@pytest.mark.parametrize("role", ["poc", "officer", "stakeholder", "other_monitor", "staff"])
def test_only_the_selected_body_adds_annexes(
    tenant: Tenant, other_tenant: Tenant, staff: User, role: str, media: Path
) -> None:
    plan = submitted(tenant)
    assessment = record(tenant, plan, report=pdf("r.pdf"))
    actor = {
        "poc": tenant.poc,
        "officer": tenant.officer,
        "stakeholder": tenant.stakeholder,
        "other_monitor": other_tenant.monitor,
        "staff": staff,
    }[role]
    with pytest.raises(ActionRefused):
        add_assessment_annexes(actor=actor, assessment=assessment, annexes=[pdf()])
    assert AssessmentFile.objects.count() == 0
    assert len(stored(media)) == 1


def test_a_published_assessment_takes_no_more_annexes(
    tenant: Tenant, staff: User, media: Path
) -> None:
    plan = submitted(tenant)
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
    plan = submitted(tenant)
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
    plan = submitted(tenant)
    with pytest.raises(ActionRefused) as refused:
        record(tenant, plan, kind=kind, findings=findings)
    assert refused.value.field == "findings"
