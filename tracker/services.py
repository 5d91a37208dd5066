"""Business actions on quarterly tracker updates (docs/rules.md §3.1 "Tracker updates", §3.2)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from action_plans.services import plan_today
from commitments.models import Commitment
from members.models import User
from members.tenancy import Action, permitted_row
from ogplocal.dates import Quarter, parse_quarter, quarter_deadline
from ogplocal.exceptions import ActionRefused
from ogplocal.history import KEEP, Keep, save_recorded
from ogplocal.uploads import (
    TRACKER_EVIDENCE,
    DetectedType,
    UploadBatch,
    display_name,
    shown_name,
    validate_upload,
)
from tracker.models import MAX_EVIDENCE_FILES, Completion, EvidenceFile, TrackerUpdate

NOT_REPORTER = _l(
    "Only the plan's Point of Contact or government officers may record tracker updates."
)
MILESTONE_STATES = frozenset({"not_started", "in_progress", "done"})


def _quarter(text: str) -> Quarter:
    try:
        return parse_quarter(text)
    except ValueError:
        raise ActionRefused(_("A quarter is written like 2027Q2."), field="quarter") from None


def _check_open_for_reporting(commitment: Commitment, quarter: Quarter, today: date) -> None:
    """The update may be written on `today` (§3.1, §3.2 "reporting quarter")."""
    plan = commitment.plan
    if plan.submitted_on is None:
        raise ActionRefused(_("Progress is reported once the plan is submitted."))
    if quarter.starts_on > today:
        raise ActionRefused(
            _("%(quarter)s has not started yet.") % {"quarter": quarter}, field="quarter"
        )
    deadline = quarter_deadline(quarter)
    if today > deadline:
        raise ActionRefused(
            _(
                "The update for %(quarter)s was due by %(deadline)s; after that day it is "
                "frozen and can no longer be written or corrected."
            )
            % {"quarter": quarter, "deadline": deadline.isoformat()},
            field="quarter",
        )
    if not is_reported_in(commitment, quarter):
        raise ActionRefused(
            _(
                "“%(title)s” was not under implementation in %(quarter)s; there is nothing to "
                "report."
            )
            % {"title": commitment.title, "quarter": quarter},
            field="quarter",
        )


def is_reported_in(commitment: Commitment, quarter: Quarter) -> bool:
    """Whether `commitment` of a submitted plan is reported on in `quarter` (§3.2).

    Reading (§3.2): a quarter is reported on when it ends on or after the plan's submission
    (for a commitment added later, on or after the day it was added), starts on or before the
    plan's end, and the commitment was under implementation in it: started by the quarter's
    end, neither completed nor withdrawn before its start.
    """
    plan = commitment.plan
    if plan.submitted_on is None:
        return False
    added = commitment.added_on or plan.submitted_on
    return (
        quarter.ends_on >= added
        and quarter.starts_on <= plan.ends_on
        and commitment.starts_on <= quarter.ends_on
        and not (commitment.completed_on and commitment.completed_on < quarter.starts_on)
        and not (commitment.withdrawn_on and commitment.withdrawn_on < quarter.starts_on)
    )


def _clean_percent(percent: int) -> int:
    if not 0 <= percent <= 100:
        raise ActionRefused(_("Percent complete is between 0 and 100."), field="percent")
    return percent


def _clean_completion(completion: str) -> str:
    if completion and completion not in Completion.values:
        raise ActionRefused(_("Choose a completion level."), field="completion")
    return completion


def _clean_milestones(commitment: Commitment, states: Mapping[str, str]) -> dict[str, str]:
    ids = (
        {str(pk) for pk in commitment.milestones.values_list("pk", flat=True)} if states else set()
    )
    cleaned: dict[str, str] = {}
    for key, state in states.items():
        if str(key) not in ids or state not in MILESTONE_STATES:
            raise ActionRefused(
                _(
                    "A milestone state is not started, in progress or done, for this commitment's "
                    "milestones."
                ),
                field="milestone_states",
            )
        cleaned[str(key)] = state
    return cleaned


def record_tracker_update(
    *,
    actor: User,
    commitment: Commitment,
    quarter: str,
    percent: int,
    completion: str = "",
    narrative: str = "",
    milestone_states: Mapping[str, str] | None = None,
    evidence_links: Sequence[str] = (),
    evidence_files: Sequence[File[Any]] = (),
    submit: bool = False,
    today: date | None = None,
) -> TrackerUpdate:
    """A POC or officer writes the one update of a commitment for a quarter, as a draft or
    submitted (`submit`: submitted today), with up to `MAX_EVIDENCE_FILES` files of evidence.

    One per commitment and quarter (§3.1): the commitment row is locked before looking, so two
    people writing the first update at once get one update; the second is told to correct it.
    An update already there is changed with `correct_tracker_update`. The files are checked
    before anything is written: a refused file leaves no row and no stored bytes.
    """
    checked = _checked_evidence(evidence_files)
    with UploadBatch() as batch:
        return _record(
            batch,
            checked,
            actor=actor,
            commitment=commitment,
            quarter=quarter,
            percent=percent,
            completion=completion,
            narrative=narrative,
            milestone_states=milestone_states,
            evidence_links=evidence_links,
            submit=submit,
            today=today,
        )


def _record(
    batch: UploadBatch,
    checked: list[tuple[File[Any], DetectedType]],
    *,
    actor: User,
    commitment: Commitment,
    quarter: str,
    percent: int,
    completion: str,
    narrative: str,
    milestone_states: Mapping[str, str] | None,
    evidence_links: Sequence[str],
    submit: bool,
    today: date | None,
) -> TrackerUpdate:
    parsed = _quarter(quarter)
    with transaction.atomic():
        commitment = permitted_row(
            Commitment,
            actor=actor,
            action=Action.EDIT,
            pk=commitment.pk,
            refusal=str(NOT_REPORTER),
            lock=True,
            related=("plan", "plan__lead_jurisdiction"),
        )
        today = plan_today(commitment.plan, today)
        _check_open_for_reporting(commitment, parsed, today)
        refusal = ActionRefused(
            _("“%(title)s” already has an update for %(quarter)s: correct that one instead.")
            % {"title": commitment.title, "quarter": parsed},
            field="quarter",
        )
        if TrackerUpdate.objects.filter(commitment=commitment, quarter=str(parsed)).exists():
            raise refusal
        update = TrackerUpdate(
            commitment=commitment,
            quarter=str(parsed),
            percent=_clean_percent(percent),
            completion=_clean_completion(completion),
            narrative=narrative.strip(),
            milestone_states=_clean_milestones(commitment, milestone_states or {}),
            evidence_links=[link.strip() for link in evidence_links if link.strip()],
            recorded_by=actor,
            submitted_on=today if submit else None,
        )
        try:
            with transaction.atomic():
                save_recorded(update, actor, "submitted" if submit else "draft saved")
        except IntegrityError:  # the database's own guard, should the lock ever be bypassed
            raise refusal from None
        _store_evidence(batch, checked, actor=actor, update=update)
    return update


def correct_tracker_update(
    *,
    actor: User,
    update: TrackerUpdate,
    percent: int | Keep = KEEP,
    completion: str | Keep = KEEP,
    narrative: str | Keep = KEEP,
    milestone_states: Mapping[str, str] | Keep = KEEP,
    evidence_links: Sequence[str] | Keep = KEEP,
    evidence_files: Sequence[File[Any]] = (),
    submit: bool = False,
    today: date | None = None,
) -> TrackerUpdate:
    """A POC or officer corrects an update, adds files of evidence to it, or submits a draft,
    until the quarter's deadline.

    After the deadline it is frozen (§3.1), its files too. Every correction is a new history row,
    so what was reported before stays readable. Reading (§3.2): a correction does not move
    `submitted_on`: the update was submitted, and the deadline met, on the day it was first
    submitted.
    """
    checked = _checked_evidence(evidence_files)
    with UploadBatch() as batch:
        return _correct(
            batch,
            checked,
            actor=actor,
            update=update,
            percent=percent,
            completion=completion,
            narrative=narrative,
            milestone_states=milestone_states,
            evidence_links=evidence_links,
            submit=submit,
            today=today,
        )


def _correct(
    batch: UploadBatch,
    checked: list[tuple[File[Any], DetectedType]],
    *,
    actor: User,
    update: TrackerUpdate,
    percent: int | Keep,
    completion: str | Keep,
    narrative: str | Keep,
    milestone_states: Mapping[str, str] | Keep,
    evidence_links: Sequence[str] | Keep,
    submit: bool,
    today: date | None,
) -> TrackerUpdate:
    with transaction.atomic():
        update = permitted_row(
            TrackerUpdate,
            actor=actor,
            action=Action.EDIT,
            pk=update.pk,
            refusal=str(NOT_REPORTER),
            lock=True,
            related=("commitment", "commitment__plan", "commitment__plan__lead_jurisdiction"),
        )
        commitment = update.commitment
        today = plan_today(commitment.plan, today)
        _check_open_for_reporting(commitment, _quarter(update.quarter), today)
        changed: list[str] = []
        if not isinstance(percent, Keep) and update.percent != _clean_percent(percent):
            update.percent = percent
            changed.append("percent")
        if not isinstance(completion, Keep) and update.completion != _clean_completion(completion):
            update.completion = completion
            changed.append("completion")
        if not isinstance(narrative, Keep) and update.narrative != narrative.strip():
            update.narrative = narrative.strip()
            changed.append("narrative")
        if not isinstance(milestone_states, Keep):
            states = _clean_milestones(commitment, milestone_states)
            if states != update.milestone_states:
                update.milestone_states = states
                changed.append("milestone_states")
        if not isinstance(evidence_links, Keep):
            links = [link.strip() for link in evidence_links if link.strip()]
            if links != update.evidence_links:
                update.evidence_links = links
                changed.append("evidence_links")
        if checked:
            changed.append("evidence_files")
        submitting = submit and update.submitted_on is None
        if submitting:
            update.submitted_on = today
            changed.append("submitted_on")
        if changed:
            update.recorded_by = actor
            reason = "submitted" if submitting else "corrected"
            save_recorded(update, actor, f"{reason}: {', '.join(changed)}")
        _store_evidence(batch, checked, actor=actor, update=update)
    return update


def save_tracker_update(
    *,
    actor: User,
    commitment: Commitment,
    quarter: str,
    percent: int,
    completion: str = "",
    narrative: str = "",
    milestone_states: Mapping[str, str] | None = None,
    evidence_links: Sequence[str] = (),
    evidence_files: Sequence[File[Any]] = (),
    submit: bool = False,
    today: date | None = None,
) -> TrackerUpdate:
    """What the tracker page's "Save draft" and "Submit" do: write the commitment's update for
    the quarter, the first time (`record_tracker_update`) or again (`correct_tracker_update`),
    with the files of evidence added this time.

    The commitment row is locked before looking, so two people saving the first update at once
    write one update and correct it, instead of one of them being refused. The files are checked
    before anything is written, and stored in a batch opened outside the transaction, so a
    refusal anywhere leaves no row and no stored bytes.
    """
    checked = _checked_evidence(evidence_files)
    with UploadBatch() as batch, transaction.atomic():
        locked = permitted_row(
            Commitment,
            actor=actor,
            action=Action.EDIT,
            pk=commitment.pk,
            refusal=str(NOT_REPORTER),
            lock=True,
        )
        parsed = _quarter(quarter)
        existing = TrackerUpdate.objects.filter(commitment=locked, quarter=str(parsed)).first()
        if existing is None:
            return _record(
                batch,
                checked,
                actor=actor,
                commitment=locked,
                quarter=str(parsed),
                percent=percent,
                completion=completion,
                narrative=narrative,
                milestone_states=milestone_states,
                evidence_links=evidence_links,
                submit=submit,
                today=today,
            )
        return _correct(
            batch,
            checked,
            actor=actor,
            update=existing,
            percent=percent,
            completion=completion,
            narrative=narrative,
            milestone_states=milestone_states or {},
            evidence_links=evidence_links,
            submit=submit,
            today=today,
        )


def _checked_evidence(files: Sequence[File[Any]]) -> list[tuple[File[Any], DetectedType]]:
    """The files with their types, decided by content (`ogplocal.uploads`); refused otherwise.
    Nothing is written yet: a refusal here leaves no row and no stored bytes."""
    if len(files) > MAX_EVIDENCE_FILES:
        raise ActionRefused(
            _("An update has at most %(limit)d files of evidence.") % {"limit": MAX_EVIDENCE_FILES},
            field="evidence_files",
        )
    checked = []
    for file in files:
        try:
            checked.append((file, validate_upload(file, TRACKER_EVIDENCE)))
        except ValidationError as refused:
            name = shown_name(file.name or "")
            raise ActionRefused(f"{name}: {refused.messages[0]}", field="evidence_files") from None
    return checked


def _store_evidence(
    batch: UploadBatch,
    checked: list[tuple[File[Any], DetectedType]],
    *,
    actor: User,
    update: TrackerUpdate,
) -> list[EvidenceFile]:
    """Store the checked files of `update`, whose row the caller has locked, so two uploads at
    once cannot pass the cap together. Removed files do not count."""
    if not checked:
        return []
    held = EvidenceFile.objects.filter(update=update).live().count()
    if held + len(checked) > MAX_EVIDENCE_FILES:
        raise ActionRefused(
            _("An update has at most %(limit)d files of evidence; it has %(held)d.")
            % {"limit": MAX_EVIDENCE_FILES, "held": held},
            field="evidence_files",
        )
    rows = []
    for file, detected in checked:
        row = EvidenceFile(
            update=update,
            original_name=display_name(file.name or "", detected, limit=200),
            content_type=detected.content_type,
            size=file.size,
            uploaded_by=actor,
        )
        row.file.name = batch.store(file, TRACKER_EVIDENCE, detected)
        save_recorded(row, actor, "evidence added")
        rows.append(row)
    return rows


def remove_evidence_file(
    *, actor: User, evidence_file: EvidenceFile, today: date | None = None
) -> EvidenceFile:
    """A POC or officer takes a file of evidence off a draft update, until the quarter's deadline.

    The file is never deleted (docs/rules.md §2): its row and bytes stay, marked removed, and the
    history says who removed it. A submitted update keeps its files: it is corrected instead.
    """
    with transaction.atomic():
        row = permitted_row(
            EvidenceFile,
            actor=actor,
            action=Action.EDIT,
            pk=evidence_file.pk,
            refusal=str(NOT_REPORTER),
            lock=True,
            related=("update__commitment__plan__lead_jurisdiction",),
        )
        update = row.update
        today = plan_today(update.commitment.plan, today)
        _check_open_for_reporting(update.commitment, _quarter(update.quarter), today)
        if update.submitted_on is not None:
            raise ActionRefused(
                _("A file of a submitted update stays with it; add a correction instead."),
                field="evidence_files",
            )
        if row.removed_on is None:
            row.removed_on = timezone.now()
            row.removed_by = actor
            save_recorded(row, actor, "evidence removed")
    return row
