"""Requests a member files and the Support Unit's decisions about it (docs/rules.md §2, §3.3): the
extension of the first-plan deadline and the deadline the Support Unit sets, voluntary
inactivity, status overrides and their withdrawal, reinstatement. One keyword-only function per
action (docs/architecture.md).

Each action takes the acting user and `today` (default: today in the jurisdiction's time zone,
docs/rules.md §2), finds its objects only through `permitted_row(actor, action)`, and refuses with
ActionRefused. A missing object and a forbidden one get the same neutral refusal, so a refusal
never tells a person that something they may not see exists (docs/architecture.md); views that
fetch the object first give their own 404 before the action is called. Whoever must act on a
request, or hear of a decision, is told by an email decided in the same transaction
(members.outbox).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from members.models import (
    Decision,
    ExtensionRequest,
    Jurisdiction,
    Notification,
    Reinstatement,
    Status,
    StatusOverride,
    User,
    VoluntaryInactivityRequest,
)
from members.outbox import notify, points_of_contact, support_unit
from members.services import SUPPORT_UNIT_ONLY
from members.tenancy import Action, permitted_row
from ogplocal.dates import local_today
from ogplocal.exceptions import ActionRefused
from ogplocal.history import require_reason, save_recorded

NOT_POC_OF_JURISDICTION = _l("Only the jurisdiction's Point of Contact may file this request.")


def _first_plan_submitted(jurisdiction: Jurisdiction) -> bool:
    return jurisdiction.action_plans.filter(submitted_on__isnull=False).exists()


def request_extension(
    *,
    actor: User,
    jurisdiction: Jurisdiction,
    requested_until: date,
    reason: str,
    today: date | None = None,
) -> ExtensionRequest:
    """The POC asks the Support Unit to move the first-plan deadline (§3.3 `first_plan_overdue`).

    Extensions exist for the first plan only, so the request is refused once a plan was
    submitted. One request waits for a decision at a time.
    """
    with transaction.atomic():
        jurisdiction = permitted_row(
            Jurisdiction,
            actor=actor,
            action=Action.SUBMIT,
            pk=jurisdiction.pk,
            refusal=str(NOT_POC_OF_JURISDICTION),
            lock=True,
        )
        today = today or local_today(jurisdiction)
        if _first_plan_submitted(jurisdiction):
            raise ActionRefused(
                _(
                    "%(jurisdiction)s has already submitted an action plan; extensions are only "
                    "for the first plan."
                )
                % {"jurisdiction": jurisdiction.name}
            )
        if jurisdiction.extension_requests.filter(decision=Decision.PENDING).exists():
            raise ActionRefused(
                _("An extension request is already waiting for the Support Unit's decision.")
            )
        if requested_until <= today:
            raise ActionRefused(
                _("Ask for a date after today (%(today)s).") % {"today": today.isoformat()},
                field="requested_until",
            )
        request = ExtensionRequest(
            jurisdiction=jurisdiction,
            requested_by=actor,
            requested_on=today,
            requested_until=requested_until,
            reason=require_reason(reason, what=_("the extension")),
        )
        save_recorded(request, actor, "extension requested")
        notify(
            to=support_unit(),
            template="email/extension_requested",
            key=f"extension-requested:{request.pk}",
            topic=Notification.Topic.REQUEST,
            jurisdiction=jurisdiction,
            link=reverse(
                "console_decide_extension", kwargs={"slug": jurisdiction.slug, "pk": request.pk}
            ),
            context={"request": request},
        )
    return request


def decide_extension(
    *,
    actor: User,
    request: ExtensionRequest,
    grant: bool,
    granted_until: date | None = None,
    reason: str = "",
    today: date | None = None,
) -> ExtensionRequest:
    """The Support Unit grants (until a date) or refuses an extension request.

    The decision is dated the day it is made and takes effect from that day (§2); a granted date
    must not be in the past.
    """
    with transaction.atomic():
        request = permitted_row(
            ExtensionRequest,
            actor=actor,
            action=Action.DECIDE,
            pk=request.pk,
            refusal=str(SUPPORT_UNIT_ONLY),
            lock=True,
            related=("jurisdiction",),
        )
        today = today or local_today(request.jurisdiction)
        if request.decision != Decision.PENDING:
            raise ActionRefused(
                _("This request was already decided on %(day)s.")
                % {"day": request.decided_on.isoformat() if request.decided_on else ""}
            )
        if grant:
            if granted_until is None:
                raise ActionRefused(
                    _("Say until when the extension is granted."), field="granted_until"
                )
            if granted_until < today:
                raise ActionRefused(
                    _("An extension cannot end before the day it is granted (%(today)s).")
                    % {"today": today.isoformat()},
                    field="granted_until",
                )
            request.granted_until = granted_until
        else:
            reason = require_reason(reason, what=_("refusing the extension"))
        request.decision = Decision.GRANTED if grant else Decision.REFUSED
        request.decided_on = today
        request.decided_by = actor
        request.decision_reason = reason.strip()
        save_recorded(request, actor, f"extension {request.decision}")
        _tell_pocs_of_decision(
            request.jurisdiction,
            key=f"extension-decided:{request.pk}",
            decision="extension_granted" if grant else "extension_refused",
            reason=request.decision_reason,
            link=_requests_page(request.jurisdiction),
            day=request.granted_until,
        )
    return request


def _tell_pocs_of_decision(
    jurisdiction: Jurisdiction,
    *,
    key: str,
    decision: str,
    reason: str,
    link: str,
    **facts: Any,
) -> None:
    """Email the member's Points of Contact a decision of the Support Unit: `decision` names its
    sentence in templates/email/decision.txt, `facts` its dates and status."""
    notify(
        to=points_of_contact([jurisdiction]),
        template="email/decision",
        key=key,
        topic=Notification.Topic.DECISION,
        jurisdiction=jurisdiction,
        link=link,
        context={"decision": decision, "reason": reason, **facts},
    )


def _requests_page(jurisdiction: Jurisdiction) -> str:
    return reverse("workspace_requests", kwargs={"slug": jurisdiction.slug})


def _workspace(jurisdiction: Jurisdiction) -> str:
    return reverse("workspace", kwargs={"slug": jurisdiction.slug})


def set_first_plan_deadline(
    *,
    actor: User,
    jurisdiction: Jurisdiction,
    deadline: date,
    reason: str = "",
    today: date | None = None,
) -> ExtensionRequest:
    """The Support Unit sets a member's first-plan deadline.

    §2: "changing a first-plan deadline is recorded as a granted extension with its decision
    date, so the past is never rewritten": `Jurisdiction.first_plan_deadline` is left as it is
    and a granted ExtensionRequest asked and decided today records the new date; the rules take
    the most recently decided one (members.rules, `first_plan_due`).
    """
    with transaction.atomic():
        jurisdiction = permitted_row(
            Jurisdiction,
            actor=actor,
            action=Action.DECIDE,
            pk=jurisdiction.pk,
            refusal=str(SUPPORT_UNIT_ONLY),
            lock=True,
        )
        today = today or local_today(jurisdiction)
        if _first_plan_submitted(jurisdiction):
            raise ActionRefused(
                _("%(jurisdiction)s has already submitted its first action plan.")
                % {"jurisdiction": jurisdiction.name}
            )
        if deadline < today:
            raise ActionRefused(
                _("A deadline set today (%(today)s) cannot be in the past.")
                % {"today": today.isoformat()},
                field="deadline",
            )
        request = ExtensionRequest(
            jurisdiction=jurisdiction,
            requested_by=actor,
            requested_on=today,
            requested_until=deadline,
            decision=Decision.GRANTED,
            decided_on=today,
            decided_by=actor,
            granted_until=deadline,
            reason=reason.strip() or _("First-plan deadline set by the Support Unit."),
            decision_reason=reason.strip(),
        )
        save_recorded(request, actor, "first-plan deadline set")
        _tell_pocs_of_decision(
            jurisdiction,
            key=f"first-plan-deadline:{request.pk}",
            decision="first_plan_deadline",
            reason=reason.strip(),
            link=_workspace(jurisdiction),
            day=deadline,
        )
    return request


def request_voluntary_inactivity(
    *,
    actor: User,
    jurisdiction: Jurisdiction,
    starts_on: date,
    ends_on: date,
    reason: str,
    today: date | None = None,
) -> VoluntaryInactivityRequest:
    """The POC asks to pause as voluntarily inactive from `starts_on` to `ends_on` (§3.3)."""
    with transaction.atomic():
        jurisdiction = permitted_row(
            Jurisdiction,
            actor=actor,
            action=Action.SUBMIT,
            pk=jurisdiction.pk,
            refusal=str(NOT_POC_OF_JURISDICTION),
            lock=True,
        )
        today = today or local_today(jurisdiction)
        if starts_on < today:
            raise ActionRefused(
                _("A pause cannot start before today (%(today)s).") % {"today": today.isoformat()},
                field="starts_on",
            )
        if ends_on < starts_on:
            raise ActionRefused(_("The pause ends before it starts."), field="ends_on")
        if jurisdiction.voluntary_inactivity_requests.filter(decision=Decision.PENDING).exists():
            raise ActionRefused(
                _("A voluntary-inactivity request is already waiting for a decision.")
            )
        request = VoluntaryInactivityRequest(
            jurisdiction=jurisdiction,
            requested_by=actor,
            requested_on=today,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=require_reason(reason, what=_("the pause")),
        )
        save_recorded(request, actor, "voluntary inactivity requested")
        notify(
            to=support_unit(),
            template="email/pause_requested",
            key=f"pause-requested:{request.pk}",
            topic=Notification.Topic.REQUEST,
            jurisdiction=jurisdiction,
            link=reverse(
                "console_decide_voluntary", kwargs={"slug": jurisdiction.slug, "pk": request.pk}
            ),
            context={"request": request},
        )
    return request


def decide_voluntary_inactivity(
    *,
    actor: User,
    request: VoluntaryInactivityRequest,
    approve: bool,
    reason: str = "",
    today: date | None = None,
) -> VoluntaryInactivityRequest:
    """The Support Unit approves or refuses a voluntary pause.

    §3.3: it "may be approved only for an active member, from its approval day on": the member's
    status is read from the stored status (`Jurisdiction.status`, the cache the daily job keeps),
    and a pause that would start before the approval day is refused rather than shortened, so
    the member sees the dates it asked for or none.
    """
    with transaction.atomic():
        request = permitted_row(
            VoluntaryInactivityRequest,
            actor=actor,
            action=Action.DECIDE,
            pk=request.pk,
            refusal=str(SUPPORT_UNIT_ONLY),
            lock=True,
            related=("jurisdiction",),
        )
        jurisdiction = request.jurisdiction
        today = today or local_today(jurisdiction)
        if request.decision != Decision.PENDING:
            raise ActionRefused(
                _("This request was already decided on %(day)s.")
                % {"day": request.decided_on.isoformat() if request.decided_on else ""}
            )
        if approve:
            if jurisdiction.status != Status.ACTIVE:
                raise ActionRefused(
                    _(
                        "%(jurisdiction)s is %(status)s; a voluntary pause may be approved only "
                        "for an active member."
                    )
                    % {
                        "jurisdiction": jurisdiction.name,
                        "status": jurisdiction.get_status_display(),
                    }
                )
            if request.starts_on < today:
                raise ActionRefused(
                    _(
                        "The pause was asked from %(from)s, before today (%(today)s); a pause "
                        "takes effect no earlier than its approval. Ask the member for new dates."
                    )
                    % {"from": request.starts_on.isoformat(), "today": today.isoformat()}
                )
        else:
            reason = require_reason(reason, what=_("refusing the pause"))
        request.decision = Decision.GRANTED if approve else Decision.REFUSED
        request.decided_on = today
        request.decided_by = actor
        request.decision_reason = reason.strip()
        save_recorded(request, actor, f"voluntary inactivity {request.decision}")
        _tell_pocs_of_decision(
            jurisdiction,
            key=f"pause-decided:{request.pk}",
            decision="pause_approved" if approve else "pause_refused",
            reason=request.decision_reason,
            link=_requests_page(jurisdiction),
            day=request.starts_on,
            until=request.ends_on,
        )
    return request


def override_status(
    *,
    actor: User,
    jurisdiction: Jurisdiction,
    status: Status | str,
    starts_on: date,
    reason: str,
    ends_on: date | None = None,
    today: date | None = None,
) -> StatusOverride:
    """The Support Unit shows `status` from `starts_on` (not before today) with a written reason."""
    with transaction.atomic():
        jurisdiction = permitted_row(
            Jurisdiction,
            actor=actor,
            action=Action.DECIDE,
            pk=jurisdiction.pk,
            refusal=str(SUPPORT_UNIT_ONLY),
            lock=True,
        )
        today = today or local_today(jurisdiction)
        reason = require_reason(reason, what=_("the override"))
        try:
            status = Status(status)
        except ValueError:
            raise ActionRefused(_("Choose a status."), field="status") from None
        if status == Status.VOLUNTARY_INACTIVE:
            raise ActionRefused(
                _("Voluntary inactivity is approved from the member's request, not overridden."),
                field="status",
            )
        if starts_on < today:
            raise ActionRefused(
                _("An override takes effect no earlier than today (%(today)s).")
                % {"today": today.isoformat()},
                field="starts_on",
            )
        if ends_on is not None and ends_on < starts_on:
            raise ActionRefused(_("The override ends before it starts."), field="ends_on")
        override = StatusOverride(
            jurisdiction=jurisdiction,
            status=status,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            decided_by=actor,
        )
        save_recorded(override, actor, "status overridden")
        _tell_pocs_of_decision(
            jurisdiction,
            key=f"override:{override.pk}",
            decision="override",
            reason=reason,
            link=_workspace(jurisdiction),
            status=status,
            day=starts_on,
        )
    return override


def withdraw_override(
    *,
    actor: User,
    override: StatusOverride,
    reason: str = "",
    today: date | None = None,
) -> StatusOverride:
    """The Support Unit withdraws an override; from today it no longer shows (§3.3).

    The written reason, when given, is kept as the history's change reason and emailed.
    """
    with transaction.atomic():
        override = permitted_row(
            StatusOverride,
            actor=actor,
            action=Action.DECIDE,
            pk=override.pk,
            refusal=str(SUPPORT_UNIT_ONLY),
            lock=True,
            related=("jurisdiction",),
        )
        today = today or local_today(override.jurisdiction)
        if override.withdrawn_on is not None:
            raise ActionRefused(
                _("This override was already withdrawn on %(day)s.")
                % {"day": override.withdrawn_on.isoformat()}
            )
        if override.ends_on is not None and override.ends_on < today:
            raise ActionRefused(
                _("This override already ended on %(day)s.") % {"day": override.ends_on.isoformat()}
            )
        override.withdrawn_on = today
        reason = reason.strip()
        # The history keeps the reason (shortened to its 100 characters); the email all of it.
        save_recorded(
            override,
            actor,
            f"override withdrawn: {reason}" if reason else "override withdrawn",
            update_fields=["withdrawn_on"],
        )
        _tell_pocs_of_decision(
            override.jurisdiction,
            key=f"override-withdrawn:{override.pk}",
            decision="override_withdrawn",
            reason=reason,
            link=_workspace(override.jurisdiction),
            day=override.starts_on,
        )
    return override


def reinstate_member(
    *,
    actor: User,
    jurisdiction: Jurisdiction,
    reason: str,
    today: date | None = None,
) -> Reinstatement:
    """The Support Unit reinstates a revoked member: active from today (§3.3 "Reinstatement").

    Only a revoked member, as the stored status says (`Jurisdiction.status`).
    """
    with transaction.atomic():
        jurisdiction = permitted_row(
            Jurisdiction,
            actor=actor,
            action=Action.DECIDE,
            pk=jurisdiction.pk,
            refusal=str(SUPPORT_UNIT_ONLY),
            lock=True,
        )
        today = today or local_today(jurisdiction)
        reason = require_reason(reason, what=_("the reinstatement"))
        if jurisdiction.status != Status.REVOKED:
            raise ActionRefused(
                _("%(jurisdiction)s is %(status)s; only a revoked member can be reinstated.")
                % {"jurisdiction": jurisdiction.name, "status": jurisdiction.get_status_display()}
            )
        if jurisdiction.reinstatements.filter(on=today).exists():
            raise ActionRefused(_("This member was already reinstated today."))
        reinstatement = Reinstatement(
            jurisdiction=jurisdiction, on=today, reason=reason, decided_by=actor
        )
        save_recorded(reinstatement, actor, "member reinstated")
        _tell_pocs_of_decision(
            jurisdiction,
            key=f"reinstated:{reinstatement.pk}",
            decision="reinstated",
            reason=reason,
            link=_workspace(jurisdiction),
            day=today,
        )
    return reinstatement
