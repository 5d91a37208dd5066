"""Completing and withdrawing commitments (docs/rules.md §3.1 "Commitments"): a POC or officer
records a completion; the POC asks for a withdrawal, which the Support Unit decides (a withdrawn
commitment frees its slot from the day of approval)."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from action_plans.services import plan_today
from commitments.content import NOT_COMMITMENT_EDITOR
from commitments.models import Commitment
from members.models import Jurisdiction, Notification, User
from members.outbox import notify, points_of_contact, support_unit
from members.tenancy import Action, permitted_row
from ogplocal.exceptions import ActionRefused
from ogplocal.history import save_recorded

NOT_POC = _l("Only the plan's Point of Contact may ask for a commitment to be withdrawn.")
NOT_SUPPORT_UNIT = _l("Only the OGP Support Unit may decide a withdrawal.")


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
        lead = commitment.plan.lead_jurisdiction
        # Asked again after a refusal, it is another email: each request has a key of its own.
        notify(
            to=support_unit(),
            template="email/withdrawal_requested",
            key=f"withdrawal-requested:{commitment.pk}:{uuid.uuid4().hex}",
            topic=Notification.Topic.REQUEST,
            jurisdiction=lead,
            link=reverse(
                "console_decide_withdrawal", kwargs={"slug": lead.slug, "pk": commitment.pk}
            ),
            context={"commitment": commitment},
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
        decision = uuid.uuid4().hex  # a refusal may be asked again and refused again
        for jurisdiction in plan.jurisdictions.order_by("pk"):
            notify(
                to=points_of_contact([jurisdiction]),
                template="email/withdrawal_decided",
                key=f"withdrawal-decided:{commitment.pk}:{decision}",
                topic=Notification.Topic.DECISION,
                jurisdiction=jurisdiction,
                link=_commitment_page(jurisdiction, commitment),
                context={
                    "commitment": commitment,
                    "approved": approve,
                    "comments": comments.strip(),
                },
            )
    return commitment


def _commitment_page(jurisdiction: Jurisdiction, commitment: Commitment) -> str:
    return reverse(
        "commitment_detail",
        kwargs={"slug": jurisdiction.slug, "pk": commitment.plan_id, "cpk": commitment.pk},
    )
