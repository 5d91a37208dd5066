"""Tracker evidence files uploaded in the jurisdiction workspace (issue 4 §4 and §5, issue 5 §3),
through the one validation of `ogplocal.uploads`.

Each is accepted by content, refused by content or size with nothing stored, capped, downloaded as
an attachment with `nosniff`, and reached by the right roles only; evidence never reaches the
public. Meeting minutes and letters of support: tests/plans/test_plan_uploads.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine

from action_plans.models import ActionPlan
from commitments.models import Commitment
from ogplocal.exceptions import ActionRefused
from ogplocal.records import HardDeleteRefused
from portal.exchange.opendata import DATASETS
from tests.conftest import Tenant, World, assert_attachment, client_for, stored
from tests.factories import (
    EXE_BYTES,
    HTML_BYTES,
    MINIMAL_PDF,
    PNG_BYTES,
    TOO_LARGE,
    docx_bytes,
    submitted_plan,
    upload,
)
from tracker.models import MAX_EVIDENCE_FILES, EvidenceFile, TrackerUpdate
from tracker.services import (
    correct_tracker_update,
    record_tracker_update,
    remove_evidence_file,
    save_tracker_update,
)

REPORT_DAY = datetime(2026, 10, 15, 15, 0, tzinfo=UTC)  # 2026Q3 open until 2026-10-31
FROZEN_DAY = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)

ROLES = ["poc", "officer", "stakeholder", "monitor", "staff", "outsider", "other_poc", "anonymous"]
EDITORS = {"poc", "officer"}
# Who reads private data of a submitted plan (docs/roles.md §1): the team, the selected monitoring
# body, the Support Unit. Anonymous people are sent to sign in; everybody else gets 404.
READERS = {"poc", "officer", "stakeholder", "monitor", "staff"}


def quarter_path(plan: ActionPlan) -> str:
    return f"/w/villa-example/plans/{plan.pk}/tracker/2026Q3/"


def tracker_post(commitment: Commitment, *files: Any, intent: str = "draft") -> dict[str, Any]:
    prefix = f"u{commitment.pk}"
    return {
        "commitment": commitment.pk,
        f"{prefix}-percent": "25",
        f"{prefix}-completion": "limited",
        f"{prefix}-narrative": "The decree was published.",
        f"{prefix}-evidence_links": "",
        f"{prefix}-evidence_files": list(files),
        "intent": intent,
    }


def evidence(tenant: Tenant, plan: ActionPlan, *files: Any) -> TrackerUpdate:
    return save_tracker_update(
        actor=tenant.poc,
        commitment=plan.commitments.get(),
        quarter="2026Q3",
        percent=10,
        evidence_files=list(files) or [upload("decree.pdf", MINIMAL_PDF)],
    )


# --- Tracker evidence: accepted, refused, capped ------------------------------------------------


@time_machine.travel(REPORT_DAY, tick=False)
def test_evidence_files_are_stored_listed_and_downloaded(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    commitment = plan.commitments.get()
    client = client_for(tenant.poc)
    files = [
        upload("decree.pdf", MINIMAL_PDF),
        upload("report.docx", docx_bytes(), "application/octet-stream"),
        upload("site photo.png", PNG_BYTES, "image/png"),
    ]
    response = client.post(quarter_path(plan), tracker_post(commitment, *files))
    assert response.status_code == 302, response.content.decode()
    update = TrackerUpdate.objects.get()
    rows = list(EvidenceFile.objects.filter(update=update).order_by("pk"))
    assert [r.original_name for r in rows] == ["decree.pdf", "report.docx", "site_photo.png"]
    assert [r.content_type for r in rows] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
    ]
    assert [r.size for r in rows] == [len(MINIMAL_PDF), len(docx_bytes()), len(PNG_BYTES)]
    assert all(r.uploaded_by == tenant.poc for r in rows)
    assert len(stored(media)) == 3
    # Stored under server-made names, never the name given.
    assert all(r.file.name.startswith("tracker/") and "decree" not in r.file.name for r in rows)
    html = client.get(quarter_path(plan)).content.decode()
    for row in rows:
        assert f"/w/villa-example/plans/{plan.pk}/tracker/evidence/{row.pk}/" in html
        assert row.original_name in html
    download = client.get(f"/w/villa-example/plans/{plan.pk}/tracker/evidence/{rows[0].pk}/")
    assert_attachment(download, MINIMAL_PDF, "application/pdf", ".pdf")
    photo = client.get(f"/w/villa-example/plans/{plan.pk}/tracker/evidence/{rows[2].pk}/")
    assert_attachment(photo, PNG_BYTES, "image/png", ".png")
    with pytest.raises(HardDeleteRefused):
        rows[0].delete()


@time_machine.travel(REPORT_DAY, tick=False)
@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("evidence.pdf", HTML_BYTES, "application/pdf"),  # HTML dressed as a PDF
        ("photo.png", EXE_BYTES, "image/png"),  # an executable dressed as a photo
        ("empty.pdf", b"", "application/pdf"),
    ],
)
def test_evidence_refused_by_content_leaves_nothing(
    tenant: Tenant, media: Path, name: str, content: bytes, declared: str
) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    commitment = plan.commitments.get()
    client = client_for(tenant.poc)
    good = upload("decree.pdf", MINIMAL_PDF)
    response = client.post(
        quarter_path(plan), tracker_post(commitment, good, upload(name, content, declared))
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The decree was published." in html  # nothing typed is lost
    assert name in html
    assert not TrackerUpdate.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert stored(media) == []
    # The action refuses it too, whatever calls it.
    with pytest.raises(ActionRefused) as refused:
        evidence(tenant, plan, upload("decree.pdf", MINIMAL_PDF), upload(name, content, declared))
    assert refused.value.field == "evidence_files"
    assert not TrackerUpdate.objects.exists()
    assert stored(media) == []


@time_machine.travel(REPORT_DAY, tick=False)
def test_evidence_too_large_is_refused_with_nothing_stored(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    with pytest.raises(ActionRefused) as refused:
        evidence(tenant, plan, upload("big.pdf", TOO_LARGE))
    assert "20 MB" in refused.value.message
    assert not TrackerUpdate.objects.exists()
    assert stored(media) == []
    response = client_for(tenant.poc).post(
        quarter_path(plan), tracker_post(plan.commitments.get(), upload("big.pdf", TOO_LARGE))
    )
    assert response.status_code == 400
    assert "20 MB" in response.content.decode()
    assert stored(media) == []


@time_machine.travel(REPORT_DAY, tick=False)
def test_a_sixth_evidence_file_is_refused(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    commitment = plan.commitments.get()
    five = [upload(f"part{n}.pdf", MINIMAL_PDF) for n in range(MAX_EVIDENCE_FILES)]
    update = evidence(tenant, plan, *five)
    assert EvidenceFile.objects.filter(update=update).count() == 5
    versions = update.history.count()
    with pytest.raises(ActionRefused) as refused:
        evidence(tenant, plan, upload("sixth.pdf", MINIMAL_PDF))
    assert "at most 5" in refused.value.message
    with pytest.raises(ActionRefused):
        correct_tracker_update(
            actor=tenant.officer, update=update, evidence_files=[upload("six.pdf", MINIMAL_PDF)]
        )
    response = client_for(tenant.poc).post(
        quarter_path(plan), tracker_post(commitment, upload("sixth.pdf", MINIMAL_PDF))
    )
    assert response.status_code == 400
    assert "at most 5" in response.content.decode()
    assert EvidenceFile.objects.count() == 5
    assert update.history.count() == versions
    assert len(stored(media)) == 5


@time_machine.travel(REPORT_DAY, tick=False)
def test_six_files_at_once_are_refused(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    six = [upload(f"part{n}.pdf", MINIMAL_PDF) for n in range(6)]
    response = client_for(tenant.poc).post(
        quarter_path(plan), tracker_post(plan.commitments.get(), *six)
    )
    assert response.status_code == 400
    assert not TrackerUpdate.objects.exists()
    with pytest.raises(ActionRefused):
        record_tracker_update(
            actor=tenant.poc,
            commitment=plan.commitments.get(),
            quarter="2026Q3",
            percent=5,
            evidence_files=[upload(f"part{n}.pdf", MINIMAL_PDF) for n in range(6)],
        )
    assert stored(media) == []


def test_evidence_after_the_deadline_is_refused(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    with time_machine.travel(REPORT_DAY, tick=False):
        update = evidence(tenant, plan)
    with time_machine.travel(FROZEN_DAY, tick=False):
        with pytest.raises(ActionRefused) as refused:
            correct_tracker_update(
                actor=tenant.poc, update=update, evidence_files=[upload("late.pdf", MINIMAL_PDF)]
            )
        assert "frozen" in refused.value.message
        response = client_for(tenant.poc).post(
            quarter_path(plan),
            tracker_post(plan.commitments.get(), upload("late.pdf", MINIMAL_PDF)),
        )
        assert response.status_code == 400
        # The frozen page still lists the file, with its download link, and no upload field.
        html = client_for(tenant.poc).get(quarter_path(plan)).content.decode()
        assert "decree.pdf" in html
        assert "evidence_files" not in html
    assert EvidenceFile.objects.count() == 1
    assert len(stored(media)) == 1


@time_machine.travel(REPORT_DAY, tick=False)
def test_removing_evidence_from_a_draft_keeps_the_row(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    update = evidence(tenant, plan)
    row = EvidenceFile.objects.get()
    client = client_for(tenant.officer)
    base = f"/w/villa-example/plans/{plan.pk}/tracker/evidence/{row.pk}/"
    assert client_for(tenant.stakeholder).post(base + "remove/").status_code == 404
    assert client.post(base + "remove/").status_code == 302
    row.refresh_from_db()
    assert row.removed_on is not None
    assert row.removed_by == tenant.officer
    assert len(stored(media)) == 1  # never deleted
    assert client.get(base).status_code == 404
    assert "decree.pdf" not in client.get(quarter_path(plan)).content.decode()
    # Removed files do not count against the cap; a submitted update keeps its files.
    update = evidence(
        tenant, plan, *[upload(f"p{n}.pdf", MINIMAL_PDF) for n in range(MAX_EVIDENCE_FILES)]
    )
    correct_tracker_update(actor=tenant.poc, update=update, submit=True)
    kept = EvidenceFile.objects.live().first()
    assert kept is not None
    with pytest.raises(ActionRefused):
        remove_evidence_file(actor=tenant.poc, evidence_file=kept)


# --- Tracker evidence: every role --------------------------------------------------------------


@time_machine.travel(REPORT_DAY, tick=False)
@pytest.mark.parametrize("who", ROLES)
def test_evidence_upload_by_every_role(tenant: Tenant, world: World, media: Path, who: str) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    response = world.client(who).post(
        quarter_path(plan),
        tracker_post(plan.commitments.get(), upload("decree.pdf", MINIMAL_PDF)),
    )
    if who in EDITORS:
        assert response.status_code == 302
        assert EvidenceFile.objects.count() == 1
        assert len(stored(media)) == 1
    else:
        expected = 302 if who == "anonymous" else 404
        assert response.status_code == expected
        if who == "anonymous":
            assert response["Location"].startswith("/accounts/login/")
        assert not EvidenceFile.objects.exists()
        assert stored(media) == []
    if world.people[who] is not None and who not in EDITORS:
        with pytest.raises(ActionRefused):
            save_tracker_update(
                actor=world.people[who],
                commitment=plan.commitments.get(),
                quarter="2026Q3",
                percent=10,
                evidence_files=[upload("decree.pdf", MINIMAL_PDF)],
            )
        assert stored(media) == []


@time_machine.travel(REPORT_DAY, tick=False)
@pytest.mark.parametrize("who", ROLES)
def test_evidence_download_by_every_role(
    tenant: Tenant, world: World, media: Path, who: str
) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    evidence(tenant, plan)
    row = EvidenceFile.objects.get()
    path = f"/w/villa-example/plans/{plan.pk}/tracker/evidence/{row.pk}/"
    response = world.client(who).get(path)
    if who in READERS:
        assert_attachment(response, MINIMAL_PDF, "application/pdf", ".pdf")
    elif who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 404
    # A missing file answers as a forbidden one does.
    missing = world.client(who).get(
        f"/w/villa-example/plans/{plan.pk}/tracker/evidence/{row.pk + 100}/"
    )
    assert missing.status_code == (302 if who == "anonymous" else 404)


@time_machine.travel(REPORT_DAY, tick=False)
def test_evidence_of_another_plan_url_is_404(
    tenant: Tenant, other_tenant: Tenant, media: Path
) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    evidence(tenant, plan)
    row = EvidenceFile.objects.get()
    # The other jurisdiction's POC under their own slug, and the right person under a wrong plan.
    path = f"/w/puerto-otro/plans/{plan.pk}/tracker/evidence/{row.pk}/"
    assert client_for(other_tenant.poc).get(path).status_code == 404
    wrong = f"/w/villa-example/plans/{plan.pk + 1}/tracker/evidence/{row.pk}/"
    assert client_for(tenant.poc).get(wrong).status_code == 404


@time_machine.travel(REPORT_DAY, tick=False)
def test_monitoring_body_sees_no_evidence_of_a_draft_plan(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    evidence(tenant, plan)
    ActionPlan.objects.filter(pk=plan.pk).update(submitted_on=None)
    row = EvidenceFile.objects.get()
    path = f"/w/villa-example/plans/{plan.pk}/tracker/evidence/{row.pk}/"
    assert client_for(tenant.monitor).get(path).status_code == 404
    assert not EvidenceFile.objects.restrict(tenant.monitor, "view_private").exists()
    assert EvidenceFile.objects.restrict(tenant.poc, "view_private").exists()


@time_machine.travel(REPORT_DAY, tick=False)
def test_evidence_never_reaches_the_public(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    update = evidence(tenant, plan, upload("secret-evidence.pdf", MINIMAL_PDF))
    correct_tracker_update(actor=tenant.poc, update=update, submit=True)
    row = EvidenceFile.objects.get()
    assert not EvidenceFile.objects.restrict(None).exists()
    client = client_for(None)
    page = client.get("/members/villa-example/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "secret-evidence" not in html
    assert "/tracker/evidence/" not in html
    assert str(row.file.name) not in html
    for slug in DATASETS:
        for extension in ("csv", "json"):
            response = client.get(f"/open-data/{slug}.{extension}")
            assert response.status_code == 200, (slug, extension)
            body = response.getvalue().decode()
            assert "secret-evidence" not in body
            assert str(row.file.name) not in body
            assert "tracker/" not in body
