"""Demo members in the exchange format of docs/exchange.md §5, with dates relative to the day it runs.

`demo_exchange(today)` builds about a dozen real OGP Local members (data/) in every status
of §3.3 as of `today`, so the demo stays varied as time passes: active, inactive for each reason,
voluntarily inactive, on probation for each reason, revoked, and overridden, with one joint plan.
Commitment titles are real ones from data/ogp-local-commitments.csv where the member has
them; dates, percentages and people are illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ogplocal.dates import Quarter, add_months, quarter_of

DEMO_MONITORING_BODY = "Observatorio de Gobierno Abierto (demo)"

Record = dict[str, Any]


def iso(day: date) -> str:
    return day.isoformat()


@dataclass
class DemoCommitment:
    ref: str
    title: str
    policy_areas: list[str]
    lead_agency: str
    problem: str = ""
    actions: str = ""
    starts_offset: int = 1  # months after the plan's submission
    months: int = 18
    completed_after: int | None = None  # months after it starts
    assessed: bool = True


@dataclass
class DemoPlan:
    """A plan whose tracker history is written for every closed reporting quarter up to today."""

    ref: str
    submitted: date | None
    starts: date
    ends: date
    commitments: list[DemoCommitment]
    forum: str
    monitoring_body: str
    endorsers: list[tuple[str, str]]
    co_creation_on: date
    implementation_meetings: list[date] = field(default_factory=list)
    skip_quarters: int = 0  # the last N closed quarters have no update
    flat_quarters: int = 0  # the last N closed quarters show no progress
    stop_updates_on: date | None = None  # no update submitted after this day
    inception_published: bool = True
    final_learning: bool = False
    joint_with: list[str] = field(default_factory=list)
    vision: str = "An open, accountable local government that co-creates its decisions."


def closed_quarters(plan: DemoPlan, today: date) -> list[Quarter]:
    """Calendar quarters of the plan whose tracker deadline has passed (§3.2)."""
    if plan.submitted is None:
        return []
    quarters: list[Quarter] = []
    quarter = quarter_of(plan.submitted)
    while quarter.starts_on <= plan.ends and quarter.deadline < today:
        quarters.append(quarter)
        quarter = quarter.following()
    return quarters


def commitment_record(
    commitment: DemoCommitment, plan: DemoPlan, today: date, quarters: list[Quarter]
) -> Record:
    assert plan.submitted is not None or not quarters
    base = plan.submitted or plan.co_creation_on
    starts = add_months(base, commitment.starts_offset)
    ends = min(add_months(starts, commitment.months), plan.ends)
    completed = (
        add_months(starts, commitment.completed_after)
        if commitment.completed_after is not None
        else None
    )
    if completed is not None and completed >= today:
        completed = None
    updates: list[Record] = []
    percent = 0
    for index, quarter in enumerate(quarters):
        if quarter.ends_on < starts or (completed is not None and quarter.starts_on > completed):
            continue
        from_end = len(quarters) - index
        if from_end <= plan.skip_quarters:
            continue
        submitted_on = quarter.deadline - timedelta(days=12)
        if plan.stop_updates_on is not None and submitted_on > plan.stop_updates_on:
            continue
        if from_end > plan.flat_quarters:
            percent = 100 if completed and quarter.ends_on >= completed else min(95, percent + 10)
        updates.append(
            {
                "quarter": str(quarter),
                "submitted_on": iso(submitted_on),
                "percent": percent,
                "completion": completion_level(percent),
                "narrative": progress_narrative(commitment, percent),
            }
        )
    record: Record = {
        "ref": commitment.ref,
        "title": commitment.title,
        "policy_areas": commitment.policy_areas,
        "problem": commitment.problem
        or f"Residents cannot follow or shape {commitment.title.lower()}.",
        "status_quo": "Information is published irregularly and in formats that are hard to reuse.",
        "actions": commitment.actions
        or "Co-design the service with civil society, publish the data openly and report each quarter.",
        "lead_agency": commitment.lead_agency,
        "milestones": [
            {
                "title": "Co-design workshop with civil society",
                "due_on": iso(add_months(starts, 2)),
                "done_on": iso(add_months(starts, 2)) if add_months(starts, 2) < today else None,
            },
            {
                "title": "First public release",
                "due_on": iso(add_months(starts, 8)),
                "done_on": iso(add_months(starts, 9)) if add_months(starts, 9) < today else None,
            },
        ],
        "starts_on": iso(starts),
        "ends_on": iso(ends),
        "completed_on": iso(completed) if completed else None,
        "withdrawn_on": None,
        "updates": updates,
    }
    if completed is not None and commitment.assessed:
        assessed_on = completed + timedelta(days=25)
        if assessed_on < today:
            record["assessment"] = {"submitted_on": iso(assessed_on), "published": True}
    return record


def completion_level(percent: int) -> str:
    if percent == 0:
        return "not_started"
    if percent < 50:
        return "limited"
    if percent < 100:
        return "substantial"
    return "complete"


def progress_narrative(commitment: DemoCommitment, percent: int) -> str:
    return (
        f"{commitment.lead_agency} reports {percent}% of the planned work done; the forum reviewed "
        "progress and the evidence is published on the city's transparency site."
    )


def plan_record(plan: DemoPlan, today: date) -> Record:
    quarters = closed_quarters(plan, today)
    meetings = [
        {
            "held_on": iso(plan.co_creation_on),
            "kind": "co_creation",
            "government_participants": 6,
            "non_governmental_participants": 11,
            "minutes": "Learned from peers, mapped opportunity areas and prioritised solutions.",
        }
    ]
    meetings += [
        {
            "held_on": iso(day),
            "kind": "implementation",
            "government_participants": 4,
            "non_governmental_participants": 7,
            "minutes": "Reviewed each commitment's progress with the forum.",
        }
        for day in plan.implementation_meetings
        if day < today
    ]
    record: Record = {
        "ref": plan.ref,
        "starts_on": iso(plan.starts),
        "ends_on": iso(plan.ends),
        "forum": plan.forum,
        "monitoring_body": plan.monitoring_body,
        "monitoring_body_endorsed_on": iso(plan.co_creation_on),
        "strategy": {
            "vision": plan.vision,
            "principles": "Transparency, participation, accountability and inclusion.",
            "objectives": "Open the budget and contracting cycle; give residents a say in services.",
            "engagement": "A multi-stakeholder forum that meets at least twice a year, and online "
            "consultations open to every resident.",
        },
        "endorsements": [{"name": name, "organisation": org} for name, org in plan.endorsers],
        "meetings": meetings,
        "assessments": [],
        "commitments": [commitment_record(c, plan, today, quarters) for c in plan.commitments],
    }
    if plan.submitted is not None:
        record["submitted_on"] = iso(plan.submitted)
        record["review"] = "accepted"
        inception = add_months(plan.submitted, 2) - timedelta(days=5)
        if inception < today:
            record["assessments"].append(
                {
                    "kind": "inception",
                    "submitted_on": iso(inception),
                    "published": plan.inception_published,
                }
            )
    if plan.final_learning:
        learned = add_months(plan.ends, 2) - timedelta(days=3)
        if learned < today:
            record["assessments"].append(
                {"kind": "final_learning_exercise", "submitted_on": iso(learned), "published": True}
            )
    if plan.joint_with:
        record["joint_with"] = plan.joint_with
    return record


def jurisdiction_record(
    slug: str,
    name: str,
    country: str,
    time_zone: str,
    joined: date,
    today: date,
    plans: list[DemoPlan] = (),  # type: ignore[assignment]
    **extra: Any,
) -> Record:
    record: Record = {
        "slug": slug,
        "name": name,
        "country": country,
        "time_zone": time_zone,
        "joined_on": iso(joined),
        "has_elections": True,
        "terms": [
            {"starts_on": iso(add_months(joined, -6)), "ends_on": iso(add_months(today, 40))}
        ],
        "action_plans": [plan_record(plan, today) for plan in plans],
    }
    record.update(extra)
    return record


def demo_exchange(today: date) -> Record:
    """The demo members as of `today`; see the module docstring for what each one shows."""

    def months(n: int) -> date:
        return add_months(today, n)

    def every(start: date, step: int, count: int) -> list[date]:
        return [add_months(start, step * i) for i in range(count)]

    forum = (
        "The Open Government Forum: {gov} city departments and {ngo} civil-society organisations "
        "meet in public sessions and work in thematic groups."
    )
    jurisdictions: list[Record] = []

    # Active, with a full year of quarterly progress and a completed, assessed commitment.
    submitted = months(-13)
    jurisdictions.append(
        jurisdiction_record(
            "buenos-aires",
            "Buenos Aires",
            "AR",
            "America/Argentina/Buenos_Aires",
            months(-16),
            today,
            [
                DemoPlan(
                    ref="plan-1",
                    submitted=submitted,
                    starts=submitted,
                    ends=months(14),
                    forum=forum.format(gov=8, ngo=14),
                    monitoring_body=DEMO_MONITORING_BODY,
                    endorsers=[
                        ("Ana Gómez", "Fundación Conocimiento Abierto"),
                        ("Pablo Ruiz", "Asociación Civil por la Igualdad y la Justicia"),
                        ("Carla Medina", "Red de Organizaciones Barriales"),
                    ],
                    co_creation_on=submitted - timedelta(days=40),
                    implementation_meetings=every(add_months(submitted, 2), 4, 6),
                    commitments=[
                        DemoCommitment(
                            "c1",
                            "Forum for the articulation and coordination of access to public information and transparency",
                            ["access_to_information"],
                            "Secretariat of Institutional Innovation",
                        ),
                        DemoCommitment(
                            "c2",
                            "Strengthen the reuse of open data and the community",
                            ["digital_governance", "open_data"],
                            "Open Data Office",
                            completed_after=9,
                        ),
                        DemoCommitment(
                            "c3",
                            "Open budget: quarterly execution published by neighbourhood",
                            ["fiscal_openness"],
                            "Ministry of Finance",
                        ),
                        DemoCommitment(
                            "c4",
                            "Participatory climate adaptation plan for the riverside",
                            ["environment_and_climate", "public_participation"],
                            "Environmental Protection Agency",
                        ),
                        DemoCommitment(
                            "c5",
                            "Gender-disaggregated data on municipal services",
                            ["gender_and_inclusion"],
                            "Undersecretariat of Gender Equality",
                        ),
                    ],
                )
            ],
        )
    )
    # Active, co-creating its first plan (a draft) with the first deadline ahead.
    jurisdictions.append(
        jurisdiction_record(
            "cartagena-de-indias",
            "Cartagena de Indias",
            "CO",
            "America/Bogota",
            months(-2),
            today,
            [
                DemoPlan(
                    ref="plan-1",
                    submitted=None,
                    starts=months(2),
                    ends=months(26),
                    forum=forum.format(gov=5, ngo=9),
                    monitoring_body="Observatorio Caribe de Transparencia",
                    endorsers=[],
                    co_creation_on=months(-1),
                    commitments=[
                        DemoCommitment(
                            "c1",
                            "Open contracting for the historic centre's public works",
                            ["anti_corruption", "open_contracting"],
                            "Secretaría de Infraestructura",
                        ),
                        DemoCommitment(
                            "c2",
                            "Community radio access to council sessions",
                            ["media_freedom"],
                            "Oficina de Comunicaciones",
                        ),
                    ],
                )
            ],
        )
    )
    # Inactive: first_plan_overdue (joined five months ago, no plan).
    jurisdictions.append(
        jurisdiction_record(
            "nairobi", "Nairobi", "KE", "Africa/Nairobi", months(-5) - timedelta(days=10), today
        )
    )
    # Inactive: tracker_not_updated (the last two closed quarters have no update).
    submitted = months(-16)
    jurisdictions.append(
        jurisdiction_record(
            "tbilisi",
            "Tbilisi",
            "GE",
            "Asia/Tbilisi",
            months(-20),
            today,
            [
                DemoPlan(
                    ref="plan-1",
                    submitted=submitted,
                    starts=submitted,
                    ends=months(10),
                    forum=forum.format(gov=6, ngo=10),
                    monitoring_body="Tbilisi Civic Research Centre",
                    endorsers=[("Nino Kapanadze", "Civil Development Agency")],
                    co_creation_on=submitted - timedelta(days=30),
                    implementation_meetings=every(add_months(submitted, 2), 4, 6),
                    skip_quarters=2,
                    commitments=[
                        DemoCommitment(
                            "c1",
                            "Introduction of Petition System to Tbilisi City Hall, Electronic Petition",
                            ["public_participation", "digital_governance"],
                            "City Hall Administration",
                        ),
                        DemoCommitment(
                            "c2",
                            "Implementation of Participatory Budget Mechanism",
                            ["fiscal_openness", "public_participation"],
                            "Finance Service",
                        ),
                        DemoCommitment(
                            "c3",
                            "Interactive accessibility to budget spending and introduction of civil control",
                            ["fiscal_openness"],
                            "Finance Service",
                        ),
                    ],
                )
            ],
        )
    )
    # Inactive: tracker_no_progress (updated, but no commitment moved for two quarters).
    submitted = months(-15)
    jurisdictions.append(
        jurisdiction_record(
            "sekondi-takoradi",
            "Sekondi-Takoradi",
            "GH",
            "Africa/Accra",
            months(-18),
            today,
            [
                DemoPlan(
                    ref="plan-1",
                    submitted=submitted,
                    starts=submitted,
                    ends=months(12),
                    forum=forum.format(gov=4, ngo=7),
                    monitoring_body="Western Region Governance Institute",
                    endorsers=[("Kwame Mensah", "STMA Citizens' Assembly")],
                    co_creation_on=submitted - timedelta(days=30),
                    implementation_meetings=every(add_months(submitted, 2), 4, 6),
                    flat_quarters=2,
                    commitments=[
                        DemoCommitment(
                            "c1",
                            "Improvement in nighttime security within STMA",
                            ["justice"],
                            "Metropolitan Security Council",
                        ),
                        DemoCommitment(
                            "c2",
                            "Improvement in the provision of toilet facilities in homes within STMA",
                            ["water_and_sanitation"],
                            "Environmental Health Department",
                        ),
                        DemoCommitment(
                            "c3",
                            "Improvement in private sector participation in fixing fees",
                            ["public_participation"],
                            "Budget Office",
                        ),
                    ],
                )
            ],
        )
    )
    # Inactive: next_plan_overdue (the plan ended seven months ago, no next plan).
    submitted = months(-31)
    jurisdictions.append(
        jurisdiction_record(
            "kutaisi",
            "Kutaisi",
            "GE",
            "Asia/Tbilisi",
            months(-33),
            today,
            [
                DemoPlan(
                    ref="plan-1",
                    submitted=submitted,
                    starts=submitted,
                    ends=months(-7),
                    forum=forum.format(gov=5, ngo=6),
                    monitoring_body="Imereti Policy Lab",
                    endorsers=[("Giorgi Tsereteli", "Kutaisi Youth Council")],
                    co_creation_on=submitted - timedelta(days=20),
                    implementation_meetings=every(add_months(submitted, 2), 4, 7),
                    final_learning=True,
                    commitments=[
                        DemoCommitment(
                            "c1",
                            "Open council sessions streamed with sign-language interpretation",
                            ["civic_space", "people_with_disabilities"],
                            "City Council Office",
                            months=20,
                        ),
                        DemoCommitment(
                            "c2",
                            "Municipal procurement dashboard",
                            ["anti_corruption"],
                            "Procurement Division",
                            months=20,
                        ),
                    ],
                )
            ],
        )
    )
    # Voluntarily inactive: an approved pause covers today.
    submitted = months(-9)
    jurisdictions.append(
        jurisdiction_record(
            "madrid",
            "Madrid",
            "ES",
            "Europe/Madrid",
            months(-12),
            today,
            [
                DemoPlan(
                    ref="plan-1",
                    submitted=submitted,
                    starts=submitted,
                    ends=months(20),
                    forum=forum.format(gov=7, ngo=12),
                    monitoring_body="Observatorio de la Ciudad",
                    endorsers=[("Lucía Martín", "Federación Regional de Asociaciones Vecinales")],
                    co_creation_on=submitted - timedelta(days=35),
                    implementation_meetings=every(add_months(submitted, 2), 4, 3),
                    stop_updates_on=months(-2),
                    commitments=[
                        DemoCommitment(
                            "c1",
                            "Improvement of the transparency portal and increase of open data visualisations",
                            ["access_to_information", "open_data"],
                            "Transparency Directorate",
                        ),
                        DemoCommitment(
                            "c2",
                            "Improvement of the decide Madrid platform",
                            ["public_participation", "digital_governance"],
                            "Citizen Participation Area",
                        ),
                        DemoCommitment(
                            "c3",
                            "Community Actions for a Healthy City Strategy",
                            ["health"],
                            "Madrid Salud",
                        ),
                    ],
                )
            ],
            voluntary_inactivity=[
                {"from": iso(months(-2)), "until": iso(months(3)), "approved_on": iso(months(-2))}
            ],
        )
    )
    # Probation: inactive_6_months (first plan overdue for more than six months).
    jurisdictions.append(
        jurisdiction_record("kakamega", "Kakamega", "KE", "Africa/Nairobi", months(-12), today)
    )
    # Probation: no_engagement_evidence (a year into implementation, one meeting in the window).
    submitted = months(-14)
    jurisdictions.append(
        jurisdiction_record(
            "semarang",
            "Semarang",
            "ID",
            "Asia/Jakarta",
            months(-17),
            today,
            [
                DemoPlan(
                    ref="plan-1",
                    submitted=submitted,
                    starts=submitted,
                    ends=months(10),
                    forum=forum.format(gov=5, ngo=8),
                    monitoring_body="Central Java Public Policy Centre",
                    endorsers=[("Siti Rahayu", "Semarang Civil Society Network")],
                    co_creation_on=submitted - timedelta(days=30),
                    implementation_meetings=[add_months(submitted, 3)],
                    commitments=[
                        DemoCommitment(
                            "c1",
                            "One-stop open data portal for city services",
                            ["open_data", "digital_governance"],
                            "Communication and Informatics Agency",
                        ),
                        DemoCommitment(
                            "c2",
                            "Participatory flood-risk mapping with neighbourhoods",
                            ["environment_and_climate"],
                            "Disaster Management Agency",
                        ),
                    ],
                )
            ],
        )
    )
    # Revoked: no plan for two years (inactive, probation, then revoked).
    jurisdictions.append(
        jurisdiction_record("contagem", "Contagem", "BR", "America/Sao_Paulo", months(-24), today)
    )
    # Active: a joint plan of two Ukrainian communities.
    submitted = months(-7)
    joint_plan = DemoPlan(
        ref="joint-plan-1",
        submitted=submitted,
        starts=submitted,
        ends=months(18),
        forum=forum.format(gov=6, ngo=8),
        monitoring_body="Zhytomyr Oblast Anti-Corruption Hub",
        endorsers=[
            ("Olena Kovalenko", "Zviahel Community Foundation"),
            ("Andrii Shevchuk", "Orzhytsia Youth Centre"),
        ],
        co_creation_on=submitted - timedelta(days=30),
        implementation_meetings=every(add_months(submitted, 2), 4, 3),
        joint_with=["zviahel"],
        commitments=[
            DemoCommitment(
                "c1",
                "Shared e-services portal for both communities",
                ["digital_governance"],
                "Orzhytsia Council",
            ),
            DemoCommitment(
                "c2",
                "Open reconstruction contracts",
                ["anti_corruption", "open_contracting"],
                "Zviahel Council",
            ),
            DemoCommitment(
                "c3",
                "Youth councils in budget hearings",
                ["public_participation", "youth"],
                "Orzhytsia Youth Centre",
            ),
            DemoCommitment(
                "c4",
                "Accessible information for internally displaced people",
                ["access_to_information", "gender_and_inclusion"],
                "Zviahel Social Services",
            ),
            DemoCommitment(
                "c5",
                "Public register of humanitarian aid",
                ["fiscal_openness"],
                "Orzhytsia Council",
            ),
            DemoCommitment(
                "c6", "Local media access to council data", ["media_freedom"], "Zviahel Council"
            ),
            DemoCommitment("c7", "Community mediation service", ["justice"], "Orzhytsia Council"),
        ],
    )
    jurisdictions.append(
        jurisdiction_record(
            "orzhytsia", "Orzhytsia", "UA", "Europe/Kyiv", months(-10), today, [joint_plan]
        )
    )
    jurisdictions.append(
        jurisdiction_record("zviahel", "Zviahel", "UA", "Europe/Kyiv", months(-10), today)
    )
    # Active with a past plan: the plan ended two months ago, its final learning exercise is in.
    submitted = months(-26)
    jurisdictions.append(
        jurisdiction_record(
            "seoul",
            "Seoul",
            "KR",
            "Asia/Seoul",
            months(-28),
            today,
            [
                DemoPlan(
                    ref="plan-1",
                    submitted=submitted,
                    starts=submitted,
                    ends=months(-2),
                    forum=forum.format(gov=9, ngo=15),
                    monitoring_body="Seoul Open Government Institute",
                    endorsers=[("Kim Ji-won", "Seoul Citizens' Solidarity")],
                    co_creation_on=submitted - timedelta(days=30),
                    implementation_meetings=every(add_months(submitted, 2), 4, 7),
                    final_learning=True,
                    commitments=[
                        DemoCommitment(
                            "c1",
                            "Strengthen the Accountability of the Seoul Metropolitan Government by Sharing Public Information with Its Citizens in a Timely and Swift Manner.",
                            ["access_to_information", "fiscal_openness"],
                            "Information Disclosure Policy Division",
                            months=22,
                        ),
                        DemoCommitment(
                            "c2",
                            "Provide More Transparent Meeting Information and Minutes.",
                            ["public_participation"],
                            "Legislative Affairs Division",
                            months=22,
                        ),
                    ],
                )
            ],
        )
    )
    # Active by override: the first plan is late, and the Support Unit agreed to a delay.
    jurisdictions.append(
        jurisdiction_record(
            "penalolen",
            "Peñalolén",
            "CL",
            "America/Santiago",
            months(-6),
            today,
            overrides=[
                {
                    "status": "active",
                    "from": iso(today - timedelta(days=20)),
                    "until": iso(months(2)),
                    "reason": "Municipal elections moved the co-creation calendar; agreed with the "
                    "Support Unit on a new submission date.",
                }
            ],
        )
    )
    return {"format": "ogplocal-exchange/1", "jurisdictions": jurisdictions}


# What each demo member shows as of any day: the status the rules must give it.
EXPECTED_STATUSES = {
    "buenos-aires": "active",
    "cartagena-de-indias": "active",
    "nairobi": "inactive",
    "tbilisi": "inactive",
    "sekondi-takoradi": "inactive",
    "kutaisi": "inactive",
    "madrid": "voluntary_inactive",
    "kakamega": "probation",
    "semarang": "probation",
    "contagem": "revoked",
    "orzhytsia": "active",
    "zviahel": "active",
    "seoul": "active",
    "penalolen": "active",
}
EXPECTED_REASONS = {
    "nairobi": "first_plan_overdue",
    "tbilisi": "tracker_not_updated",
    "sekondi-takoradi": "tracker_no_progress",
    "kutaisi": "next_plan_overdue",
    "madrid": "voluntary",
    "kakamega": "inactive_6_months",
    "semarang": "no_engagement_evidence",
    "contagem": "probation_4_months",
    "penalolen": "override",
}
