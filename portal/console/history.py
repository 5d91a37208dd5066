"""The change history of a member's plans, commitments and tracker updates (docs/rules.md §2:
"every change ... keeps who, when and what changed"), read from django-simple-history.

Each historical record is compared with the one before it of the same object through
`diff_against`; many-to-many fields (a plan's members, a commitment's policy areas) are compared
from prefetched rows instead, and foreign keys are shown by name, so the whole history of one
member costs a fixed number of queries however long it is.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from action_plans.models import ActionPlan
from commitments.models import Commitment
from members.models import MonitoringBody, User
from tracker.models import TrackerUpdate

__all__ = ["Change", "HistoryEntry", "Segment", "change_history"]

# Bookkeeping and the parent links of a record: not what a person changed.
NOT_SHOWN = frozenset({"id", "created_at", "updated_at", "plan", "commitment", "lead_jurisdiction"})
# Text longer than this is shown as a word diff rather than as "old → new".
LONG_TEXT = 80
WORDS = 40  # the unchanged words kept around a change in a word diff, on each side

KIND_LABELS: dict[str, Promise] = {
    "+": _("created"),
    "~": _("changed"),
    "-": _("deleted"),
}


@dataclass(frozen=True)
class Segment:
    """A piece of a word diff: kept (" "), removed ("-") or added ("+")."""

    op: str
    text: str


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str
    segments: tuple[Segment, ...] = ()  # a word diff, for long text


@dataclass
class HistoryEntry:
    when: datetime
    who: User | None
    what: Promise  # plan, commitment, tracker update
    name: str
    kind: str  # "+", "~", "-"
    reason: str
    changes: list[Change] = field(default_factory=list)

    @property
    def kind_label(self) -> Promise:
        return KIND_LABELS.get(self.kind, KIND_LABELS["~"])


def change_history(plans: QuerySet[ActionPlan]) -> list[HistoryEntry]:
    """Every recorded change of the plans `plans`, their commitments and their tracker updates,
    newest first. `plans` is already restricted to what the reader may see (members.tenancy)."""
    plan_ids = plans.values("pk")
    commitment_ids = Commitment.objects.filter(plan_id__in=plan_ids).values("pk")
    sources: list[tuple[QuerySet[Any], Promise, str | None, str | None]] = [
        (
            ActionPlan.history.filter(id__in=plan_ids),
            _("action plan"),
            "historicalactionplan_jurisdictions_set",
            "jurisdiction",
        ),
        (
            Commitment.history.filter(id__in=commitment_ids),
            _("commitment"),
            "historicalcommitment_policy_areas_set",
            "policyarea",
        ),
        (
            TrackerUpdate.history.filter(commitment_id__in=commitment_ids),
            _("tracker update"),
            None,
            None,
        ),
    ]
    records: list[tuple[Any, Promise, str | None, str | None]] = []
    for queryset, what, m2m, target in sources:
        queryset = queryset.select_related("history_user").order_by("history_date", "history_id")
        if m2m is not None:
            queryset = queryset.prefetch_related(f"{m2m}__{target}")
        records.extend((record, what, m2m, target) for record in queryset)
    names = _related_names(record for record, *_ in records)
    # A tracker update is named by its quarter and its commitment's latest title.
    titles = {
        record.id: record.title
        for record, what, *_ in records
        if isinstance(record, Commitment.history.model)
    }

    entries: list[HistoryEntry] = []
    previous: dict[tuple[type[Model], Any], Any] = {}
    for record, what, m2m, target in records:
        key = (type(record), record.id)
        before = previous.get(key)
        previous[key] = record
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                what=what,
                name=_record_name(record, titles),
                kind=record.history_type,
                reason=record.history_change_reason or "",
                changes=_changes(record, before, names, m2m, target),
            )
        )
    # Newest first; records of one moment keep the order they were written in, reversed.
    order = {id(entry): index for index, entry in enumerate(entries)}
    entries.sort(key=lambda entry: (entry.when, order[id(entry)]), reverse=True)
    return entries


def _record_name(record: Any, titles: dict[int, str]) -> str:
    if isinstance(record, TrackerUpdate.history.model):
        return f"{record.quarter} · {titles.get(record.commitment_id, record.commitment_id)}"
    return str(record.title or record.ref)


def _related_names(records: Any) -> dict[str, dict[Any, str]]:
    """The names of the people and monitoring bodies the records point to: two queries."""
    users: set[int] = set()
    bodies: set[int] = set()
    for record in records:
        for name in ("submitted_by_id", "recorded_by_id", "withdrawal_approved_by_id"):
            if getattr(record, name, None):
                users.add(getattr(record, name))
        if getattr(record, "monitoring_body_id", None):
            bodies.add(record.monitoring_body_id)
    return {
        "user": {user.pk: str(user) for user in User.objects.filter(pk__in=users)} if users else {},
        "body": dict(MonitoringBody.objects.filter(pk__in=bodies).values_list("pk", "name"))
        if bodies
        else {},
    }


def _changes(
    record: Any,
    before: Any,
    names: dict[str, dict[Any, str]],
    m2m: str | None,
    target: str | None,
) -> list[Change]:
    model = record.instance_type
    shown = [
        f.name
        for f in record.tracked_fields
        if f.editable and f.name not in NOT_SHOWN and not f.many_to_many
    ]
    changes: list[Change] = []
    if before is None:
        # A creation is a diff from nothing: every field that has a value.
        for name in shown:
            new = _display(model, name, getattr(record, _attname(model, name)), names)
            if new:
                changes.append(_change(model, name, "", new))
    else:
        delta = record.diff_against(before, included_fields=shown)
        for item in delta.changes:
            changes.append(
                _change(
                    model,
                    item.field,
                    _display(model, item.field, item.old, names),
                    _display(model, item.field, item.new, names),
                )
            )
    if m2m is not None and target is not None:
        new_set = _m2m_names(record, m2m, target)
        old_set = _m2m_names(before, m2m, target) if before is not None else set()
        if new_set != old_set:
            label = str(model._meta.get_field(_m2m_field(model)).verbose_name)
            changes.append(Change(label, ", ".join(sorted(old_set)), ", ".join(sorted(new_set))))
    return changes


def _m2m_field(model: type[Model]) -> str:
    return next(f.name for f in model._meta.many_to_many)


def _m2m_names(record: Any, m2m: str, target: str) -> set[str]:
    return {str(getattr(row, target)) for row in getattr(record, m2m).all()}


def _attname(model: type[Model], name: str) -> str:
    return model._meta.get_field(name).attname  # type: ignore[union-attr]


def _display(model: type[Model], name: str, value: Any, names: dict[str, dict[Any, str]]) -> str:
    """A value as a person reads it: a choice's label, a person's or body's name, a date."""
    model_field: Any = model._meta.get_field(name)
    if model_field.choices and value in dict(model_field.flatchoices):
        return str(dict(model_field.flatchoices)[value])  # "" may be a choice: "not reviewed"
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if model_field.is_relation:
        kind = "body" if model_field.related_model is MonitoringBody else "user"
        return names[kind].get(value, f"#{value}")
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _change(model: type[Model], name: str, old: str, new: str) -> Change:
    label = str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    segments: tuple[Segment, ...] = ()
    if old and new and max(len(old), len(new)) > LONG_TEXT:
        segments = tuple(_word_diff(old, new))
    return Change(label, old, new, segments)


def _word_diff(old: str, new: str) -> list[Segment]:
    """Words removed and added between two texts, long unchanged runs shortened to their ends."""
    before, after = old.split(), new.split()
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            words = before[a1:a2]
            if len(words) > 2 * WORDS:
                words = [*words[:WORDS], "…", *words[-WORDS:]]
            segments.append(Segment(" ", " ".join(words)))
            continue
        if a2 > a1:
            segments.append(Segment("-", " ".join(before[a1:a2])))
        if b2 > b1:
            segments.append(Segment("+", " ".join(after[b1:b2])))
    return segments
