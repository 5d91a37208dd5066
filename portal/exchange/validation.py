"""The exchange format `ogplocal-exchange/1` of docs/exchange.md §5: reading and checking a file.

`validate_exchange` reads a decoded file and returns every error with its JSON path
(`jurisdictions[0].action_plans[0].ends_on: ...`), having checked the shape of every key and the
rules of §3.1 on what the file records. `portal.exchange.importing` writes a valid file;
`portal.exchange.exporting` writes the same format.

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import translation
from django_countries import countries

from action_plans.requirements import (
    commitment_limit,
    is_open_on,
    minimum_requirements,
    missing_requirements,
    period_problem_text,
)
from commitments.models import PolicyArea
from members import rules
from ogplocal.dates import QUARTER_PATTERN, add_months, parse_quarter

__all__ = [
    "FORMAT",
    "Record",
    "parse_exchange_json",
    "read_exchange",
    "validate_exchange",
]

FORMAT = "ogplocal-exchange/1"

# Records, as parsed: the file's values converted (dates as `date`), only for the keys present,
# with "_path" (the JSON path) and nested records under keys starting with "_".
Record = dict[str, Any]


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


def read_exchange(data: Any) -> tuple[list[Record], list[str], list[str]]:
    """The records of an exchange file (decoded JSON), its errors and its warnings."""
    validator = _Validator(set(PolicyArea.objects.values_list("code", flat=True)))
    members = validator.read(data)
    return members, validator.errors, validator.warnings


def validate_exchange(data: Any) -> list[str]:
    """Every error of an exchange file (decoded JSON), each as `path: message`; empty when valid."""
    return read_exchange(data)[1]
