"""The content of a commitment (docs/rules.md §3.1 "Changes"): the one value every commitment action
takes (writing one, adding one to a submitted plan, amending one, proposing a change, applying an
approved one), and the checks of that content they share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from action_plans.models import ActionPlan
from commitments.models import Commitment, Milestone, PolicyArea
from members.models import User
from ogplocal.exceptions import ActionRefused
from ogplocal.history import KEEP, Keep, save_recorded

NOT_COMMITMENT_EDITOR = _l(
    "Only the plan's Point of Contact or government officers may change its commitments."
)

# The columns of a commitment's content; "lead agency and partners" are one fact (§2).
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
DATE_FIELDS = frozenset({"starts_on", "ends_on"})
TEXT_FIELDS = tuple(name for name in CONTENT_FIELDS if name not in DATE_FIELDS)


@dataclass(frozen=True)
class MilestoneInput:
    """A milestone as a form gives it; `id` names an existing one to change."""

    title: str
    due_on: date | None = None
    done_on: date | None = None
    id: int | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MilestoneInput:
        """A milestone as `milestone_json` wrote it."""
        return cls(
            title=data["title"],
            due_on=date.fromisoformat(data["due_on"]) if data.get("due_on") else None,
            done_on=date.fromisoformat(data["done_on"]) if data.get("done_on") else None,
            id=data.get("id"),
        )


def milestone_json(m: Milestone | MilestoneInput) -> dict[str, Any]:
    """A milestone, given or stored, as a change proposal keeps it."""
    return {
        "id": m.id if isinstance(m, MilestoneInput) else m.pk,
        "title": m.title.strip(),
        "due_on": m.due_on.isoformat() if m.due_on else None,
        "done_on": m.done_on.isoformat() if m.done_on else None,
    }


@dataclass(frozen=True)
class CommitmentContent:
    """What a commitment says: the columns of `CONTENT_FIELDS`, its policy areas (by code) and
    its milestones.

    A field left at KEEP is not given: a change keeps the commitment's value, a new commitment
    takes it empty (its dates are always given). Text is kept stripped. Milestones left out of
    a change stay as they are (a milestone is never deleted, §2).
    """

    title: str | Keep = KEEP
    problem: str | Keep = KEEP
    status_quo: str | Keep = KEEP
    actions: str | Keep = KEEP
    objectives: str | Keep = KEEP
    lead_agency: str | Keep = KEEP
    partners: str | Keep = KEEP
    starts_on: date | Keep = KEEP
    ends_on: date | Keep = KEEP
    policy_areas: Sequence[str] | Keep = KEEP
    milestones: Sequence[MilestoneInput] | Keep = KEEP

    def __post_init__(self) -> None:
        for name in TEXT_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, value.strip())
        for name in ("policy_areas", "milestones"):
            value = getattr(self, name)
            if not isinstance(value, Keep):
                object.__setattr__(self, name, tuple(value))

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CommitmentContent:
        """The content fields found in `data` (a form's cleaned data, an API request's validated
        data; other keys are left out), milestones as `MilestoneInput`s or mappings of theirs."""
        given = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        if "milestones" in given:
            given["milestones"] = [
                m if isinstance(m, MilestoneInput) else MilestoneInput(**m)
                for m in given["milestones"]
            ]
        return cls(**given)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CommitmentContent:
        """The content a change proposal keeps: dates as ISO text, milestones as
        `milestone_json` wrote them."""
        given = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        for name in DATE_FIELDS & given.keys():
            given[name] = date.fromisoformat(given[name])
        if "milestones" in given:
            given["milestones"] = [MilestoneInput.from_json(m) for m in given["milestones"]]
        return cls(**given)

    def column_changes(self, commitment: Commitment) -> dict[str, tuple[Any, Any]]:
        """{name: (now, given)} for each column given with a value other than the commitment's,
        in the order of `CONTENT_FIELDS`."""
        changes = {}
        for name in CONTENT_FIELDS:
            value, current = getattr(self, name), getattr(commitment, name)
            if not isinstance(value, Keep) and value != current:
                changes[name] = (current, value)
        return changes


def given[T](value: T | Keep, otherwise: T) -> T:
    """`value`, or `otherwise` when it was not given."""
    return otherwise if isinstance(value, Keep) else value


def check_content(title: str, starts_on: date, ends_on: date, plan: ActionPlan) -> None:
    """§3.1: a commitment has a title and ends on or after its start and by the plan's end."""
    if not title:
        raise ActionRefused(_("Give the commitment a title."), field="title")
    if ends_on < starts_on:
        raise ActionRefused(_("A commitment must end on or after its start."), field="ends_on")
    if ends_on > plan.ends_on:
        raise ActionRefused(
            _("The commitment ends on %(ends)s, after the plan ends (%(plan_ends)s).")
            % {"ends": ends_on.isoformat(), "plan_ends": plan.ends_on.isoformat()},
            field="ends_on",
        )


def policy_areas_of(codes: Sequence[str]) -> list[PolicyArea]:
    """The policy areas of `codes`; refused when one is unknown."""
    wanted = {code.strip() for code in codes if code.strip()}
    areas = list(PolicyArea.objects.filter(code__in=wanted))
    unknown = sorted(wanted - {area.code for area in areas})
    if unknown:
        raise ActionRefused(
            _("Unknown policy area(s): %(codes)s.") % {"codes": ", ".join(unknown)},
            field="policy_areas",
        )
    return areas


def checked_milestone(
    milestone: MilestoneInput, existing: dict[int, Milestone]
) -> Milestone | None:
    """The commitment's milestone that `milestone` changes (`existing`: its milestones by pk), or
    None for a new one; refused without a title or naming another commitment's milestone."""
    if not milestone.title.strip():
        raise ActionRefused(_("Every milestone needs a title."), field="milestones")
    if milestone.id is None:
        return None
    if milestone.id not in existing:
        raise ActionRefused(
            _("That milestone is not one of this commitment's."), field="milestones"
        )
    return existing[milestone.id]


def save_milestones(
    commitment: Commitment, milestones: Sequence[MilestoneInput], actor: User
) -> None:
    """Create or change milestones; one left out stays (a milestone is never deleted, §2)."""
    existing = {m.pk: m for m in commitment.milestones.all()}
    for position, given_milestone in enumerate(milestones):
        title = given_milestone.title.strip()
        milestone = checked_milestone(given_milestone, existing)
        if milestone is not None:
            values = (title, given_milestone.due_on, given_milestone.done_on, position)
            if (milestone.title, milestone.due_on, milestone.done_on, milestone.position) == values:
                continue
            milestone.title, milestone.due_on, milestone.done_on, milestone.position = values
        else:
            milestone = Milestone(
                commitment=commitment,
                title=title,
                due_on=given_milestone.due_on,
                done_on=given_milestone.done_on,
                position=position,
            )
        save_recorded(milestone, actor, "milestone saved")
