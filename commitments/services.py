"""Writing commitments into plans (docs/rules.md §3.1 "Commitments"): drafting them into a draft
plan,
adding one to a submitted plan while a slot is free, and the open slots the pages show.

The content every action takes is `commitments.content.CommitmentContent`; changing a commitment
(the change window, approvals, proposals) is `commitments.changes`; completing and withdrawing
one is `commitments.completion`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Min, Q
from django.utils.translation import gettext as _

from action_plans.models import ActionPlan, Meeting
from action_plans.requirements import commitment_limit, is_open_on
from action_plans.services import plan_today
from commitments.changes import Approval, check_approval, record_change
from commitments.content import (
    NOT_COMMITMENT_EDITOR,
    TEXT_FIELDS,
    CommitmentContent,
    check_content,
    given,
    policy_areas_of,
    save_milestones,
)
from commitments.models import Commitment
from members.models import User
from members.tenancy import Action, permitted_row
from ogplocal.exceptions import ActionRefused
from ogplocal.history import Keep, record_by, save_recorded


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
    """The §3.1 checks `add_commitment_to_submitted_plan` makes, which the pages show before
    anything is typed: the cap of open commitments and the plan's end. A draft plan takes
    commitments until submission, where their number is checked."""
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


def _new_commitment(plan: ActionPlan, ref: str, content: CommitmentContent) -> Commitment:
    """The commitment `content` describes, checked, not saved yet (what is not given is empty)."""
    if isinstance(content.starts_on, Keep) or isinstance(content.ends_on, Keep):
        raise TypeError("A new commitment is given its start and its end.")
    text = {name: given(getattr(content, name), "") for name in TEXT_FIELDS}
    check_content(text["title"], content.starts_on, content.ends_on, plan)
    return Commitment(
        plan=plan,
        ref=_check_ref(plan, ref),
        starts_on=content.starts_on,
        ends_on=content.ends_on,
        **text,
    )


def _save_new(commitment: Commitment, content: CommitmentContent, actor: User, reason: str) -> None:
    """Save a new commitment with its policy areas and milestones."""
    areas = policy_areas_of(given(content.policy_areas, ()))
    save_recorded(commitment, actor, reason)
    if areas:
        record_by(commitment, actor, "policy areas set")
        commitment.policy_areas.set(areas)
    save_milestones(commitment, given(content.milestones, ()), actor)


def create_commitment(
    *,
    actor: User,
    plan: ActionPlan,
    ref: str,
    content: CommitmentContent,
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
        commitment = _new_commitment(plan, ref, content)
        _save_new(commitment, content, actor, "commitment drafted")
    return commitment


def add_commitment_to_submitted_plan(
    *,
    actor: User,
    plan: ActionPlan,
    ref: str,
    content: CommitmentContent,
    co_creation_meeting: Meeting | None = None,
    approval: Approval | None = None,
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
        slots = commitment_slots(plan, today)
        if not slots.free:
            raise ActionRefused(slots.reason)
        commitment = _new_commitment(plan, ref, content)
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
            check_approval(approval, plan)
        else:
            raise ActionRefused(
                _(
                    "A commitment added to a submitted plan needs a record of its co-creation: a "
                    "co-creation meeting with non-governmental participants, or a stakeholder's "
                    "approval."
                ),
                field="co_creation_meeting",
            )
        commitment.added_on = today
        _save_new(commitment, content, actor, "commitment added to the submitted plan")
        if approval is not None and co_creation_meeting is None:
            record_change(
                commitment,
                plan,
                approval,
                _("Added to the submitted plan on %(day)s.") % {"day": today.isoformat()},
                actor,
                today,
            )
    return commitment
