"""Business actions on assessments (DESIGN.md §1, §2, §3.2)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import PurePath
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from action_plans.models import ActionPlan
from action_plans.services import plan_today
from assessments.models import Assessment
from commitments.models import Commitment
from members.models import MonitoringBody, User
from members.services import (
    permitted_row,
    point_of_contact_emails,
    save_recorded,
    send_after_commit,
)
from members.tenancy import Action
from ogplocal.exceptions import ActionRefused

NOT_MONITOR = _l(
    "Only the monitoring body selected by the plan's jurisdiction may upload assessments."
)
NOT_SUPPORT_UNIT = _l("Only the OGP Support Unit may publish an assessment.")
REPORT_EXTENSIONS = frozenset({".pdf", ".docx", ".odt"})
REQUIREMENT_CODES = frozenset(
    {"forum", "regularity", "multi_stakeholder", "endorsement", "monitoring_body"}
)


def _check_findings(kind: Assessment.Kind, findings: Mapping[str, Any]) -> dict[str, Any]:
    """§2: inception findings say, for each minimum requirement, met or not; the final learning
    exercise gives lessons and recommendations."""
    cleaned = dict(findings)
    if kind == Assessment.Kind.INCEPTION and cleaned:
        unknown = set(cleaned) - REQUIREMENT_CODES
        if unknown or not all(isinstance(value, bool) for value in cleaned.values()):
            raise ActionRefused(
                _("Inception findings say, for each minimum requirement, met or not met."),
                field="findings",
            )
    final = kind == Assessment.Kind.FINAL_LEARNING_EXERCISE
    if final and set(cleaned) - {"lessons", "recommendations"}:
        raise ActionRefused(
            _("Final learning findings are lessons and recommendations."), field="findings"
        )
    return cleaned


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
    today: date | None = None,
) -> Assessment:
    """A member of the selected monitoring body submits an assessment of a submitted plan.

    Kinds (§2): inception; end-of-commitment, of one completed commitment of the plan; final
    learning exercise. One of each kind per plan (end-of-commitment: per commitment). The report
    is a PDF, DOCX or ODT file. The assessment is published separately, by the Support Unit.
    """
    with transaction.atomic():
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
        if (
            report is not None
            and PurePath(report.name or "").suffix.lower() not in REPORT_EXTENSIONS
        ):
            raise ActionRefused(_("The report is a PDF, DOCX or ODT file."), field="report")
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
            assessment.report = report  # type: ignore[assignment]
        save_recorded(assessment, actor, "assessment submitted")
    return assessment


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
        send_after_commit(
            to=point_of_contact_emails(list(assessment.plan.jurisdictions.all())),
            subject=_("The %(kind)s of %(plan)s is published")
            % {"kind": assessment.get_kind_display(), "plan": assessment.plan},
            body=_("It was published on %(day)s.\n") % {"day": today.isoformat()},
        )
    return assessment
