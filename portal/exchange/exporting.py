"""Exporting members in the exchange format of docs/exchange.md §5, which
`portal.exchange.validation`
reads back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import QuerySet

from action_plans.models import ActionPlan, Meeting
from assessments.models import Assessment
from commitments.models import Commitment
from members.models import (
    Decision,
    ExtensionRequest,
    Jurisdiction,
    StatusOverride,
    Term,
)
from portal.exchange.validation import FORMAT
from tracker.models import TrackerUpdate

__all__ = ["export_exchange"]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_exchange(
    jurisdictions: QuerySet[Jurisdiction] | Iterable[Jurisdiction] | None = None,
    *,
    public: bool,
) -> dict[str, Any]:
    """The history of `jurisdictions` (all when None) in the exchange format of §5.

    Jurisdictions that share a plan with them are exported too, since a joint plan is listed under
    its first jurisdiction and `joint_with` names jurisdictions of the same file (§5).

    The public export leaves out drafts (plans, updates and assessments not submitted), requests
    (extension and voluntary-inactivity requests: docs/rules.md §2 calls both requests), the written
    reasons of overrides and reinstatements, unpublished assessments and personal data:
    endorsers' names (only their organisations are listed, so it is not meant to be re-imported)
    and meetings' minutes (free text naming who said what; the date, kind and numbers of
    participants stay, the evidence of engagement the rules read). Meetings are not public rows
    (`Meeting.objects.restrict(None)` is empty): the public pages never show minutes either.
    """
    if jurisdictions is None:
        ids = set(Jurisdiction.objects.values_list("pk", flat=True))
    else:
        ids = {j.pk for j in jurisdictions}
    through: Any = ActionPlan.jurisdictions.through
    partners = through.objects.all()
    if public:
        partners = partners.filter(actionplan__submitted_on__isnull=False)
    while True:
        plan_ids = partners.filter(jurisdiction_id__in=ids).values("actionplan_id")
        found = set(
            partners.filter(actionplan_id__in=plan_ids).values_list("jurisdiction_id", flat=True)
        )
        if found <= ids:
            break
        ids |= found
    queryset = (
        Jurisdiction.objects.filter(pk__in=ids)
        .order_by("slug")
        .prefetch_related(
            "terms",
            "extension_requests",
            "voluntary_inactivity_requests",
            "status_overrides",
            "reinstatements",
            "led_plans__jurisdictions",
            "led_plans__monitoring_body",
            "led_plans__endorsements",
            "led_plans__meetings",
            "led_plans__assessments",
            "led_plans__commitments__policy_areas",
            "led_plans__commitments__milestones",
            "led_plans__commitments__updates",
            "led_plans__commitments__assessments",
        )
    )
    return {
        "format": FORMAT,
        "jurisdictions": [_export_jurisdiction(j, public=public) for j in queryset],
    }


def _export_jurisdiction(jurisdiction: Jurisdiction, *, public: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "slug": jurisdiction.slug,
        "name": jurisdiction.name,
        "country": str(jurisdiction.country),
        "time_zone": jurisdiction.time_zone,
        "joined_on": _day(jurisdiction.joined_on),
        "has_elections": jurisdiction.has_elections,
    }
    terms = sorted(jurisdiction.terms.all(), key=lambda t: t.starts_on)
    for kind, key in ((Term.Kind.TERM, "terms"), (Term.Kind.STRATEGY, "strategy_periods")):
        periods = [
            {"starts_on": _day(t.starts_on), "ends_on": _day(t.ends_on)}
            for t in terms
            if t.kind == kind
        ]
        if periods:
            out[key] = periods
    if jurisdiction.first_plan_deadline is not None:
        out["first_plan_deadline"] = _day(jurisdiction.first_plan_deadline)
    if not public:
        extensions = sorted(jurisdiction.extension_requests.all(), key=lambda r: r.requested_on)
        if extensions:
            out["extension_requests"] = [_export_extension(r) for r in extensions]
        voluntary = sorted(
            (
                r
                for r in jurisdiction.voluntary_inactivity_requests.all()
                if r.decision == Decision.GRANTED
            ),
            key=lambda r: r.starts_on,
        )
        if voluntary:
            out["voluntary_inactivity"] = [
                {
                    "from": _day(r.starts_on),
                    "until": _day(r.ends_on),
                    "approved_on": _day(r.decided_on),
                }
                for r in voluntary
            ]
    overrides = sorted(jurisdiction.status_overrides.all(), key=lambda o: o.starts_on)
    if overrides:
        out["overrides"] = [_export_override(o, public=public) for o in overrides]
    reinstatements = sorted(jurisdiction.reinstatements.all(), key=lambda r: r.on)
    if reinstatements:
        out["reinstatements"] = [
            {"on": _day(r.on)} if public else {"on": _day(r.on), "reason": r.reason}
            for r in reinstatements
        ]
    plans = sorted(jurisdiction.led_plans.all(), key=lambda p: (p.starts_on, p.ref))
    out["action_plans"] = [
        _export_plan(plan, jurisdiction, public=public)
        for plan in plans
        if not public or plan.submitted_on is not None
    ]
    return out


def _export_extension(request: ExtensionRequest) -> dict[str, Any]:
    out: dict[str, Any] = {"requested_on": _day(request.requested_on)}
    if request.requested_until is not None:
        out["requested_until"] = _day(request.requested_until)
    out["decision"] = request.decision
    if request.decided_on is not None:
        out["decided_on"] = _day(request.decided_on)
    if request.granted_until is not None:
        out["granted_until"] = _day(request.granted_until)
    return out


def _export_override(override: StatusOverride, *, public: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"status": override.status, "from": _day(override.starts_on)}
    if override.ends_on is not None:
        out["until"] = _day(override.ends_on)
    if override.withdrawn_on is not None:
        out["withdrawn_on"] = _day(override.withdrawn_on)
    if not public:
        out["reason"] = override.reason
    return out


def _export_plan(plan: ActionPlan, lead: Jurisdiction, *, public: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ref": plan.ref,
        "starts_on": _day(plan.starts_on),
        "ends_on": _day(plan.ends_on),
    }
    if plan.submitted_on is not None:
        out["submitted_on"] = _day(plan.submitted_on)
    partners = sorted(j.slug for j in plan.jurisdictions.all() if j.pk != lead.pk)
    if partners:
        out["joint_with"] = partners
    if plan.review:
        out["review"] = plan.review
    out["forum"] = plan.forum
    if plan.monitoring_body is not None:
        out["monitoring_body"] = plan.monitoring_body.name
    if plan.monitoring_body_endorsed_on is not None:
        out["monitoring_body_endorsed_on"] = _day(plan.monitoring_body_endorsed_on)
    out["strategy"] = {
        "vision": plan.vision,
        "principles": plan.principles,
        "objectives": plan.objectives,
        "engagement": plan.engagement,
    }
    endorsements = sorted(plan.endorsements.all(), key=lambda e: e.name)
    out["endorsements"] = [
        {"organisation": e.organisation}
        if public
        else {"name": e.name, "organisation": e.organisation}
        for e in endorsements
    ]
    meetings = sorted(plan.meetings.all(), key=lambda m: (m.held_on, m.kind))
    out["meetings"] = [_export_meeting(m, public=public) for m in meetings]
    assessments = sorted(
        (a for a in plan.assessments.all() if a.kind != Assessment.Kind.END_OF_COMMITMENT),
        key=lambda a: a.kind,
    )
    out["assessments"] = [
        _export_assessment(a, with_kind=True)
        for a in assessments
        if not public or (a.published and a.submitted_on is not None)
    ]
    commitments = sorted(plan.commitments.all(), key=lambda c: c.ref)
    out["commitments"] = [_export_commitment(c, public=public) for c in commitments]
    return out


def _export_meeting(meeting: Meeting, *, public: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "held_on": _day(meeting.held_on),
        "kind": meeting.kind,
        "government_participants": meeting.government_participants,
        "non_governmental_participants": meeting.non_governmental_participants,
    }
    if meeting.minutes and not public:
        out["minutes"] = meeting.minutes
    return out


def _export_assessment(assessment: Assessment, *, with_kind: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": assessment.kind} if with_kind else {}
    if assessment.submitted_on is not None:
        out["submitted_on"] = _day(assessment.submitted_on)
    out["published"] = assessment.published
    return out


def _export_commitment(commitment: Commitment, *, public: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ref": commitment.ref,
        "title": commitment.title,
        "policy_areas": sorted(area.code for area in commitment.policy_areas.all()),
        "problem": commitment.problem,
        "status_quo": commitment.status_quo,
        "actions": commitment.actions,
        "lead_agency": commitment.lead_agency,
    }
    milestones = sorted(commitment.milestones.all(), key=lambda m: (m.position, m.pk))
    if milestones:
        out["milestones"] = [
            {"title": m.title, "due_on": _day(m.due_on), "done_on": _day(m.done_on)}
            for m in milestones
        ]
    out["starts_on"] = _day(commitment.starts_on)
    out["ends_on"] = _day(commitment.ends_on)
    if commitment.added_on is not None:
        out["added_on"] = _day(commitment.added_on)
    out["completed_on"] = _day(commitment.completed_on)
    out["withdrawn_on"] = _day(commitment.withdrawn_on)
    updates = sorted(commitment.updates.all(), key=lambda u: u.quarter)
    out["updates"] = [
        _export_update(u) for u in updates if not public or u.submitted_on is not None
    ]
    for assessment in commitment.assessments.all():
        if assessment.kind == Assessment.Kind.END_OF_COMMITMENT and (
            not public or (assessment.published and assessment.submitted_on is not None)
        ):
            out["assessment"] = _export_assessment(assessment, with_kind=False)
    return out


def _export_update(update: TrackerUpdate) -> dict[str, Any]:
    out: dict[str, Any] = {"quarter": update.quarter}
    if update.submitted_on is not None:
        out["submitted_on"] = _day(update.submitted_on)
    out["percent"] = update.percent
    if update.completion:
        out["completion"] = update.completion
    out["narrative"] = update.narrative
    return out
