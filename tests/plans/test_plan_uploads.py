"""Meeting minutes and letters of support uploaded in the jurisdiction workspace (issue 4 §4 and §5,
issue 5 §3), through the one validation of `ogplocal.uploads`.

Each is accepted by content, refused by content or size with nothing stored, downloaded as an
attachment with `nosniff`, and reached by the right roles only. Tracker evidence files:
tests/tracker/test_evidence_uploads.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine

from action_plans.models import LetterOfSupport, Meeting
from action_plans.services import record_letter_of_support, record_meeting
from ogplocal.exceptions import ActionRefused
from tests.conftest import Tenant, World, assert_attachment, client_for, stored
from tests.factories import (
    EXE_BYTES,
    HTML_BYTES,
    MINIMAL_PDF,
    PNG_BYTES,
    TOO_LARGE,
    docx_bytes,
    ready_plan,
    submitted_plan,
    upload,
)

REPORT_DAY = datetime(2026, 10, 15, 15, 0, tzinfo=UTC)  # 2026Q3 open until 2026-10-31

ROLES = ["poc", "officer", "stakeholder", "monitor", "staff", "outsider", "other_poc", "anonymous"]
EDITORS = {"poc", "officer"}
# Who reads private data of a submitted plan (docs/roles.md §1): the team, the selected monitoring
# body, the Support Unit. Anonymous people are sent to sign in; everybody else gets 404.
READERS = {"poc", "officer", "stakeholder", "monitor", "staff"}


# --- Meeting minutes -------------------------------------------------------------------------


def meeting_post(held_on: str, file: Any = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "held_on": held_on,
        "kind": "implementation",
        "government_participants": "3",
        "non_governmental_participants": "4",
        "minutes": "",
    }
    if file is not None:
        data["minutes_file"] = file
    return data


@time_machine.travel(REPORT_DAY, tick=False)
def test_minutes_file_is_stored_and_downloaded(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    client = client_for(tenant.poc)
    path = f"/w/villa-example/plans/{plan.pk}/meetings/"
    assert 'enctype="multipart/form-data"' in client.get(path).content.decode()
    response = client.post(path, meeting_post("2026-09-01", upload("minutes.docx", docx_bytes())))
    assert response.status_code == 302
    meeting = Meeting.objects.get(held_on=date(2026, 9, 1))
    assert str(meeting.minutes_file.name).startswith("minutes/")
    assert len(stored(media)) == 1
    link = f"/w/villa-example/plans/{plan.pk}/meetings/{meeting.pk}/minutes/"
    assert link in client.get(path).content.decode()
    assert_attachment(
        client.get(link),
        docx_bytes(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    )
    # A meeting without a file has nothing to download.
    other = Meeting.objects.exclude(pk=meeting.pk).first()
    assert other is not None
    assert (
        client.get(f"/w/villa-example/plans/{plan.pk}/meetings/{other.pk}/minutes/").status_code
        == 404
    )


@time_machine.travel(REPORT_DAY, tick=False)
@pytest.mark.parametrize(
    ("name", "content"),
    [("minutes.pdf", HTML_BYTES), ("minutes.png", PNG_BYTES), ("big.pdf", TOO_LARGE)],
)
def test_minutes_file_refused_leaves_nothing(
    tenant: Tenant, media: Path, name: str, content: bytes
) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    before = Meeting.objects.count()
    response = client_for(tenant.poc).post(
        f"/w/villa-example/plans/{plan.pk}/meetings/",
        meeting_post("2026-09-01", upload(name, content)),
    )
    assert response.status_code == 400
    with pytest.raises(ActionRefused) as refused:
        record_meeting(
            actor=tenant.poc,
            plan=plan,
            held_on=date(2026, 9, 1),
            kind="implementation",
            government_participants=1,
            non_governmental_participants=1,
            minutes_file=upload(name, content),
        )
    assert refused.value.field == "minutes_file"
    assert Meeting.objects.count() == before
    assert stored(media) == []


@time_machine.travel(REPORT_DAY, tick=False)
def test_minutes_refused_by_a_business_rule_leave_no_bytes(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    with pytest.raises(ActionRefused):
        record_meeting(
            actor=tenant.poc,
            plan=plan,
            held_on=date(2027, 1, 1),  # in the future
            kind="implementation",
            government_participants=1,
            non_governmental_participants=1,
            minutes_file=upload("minutes.pdf", MINIMAL_PDF),
        )
    assert stored(media) == []


@time_machine.travel(REPORT_DAY, tick=False)
@pytest.mark.parametrize("who", ROLES)
def test_minutes_upload_and_download_by_every_role(
    tenant: Tenant, world: World, media: Path, who: str
) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    path = f"/w/villa-example/plans/{plan.pk}/meetings/"
    client = world.client(who)
    response = client.post(path, meeting_post("2026-09-01", upload("minutes.pdf", MINIMAL_PDF)))
    if who in EDITORS:
        assert response.status_code == 302
        assert len(stored(media)) == 1
    else:
        assert response.status_code == (302 if who == "anonymous" else 404)
        assert stored(media) == []
    meeting = record_meeting(
        actor=tenant.poc,
        plan=plan,
        held_on=date(2026, 9, 2),
        kind="implementation",
        government_participants=1,
        non_governmental_participants=1,
        minutes_file=upload("minutes.pdf", MINIMAL_PDF),
    )
    download = client.get(f"{path}{meeting.pk}/minutes/")
    if who in READERS:
        assert_attachment(download, MINIMAL_PDF, "application/pdf", ".pdf")
    else:
        assert download.status_code == (302 if who == "anonymous" else 404)


# --- Letters of support ------------------------------------------------------------------------


@time_machine.travel(REPORT_DAY, tick=False)
def test_record_letter_of_support_accepts_documents(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    letter = record_letter_of_support(
        actor=tenant.poc,
        jurisdiction=tenant.jurisdiction,
        plan=plan,
        file=upload("letter.pdf", MINIMAL_PDF),
        signed_on=date(2026, 4, 1),
    )
    assert str(letter.file.name).startswith("letters/")
    assert letter.uploaded_by == tenant.poc
    assert letter.history.get().history_change_reason == "letter of support uploaded"
    alone = record_letter_of_support(
        actor=tenant.officer,
        jurisdiction=tenant.jurisdiction,
        file=upload("carta.docx", docx_bytes(), "application/msword"),
    )
    assert str(alone.file.name).endswith(".docx")
    assert alone.plan is None
    assert len(stored(media)) == 2


@time_machine.travel(REPORT_DAY, tick=False)
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("letter.pdf", EXE_BYTES),
        ("letter.pdf", HTML_BYTES),
        ("letter.png", PNG_BYTES),  # a photo of the letter: not a document
        ("letter.pdf", TOO_LARGE),
        ("letter.pdf", b""),
    ],
)
def test_record_letter_of_support_refuses_by_content(
    tenant: Tenant, media: Path, name: str, content: bytes
) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    with pytest.raises(ActionRefused) as refused:
        record_letter_of_support(
            actor=tenant.poc,
            jurisdiction=tenant.jurisdiction,
            plan=plan,
            file=upload(name, content),
        )
    assert refused.value.field == "file"
    assert not LetterOfSupport.objects.exists()
    assert stored(media) == []


@time_machine.travel(REPORT_DAY, tick=False)
def test_record_letter_of_support_refusals_leave_no_bytes(
    tenant: Tenant, other_tenant: Tenant, media: Path
) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    other_plan = ready_plan(other_tenant.jurisdiction, commitments=1)
    attempts: list[dict[str, Any]] = [
        {"actor": tenant.stakeholder, "jurisdiction": tenant.jurisdiction, "plan": plan},
        {"actor": tenant.monitor, "jurisdiction": tenant.jurisdiction, "plan": plan},
        {"actor": other_tenant.poc, "jurisdiction": tenant.jurisdiction, "plan": plan},
        {"actor": tenant.poc, "jurisdiction": tenant.jurisdiction, "plan": other_plan},
        {
            "actor": tenant.poc,
            "jurisdiction": tenant.jurisdiction,
            "plan": plan,
            "signed_on": date(2027, 1, 1),
        },
    ]
    for attempt in attempts:
        with pytest.raises(ActionRefused):
            record_letter_of_support(file=upload("letter.pdf", MINIMAL_PDF), **attempt)
    assert not LetterOfSupport.objects.exists()
    assert stored(media) == []


@time_machine.travel(REPORT_DAY, tick=False)
def test_letter_page_uploads_lists_and_downloads(tenant: Tenant, media: Path) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    client = client_for(tenant.poc)
    path = f"/w/villa-example/plans/{plan.pk}/letter/"
    assert 'enctype="multipart/form-data"' in client.get(path).content.decode()
    refused = client.post(
        path, {"file": upload("letter.pdf", HTML_BYTES), "signed_on": "2026-04-01"}
    )
    assert refused.status_code == 400
    assert "whatever its name says" in refused.content.decode()
    assert 'value="2026-04-01"' in refused.content.decode()  # nothing typed is lost
    assert stored(media) == []
    response = client.post(
        path, {"file": upload("letter.pdf", MINIMAL_PDF), "signed_on": "2026-04-01"}
    )
    assert response.status_code == 302
    letter = LetterOfSupport.objects.get()
    assert letter.signed_on == date(2026, 4, 1)
    html = client.get(path).content.decode()
    link = f"/w/villa-example/plans/{plan.pk}/letter/{letter.pk}/"
    assert link in html
    assert_attachment(client.get(link), MINIMAL_PDF, "application/pdf", ".pdf")


@time_machine.travel(REPORT_DAY, tick=False)
@pytest.mark.parametrize("who", ROLES)
def test_letter_upload_and_download_by_every_role(
    tenant: Tenant, world: World, media: Path, who: str
) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    path = f"/w/villa-example/plans/{plan.pk}/letter/"
    client = world.client(who)
    response = client.post(path, {"file": upload("letter.pdf", MINIMAL_PDF)})
    if who in EDITORS:
        assert response.status_code == 302
        assert LetterOfSupport.objects.count() == 1
    else:
        assert response.status_code == (302 if who == "anonymous" else 404)
        assert not LetterOfSupport.objects.exists()
        assert stored(media) == []
    letter = record_letter_of_support(
        actor=tenant.poc,
        jurisdiction=tenant.jurisdiction,
        plan=plan,
        file=upload("letter.pdf", MINIMAL_PDF),
    )
    download = client.get(f"{path}{letter.pk}/")
    if who in READERS:
        assert_attachment(download, MINIMAL_PDF, "application/pdf", ".pdf")
    else:
        assert download.status_code == (302 if who == "anonymous" else 404)
