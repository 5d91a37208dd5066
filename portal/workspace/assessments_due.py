"""Reads about assessments that need care: what is due, for a monitoring body and for a member.

The due dates are the deadlines of docs/rules.md §3.2 as the rules compute them (`members.rules`
through `members.status.evaluate_members`), on each member's own local today; nothing here
recomputes a date. Queries are fixed whatever the number of jurisdictions: the evaluation's
(one per distinct local today) and three more to name plans, commitments and assessments.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from action_plans.models import ActionPlan
from assessments.models import Assessment
from commitments.models import Commitment
from members import rules
from members.models import Jurisdiction, User
from members.tenancy import Action
from ogplocal.dates import local_today
from portal.status.evaluation import evaluate_members
from portal.status.loader import split_rules_ref

KIND_OF_DEADLINE: dict[rules.DeadlineKind, Assessment.Kind] = {
    rules.DeadlineKind.INCEPTION_ASSESSMENT: Assessment.Kind.INCEPTION,
    rules.DeadlineKind.END_OF_COMMITMENT_ASSESSMENT: Assessment.Kind.END_OF_COMMITMENT,
    rules.DeadlineKind.FINAL_LEARNING_EXERCISE: Assessment.Kind.FINAL_LEARNING_EXERCISE,
}

# What each kind must contain (docs/rules.md §2, issue 5), shown beside each due assessment.
REMINDERS: dict[str, tuple[Promise, ...]] = {
    Assessment.Kind.INCEPTION: (
        _("Due two months after the plan's submission."),
        _("For each minimum requirement: met or not, with notes on the evidence."),
        _("The design of each commitment."),
        _("The report (PDF, DOCX or ODT) and up to four annexes."),
    ),
    Assessment.Kind.END_OF_COMMITMENT: (
        _("Due one month after the commitment was completed."),
        _("The completion level."),
        _("Whether and how it opened government for transparency, participation, accountability."),
        _("Its results."),
        _("The report (PDF, DOCX or ODT) and up to four annexes."),
    ),
    Assessment.Kind.FINAL_LEARNING_EXERCISE: (
        _("Due two months after the plan's end."),
        _("Lessons learned."),
        _("Recommendations and the steps to adopt them."),
        _("The report (PDF, DOCX or ODT) and up to four annexes."),
    ),
}


@dataclass(frozen=True)
class DueAssessment:
    """One assessment owed for a plan (or a commitment of it), as of the member's today."""

    jurisdiction: Jurisdiction
    kind: Assessment.Kind
    due: date
    submitted_on: date | None
    today: date
    plan: ActionPlan | None
    commitment: Commitment | None = None
    assessment: Assessment | None = None

    @property
    def overdue(self) -> bool:
        return self.submitted_on is None and self.due < self.today

    @property
    def late(self) -> bool:
        return self.submitted_on is not None and self.submitted_on > self.due

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days

    @property
    def days_overdue(self) -> int:
        return -self.days_left

    @property
    def reminders(self) -> tuple[Promise, ...]:
        return REMINDERS[self.kind]

    @property
    def sort_key(self) -> tuple[bool, date, int, str]:
        order = list(Assessment.Kind).index(self.kind)
        return (not self.overdue, self.due, order, self.commitment.ref if self.commitment else "")


@dataclass
class JurisdictionAssessments:
    jurisdiction: Jurisdiction
    today: date
    items: list[DueAssessment] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return sum(item.overdue for item in self.items)


def _assessments_of(
    jurisdictions: QuerySet[Jurisdiction], *, user: User, action: Action
) -> list[JurisdictionAssessments]:
    members = {j.pk: j for j in jurisdictions.order_by("name")}
    if not members:
        return []
    evaluations = evaluate_members(jurisdictions=Jurisdiction.objects.filter(pk__in=members))
    plans = ActionPlan.objects.restrict(user, action).filter(jurisdictions__in=list(members))
    through: Any = ActionPlan.jurisdictions.through
    # (jurisdiction, ref, lead slug) -> plan, for the plans `user` may reach: one query
    by_ref: dict[tuple[int, str], ActionPlan] = {}
    by_lead: dict[tuple[int, str, str], ActionPlan] = {}
    plan_rows = ActionPlan.objects.filter(pk__in=plans.values("pk")).select_related(
        "lead_jurisdiction"
    )
    links: dict[int, list[int]] = defaultdict(list)
    for jurisdiction_id, plan_id in through.objects.filter(
        jurisdiction_id__in=list(members), actionplan_id__in=plans.values("pk")
    ).values_list("jurisdiction_id", "actionplan_id"):
        links[plan_id].append(jurisdiction_id)
    for plan in plan_rows:
        for jurisdiction_id in links[plan.pk]:
            by_ref.setdefault((jurisdiction_id, plan.ref), plan)
            by_lead[(jurisdiction_id, plan.ref, plan.lead_jurisdiction.slug)] = plan
    plan_ids = {plan.pk for plan in by_lead.values()}
    commitments = {(c.plan_id, c.ref): c for c in Commitment.objects.filter(plan_id__in=plan_ids)}
    assessments: dict[tuple[int, str, int | None], Assessment] = {}
    for assessment in Assessment.objects.filter(plan_id__in=plan_ids).order_by("pk"):
        key = (assessment.plan_id, assessment.kind, assessment.commitment_id)
        assessments.setdefault(key, assessment)

    result = []
    for evaluation in evaluations:
        jurisdiction = members[evaluation.jurisdiction_id]
        group = JurisdictionAssessments(jurisdiction, evaluation.as_of)
        for deadline in evaluation.evaluation.deadlines:
            kind = KIND_OF_DEADLINE.get(deadline.kind)
            if kind is None or deadline.ref is None:
                continue
            plan_ref, _slash, commitment_ref = deadline.ref.partition("/")
            ref, lead = split_rules_ref(plan_ref)
            plan = (
                by_lead.get((jurisdiction.pk, ref, lead))
                if lead
                else by_ref.get((jurisdiction.pk, ref))
            )
            if plan is None:
                continue
            commitment = commitments.get((plan.pk, commitment_ref)) if commitment_ref else None
            group.items.append(
                DueAssessment(
                    jurisdiction=jurisdiction,
                    kind=kind,
                    due=deadline.due,
                    submitted_on=deadline.met_on,
                    today=evaluation.as_of,
                    plan=plan,
                    commitment=commitment,
                    assessment=assessments.get(
                        (plan.pk, kind, commitment.pk if commitment else None)
                    ),
                )
            )
        group.items.sort(key=lambda item: item.sort_key)
        result.append(group)
    return sorted(result, key=lambda group: (-group.overdue_count, group.jurisdiction.name))


def assessments_due_for(user: User) -> list[JurisdictionAssessments]:
    """For a monitoring body member: each jurisdiction that selected one of their bodies, with
    the assessments not yet submitted, overdue first (then by due date); jurisdictions with
    overdue assessments first."""
    jurisdictions = Jurisdiction.objects.restrict(user, Action.ASSESS)
    groups = _assessments_of(jurisdictions, user=user, action=Action.ASSESS)
    for group in groups:
        group.items = [item for item in group.items if item.submitted_on is None]
    return groups


def assessments_of_jurisdiction(
    jurisdiction: Jurisdiction, *, user: User
) -> JurisdictionAssessments:
    """For the member's own people: every assessment of its submitted plans, submitted or due."""
    groups = _assessments_of(
        Jurisdiction.objects.filter(pk=jurisdiction.pk), user=user, action=Action.VIEW_PRIVATE
    )
    if groups:
        return groups[0]
    return JurisdictionAssessments(jurisdiction, local_today(jurisdiction))  # pragma: no cover
