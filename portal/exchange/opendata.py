"""Open data: the public fields of members, plans, commitments and tracker updates (issue 8).

Every row comes through `restrict(None, Action.VIEW)`, the anonymous view, so drafts, unpublished
assessments, requests and personal data cannot leak into a download. `DATASETS` documents every
field; the open-data page renders that documentation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from action_plans.models import ActionPlan
from commitments.models import Commitment
from members.models import Jurisdiction
from members.tenancy import Action
from tracker.models import TrackerUpdate


@dataclass(frozen=True)
class Field:
    name: str
    description: Any  # a lazy translation


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Any
    description: Any
    fields: tuple[Field, ...]
    rows: Callable[[], Iterator[dict[str, Any]]]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def member_rows() -> Iterator[dict[str, Any]]:
    queryset: QuerySet[Jurisdiction] = Jurisdiction.objects.restrict(None, Action.VIEW)
    for member in queryset.order_by("slug").iterator(chunk_size=2000):
        yield {
            "slug": member.slug,
            "name": member.name,
            "country": str(member.country),
            "joined_on": _iso(member.joined_on),
            "has_elections": member.has_elections,
            "status": member.status,
            "status_since": _iso(member.status_since),
            "status_reasons": " ".join(member.status_reasons),
        }


def plan_rows() -> Iterator[dict[str, Any]]:
    queryset = (
        ActionPlan.objects.restrict(None, Action.VIEW)
        .select_related("lead_jurisdiction", "monitoring_body")
        .prefetch_related("jurisdictions")
        .order_by("lead_jurisdiction__slug", "starts_on", "ref")
    )
    for plan in queryset:
        yield {
            "jurisdiction": plan.lead_jurisdiction.slug,
            "ref": plan.ref,
            "members": " ".join(sorted(j.slug for j in plan.jurisdictions.all())),
            "starts_on": _iso(plan.starts_on),
            "ends_on": _iso(plan.ends_on),
            "submitted_on": _iso(plan.submitted_on),
            "monitoring_body": plan.monitoring_body.name if plan.monitoring_body else "",
            "forum": plan.forum,
            "vision": plan.vision,
            "objectives": plan.objectives,
        }


def commitment_rows() -> Iterator[dict[str, Any]]:
    queryset = (
        Commitment.objects.restrict(None, Action.VIEW)
        .select_related("plan__lead_jurisdiction")
        .prefetch_related("policy_areas")
        .order_by("plan__lead_jurisdiction__slug", "plan__ref", "ref")
    )
    for commitment in queryset:
        yield {
            "jurisdiction": commitment.plan.lead_jurisdiction.slug,
            "plan": commitment.plan.ref,
            "ref": commitment.ref,
            "title": commitment.title,
            "policy_areas": " ".join(sorted(a.code for a in commitment.policy_areas.all())),
            "lead_agency": commitment.lead_agency,
            "starts_on": _iso(commitment.starts_on),
            "ends_on": _iso(commitment.ends_on),
            "added_on": _iso(commitment.added_on or commitment.plan.submitted_on),
            "completed_on": _iso(commitment.completed_on),
            "withdrawn_on": _iso(commitment.withdrawn_on),
        }


def update_rows() -> Iterator[dict[str, Any]]:
    queryset = (
        TrackerUpdate.objects.restrict(None, Action.VIEW)
        .select_related("commitment__plan__lead_jurisdiction")
        .order_by(
            "commitment__plan__lead_jurisdiction__slug",
            "commitment__plan__ref",
            "commitment__ref",
            "quarter",
        )
    )
    for update in queryset.iterator(chunk_size=2000):
        commitment = update.commitment
        yield {
            "jurisdiction": commitment.plan.lead_jurisdiction.slug,
            "plan": commitment.plan.ref,
            "commitment": commitment.ref,
            "quarter": update.quarter,
            "submitted_on": _iso(update.submitted_on),
            "percent": update.percent,
            "completion": update.completion,
            "narrative": update.narrative,
        }


DATASETS: dict[str, Dataset] = {
    dataset.slug: dataset
    for dataset in (
        Dataset(
            "members",
            _("Members"),
            _("Every OGP Local member with its current status."),
            (
                Field("slug", _("The member's identifier in the portal and in every file.")),
                Field("name", _("The jurisdiction's name.")),
                Field("country", _("ISO 3166-1 alpha-2 country code.")),
                Field("joined_on", _("The day it joined OGP Local (YYYY-MM-DD).")),
                Field("has_elections", _("Whether it holds elections (true or false).")),
                Field(
                    "status",
                    _("active, inactive, voluntary_inactive, probation or revoked."),
                ),
                Field("status_since", _("The day the current status began.")),
                Field("status_reasons", _("The reason codes that hold, separated by spaces.")),
            ),
            member_rows,
        ),
        Dataset(
            "plans",
            _("Action plans"),
            _("Submitted action plans; drafts are not published."),
            (
                Field("jurisdiction", _("The slug of the plan's first (lead) member.")),
                Field("ref", _("The plan's reference, unique within its lead member.")),
                Field("members", _("Slugs of every member of the plan (several: a joint plan).")),
                Field("starts_on", _("First day of the plan period.")),
                Field("ends_on", _("Last day of the plan period.")),
                Field("submitted_on", _("The day the plan was submitted.")),
                Field("monitoring_body", _("The independent monitoring body's name.")),
                Field("forum", _("The co-creation forum.")),
                Field("vision", _("The long-term vision of the Local Open Government Strategy.")),
                Field("objectives", _("The strategy's objectives for the period.")),
            ),
            plan_rows,
        ),
        Dataset(
            "commitments",
            _("Commitments"),
            _("The commitments of submitted plans."),
            (
                Field("jurisdiction", _("The slug of the plan's lead member.")),
                Field("plan", _("The plan's reference.")),
                Field("ref", _("The commitment's reference, unique within its plan.")),
                Field("title", _("The commitment's title.")),
                Field("policy_areas", _("Policy-area codes, separated by spaces.")),
                Field("lead_agency", _("The agency that leads it.")),
                Field("starts_on", _("Start of implementation.")),
                Field("ends_on", _("Planned end of implementation.")),
                Field("added_on", _("The day it joined the submitted plan.")),
                Field("completed_on", _("The day it was completed, if it was.")),
                Field("withdrawn_on", _("The day it was withdrawn, if it was.")),
            ),
            commitment_rows,
        ),
        Dataset(
            "tracker-updates",
            _("Tracker updates"),
            _("Submitted quarterly progress updates of commitments; drafts are not published."),
            (
                Field("jurisdiction", _("The slug of the plan's lead member.")),
                Field("plan", _("The plan's reference.")),
                Field("commitment", _("The commitment's reference.")),
                Field("quarter", _("The reporting quarter, e.g. 2027Q2.")),
                Field("submitted_on", _("The day the update was submitted.")),
                Field("percent", _("Percent complete, 0 to 100.")),
                Field(
                    "completion",
                    _("not_started, limited, substantial or complete (OGP's IRM scale)."),
                ),
                Field("narrative", _("What the Point of Contact reported.")),
            ),
            update_rows,
        ),
    )
}
