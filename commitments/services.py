"""Business actions on commitments (DESIGN.md §3.1 "Commitments" and "Changes")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Min, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from action_plans.models import ActionPlan, Meeting
from action_plans.requirements import commitment_limit, is_open_on
from action_plans.services import plan_today
from commitments.models import (
    ChangeProposal,
    Commitment,
    CommitmentChange,
    Milestone,
    PolicyArea,
)
from members.models import Membership, Role, User
from members.services import point_of_contact_emails, send_after_commit, support_unit_emails
from members.tenancy import Action, permitted_row
from ogplocal.dates import add_months
from ogplocal.exceptions import ActionRefused
from ogplocal.history import KEEP, Keep, record_by, save_recorded

NOT_COMMITMENT_EDITOR = _l(
    "Only the plan's Point of Contact or government officers may change its commitments."
)
NOT_POC = _l("Only the plan's Point of Contact may ask for a commitment to be withdrawn.")
NOT_SUPPORT_UNIT = _l("Only the OGP Support Unit may decide a withdrawal.")

CHANGE_WINDOW_MONTHS = 6
# The content of a commitment (§3.1 "Changes"); "lead agency and partners" are one fact (§2).
CONTENT_FIELDS = (
    "title",
    "problem",
    "status_quo",
    "actions",
    "objectives",
    "lead_agency",
    "partners",
    "starts_on",
    "ends_on",
)


@dataclass(frozen=True)
class MilestoneInput:
    """A milestone as a form gives it; `id` names an existing one to change."""

    title: str
    due_on: date | None = None
    done_on: date | None = None
    id: int | None = None


@dataclass(frozen=True)
class Approval:
    """Who approved a change or an addition (§3.1): a stakeholder in the portal, or a person
    outside it, named with evidence recorded by the POC."""

    approved_by: User | None = None
    approver_name: str = ""
    evidence: str = ""


def assessed_on() -> Min:
    """Annotation: the day a commitment's end-of-commitment assessment was submitted."""
    return Min(
        "assessments__submitted_on",
        filter=Q(assessments__kind="end_of_commitment", assessments__submitted_on__isnull=False),
    )


def open_commitments_on(plan: ActionPlan, day: date) -> list[Commitment]:
    """§3.1: the plan's commitments open on `day` (one query)."""
    commitments = Commitment.objects.filter(plan=plan).annotate(assessed_on=assessed_on())
    return [
        c
        for c in commitments
        if is_open_on(c, day, added_on=plan.submitted_on, assessed_on=c.assessed_on)
    ]


def change_window_closes(commitment: Commitment, plan: ActionPlan) -> date | None:
    """The last day the commitment's content may change (§3.1 "Changes", §3.2 `change_window`).

    6 months after the plan's submission, or after the day a commitment added later was added.
    Reading (§3.0): the window closes on that day, and a change made on it is still in time.
    """
    if plan.submitted_on is None:
        return None
    start = max(plan.submitted_on, commitment.added_on or plan.submitted_on)
    return add_months(start, CHANGE_WINDOW_MONTHS)


def _policy_areas(codes: Sequence[str]) -> list[PolicyArea]:
    wanted = {code.strip() for code in codes if code.strip()}
    areas = list(PolicyArea.objects.filter(code__in=wanted))
    unknown = sorted(wanted - {area.code for area in areas})
    if unknown:
        raise ActionRefused(
            _("Unknown policy area(s): %(codes)s.") % {"codes": ", ".join(unknown)},
            field="policy_areas",
        )
    return areas


def _check_commitment_dates(starts_on: date, ends_on: date, plan: ActionPlan) -> None:
    if ends_on < starts_on:
        raise ActionRefused(_("A commitment must end on or after its start."), field="ends_on")
    if ends_on > plan.ends_on:
        raise ActionRefused(
            _("The commitment ends on %(ends)s, after the plan ends (%(plan_ends)s).")
            % {"ends": ends_on.isoformat(), "plan_ends": plan.ends_on.isoformat()},
            field="ends_on",
        )


def _check_ref(plan: ActionPlan, ref: str) -> str:
    ref = ref.strip()
    if not ref:
        raise ActionRefused(_("Give the commitment a reference, such as c1."), field="ref")
    if Commitment.objects.filter(plan=plan, ref=ref).exists():
        raise ActionRefused(
            _("This plan already has a commitment with the reference %(ref)s.") % {"ref": ref},
            field="ref",
        )
    return ref


def _save_milestones(
    commitment: Commitment, milestones: Sequence[MilestoneInput], actor: User
) -> None:
    """Create or change milestones; one left out stays (a milestone is never deleted, §2)."""
    existing = {m.pk: m for m in commitment.milestones.all()}
    for position, given in enumerate(milestones):
        title = given.title.strip()
        if not title:
            raise ActionRefused(_("Every milestone needs a title."), field="milestones")
        if given.id is not None:
            if given.id not in existing:
                raise ActionRefused(
                    _("That milestone is not one of this commitment's."), field="milestones"
                )
            milestone = existing[given.id]
            values = (title, given.due_on, given.done_on, position)
            if (milestone.title, milestone.due_on, milestone.done_on, milestone.position) == values:
                continue
            milestone.title, milestone.due_on, milestone.done_on, milestone.position = values
        else:
            milestone = Milestone(
                commitment=commitment,
                title=title,
                due_on=given.due_on,
                done_on=given.done_on,
                position=position,
            )
        save_recorded(milestone, actor, "milestone saved")


def _commitment(
    plan: ActionPlan,
    *,
    ref: str,
    title: str,
    starts_on: date,
    ends_on: date,
    problem: str,
    status_quo: str,
    actions: str,
    objectives: str,
    lead_agency: str,
    partners: str,
) -> Commitment:
    title = title.strip()
    if not title:
        raise ActionRefused(_("Give the commitment a title."), field="title")
    _check_commitment_dates(starts_on, ends_on, plan)
    return Commitment(
        plan=plan,
        ref=_check_ref(plan, ref),
        title=title,
        problem=problem.strip(),
        status_quo=status_quo.strip(),
        actions=actions.strip(),
        objectives=objectives.strip(),
        lead_agency=lead_agency.strip(),
        partners=partners.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
    )


def create_commitment(
    *,
    actor: User,
    plan: ActionPlan,
    ref: str,
    title: str,
    starts_on: date,
    ends_on: date,
    problem: str = "",
    status_quo: str = "",
    actions: str = "",
    objectives: str = "",
    lead_agency: str = "",
    partners: str = "",
    policy_areas: Sequence[str] = (),
    milestones: Sequence[MilestoneInput] = (),
) -> Commitment:
    """A POC or officer writes a commitment of a draft plan.

    The number of commitments is checked at submission; a submitted plan takes new commitments
    only through `add_commitment_to_submitted_plan`.
    """
    with transaction.atomic():
        plan = permitted_row(
            ActionPlan,
            actor=actor,
            action=Action.EDIT,
            pk=plan.pk,
            refusal=str(NOT_COMMITMENT_EDITOR),
            lock=True,
        )
        if plan.submitted_on is not None:
            raise ActionRefused(
                _(
                    "The plan was submitted on %(day)s; a commitment is added to it with the "
                    "record of its co-creation, while a slot is free."
                )
                % {"day": plan.submitted_on.isoformat()}
            )
        commitment = _commitment(
            plan,
            ref=ref,
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            problem=problem,
            status_quo=status_quo,
            actions=actions,
            objectives=objectives,
            lead_agency=lead_agency,
            partners=partners,
        )
        areas = _policy_areas(policy_areas)
        save_recorded(commitment, actor, "commitment drafted")
        if areas:
            record_by(commitment, actor, "policy areas set")
            commitment.policy_areas.set(areas)
        _save_milestones(commitment, milestones, actor)
    return commitment


def _check_approval(approval: Approval, plan: ActionPlan) -> None:
    """§3.1: a stakeholder of the plan's jurisdiction in the portal, or a named outside approver
    with evidence."""
    if approval.approved_by is not None:
        is_stakeholder = Membership.objects.filter(
            user=approval.approved_by,
            role=Role.STAKEHOLDER,
            jurisdiction__in=plan.jurisdictions.all(),
        ).exists()
        if not is_stakeholder:
            raise ActionRefused(
                _("%(person)s is not a civil-society stakeholder of the plan's jurisdiction.")
                % {"person": approval.approved_by},
                field="approved_by",
            )
        return
    if not approval.approver_name.strip() or not approval.evidence.strip():
        raise ActionRefused(
            _(
                "Record who approved the change: a stakeholder of the jurisdiction in the "
                "portal, or the name of the person who approved it outside the portal and the "
                "evidence of their approval."
            ),
            field="approved_by",
        )


def _record_change(
    commitment: Commitment,
    plan: ActionPlan,
    approval: Approval,
    summary: str,
    actor: User,
    day: date,
) -> CommitmentChange:
    change = CommitmentChange(
        commitment=commitment,
        changed_on=day,
        summary=summary,
        approved_by=approval.approved_by,
        approver_name=approval.approver_name.strip(),
        approval_evidence=approval.evidence.strip(),
        recorded_by=actor,
    )
    save_recorded(change, actor, "change recorded")
    approver = approval.approved_by or approval.approver_name.strip()
    send_after_commit(
        to=support_unit_emails(),
        compose=lambda: (
            _("Commitment changed: %(title)s") % {"title": commitment.title},
            _(
                "%(plan)s, commitment “%(title)s”, on %(day)s.\n\n%(summary)s\n\n"
                "Approved by %(approver)s.\n"
            )
            % {
                "plan": plan,
                "title": commitment.title,
                "day": day.isoformat(),
                "summary": summary,
                "approver": approver,
            },
        ),
    )
    return change


def add_commitment_to_submitted_plan(
    *,
    actor: User,
    plan: ActionPlan,
    ref: str,
    title: str,
    starts_on: date,
    ends_on: date,
    co_creation_meeting: Meeting | None = None,
    approval: Approval | None = None,
    problem: str = "",
    status_quo: str = "",
    actions: str = "",
    objectives: str = "",
    lead_agency: str = "",
    partners: str = "",
    policy_areas: Sequence[str] = (),
    milestones: Sequence[MilestoneInput] = (),
    today: date | None = None,
) -> Commitment:
    """A POC or officer adds a commitment to a submitted plan (§3.1 "Commitments").

    Only while fewer than 5 (12 for a joint plan) are open today, only if it ends on or before
    the plan's end, and only with a record of its co-creation: a co-creation meeting of this plan
    with non-governmental participants held on or after the plan's submission, or a stakeholder's
    approval as for a change. The plan row is locked before counting, so two people taking the
    last slot at once are served one after the other and the second is refused.
    """
    with transaction.atomic():
        plan = permitted_row(
            ActionPlan,
            actor=actor,
            action=Action.EDIT,
            pk=plan.pk,
            refusal=str(NOT_COMMITMENT_EDITOR),
            lock=True,
            related=("lead_jurisdiction",),
        )
        today = plan_today(plan, today)
        if plan.submitted_on is None:
            raise ActionRefused(_("The plan is a draft: write the commitment into it directly."))
        if today > plan.ends_on:
            raise ActionRefused(
                _("The plan ended on %(day)s; no commitment can be added to it.")
                % {"day": plan.ends_on.isoformat()}
            )
        joint = plan.jurisdictions.count() > 1
        limit = commitment_limit(joint=joint)
        open_now = open_commitments_on(plan, today)
        if len(open_now) >= limit:
            raise ActionRefused(
                _(
                    "The plan already has %(count)d open commitments, the most a %(kind)s may "
                    "have at once. A slot frees when a commitment is withdrawn, or completed and "
                    "assessed."
                )
                % {
                    "count": len(open_now),
                    "kind": _("joint plan") if joint else _("plan"),
                }
            )
        commitment = _commitment(
            plan,
            ref=ref,
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            problem=problem,
            status_quo=status_quo,
            actions=actions,
            objectives=objectives,
            lead_agency=lead_agency,
            partners=partners,
        )
        if co_creation_meeting is not None:
            meeting_ok = (
                co_creation_meeting.plan_id == plan.pk
                and co_creation_meeting.kind == Meeting.Kind.CO_CREATION
                and co_creation_meeting.non_governmental_participants > 0
                and plan.submitted_on <= co_creation_meeting.held_on <= today
            )
            if not meeting_ok:
                raise ActionRefused(
                    _(
                        "The co-creation record must be a co-creation meeting of this plan, with "
                        "non-governmental participants, held on or after the plan's submission "
                        "(%(day)s)."
                    )
                    % {"day": plan.submitted_on.isoformat()},
                    field="co_creation_meeting",
                )
        elif approval is not None:
            _check_approval(approval, plan)
        else:
            raise ActionRefused(
                _(
                    "A commitment added to a submitted plan needs a record of its co-creation: a "
                    "co-creation meeting with non-governmental participants, or a stakeholder's "
                    "approval."
                ),
                field="co_creation_meeting",
            )
        areas = _policy_areas(policy_areas)
        commitment.added_on = today
        save_recorded(commitment, actor, "commitment added to the submitted plan")
        if areas:
            record_by(commitment, actor, "policy areas set")
            commitment.policy_areas.set(areas)
        _save_milestones(commitment, milestones, actor)
        if approval is not None and co_creation_meeting is None:
            _record_change(
                commitment,
                plan,
                approval,
                _("Added to the submitted plan on %(day)s.") % {"day": today.isoformat()},
                actor,
                today,
            )
    return commitment


def amend_commitment(
    *,
    actor: User,
    commitment: Commitment,
    title: str | Keep = KEEP,
    problem: str | Keep = KEEP,
    status_quo: str | Keep = KEEP,
    actions: str | Keep = KEEP,
    objectives: str | Keep = KEEP,
    lead_agency: str | Keep = KEEP,
    partners: str | Keep = KEEP,
    starts_on: date | Keep = KEEP,
    ends_on: date | Keep = KEEP,
    policy_areas: Sequence[str] | Keep = KEEP,
    milestones: Sequence[MilestoneInput] | Keep = KEEP,
    approval: Approval | None = None,
    summary: str = "",
    today: date | None = None,
) -> Commitment:
    """A POC or officer changes a commitment's content (§3.1 "Changes").

    On a draft plan, freely. After submission, only until the change window closes (6 months
    after the submission, or after the day a later commitment was added; the closing day is
    still in), each change recording its approval (a stakeholder in the portal, or a named person
    outside it with evidence) and telling the Support Unit once it is committed. After the window
    the content is frozen: a commitment that can no longer be delivered is withdrawn.
    """
    with transaction.atomic():
        commitment = permitted_row(
            Commitment,
            actor=actor,
            action=Action.EDIT,
            pk=commitment.pk,
            refusal=str(NOT_COMMITMENT_EDITOR),
            lock=True,
            related=("plan", "plan__lead_jurisdiction"),
        )
        return _amend(
            actor,
            commitment,
            values={
                "title": title,
                "problem": problem,
                "status_quo": status_quo,
                "actions": actions,
                "objectives": objectives,
                "lead_agency": lead_agency,
                "partners": partners,
                "starts_on": starts_on,
                "ends_on": ends_on,
            },
            policy_areas=policy_areas,
            milestones=milestones,
            approval=approval,
            summary=summary,
            today=today,
        )


def _check_changeable(commitment: Commitment, plan: ActionPlan, today: date) -> None:
    """§3.1 "Changes": a withdrawn commitment never changes; after the window, none does."""
    if commitment.withdrawn_on is not None:
        raise ActionRefused(
            _("This commitment was withdrawn on %(day)s; it no longer changes.")
            % {"day": commitment.withdrawn_on.isoformat()}
        )
    closes = change_window_closes(commitment, plan)
    if closes is not None and today > closes:
        raise ActionRefused(
            _(
                "The change window of this commitment closed on %(day)s: its content is "
                "frozen. Progress is still reported every quarter; a commitment that can no "
                "longer be delivered is withdrawn, with the Support Unit's approval."
            )
            % {"day": closes.isoformat()}
        )


def _amend(
    actor: User,
    commitment: Commitment,
    *,
    values: dict[str, str | date | Keep],
    policy_areas: Sequence[str] | Keep,
    milestones: Sequence[MilestoneInput] | Keep,
    approval: Approval | None,
    summary: str,
    today: date | None,
) -> Commitment:
    """`amend_commitment` on a commitment the caller has checked the actor may change and has
    locked (with its plan selected)."""
    plan = commitment.plan
    today = plan_today(plan, today)
    submitted = plan.submitted_on is not None
    _check_changeable(commitment, plan, today)
    changed: list[str] = []
    for name, value in values.items():
        if isinstance(value, Keep):
            continue
        if isinstance(value, str):
            value = value.strip()
        if getattr(commitment, name) != value:
            setattr(commitment, name, value)
            changed.append(name)
    if not commitment.title:
        raise ActionRefused(_("Give the commitment a title."), field="title")
    _check_commitment_dates(commitment.starts_on, commitment.ends_on, plan)
    areas = None
    if not isinstance(policy_areas, Keep):
        areas = _policy_areas(policy_areas)
        if {a.pk for a in areas} != set(commitment.policy_areas.values_list("pk", flat=True)):
            changed.append("policy_areas")
    if not isinstance(milestones, Keep) and milestones:
        changed.append("milestones")
    if not changed:
        raise ActionRefused(_("Nothing was changed."))
    if submitted:
        if approval is None:
            approval = Approval()
        _check_approval(approval, plan)
    reason = "content changed: " + ", ".join(changed)
    save_recorded(commitment, actor, reason)
    if areas is not None and "policy_areas" in changed:
        record_by(commitment, actor, reason)
        commitment.policy_areas.set(areas)
    if not isinstance(milestones, Keep) and milestones:
        _save_milestones(commitment, milestones, actor)
    if submitted and approval is not None:
        labels = ", ".join(_field_label(name) for name in changed)
        text = _("Changed: %(fields)s.") % {"fields": labels}
        if summary.strip():
            text += "\n" + summary.strip()
        _record_change(commitment, plan, approval, text, actor, today)
    return commitment


def _field_label(name: str) -> str:
    if name == "milestones":
        return _("milestones")
    return str(getattr(Commitment._meta.get_field(name), "verbose_name", name))


def set_policy_areas(
    *,
    actor: User,
    commitment: Commitment,
    codes: Sequence[str],
    approval: Approval | None = None,
    today: date | None = None,
) -> Commitment:
    """Tag a commitment with policy areas by code; a change of content like any other."""
    return amend_commitment(
        actor=actor, commitment=commitment, policy_areas=codes, approval=approval, today=today
    )


def complete_commitment(
    *,
    actor: User,
    commitment: Commitment,
    completed_on: date | None = None,
    today: date | None = None,
) -> Commitment:
    """A POC or officer records that a commitment of a submitted plan was completed."""
    with transaction.atomic():
        commitment = permitted_row(
            Commitment,
            actor=actor,
            action=Action.EDIT,
            pk=commitment.pk,
            refusal=str(NOT_COMMITMENT_EDITOR),
            lock=True,
            related=("plan", "plan__lead_jurisdiction"),
        )
        plan = commitment.plan
        today = plan_today(plan, today)
        completed_on = completed_on or today
        if plan.submitted_on is None:
            raise ActionRefused(_("A commitment of a draft plan cannot be completed yet."))
        if commitment.withdrawn_on is not None:
            raise ActionRefused(
                _("This commitment was withdrawn on %(day)s.")
                % {"day": commitment.withdrawn_on.isoformat()}
            )
        if commitment.completed_on is not None:
            raise ActionRefused(
                _("This commitment was already completed on %(day)s.")
                % {"day": commitment.completed_on.isoformat()}
            )
        added = commitment.added_on or plan.submitted_on
        if completed_on > today:
            raise ActionRefused(
                _("A commitment is completed once it is done; %(day)s is in the future.")
                % {"day": completed_on.isoformat()},
                field="completed_on",
            )
        if completed_on < added:
            raise ActionRefused(
                _("A commitment cannot be completed before it was added (%(day)s).")
                % {"day": added.isoformat()},
                field="completed_on",
            )
        commitment.completed_on = completed_on
        save_recorded(commitment, actor, "completed", update_fields=["completed_on", "updated_at"])
    return commitment


def request_withdrawal(
    *,
    actor: User,
    commitment: Commitment,
    reason: str,
) -> Commitment:
    """The POC asks the Support Unit to withdraw a commitment that can no longer be delivered.

    The request is the written reason on the commitment while `withdrawn_on` is empty; its
    history says who asked and when.
    """
    with transaction.atomic():
        commitment = permitted_row(
            Commitment,
            actor=actor,
            action=Action.SUBMIT,
            pk=commitment.pk,
            refusal=str(NOT_POC),
            lock=True,
            related=("plan",),
        )
        if commitment.plan.submitted_on is None:
            raise ActionRefused(
                _("The plan is a draft: take the commitment out of it before submitting.")
            )
        if commitment.withdrawn_on is not None:
            raise ActionRefused(
                _("This commitment was already withdrawn on %(day)s.")
                % {"day": commitment.withdrawn_on.isoformat()}
            )
        if commitment.completed_on is not None:
            raise ActionRefused(_("A completed commitment is not withdrawn."))
        if commitment.withdrawal_reason:
            raise ActionRefused(_("Its withdrawal is already waiting for the Support Unit."))
        reason = reason.strip()
        if not reason:
            raise ActionRefused(_("Write why the commitment is withdrawn."), field="reason")
        commitment.withdrawal_reason = reason
        save_recorded(
            commitment,
            actor,
            "withdrawal requested",
            update_fields=["withdrawal_reason", "updated_at"],
        )
        send_after_commit(
            to=support_unit_emails(),
            compose=lambda: (
                _("Withdrawal requested: %(title)s") % {"title": commitment.title},
                _("%(plan)s asks to withdraw “%(title)s”.\n\nWhy: %(reason)s\n")
                % {"plan": commitment.plan, "title": commitment.title, "reason": reason},
            ),
        )
    return commitment


def decide_withdrawal(
    *,
    actor: User,
    commitment: Commitment,
    approve: bool,
    comments: str = "",
    today: date | None = None,
) -> Commitment:
    """The Support Unit approves a requested withdrawal (withdrawn on the day of approval,
    freeing a slot from that day) or refuses it (the request is cleared; history keeps it)."""
    with transaction.atomic():
        commitment = permitted_row(
            Commitment,
            actor=actor,
            action=Action.DECIDE,
            pk=commitment.pk,
            refusal=str(NOT_SUPPORT_UNIT),
            lock=True,
            related=("plan", "plan__lead_jurisdiction"),
        )
        plan = commitment.plan
        today = plan_today(plan, today)
        if commitment.withdrawn_on is not None:
            raise ActionRefused(
                _("This commitment was already withdrawn on %(day)s.")
                % {"day": commitment.withdrawn_on.isoformat()}
            )
        if not commitment.withdrawal_reason:
            raise ActionRefused(_("Nobody asked for this commitment to be withdrawn."))
        if approve:
            commitment.withdrawn_on = today
            commitment.withdrawal_approved_by = actor
            reason = "withdrawal approved"
        else:
            commitment.withdrawal_reason = ""
            reason = "withdrawal refused" + (f": {comments.strip()}" if comments.strip() else "")
        save_recorded(commitment, actor, reason)
        send_after_commit(
            to=point_of_contact_emails(list(plan.jurisdictions.all())),
            compose=lambda: (
                (
                    _("Withdrawal approved: %(title)s")
                    if approve
                    else _("Withdrawal refused: %(title)s")
                )
                % {"title": commitment.title},
                (comments.strip() or reason) + "\n",
            ),
        )
    return commitment


@dataclass(frozen=True)
class Slots:
    """Whether a commitment may be added to a plan today, and if not, why (§3.1)."""

    open_count: int
    limit: int
    reason: str = ""

    @property
    def free(self) -> bool:
        return not self.reason


def commitment_slots(plan: ActionPlan, today: date) -> Slots:
    """The §3.1 checks `add_commitment_to_submitted_plan` makes before anything is typed: the
    cap of open commitments and the plan's end. A draft plan takes commitments until submission,
    where their number is checked."""
    joint = plan.jurisdictions.count() > 1
    limit = commitment_limit(joint=joint)
    if plan.submitted_on is None:
        return Slots(plan.commitments.count(), limit)
    open_now = len(open_commitments_on(plan, today))
    if today > plan.ends_on:
        return Slots(
            open_now,
            limit,
            _("The plan ended on %(day)s; no commitment can be added to it.")
            % {"day": plan.ends_on.isoformat()},
        )
    if open_now >= limit:
        return Slots(
            open_now,
            limit,
            _(
                "The plan already has %(count)d open commitments, the most a %(kind)s may have "
                "at once. A slot frees when a commitment is withdrawn, or completed and assessed."
            )
            % {"count": open_now, "kind": _("joint plan") if joint else _("plan")},
        )
    return Slots(open_now, limit)


# --- Changes proposed in the portal and approved by a stakeholder (§3.1 "Changes") -----------

NOT_STAKEHOLDER = _l(
    "Only a civil-society stakeholder of the plan's jurisdiction may approve or reject a "
    "proposed change."
)
NOT_PROPOSER = _l(
    "Only the person who proposed the change or the plan's Point of Contact may withdraw it."
)
PROPOSAL_FIELDS = (*CONTENT_FIELDS, "policy_areas", "milestones")
DATE_FIELDS = frozenset({"starts_on", "ends_on"})


def _milestone_json(m: Milestone | MilestoneInput) -> dict[str, Any]:
    return {
        "id": m.id if isinstance(m, MilestoneInput) else m.pk,
        "title": m.title.strip(),
        "due_on": m.due_on.isoformat() if m.due_on else None,
        "done_on": m.done_on.isoformat() if m.done_on else None,
    }


def _milestone_input(data: dict[str, Any]) -> MilestoneInput:
    return MilestoneInput(
        title=data["title"],
        due_on=date.fromisoformat(data["due_on"]) if data.get("due_on") else None,
        done_on=date.fromisoformat(data["done_on"]) if data.get("done_on") else None,
        id=data.get("id"),
    )


def _milestones_change(
    commitment: Commitment, milestones: Sequence[MilestoneInput]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
    """(before, proposed) of the milestones, checked as `_save_milestones` checks them, or None
    when they say nothing new (their order alone is not a change of content)."""
    existing = {m.pk: m for m in commitment.milestones.all()}
    proposed: list[dict[str, Any]] = []
    differs = False
    for given in milestones:
        if not given.title.strip():
            raise ActionRefused(_("Every milestone needs a title."), field="milestones")
        if given.id is not None:
            if given.id not in existing:
                raise ActionRefused(
                    _("That milestone is not one of this commitment's."), field="milestones"
                )
            now = existing[given.id]
            if (now.title, now.due_on, now.done_on) != (
                given.title.strip(),
                given.due_on,
                given.done_on,
            ):
                differs = True
        else:
            differs = True
        proposed.append(_milestone_json(given))
    if not differs:
        return None
    return [_milestone_json(m) for m in existing.values()], proposed


def _stakeholder_emails(plan: ActionPlan) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                jurisdiction__in=plan.jurisdictions.all(),
                role=Role.STAKEHOLDER,
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )


def propose_commitment_change(
    *,
    actor: User,
    commitment: Commitment,
    title: str | Keep = KEEP,
    problem: str | Keep = KEEP,
    status_quo: str | Keep = KEEP,
    actions: str | Keep = KEEP,
    objectives: str | Keep = KEEP,
    lead_agency: str | Keep = KEEP,
    partners: str | Keep = KEEP,
    starts_on: date | Keep = KEEP,
    ends_on: date | Keep = KEEP,
    policy_areas: Sequence[str] | Keep = KEEP,
    milestones: Sequence[MilestoneInput] | Keep = KEEP,
    summary: str,
    today: date | None = None,
) -> ChangeProposal:
    """A POC or officer proposes a change of a submitted plan's commitment for a stakeholder of
    the jurisdiction to approve in the portal (§3.1 "Changes").

    Only inside the change window, one pending proposal per commitment, and only a change that
    `amend_commitment` would accept (dates inside the plan, known policy areas, titled
    milestones), so a stakeholder never approves something that cannot apply. Only the fields
    that change are kept. The stakeholders are told once it is committed.
    """
    with transaction.atomic():
        commitment = permitted_row(
            Commitment,
            actor=actor,
            action=Action.EDIT,
            pk=commitment.pk,
            refusal=str(NOT_COMMITMENT_EDITOR),
            lock=True,
            related=("plan", "plan__lead_jurisdiction"),
        )
        plan = commitment.plan
        today = plan_today(plan, today)
        if plan.submitted_on is None:
            raise ActionRefused(
                _("The plan is a draft: change the commitment directly, no approval is needed.")
            )
        _check_changeable(commitment, plan, today)
        if ChangeProposal.objects.filter(
            commitment=commitment, state=ChangeProposal.State.PENDING
        ).exists():
            raise ActionRefused(
                _(
                    "A change of this commitment already waits for a stakeholder's approval: "
                    "it is approved, rejected or withdrawn before another is proposed."
                )
            )
        summary = summary.strip()
        if not summary:
            raise ActionRefused(
                _("Say why the commitment changes: the stakeholders read it."), field="summary"
            )
        values: dict[str, str | date | Keep] = {
            "title": title,
            "problem": problem,
            "status_quo": status_quo,
            "actions": actions,
            "objectives": objectives,
            "lead_agency": lead_agency,
            "partners": partners,
            "starts_on": starts_on,
            "ends_on": ends_on,
        }
        proposed: dict[str, Any] = {}
        before: dict[str, Any] = {}
        for name, value in values.items():
            if isinstance(value, Keep):
                continue
            if isinstance(value, str):
                value = value.strip()
            current = getattr(commitment, name)
            if current != value:
                as_json = (lambda v: v.isoformat()) if name in DATE_FIELDS else (lambda v: v)
                proposed[name] = as_json(value)
                before[name] = as_json(current)
        if not proposed.get("title", commitment.title):
            raise ActionRefused(_("Give the commitment a title."), field="title")
        _check_commitment_dates(
            starts_on if isinstance(starts_on, date) else commitment.starts_on,
            ends_on if isinstance(ends_on, date) else commitment.ends_on,
            plan,
        )
        if not isinstance(policy_areas, Keep):
            codes = sorted(area.code for area in _policy_areas(policy_areas))
            current_codes = sorted(commitment.policy_areas.values_list("code", flat=True))
            if codes != current_codes:
                proposed["policy_areas"] = codes
                before["policy_areas"] = current_codes
        if not isinstance(milestones, Keep):
            milestone_change = _milestones_change(commitment, milestones)
            if milestone_change is not None:
                before["milestones"], proposed["milestones"] = milestone_change
        if not proposed:
            raise ActionRefused(_("Nothing was changed."))
        proposal = ChangeProposal(
            commitment=commitment,
            proposed_by=actor,
            proposed_on=today,
            summary=summary,
            content=proposed,
            before=before,
        )
        save_recorded(proposal, actor, "change proposed")
        labels = ", ".join(_field_label(name) for name in proposed)
        send_after_commit(
            to=_stakeholder_emails(plan),
            compose=lambda: (
                _("A change waits for your approval: %(title)s") % {"title": commitment.title},
                _(
                    "%(person)s proposes to change the commitment “%(title)s” of %(plan)s "
                    "(%(fields)s).\n\nWhy: %(summary)s\n\nSign in to the portal to approve or "
                    "reject it; the change window closes on %(closes)s.\n"
                )
                % {
                    "person": actor,
                    "title": commitment.title,
                    "plan": plan,
                    "fields": labels,
                    "summary": summary,
                    "closes": change_window_closes(commitment, plan),
                },
            ),
        )
    return proposal


def _pending(proposal: ChangeProposal) -> None:
    if proposal.state != ChangeProposal.State.PENDING:
        raise ActionRefused(
            _("This proposed change was already %(state)s on %(day)s.")
            % {
                "state": proposal.get_state_display(),
                "day": proposal.decided_on.isoformat() if proposal.decided_on else "",
            }
        )


def _decided_proposal(
    *,
    actor: User,
    proposal: ChangeProposal,
    action: Action,
    refusal: str,
) -> ChangeProposal:
    """The proposal, locked, if `actor` may do `action` on it and it still waits."""
    proposal = permitted_row(
        ChangeProposal,
        actor=actor,
        action=action,
        pk=proposal.pk,
        refusal=refusal,
        lock=True,
        related=("commitment", "commitment__plan", "commitment__plan__lead_jurisdiction"),
    )
    _pending(proposal)
    return proposal


def _tell_proposer(proposal: ChangeProposal, subject: str, comment: str) -> None:
    send_after_commit(
        to=[proposal.proposed_by.email] if proposal.proposed_by.is_active else [],
        compose=lambda: (
            subject % {"title": proposal.commitment.title},
            _("%(person)s: %(state)s.\n\n%(comment)s\n")
            % {
                "person": proposal.decided_by,
                "state": proposal.get_state_display(),
                "comment": comment,
            },
        ),
    )


def approve_change_proposal(
    *,
    actor: User,
    proposal: ChangeProposal,
    comment: str = "",
    today: date | None = None,
) -> ChangeProposal:
    """A civil-society stakeholder of the plan's jurisdiction approves a proposed change from
    their own account: the change is applied as `amend_commitment` applies one, recording the
    stakeholder as its approver and telling the Support Unit (§3.1 "Changes").

    The proposal row is locked first, so two approvals at once apply the change once. Refused,
    changing nothing, when the change window closed in the meantime.
    """
    with transaction.atomic():
        proposal = _decided_proposal(
            actor=actor, proposal=proposal, action=Action.ENDORSE, refusal=str(NOT_STAKEHOLDER)
        )
        if proposal.proposed_by_id == actor.pk:
            raise ActionRefused(
                _(
                    "You proposed this change: another civil-society stakeholder of the "
                    "jurisdiction approves it."
                )
            )
        commitment = (
            Commitment.objects.select_for_update(of=("self",))
            .select_related("plan", "plan__lead_jurisdiction")
            .get(pk=proposal.commitment_id)
        )
        plan = commitment.plan
        today = plan_today(plan, today)
        closes = change_window_closes(commitment, plan)
        if closes is not None and today > closes:
            raise ActionRefused(
                _(
                    "The change window of this commitment closed on %(day)s, before the change "
                    "was approved: it can no longer be applied and the content stays as it is. "
                    "The Point of Contact may withdraw the proposal."
                )
                % {"day": closes.isoformat()}
            )
        content = proposal.content
        values: dict[str, str | date | Keep] = {
            name: (date.fromisoformat(content[name]) if name in DATE_FIELDS else content[name])
            if name in content
            else KEEP
            for name in CONTENT_FIELDS
        }
        _amend(
            actor,
            commitment,
            values=values,
            policy_areas=content.get("policy_areas", KEEP),
            milestones=(
                [_milestone_input(m) for m in content["milestones"]]
                if "milestones" in content
                else KEEP
            ),
            approval=Approval(approved_by=actor),
            summary=proposal.summary,
            today=today,
        )
        proposal.state = ChangeProposal.State.APPROVED
        proposal.decided_by = actor
        proposal.decided_on = today
        proposal.decision_comment = comment.strip()
        save_recorded(proposal, actor, "change approved")
        _tell_proposer(proposal, _("Change approved: %(title)s"), proposal.decision_comment)
    return proposal


def reject_change_proposal(
    *,
    actor: User,
    proposal: ChangeProposal,
    comment: str,
    today: date | None = None,
) -> ChangeProposal:
    """A civil-society stakeholder of the plan's jurisdiction rejects a proposed change, saying
    why; the commitment stays as it is and the proposer is told."""
    with transaction.atomic():
        proposal = _decided_proposal(
            actor=actor, proposal=proposal, action=Action.ENDORSE, refusal=str(NOT_STAKEHOLDER)
        )
        comment = comment.strip()
        if not comment:
            raise ActionRefused(
                _("Say why the change is rejected: the Point of Contact reads it."),
                field="comment",
            )
        proposal.state = ChangeProposal.State.REJECTED
        proposal.decided_by = actor
        proposal.decided_on = plan_today(proposal.commitment.plan, today)
        proposal.decision_comment = comment
        save_recorded(proposal, actor, "change rejected")
        _tell_proposer(proposal, _("Change rejected: %(title)s"), comment)
    return proposal


def withdraw_change_proposal(
    *,
    actor: User,
    proposal: ChangeProposal,
    today: date | None = None,
) -> ChangeProposal:
    """The person who proposed a change, or the plan's Point of Contact, withdraws it while it
    waits; the commitment stays as it is."""
    with transaction.atomic():
        proposal = _decided_proposal(
            actor=actor, proposal=proposal, action=Action.EDIT, refusal=str(NOT_PROPOSER)
        )
        is_poc = (
            ChangeProposal.objects.restrict(actor, Action.SUBMIT).filter(pk=proposal.pk).exists()
        )
        if proposal.proposed_by_id != actor.pk and not is_poc:
            raise ActionRefused(str(NOT_PROPOSER))
        proposal.state = ChangeProposal.State.WITHDRAWN
        proposal.decided_by = actor
        proposal.decided_on = plan_today(proposal.commitment.plan, today)
        save_recorded(proposal, actor, "change withdrawn")
    return proposal


def pending_proposal(commitment: Commitment) -> ChangeProposal | None:
    """The change of `commitment` waiting for a stakeholder, if any (no access check: callers
    pass a commitment the person may read and show it only to the jurisdiction's people)."""
    return (
        ChangeProposal.objects.filter(commitment=commitment, state=ChangeProposal.State.PENDING)
        .select_related("proposed_by")
        .first()
    )
