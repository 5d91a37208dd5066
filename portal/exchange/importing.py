"""Importing a file in the exchange format of docs/exchange.md §5.

`import_exchange` refuses a file with any error (`portal.exchange.validation`) as a whole and
otherwise writes it in one transaction, matching records by the keys of §5 so that importing the
same file twice changes nothing (no save, so no history row, when nothing changed) and a changed
file updates what it names and deletes nothing (the readings of §5 are listed in
`portal.exchange.validation`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model

from action_plans.models import ActionPlan, Endorsement, Meeting
from assessments.models import Assessment
from commitments.models import Commitment, Milestone, PolicyArea
from members.models import (
    Decision,
    ExtensionRequest,
    Jurisdiction,
    MonitoringBody,
    Reinstatement,
    StatusOverride,
    Term,
    User,
    VoluntaryInactivityRequest,
)
from ogplocal.history import record_by, save_recorded
from portal.exchange.validation import Record, read_exchange
from tracker.models import TrackerUpdate

__all__ = [
    "ExchangeRefused",
    "ImportReport",
    "import_exchange",
]


class ExchangeRefused(Exception):
    """The file has errors; nothing was written. `errors`: one line per error, with its path."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} error(s) in the exchange file; nothing was imported.")
        self.errors = errors


@dataclass
class ImportReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    # Things the Support Unit should know that are not errors (§2: the 16-month eligibility rule).
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        def listed(counts: Counter[str]) -> str:
            return ", ".join(f"{count} {name}" for name, count in sorted(counts.items())) or "none"

        return (
            f"created: {listed(self.created)}; updated: {listed(self.updated)}; "
            f"unchanged: {self.unchanged}"
        )


def import_exchange(
    data: Any, *, actor: User | None = None, reason: str = "import_members"
) -> ImportReport:
    """Import an exchange file (decoded JSON) in one transaction; refuse it whole on any error.

    Raises ExchangeRefused with every error and its JSON path; nothing is written then. Every
    record created or changed keeps a history row by `actor` (None: the command was run without
    --by) with `reason` as its change reason, which names the command and the file.
    """
    members, errors, warnings = read_exchange(data)
    if errors:
        raise ExchangeRefused(errors)
    writer = _Writer(ImportReport(warnings=warnings), actor=actor, reason=reason)
    with transaction.atomic():
        saved = {member["slug"]: writer.jurisdiction(member) for member in members}
        for member in members:
            for plan in member["_plans"]:
                writer.plan(
                    plan,
                    saved[member["slug"]],
                    [saved[slug] for slug in plan.get("joint_with", [])],
                )
    return writer.report


def _present(record: Record, mapping: dict[str, str]) -> dict[str, Any]:
    """The model values the record names: {field: value} for each file key present."""
    return {name: record[key] for key, name in mapping.items() if key in record}


class _Writer:
    def __init__(self, report: ImportReport, *, actor: User | None, reason: str) -> None:
        self.report = report
        self.actor = actor
        self.reason = reason
        self.bodies: dict[str, MonitoringBody] = {}
        self.areas = {area.code: area for area in PolicyArea.objects.all()}

    def upsert[M: Model](
        self,
        model: type[M],
        lookup: dict[str, Any],
        values: dict[str, Any],
        defaults: dict[str, Any] | None = None,
    ) -> M:
        """Find the record by its §5 key; create it, or save it only when a value changed."""
        name = model._meta.model_name or model.__name__
        found = model._default_manager.filter(**lookup).first()
        if found is None:
            created = model(**{**(defaults or {}), **lookup, **values})
            save_recorded(created, self.actor, self.reason)
            self.report.created[name] += 1
            return created
        changed = False
        for attname, value in values.items():
            current = getattr(found, attname)
            current = getattr(current, "code", current)  # a CountryField's Country
            if current != value:
                setattr(found, attname, value)
                changed = True
        if changed:
            save_recorded(found, self.actor, self.reason)
            self.report.updated[name] += 1
        else:
            self.report.unchanged += 1
        return found

    def jurisdiction(self, member: Record) -> Jurisdiction:
        jurisdiction = self.upsert(
            Jurisdiction,
            {"slug": member["slug"]},
            _present(
                member,
                {
                    "name": "name",
                    "country": "country",
                    "time_zone": "time_zone",
                    "joined_on": "joined_on",
                    "has_elections": "has_elections",
                    "first_plan_deadline": "first_plan_deadline",
                },
            ),
            {"time_zone": "UTC"},
        )
        for records, kind in (
            (member["_terms"], Term.Kind.TERM),
            (member["_strategies"], Term.Kind.STRATEGY),
        ):
            for term in records:
                self.upsert(
                    Term,
                    {"jurisdiction": jurisdiction, "kind": kind, "starts_on": term["starts_on"]},
                    {"ends_on": term["ends_on"]},
                )
        for request in member["_extensions"]:
            values = _present(request, {"requested_until": "requested_until"})
            values |= {
                "decision": request["decision"],
                "decided_on": request.get("decided_on"),
                "granted_until": request.get("granted_until"),
            }
            self.upsert(
                ExtensionRequest,
                {"jurisdiction": jurisdiction, "requested_on": request["requested_on"]},
                values,
            )
        for period in member["_voluntary"]:
            # An approved period is a granted request, decided on its approval day (§5 default:
            # the period's first day); the file does not say when it was asked for: that day too.
            approved = period.get("approved_on") or period["from"]
            self.upsert(
                VoluntaryInactivityRequest,
                {"jurisdiction": jurisdiction, "starts_on": period["from"]},
                {"ends_on": period["until"], "decision": Decision.GRANTED, "decided_on": approved},
                {"requested_on": approved},
            )
        for override in member["_overrides"]:
            self.upsert(
                StatusOverride,
                {"jurisdiction": jurisdiction, "starts_on": override["from"]},
                _present(
                    override,
                    {
                        "status": "status",
                        "until": "ends_on",
                        "withdrawn_on": "withdrawn_on",
                        "reason": "reason",
                    },
                ),
                {"reason": ""},
            )
        for reinstatement in member["_reinstatements"]:
            self.upsert(
                Reinstatement,
                {"jurisdiction": jurisdiction, "on": reinstatement["on"]},
                _present(reinstatement, {"reason": "reason"}),
                {"reason": ""},
            )
        return jurisdiction

    def body(self, name: str) -> MonitoringBody:
        if name not in self.bodies:
            self.bodies[name] = self.upsert(MonitoringBody, {"name": name}, {})
        return self.bodies[name]

    def plan(self, record: Record, lead: Jurisdiction, partners: list[Jurisdiction]) -> None:
        values = _present(
            record,
            {
                "starts_on": "starts_on",
                "ends_on": "ends_on",
                "submitted_on": "submitted_on",
                "review": "review",
                "forum": "forum",
                "monitoring_body_endorsed_on": "monitoring_body_endorsed_on",
            },
        )
        values |= _present(
            record.get("_strategy", {}),
            {key: key for key in ("vision", "principles", "objectives", "engagement")},
        )
        body = None
        if "monitoring_body" in record:
            body = self.body(record["monitoring_body"]) if record["monitoring_body"] else None
            values["monitoring_body_id"] = body.pk if body else None
        plan = self.upsert(ActionPlan, {"lead_jurisdiction": lead, "ref": record["ref"]}, values)
        # Joining a joint plan is only ever added by an import: leaving one would rewrite the
        # member's past (§2), so a jurisdiction the file no longer names stays in the plan.
        members = [lead, *partners]
        present = set(plan.jurisdictions.values_list("pk", flat=True))
        missing = [j for j in members if j.pk not in present]
        if missing:
            record_by(plan, self.actor, self.reason)
            plan.jurisdictions.add(*missing)
            self.report.created["plan membership"] += len(missing)
        if body is not None:
            selected = set(body.selected_jurisdictions.values_list("pk", flat=True))
            unselected = [j for j in members if j.pk not in selected]
            if unselected:
                body.selected_jurisdictions.add(*unselected)
                self.report.created["monitoring body selection"] += len(unselected)
        for endorsement in record["_endorsements"]:
            self.upsert(
                Endorsement,
                {"plan": plan, "name": endorsement["name"]},
                _present(endorsement, {"organisation": "organisation"}),
            )
        for meeting in record["_meetings"]:
            self.upsert(
                Meeting,
                {"plan": plan, "held_on": meeting["held_on"], "kind": meeting["kind"]},
                _present(
                    meeting,
                    {
                        "government_participants": "government_participants",
                        "non_governmental_participants": "non_governmental_participants",
                        "minutes": "minutes",
                    },
                ),
            )
        for assessment in record["_assessments"]:
            self.upsert(
                Assessment,
                {"plan": plan, "kind": assessment["kind"]},
                _present(assessment, {"submitted_on": "submitted_on", "published": "published"}),
                {"monitoring_body_id": plan.monitoring_body_id},
            )
        for commitment in record["_commitments"]:
            self.commitment(commitment, plan)

    def commitment(self, record: Record, plan: ActionPlan) -> None:
        commitment = self.upsert(
            Commitment,
            {"plan": plan, "ref": record["ref"]},
            _present(
                record,
                {
                    key: key
                    for key in (
                        "title",
                        "problem",
                        "status_quo",
                        "actions",
                        "lead_agency",
                        "starts_on",
                        "ends_on",
                        "added_on",
                        "completed_on",
                        "withdrawn_on",
                    )
                },
            ),
        )
        if "policy_areas" in record:
            # The list is a value of the commitment the file names, so it is set as given.
            wanted = {self.areas[code].pk for code in record["policy_areas"]}
            current = set(commitment.policy_areas.values_list("pk", flat=True))
            if wanted != current:
                record_by(commitment, self.actor, self.reason)
                commitment.policy_areas.set(wanted)
                counter = self.report.updated if current else self.report.created
                counter["commitment policy areas"] += 1
        for position, milestone in enumerate(record["_milestones"]):
            values = _present(milestone, {"due_on": "due_on", "done_on": "done_on"})
            values["position"] = position
            self.upsert(Milestone, {"commitment": commitment, "title": milestone["title"]}, values)
        for update in record["_updates"]:
            self.upsert(
                TrackerUpdate,
                {"commitment": commitment, "quarter": update["quarter"]},
                _present(
                    update,
                    {
                        "submitted_on": "submitted_on",
                        "percent": "percent",
                        "completion": "completion",
                        "narrative": "narrative",
                    },
                ),
            )
        if "_assessment" in record:
            assessment = record["_assessment"]
            self.upsert(
                Assessment,
                {"commitment": commitment, "kind": Assessment.Kind.END_OF_COMMITMENT},
                _present(assessment, {"submitted_on": "submitted_on", "published": "published"}),
                {"plan": plan, "monitoring_body_id": plan.monitoring_body_id},
            )
