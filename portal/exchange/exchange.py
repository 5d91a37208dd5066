"""The exchange format `ogplocal-exchange/1` of DESIGN.md §5: validation, import and export.

`validate_exchange` reads a decoded file and returns every error with its JSON path
(`jurisdictions[0].action_plans[0].ends_on: ...`), having checked the shape of every key and the
rules of §3.1 on what the file records. `import_exchange` refuses a file with any error as a whole
and otherwise writes it in one transaction, matching records by the keys of §5 so that importing
the same file twice changes nothing (no save, so no history row, when nothing changed) and a changed
file updates what it names and deletes nothing. `export_exchange` writes the same format.

Readings of §5 taken here:
- Keys that identify or date a record are required (a jurisdiction's slug, name, country, joined_on
  and has_elections; a plan's ref and period; a commitment's ref, title and period; ...). Every
  other key may be left out: on a new record that means empty (null, "" or []), on an existing one
  it leaves the stored value as it is, since a changed file "updates what it names". A key the
  format shows with the value null (`completed_on`, `done_on`, ...) may be null.
- Tracker updates and assessments without `submitted_on` are drafts, as a plan is.
- Unknown keys and keys repeated in one JSON object are errors, like unknown codes.
- The checks of §3.1 apply to what the file records, not to the file merged with the database.
"""

from __future__ import annotations

import json
import re
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import translation
from django_countries import countries

from action_plans.models import ActionPlan, Endorsement, Meeting
from action_plans.requirements import (
    commitment_limit,
    is_open_on,
    minimum_requirements,
    missing_requirements,
    period_problem_text,
)
from assessments.models import Assessment
from commitments.models import Commitment, Milestone, PolicyArea
from members import rules
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
from ogplocal.dates import QUARTER_PATTERN, add_months, parse_quarter
from ogplocal.history import record_by, save_recorded
from tracker.models import TrackerUpdate

__all__ = [
    "FORMAT",
    "ExchangeRefused",
    "ImportReport",
    "export_exchange",
    "import_exchange",
    "parse_exchange_json",
    "validate_exchange",
]

FORMAT = "ogplocal-exchange/1"

# Records, as parsed: the file's values converted (dates as `date`), only for the keys present,
# with "_path" (the JSON path) and nested records under keys starting with "_".
Record = dict[str, Any]


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


# --------------------------------------------------------------------------------------------------
# Reading JSON
# --------------------------------------------------------------------------------------------------


class _JSONObject(dict[str, Any]):
    """A decoded JSON object that remembers the keys it held more than once."""

    duplicate_keys: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> _JSONObject:
    result = _JSONObject()
    repeated = []
    for key, value in pairs:
        if key in result:
            repeated.append(key)
        result[key] = value
    result.duplicate_keys = tuple(repeated)
    return result


def parse_exchange_json(text: str) -> Any:
    """Decode an exchange file, keeping track of repeated keys (reported by the validation).

    Raises ValueError (json.JSONDecodeError) when the text is not JSON.
    """
    return json.loads(text, object_pairs_hook=_object_pairs)


# --------------------------------------------------------------------------------------------------
# Converters: each takes the JSON value and returns the Python one or raises _Invalid
# --------------------------------------------------------------------------------------------------


class _Invalid(Exception):
    pass


_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_QUARTER = re.compile(QUARTER_PATTERN)
Converter = Callable[[Any], Any]
Schema = dict[str, tuple[Converter, bool]]


def _date(value: Any) -> date:
    if not isinstance(value, str) or not _DATE.match(value):
        raise _Invalid(f"{json.dumps(value)} is not a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Invalid(f"{value} is not a date that exists") from None


def _nullable(convert: Converter) -> Converter:
    def converter(value: Any) -> Any:
        return None if value is None else convert(value)

    return converter


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("must be a string")
    return value


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("must be a non-empty string")
    return value.strip()


def _slug(value: Any) -> str:
    if not isinstance(value, str) or not _SLUG.match(value) or len(value) > 60:
        raise _Invalid(
            f"{json.dumps(value)} is not a slug (letters, digits, - and _, at most 60 characters)"
        )
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("must be true or false")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Invalid("must be a whole number, 0 or more")
    return value


def _percent(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise _Invalid(f"{json.dumps(value)} is not a whole percent from 0 to 100")
    return value


def _choice(*values: str) -> Converter:
    def converter(value: Any) -> str:
        if value not in values:
            raise _Invalid(f"{json.dumps(value)} is not one of {', '.join(values)}")
        return str(value)

    return converter


def _quarter(value: Any) -> str:
    if not isinstance(value, str) or not _QUARTER.match(value):
        raise _Invalid(f"{json.dumps(value)} is not a quarter written like 2027Q2")
    return value


def _country(value: Any) -> str:
    if not isinstance(value, str) or value not in countries:
        raise _Invalid(f"{json.dumps(value)} is not an ISO 3166-1 alpha-2 country code")
    return value


def _time_zone(value: Any) -> str:
    if not isinstance(value, str) or value not in zoneinfo.available_timezones():
        raise _Invalid(f"{json.dumps(value)} is not an IANA time zone name")
    return value


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _Invalid("must be a list of strings")
    return list(value)


def _object(value: Any) -> Any:
    return value  # a nested object, read by its own schema


REQUIRED, OPTIONAL = True, False

_JURISDICTION: Schema = {
    "slug": (_slug, REQUIRED),
    "name": (_name, REQUIRED),
    "country": (_country, REQUIRED),
    "time_zone": (_time_zone, OPTIONAL),
    "joined_on": (_date, REQUIRED),
    "has_elections": (_bool, REQUIRED),
    "terms": (_object, OPTIONAL),
    "term_ends_on": (_date, OPTIONAL),
    "strategy_periods": (_object, OPTIONAL),
    "first_plan_deadline": (_nullable(_date), OPTIONAL),
    "extension_requests": (_object, OPTIONAL),
    "voluntary_inactivity": (_object, OPTIONAL),
    "overrides": (_object, OPTIONAL),
    "reinstatements": (_object, OPTIONAL),
    "action_plans": (_object, OPTIONAL),
}
_PERIOD: Schema = {"starts_on": (_date, REQUIRED), "ends_on": (_date, REQUIRED)}
_EXTENSION: Schema = {
    "requested_on": (_date, REQUIRED),
    "requested_until": (_nullable(_date), OPTIONAL),
    "decision": (_choice("granted", "refused", "pending"), REQUIRED),
    "decided_on": (_nullable(_date), OPTIONAL),
    "granted_until": (_nullable(_date), OPTIONAL),
}
_VOLUNTARY: Schema = {
    "from": (_date, REQUIRED),
    "until": (_date, REQUIRED),
    "approved_on": (_nullable(_date), OPTIONAL),
}
_OVERRIDE: Schema = {
    "status": (_choice("active", "inactive", "probation", "revoked"), REQUIRED),
    "from": (_date, REQUIRED),
    "until": (_nullable(_date), OPTIONAL),
    "withdrawn_on": (_nullable(_date), OPTIONAL),
    "reason": (_text, OPTIONAL),
}
_REINSTATEMENT: Schema = {"on": (_date, REQUIRED), "reason": (_text, OPTIONAL)}
_PLAN: Schema = {
    "ref": (_slug, REQUIRED),
    "starts_on": (_date, REQUIRED),
    "ends_on": (_date, REQUIRED),
    "submitted_on": (_nullable(_date), OPTIONAL),
    "joint_with": (_strings, OPTIONAL),
    "review": (_choice("accepted", "returned"), OPTIONAL),
    "forum": (_text, OPTIONAL),
    "monitoring_body": (_nullable(_name), OPTIONAL),
    "monitoring_body_endorsed_on": (_nullable(_date), OPTIONAL),
    "strategy": (_object, OPTIONAL),
    "endorsements": (_object, OPTIONAL),
    "meetings": (_object, OPTIONAL),
    "assessments": (_object, OPTIONAL),
    "commitments": (_object, OPTIONAL),
}
_STRATEGY: Schema = {
    "vision": (_text, OPTIONAL),
    "principles": (_text, OPTIONAL),
    "objectives": (_text, OPTIONAL),
    "engagement": (_text, OPTIONAL),
}
_ENDORSEMENT: Schema = {"name": (_name, REQUIRED), "organisation": (_text, OPTIONAL)}
_MEETING: Schema = {
    "held_on": (_date, REQUIRED),
    "kind": (_choice("co_creation", "implementation"), REQUIRED),
    "government_participants": (_count, REQUIRED),
    "non_governmental_participants": (_count, REQUIRED),
    "minutes": (_text, OPTIONAL),
}
_PLAN_ASSESSMENT: Schema = {
    "kind": (_choice("inception", "final_learning_exercise"), REQUIRED),
    "submitted_on": (_nullable(_date), OPTIONAL),
    "published": (_bool, OPTIONAL),
}
_COMMITMENT: Schema = {
    "ref": (_slug, REQUIRED),
    "title": (_name, REQUIRED),
    "policy_areas": (_strings, OPTIONAL),
    "problem": (_text, OPTIONAL),
    "status_quo": (_text, OPTIONAL),
    "actions": (_text, OPTIONAL),
    "lead_agency": (_text, OPTIONAL),
    "milestones": (_object, OPTIONAL),
    "starts_on": (_date, REQUIRED),
    "ends_on": (_date, REQUIRED),
    "added_on": (_nullable(_date), OPTIONAL),
    "completed_on": (_nullable(_date), OPTIONAL),
    "withdrawn_on": (_nullable(_date), OPTIONAL),
    "updates": (_object, OPTIONAL),
    "assessment": (_object, OPTIONAL),
}
_MILESTONE: Schema = {
    "title": (_name, REQUIRED),
    "due_on": (_nullable(_date), OPTIONAL),
    "done_on": (_nullable(_date), OPTIONAL),
}
_UPDATE: Schema = {
    "quarter": (_quarter, REQUIRED),
    "submitted_on": (_nullable(_date), OPTIONAL),
    "percent": (_percent, REQUIRED),
    "completion": (_choice("not_started", "limited", "substantial", "complete"), OPTIONAL),
    "narrative": (_text, OPTIONAL),
}
_COMMITMENT_ASSESSMENT: Schema = {
    "submitted_on": (_nullable(_date), OPTIONAL),
    "published": (_bool, OPTIONAL),
}


# Views of parsed records in the shapes `action_plans.requirements` takes.
@dataclass
class _MeetingView:
    held_on: date
    kind: str
    government_participants: int
    non_governmental_participants: int


@dataclass
class _EndorsementView:
    name: str


@dataclass
class _CommitmentView:
    added_on: date | None
    withdrawn_on: date | None
    completed_on: date | None


# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Validator:
    def __init__(self, policy_areas: set[str]) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.policy_areas = policy_areas

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    # -- shape ----------------------------------------------------------------------------------

    def record(self, raw: Any, path: str, schema: Schema) -> Record:
        """Convert the keys of one JSON object; `_complete` says every required key is valid."""
        out: Record = {"_path": path}
        if not isinstance(raw, dict):
            self.error(path, "must be an object")
            out["_complete"] = False
            return out
        for key in getattr(raw, "duplicate_keys", ()):
            self.error(_at(path, key), "duplicate key in this object")
        for key, value in raw.items():
            if key not in schema:
                self.error(_at(path, key), "unknown key")
                continue
            convert, _ = schema[key]
            try:
                out[key] = convert(value)
            except _Invalid as invalid:
                self.error(_at(path, key), str(invalid))
        complete = True
        for key, (_, required) in schema.items():
            if required and key not in raw:
                self.error(_at(path, key), "is required")
            if required and key not in out:
                complete = False
        out["_complete"] = complete
        return out

    def records(self, parent: Record, key: str, schema: Schema) -> list[Record]:
        path, value = f"{parent['_path']}.{key}", parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, "must be a list")
            return []
        return [self.record(item, f"{path}[{index}]", schema) for index, item in enumerate(value)]

    def unique(self, items: Iterable[Record], keys: tuple[str, ...], what: str) -> None:
        seen: dict[tuple[Any, ...], str] = {}
        for item in items:
            if not all(key in item for key in keys):
                continue
            value = tuple(item[key] for key in keys)
            if value in seen:
                shown = " ".join(str(part) for part in value)
                self.error(
                    f"{item['_path']}.{keys[0]}",
                    f"duplicate {what} {shown} (also at {seen[value]})",
                )
            else:
                seen[value] = item["_path"]

    def in_order(self, item: Record, first: str, last: str, message: str, *, strict: bool) -> None:
        start, end = item.get(first), item.get(last)
        if start is not None and end is not None and (end <= start if strict else end < start):
            self.error(f"{item['_path']}.{last}", message)

    # -- the whole file -------------------------------------------------------------------------

    def read(self, data: Any) -> list[Record]:
        if not isinstance(data, dict):
            self.error("$", "an exchange file is a JSON object")
            return []
        root = self.record(
            data, "", {"format": (_text, REQUIRED), "jurisdictions": (_object, REQUIRED)}
        )
        if "format" in root and root["format"] != FORMAT:
            self.error("format", f"must be {json.dumps(FORMAT)}")
        value = root.get("jurisdictions")
        if value is None:
            return []
        if not isinstance(value, list):
            self.error("jurisdictions", "must be a list")
            return []
        members = [
            self.jurisdiction(item, f"jurisdictions[{index}]") for index, item in enumerate(value)
        ]
        self.unique(members, ("slug",), "jurisdiction")
        by_slug = {m["slug"]: m for m in reversed(members) if "slug" in m}
        for member in members:
            for plan in member["_plans"]:
                self.plan_rules(member, plan, by_slug)
        self.plan_sequences(members, by_slug)
        return members

    def jurisdiction(self, raw: Any, path: str) -> Record:
        member = self.record(raw, path, _JURISDICTION)
        member["_terms"] = self.records(member, "terms", _PERIOD)
        member["_strategies"] = self.records(member, "strategy_periods", _PERIOD)
        member["_extensions"] = self.records(member, "extension_requests", _EXTENSION)
        member["_voluntary"] = self.records(member, "voluntary_inactivity", _VOLUNTARY)
        member["_overrides"] = self.records(member, "overrides", _OVERRIDE)
        member["_reinstatements"] = self.records(member, "reinstatements", _REINSTATEMENT)
        member["_plans"] = [
            self.plan(item, member) for item in self.records(member, "action_plans", _PLAN)
        ]
        joined = member.get("joined_on")
        if "terms" in member and "term_ends_on" in member:
            self.error(f"{path}.term_ends_on", "give terms or term_ends_on, not both")
        elif "term_ends_on" in member and joined is not None:
            # §5 shorthand: one term from joined_on.
            if member["term_ends_on"] <= joined:
                self.error(f"{path}.term_ends_on", "the term must end after joined_on")
            else:
                member["_terms"] = [
                    {
                        "_path": f"{path}.term_ends_on",
                        "_complete": True,
                        "starts_on": joined,
                        "ends_on": member["term_ends_on"],
                    }
                ]
        for periods, what in ((member["_terms"], "term"), (member["_strategies"], "period")):
            for period in periods:
                self.in_order(
                    period, "starts_on", "ends_on", f"a {what} ends after it starts", strict=True
                )
            self.unique(periods, ("starts_on",), f"{what} starting on")
        deadline = member.get("first_plan_deadline")
        if joined is not None and deadline is not None and deadline < joined:
            self.error(f"{path}.first_plan_deadline", "the first-plan deadline is before joined_on")
        for request in member["_extensions"]:
            self.extension_rules(request)
        self.unique(member["_extensions"], ("requested_on",), "extension request of")
        for period in member["_voluntary"]:
            self.in_order(
                period,
                "from",
                "until",
                "a voluntary period ends on or after it starts",
                strict=False,
            )
        self.unique(member["_voluntary"], ("from",), "voluntary period from")
        for override in member["_overrides"]:
            self.in_order(
                override, "from", "until", "an override ends on or after it starts", strict=False
            )
            self.in_order(
                override,
                "from",
                "withdrawn_on",
                "an override is withdrawn on or after it starts",
                strict=False,
            )
        self.unique(member["_overrides"], ("from",), "override from")
        self.unique(member["_reinstatements"], ("on",), "reinstatement on")
        self.unique(member["_plans"], ("ref",), "plan")
        self.eligibility(member)
        return member

    def extension_rules(self, request: Record) -> None:
        path, decision = request["_path"], request.get("decision")
        decided, granted = request.get("decided_on"), request.get("granted_until")
        if decision == "pending":
            if decided is not None:
                self.error(f"{path}.decided_on", "a pending request has no decision date")
            if granted is not None:
                self.error(f"{path}.granted_until", "a pending request grants nothing")
        elif decision in {"granted", "refused"}:
            if decided is None:
                self.error(f"{path}.decided_on", f"a {decision} request has its decision date")
            if decision == "granted" and granted is None:
                self.error(f"{path}.granted_until", "a granted extension says until when")
            if decision == "refused" and granted is not None:
                self.error(f"{path}.granted_until", "a refused request grants nothing")
        self.in_order(
            request,
            "requested_on",
            "decided_on",
            "a request is decided on or after the day it was made",
            strict=False,
        )

    def eligibility(self, member: Record) -> None:
        """§2: OGP asks for 16 months left in the term when a jurisdiction with elections joins;
        the portal warns (it does not refuse)."""
        joined = member.get("joined_on")
        if not member.get("has_elections") or joined is None:
            return
        for term in member["_terms"]:
            starts, ends = term.get("starts_on"), term.get("ends_on")
            if starts and ends and starts <= joined <= ends < add_months(joined, 16):
                self.warnings.append(
                    f"{member['_path']}: {member.get('slug')} joined with less than 16 "
                    f"months left in the term ending {ends.isoformat()}"
                )

    def plan(self, plan: Record, member: Record) -> Record:
        path = plan["_path"]
        strategy = plan.get("strategy")
        if strategy is not None:
            plan["_strategy"] = self.record(strategy, f"{path}.strategy", _STRATEGY)
        plan["_endorsements"] = self.records(plan, "endorsements", _ENDORSEMENT)
        plan["_meetings"] = self.records(plan, "meetings", _MEETING)
        plan["_assessments"] = self.records(plan, "assessments", _PLAN_ASSESSMENT)
        plan["_commitments"] = [
            self.commitment(item, plan) for item in self.records(plan, "commitments", _COMMITMENT)
        ]
        self.unique(plan["_endorsements"], ("name",), "endorsement by")
        self.unique(plan["_meetings"], ("held_on", "kind"), "meeting")
        self.unique(plan["_assessments"], ("kind",), "assessment")
        self.unique(plan["_commitments"], ("ref",), "commitment")
        for assessment in plan["_assessments"]:
            self.published_rule(assessment)
        self.in_order(plan, "starts_on", "ends_on", "a plan ends after it starts", strict=True)
        if plan.get("review") and plan.get("submitted_on") is None:
            self.error(f"{path}.review", "only a submitted plan is reviewed")
        if plan.get("monitoring_body_endorsed_on") and not plan.get("monitoring_body"):
            self.error(f"{path}.monitoring_body_endorsed_on", "no monitoring body is named")
        return plan

    def published_rule(self, assessment: Record) -> None:
        if assessment.get("published") and assessment.get("submitted_on") is None:
            self.error(
                f"{assessment['_path']}.published", "only a submitted assessment is published"
            )

    def commitment(self, commitment: Record, plan: Record) -> Record:
        path = commitment["_path"]
        for index, code in enumerate(commitment.get("policy_areas", ())):
            if code not in self.policy_areas:
                self.error(
                    f"{path}.policy_areas[{index}]", f"unknown policy area {json.dumps(code)}"
                )
        commitment["_milestones"] = self.records(commitment, "milestones", _MILESTONE)
        commitment["_updates"] = self.records(commitment, "updates", _UPDATE)
        self.unique(commitment["_milestones"], ("title",), "milestone")
        self.unique(commitment["_updates"], ("quarter",), "update for")
        if commitment.get("assessment") is not None:
            commitment["_assessment"] = self.record(
                commitment["assessment"], f"{path}.assessment", _COMMITMENT_ASSESSMENT
            )
            self.published_rule(commitment["_assessment"])
        self.in_order(
            commitment,
            "starts_on",
            "ends_on",
            "a commitment ends on or after it starts",
            strict=False,
        )
        if commitment.get("completed_on") and commitment.get("withdrawn_on"):
            self.error(f"{path}.withdrawn_on", "a commitment is completed or withdrawn, not both")
        for update in commitment["_updates"]:
            submitted, quarter = update.get("submitted_on"), update.get("quarter")
            if (
                submitted is not None
                and quarter is not None
                and submitted < parse_quarter(quarter).starts_on
            ):
                self.error(
                    f"{update['_path']}.submitted_on",
                    f"an update for {quarter} is submitted on or after the quarter begins",
                )
        return commitment

    # -- §3.1 on what the file records ----------------------------------------------------------

    def plan_rules(self, member: Record, plan: Record, by_slug: dict[str, Record]) -> None:
        path = plan["_path"]
        joint = plan.get("joint_with", [])
        plan["_members"] = [member] if "slug" in member else []
        for index, slug in enumerate(joint):
            if slug == member.get("slug"):
                self.error(f"{path}.joint_with[{index}]", "names the plan's own jurisdiction")
            elif slug not in by_slug:
                self.error(
                    f"{path}.joint_with[{index}]",
                    f"unknown jurisdiction {json.dumps(slug)} (not in this file)",
                )
            elif by_slug[slug] in plan["_members"]:
                self.error(f"{path}.joint_with[{index}]", f"{slug} is named twice")
            else:
                plan["_members"].append(by_slug[slug])
        if not plan["_complete"] or plan["ends_on"] <= plan["starts_on"]:
            return
        submitted = plan.get("submitted_on")
        if submitted is None:
            return
        limit = commitment_limit(joint=bool(joint))
        commitments = [c for c in plan["_commitments"] if c["_complete"]]
        at_submission = [c for c in commitments if (c.get("added_on") or submitted) <= submitted]
        if not at_submission:
            self.error(f"{path}.commitments", "a submitted plan has at least one commitment")
        elif len(at_submission) > limit:
            self.error(
                f"{path}.commitments",
                f"submitted with {len(at_submission)} commitments; at most {limit}"
                + (" for a joint plan" if joint else ""),
            )
        else:
            self.open_cap(plan, commitments, limit)
        for commitment in commitments:
            added = commitment.get("added_on")
            if added is not None and added > submitted and commitment["ends_on"] > plan["ends_on"]:
                self.error(
                    f"{commitment['_path']}.ends_on",
                    "a commitment added after submission ends on or before the plan's end",
                )
        self.requirements(plan, submitted)

    def open_cap(self, plan: Record, commitments: list[Record], limit: int) -> None:
        """§3.1: at most 5 (12) open on any day. The open count only grows on a day a commitment
        is added, so those are the days to check."""
        submitted = plan["submitted_on"]
        views = [
            (
                _CommitmentView(c.get("added_on"), c.get("withdrawn_on"), c.get("completed_on")),
                (c.get("_assessment") or {}).get("submitted_on"),
            )
            for c in commitments
        ]
        for day in sorted({view.added_on or submitted for view, _ in views}):
            count = sum(
                is_open_on(view, day, added_on=submitted, assessed_on=assessed)
                for view, assessed in views
            )
            if count > limit:
                self.error(
                    f"{plan['_path']}.commitments",
                    f"{count} commitments are open on {day.isoformat()}; at most {limit}",
                )
                return

    def requirements(self, plan: Record, submitted: date) -> None:
        """§3.1 minimum requirements and the monitoring body, for a submitted plan."""
        meetings = [
            _MeetingView(
                m["held_on"],
                m["kind"],
                m["government_participants"],
                m["non_governmental_participants"],
            )
            for m in plan["_meetings"]
            if m["_complete"] and m["held_on"] <= submitted
        ]
        endorsements = [_EndorsementView(e["name"]) for e in plan["_endorsements"] if "name" in e]
        named = bool(plan.get("monitoring_body"))
        # §5 marks `monitoring_body_endorsed_on` optional and its example leaves it out of a
        # submitted plan: a file that names the body without that date counts it as endorsed.
        endorsed = named and (
            "monitoring_body_endorsed_on" not in plan
            or plan["monitoring_body_endorsed_on"] is not None
        )
        found = minimum_requirements(
            forum=plan.get("forum", ""),
            meetings=meetings,
            endorsements=endorsements,
            monitoring_body_named=named,
            monitoring_body_endorsed=endorsed,
        )
        for requirement in missing_requirements(found):
            self.error(
                plan["_path"],
                f"submitted without the minimum requirement {requirement.label!s}: "
                f"{requirement.explanation!s}",
            )

    def plan_sequences(self, members: list[Record], by_slug: dict[str, Record]) -> None:
        """§3.1 "Period" for every member of every plan, against its own terms and plans."""
        plans_of: dict[str, list[Record]] = {}
        for member in members:
            for plan in member["_plans"]:
                if not plan["_complete"] or plan["ends_on"] <= plan["starts_on"]:
                    continue
                for partner in plan.get("_members", []):
                    plans_of.setdefault(partner["slug"], []).append(plan)
        for slug, plans in plans_of.items():
            member = by_slug[slug]
            if not member["_complete"]:
                continue
            facts = rules.JurisdictionFacts(
                slug=slug,
                joined_on=member["joined_on"],
                has_elections=member["has_elections"],
                terms=_periods(member["_terms"]),
                strategy_periods=_periods(member["_strategies"]),
            )
            ordered = sorted(plans, key=lambda p: (p["starts_on"], p["ends_on"]))
            for index, plan in enumerate(ordered):
                previous = max((p["ends_on"] for p in ordered[:index]), default=None)
                for problem in rules.plan_period_problems(
                    facts, plan["starts_on"], plan["ends_on"], previous
                ):
                    whose = "" if plan["_members"][0] is member else f" (for {slug})"
                    with translation.override("en"):  # the import's messages are English (§5)
                        text = period_problem_text(problem)
                    self.error(f"{plan['_path']}.{problem.code.date_field}", f"{text}{whose}")


def _periods(records: list[Record]) -> tuple[rules.Period, ...]:
    return tuple(
        rules.Period(r["starts_on"], r["ends_on"])
        for r in records
        if r["_complete"] and r["starts_on"] < r["ends_on"]
    )


def _read(data: Any) -> tuple[list[Record], list[str], list[str]]:
    validator = _Validator(set(PolicyArea.objects.values_list("code", flat=True)))
    members = validator.read(data)
    return members, validator.errors, validator.warnings


def validate_exchange(data: Any) -> list[str]:
    """Every error of an exchange file (decoded JSON), each as `path: message`; empty when valid."""
    return _read(data)[1]


# --------------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------------


def import_exchange(
    data: Any, *, actor: User | None = None, reason: str = "import_members"
) -> ImportReport:
    """Import an exchange file (decoded JSON) in one transaction; refuse it whole on any error.

    Raises ExchangeRefused with every error and its JSON path; nothing is written then. Every
    record created or changed keeps a history row by `actor` (None: the command was run without
    --by) with `reason` as its change reason, which names the command and the file.
    """
    members, errors, warnings = _read(data)
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


# --------------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_exchange(
    jurisdictions: QuerySet[Jurisdiction] | Iterable[Jurisdiction] | None = None,
    *,
    public: bool,
) -> dict[str, Any]:
    """The history of `jurisdictions` (all when None) in the exchange format of §5.

    Jurisdictions that share a plan with them are exported too, since a joint plan is listed under
    its first jurisdiction and `joint_with` names jurisdictions of the same file (§5).

    The public export leaves out drafts (plans, updates and assessments not submitted), requests
    (extension and voluntary-inactivity requests: DESIGN.md §2 calls both requests), the written
    reasons of overrides and reinstatements, unpublished assessments and personal data:
    endorsers' names (only their organisations are listed, so it is not meant to be re-imported)
    and meetings' minutes (free text naming who said what; the date, kind and numbers of
    participants stay, the evidence of engagement the rules read). Meetings are not public rows
    (`Meeting.objects.restrict(None)` is empty): the public pages never show minutes either.
    """
    if jurisdictions is None:
        ids = set(Jurisdiction.objects.values_list("pk", flat=True))
    else:
        ids = {j.pk for j in jurisdictions}
    through: Any = ActionPlan.jurisdictions.through
    partners = through.objects.all()
    if public:
        partners = partners.filter(actionplan__submitted_on__isnull=False)
    while True:
        plan_ids = partners.filter(jurisdiction_id__in=ids).values("actionplan_id")
        found = set(
            partners.filter(actionplan_id__in=plan_ids).values_list("jurisdiction_id", flat=True)
        )
        if found <= ids:
            break
        ids |= found
    queryset = (
        Jurisdiction.objects.filter(pk__in=ids)
        .order_by("slug")
        .prefetch_related(
            "terms",
            "extension_requests",
            "voluntary_inactivity_requests",
            "status_overrides",
            "reinstatements",
            "led_plans__jurisdictions",
            "led_plans__monitoring_body",
            "led_plans__endorsements",
            "led_plans__meetings",
            "led_plans__assessments",
            "led_plans__commitments__policy_areas",
            "led_plans__commitments__milestones",
            "led_plans__commitments__updates",
            "led_plans__commitments__assessments",
        )
    )
    return {
        "format": FORMAT,
        "jurisdictions": [_export_jurisdiction(j, public=public) for j in queryset],
    }


def _export_jurisdiction(jurisdiction: Jurisdiction, *, public: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "slug": jurisdiction.slug,
        "name": jurisdiction.name,
        "country": str(jurisdiction.country),
        "time_zone": jurisdiction.time_zone,
        "joined_on": _day(jurisdiction.joined_on),
        "has_elections": jurisdiction.has_elections,
    }
    terms = sorted(jurisdiction.terms.all(), key=lambda t: t.starts_on)
    for kind, key in ((Term.Kind.TERM, "terms"), (Term.Kind.STRATEGY, "strategy_periods")):
        periods = [
            {"starts_on": _day(t.starts_on), "ends_on": _day(t.ends_on)}
            for t in terms
            if t.kind == kind
        ]
        if periods:
            out[key] = periods
    if jurisdiction.first_plan_deadline is not None:
        out["first_plan_deadline"] = _day(jurisdiction.first_plan_deadline)
    if not public:
        extensions = sorted(jurisdiction.extension_requests.all(), key=lambda r: r.requested_on)
        if extensions:
            out["extension_requests"] = [_export_extension(r) for r in extensions]
        voluntary = sorted(
            (
                r
                for r in jurisdiction.voluntary_inactivity_requests.all()
                if r.decision == Decision.GRANTED
            ),
            key=lambda r: r.starts_on,
        )
        if voluntary:
            out["voluntary_inactivity"] = [
                {
                    "from": _day(r.starts_on),
                    "until": _day(r.ends_on),
                    "approved_on": _day(r.decided_on),
                }
                for r in voluntary
            ]
    overrides = sorted(jurisdiction.status_overrides.all(), key=lambda o: o.starts_on)
    if overrides:
        out["overrides"] = [_export_override(o, public=public) for o in overrides]
    reinstatements = sorted(jurisdiction.reinstatements.all(), key=lambda r: r.on)
    if reinstatements:
        out["reinstatements"] = [
            {"on": _day(r.on)} if public else {"on": _day(r.on), "reason": r.reason}
            for r in reinstatements
        ]
    plans = sorted(jurisdiction.led_plans.all(), key=lambda p: (p.starts_on, p.ref))
    out["action_plans"] = [
        _export_plan(plan, jurisdiction, public=public)
        for plan in plans
        if not public or plan.submitted_on is not None
    ]
    return out


def _export_extension(request: ExtensionRequest) -> dict[str, Any]:
    out: dict[str, Any] = {"requested_on": _day(request.requested_on)}
    if request.requested_until is not None:
        out["requested_until"] = _day(request.requested_until)
    out["decision"] = request.decision
    if request.decided_on is not None:
        out["decided_on"] = _day(request.decided_on)
    if request.granted_until is not None:
        out["granted_until"] = _day(request.granted_until)
    return out


def _export_override(override: StatusOverride, *, public: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"status": override.status, "from": _day(override.starts_on)}
    if override.ends_on is not None:
        out["until"] = _day(override.ends_on)
    if override.withdrawn_on is not None:
        out["withdrawn_on"] = _day(override.withdrawn_on)
    if not public:
        out["reason"] = override.reason
    return out


def _export_plan(plan: ActionPlan, lead: Jurisdiction, *, public: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ref": plan.ref,
        "starts_on": _day(plan.starts_on),
        "ends_on": _day(plan.ends_on),
    }
    if plan.submitted_on is not None:
        out["submitted_on"] = _day(plan.submitted_on)
    partners = sorted(j.slug for j in plan.jurisdictions.all() if j.pk != lead.pk)
    if partners:
        out["joint_with"] = partners
    if plan.review:
        out["review"] = plan.review
    out["forum"] = plan.forum
    if plan.monitoring_body is not None:
        out["monitoring_body"] = plan.monitoring_body.name
    if plan.monitoring_body_endorsed_on is not None:
        out["monitoring_body_endorsed_on"] = _day(plan.monitoring_body_endorsed_on)
    out["strategy"] = {
        "vision": plan.vision,
        "principles": plan.principles,
        "objectives": plan.objectives,
        "engagement": plan.engagement,
    }
    endorsements = sorted(plan.endorsements.all(), key=lambda e: e.name)
    out["endorsements"] = [
        {"organisation": e.organisation}
        if public
        else {"name": e.name, "organisation": e.organisation}
        for e in endorsements
    ]
    meetings = sorted(plan.meetings.all(), key=lambda m: (m.held_on, m.kind))
    out["meetings"] = [_export_meeting(m, public=public) for m in meetings]
    assessments = sorted(
        (a for a in plan.assessments.all() if a.kind != Assessment.Kind.END_OF_COMMITMENT),
        key=lambda a: a.kind,
    )
    out["assessments"] = [
        _export_assessment(a, with_kind=True)
        for a in assessments
        if not public or (a.published and a.submitted_on is not None)
    ]
    commitments = sorted(plan.commitments.all(), key=lambda c: c.ref)
    out["commitments"] = [_export_commitment(c, public=public) for c in commitments]
    return out


def _export_meeting(meeting: Meeting, *, public: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "held_on": _day(meeting.held_on),
        "kind": meeting.kind,
        "government_participants": meeting.government_participants,
        "non_governmental_participants": meeting.non_governmental_participants,
    }
    if meeting.minutes and not public:
        out["minutes"] = meeting.minutes
    return out


def _export_assessment(assessment: Assessment, *, with_kind: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": assessment.kind} if with_kind else {}
    if assessment.submitted_on is not None:
        out["submitted_on"] = _day(assessment.submitted_on)
    out["published"] = assessment.published
    return out


def _export_commitment(commitment: Commitment, *, public: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ref": commitment.ref,
        "title": commitment.title,
        "policy_areas": sorted(area.code for area in commitment.policy_areas.all()),
        "problem": commitment.problem,
        "status_quo": commitment.status_quo,
        "actions": commitment.actions,
        "lead_agency": commitment.lead_agency,
    }
    milestones = sorted(commitment.milestones.all(), key=lambda m: (m.position, m.pk))
    if milestones:
        out["milestones"] = [
            {"title": m.title, "due_on": _day(m.due_on), "done_on": _day(m.done_on)}
            for m in milestones
        ]
    out["starts_on"] = _day(commitment.starts_on)
    out["ends_on"] = _day(commitment.ends_on)
    if commitment.added_on is not None:
        out["added_on"] = _day(commitment.added_on)
    out["completed_on"] = _day(commitment.completed_on)
    out["withdrawn_on"] = _day(commitment.withdrawn_on)
    updates = sorted(commitment.updates.all(), key=lambda u: u.quarter)
    out["updates"] = [
        _export_update(u) for u in updates if not public or u.submitted_on is not None
    ]
    for assessment in commitment.assessments.all():
        if assessment.kind == Assessment.Kind.END_OF_COMMITMENT and (
            not public or (assessment.published and assessment.submitted_on is not None)
        ):
            out["assessment"] = _export_assessment(assessment, with_kind=False)
    return out


def _export_update(update: TrackerUpdate) -> dict[str, Any]:
    out: dict[str, Any] = {"quarter": update.quarter}
    if update.submitted_on is not None:
        out["submitted_on"] = _day(update.submitted_on)
    out["percent"] = update.percent
    if update.completion:
        out["completion"] = update.completion
    out["narrative"] = update.narrative
    return out
