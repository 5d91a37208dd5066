"""Business actions on quarterly tracker updates (DESIGN.md §3.1 "Tracker updates", §3.2)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from action_plans.services import plan_today
from commitments.models import Commitment
from members.models import User
from members.rules import Quarter, parse_quarter, quarter_deadline
from members.services import KEEP, Keep, permitted_row, save_recorded
from members.tenancy import Action
from ogplocal.exceptions import ActionRefused
from tracker.models import Completion, TrackerUpdate

NOT_REPORTER = _l(
    "Only the plan's Point of Contact or government officers may record tracker updates."
)
MILESTONE_STATES = frozenset({"not_started", "in_progress", "done"})


def _quarter(text: str) -> Quarter:
    try:
        return parse_quarter(text)
    except ValueError:
        raise ActionRefused(_("A quarter is written like 2027Q2."), field="quarter") from None


def _check_open_for_reporting(commitment: Commitment, quarter: Quarter, today: date) -> None:
    """The update may be written on `today` (§3.1, §3.2 "reporting quarter")."""
    plan = commitment.plan
    if plan.submitted_on is None:
        raise ActionRefused(_("Progress is reported once the plan is submitted."))
    if quarter.starts_on > today:
        raise ActionRefused(
            _("%(quarter)s has not started yet.") % {"quarter": quarter}, field="quarter"
        )
    deadline = quarter_deadline(quarter)
    if today > deadline:
        raise ActionRefused(
            _(
                "The update for %(quarter)s was due by %(deadline)s; after that day it is "
                "frozen and can no longer be written or corrected."
            )
            % {"quarter": quarter, "deadline": deadline.isoformat()},
            field="quarter",
        )
    # Reading (§3.2): a quarter is reported on when it ends on or after the plan's submission
    # (for a commitment added later, on or after the day it was added), starts on or before the
    # plan's end, and the commitment was under implementation in it: started by the quarter's
    # end, neither completed nor withdrawn before its start.
    added = commitment.added_on or plan.submitted_on
    under_implementation = (
        quarter.ends_on >= added
        and quarter.starts_on <= plan.ends_on
        and commitment.starts_on <= quarter.ends_on
        and not (commitment.completed_on and commitment.completed_on < quarter.starts_on)
        and not (commitment.withdrawn_on and commitment.withdrawn_on < quarter.starts_on)
    )
    if not under_implementation:
        raise ActionRefused(
            _(
                "“%(title)s” was not under implementation in %(quarter)s; there is nothing to "
                "report."
            )
            % {"title": commitment.title, "quarter": quarter},
            field="quarter",
        )


def _clean_percent(percent: int) -> int:
    if not 0 <= percent <= 100:
        raise ActionRefused(_("Percent complete is between 0 and 100."), field="percent")
    return percent


def _clean_completion(completion: str) -> str:
    if completion and completion not in Completion.values:
        raise ActionRefused(_("Choose a completion level."), field="completion")
    return completion


def _clean_milestones(commitment: Commitment, states: Mapping[str, str]) -> dict[str, str]:
    ids = (
        {str(pk) for pk in commitment.milestones.values_list("pk", flat=True)} if states else set()
    )
    cleaned: dict[str, str] = {}
    for key, state in states.items():
        if str(key) not in ids or state not in MILESTONE_STATES:
            raise ActionRefused(
                _(
                    "A milestone state is not started, in progress or done, for this commitment's "
                    "milestones."
                ),
                field="milestone_states",
            )
        cleaned[str(key)] = state
    return cleaned


def record_tracker_update(
    *,
    actor: User,
    commitment: Commitment,
    quarter: str,
    percent: int,
    completion: str = "",
    narrative: str = "",
    milestone_states: Mapping[str, str] | None = None,
    evidence_links: Sequence[str] = (),
    submit: bool = False,
    today: date | None = None,
) -> TrackerUpdate:
    """A POC or officer writes the one update of a commitment for a quarter, as a draft or
    submitted (`submit`: submitted today).

    One per commitment and quarter (§3.1): the commitment row is locked before looking, so two
    people writing the first update at once get one update; the second is told to correct it.
    An update already there is changed with `correct_tracker_update`.
    """
    parsed = _quarter(quarter)
    with transaction.atomic():
        commitment = permitted_row(
            Commitment,
            actor=actor,
            action=Action.EDIT,
            pk=commitment.pk,
            refusal=str(NOT_REPORTER),
            lock=True,
            related=("plan", "plan__lead_jurisdiction"),
        )
        today = plan_today(commitment.plan, today)
        _check_open_for_reporting(commitment, parsed, today)
        refusal = ActionRefused(
            _("“%(title)s” already has an update for %(quarter)s: correct that one instead.")
            % {"title": commitment.title, "quarter": parsed},
            field="quarter",
        )
        if TrackerUpdate.objects.filter(commitment=commitment, quarter=str(parsed)).exists():
            raise refusal
        update = TrackerUpdate(
            commitment=commitment,
            quarter=str(parsed),
            percent=_clean_percent(percent),
            completion=_clean_completion(completion),
            narrative=narrative.strip(),
            milestone_states=_clean_milestones(commitment, milestone_states or {}),
            evidence_links=[link.strip() for link in evidence_links if link.strip()],
            recorded_by=actor,
            submitted_on=today if submit else None,
        )
        try:
            with transaction.atomic():
                save_recorded(update, actor, "submitted" if submit else "draft saved")
        except IntegrityError:  # the database's own guard, should the lock ever be bypassed
            raise refusal from None
    return update


def correct_tracker_update(
    *,
    actor: User,
    update: TrackerUpdate,
    percent: int | Keep = KEEP,
    completion: str | Keep = KEEP,
    narrative: str | Keep = KEEP,
    milestone_states: Mapping[str, str] | Keep = KEEP,
    evidence_links: Sequence[str] | Keep = KEEP,
    submit: bool = False,
    today: date | None = None,
) -> TrackerUpdate:
    """A POC or officer corrects an update, or submits a draft, until the quarter's deadline.

    After the deadline it is frozen (§3.1). Every correction is a new history row, so what was
    reported before stays readable. Reading (§3.2): a correction does not move `submitted_on`:
    the update was submitted, and the deadline met, on the day it was first submitted.
    """
    with transaction.atomic():
        update = permitted_row(
            TrackerUpdate,
            actor=actor,
            action=Action.EDIT,
            pk=update.pk,
            refusal=str(NOT_REPORTER),
            lock=True,
            related=("commitment", "commitment__plan", "commitment__plan__lead_jurisdiction"),
        )
        commitment = update.commitment
        today = plan_today(commitment.plan, today)
        _check_open_for_reporting(commitment, _quarter(update.quarter), today)
        changed: list[str] = []
        if not isinstance(percent, Keep) and update.percent != _clean_percent(percent):
            update.percent = percent
            changed.append("percent")
        if not isinstance(completion, Keep) and update.completion != _clean_completion(completion):
            update.completion = completion
            changed.append("completion")
        if not isinstance(narrative, Keep) and update.narrative != narrative.strip():
            update.narrative = narrative.strip()
            changed.append("narrative")
        if not isinstance(milestone_states, Keep):
            states = _clean_milestones(commitment, milestone_states)
            if states != update.milestone_states:
                update.milestone_states = states
                changed.append("milestone_states")
        if not isinstance(evidence_links, Keep):
            links = [link.strip() for link in evidence_links if link.strip()]
            if links != update.evidence_links:
                update.evidence_links = links
                changed.append("evidence_links")
        submitting = submit and update.submitted_on is None
        if submitting:
            update.submitted_on = today
            changed.append("submitted_on")
        if changed:
            update.recorded_by = actor
            reason = "submitted" if submitting else "corrected"
            save_recorded(update, actor, f"{reason}: {', '.join(changed)}")
    return update
