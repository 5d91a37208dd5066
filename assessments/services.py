"""Business actions on assessments (docs/roles.md §1, §2, §3.2)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from action_plans.models import ActionPlan
from action_plans.services import plan_today
from assessments.models import Assessment, AssessmentFile
from commitments.models import Commitment
from members.models import MonitoringBody, Notification, User
from members.outbox import notify, points_of_contact
from members.tenancy import Action, permitted_row
from ogplocal.exceptions import ActionRefused
from ogplocal.history import save_recorded
from ogplocal.uploads import (
    ASSESSMENT_ANNEX,
    ASSESSMENT_REPORT,
    DetectedType,
    UploadBatch,
    UploadProfile,
    display_name,
    shown_name,
    validate_upload,
)

NOT_MONITOR = _l(
    "Only the monitoring body selected by the plan's jurisdiction may upload assessments."
)
NOT_SUPPORT_UNIT = _l("Only the OGP Support Unit may publish an assessment.")
REQUIREMENT_CODES = frozenset(
    {"forum", "regularity", "multi_stakeholder", "endorsement", "monitoring_body"}
)


OGP_VALUES = ("transparency", "participation", "accountability")
COMPLETION_LEVELS = frozenset({"not_started", "limited", "substantial", "complete"})
FINDINGS_KEYS: dict[str, frozenset[str]] = {
    Assessment.Kind.INCEPTION: REQUIREMENT_CODES | {"evidence", "commitment_design"},
    Assessment.Kind.END_OF_COMMITMENT: frozenset({"completion", "opened_government", "results"}),
    Assessment.Kind.FINAL_LEARNING_EXERCISE: frozenset(
        {"lessons", "recommendations", "adoption_steps"}
    ),
}
# At most five files per assessment, the report included (issue 5).
MAX_FILES_PER_ASSESSMENT = 5


def _texts(value: Any, keys: frozenset[str] | None = None) -> bool:
    """A mapping of strings to strings (with `keys`, only those keys)."""
    return isinstance(value, Mapping) and all(
        isinstance(key, str) and isinstance(text, str) and (keys is None or key in keys)
        for key, text in value.items()
    )


def _check_findings(kind: Assessment.Kind, findings: Mapping[str, Any]) -> dict[str, Any]:
    """§2 and issue 5, the shape of each kind's structured findings:

    - inception: each minimum requirement's code -> met (bool); `evidence`: code -> notes;
      `commitment_design`: commitment ref -> how the commitment is designed;
    - end of commitment: `completion` (the IRM scale of the tracker), `opened_government`:
      each OGP value -> {"opened": bool, "how": text}, `results`: text;
    - final learning exercise: `lessons`, `recommendations`, `adoption_steps`: texts.
    """
    cleaned = dict(findings)
    if set(cleaned) - FINDINGS_KEYS[kind]:
        raise ActionRefused(
            _("These findings do not belong to this kind of assessment."), field="findings"
        )
    if kind == Assessment.Kind.INCEPTION:
        met = [cleaned[code] for code in REQUIREMENT_CODES if code in cleaned]
        if not all(isinstance(value, bool) for value in met) or not (
            _texts(cleaned.get("evidence", {}), REQUIREMENT_CODES)
            and _texts(cleaned.get("commitment_design", {}))
        ):
            raise ActionRefused(
                _("Inception findings say, for each minimum requirement, met or not met."),
                field="findings",
            )
    elif kind == Assessment.Kind.END_OF_COMMITMENT:
        opened = cleaned.get("opened_government", {})
        well_formed = (
            cleaned.get("completion", "not_started") in COMPLETION_LEVELS
            and isinstance(cleaned.get("results", ""), str)
            and isinstance(opened, Mapping)
            and set(opened) <= set(OGP_VALUES)
            and all(
                isinstance(answer, Mapping)
                and isinstance(answer.get("opened"), bool)
                and isinstance(answer.get("how", ""), str)
                for answer in opened.values()
            )
        )
        if not well_formed:
            raise ActionRefused(
                _(
                    "End-of-commitment findings give the completion level, whether and how the "
                    "commitment opened government for each OGP value, and its results."
                ),
                field="findings",
            )
    elif not _texts(cleaned):
        raise ActionRefused(
            _("Final learning findings are lessons, recommendations and steps to adopt them."),
            field="findings",
        )
    return cleaned


def _checked_files(
    report: File[Any] | None, annexes: Sequence[File[Any]]
) -> list[tuple[File[Any], UploadProfile, DetectedType]]:
    """The report and the annexes with their types, decided by content; refused otherwise."""
    if (report is not None) + len(annexes) > MAX_FILES_PER_ASSESSMENT:
        raise ActionRefused(
            _("An assessment has at most %(limit)d files, its report included.")
            % {"limit": MAX_FILES_PER_ASSESSMENT},
            field="annexes",
        )
    checked = []
    for file, profile, field in [(report, ASSESSMENT_REPORT, "report")] + [
        (annex, ASSESSMENT_ANNEX, "annexes") for annex in annexes
    ]:
        if file is None:
            continue
        try:
            checked.append((file, profile, validate_upload(file, profile)))
        except ValidationError as refused:
            name = shown_name(file.name or "")
            raise ActionRefused(f"{name}: {refused.messages[0]}", field=field) from None
    return checked


def _store_annexes(
    batch: UploadBatch,
    *,
    actor: User,
    assessment: Assessment,
    annexes: list[tuple[File[Any], UploadProfile, DetectedType]],
) -> list[AssessmentFile]:
    rows = []
    for file, profile, detected in annexes:
        row = AssessmentFile(
            assessment=assessment,
            name=display_name(file.name or "", detected, limit=200),
            uploaded_by=actor,
        )
        row.file.name = batch.store(file, profile, detected)
        save_recorded(row, actor, "annex added")
        rows.append(row)
    return rows


def _monitoring_body(actor: User, plan: ActionPlan) -> MonitoringBody:
    """The actor's body that a jurisdiction of the plan selected; the plan's named body first."""
    bodies = list(
        MonitoringBody.objects.filter(
            members__user=actor, selected_jurisdictions__in=plan.jurisdictions.all()
        ).distinct()
    )
    if not bodies:
        raise ActionRefused(str(NOT_MONITOR))
    named = [body for body in bodies if body.pk == plan.monitoring_body_id]
    return (named or bodies)[0]


def record_assessment(
    *,
    actor: User,
    plan: ActionPlan,
    kind: Assessment.Kind | str,
    report: File[Any] | None = None,
    commitment: Commitment | None = None,
    findings: Mapping[str, Any] | None = None,
    annexes: Sequence[File[Any]] = (),
    today: date | None = None,
) -> Assessment:
    """A member of the selected monitoring body submits an assessment of a submitted plan.

    Kinds (§2): inception; end-of-commitment, of one completed commitment of the plan; final
    learning exercise. One of each kind per plan (end-of-commitment: per commitment). The report
    and the annexes are PDF, DOCX or ODT files, judged by content (`ogplocal.uploads`), five at
    most in all. A refusal leaves no row and no stored file. The assessment is published
    separately, by the Support Unit.
    """
    files = _checked_files(report, annexes)
    with UploadBatch() as batch, transaction.atomic():
        plan = permitted_row(
            ActionPlan,
            actor=actor,
            action=Action.ASSESS,
            pk=plan.pk,
            refusal=str(NOT_MONITOR),
            lock=True,
            related=("lead_jurisdiction",),
        )
        today = plan_today(plan, today)
        try:
            kind = Assessment.Kind(kind)
        except ValueError:
            raise ActionRefused(_("Choose the kind of assessment."), field="kind") from None
        if plan.submitted_on is None:
            raise ActionRefused(_("Only a submitted plan is assessed."))
        body = _monitoring_body(actor, plan)
        if kind == Assessment.Kind.END_OF_COMMITMENT:
            if commitment is None or commitment.plan_id != plan.pk:
                raise ActionRefused(
                    _("Choose the commitment of this plan that is assessed."), field="commitment"
                )
            commitment = Commitment.objects.get(pk=commitment.pk)
            if commitment.completed_on is None or commitment.completed_on > today:
                raise ActionRefused(
                    _("“%(title)s” is not completed; it is assessed once it is.")
                    % {"title": commitment.title},
                    field="commitment",
                )
            if Assessment.objects.filter(commitment=commitment, kind=kind).exists():
                raise ActionRefused(
                    _("“%(title)s” already has its end-of-commitment assessment.")
                    % {"title": commitment.title},
                    field="commitment",
                )
        else:
            commitment = None
            if Assessment.objects.filter(plan=plan, kind=kind).exists():
                raise ActionRefused(
                    _("This plan already has its %(kind)s.") % {"kind": kind.label}, field="kind"
                )
        assessment = Assessment(
            kind=kind,
            plan=plan,
            commitment=commitment,
            monitoring_body=body,
            submitted_on=today,
            findings=_check_findings(kind, findings or {}),
            uploaded_by=actor,
        )
        if report is not None:
            file, profile, detected = files[0]
            assessment.report.name = batch.store(file, profile, detected)
        save_recorded(assessment, actor, "assessment submitted")
        _store_annexes(
            batch, actor=actor, assessment=assessment, annexes=files[report is not None :]
        )
    return assessment


def add_assessment_annexes(
    *,
    actor: User,
    assessment: Assessment,
    annexes: Sequence[File[Any]],
) -> list[AssessmentFile]:
    """The monitoring body adds annexes to its assessment until it is published; at most
    `MAX_FILES_PER_ASSESSMENT` files in all, counted under a lock so two uploads at once cannot
    pass the cap together."""
    checked = _checked_files(None, annexes)
    with UploadBatch() as batch, transaction.atomic():
        assessment = permitted_row(
            Assessment,
            actor=actor,
            action=Action.ASSESS,
            pk=assessment.pk,
            refusal=str(NOT_MONITOR),
            lock=True,
        )
        if assessment.published:
            raise ActionRefused(_("A published assessment is not changed."), field="annexes")
        held = (
            bool(assessment.report) + AssessmentFile.objects.filter(assessment=assessment).count()
        )
        if held + len(checked) > MAX_FILES_PER_ASSESSMENT:
            raise ActionRefused(
                _(
                    "An assessment has at most %(limit)d files, its report included; "
                    "it has %(held)d."
                )
                % {"limit": MAX_FILES_PER_ASSESSMENT, "held": held},
                field="annexes",
            )
        return _store_annexes(batch, actor=actor, assessment=assessment, annexes=checked)


def publish_assessment(
    *,
    actor: User,
    assessment: Assessment,
    today: date | None = None,
) -> Assessment:
    """The Support Unit publishes a submitted assessment: from then on anybody may read it."""
    with transaction.atomic():
        assessment = permitted_row(
            Assessment,
            actor=actor,
            action=Action.DECIDE,
            pk=assessment.pk,
            refusal=str(NOT_SUPPORT_UNIT),
            lock=True,
            related=("plan", "plan__lead_jurisdiction"),
        )
        today = plan_today(assessment.plan, today)
        if assessment.submitted_on is None:
            raise ActionRefused(_("Only a submitted assessment can be published."))
        if assessment.published:
            raise ActionRefused(
                _("This assessment was already published on %(day)s.")
                % {"day": assessment.published_on.isoformat() if assessment.published_on else ""}
            )
        assessment.published = True
        assessment.published_on = today
        assessment.reviewed_by = actor
        save_recorded(
            assessment,
            actor,
            "published",
            update_fields=["published", "published_on", "reviewed_by"],
        )
        for jurisdiction in assessment.plan.jurisdictions.order_by("pk"):
            notify(
                to=points_of_contact([jurisdiction]),
                template="email/assessment_published",
                key=f"assessment-published:{assessment.pk}",
                topic=Notification.Topic.DECISION,
                jurisdiction=jurisdiction,
                link=reverse("jurisdiction_assessments", kwargs={"slug": jurisdiction.slug}),
                context={"assessment": assessment},
            )
    return assessment
