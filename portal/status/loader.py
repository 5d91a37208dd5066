"""The rules loader: the facts of many jurisdictions in a fixed number of queries
(docs/architecture.md).

`load_facts` reads everything `members.rules` needs for any number of jurisdictions with the same
twelve queries (one per table, through `values()`), whatever their number, so the daily evaluation
of a batch costs the same as that of one member. A joint plan appears, identical, in the facts of
every member of it (§3.1 "A joint plan ... counts for all of them").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date
from typing import Any

from django.db.models import QuerySet

from action_plans.models import ActionPlan, Meeting
from assessments.models import Assessment
from commitments.models import Commitment
from members import rules
from members.models import (
    Decision,
    ExtensionRequest,
    Jurisdiction,
    Reinstatement,
    StatusOverride,
    Term,
    VoluntaryInactivityRequest,
)
from tracker.models import TrackerUpdate

__all__ = ["LOADER_QUERIES", "load_facts", "rules_ref", "split_rules_ref"]

# The number of queries `load_facts` runs for one jurisdiction or for any number of them; the test
# in tests/status/test_loader.py pins it.
LOADER_QUERIES = 12


def load_facts(
    jurisdictions: QuerySet[Jurisdiction] | None = None,
) -> dict[int, rules.JurisdictionFacts]:
    """The rules' facts of every jurisdiction of `jurisdictions` (all of them when None), by pk.

    Only submitted tracker updates and submitted assessments count; meetings of draft plans are
    included (the rules use a draft's co-creation meetings for "Resuming", §3.3).
    """
    queryset = Jurisdiction.objects.all() if jurisdictions is None else jurisdictions
    members = list(
        queryset.order_by("pk").values(
            "pk", "slug", "joined_on", "has_elections", "first_plan_deadline"
        )
    )
    if not members:
        return {}
    ids = [member["pk"] for member in members]

    terms: dict[int, list[rules.Period]] = defaultdict(list)
    strategies: dict[int, list[rules.Period]] = defaultdict(list)
    for row in (
        Term.objects.filter(jurisdiction_id__in=ids)
        .order_by("starts_on")
        .values("jurisdiction_id", "kind", "starts_on", "ends_on")
    ):
        target = terms if row["kind"] == Term.Kind.TERM else strategies
        target[row["jurisdiction_id"]].append(rules.Period(row["starts_on"], row["ends_on"]))

    extensions: dict[int, list[rules.ExtensionRequest]] = defaultdict(list)
    for request in (
        ExtensionRequest.objects.filter(jurisdiction_id__in=ids)
        .order_by("requested_on", "pk")
        .values(
            "jurisdiction_id",
            "requested_on",
            "requested_until",
            "decision",
            "decided_on",
            "granted_until",
        )
    ):
        extensions[request["jurisdiction_id"]].append(
            rules.ExtensionRequest(
                requested_on=request["requested_on"],
                decision=rules.Decision(request["decision"]),
                decided_on=request["decided_on"],
                granted_until=request["granted_until"],
                requested_until=request["requested_until"],
            )
        )

    # An approved voluntary period is a granted request; it is approved on its decision day.
    voluntary: dict[int, list[rules.VoluntaryInactivity]] = defaultdict(list)
    for period in (
        VoluntaryInactivityRequest.objects.filter(
            jurisdiction_id__in=ids, decision=Decision.GRANTED
        )
        .order_by("starts_on", "pk")
        .values("jurisdiction_id", "starts_on", "ends_on", "decided_on")
    ):
        voluntary[period["jurisdiction_id"]].append(
            rules.VoluntaryInactivity(period["starts_on"], period["ends_on"], period["decided_on"])
        )

    overrides: dict[int, list[rules.Override]] = defaultdict(list)
    for override in (
        StatusOverride.objects.filter(jurisdiction_id__in=ids)
        .order_by("starts_on", "pk")
        .values("jurisdiction_id", "status", "starts_on", "ends_on", "withdrawn_on")
    ):
        overrides[override["jurisdiction_id"]].append(
            rules.Override(
                status=rules.Status(override["status"]),
                starts_on=override["starts_on"],
                ends_on=override["ends_on"],
                withdrawn_on=override["withdrawn_on"],
            )
        )

    reinstatements: dict[int, list[rules.Reinstatement]] = defaultdict(list)
    for reinstatement in (
        Reinstatement.objects.filter(jurisdiction_id__in=ids)
        .order_by("on")
        .values("jurisdiction_id", "on")
    ):
        reinstatements[reinstatement["jurisdiction_id"]].append(
            rules.Reinstatement(reinstatement["on"])
        )

    plans_of = _plans_by_jurisdiction(ids, {m["pk"]: m["slug"] for m in members})

    return {
        member["pk"]: rules.JurisdictionFacts(
            slug=member["slug"],
            joined_on=member["joined_on"],
            has_elections=member["has_elections"],
            terms=tuple(terms[member["pk"]]),
            strategy_periods=tuple(strategies[member["pk"]]),
            first_plan_deadline=member["first_plan_deadline"],
            extension_requests=tuple(extensions[member["pk"]]),
            voluntary_periods=tuple(voluntary[member["pk"]]),
            overrides=tuple(overrides[member["pk"]]),
            reinstatements=tuple(reinstatements[member["pk"]]),
            plans=plans_of.get(member["pk"], ()),
        )
        for member in members
    }


def _plans_by_jurisdiction(
    ids: list[int], slugs: dict[int, str]
) -> dict[int, tuple[rules.PlanFacts, ...]]:
    """Every plan of the jurisdictions `ids`, joint plans under each member (six queries)."""
    through: Any = ActionPlan.jurisdictions.through
    links = list(
        through.objects.filter(jurisdiction_id__in=ids).values_list(
            "jurisdiction_id", "actionplan_id"
        )
    )
    plan_ids = through.objects.filter(jurisdiction_id__in=ids).values("actionplan_id")

    meetings: dict[int, list[rules.Meeting]] = defaultdict(list)
    for row in (
        Meeting.objects.filter(plan_id__in=plan_ids)
        .order_by("held_on", "kind")
        .values(
            "plan_id", "held_on", "kind", "government_participants", "non_governmental_participants"
        )
    ):
        meetings[row["plan_id"]].append(
            rules.Meeting(
                held_on=row["held_on"],
                kind=rules.MeetingKind(row["kind"]),
                government_participants=row["government_participants"],
                non_governmental_participants=row["non_governmental_participants"],
            )
        )

    updates: dict[int, list[rules.TrackerUpdate]] = defaultdict(list)
    for row in (
        TrackerUpdate.objects.filter(commitment__plan_id__in=plan_ids, submitted_on__isnull=False)
        .order_by("quarter")
        .values("commitment_id", "quarter", "submitted_on", "percent")
    ):
        updates[row["commitment_id"]].append(
            rules.TrackerUpdate(row["quarter"], row["submitted_on"], row["percent"])
        )

    inception: dict[int, date] = {}
    final: dict[int, date] = {}
    end_of_commitment: dict[int, date] = {}
    for row in Assessment.objects.filter(plan_id__in=plan_ids, submitted_on__isnull=False).values(
        "plan_id", "commitment_id", "kind", "submitted_on"
    ):
        if row["kind"] == Assessment.Kind.INCEPTION:
            _keep_earliest(inception, row["plan_id"], row["submitted_on"])
        elif row["kind"] == Assessment.Kind.FINAL_LEARNING_EXERCISE:
            _keep_earliest(final, row["plan_id"], row["submitted_on"])
        elif row["commitment_id"] is not None:
            _keep_earliest(end_of_commitment, row["commitment_id"], row["submitted_on"])

    commitments: dict[int, list[rules.CommitmentFacts]] = defaultdict(list)
    for row in (
        Commitment.objects.filter(plan_id__in=plan_ids)
        .order_by("ref")
        .values(
            "pk",
            "plan_id",
            "ref",
            "starts_on",
            "ends_on",
            "added_on",
            "completed_on",
            "withdrawn_on",
        )
    ):
        commitments[row["plan_id"]].append(
            rules.CommitmentFacts(
                ref=row["ref"],
                starts_on=row["starts_on"],
                ends_on=row["ends_on"],
                added_on=row["added_on"],
                completed_on=row["completed_on"],
                withdrawn_on=row["withdrawn_on"],
                updates=tuple(updates[row["pk"]]),
                assessment_submitted_on=end_of_commitment.get(row["pk"]),
            )
        )

    plans: dict[int, rules.PlanFacts] = {}
    leads: dict[int, str] = {}
    for row in (
        ActionPlan.objects.filter(pk__in=plan_ids)
        .order_by("starts_on", "ref", "pk")
        .values("pk", "ref", "starts_on", "ends_on", "submitted_on", "lead_jurisdiction__slug")
    ):
        leads[row["pk"]] = row["lead_jurisdiction__slug"]
        plans[row["pk"]] = rules.PlanFacts(
            ref=row["ref"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            submitted_on=row["submitted_on"],
            meetings=tuple(meetings[row["pk"]]),
            commitments=tuple(commitments[row["pk"]]),
            inception_assessment_submitted_on=inception.get(row["pk"]),
            final_learning_submitted_on=final.get(row["pk"]),
        )

    order = {plan_id: index for index, plan_id in enumerate(plans)}
    by_member: dict[int, list[int]] = defaultdict(list)
    for jurisdiction_id, plan_id in links:
        if plan_id in plans:
            by_member[jurisdiction_id].append(plan_id)
    return {
        jurisdiction_id: _distinct_refs(
            [plans[plan_id] for plan_id in sorted(set(ids_), key=order.__getitem__)],
            [leads[plan_id] for plan_id in sorted(set(ids_), key=order.__getitem__)],
            member_slug=slugs[jurisdiction_id],
        )
        for jurisdiction_id, ids_ in by_member.items()
    }


def _distinct_refs(
    plans: list[rules.PlanFacts], leads: list[str], *, member_slug: str
) -> tuple[rules.PlanFacts, ...]:
    """A plan's ref is unique only within its lead jurisdiction (§5), while the rules key a
    member's plans by ref: a joint plan led by another member whose ref equals one of this
    member's own plans is told apart as `ref@lead-slug`."""
    counts: dict[str, int] = defaultdict(int)
    for plan in plans:
        counts[plan.ref] += 1
    return tuple(
        replace(plan, ref=_joint_ref(plan.ref, lead))
        if counts[plan.ref] > 1 and lead != member_slug
        else plan
        for plan, lead in zip(plans, leads, strict=True)
    )


def _joint_ref(ref: str, lead_slug: str) -> str:
    return f"{ref}@{lead_slug}"


def split_rules_ref(ref: str) -> tuple[str, str | None]:
    """A plan's ref in the rules' deadlines, `plan` or `plan@lead-slug`, as (ref, lead slug)."""
    plan_ref, _sep, lead = ref.partition("@")
    return plan_ref, lead or None


def rules_ref(plan: ActionPlan, jurisdiction: Jurisdiction) -> str:
    """The ref under which the rules know `plan` among `jurisdiction`'s plans, as in its deadlines:
    the plan's own, or `ref@lead-slug` for a joint plan that `load_facts` tells apart from another
    plan of the member with the same ref (`_distinct_refs`). One query for a plan led by another
    member, none otherwise."""
    if plan.lead_jurisdiction_id == jurisdiction.pk:
        return plan.ref
    shared = (
        ActionPlan.objects.filter(jurisdictions=jurisdiction, ref=plan.ref)
        .exclude(pk=plan.pk)
        .exists()
    )
    return _joint_ref(plan.ref, plan.lead_jurisdiction.slug) if shared else plan.ref


def _keep_earliest(found: dict[int, date], key: int, day: date) -> None:
    if key not in found or day < found[key]:
        found[key] = day
