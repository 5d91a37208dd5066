"""The exchange format of docs/exchange.md §5: validation with JSON paths, idempotent import,
export."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import translation

from action_plans.models import ActionPlan, Endorsement, Meeting
from assessments.models import Assessment
from commitments.models import Commitment, Milestone
from members.models import (
    ExtensionRequest,
    Jurisdiction,
    MonitoringBody,
    Reinstatement,
    StatusOverride,
    Term,
    VoluntaryInactivityRequest,
)
from portal.exchange.exporting import export_exchange
from portal.exchange.importing import ExchangeRefused, import_exchange
from portal.exchange.validation import parse_exchange_json, validate_exchange
from tracker.models import TrackerUpdate

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "exchange-example.json"
MODELS = (
    Jurisdiction,
    Term,
    ExtensionRequest,
    VoluntaryInactivityRequest,
    StatusOverride,
    Reinstatement,
    MonitoringBody,
    ActionPlan,
    Endorsement,
    Meeting,
    Commitment,
    Milestone,
    TrackerUpdate,
    Assessment,
)


def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def counts() -> dict[str, int]:
    """Rows and history rows of every model the import writes, and the many-to-many links."""
    found: dict[str, int] = {}
    for model in MODELS:
        found[model.__name__] = model._default_manager.count()
        history = getattr(model, "history", None)
        if history is not None:
            found[f"{model.__name__} history"] = history.count()
    found["plan members"] = ActionPlan.jurisdictions.through.objects.count()
    found["policy areas"] = Commitment.policy_areas.through.objects.count()
    found["selections"] = MonitoringBody.selected_jurisdictions.through.objects.count()
    return found


def import_command(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_members", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- importing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_example_imports_cleanly_and_again_changes_nothing() -> None:
    assert validate_exchange(example()) == []
    out, err = import_command(EXAMPLE)
    assert "imported" in out
    assert err == ""
    before = counts()
    assert before["Jurisdiction"] == 3
    assert before["Commitment"] == 9

    out, _ = import_command(EXAMPLE)
    assert "already up to date" in out
    assert counts() == before

    report = import_exchange(example())
    assert not report.changed
    assert counts() == before


@pytest.mark.django_db
def test_import_matches_keys_and_links_joint_plans_and_monitoring_bodies() -> None:
    import_exchange(example())
    joint = ActionPlan.objects.get(lead_jurisdiction__slug="madrid", ref="2024-2026-joint")
    assert sorted(joint.jurisdictions.values_list("slug", flat=True)) == [
        "basque-country",
        "madrid",
    ]
    body = joint.monitoring_body
    assert body is not None
    assert sorted(body.selected_jurisdictions.values_list("slug", flat=True)) == [
        "basque-country",
        "madrid",
    ]
    assert joint.commitments.count() == 7  # a joint plan may have up to 12
    ends = Assessment.objects.get(kind="end_of_commitment")
    assert ends.commitment is not None
    assert (ends.commitment.ref, ends.plan, ends.published) == ("m2", joint, True)
    assert sorted(Commitment.objects.get(ref="m1").policy_areas.values_list("code", flat=True)) == [
        "access_to_information",
        "open_data",
    ]
    buenos_aires = Jurisdiction.objects.get(slug="buenos-aires")
    # term_ends_on: one term from joined_on (§5)
    assert list(buenos_aires.terms.values_list("kind", "starts_on", "ends_on")) == [
        ("term", date(2024, 3, 10), date(2027, 12, 10))
    ]
    voluntary = VoluntaryInactivityRequest.objects.get()
    assert (voluntary.decision, voluntary.decided_on) == ("granted", date(2025, 12, 15))
    draft = TrackerUpdate.objects.get(quarter="2026Q4")
    assert draft.submitted_on is None
    assert ActionPlan.objects.get(ref="2026-2027").submitted_on is None


@pytest.mark.django_db
def test_a_changed_file_updates_only_what_it_names() -> None:
    import_exchange(example())
    update = TrackerUpdate.objects.get(commitment__ref="c1", quarter="2026Q3")
    update_history = update.history.count()
    before = counts()

    changed = example()
    buenos_aires = changed["jurisdictions"][0]
    changed["jurisdictions"] = [buenos_aires]  # madrid and the Basque Country are not named
    plan = buenos_aires["action_plans"][0]
    plan["commitments"] = plan["commitments"][:1]  # c2 is not named
    plan["commitments"][0]["updates"][-1]["percent"] = 50
    plan["meetings"].append(
        {
            "held_on": "2026-11-18",
            "kind": "implementation",
            "government_participants": 3,
            "non_governmental_participants": 4,
        }
    )
    report = import_exchange(changed)

    assert dict(report.updated) == {"trackerupdate": 1}
    assert dict(report.created) == {"meeting": 1}
    update.refresh_from_db()
    assert update.percent == 50
    assert update.history.count() == update_history + 1
    after = counts()
    assert after["Meeting"] == before["Meeting"] + 1
    assert after["TrackerUpdate history"] == before["TrackerUpdate history"] + 1
    untouched = {
        key: value
        for key, value in after.items()
        if not key.startswith(("Meeting", "TrackerUpdate history"))
    }
    assert untouched == {key: before[key] for key in untouched}
    assert Commitment.objects.filter(ref="c2").exists()
    assert Jurisdiction.objects.filter(slug="madrid").exists()


@pytest.mark.django_db
def test_optional_keys_left_out_keep_stored_values() -> None:
    import_exchange(example())
    changed = example()
    madrid = changed["jurisdictions"][1]
    del madrid["time_zone"]
    minutes_before = Meeting.objects.get(held_on="2024-07-10").minutes
    del madrid["action_plans"][0]["meetings"][0]["minutes"]
    report = import_exchange(changed)
    assert not report.changed
    assert Jurisdiction.objects.get(slug="madrid").time_zone == "Europe/Madrid"
    assert Meeting.objects.get(held_on="2024-07-10").minutes == minutes_before


@pytest.mark.django_db
def test_eligibility_warning_for_a_short_term() -> None:
    data = {
        "format": "ogplocal-exchange/1",
        "jurisdictions": [
            {
                "slug": "late-joiner",
                "name": "Late Joiner",
                "country": "KE",
                "joined_on": "2026-01-10",
                "has_elections": True,
                "term_ends_on": "2027-03-01",
            }
        ],
    }
    report = import_exchange(data)
    assert report.warnings == [
        "jurisdictions[0]: late-joiner joined with less than 16 months left in the term ending "
        "2027-03-01"
    ]
    assert Jurisdiction.objects.get().time_zone == "UTC"


# --- refusing ----------------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _ba_plan(data: dict[str, Any]) -> dict[str, Any]:
    plan: dict[str, Any] = data["jurisdictions"][0]["action_plans"][0]
    return plan


def _extra_commitments(count: int, added_on: str | None = None) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        for index in range(count):
            commitment = {
                "ref": f"extra{index}",
                "title": f"Extra commitment {index}",
                "starts_on": "2025-06-01",
                "ends_on": "2027-06-30",
            }
            if added_on:
                commitment["added_on"] = added_on
            _ba_plan(data)["commitments"].append(commitment)

    return mutate


P = "jurisdictions[0].action_plans[0]"
C = f"{P}.commitments[0]"
CASES: list[tuple[str, Mutation, str]] = [
    (
        "format",
        lambda d: d.update(format="ogplocal-exchange/2"),
        'format: must be "ogplocal-exchange/1"',
    ),
    (
        "required key",
        lambda d: d["jurisdictions"][0].pop("joined_on"),
        "jurisdictions[0].joined_on: is required",
    ),
    (
        "unknown key",
        lambda d: d["jurisdictions"][0].update(mayor="Jorge Macri"),
        "jurisdictions[0].mayor: unknown key",
    ),
    (
        "date that does not exist",
        lambda d: _ba_plan(d).update(ends_on="2027-02-30"),
        f"{P}.ends_on: 2027-02-30 is not a date that exists",
    ),
    (
        "date format",
        lambda d: _ba_plan(d).update(submitted_on="20/05/2025"),
        f'{P}.submitted_on: "20/05/2025" is not a date written YYYY-MM-DD',
    ),
    (
        "plan period against the term",
        lambda d: _ba_plan(d).update(ends_on="2027-11-30"),
        f"{P}.ends_on: the plan must end at least 2 months before the end of the term",
    ),
    (
        "plan starts before joining",
        lambda d: _ba_plan(d).update(starts_on="2024-01-01"),
        f"{P}.starts_on: the plan starts before the jurisdiction joined",
    ),
    (
        "joint plan period for a partner without elections",
        lambda d: d["jurisdictions"][1]["action_plans"][0].update(ends_on="2025-06-30"),
        "jurisdictions[1].action_plans[0].ends_on: the plan must match the strategy period in "
        "force or last one to four years (for basque-country)",
    ),
    (
        "dates in order",
        lambda d: _ba_plan(d)["commitments"][0].update(ends_on="2025-01-01"),
        f"{C}.ends_on: a commitment ends on or after it starts",
    ),
    (
        "percent",
        lambda d: _ba_plan(d)["commitments"][0]["updates"][0].update(percent=120),
        f"{C}.updates[0].percent: 120 is not a whole percent from 0 to 100",
    ),
    (
        "quarter",
        lambda d: _ba_plan(d)["commitments"][0]["updates"][0].update(quarter="2025-Q2"),
        f'{C}.updates[0].quarter: "2025-Q2" is not a quarter written like 2027Q2',
    ),
    (
        "unknown policy area",
        lambda d: _ba_plan(d)["commitments"][0]["policy_areas"].append("spaceflight"),
        f'{C}.policy_areas[2]: unknown policy area "spaceflight"',
    ),
    (
        "unknown joint_with slug",
        lambda d: d["jurisdictions"][1]["action_plans"][0].update(joint_with=["bilbao"]),
        'jurisdictions[1].action_plans[0].joint_with[0]: unknown jurisdiction "bilbao" '
        "(not in this file)",
    ),
    (
        "duplicate jurisdiction",
        lambda d: d["jurisdictions"].append(copy.deepcopy(d["jurisdictions"][2])),
        "jurisdictions[3].slug: duplicate jurisdiction basque-country (also at jurisdictions[2])",
    ),
    (
        "duplicate commitment ref",
        lambda d: _ba_plan(d)["commitments"][1].update(ref="c1"),
        f"{P}.commitments[1].ref: duplicate commitment c1 (also at {C})",
    ),
    (
        "duplicate update quarter",
        lambda d: _ba_plan(d)["commitments"][0]["updates"][1].update(quarter="2025Q2"),
        f"{C}.updates[1].quarter: duplicate update for 2025Q2 (also at {C}.updates[0])",
    ),
    (
        "duplicate meeting",
        lambda d: _ba_plan(d)["meetings"].append(dict(_ba_plan(d)["meetings"][1])),
        f"{P}.meetings[5].held_on: duplicate meeting 2025-09-10 implementation "
        f"(also at {P}.meetings[1])",
    ),
    (
        "too many commitments at submission",
        _extra_commitments(4),
        f"{P}.commitments: submitted with 6 commitments; at most 5",
    ),
    (
        "open cap",
        _extra_commitments(4, added_on="2025-09-01"),
        f"{P}.commitments: 6 commitments are open on 2025-09-01; at most 5",
    ),
    (
        "no commitment",
        lambda d: _ba_plan(d).update(commitments=[]),
        f"{P}.commitments: a submitted plan has at least one commitment",
    ),
    (
        "minimum requirement: endorsement",
        lambda d: _ba_plan(d).update(endorsements=[]),
        f"{P}: submitted without the minimum requirement Endorsement: At least one "
        "non-governmental stakeholder endorsed the plan, by name.",
    ),
    (
        "minimum requirement: regularity",
        lambda d: _ba_plan(d)["meetings"][0].update(held_on="2025-06-14"),
        f"{P}: submitted without the minimum requirement Regularity: At least one co-creation "
        "meeting with non-governmental participants was held.",
    ),
    (
        "monitoring body",
        lambda d: _ba_plan(d).pop("monitoring_body"),
        f"{P}: submitted without the minimum requirement Monitoring body: The plan names its "
        "independent monitoring body and records that the non-governmental stakeholders "
        "endorsed it.",
    ),
    (
        "granted extension without a date",
        lambda d: d["jurisdictions"][2]["extension_requests"][0].update(decision="granted"),
        "jurisdictions[2].extension_requests[0].granted_until: a granted extension says until when",
    ),
    (
        "override in order",
        lambda d: d["jurisdictions"][0]["overrides"][0].update(until="2025-03-01"),
        "jurisdictions[0].overrides[0].until: an override ends on or after it starts",
    ),
    (
        "published draft assessment",
        lambda d: d["jurisdictions"][1]["action_plans"][0]["assessments"][1].update(
            submitted_on=None, published=True
        ),
        "jurisdictions[1].action_plans[0].assessments[1].published: only a submitted "
        "assessment is published",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("mutate", "error"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_kind_of_error_is_reported_with_its_path(mutate: Mutation, error: str) -> None:
    data = example()
    mutate(data)
    errors = validate_exchange(data)
    assert error in errors, errors
    with pytest.raises(ExchangeRefused) as refused:
        import_exchange(data)
    assert refused.value.errors == errors
    assert all(count == 0 for count in counts().values())


@pytest.mark.django_db
def test_the_period_errors_stay_in_english_whatever_language_is_active() -> None:
    """§5: the import's messages are the command line's; the plan-period problems, which the
    portal's pages translate, are written here in English."""
    ends_late, starts_early = example(), example()
    _ba_plan(ends_late).update(ends_on="2027-11-30")
    _ba_plan(starts_early).update(starts_on="2024-01-01")
    with translation.override("es"):
        errors = validate_exchange(ends_late) + validate_exchange(starts_early)
    assert f"{P}.ends_on: the plan must end at least 2 months before the end of the term" in errors
    assert f"{P}.starts_on: the plan starts before the jurisdiction joined" in errors
    assert f"{P}.starts_on: no administration term is in force on the plan's start date" in errors


@pytest.mark.django_db
def test_every_error_is_collected_before_anything_is_written(tmp_path: Path) -> None:
    data = example()
    _ba_plan(data)["ends_on"] = "2027-11-30"
    _ba_plan(data)["commitments"][0]["updates"][0]["percent"] = -1
    data["jurisdictions"][1]["action_plans"][0]["commitments"][0]["policy_areas"] = ["nope"]
    path = tmp_path / "members.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="3 error"):
        call_command("import_members", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        f"{C}.updates[0].percent: -1 is not a whole percent from 0 to 100",
        "jurisdictions[1].action_plans[0].commitments[0].policy_areas[0]: unknown policy area "
        '"nope"',
        f"{P}.ends_on: the plan must end at least 2 months before the end of the term",
    ]
    assert all(count == 0 for count in counts().values())


@pytest.mark.django_db
def test_repeated_json_keys_and_invalid_json(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '"slug": "madrid",', '"slug": "madrid", "slug": "madrid",', 1
    )
    assert "jurisdictions[1].slug: duplicate key in this object" in validate_exchange(
        parse_exchange_json(text)
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="not JSON"):
        call_command("import_members", str(broken), stdout=StringIO(), stderr=StringIO())


def test_the_example_omits_monitoring_body_endorsed_on_somewhere() -> None:
    """§5 marks it optional; the example exercises a named body without it."""
    plans = [p for j in example()["jurisdictions"] for p in j.get("action_plans", [])]
    submitted = [p for p in plans if p.get("submitted_on")]
    assert any("monitoring_body_endorsed_on" not in p for p in submitted)
    assert any("monitoring_body_endorsed_on" in p for p in submitted)


# --- exporting ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_round_trip_export_import_export() -> None:
    with transaction.atomic():
        import_exchange(example())
        exported = export_exchange(None, public=False)
        transaction.set_rollback(True)
    assert not Jurisdiction.objects.exists()
    assert validate_exchange(exported) == []
    import_exchange(json.loads(json.dumps(exported)))
    assert export_exchange(None, public=False) == exported
    # and the export says what the example says (the example spells every key it can)
    assert [j["slug"] for j in exported["jurisdictions"]] == [
        "basque-country",
        "buenos-aires",
        "madrid",
    ]


@pytest.mark.django_db
def test_export_of_one_member_includes_its_joint_plan_partners() -> None:
    import_exchange(example())
    only = Jurisdiction.objects.filter(slug="basque-country")
    exported = export_exchange(only, public=False)
    assert [j["slug"] for j in exported["jurisdictions"]] == ["basque-country", "madrid"]
    exported = export_exchange(Jurisdiction.objects.filter(slug="buenos-aires"), public=True)
    assert [j["slug"] for j in exported["jurisdictions"]] == ["buenos-aires"]


@pytest.mark.django_db
def test_public_export_leaves_out_what_is_not_public() -> None:
    import_exchange(example())
    out = StringIO()
    call_command("export_members", "--public", stdout=out)
    public = json.loads(out.getvalue())
    text = json.dumps(public, ensure_ascii=False)
    by_slug = {j["slug"]: j for j in public["jurisdictions"]}
    # requests
    assert "extension_requests" not in by_slug["basque-country"]
    assert "voluntary_inactivity" not in by_slug["buenos-aires"]
    # overrides' reasons (and reinstatements')
    assert by_slug["buenos-aires"]["overrides"] == [
        {
            "status": "active",
            "from": "2025-04-01",
            "until": "2025-05-31",
            "withdrawn_on": "2025-04-20",
        }
    ]
    assert by_slug["buenos-aires"]["reinstatements"] == [{"on": "2025-05-19"}]
    # drafts: the draft plan, the draft update
    assert [p["ref"] for p in by_slug["madrid"]["action_plans"]] == ["2024-2026-joint"]
    c2 = by_slug["buenos-aires"]["action_plans"][0]["commitments"][1]
    assert [u["quarter"] for u in c2["updates"]] == ["2025Q3", "2026Q3"]
    # unpublished assessments
    joint = by_slug["madrid"]["action_plans"][0]
    assert [a["kind"] for a in joint["assessments"]] == ["inception"]
    # personal data: endorsers' names
    assert sorted(e["organisation"] for e in joint["endorsements"]) == [
        "Access Info Europe",
        "Innobasque",
    ]
    assert all(set(e) == {"organisation"} for e in joint["endorsements"])
    for name in ("Lucía Fernández", "Iñaki Etxeberria", "Martina Gómez"):
        assert name not in text

    private = StringIO()
    call_command("export_members", "--jurisdiction", "buenos-aires", stdout=private)
    assert "Martina Gómez" in private.getvalue()
    with pytest.raises(CommandError, match="No jurisdiction"):
        call_command("export_members", "--jurisdiction", "nowhere", stdout=StringIO())
