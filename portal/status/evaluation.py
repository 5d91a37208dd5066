"""Evaluating members' status and storing it as the cache of docs/rules.md §3.3 "Determinism".

`evaluate_members` is the read (loader + rules); `save_evaluations` stores the result: each
jurisdiction's cached status and its transitions as `StatusChange` rows. It is what the daily
Celery job calls, batch by batch, so it stays a plain function.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from members import rules
from members.models import Jurisdiction, StatusChange, User
from ogplocal.dates import local_today
from ogplocal.exceptions import ActionRefused
from ogplocal.history import save_recorded
from ogplocal.public_cache import derived
from portal.status.loader import load_facts

__all__ = [
    "BATCH_SIZE",
    "MemberEvaluation",
    "evaluate_members",
    "evaluation_of",
    "save_evaluations",
]

# Members evaluated and stored per transaction: the loader's fixed queries cover a batch.
BATCH_SIZE = 500


@dataclass(frozen=True)
class MemberEvaluation:
    jurisdiction_id: int
    slug: str
    as_of: date
    evaluation: rules.Evaluation
    # Filled by `save_evaluations`: whether the cached status, since or reasons changed.
    changed: bool = False

    def as_dict(self) -> dict[str, Any]:
        """One element of `evaluate_status --json` (docs/exchange.md §5)."""
        return {"jurisdiction": self.slug, **self.evaluation.as_dict()}


def by_local_today(
    as_of: date | None, jurisdictions: QuerySet[Jurisdiction] | None
) -> list[tuple[date, QuerySet[Jurisdiction]]]:
    """The jurisdictions grouped by the day to evaluate them on: `as_of`, or when it is None each
    one's own today (docs/rules.md §2: every "today" of the rules is taken in its time zone)."""
    queryset = Jurisdiction.objects.all() if jurisdictions is None else jurisdictions
    if as_of is not None:
        return [(as_of, queryset)]
    now = timezone.now()
    groups: dict[date, list[int]] = defaultdict(list)
    for pk, time_zone in queryset.order_by("pk").values_list("pk", "time_zone"):
        groups[local_today(time_zone, now=now)].append(pk)
    return [(day, Jurisdiction.objects.filter(pk__in=ids)) for day, ids in sorted(groups.items())]


def evaluate_members(
    *, as_of: date | None = None, jurisdictions: QuerySet[Jurisdiction] | None = None
) -> list[MemberEvaluation]:
    """Evaluate the rules for every jurisdiction (all when None) on `as_of` (None: each one's
    local today), sorted by slug."""
    results: list[MemberEvaluation] = []
    for day, queryset in by_local_today(as_of, jurisdictions):
        for batch in _batches(queryset):
            for pk, facts in load_facts(Jurisdiction.objects.filter(pk__in=batch)).items():
                results.append(MemberEvaluation(pk, facts.slug, day, rules.evaluate(facts, day)))
    return sorted(results, key=lambda item: item.slug)


def evaluation_of(jurisdiction_id: int, as_of: date) -> rules.Evaluation | None:
    """The rules' evaluation of one member on `as_of` (None when there is no such member), kept in
    the cache until any of the portal's data changes (`ogplocal.public_cache.derived`): the member
    page and the workspace home evaluate on every request, and loading the facts was a quarter of
    their time at 10,000 members (issue 11)."""

    def compute() -> rules.Evaluation | None:
        facts = load_facts(Jurisdiction.objects.filter(pk=jurisdiction_id)).get(jurisdiction_id)
        return rules.evaluate(facts, as_of) if facts is not None else None

    return derived(f"evaluation:{jurisdiction_id}:{as_of.isoformat()}", compute)


def save_evaluations(
    *,
    as_of: date | None = None,
    jurisdictions: QuerySet[Jurisdiction] | None = None,
    actor: User | None = None,
    reason: str = "status evaluated",
) -> list[MemberEvaluation]:
    """Evaluate and store, on `as_of` or (None) on each member's own local today.

    A change of a member's status is saved with its history, by `actor` (None for the daily job
    and a command run without --by) and with `reason` naming what stored it.
    """
    results: list[MemberEvaluation] = []
    for day, queryset in by_local_today(as_of, jurisdictions):
        results.extend(_save_on(day, queryset, actor=actor, reason=reason))
    return sorted(results, key=lambda item: item.slug)


def _save_on(
    as_of: date, queryset: QuerySet[Jurisdiction], *, actor: User | None, reason: str
) -> list[MemberEvaluation]:
    """Evaluate and store each jurisdiction's status on `as_of` and its transitions up to it.

    The cache holds exactly what the rules say on `as_of`: `Jurisdiction.status`, `status_since`,
    `status_reasons` and `status_evaluated_on`, and one `StatusChange` per transition of
    `rules.status_timeline(facts, as_of)`. Saving again is idempotent: rows already there are
    updated, and rows the timeline no longer has (after a data correction, or dated after `as_of`
    by an earlier, later-dated save) are removed, since StatusChange is a cache, not submitted data.

    Refused for an `as_of` after today in any selected jurisdiction's time zone: a stored status
    says what is true, not what would be.
    """
    now = timezone.now()
    ahead = sorted(
        slug
        for slug, time_zone in queryset.order_by().values_list("slug", "time_zone")
        if as_of > local_today(time_zone, now=now)
    )
    if ahead:
        raise ActionRefused(
            f"{as_of.isoformat()} is in the future for {', '.join(ahead)}: a status is stored only "
            "for a date that is not in the future."
        )
    results: list[MemberEvaluation] = []
    for batch in _batches(queryset):
        with transaction.atomic():
            results.extend(_save_batch(as_of, batch, actor=actor, reason=reason))
    return results


def _batches(queryset: QuerySet[Jurisdiction]) -> list[list[int]]:
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    return [ids[start : start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]


def _save_batch(
    as_of: date, batch: list[int], *, actor: User | None, reason: str
) -> list[MemberEvaluation]:
    members = {
        member.pk: member
        for member in Jurisdiction.objects.select_for_update().filter(pk__in=batch).order_by("pk")
    }
    facts_by_pk = load_facts(Jurisdiction.objects.filter(pk__in=batch))
    stored: dict[int, dict[date, StatusChange]] = {pk: {} for pk in batch}
    for change in StatusChange.objects.filter(jurisdiction_id__in=batch):
        stored[change.jurisdiction_id][change.on] = change

    results: list[MemberEvaluation] = []
    to_create: list[StatusChange] = []
    to_update: list[StatusChange] = []
    to_delete: list[int] = []
    for pk, facts in facts_by_pk.items():
        member = members[pk]
        evaluation, timeline = rules.evaluate_with_timeline(facts, as_of)
        reasons = [str(reason) for reason in evaluation.reasons]
        changed = (member.status, member.status_since, member.status_reasons) != (
            str(evaluation.status),
            evaluation.since,
            reasons,
        )
        if changed:
            # A real change of status is saved with its history (docs/rules.md §2: every change to
            # status keeps who, when and what changed).
            member.status = str(evaluation.status)
            member.status_since = evaluation.since
            member.status_reasons = reasons
            member.status_evaluated_on = as_of
            save_recorded(
                member,
                actor,
                f"{reason} as of {as_of.isoformat()}",
                update_fields=["status", "status_since", "status_reasons", "status_evaluated_on"],
            )
        results.append(MemberEvaluation(pk, facts.slug, as_of, evaluation, changed))

        existing = stored[pk]
        for transition in timeline:
            codes = [str(reason) for reason in transition.reasons]
            row = existing.pop(transition.on, None)
            if row is None:
                to_create.append(
                    StatusChange(
                        jurisdiction_id=pk,
                        on=transition.on,
                        status=str(transition.status),
                        reasons=codes,
                    )
                )
            elif (row.status, row.reasons) != (str(transition.status), codes):
                row.status, row.reasons = str(transition.status), codes
                to_update.append(row)
        to_delete.extend(row.pk for row in existing.values())

    if to_delete:
        StatusChange.objects.filter(pk__in=to_delete).delete()
    if to_update:
        StatusChange.objects.bulk_update(to_update, ["status", "reasons"])
    if to_create:
        StatusChange.objects.bulk_create(to_create)
    # The evaluation date alone is bookkeeping, not a change of status: no history row for it.
    Jurisdiction.objects.filter(pk__in=batch).update(status_evaluated_on=as_of)
    return results
