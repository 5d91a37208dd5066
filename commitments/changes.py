"""Changing a commitment's content (docs/rules.md §3.1 "Changes"): the change window, the approval
each change of a submitted plan's commitment records, amending a commitment, and changes proposed
in the portal for a stakeholder of the jurisdiction to approve there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from action_plans.models import ActionPlan
from action_plans.services import plan_today
from commitments.content import (
    DATE_FIELDS,
    NOT_COMMITMENT_EDITOR,
    CommitmentContent,
    MilestoneInput,
    check_content,
    checked_milestone,
    given,
    milestone_json,
    policy_areas_of,
    save_milestones,
)
from commitments.models import ChangeProposal, Commitment, CommitmentChange
from members.models import Jurisdiction, Membership, Notification, Role, User
from members.outbox import notify, support_unit
from members.tenancy import Action, permitted_row
from ogplocal.dates import add_months
from ogplocal.exceptions import ActionRefused
from ogplocal.history import Keep, record_by, save_recorded

NOT_STAKEHOLDER = _l(
    "Only a civil-society stakeholder of the plan's jurisdiction may approve or reject a "
    "proposed change."
)
NOT_PROPOSER = _l(
    "Only the person who proposed the change or the plan's Point of Contact may withdraw it."
)

CHANGE_WINDOW_MONTHS = 6


@dataclass(frozen=True)
class Approval:
    """Who approved a change or an addition (§3.1): a stakeholder in the portal, or a person
    outside it, named with evidence recorded by the POC."""

    approved_by: User | None = None
    approver_name: str = ""
    evidence: str = ""


def change_window_closes(commitment: Commitment, plan: ActionPlan) -> date | None:
    """The last day the commitment's content may change (§3.1 "Changes", §3.2 `change_window`).

    6 months after the plan's submission, or after the day a commitment added later was added.
    Reading (§3.0): the window closes on that day, and a change made on it is still in time.
    """
    if plan.submitted_on is None:
        return None
    start = max(plan.submitted_on, commitment.added_on or plan.submitted_on)
    return add_months(start, CHANGE_WINDOW_MONTHS)


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


def check_approval(approval: Approval, plan: ActionPlan) -> None:
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


def record_change(
    commitment: Commitment,
    plan: ActionPlan,
    approval: Approval,
    summary: str,
    actor: User,
    day: date,
) -> CommitmentChange:
    """Record an approved change (or addition) of a submitted plan's commitment and tell the
    Support Unit once it is committed."""
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
    notify(
        to=support_unit(),
        template="email/commitment_changed",
        key=f"commitment-changed:{change.pk}",
        topic=Notification.Topic.DECISION,
        jurisdiction=plan.lead_jurisdiction,
        link=reverse("console_member", kwargs={"slug": plan.lead_jurisdiction.slug}),
        context={"plan": plan, "commitment": commitment, "change": change, "approver": approver},
    )
    return change


def _field_label(name: str) -> str:
    if name == "milestones":
        return _("milestones")
    return str(getattr(Commitment._meta.get_field(name), "verbose_name", name))


# --- Changes made by the POC or an officer, with their approval ------------------------------


def amend_commitment(
    *,
    actor: User,
    commitment: Commitment,
    content: CommitmentContent,
    approval: Approval | None = None,
    summary: str = "",
    today: date | None = None,
) -> Commitment:
    """A POC or officer changes a commitment's content (§3.1 "Changes"): what `content` gives.

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
        return _amend(actor, commitment, content, approval=approval, summary=summary, today=today)


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
        actor=actor,
        commitment=commitment,
        content=CommitmentContent(policy_areas=codes),
        approval=approval,
        today=today,
    )


def _amend(
    actor: User,
    commitment: Commitment,
    content: CommitmentContent,
    *,
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
    changes = content.column_changes(commitment)
    for name, (_now, value) in changes.items():
        setattr(commitment, name, value)
    changed = list(changes)
    check_content(commitment.title, commitment.starts_on, commitment.ends_on, plan)
    areas = None
    if not isinstance(content.policy_areas, Keep):
        areas = policy_areas_of(content.policy_areas)
        if {a.pk for a in areas} != set(commitment.policy_areas.values_list("pk", flat=True)):
            changed.append("policy_areas")
    milestones = given(content.milestones, ())
    if milestones:
        changed.append("milestones")
    if not changed:
        raise ActionRefused(_("Nothing was changed."))
    if submitted:
        if approval is None:
            approval = Approval()
        check_approval(approval, plan)
    reason = "content changed: " + ", ".join(changed)
    save_recorded(commitment, actor, reason)
    if areas is not None and "policy_areas" in changed:
        record_by(commitment, actor, reason)
        commitment.policy_areas.set(areas)
    if milestones:
        save_milestones(commitment, milestones, actor)
    if submitted and approval is not None:
        labels = ", ".join(_field_label(name) for name in changed)
        text = _("Changed: %(fields)s.") % {"fields": labels}
        if summary.strip():
            text += "\n" + summary.strip()
        record_change(commitment, plan, approval, text, actor, today)
    return commitment


# --- Changes proposed in the portal and approved by a stakeholder (§3.1 "Changes") -----------


def _json(name: str, value: Any) -> Any:
    return value.isoformat() if name in DATE_FIELDS else value


def _milestones_change(
    commitment: Commitment, milestones: Sequence[MilestoneInput]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
    """(before, proposed) of the milestones, checked as `save_milestones` checks them, or None
    when they say nothing new (their order alone is not a change of content)."""
    existing = {m.pk: m for m in commitment.milestones.all()}
    proposed: list[dict[str, Any]] = []
    differs = False
    for milestone in milestones:
        now = checked_milestone(milestone, existing)
        if now is None or (now.title, now.due_on, now.done_on) != (
            milestone.title.strip(),
            milestone.due_on,
            milestone.done_on,
        ):
            differs = True
        proposed.append(milestone_json(milestone))
    if not differs:
        return None
    return [milestone_json(m) for m in existing.values()], proposed


def _stakeholders(jurisdiction: Jurisdiction) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.filter(
            jurisdiction=jurisdiction, role=Role.STAKEHOLDER, user__is_active=True
        )
        .select_related("user")
        .order_by("user__email")
    ]


def _commitment_page(jurisdiction: Jurisdiction, commitment: Commitment) -> str:
    return reverse(
        "commitment_detail",
        kwargs={"slug": jurisdiction.slug, "pk": commitment.plan_id, "cpk": commitment.pk},
    )


def propose_commitment_change(
    *,
    actor: User,
    commitment: Commitment,
    content: CommitmentContent,
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
        proposed: dict[str, Any] = {}
        before: dict[str, Any] = {}
        for name, (current, value) in content.column_changes(commitment).items():
            proposed[name] = _json(name, value)
            before[name] = _json(name, current)
        check_content(
            given(content.title, commitment.title),
            given(content.starts_on, commitment.starts_on),
            given(content.ends_on, commitment.ends_on),
            plan,
        )
        if not isinstance(content.policy_areas, Keep):
            codes = sorted(area.code for area in policy_areas_of(content.policy_areas))
            current_codes = sorted(commitment.policy_areas.values_list("code", flat=True))
            if codes != current_codes:
                proposed["policy_areas"] = codes
                before["policy_areas"] = current_codes
        if not isinstance(content.milestones, Keep):
            milestone_change = _milestones_change(commitment, content.milestones)
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
        # The names of the fields, translated when each email is rendered.
        labels = [
            _l("milestones")
            if name == "milestones"
            else getattr(Commitment._meta.get_field(name), "verbose_name", name)
            for name in proposed
        ]
        fields = format_lazy(", ".join("{}" for _label in labels), *labels)
        for jurisdiction in plan.jurisdictions.order_by("pk"):
            notify(
                to=_stakeholders(jurisdiction),
                template="email/change_proposed",
                key=f"change-proposed:{proposal.pk}",
                topic=Notification.Topic.REQUEST,
                jurisdiction=jurisdiction,
                link=_commitment_page(jurisdiction, commitment),
                context={
                    "proposal": proposal,
                    "commitment": commitment,
                    "plan": plan,
                    "proposer": actor.get_full_name(),
                    "fields": fields,
                    "closes": change_window_closes(commitment, plan),
                },
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


def _tell_proposer(proposal: ChangeProposal, *, approved: bool) -> None:
    """Email the person who proposed a change the stakeholder's decision, with a link to the
    commitment in the workspace of their own jurisdiction."""
    proposer = proposal.proposed_by
    if not proposer.is_active:
        return
    plan = proposal.commitment.plan
    jurisdiction = (
        plan.jurisdictions.filter(memberships__user=proposer).order_by("pk").first()
        or plan.lead_jurisdiction
    )
    notify(
        to=[proposer],
        template="email/change_decided",
        key=f"change-decided:{proposal.pk}",
        topic=Notification.Topic.DECISION,
        jurisdiction=jurisdiction,
        link=_commitment_page(jurisdiction, proposal.commitment),
        context={"proposal": proposal, "approved": approved},
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
        _amend(
            actor,
            commitment,
            CommitmentContent.from_json(proposal.content),
            approval=Approval(approved_by=actor),
            summary=proposal.summary,
            today=today,
        )
        proposal.state = ChangeProposal.State.APPROVED
        proposal.decided_by = actor
        proposal.decided_on = today
        proposal.decision_comment = comment.strip()
        save_recorded(proposal, actor, "change approved")
        _tell_proposer(proposal, approved=True)
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
        _tell_proposer(proposal, approved=False)
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
