"""A member's status and its reasons in plain words, for the pages and the emails (docs/rules.md
§3.3).

Each reason code has what it means and what to do about it, written for a Point of Contact.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Explanation:
    summary: Promise
    what_to_do: Promise


STATUS_SUMMARIES: dict[str, Promise] = {
    "active": _("Active: the member is taking part in OGP Local as the handbook asks."),
    "inactive": _(
        "Inactive: a deadline was missed or the tracker stalled; the member becomes active again "
        "as soon as it resumes."
    ),
    "voluntary_inactive": _(
        "Voluntarily inactive: the Support Unit approved a pause; no deadline runs against the "
        "member meanwhile."
    ),
    "probation": _(
        "On probation: the member acted contrary to the process; without a change within four "
        "months its membership is revoked."
    ),
    "revoked": _("Revoked: the membership ended. The Support Unit can reinstate the member."),
}

REASONS: dict[str, Explanation] = {
    "first_plan_overdue": Explanation(
        _("The first action plan was not submitted by its deadline."),
        _(
            "Submit the plan, or hold a co-creation meeting with non-governmental stakeholders: "
            "the plan is then due four months after it."
        ),
    ),
    "next_plan_overdue": Explanation(
        _("The next action plan was not submitted within four months of the previous plan's end."),
        _(
            "Submit the next plan, or hold a co-creation meeting with non-governmental "
            "stakeholders: the plan is then due four months after it."
        ),
    ),
    "tracker_not_updated": Explanation(
        _("The tracker was not updated in two consecutive quarters."),
        _("Submit a tracker update that shows progress on a commitment."),
    ),
    "tracker_no_progress": Explanation(
        _("The tracker showed no progress on any commitment in two consecutive quarters."),
        _("Submit a tracker update that shows progress on a commitment."),
    ),
    "voluntary": Explanation(
        _("The Support Unit approved a voluntary pause."),
        _("Nothing: the member is active again the day after the pause ends."),
    ),
    "inactive_6_months": Explanation(
        _("The member stayed inactive for six months."),
        _("End the inactivity (see the reason above); probation ends the same day."),
    ),
    "no_engagement_evidence": Explanation(
        _(
            "Fewer than two implementation meetings with non-governmental participants were held "
            "in the last twelve months."
        ),
        _("Hold and record an implementation meeting with non-governmental stakeholders."),
    ),
    "probation_4_months": Explanation(
        _("The member stayed on probation for four months."),
        _("Contact the OGP Support Unit about reinstatement."),
    ),
    "override": Explanation(
        _("The OGP Support Unit set this status."),
        _("The Support Unit's note says why and until when."),
    ),
}


def explain(code: str) -> Explanation:
    return REASONS[code]
