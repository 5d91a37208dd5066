"""Reads of the quarterly tracker pages (issue 4, item 4): a plan's reporting quarters and, for one
quarter, every commitment under implementation with its update and that update's history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from action_plans.models import ActionPlan
from commitments.models import Commitment
from members.tenancy import Action
from ogplocal.dates import Quarter, quarter_of
from tracker.models import EvidenceFile, TrackerUpdate
from tracker.services import is_reported_in


@dataclass
class QuarterRow:
    quarter: Quarter
    commitments: list[Commitment]
    updates: dict[int, TrackerUpdate] = field(default_factory=dict)

    @property
    def deadline(self) -> date:
        return self.quarter.deadline

    @property
    def submitted(self) -> int:
        return sum(1 for u in self.updates.values() if u.submitted_on is not None)

    @property
    def drafts(self) -> int:
        return sum(1 for u in self.updates.values() if u.submitted_on is None)

    def is_open(self, today: date) -> bool:
        """Written and corrected from the quarter's first day until its deadline (§3.1)."""
        return self.quarter.starts_on <= today <= self.quarter.deadline


def reporting_quarters(plan: ActionPlan, today: date) -> list[QuarterRow]:
    """The quarters of a submitted plan, from its submission's quarter to the earlier of its end's
    quarter and today's, that have a commitment under implementation, newest first. The plan's
    commitments and their updates are expected prefetched (no query here)."""
    if plan.submitted_on is None:
        return []
    commitments = list(plan.commitments.all())
    last = min(quarter_of(plan.ends_on), quarter_of(today))
    quarter = quarter_of(plan.submitted_on)
    rows: list[QuarterRow] = []
    while quarter <= last:
        reported = [c for c in commitments if is_reported_in(c, quarter)]
        if reported:
            updates = {
                c.pk: u for c in reported for u in c.updates.all() if u.quarter == str(quarter)
            }
            rows.append(QuarterRow(quarter, reported, updates))
        quarter = quarter.following()
    return list(reversed(rows))


def quarter_history(updates: list[TrackerUpdate]) -> dict[int, list[Any]]:
    """Every saved version of each update, newest first (one query)."""
    history: dict[int, list[Any]] = {u.pk: [] for u in updates}
    if not updates:
        return history
    for row in (
        TrackerUpdate.history.filter(id__in=list(history))
        .select_related("history_user")
        .order_by("-history_date")
    ):
        history[row.id].append(row)
    return history


def evidence_of(updates: list[TrackerUpdate], user: Any) -> dict[int, list[EvidenceFile]]:
    """The live evidence files of each update that `user` may read (one query, none without
    updates)."""
    files: dict[int, list[EvidenceFile]] = {u.pk: [] for u in updates}
    if not updates:
        return files
    for row in (
        EvidenceFile.objects.restrict(user, Action.VIEW_PRIVATE)
        .live()
        .filter(update_id__in=list(files))
        .order_by("pk")
    ):
        files[row.update_id].append(row)
    return files
