"""The authorization matrix (issue 10, item 1): every route of the URL configuration and of the
API routers against every actor and against an object of the actor's own jurisdiction and of
another one, for reads and for writes (docs/architecture.md).

Two jurisdictions, A and B, are seeded once for the module with the same shape: a draft plan, a
submitted plan with a draft tracker update, evidence files, an unpublished and a published
assessment, a pending change proposal, requests, a status override, a notification, an API token,
an invitation. Every unpublished value carries a marker (`SECRET-B-...`) and says who may read it;
every response of every case (body, headers, redirect Location) is searched for every marker the
actor may not read. A refused write must change nothing: every row of the portal's tables (a
checksum per table) and the mail outbox are the same after it; an allowed write is sent too, its
answer pinned, and undone (a savepoint). A route without a matrix entry fails, and so does an
entry without a route; so does a method of a view that its entry does not declare.

Actors: anonymous; A's POC, officer, stakeholder and monitoring body member; the same four of B;
Support Unit staff with TOTP and without; a signed-in person with no role. A's people act on A's
objects and B's, B's people on A's. allauth's pages are read by everybody (their own forms are
allauth's); the admin, all or nothing by staff status, by one actor of each kind. Run the module
as a whole: its last test prints the number of cases and fails below a floor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, get_resolver

from action_plans.models import ActionPlan, LetterOfSupport
from assessments.models import Assessment, AssessmentFile
from commitments.models import ChangeProposal, Commitment, PolicyArea
from members.models import ApiToken, Invitation, Jurisdiction, User
from ogplocal.api.urls import public_router, router
from tests.conftest import Tenant, World, make_tenant, on_postgres, walk
from tests.factories import (
    COMMITMENT_FORM,
    MINIMAL_PDF,
    NEW_MEMBER_FORM,
    AssessmentFactory,
    EndorsementFactory,
    ExtensionRequestFactory,
    MeetingFactory,
    MilestoneFactory,
    NotificationFactory,
    StaffFactory,
    StatusOverrideFactory,
    TrackerUpdateFactory,
    UserFactory,
    VoluntaryInactivityRequestFactory,
    ready_plan,
    upload,
)
from tests.snapshots import changed, portal_tables, snapshot

NOW = datetime(2026, 8, 15, 15, 0, tzinfo=UTC)
SIDES = ("a", "b")
ROLES = ("poc", "officer", "stakeholder", "monitor")
ACTORS = (
    "anonymous",
    *(f"{side}_{role}" for side in SIDES for role in ROLES),
    "staff",
    "staff_nototp",
    "outsider",
)
# The floor of (route, actor, object) cases: a matrix that silently shrinks fails.
MIN_CASES = 4000

# --- expected answers ------------------------------------------------------------------------

LOGIN = "login"  # 302 to the sign-in page
ADMIN_LOGIN = "admin_login"  # 302 to the admin's sign-in page
TOTP = "totp"  # 302 to setting up two-factor authentication (staff pages, staff without TOTP)
Code = int | str


@dataclass(frozen=True)
class Refused:
    """A refusal answered with a code that is not one of the refusing ones (a redirect with a
    message, a page saying why): the write must change nothing, like any refusal."""

    code: Code


Expected = Code | Refused
REFUSING = {401, 403, 404, 405, LOGIN, ADMIN_LOGIN, TOTP}


def is_refusal(expected: Expected) -> bool:
    return isinstance(expected, Refused) or expected in REFUSING


@dataclass(frozen=True)
class Expect:
    """The answer for each actor: `own` by role for the jurisdiction's own people, `foreign` for
    the people of the other jurisdiction (default: as a signed-in person with no role)."""

    poc: Expected
    officer: Expected
    stakeholder: Expected
    monitor: Expected
    staff: Expected
    outsider: Expected = 404
    anonymous: Expected = LOGIN
    foreign: Expected | None = None
    # Staff who have not set up two-factor authentication have no Support Unit powers anywhere
    # (members.tenancy.is_support_unit): on a tenant page they are a person with no role.
    staff_nototp: Expected | None = None

    def of(self, actor: str, side: str | None) -> Expected:
        if actor in {"anonymous", "staff", "outsider"}:
            return getattr(self, actor)  # type: ignore[no-any-return]
        if actor == "staff_nototp":
            return self.outsider if self.staff_nototp is None else self.staff_nototp
        actor_side, role = actor.split("_", 1)
        if side is not None and actor_side != side:
            return self.outsider if self.foreign is None else self.foreign
        return getattr(self, role)  # type: ignore[no-any-return]


def everybody(code: Expected, anonymous: Expected | None = None) -> Expect:
    return Expect(
        code, code, code, code, code, code, code if anonymous is None else anonymous, code, code
    )


def public_api(code: Expected) -> Expect:
    """The public API: anybody, but staff without TOTP are refused by its session
    authentication (ogplocal.api.tokens.SessionAuthentication)."""
    return Expect(code, code, code, code, code, code, code, code, API_ANON)


def signed_in(code: Expected, anonymous: Expected = LOGIN, staff_nototp: Expected = -1) -> Expect:
    return Expect(
        code,
        code,
        code,
        code,
        code,
        code,
        anonymous,
        code,
        code if staff_nototp == -1 else staff_nototp,
    )


# Reads of a jurisdiction's private data on the workspace pages (docs/roles.md §1): its own people
# and the Support Unit; its monitoring body once the plan is submitted.
DRAFT_PAGE = Expect(200, 200, 200, 404, 200)
PRIVATE_PAGE = Expect(200, 200, 200, 200, 200)
EDIT_PAGE = Expect(200, 200, 404, 404, 404)
# The API: 401 for anonymous and for staff without TOTP (ogplocal.api.tokens); a row you may not
# see is 404, a visible row you may not act on is 403.
API_ANON = 401


def api(
    poc: Expected,
    officer: Expected,
    stakeholder: Expected,
    monitor: Expected,
    staff: Expected,
    outsider: Expected = 404,
    foreign: Expected | None = None,
) -> Expect:
    return Expect(poc, officer, stakeholder, monitor, staff, outsider, API_ANON, foreign, API_ANON)


API_LIST = api(200, 200, 200, 200, 200, 200)
API_DRAFT = api(200, 200, 200, 404, 200)
API_PRIVATE = api(200, 200, 200, 200, 200)
API_PUBLIC = api(200, 200, 200, 200, 200, 200)
SUPPORT_PAGE = Expect(403, 403, 403, 403, 200, outsider=403, staff_nototp=TOTP)


# --- the seeded matrix ----------------------------------------------------------------------------

# Who may read each kind of marked value, by role in the marked value's own jurisdiction.
READERS = {
    "draft": {"poc", "officer", "stakeholder", "staff"},
    "private": {"poc", "officer", "stakeholder", "monitor", "staff"},
    "proposal": {"poc", "officer", "stakeholder", "staff"},  # never the monitoring body
    "poc_only": {"poc"},  # the POC's own notification and API token
}


class Side:
    """One jurisdiction of the world and everything it owns."""

    def __init__(self, name: str, tenant: Tenant) -> None:
        self.name = name
        self.markers: dict[str, tuple[str, str]] = {}  # key -> (text, readers)
        self.tenant = tenant
        self.slug = tenant.jurisdiction.slug
        self.jurisdiction: Jurisdiction = tenant.jurisdiction
        self.poc, self.officer = tenant.poc, tenant.officer
        self.stakeholder, self.monitor = tenant.stakeholder, tenant.monitor
        mark = self.mark

        self.draft = ready_plan(
            self.jurisdiction,
            ref=f"draft-{name}",
            commitments=1,
            title=mark("draft", "draft-plan"),
            vision=mark("draft", "draft-vision"),
        )
        self.draft_commitment = self.draft.commitments.get()
        Commitment.objects.filter(pk=self.draft_commitment.pk).update(
            title=mark("draft", "draft-commitment")
        )
        MilestoneFactory(commitment=self.draft_commitment, title=mark("draft", "draft-milestone"))
        self.draft_meeting = MeetingFactory(
            plan=self.draft,
            held_on=date(2026, 4, 20),
            minutes=mark("draft", "draft-minutes"),
            minutes_file=ContentFile(MINIMAL_PDF, name="draft-minutes.pdf"),
        )
        EndorsementFactory(plan=self.draft, name=mark("draft", "draft-endorser"))
        self.letter = LetterOfSupport.objects.create(
            jurisdiction=self.jurisdiction,
            plan=self.draft,
            file=ContentFile(MINIMAL_PDF, name="letter.pdf"),
            signed_on=date(2026, 4, 1),
        )

        self.submitted = ready_plan(
            self.jurisdiction,
            ref=f"plan-{name}",
            commitments=3,
            submitted_on=date(2026, 5, 20),
            title=f"Public plan of Villa {name.upper()}",
        )
        Commitment.objects.filter(plan=self.submitted).update(added_on=date(2026, 5, 20))
        self.public_commitment, self.second_commitment, self.withdrawing = (
            self.submitted.commitments.order_by("pk")
        )
        Commitment.objects.filter(pk=self.withdrawing.pk).update(
            withdrawal_reason="The law it needed was repealed."
        )
        EndorsementFactory(plan=self.submitted, name=mark("private", "endorser"))
        self.meeting = MeetingFactory(
            plan=self.submitted,
            held_on=date(2026, 5, 2),
            minutes=mark("private", "minutes"),
            minutes_file=ContentFile(MINIMAL_PDF, name="minutes.pdf"),
        )
        self.public_update = TrackerUpdateFactory(
            commitment=self.public_commitment,
            quarter="2026Q3",
            submitted_on=date(2026, 8, 10),
            narrative=f"Public progress of Villa {name.upper()}",
        )
        self.draft_update = TrackerUpdateFactory(
            commitment=self.second_commitment,
            quarter="2026Q3",
            submitted_on=None,
            narrative=mark("private", "draft-update"),
        )
        self.evidence = self.draft_update.evidence_files.create(
            file=ContentFile(MINIMAL_PDF, name="evidence.pdf"),
            original_name=mark("private", "evidence") + ".pdf",
            content_type="application/pdf",
            size=len(MINIMAL_PDF),
        )
        self.unpublished = AssessmentFactory.create(
            plan=self.submitted,
            kind=Assessment.Kind.INCEPTION,
            monitoring_body=self.jurisdiction.monitoring_bodies.first(),
            findings={"notes": mark("private", "findings")},
            report=ContentFile(MINIMAL_PDF, name="inception.pdf"),
        )
        self.unpublished_annex = AssessmentFile.objects.create(
            assessment=self.unpublished,
            file=ContentFile(MINIMAL_PDF, name="annex.pdf"),
            name=mark("private", "annex") + ".pdf",
        )
        self.published = AssessmentFactory.create(
            plan=self.submitted,
            kind=Assessment.Kind.END_OF_COMMITMENT,
            commitment=self.public_commitment,
            monitoring_body=self.jurisdiction.monitoring_bodies.first(),
            published=True,
            published_on=date(2026, 8, 1),
            report=ContentFile(MINIMAL_PDF, name="end.pdf"),
        )
        self.published_annex = AssessmentFile.objects.create(
            assessment=self.published,
            file=ContentFile(MINIMAL_PDF, name="public-annex.pdf"),
            name=f"public-annex-{name}.pdf",
        )
        self.proposal = ChangeProposal.objects.create(
            commitment=self.public_commitment,
            proposed_by=self.officer,
            proposed_on=date(2026, 8, 1),
            summary=mark("proposal", "proposal"),
            content={"title": "A clearer title"},
            before={"title": self.public_commitment.title},
        )
        self.extension = ExtensionRequestFactory(
            jurisdiction=self.jurisdiction,
            requested_on=date(2026, 8, 1),
            requested_until=date(2026, 12, 31),
            reason=mark("private", "extension-reason"),
        )
        self.voluntary = VoluntaryInactivityRequestFactory(
            jurisdiction=self.jurisdiction,
            requested_on=date(2026, 8, 2),
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 11, 30),
            decision="pending",
            decided_on=None,
            reason=mark("private", "voluntary-reason"),
        )
        self.override = StatusOverrideFactory(
            jurisdiction=self.jurisdiction,
            status="active",
            starts_on=date(2026, 8, 1),
            ends_on=None,
            reason=mark("private", "override-reason"),
        )
        self.notification = NotificationFactory(
            recipient=self.poc,
            jurisdiction=self.jurisdiction,
            subject=mark("poc_only", "notification"),
        )
        self.token = ApiToken.objects.create(
            user=self.poc,
            name=mark("poc_only", "token"),
            lookup=f"lookup{name}",
            key_hash="0" * 64,
        )
        self.invitation = Invitation.objects.create(
            jurisdiction=self.jurisdiction,
            email=f"invitee-{name}@example.org",
            role="officer",
            invited_by=self.poc,
        )

    def mark(self, readers: str, what: str) -> str:
        text = f"SECRET-{self.name.upper()}-{what}"
        self.markers[what] = (text, readers)
        return text

    def marker(self, what: str) -> str:
        return self.markers[what][0]

    def may_read(self, actor: str, readers: str) -> bool:
        allowed = READERS[readers]
        if actor == "staff":
            return "staff" in allowed
        side, _, role = actor.partition("_")
        return side == self.name and role in allowed


class Matrix:
    """The seeded world (tests/conftest.py) of jurisdictions A and B, each side with everything it
    owns, and Support Unit staff without TOTP besides: the actors of ACTORS, each with a session
    of its own."""

    def __init__(self) -> None:
        # The taxonomy comes with the migrations; a test database that a transactional test
        # emptied (--reuse-db) lacks it, and the admin answers a missing row differently.
        PolicyArea.objects.get_or_create(code="other", defaults={"name": "Other"})
        self.sides = {
            name: Side(name, make_tenant(f"villa-{name}", f"Villa {name.upper()}"))
            for name in SIDES
        }
        staff = StaffFactory.create()
        staff_nototp = StaffFactory.create(totp=False)
        outsider = UserFactory.create()
        self.world = World(self.sides["a"].tenant, self.sides["b"].tenant, staff, outsider)
        people = self.world.people
        self.users: dict[str, User | None] = {
            "anonymous": None,
            **{f"a_{role}": people[role] for role in ROLES},
            **{f"b_{role}": people[f"other_{role}"] for role in ROLES},
            "staff": people["staff"],
            "staff_nototp": staff_nototp,
            "outsider": people["outsider"],
        }
        self.sessions: dict[str, str] = {}
        for actor, user in self.users.items():
            if user is not None:
                client = Client()
                client.force_login(user)
                self.sessions[actor] = client.cookies[settings.SESSION_COOKIE_NAME].value
        # What each actor may not find in any answer.
        self.forbidden: dict[str, list[str]] = {
            actor: [
                text
                for side in self.sides.values()
                for text, readers in side.markers.values()
                if not side.may_read(actor, readers)
            ]
            for actor in ACTORS
        }

    def client(self, actor: str) -> Client:
        client = Client()
        if actor in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[actor]
        return client


@pytest.fixture(scope="module")
def matrix(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Matrix]:
    """Seeded once for the module inside a transaction that is rolled back at its end; each
    test runs in a savepoint of it (pytest-django's `db`), so writes that went through vanish."""
    root = tmp_path_factory.mktemp("authz-media")
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    with (
        override_settings(MEDIA_ROOT=root, STORAGES=storages),
        time_machine.travel(NOW, tick=False),
        django_db_blocker.unblock(),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield Matrix()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- the state of the portal ------------------------------------------------------------------


def writes_so_far() -> int | None:
    """PostgreSQL's count of rows inserted, updated or deleted in portal tables by the current
    transaction (savepoints included, even rolled-back ones): a cheap first look before the
    checksums. None elsewhere."""
    if not on_postgres():
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
            "FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
            [portal_tables()],
        )
        return int(cursor.fetchone()[0])


# --- the matrix -------------------------------------------------------------------------------

Kwargs = Callable[[Side], dict[str, Any]]
Body = Callable[[Side], dict[str, Any]]


@dataclass(frozen=True)
class Write:
    expect: Expect | dict[str, Expect]
    body: Body | dict[str, Body] = lambda side: {}
    format: str = "form"  # form, json or multipart


@dataclass(frozen=True)
class Route:
    """One route: its objects (label -> URL kwargs from a side), who may read it, who may write."""

    objects: dict[str, Kwargs] | None = None  # None: a route without an object
    get: Expect | dict[str, Expect] | None = None  # None: the route does not answer GET
    writes: dict[str, Write] = field(default_factory=dict)
    query: Callable[[Side], str] | None = None  # a query string from the object's side
    # Positive controls: (object label, role, marker) the role's own side shows.
    shows: tuple[tuple[str, str, str], ...] = ()
    actors: tuple[str, ...] = ACTORS


def per_object(expect: Expect | dict[str, Expect], label: str) -> Expect:
    return expect[label] if isinstance(expect, dict) else expect


def kw(**fields: str) -> Kwargs:
    """URL kwargs from attributes of a side: kw(slug="slug", pk="draft") -> {slug, pk: draft.pk}."""

    def build(side: Side) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, path in fields.items():
            if path.startswith("="):  # a literal
                values[name] = path[1:]
                continue
            value: Any = side
            for part in path.split("."):
                value = getattr(value, part)
            values[name] = value.pk if hasattr(value, "pk") else value
        return values

    return build


def plans(**extra: str) -> dict[str, Kwargs]:
    return {
        "draft": kw(slug="slug", pk="draft", **extra),
        "submitted": kw(slug="slug", pk="submitted", **extra),
    }


PLAN_FORM = {
    "title": "Changed",
    "starts_on": "2026-06-01",
    "ends_on": "2027-12-31",
    "forum": "The Open Government Forum.",
    "monitoring_body_endorsed_on": "2026-04-20",
}
REASON = {"reason": "Agreed with the Point of Contact."}

# Writes on the workspace pages: refused alike (404) for everybody without the action's role.
EDITORS = Expect(302, 302, 404, 404, 404)
POC_ONLY = Expect(302, 404, 404, 404, 404)


def pdf(name: str = "report.pdf") -> Any:
    return upload(name, MINIMAL_PDF)


ROUTES: dict[str, Route] = {
    # --- public site ---------------------------------------------------------------------------
    "home": Route(get=everybody(200)),
    "healthz": Route(get=everybody(200)),
    # The language switcher (issue 12): anybody may switch; a signed-in person's choice is saved
    # on their own account only, and the answer goes back to `next`.
    "set_language": Route(
        writes={"POST": Write(everybody(302), body=lambda side: {"language": "es", "next": "/"})}
    ),
    "directory": Route(get=everybody(200)),
    "member_public": Route(objects={"member": kw(slug="slug")}, get=everybody(200)),
    "member_history": Route(objects={"member": kw(slug="slug")}, get=everybody(200)),
    "policy_areas": Route(get=everybody(200)),
    "open_data": Route(get=everybody(200)),
    # Django's sitemap view answers any method alike; a POST writes nothing.
    "sitemap": Route(get=everybody(200), writes={"POST": Write(everybody(Refused(200)))}),
    "open_data_download": Route(
        objects={
            f"{dataset}.{ext}": (lambda d, e: lambda side: {"dataset": d, "extension": e})(
                dataset, ext
            )
            for dataset in ("members", "plans", "commitments", "tracker-updates")
            for ext in ("csv", "json")
        },
        get=everybody(200),
    ),
    "public_assessment_report": Route(
        objects={
            "published": kw(slug="slug", pk="published"),
            "unpublished": kw(slug="slug", pk="unpublished"),
        },
        get={"published": everybody(200), "unpublished": everybody(404)},
    ),
    "public_assessment_annex": Route(
        objects={
            "published": kw(slug="slug", pk="published", file_id="published_annex"),
            "unpublished": kw(slug="slug", pk="unpublished", file_id="unpublished_annex"),
        },
        get={"published": everybody(200), "unpublished": everybody(404)},
    ),
    "invitation_accept": Route(
        objects={"invitation": kw(token="invitation.token")},
        get=everybody(200),
        # Only the invited address takes the role: a signed-in person with another one is refused
        # (409) and nothing changes; without an account the form asks for a name and password.
        writes={
            "POST": Write(
                signed_in(Refused(409), anonymous=200),
                body=lambda side: {"name": "New Person", "password1": "x", "password2": "x"},
            )
        },
    ),
    # --- signed in, one's own data ---------------------------------------------------------------
    "notifications": Route(get=signed_in(200), shows=(("-", "poc", "notification"),)),
    # The switcher: to a workspace the person may read (302), else 404.
    "switch_jurisdiction": Route(
        objects={"member": kw()},
        query=lambda side: f"?jurisdiction={side.slug}",
        get=Expect(302, 302, 302, 302, 302),
    ),
    "api_tokens": Route(
        get=signed_in(200),
        writes={"POST": Write(signed_in(200, staff_nototp=400), body=lambda s: {"name": "x"})},
    ),
    "api_token_revoke": Route(
        objects={"token": kw(pk="token")},
        writes={
            "POST": Write(
                Expect(
                    302,
                    Refused(302),
                    Refused(302),
                    Refused(302),
                    Refused(302),
                    Refused(302),
                    foreign=Refused(302),
                    staff_nototp=Refused(302),
                )
            )
        },
    ),
    # --- the workspace ---------------------------------------------------------------------------
    "workspace": Route(
        objects={"member": kw(slug="slug")},
        get=PRIVATE_PAGE,
        shows=(("member", "poc", "draft-plan"),),
    ),
    "invite": Route(
        objects={"member": kw(slug="slug")},
        get=Expect(200, 404, 404, 404, 404),
        writes={
            "POST": Write(POC_ONLY, body=lambda s: {"email": "new@example.org", "role": "officer"})
        },
    ),
    "workspace_requests": Route(
        objects={"member": kw(slug="slug")},
        get=PRIVATE_PAGE,
        writes={
            # 400: the first plan is submitted, so its deadline is not extended.
            "POST": Write(
                Expect(400, 404, 404, 404, 404),
                body=lambda s: {
                    "kind": "extension",
                    "extension-requested_until": "2026-12-31",
                    "extension-reason": "Elections moved.",
                },
            )
        },
        shows=(("member", "poc", "extension-reason"), ("member", "monitor", "voluntary-reason")),
    ),
    "plan_create": Route(
        objects={"member": kw(slug="slug")},
        get=EDIT_PAGE,
        writes={
            "POST": Write(
                EDITORS,
                body=lambda s: {"ref": "other", "starts_on": "2028-01-01", "ends_on": "2029-06-30"},
            )
        },
    ),
    "plan_detail": Route(
        objects=plans(),
        get={"draft": DRAFT_PAGE, "submitted": PRIVATE_PAGE},
        shows=(("draft", "stakeholder", "draft-plan"),),
    ),
    "plan_edit": Route(
        objects=plans(),
        get=EDIT_PAGE,
        # A submitted plan is not edited here: the page says so (200).
        writes={
            "POST": Write(
                {"draft": EDITORS, "submitted": Expect(200, 200, 404, 404, 404)},
                body=lambda s: PLAN_FORM,
            )
        },
    ),
    "plan_submit": Route(
        objects=plans(),
        get={"draft": DRAFT_PAGE, "submitted": PRIVATE_PAGE},
        # 409: the draft overlaps the submitted plan; the submitted one is submitted already.
        writes={"POST": Write(Expect(409, 404, 404, 404, 404))},
    ),
    "plan_meetings": Route(
        objects=plans(),
        get={"draft": DRAFT_PAGE, "submitted": PRIVATE_PAGE},
        writes={
            "POST": Write(
                EDITORS,
                body=lambda s: {
                    "held_on": "2026-05-01",
                    "kind": "co_creation",
                    "government_participants": 2,
                    "non_governmental_participants": 3,
                },
            )
        },
        shows=(("draft", "officer", "draft-minutes"), ("submitted", "monitor", "minutes")),
    ),
    "plan_endorsements": Route(
        objects=plans(),
        get={"draft": DRAFT_PAGE, "submitted": PRIVATE_PAGE},
        writes={
            "POST": Write(EDITORS, body=lambda s: {"name": "Someone Else", "organisation": "NGO"})
        },
        shows=(("draft", "poc", "draft-endorser"), ("submitted", "monitor", "endorser")),
    ),
    "plan_endorse": Route(
        objects=plans(),
        writes={
            "POST": Write(Expect(404, 404, 302, 404, 404), body=lambda s: {"organisation": "NGO"})
        },
    ),
    "plan_minutes": Route(
        objects={
            "draft": kw(slug="slug", pk="draft", meeting_id="draft_meeting"),
            "submitted": kw(slug="slug", pk="submitted", meeting_id="meeting"),
        },
        get={"draft": DRAFT_PAGE, "submitted": PRIVATE_PAGE},
    ),
    "plan_letter": Route(
        objects=plans(),
        get={"draft": DRAFT_PAGE, "submitted": PRIVATE_PAGE},
        writes={
            "POST": Write(
                EDITORS,
                body=lambda s: {"file": pdf("letter.pdf"), "signed_on": "2026-04-01"},
                format="multipart",
            )
        },
    ),
    "plan_letter_download": Route(
        objects={"draft": kw(slug="slug", pk="draft", letter_id="letter")},
        get=DRAFT_PAGE,
    ),
    # WeasyPrint takes a second or more per PDF: A's officer and stakeholder, who read exactly
    # what its POC reads (ROLE_ACTIONS), are left to the pages above.
    "plan_pdf": Route(
        objects=plans(),
        get={"draft": DRAFT_PAGE, "submitted": PRIVATE_PAGE},
        actors=tuple(a for a in ACTORS if a not in {"a_officer", "a_stakeholder"}),
    ),
    "commitment_create": Route(
        objects=plans(),
        get=EDIT_PAGE,
        # A submitted plan takes a commitment with the record of its co-creation (400 without).
        writes={
            "POST": Write(
                {"draft": EDITORS, "submitted": Expect(400, 400, 404, 404, 404)},
                body=lambda s: COMMITMENT_FORM,
            )
        },
    ),
    "commitment_detail": Route(
        objects={
            "draft": kw(slug="slug", pk="draft", cpk="draft_commitment"),
            "submitted": kw(slug="slug", pk="submitted", cpk="public_commitment"),
        },
        get={"draft": DRAFT_PAGE, "submitted": PRIVATE_PAGE},
        shows=(("draft", "officer", "draft-milestone"), ("submitted", "stakeholder", "proposal")),
    ),
    "commitment_edit": Route(
        objects={
            "draft": kw(slug="slug", pk="draft", cpk="draft_commitment"),
            "submitted": kw(slug="slug", pk="submitted", cpk="public_commitment"),
        },
        get=EDIT_PAGE,
        # After submission a change needs its approval recorded (400 without).
        writes={
            "POST": Write(
                {"draft": EDITORS, "submitted": Expect(400, 400, 404, 404, 404)},
                body=lambda s: COMMITMENT_FORM,
            )
        },
    ),
    "commitment_complete": Route(
        objects={"submitted": kw(slug="slug", pk="submitted", cpk="public_commitment")},
        writes={"POST": Write(EDITORS, body=lambda s: {"completed_on": "2026-08-01"})},
    ),
    "commitment_withdraw": Route(
        objects={"submitted": kw(slug="slug", pk="submitted", cpk="second_commitment")},
        writes={"POST": Write(POC_ONLY, body=lambda s: {"reason": "The law changed."})},
    ),
    "commitment_propose": Route(
        objects={"submitted": kw(slug="slug", pk="submitted", cpk="second_commitment")},
        get=EDIT_PAGE,
        writes={
            "POST": Write(
                EDITORS, body=lambda s: {**COMMITMENT_FORM, "r-summary": "A clearer title."}
            )
        },
    ),
    "proposal_approve": Route(
        objects={
            "proposal": kw(slug="slug", pk="submitted", cpk="public_commitment", ppk="proposal")
        },
        writes={"POST": Write(Expect(404, 404, 302, 404, 404), body=lambda s: {"a-comment": "ok"})},
    ),
    "proposal_reject": Route(
        objects={
            "proposal": kw(slug="slug", pk="submitted", cpk="public_commitment", ppk="proposal")
        },
        writes={"POST": Write(Expect(404, 404, 302, 404, 404), body=lambda s: {"j-comment": "no"})},
    ),
    "proposal_withdraw": Route(
        objects={
            "proposal": kw(slug="slug", pk="submitted", cpk="public_commitment", ppk="proposal")
        },
        writes={"POST": Write(EDITORS)},
    ),
    "tracker_quarters": Route(
        objects=plans(), get={"draft": DRAFT_PAGE, "submitted": PRIVATE_PAGE}
    ),
    "tracker_quarter": Route(
        objects={
            "draft": kw(slug="slug", pk="draft", quarter="=2026Q3"),
            "submitted": kw(slug="slug", pk="submitted", quarter="=2026Q3"),
        },
        get={"draft": DRAFT_PAGE, "submitted": PRIVATE_PAGE},
        writes={
            "POST": Write(
                # The commitment posted is of the submitted plan: under the draft's URL it is
                # nobody's (404), editors included.
                {"draft": Expect(404, 404, 404, 404, 404), "submitted": EDITORS},
                body=lambda s: {
                    "commitment": s.second_commitment.pk,
                    f"u{s.second_commitment.pk}-percent": "30",
                    "intent": "submit",
                },
            )
        },
        shows=(("submitted", "monitor", "draft-update"), ("submitted", "officer", "evidence")),
    ),
    "tracker_evidence_download": Route(
        objects={"evidence": kw(slug="slug", pk="submitted", file_id="evidence")},
        get=PRIVATE_PAGE,
    ),
    "tracker_evidence_remove": Route(
        objects={"evidence": kw(slug="slug", pk="submitted", file_id="evidence")},
        writes={"POST": Write(EDITORS)},
    ),
    # --- assessments ---------------------------------------------------------------------------
    "assessments_due": Route(get=Expect(404, 404, 404, 200, 404, foreign=200)),
    "assessment_upload": Route(
        objects={
            "draft": kw(plan_id="draft", kind="=final-learning-exercise"),
            "submitted": kw(plan_id="submitted", kind="=final-learning-exercise"),
        },
        get={
            "draft": Expect(404, 404, 404, 404, 404),
            "submitted": Expect(404, 404, 404, 200, 404),
        },
        writes={
            "POST": Write(
                {
                    "draft": Expect(404, 404, 404, 404, 404),
                    "submitted": Expect(404, 404, 404, 302, 404),
                },
                body=lambda s: {
                    "report": pdf(),
                    "lessons": "Start early.",
                    "recommendations": "Publish data.",
                    "adoption_steps": "Adopt.",
                },
                format="multipart",
            )
        },
    ),
    "assessment_upload_commitment": Route(
        objects={
            "submitted": kw(
                plan_id="submitted", commitment_id="second_commitment", kind="=end-of-commitment"
            )
        },
        get=Expect(404, 404, 404, 200, 404),
        writes={
            "POST": Write(
                Expect(404, 404, 404, 400, 404),
                body=lambda s: {"report": pdf(), "completion": "substantial"},
                format="multipart",
            )
        },
    ),
    "assessment_report": Route(
        objects={"unpublished": kw(pk="unpublished"), "published": kw(pk="published")},
        get={"unpublished": PRIVATE_PAGE, "published": PRIVATE_PAGE},
    ),
    "assessment_annex": Route(
        objects={
            "unpublished": kw(pk="unpublished", file_id="unpublished_annex"),
            "published": kw(pk="published", file_id="published_annex"),
        },
        get={"unpublished": PRIVATE_PAGE, "published": PRIVATE_PAGE},
    ),
    "jurisdiction_assessments": Route(
        objects={"member": kw(slug="slug")},
        get=PRIVATE_PAGE,
    ),
    "assessments_review": Route(get=SUPPORT_PAGE),
    "assessment_publish": Route(
        objects={"unpublished": kw(pk="unpublished")},
        writes={"POST": Write(Expect(403, 403, 403, 403, 302, 403, LOGIN, None, TOTP))},
    ),
    # --- the Support Unit console ----------------------------------------------------------------
    "support_home": Route(get=SUPPORT_PAGE),
    "console_members_csv": Route(get=SUPPORT_PAGE),
    "console_forecast": Route(get=SUPPORT_PAGE),
    "console_new_member": Route(
        get=SUPPORT_PAGE,
        writes={
            "POST": Write(
                Expect(403, 403, 403, 403, 302, 403, LOGIN, None, TOTP),
                body=lambda s: {**NEW_MEMBER_FORM, "joined_on": "2026-08-01"},
            )
        },
    ),
    "console_member": Route(
        objects={"member": kw(slug="slug")},
        get=SUPPORT_PAGE,
        shows=(("member", "staff", "override-reason"),),
    ),
}

# The Support Unit's decisions: staff with TOTP act (302), or the page says why not (200: the
# first plan is already submitted, an override is in force, the member is not revoked).
CONSOLE_ACTIONS: dict[str, tuple[dict[str, Kwargs], Body, int]] = {
    "console_first_plan_deadline": (
        {"member": kw(slug="slug")},
        lambda s: {"deadline": "2026-09-30", **REASON},
        200,
    ),
    "console_decide_extension": (
        {"request": kw(slug="slug", pk="extension")},
        lambda s: {"decision": "grant", "granted_until": "2026-12-31", **REASON},
        302,
    ),
    "console_decide_voluntary": (
        {"request": kw(slug="slug", pk="voluntary")},
        lambda s: {"decision": "approve", **REASON},
        302,
    ),
    "console_review_plan": (
        {"plan": kw(slug="slug", pk="submitted")},
        lambda s: {"decision": "return", "comments": "Say who leads each milestone."},
        302,
    ),
    "console_decide_withdrawal": (
        {"commitment": kw(slug="slug", pk="withdrawing")},
        lambda s: {"decision": "approve", "comments": "Agreed."},
        302,
    ),
    "console_override": (
        {"member": kw(slug="slug")},
        lambda s: {"status": "probation", "starts_on": "2026-08-15", **REASON},
        200,
    ),
    "console_withdraw_override": (
        {"override": kw(slug="slug", pk="override")},
        lambda s: REASON,
        302,
    ),
    "console_reinstate": ({"member": kw(slug="slug")}, lambda s: REASON, 200),
}
for _name, (_objects, _body, _staff) in CONSOLE_ACTIONS.items():
    ROUTES[_name] = Route(
        objects=_objects,
        get=SUPPORT_PAGE,
        writes={
            "POST": Write(Expect(403, 403, 403, 403, _staff, 403, LOGIN, None, TOTP), body=_body)
        },
    )

# --- the API (/api/v1/) -------------------------------------------------------------------------
# Writes name the row in the path (404 when it is not visible, 403 when visible and the role may
# not act) or in the body (400 "No such record, or not visible to you.", 403 as above).


def api_write(
    poc: Expected,
    officer: Expected,
    stakeholder: Expected,
    monitor: Expected,
    staff: Expected,
    outsider: Expected = 404,
    foreign: Expected | None = None,
) -> Expect:
    return api(poc, officer, stakeholder, monitor, staff, outsider, foreign)


PLAN_BODY = {"ref": "2028-plan", "starts_on": "2028-01-01", "ends_on": "2029-06-30", "title": "x"}
ROUTES.update(
    {
        "api_jurisdiction-list": Route(get=API_LIST),
        "api_jurisdiction-detail": Route(objects={"member": kw(slug="slug")}, get=API_PUBLIC),
        "api_jurisdiction-invitations": Route(
            objects={"member": kw(slug="slug")},
            writes={
                "POST": Write(
                    api_write(201, 403, 403, 403, 403, 403),
                    body=lambda s: {"email": "new@example.org", "role": "officer"},
                    format="json",
                )
            },
        ),
        "api_jurisdiction-first-plan-deadline": Route(
            objects={"member": kw(slug="slug")},
            writes={
                "POST": Write(
                    api_write(403, 403, 403, 403, 400, 403),
                    body=lambda s: {"deadline": "2026-12-31", **REASON},
                    format="json",
                )
            },
        ),
        "api_jurisdiction-override-status": Route(
            objects={"member": kw(slug="slug")},
            writes={
                "POST": Write(
                    api_write(403, 403, 403, 403, 201, 403),
                    body=lambda s: {"status": "probation", "starts_on": "2026-08-15", **REASON},
                    format="json",
                )
            },
        ),
        "api_jurisdiction-reinstate": Route(
            objects={"member": kw(slug="slug")},
            writes={
                "POST": Write(
                    api_write(403, 403, 403, 403, 400, 403), body=lambda s: REASON, format="json"
                )
            },
        ),
        "api_jurisdiction-withdraw-override": Route(
            objects={"member": kw(slug="slug")},
            writes={
                "POST": Write(
                    api_write(403, 403, 403, 403, 200, 403),
                    body=lambda s: {"override": s.override.pk, **REASON},
                    format="json",
                )
            },
        ),
        "api_plan-list": Route(
            get=API_LIST,
            writes={
                "POST": Write(
                    api_write(201, 201, 403, 403, 403, 403),
                    body=lambda s: {"jurisdiction": s.slug, **PLAN_BODY},
                    format="json",
                )
            },
            objects={"member": kw()},
            shows=(("member", "poc", "draft-plan"),),
        ),
        "api_plan-detail": Route(
            objects={"draft": kw(pk="draft"), "submitted": kw(pk="submitted")},
            get={"draft": API_DRAFT, "submitted": API_PUBLIC},
            writes={
                "PATCH": Write(
                    {
                        "draft": api_write(200, 200, 403, 404, 403),
                        "submitted": api_write(400, 400, 403, 403, 403, 403),
                    },
                    body=lambda s: {"forum": "The new forum."},
                    format="json",
                )
            },
            shows=(("draft", "officer", "draft-vision"),),
        ),
        "api_plan-commitments": Route(
            objects={"draft": kw(pk="draft"), "submitted": kw(pk="submitted")},
            writes={
                "POST": Write(
                    {
                        "draft": api_write(400, 400, 403, 404, 403),
                        "submitted": api_write(400, 400, 403, 403, 403, 403),
                    },
                    body=lambda s: {
                        "ref": "added",
                        "title": "Open budgets",
                        "starts_on": "2026-09-01",
                        "ends_on": "2027-06-30",
                        "policy_areas": [],
                        "co_creation_meeting": s.meeting.pk,
                    },
                    format="json",
                )
            },
        ),
        "api_plan-endorsers": Route(
            objects={"draft": kw(pk="draft"), "submitted": kw(pk="submitted")},
            writes={
                "POST": Write(
                    {
                        "draft": api_write(201, 201, 403, 404, 403),
                        "submitted": api_write(201, 201, 403, 403, 403, 403),
                    },
                    body=lambda s: {"name": "Someone Else", "organisation": "NGO"},
                    format="json",
                )
            },
        ),
        "api_plan-review": Route(
            objects={"draft": kw(pk="draft"), "submitted": kw(pk="submitted")},
            writes={
                "POST": Write(
                    {
                        "draft": api_write(403, 403, 403, 404, 400),
                        "submitted": api_write(403, 403, 403, 403, 200, 403),
                    },
                    body=lambda s: {"accept": False, "comments": "Say who leads each milestone."},
                    format="json",
                )
            },
        ),
        "api_plan-submit": Route(
            objects={"draft": kw(pk="draft"), "submitted": kw(pk="submitted")},
            writes={
                "POST": Write(
                    {
                        "draft": api_write(400, 403, 403, 404, 403),
                        "submitted": api_write(400, 403, 403, 403, 403, 403),
                    },
                    format="json",
                )
            },
        ),
        "api_commitment-list": Route(
            get=API_LIST,
            objects={"draft": kw(), "submitted": kw()},
            writes={
                "POST": Write(
                    {
                        "draft": api_write(201, 201, 403, 400, 403, 400),
                        "submitted": api_write(400, 400, 403, 403, 403, 403),
                    },
                    body={
                        label: (
                            lambda plan: (
                                lambda s: {
                                    "plan": getattr(s, plan).pk,
                                    "ref": "new",
                                    "title": "Open budgets",
                                    "starts_on": "2026-07-01",
                                    "ends_on": "2027-06-30",
                                    "policy_areas": [],
                                }
                            )
                        )(label)
                        for label in ("draft", "submitted")
                    },
                    format="json",
                )
            },
            shows=(("draft", "stakeholder", "draft-commitment"),),
        ),
        "api_commitment-detail": Route(
            objects={"draft": kw(pk="draft_commitment"), "submitted": kw(pk="public_commitment")},
            get={"draft": API_DRAFT, "submitted": API_PUBLIC},
            writes={
                "PATCH": Write(
                    {
                        "draft": api_write(200, 200, 403, 404, 403),
                        "submitted": api_write(400, 400, 403, 403, 403, 403),
                    },
                    body=lambda s: {"title": "Renamed"},
                    format="json",
                )
            },
        ),
        "api_commitment-decide-withdrawal": Route(
            objects={"submitted": kw(pk="withdrawing")},
            writes={
                "POST": Write(
                    api_write(403, 403, 403, 403, 200, 403),
                    body=lambda s: {"approve": True, "comments": "Agreed."},
                    format="json",
                )
            },
        ),
        "api_commitment-propose-change": Route(
            objects={"submitted": kw(pk="second_commitment")},
            writes={
                "POST": Write(
                    api_write(201, 201, 403, 403, 403, 403),
                    body=lambda s: {"title": "Clearer", "summary": "A clearer title."},
                    format="json",
                )
            },
        ),
        "api_commitment-request-withdrawal": Route(
            objects={"submitted": kw(pk="second_commitment")},
            writes={
                "POST": Write(
                    api_write(200, 403, 403, 403, 403, 403),
                    body=lambda s: {"reason": "The law changed."},
                    format="json",
                )
            },
        ),
        "api_change_proposal-list": Route(
            get=API_LIST, objects={"member": kw()}, shows=(("member", "poc", "proposal"),)
        ),
        "api_change_proposal-detail": Route(
            objects={"proposal": kw(pk="proposal")}, get=api(200, 200, 200, 404, 200)
        ),
        "api_change_proposal-approve": Route(
            objects={"proposal": kw(pk="proposal")},
            writes={
                "POST": Write(
                    api_write(403, 403, 200, 404, 403),
                    body=lambda s: {"comment": "ok"},
                    format="json",
                )
            },
        ),
        "api_change_proposal-reject": Route(
            objects={"proposal": kw(pk="proposal")},
            writes={
                "POST": Write(
                    api_write(403, 403, 200, 404, 403),
                    body=lambda s: {"comment": "no"},
                    format="json",
                )
            },
        ),
        "api_change_proposal-withdraw": Route(
            objects={"proposal": kw(pk="proposal")},
            writes={"POST": Write(api_write(200, 200, 403, 404, 403), format="json")},
        ),
        "api_milestone-list": Route(get=API_LIST),
        "api_milestone-detail": Route(
            objects={
                "draft": lambda s: {
                    "pk": s.draft_commitment.milestones.get(title__startswith="SECRET").pk
                }
            },
            get=API_DRAFT,
        ),
        "api_tracker_update-list": Route(
            get=API_LIST,
            objects={"submitted": kw()},
            writes={
                "POST": Write(
                    api_write(200, 200, 403, 403, 403, 403),
                    body=lambda s: {
                        "commitment": s.second_commitment.pk,
                        "quarter": "2026Q3",
                        "percent": 30,
                    },
                    format="json",
                )
            },
            shows=(("submitted", "monitor", "draft-update"),),
        ),
        "api_tracker_update-detail": Route(
            objects={"draft": kw(pk="draft_update"), "submitted": kw(pk="public_update")},
            get={"draft": API_PRIVATE, "submitted": API_PUBLIC},
        ),
        "api_tracker_update-evidence": Route(
            objects={"draft": kw(pk="draft_update"), "submitted": kw(pk="public_update")},
            writes={
                "POST": Write(
                    {
                        "draft": api_write(200, 200, 403, 403, 403),
                        "submitted": api_write(200, 200, 403, 403, 403, 403),
                    },
                    body=lambda s: {"evidence_files": pdf("evidence.pdf")},
                    format="multipart",
                )
            },
        ),
        "api_meeting-list": Route(
            get=API_LIST,
            objects={"draft": kw()},
            writes={
                "POST": Write(
                    api_write(201, 201, 403, 400, 403, 400),
                    body=lambda s: {
                        "plan": s.draft.pk,
                        "held_on": "2026-05-02",
                        "kind": "implementation",
                        "government_participants": 2,
                        "non_governmental_participants": 3,
                    },
                    format="json",
                )
            },
            shows=(("draft", "poc", "draft-minutes"),),
        ),
        "api_meeting-detail": Route(
            objects={"draft": kw(pk="draft_meeting"), "submitted": kw(pk="meeting")},
            get={"draft": API_DRAFT, "submitted": API_PRIVATE},
        ),
        "api_endorsement-list": Route(
            get=API_LIST,
            objects={"draft": kw()},
            writes={
                "POST": Write(
                    api_write(403, 403, 201, 400, 403, 400),
                    body=lambda s: {"plan": s.draft.pk, "organisation": "Civic Lab"},
                    format="json",
                )
            },
            shows=(("draft", "stakeholder", "draft-endorser"),),
        ),
        "api_endorsement-detail": Route(
            objects={
                "draft": lambda s: {"pk": s.draft.endorsements.get(name__startswith="SECRET").pk},
                "submitted": lambda s: {
                    "pk": s.submitted.endorsements.get(name__startswith="SECRET").pk
                },
            },
            get={"draft": API_DRAFT, "submitted": API_PRIVATE},
        ),
        "api_assessment-list": Route(
            get=API_LIST,
            objects={"submitted": kw()},
            writes={
                "POST": Write(
                    api_write(403, 403, 403, 201, 403, 403),
                    body=lambda s: {
                        "plan": s.submitted.pk,
                        "kind": "final_learning_exercise",
                        "report": pdf(),
                        "findings": '{"lessons": "Start early."}',
                    },
                    format="multipart",
                )
            },
            shows=(("submitted", "monitor", "findings"),),
        ),
        "api_assessment-detail": Route(
            objects={"unpublished": kw(pk="unpublished"), "published": kw(pk="published")},
            get={"unpublished": API_PRIVATE, "published": API_PUBLIC},
        ),
        "api_assessment-annexes": Route(
            objects={"unpublished": kw(pk="unpublished"), "published": kw(pk="published")},
            writes={
                "POST": Write(
                    {
                        "unpublished": api_write(403, 403, 403, 201, 403),
                        "published": api_write(403, 403, 403, 400, 403, 403),
                    },
                    body=lambda s: {"annexes": pdf("annex.pdf")},
                    format="multipart",
                )
            },
        ),
        "api_assessment-publish": Route(
            objects={"unpublished": kw(pk="unpublished")},
            writes={"POST": Write(api_write(403, 403, 403, 403, 200), format="json")},
        ),
        "api_assessment-report": Route(
            objects={"unpublished": kw(pk="unpublished"), "published": kw(pk="published")},
            get={"unpublished": API_PRIVATE, "published": API_PUBLIC},
        ),
        "api_extension_request-list": Route(
            get=API_LIST,
            objects={"member": kw()},
            writes={
                "POST": Write(
                    # 400: the first plan is submitted, so no extension of its deadline.
                    api_write(400, 403, 403, 403, 403, 403),
                    body=lambda s: {
                        "jurisdiction": s.slug,
                        "requested_until": "2027-09-30",
                        "reason": "Elections moved the council's calendar.",
                    },
                    format="json",
                )
            },
            shows=(("member", "officer", "extension-reason"),),
        ),
        "api_extension_request-detail": Route(
            objects={"request": kw(pk="extension")}, get=API_PRIVATE
        ),
        "api_extension_request-decide": Route(
            objects={"request": kw(pk="extension")},
            writes={
                "POST": Write(
                    api_write(403, 403, 403, 403, 200),
                    body=lambda s: {"grant": True, "granted_until": "2026-12-31", **REASON},
                    format="json",
                )
            },
        ),
        "api_voluntary_request-list": Route(
            get=API_LIST,
            objects={"member": kw()},
            writes={
                "POST": Write(
                    # 400: a request of the member is pending already.
                    api_write(400, 403, 403, 403, 403, 403),
                    body=lambda s: {
                        "jurisdiction": s.slug,
                        "starts_on": "2027-01-01",
                        "ends_on": "2027-06-30",
                        "reason": "A new administration takes office.",
                    },
                    format="json",
                )
            },
        ),
        "api_voluntary_request-detail": Route(
            objects={"request": kw(pk="voluntary")}, get=API_PRIVATE
        ),
        "api_voluntary_request-decide": Route(
            objects={"request": kw(pk="voluntary")},
            writes={
                "POST": Write(
                    api_write(403, 403, 403, 403, 200),
                    body=lambda s: {"approve": True, **REASON},
                    format="json",
                )
            },
        ),
        "api_notification-list": Route(get=API_LIST, shows=(("-", "poc", "notification"),)),
        "api_notification-detail": Route(
            objects={"notification": kw(pk="notification")}, get=api(200, 404, 404, 404, 404)
        ),
        # --- the public API: staff without TOTP are refused by its session authentication too --
        "api_public_member-list": Route(get=public_api(200)),
        "api_public_member-detail": Route(objects={"member": kw(slug="slug")}, get=public_api(200)),
        "api_public_plan-list": Route(get=public_api(200)),
        "api_public_plan-detail": Route(
            objects={"draft": kw(pk="draft"), "submitted": kw(pk="submitted")},
            get={"draft": public_api(404), "submitted": public_api(200)},
        ),
        "api_public_commitment-list": Route(get=public_api(200)),
        "api_public_commitment-detail": Route(
            objects={"draft": kw(pk="draft_commitment"), "submitted": kw(pk="public_commitment")},
            get={"draft": public_api(404), "submitted": public_api(200)},
        ),
        "api_public_tracker_update-list": Route(get=public_api(200)),
        "api_public_tracker_update-detail": Route(
            objects={"draft": kw(pk="draft_update"), "submitted": kw(pk="public_update")},
            get={"draft": public_api(404), "submitted": public_api(200)},
        ),
        "api_public_assessment-list": Route(get=public_api(200)),
        "api_public_assessment-detail": Route(
            objects={"unpublished": kw(pk="unpublished"), "published": kw(pk="published")},
            get={"unpublished": public_api(404), "published": public_api(200)},
        ),
        "api_public_assessment-report": Route(
            objects={"unpublished": kw(pk="unpublished"), "published": kw(pk="published")},
            get={"unpublished": public_api(404), "published": public_api(200)},
        ),
        # The schema is built from the code, never from data, and takes a second or two each
        # time: one actor of each kind that answers differently.
        "api_schema": Route(get=public_api(200), actors=("anonymous", "a_poc", "staff_nototp")),
        "api_docs": Route(get=everybody(200)),
        "api_not_found": Route(
            objects={"path": kw(rest="=v1/nothing/here/")},
            get=everybody(404),
            writes={"POST": Write(everybody(404), format="json")},
        ),
    }
)

# --- allauth's account pages: what each answers anybody signed in or not; no object, no tenant
# data. Their writes (signing in, signing up, resetting) are allauth's own and tested there.
ACCOUNT_ROUTES: dict[str, tuple[dict[str, Any], Expect]] = {
    # Anybody: allauth's pages that need no account.
    **{
        name: ({}, everybody(200))
        for name in (
            "account_email_verification_sent",
            "account_inactive",
            "account_reset_password",
            "account_reset_password_done",
            "account_reset_password_from_key_done",
        )
    },
    "account_confirm_email": ({"key": "nokey"}, everybody(200)),
    "account_reset_password_from_key": ({"uidb36": "1", "key": "x-y"}, everybody(200)),
    # Signing in or up: signed-in people are sent on to where they work (302).
    **{name: ({}, signed_in(302, anonymous=200)) for name in ("account_login", "account_signup")},
    **{
        name: ({}, signed_in(302, anonymous=LOGIN))
        for name in ("account_confirm_login_code", "mfa_authenticate", "account_set_password")
    },
    "account_logout": ({}, signed_in(200, anonymous=302)),
    # One's own account: signed in only.
    **{
        name: ({}, signed_in(200))
        for name in (
            "account_change_password",
            "account_email",
            "account_reauthenticate",
            "mfa_index",
        )
    },
    # Changing MFA asks to sign in again first (302); without recovery codes there are none (404).
    **{name: ({}, signed_in(302)) for name in ("mfa_activate_totp", "mfa_generate_recovery_codes")},
    **{
        name: ({}, signed_in(404))
        for name in ("mfa_download_recovery_codes", "mfa_view_recovery_codes")
    },
    "mfa_deactivate_totp": ({}, Expect(404, 404, 404, 404, 302, 404, LOGIN, 404, 404)),
    "mfa_reauthenticate": ({}, Expect(302, 302, 302, 302, 200, 302, LOGIN, 302, 302)),
}


# --- running the matrix -------------------------------------------------------------------------

WALKED = list(walk(get_resolver().url_patterns))


def full_name(pattern: URLPattern, namespaces: tuple[str, ...]) -> str:
    return ":".join((*namespaces, pattern.name or ""))


PORTAL_WALKED = [
    (route, pattern, namespaces)
    for route, pattern, namespaces in WALKED
    if "admin" not in namespaces and not pattern.callback.__module__.startswith("allauth.")
]
ADMIN_WALKED = [(r, p, n) for r, p, n in WALKED if "admin" in n]
ACCOUNT_WALKED = [(r, p, n) for r, p, n in WALKED if p.callback.__module__.startswith("allauth.")]
CALLBACKS = {full_name(p, n): p.callback for _, p, n in WALKED}


def router_names() -> set[str]:
    """Every URL name the two API routers make, from their registries."""
    names = set()
    for registered in (*router.registry, *public_router.registry):
        viewset, basename = registered[1], registered[2]
        names |= {f"{basename}-list", f"{basename}-detail"}
        names |= {f"{basename}-{extra.url_name}" for extra in viewset.get_extra_actions()}
    return names


CASES: dict[str, tuple[int, int]] = {}  # route -> ((actor, object) cases, requests)


def body_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def answered(response: Any, expected: Expected) -> bool:
    code = expected.code if isinstance(expected, Refused) else expected
    location = response.get("Location", "")
    if code == LOGIN:
        return response.status_code == 302 and location.startswith("/accounts/login/")
    if code == ADMIN_LOGIN:
        return response.status_code == 302 and location.startswith("/admin/login/")
    if code == TOTP:
        return response.status_code == 302 and location == "/accounts/2fa/totp/activate/"
    return bool(response.status_code == code)


def seen(response: Any) -> str:
    location = response.get("Location", "")
    return f"{response.status_code}{' -> ' + location if location else ''}"


class Checker:
    def __init__(self, matrix: Matrix, name: str) -> None:
        self.matrix, self.name = matrix, name
        self.failures: list[str] = []
        self.cases: set[tuple[str, str]] = set()
        self.requests = 0

    def check(
        self, actor: str, what: str, method: str, url: str, response: Any, expected: Expected
    ) -> bytes:
        self.cases.add((actor, what))
        self.requests += 1
        text = body_of(response)
        everything = text + "".join(f"{k}: {v}\n" for k, v in response.items()).encode()
        where = f"{self.name} {method} {url} as {actor} ({what})"
        if not answered(response, expected):
            self.failures.append(f"{where}: expected {expected}, got {seen(response)}")
        for marker in self.matrix.forbidden[actor]:
            if marker.encode() in everything:
                self.failures.append(f"{where}: leaks {marker}")
        return text

    def done(self) -> None:
        CASES[self.name] = (len(self.cases), self.requests)
        assert not self.failures, "\n".join(self.failures)


def objects_of(
    route: Route, matrix: Matrix, actor: str
) -> list[tuple[Side | None, str, dict[str, Any]]]:
    """A's people act on A's objects (own) and B's (foreign), B's people on A's (foreign): B's
    people on B's own objects would only mirror A's, at the cost of the slowest (allowed) cases."""
    if route.objects is None:
        return [(None, "-", {})]
    return [
        (side, f"{side.name}:{label}", build(side))
        for side in matrix.sides.values()
        for label, build in route.objects.items()
        if not (side.name == "b" and actor.startswith("b_"))
    ]


def send(client: Client, method: str, url: str, write: Write, side: Side | None, label: str) -> Any:
    make = write.body[label] if isinstance(write.body, dict) else write.body
    body = make(side)  # type: ignore[arg-type]
    if write.format == "multipart":
        return client.post(url, body)
    if write.format == "json":
        import json

        return client.generic(method, url, json.dumps(body), content_type="application/json")
    if method != "POST":
        return client.generic(method, url, body)
    return client.post(url, body)


def run_route(matrix: Matrix, name: str, route: Route) -> Checker:
    from django.urls import reverse

    checker = Checker(matrix, name)
    baseline = snapshot()
    fetched: set[tuple[str, str]] = set()
    for actor in route.actors:
        client = matrix.client(actor)
        for side, what, kwargs in objects_of(route, matrix, actor):
            url = reverse(name, kwargs=kwargs)
            if route.query is not None and side is not None:
                url += route.query(side)
            label = what.split(":")[-1]
            side_name = side.name if side is not None else None
            if route.get is not None and (actor, url) not in fetched:
                fetched.add((actor, url))
                expected = per_object(route.get, label).of(actor, side_name)
                text = checker.check(actor, what, "GET", url, client.get(url), expected)
                for shown_label, role, marker in route.shows:
                    owner = side or matrix.sides.get(actor.split("_")[0])
                    if owner is None or shown_label != label:
                        continue
                    entitled = actor == f"{owner.name}_{role}" or (role == "staff" == actor)
                    if entitled and owner.marker(marker).encode() not in text:
                        checker.failures.append(
                            f"{name} GET {url} as {actor}: does not show {marker}"
                        )
            for method, write in route.writes.items():
                expected = per_object(write.expect, label).of(actor, side_name)
                if is_refusal(expected):
                    counted = writes_so_far()
                    with TestCase.captureOnCommitCallbacks(execute=True):
                        response = send(client, method, url, write, side, label)
                    checker.check(actor, what, method, url, response, expected)
                    # Nothing written and no mail: the state is the baseline's without looking
                    # further; else every row's checksum says whether anything changed.
                    if counted is not None and counted == writes_so_far() and not mail.outbox:
                        continue
                    after = snapshot()
                    if after != baseline:
                        checker.failures.append(
                            f"{name} {method} {url} as {actor} ({what}): refused but changed "
                            f"{changed(baseline, after)}"
                        )
                        baseline = after
                else:
                    # An allowed write goes through; it is undone so the next case starts alike.
                    savepoint = transaction.savepoint()
                    response = send(client, method, url, write, side, label)
                    checker.check(actor, what, method, url, response, expected)
                    transaction.savepoint_rollback(savepoint)
                    mail.outbox.clear()
    final = snapshot()
    if route.writes and final != baseline:
        checker.failures.append(
            f"{name}: after every case, changed {changed(baseline, final)} "
            f"{[(b, a) for b, a in zip(baseline, final, strict=True) if b != a]}"
        )
    return checker


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_against_every_actor(matrix: Matrix, name: str) -> None:
    run_route(matrix, name, ROUTES[name]).done()


def test_every_route_has_a_matrix_entry_and_every_entry_a_route() -> None:
    walked = {full_name(p, n) for _, p, n in PORTAL_WALKED}
    assert router_names() <= walked
    missing = sorted(walked - set(ROUTES))
    assert not missing, f"routes without a matrix entry: {missing}"
    unrouted = sorted(set(ROUTES) - walked)
    assert not unrouted, f"matrix entries without a route: {unrouted}"
    accounts = {full_name(p, n) for _, p, n in ACCOUNT_WALKED}
    assert accounts == set(ACCOUNT_ROUTES), (
        f"account routes without an entry: {sorted(accounts - set(ACCOUNT_ROUTES))}; "
        f"entries without a route: {sorted(set(ACCOUNT_ROUTES) - accounts)}"
    )


@pytest.mark.parametrize("name", sorted(n for n in ROUTES if n.startswith("api_")))
def test_api_entries_declare_every_method_the_viewset_answers(name: str) -> None:
    callback = CALLBACKS[name]
    actions = getattr(callback, "actions", None)
    if actions is None:  # the schema, the docs and the catch-all are plain views
        return
    route = ROUTES[name]
    reads = {"get", "head"} if route.get is not None else set()
    declared = reads | {m.lower() for m in route.writes}
    assert set(actions) == declared, f"{name} answers {sorted(actions)}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ACCOUNT_ROUTES))
def test_account_route_against_every_actor(matrix: Matrix, name: str) -> None:
    from django.urls import reverse

    kwargs, expect = ACCOUNT_ROUTES[name]
    checker = Checker(matrix, name)
    url = reverse(name, kwargs=kwargs)
    for actor in ACTORS:
        response = matrix.client(actor).get(url)
        checker.check(actor, "-", "GET", url, response, expect.of(actor, None))
    checker.done()


@pytest.mark.django_db
def test_the_change_detection_sees_a_change(matrix: Matrix) -> None:
    """The control of the refused-writes check: a change shows in the counters and checksums."""
    before, counted = snapshot(), writes_so_far()
    plan = matrix.sides["b"].draft
    ActionPlan.objects.filter(pk=plan.pk).update(forum="Changed behind the portal's back.")
    assert changed(before, snapshot()) == [ActionPlan._meta.db_table]
    if counted is not None:
        assert writes_so_far() == counted + 1
    mail.send_mail("subject", "body", None, ["someone@example.org"])
    assert "mail" in changed(before, snapshot())


# --- the admin: only Support Unit staff with TOTP (members.middleware, the admin's own check) ---


def admin_url(route: str, pattern: URLPattern, namespaces: tuple[str, ...]) -> str:
    """A concrete address of an admin route, on a real row where it takes one."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    name = pattern.name or ""
    model_route = re.match(r"admin/(\w+)/(\w+)/", route)
    if name in {"index", "login", "logout", "password_change", "password_change_done"}:
        return reverse(f"admin:{name}")
    if name in {"autocomplete", "jsi18n"}:
        return reverse(f"admin:{name}")
    if name in {"view_on_site"}:
        member = Jurisdiction.objects.order_by("pk").last()
        content_type = ContentType.objects.get_for_model(Jurisdiction)
        return reverse("admin:view_on_site", args=[content_type.pk, member.pk])  # type: ignore[union-attr]
    if name == "app_list":
        return reverse("admin:app_list", kwargs={"app_label": "members"})
    if name == "auth_user_password_change":
        person = User.objects.order_by("pk").last()
        assert person is not None
        return reverse("admin:auth_user_password_change", args=[person.pk])
    if model_route is None:
        if name:
            return reverse(f"admin:{name}")
        return "/admin/nothing-here/"  # the catch-all
    model = apps.get_model(model_route[1], model_route[2])
    row = model._default_manager.order_by("pk").last()
    pk = row.pk if row is not None else 987654
    if name.endswith("_simple_history"):
        entry = model.history.filter(id=pk).order_by("history_id").first()  # type: ignore[attr-defined]
        return reverse(f"admin:{name}", args=[pk, entry.history_id if entry else 987654])
    if "<path:object_id>" in route:
        if name:
            return reverse(f"admin:{name}", args=[pk])
        return f"/admin/{model_route[1]}/{model_route[2]}/{pk}/"
    return reverse(f"admin:{name}")


# Staff with TOTP reach the admin; what they may do there is Django's model permissions, which
# Support Unit staff are not given by default (403 on every model page); the site's own pages
# answer as below. Rows that do not exist (no group, status change or reinstatement is seeded)
# answer as the admin does for a missing row.
STAFF_ADMIN: dict[str, Code] = {
    "index": 200,
    "login": 302,
    "logout": 405,  # signing out is a POST
    "password_change": 200,
    "password_change_done": 200,
    "jsi18n": 200,
    "autocomplete": 403,
    "app_list": 404,
    "view_on_site": 404,
    "": 404,  # the catch-all
    "auth_group_history": 302,
    "members_statuschange_history": 302,
    "members_reinstatement_history": 404,
    "commitments_commitmentchange_history": 404,
    "commitments_commitmentchange_simple_history": 404,
    "members_reinstatement_simple_history": 404,
}
# The admin is all or nothing by staff status, not by jurisdiction: one actor of each kind.
ADMIN_ACTORS = ("anonymous", "a_poc", "b_monitor", "outsider", "staff_nototp", "staff")


def admin_expected(route: str, pattern: URLPattern, actor: str) -> Expected:
    name = pattern.name or ""
    if actor == "staff":
        if name in STAFF_ADMIN and not (name == "" and "<path:object_id>" in route):
            return STAFF_ADMIN[name]
        return 302 if "<path:object_id>" in route and not name else 403
    if actor == "staff_nototp":
        return TOTP
    site_page = re.match(r"admin/(\w+)/(\w+)/", route) is None or name == "password_change_done"
    if name == "login":  # allauth's secure_admin_login: signed in without staff status, refused
        return LOGIN if actor == "anonymous" else 403
    if name == "logout":
        return ADMIN_LOGIN if actor == "anonymous" else 302
    if actor == "anonymous":
        # The site's own pages send to the admin's sign-in; the model pages are refused first by
        # LoginRequiredMiddleware (to the portal's sign-in).
        return ADMIN_LOGIN if site_page else LOGIN
    return ADMIN_LOGIN


ADMIN_IDS = [route for route, _, _ in ADMIN_WALKED]


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(len(ADMIN_WALKED)), ids=ADMIN_IDS)
def test_admin_route_against_every_actor(matrix: Matrix, index: int) -> None:
    route, pattern, namespaces = ADMIN_WALKED[index]
    checker = Checker(matrix, f"admin {route}")
    url = admin_url(route, pattern, namespaces)
    writes = (pattern.name or "").endswith(("_add", "_change", "_delete"))
    baseline = snapshot()
    for actor in ADMIN_ACTORS:
        client = matrix.client(actor)
        expected = admin_expected(route, pattern, actor)
        checker.check(actor, url, "GET", url, client.get(url), expected)
        if writes and is_refusal(expected):
            with TestCase.captureOnCommitCallbacks(execute=True):
                response = client.post(url, {"post": "yes", "name": "Changed"})
            checker.check(actor, url, "POST", url, response, expected)
    if writes and snapshot() != baseline:
        checker.failures.append(
            f"{route}: refused admin writes changed {changed(baseline, snapshot())}"
        )
    checker.done()


# The portal's own views (not the API's viewsets, whose methods are checked above): a method an
# entry does not declare is refused before anything else (405), so a view that starts accepting
# writes, or reads, needs its matrix entry first.
OWN_VIEWS = sorted(
    name
    for name in ROUTES
    if not name.startswith("api_") or getattr(CALLBACKS[name], "actions", None) is None
)


@pytest.mark.django_db
def test_undeclared_methods_are_refused(matrix: Matrix) -> None:
    from django.urls import reverse

    checker = Checker(matrix, "methods")
    baseline = snapshot()
    for name in OWN_VIEWS:
        route = ROUTES[name]
        # The Support Unit's pages refuse everybody else before looking at the method (403).
        actor = "staff" if route.get is SUPPORT_PAGE else "a_poc"
        client = matrix.client(actor)
        _side, what, kwargs = objects_of(route, matrix, actor)[0]
        url = reverse(name, kwargs=kwargs)
        if route.get is None:
            checker.check(actor, f"{name} {what}", "GET", url, client.get(url), 405)
        if "POST" not in route.writes:
            response = client.post(url, {})
            checker.check(actor, f"{name} {what}", "POST", url, response, 405)
    if snapshot() != baseline:
        checker.failures.append(f"undeclared methods changed {changed(baseline, snapshot())}")
    checker.done()


def test_the_matrix_checked_enough_cases(capsys: pytest.CaptureFixture[str]) -> None:
    """Run last, with the module: the number of cases checked, above a floor."""
    expected = (
        set(ROUTES) | set(ACCOUNT_ROUTES) | {f"admin {route}" for route in ADMIN_IDS} | {"methods"}
    )
    missing = sorted(expected - set(CASES))
    assert not missing, f"run the whole module; these did not run: {missing[:10]}"
    cases = sum(count for count, _ in CASES.values())
    requests = sum(sent for _, sent in CASES.values())
    with capsys.disabled():
        print(
            f"\nauthorization matrix: {cases} (route, actor, object) cases checked over "
            f"{len(CASES)} routes, {requests} requests"
        )
    assert cases >= MIN_CASES
