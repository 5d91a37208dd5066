"""factory_boy factories for the portal's models."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import TYPE_CHECKING, Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify

from action_plans.models import ActionPlan, Endorsement, Meeting
from action_plans.services import submit_plan
from assessments.models import Assessment
from commitments.models import Commitment, Milestone
from members.models import (
    ExtensionRequest,
    Invitation,
    Jurisdiction,
    Membership,
    MonitoringBody,
    MonitoringBodyMember,
    Reinstatement,
    StatusOverride,
    Term,
    User,
    VoluntaryInactivityRequest,
)
from members.tenancy import Role
from tracker.models import TrackerUpdate

if TYPE_CHECKING:
    from tests.conftest import Tenant

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def totp(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        """Staff set up TOTP unless built with totp=False."""
        if create and extracted is not False:
            TOTP.activate(obj, generate_totp_secret())


class JurisdictionFactory(factory.django.DjangoModelFactory[Jurisdiction]):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Villa Example {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    country = "AR"
    time_zone = "America/Argentina/Buenos_Aires"
    has_elections = True
    joined_on = date(2026, 3, 10)


class TermFactory(factory.django.DjangoModelFactory[Term]):
    class Meta:
        model = Term

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    starts_on = date(2025, 12, 10)
    ends_on = date(2030, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    role = Role.POC


class MonitoringBodyFactory(factory.django.DjangoModelFactory[MonitoringBody]):
    class Meta:
        model = MonitoringBody
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"University of Example {n}")

    @factory.post_generation
    def selected_jurisdictions(
        self: MonitoringBody, create: bool, extracted: Any, **kw: Any
    ) -> None:
        if create and extracted:
            self.selected_jurisdictions.add(*extracted)


class MonitoringBodyMemberFactory(factory.django.DjangoModelFactory[MonitoringBodyMember]):
    class Meta:
        model = MonitoringBodyMember

    body = factory.SubFactory(MonitoringBodyFactory)
    user = factory.SubFactory(UserFactory)


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.OFFICER


# --- Plans, commitments, updates, assessments ------------------------------------------------


class ActionPlanFactory(factory.django.DjangoModelFactory[ActionPlan]):
    """A submitted single-jurisdiction plan meeting the minimum requirements' text fields.

    Meetings and endorsements are separate factories; `jurisdictions` defaults to the lead.
    """

    class Meta:
        model = ActionPlan
        skip_postgeneration_save = True

    ref = factory.Sequence(lambda n: f"plan-{n}")
    lead_jurisdiction = factory.SubFactory(JurisdictionFactory)
    title = factory.LazyAttribute(lambda o: f"{o.lead_jurisdiction.name} action plan")
    starts_on = date(2026, 6, 1)
    ends_on = date(2027, 12, 31)
    submitted_on = None
    forum = "The Open Government Forum: 6 city departments and 9 civil-society organisations."
    vision = "A city that opens its decisions to the people it serves."
    principles = "Transparency, participation, accountability."
    objectives = "Open budgets and contracts; participatory planning."
    engagement = "Quarterly forum meetings and an online consultation space."

    @factory.post_generation
    def jurisdictions(obj: ActionPlan, create: bool, extracted: Any, **kw: Any) -> None:  # noqa: N805
        if create:
            obj.jurisdictions.add(obj.lead_jurisdiction, *(extracted or ()))


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    class Meta:
        model = Meeting

    plan = factory.SubFactory(ActionPlanFactory)
    held_on = date(2026, 4, 15)
    kind = Meeting.Kind.CO_CREATION
    government_participants = 4
    non_governmental_participants = 7
    minutes = "Prioritised five opportunity areas with the forum."


class EndorsementFactory(factory.django.DjangoModelFactory[Endorsement]):
    class Meta:
        model = Endorsement

    plan = factory.SubFactory(ActionPlanFactory)
    name = factory.Sequence(lambda n: f"Endorser {n}")
    organisation = "Fundación Ciudadanía Activa"


class CommitmentFactory(factory.django.DjangoModelFactory[Commitment]):
    class Meta:
        model = Commitment

    plan = factory.SubFactory(ActionPlanFactory)
    ref = factory.Sequence(lambda n: f"c{n}")
    title = factory.Sequence(lambda n: f"Open contracting portal, phase {n}")
    problem = "Procurement information is scattered and hard to use."
    actions = "Publish every municipal contract in the Open Contracting Data Standard."
    lead_agency = "Procurement Office"
    starts_on = date(2026, 7, 1)
    ends_on = date(2027, 6, 30)


class MilestoneFactory(factory.django.DjangoModelFactory[Milestone]):
    class Meta:
        model = Milestone

    commitment = factory.SubFactory(CommitmentFactory)
    title = "Publish the first data set"
    due_on = date(2026, 12, 31)


class TrackerUpdateFactory(factory.django.DjangoModelFactory[TrackerUpdate]):
    class Meta:
        model = TrackerUpdate

    commitment = factory.SubFactory(CommitmentFactory)
    quarter = "2026Q3"
    submitted_on = date(2026, 10, 15)
    percent = 20
    completion = "limited"
    narrative = "The data standard was adopted; the first contracts are being mapped."


class AssessmentFactory(factory.django.DjangoModelFactory[Assessment]):
    class Meta:
        model = Assessment

    plan = factory.SubFactory(ActionPlanFactory)
    kind = Assessment.Kind.INCEPTION
    submitted_on = date(2026, 8, 1)
    published = False


# --- Plans ready for the business actions ----------------------------------------------------


def ready_plan(
    *jurisdictions: Jurisdiction,
    commitments: int = 5,
    **fields: Any,
) -> ActionPlan:
    """A draft plan of `jurisdictions` (the first leads) meeting every minimum requirement, with
    `commitments` commitments: submitting it on 2026-05-20 succeeds."""
    lead, *partners = jurisdictions
    body = lead.monitoring_bodies.first() or MonitoringBodyFactory(selected_jurisdictions=[lead])
    fields.setdefault("monitoring_body", body)
    fields.setdefault("monitoring_body_endorsed_on", date(2026, 4, 20))
    plan = ActionPlanFactory(lead_jurisdiction=lead, jurisdictions=partners, **fields)
    MeetingFactory(plan=plan)
    EndorsementFactory(plan=plan, name="Ana Gómez")
    for _ in range(commitments):
        CommitmentFactory(plan=plan)
    return plan


SUBMISSION_DAY = date(2026, 5, 20)


def submitted_plan(
    tenant: Tenant, *partners: Jurisdiction, commitments: int = 2, recorded: bool = True
) -> ActionPlan:
    """A ready plan of the tenant's jurisdiction (and `partners`), submitted on 2026-05-20 with
    `commitments` commitments, all added that day.

    Recorded (the default): the tenant's Point of Contact submits it through `submit_plan`, with
    its history rows and its email to the Support Unit. recorded=False writes the two dates
    directly, with neither.
    """
    plan = ready_plan(tenant.jurisdiction, *partners, commitments=commitments)
    if recorded:
        submit_plan(actor=tenant.poc, plan=plan, today=SUBMISSION_DAY)
        plan.refresh_from_db()
    else:
        plan.submitted_on = SUBMISSION_DAY
        plan.save()
        Commitment.objects.filter(plan=plan).update(added_on=SUBMISSION_DAY)
    return plan


# --- Support Unit decisions (added for the loader and exchange tests) ----------------------------


class ExtensionRequestFactory(factory.django.DjangoModelFactory[ExtensionRequest]):
    class Meta:
        model = ExtensionRequest

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    requested_on = date(2026, 7, 1)
    requested_until = date(2026, 9, 30)
    decision = "pending"


class VoluntaryInactivityRequestFactory(
    factory.django.DjangoModelFactory[VoluntaryInactivityRequest]
):
    class Meta:
        model = VoluntaryInactivityRequest

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    requested_on = date(2026, 12, 1)
    starts_on = date(2027, 1, 1)
    ends_on = date(2027, 3, 31)
    decision = "granted"
    decided_on = date(2026, 12, 10)


class StatusOverrideFactory(factory.django.DjangoModelFactory[StatusOverride]):
    class Meta:
        model = StatusOverride

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    status = "probation"
    starts_on = date(2027, 2, 1)
    reason = "Investigating a complaint about the forum's independence."


class ReinstatementFactory(factory.django.DjangoModelFactory[Reinstatement]):
    class Meta:
        model = Reinstatement

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    on = date(2028, 1, 10)
    reason = "Recommitted in writing."


# --- Form data as people post it ----------------------------------------------------------------

# The Support Unit's new-member form (/support/members/new/), filled in so that it succeeds.
NEW_MEMBER_FORM: dict[str, str] = {
    "name": "Nueva Ciudad",
    "slug": "nueva-ciudad",
    "country": "AR",
    "time_zone": "America/Argentina/Buenos_Aires",
    "has_elections": "on",
    "period_starts_on": "2025-12-10",
    "period_ends_on": "2029-12-10",
    "joined_on": "2026-07-01",
    "poc_email": "poc@nueva.example.org",
}
# The new-commitment form of a draft plan (commitment `cx`, no milestones).
COMMITMENT_FORM: dict[str, str] = {
    "c-ref": "cx",
    "c-title": "New",
    "c-starts_on": "2026-07-01",
    "c-ends_on": "2027-06-30",
    "m-TOTAL_FORMS": "0",
    "m-INITIAL_FORMS": "0",
}


# --- Upload files (for ogplocal.uploads; real minimal documents built in memory) -----------

MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# Refused by content: a PNG (tracker evidence only), an HTML page with a script, a Windows
# executable; and a PDF over the 20 MB limit.
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
TOO_LARGE = MINIMAL_PDF + b"0" * (20 * 1024 * 1024)
DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def zip_bytes(members: dict[str, bytes | str], *, first_stored: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            kind = zipfile.ZIP_STORED if name == first_stored else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), content, compress_type=kind)
    return buffer.getvalue()


def docx_bytes(text: str = "Inception assessment") -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": DOCX_CONTENT_TYPES,
            "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
            "word/document.xml": '<?xml version="1.0"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
            f"{text}</w:t></w:r></w:p></w:body></w:document>",
        }
    )


def odt_bytes(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    return zip_bytes(
        {
            "mimetype": mimetype,
            "META-INF/manifest.xml": '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
            "content.xml": '<?xml version="1.0"?><office:document-content xmlns:office='
            '"urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
        },
        first_stored="mimetype",
    )


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> Any:
    """A file as a browser sends it; `content_type` is what it declares, never trusted."""
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Notifications (issue 7) -----------------------------------------------------------------


class NotificationFactory(factory.django.DjangoModelFactory):  # type: ignore[type-arg]
    class Meta:
        model = "members.Notification"

    recipient = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda notification: notification.recipient.email)
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    topic = "reminder"
    deadline_kind = "first_plan"
    ref = ""
    due = date(2026, 7, 10)
    offset = 30
    subject = factory.Sequence(lambda n: f"[OGP Local] Due in 30 days: the first action plan {n}")
    body_text = "The first action plan is due on 10 July 2026."
    body_html = "<p>The first action plan is due on 10 July 2026.</p>"
