"""Issue 10, item 4: every create, update and delete of submitted data keeps a history row with who
and when (docs/rules.md §2), on every path that writes it; staff read it, nobody else does.

Each write path below runs against a snapshot of every history-tracked table (simple-history's
registered models, with their tracked many-to-many fields): every row it created or changed must
have a history row dated at that moment by the expected person, and no row may disappear.

Command-line paths have no signed-in person: `--by EMAIL` names the Support Unit staff member who
runs them (the history's user), and the change reason always names the command (and the file).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import models
from django.test import Client
from simple_history.models import registered_models

from action_plans.models import ActionPlan
from action_plans.services import submit_plan
from commitments.models import Commitment
from members.models import Jurisdiction, StatusOverride, Term, User
from tests.conftest import World, client_for
from tests.factories import (
    ActionPlanFactory,
    CommitmentFactory,
    StaffFactory,
    TrackerUpdateFactory,
    ready_plan,
)
from tracker.models import TrackerUpdate

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
NOW = datetime(2026, 10, 15, 15, 0, tzinfo=UTC)  # 2026Q3 is open for updates until 2026-10-31
EXAMPLE = ROOT / "examples/exchange-example.json"

# The day the status was last evaluated is bookkeeping, written without history (members/status.py).
UNTRACKED_FIELDS = {(Jurisdiction, "status_evaluated_on")}


def tracked_models() -> list[type[models.Model]]:
    # The registry also holds the through tables of tracked many-to-many fields; their links
    # are read as part of the model that owns the field.
    return sorted(
        (m for m in registered_models.values() if hasattr(m, "history")),
        key=lambda m: m._meta.label,
    )


Snapshot = dict[type[models.Model], dict[int, tuple[Any, ...]]]


def snapshot() -> Snapshot:
    state: Snapshot = {}
    for model in tracked_models():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if (model, f.attname) not in UNTRACKED_FIELDS
        ]
        m2m = [f.name for f in model._meta.many_to_many]
        rows: dict[int, tuple[Any, ...]] = {}
        for obj in model._base_manager.prefetch_related(*m2m):
            values = tuple(getattr(obj, name) for name in names)
            links = tuple(
                frozenset(getattr(obj, name).values_list("pk", flat=True)) for name in m2m
            )
            rows[obj.pk] = values + links
        state[model] = rows
    return state


@dataclass
class Expected:
    actor: User | None
    reason: str | None = None  # a text the change reason must contain
    before: Snapshot | None = None  # taken by the path itself after its own preparation


def assert_every_change_recorded(before: Snapshot, after: Snapshot, expected: Expected) -> int:
    """Every row created or changed has a history row at NOW by the expected person; none is gone.
    Returns the number of rows changed."""
    changed = 0
    for model, rows in after.items():
        old = before[model]
        gone = set(old) - set(rows)
        assert not gone, f"{model.__name__} rows {sorted(gone)} were deleted"
        for pk, values in rows.items():
            if old.get(pk) == values:
                continue
            changed += 1
            history = model.history.filter(id=pk, history_date=NOW)  # type: ignore[attr-defined]
            assert history.exists(), f"{model.__name__} {pk} changed without a history row"
            for record in history:
                who = f"{model.__name__} {pk}: {record.history_change_reason!r}"
                assert record.history_user_id == (expected.actor.pk if expected.actor else None), (
                    who
                )
                if expected.reason is not None:
                    assert expected.reason in (record.history_change_reason or ""), who
    return changed


# --- The write paths -------------------------------------------------------------------------


@pytest.fixture
def staff(db: None) -> User:
    """The world's Support Unit staff member here is a superuser: the admin's forms and history."""
    return StaffFactory(is_superuser=True)


@dataclass
class Audited:
    """The tenant's submitted plan with a commitment and its 2026Q2 update; the other
    jurisdiction has a draft plan only, so its first plan is overdue by NOW."""

    update: TrackerUpdate
    draft: ActionPlan
    commitment: Commitment


@pytest.fixture
def audited(world: World) -> Audited:
    submitted = ActionPlanFactory(
        lead_jurisdiction=world.tenant.jurisdiction, ref="submitted", submitted_on=date(2026, 5, 20)
    )
    commitment = CommitmentFactory(plan=submitted, added_on=date(2026, 5, 20))
    update = TrackerUpdateFactory(commitment=commitment, quarter="2026Q2", percent=10)
    draft = ready_plan(world.other.jurisdiction, commitments=2, ref="draft")
    return Audited(update, draft, commitment)


class FormFields(HTMLParser):
    """The values a browser would send for the form with the given id."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside or ("name" not in a and tag != "option"):
            return
        if tag == "input" and a.get("type") not in {"submit", "button", "file"}:
            box = a.get("type") in {"checkbox", "radio"}
            if box and "checked" not in a:
                return
            self.data.append((a["name"], a.get("value", "on" if box else "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def admin_change(client: Client, url: str, form_id: str, changes: dict[str, str]) -> None:
    page = client.get(url)
    assert page.status_code == 200
    parser = FormFields(form_id)
    parser.feed(page.content.decode())
    data: dict[str, Any] = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    data.update({name: [value] for name, value in changes.items()})
    response = client.post(url, data)
    if response.status_code != 302:
        context = response.context
        errors = [context["adminform"].form.errors] + [
            formset.formset.errors for formset in context["inline_admin_formsets"]
        ]
        raise AssertionError(f"refused: {errors} {data}")


def via_admin_form(world: World, audited: Audited) -> Expected:
    client = client_for(world.staff)
    admin_change(
        client,
        f"/admin/tracker/trackerupdate/{audited.update.pk}/change/",
        "trackerupdate_form",
        {"percent": "15", "narrative": "Corrected by the Support Unit."},
    )
    assert TrackerUpdate.objects.get(pk=audited.update.pk).percent == 15
    return Expected(world.staff)


def via_admin_inline(world: World, audited: Audited) -> Expected:
    term = Term.objects.get(jurisdiction=world.tenant.jurisdiction)
    client = client_for(world.staff)
    url = f"/admin/members/jurisdiction/{world.tenant.jurisdiction.pk}/change/"
    admin_change(client, url, "jurisdiction_form", {"terms-0-ends_on": "2030-06-30"})
    term.refresh_from_db()
    assert term.ends_on == date(2030, 6, 30)
    return Expected(world.staff)


def via_console_view(world: World, audited: Audited) -> Expected:
    response = client_for(world.staff).post(
        "/support/members/villa-example/override/",
        {
            "status": "probation",
            "starts_on": "2026-10-15",
            "ends_on": "2026-12-31",
            "reason": "A complaint.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert StatusOverride.objects.filter(jurisdiction=world.tenant.jurisdiction).exists()
    return Expected(world.staff)


def via_api(world: World, audited: Audited) -> Expected:
    response = client_for(world.tenant.officer).post(
        "/api/v1/tracker-updates/",
        {"commitment": audited.commitment.pk, "quarter": "2026Q3", "percent": 30, "submit": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return Expected(world.tenant.officer)


def via_bulk_service(world: World, audited: Audited) -> Expected:
    """Submitting a plan dates its commitments with one bulk update."""
    submit_plan(actor=world.other.poc, plan=audited.draft, today=date(2026, 5, 20))
    assert audited.draft.commitments.filter(added_on=date(2026, 5, 20)).count() == 2
    return Expected(world.other.poc)


def import_file(data: dict[str, Any], tmp: Path, *extra: str) -> str:
    path = tmp / "members.json"
    path.write_text(json.dumps(data))
    out = StringIO()
    call_command("import_members", str(path), *extra, stdout=out, stderr=StringIO())
    return str(path)


def via_import_by(world: World, audited: Audited, tmp: Path) -> Expected:
    path = import_file(json.loads(EXAMPLE.read_text()), tmp, "--by", world.staff.email)
    assert Jurisdiction.objects.filter(slug="buenos-aires").exists()
    return Expected(world.staff, f"import_members {path}"[:99])


def via_import_anonymous(world: World, audited: Audited, tmp: Path) -> Expected:
    path = import_file(json.loads(EXAMPLE.read_text()), tmp)
    return Expected(None, f"import_members {path}"[:99])


def via_import_update(world: World, audited: Audited, tmp: Path) -> Expected:
    data = json.loads(EXAMPLE.read_text())
    with time_machine.travel(datetime(2026, 10, 1, tzinfo=UTC), tick=False):
        import_file(data, tmp)
    before = snapshot()
    changed = copy.deepcopy(data)
    member = changed["jurisdictions"][0]
    member["name"] = member["name"] + " (renamed)"
    plan = member["action_plans"][0]
    plan["commitments"][0]["title"] = "A corrected title"
    plan["commitments"][0]["policy_areas"] = plan["commitments"][0].get("policy_areas", [])[:1]
    import_file(changed, tmp, "--by", world.staff.email)
    return Expected(world.staff, "import_members", before=before)


def via_evaluate_status_by(world: World, audited: Audited) -> Expected:
    call_command(
        "evaluate_status", "--as-of", "2026-10-15", "--save", "--by", world.staff.email,
        stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    assert Jurisdiction.objects.get(pk=world.other.jurisdiction.pk).status == "inactive"
    return Expected(world.staff, "evaluate_status --save as of 2026-10-15")


def via_evaluate_status_anonymous(world: World, audited: Audited) -> Expected:
    call_command(
        "evaluate_status", "--as-of", "2026-10-15", "--save", stdout=StringIO(), stderr=StringIO()
    )
    return Expected(None, "evaluate_status --save as of 2026-10-15")


def via_daily_job(world: World, audited: Audited) -> Expected:
    from portal.status.tasks import evaluate_status_batch

    evaluate_status_batch.delay([world.tenant.jurisdiction.pk, world.other.jurisdiction.pk])
    assert Jurisdiction.objects.get(pk=world.other.jurisdiction.pk).status == "inactive"
    return Expected(None, "daily status evaluation")


WritePath = Callable[..., Expected]
WRITE_PATHS: list[WritePath] = [
    via_admin_form,
    via_admin_inline,
    via_console_view,
    via_api,
    via_bulk_service,
    via_import_by,
    via_import_anonymous,
    via_import_update,
    via_evaluate_status_by,
    via_evaluate_status_anonymous,
    via_daily_job,
]


@pytest.mark.parametrize("write", WRITE_PATHS, ids=lambda f: f.__name__.removeprefix("via_"))
def test_every_write_path_records_who_and_when(
    world: World, audited: Audited, write: WritePath, tmp_path: Path
) -> None:
    takes_tmp = write.__code__.co_argcount == 3
    with time_machine.travel(NOW, tick=False):
        before = snapshot()
        expected = write(world, audited, tmp_path) if takes_tmp else write(world, audited)
        after = snapshot()
    assert assert_every_change_recorded(expected.before or before, after, expected) > 0


def test_the_snapshot_sees_a_change_made_without_history(world: World, audited: Audited) -> None:
    """The check itself: an update that bypasses the history is caught."""
    with time_machine.travel(NOW, tick=False):
        before = snapshot()
        TrackerUpdate.objects.filter(pk=audited.update.pk).update(percent=99)
        after = snapshot()
    with pytest.raises(AssertionError, match="changed without a history row"):
        assert_every_change_recorded(before, after, Expected(None))


def test_by_must_name_active_support_unit_staff(
    world: World, audited: Audited, tmp_path: Path
) -> None:
    (tmp_path / "m.json").write_text(EXAMPLE.read_text())
    for who in ("nobody@example.org", world.tenant.poc.email):
        with pytest.raises(CommandError, match="no active Support Unit staff member"):
            call_command("import_members", str(tmp_path / "m.json"), "--by", who, stdout=StringIO())
        with pytest.raises(CommandError, match="no active Support Unit staff member"):
            call_command(
                "evaluate_status", "--as-of", "2026-10-15", "--save", "--by", who,
                stdout=StringIO(), stderr=StringIO(),
            )  # fmt: skip
    assert not Jurisdiction.objects.filter(slug="buenos-aires").exists()
    with pytest.raises(CommandError, match="needs --save"):
        call_command("evaluate_status", "--by", world.staff.email, stdout=StringIO())


# --- Staff read the history ------------------------------------------------------------------


def test_staff_read_the_history_in_the_admin_and_the_console(
    world: World, audited: Audited, tmp_path: Path
) -> None:
    from tracker.services import correct_tracker_update, record_tracker_update

    officer, poc = world.tenant.officer, world.tenant.poc
    with time_machine.travel(NOW, tick=False):
        update = record_tracker_update(
            actor=officer, commitment=audited.commitment, quarter="2026Q3", percent=20,
            narrative="Started.", today=date(2026, 10, 15),
        )  # fmt: skip
        correct_tracker_update(actor=poc, update=update, percent=35, today=date(2026, 10, 15))
    staff = client_for(world.staff)
    admin = staff.get(f"/admin/tracker/trackerupdate/{update.pk}/history/")
    assert admin.status_code == 200
    html = admin.content.decode()
    assert officer.email in html or str(officer) in html
    assert poc.email in html or str(poc) in html
    console = staff.get("/support/members/villa-example/")
    assert console.status_code == 200
    page = console.content.decode()
    changes = page[page.index('id="changes"') :]
    assert str(officer) in changes
    assert str(poc) in changes
    assert '<time datetime="2026-10-15T15:00:00+00:00">' in changes

    # What a command wrote without --by names the command and its file.
    path = tmp_path / "members.json"
    path.write_text(EXAMPLE.read_text())
    call_command("import_members", str(path), stdout=StringIO())
    page = staff.get("/support/members/buenos-aires/").content.decode()
    changes = page[page.index('id="changes"') :]
    assert f"import_members {path}" in changes
    assert "the system" in changes


@pytest.mark.parametrize("role", ["poc", "officer", "stakeholder", "monitor", "outsider", "anon"])
def test_nobody_but_staff_reads_the_history(
    world: World, audited: Audited, role: str, outsider: User
) -> None:
    user = (
        None
        if role == "anon"
        else (outsider if role == "outsider" else getattr(world.tenant, role))
    )
    client = client_for(user)
    for path in (
        f"/admin/tracker/trackerupdate/{audited.update.pk}/history/",
        f"/admin/members/jurisdiction/{world.tenant.jurisdiction.pk}/history/",
        "/support/members/villa-example/",
    ):
        response = client.get(path)
        assert response.status_code in {302, 403, 404}, (path, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith(("/accounts/login/", "/admin/login/")), path
