"""Business actions on action plans (docs/roles.md §1, §3.1): one keyword-only function each.

Every action finds its plan through `ActionPlan.objects.restrict(actor, action)`; a plan the
actor may not act on, or that does not exist, gets the same neutral refusal.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from action_plans.models import ActionPlan, Endorsement, LetterOfSupport, Meeting
from action_plans.requirements import (
    commitment_limit,
    minimum_requirements,
    missing_requirements,
    period_problem_message,
)
from members.models import Jurisdiction, MonitoringBody, Notification, Term, User
from members.outbox import notify, points_of_contact, support_unit
from members.rules import JurisdictionFacts, Period, plan_period_problems
from members.tenancy import Action, permitted_row
from ogplocal.dates import local_today
from ogplocal.exceptions import ActionRefused
from ogplocal.history import KEEP, Keep, record_by, save_recorded
from ogplocal.uploads import (
    LETTER_OF_SUPPORT,
    MINUTES,
    DetectedType,
    UploadBatch,
    UploadProfile,
    shown_name,
    validate_upload,
)

if TYPE_CHECKING:
    # Only a type: commitments sit above plans, which reach them through `plan.commitments`.
    from commitments.models import Commitment


NOT_EDITOR = _l("Only the plan's Point of Contact or government officers may change it.")
NOT_SUBMITTER = _l("Only the plan's Point of Contact may submit it.")
NOT_STAKEHOLDER = _l("Only a civil-society stakeholder of the plan's jurisdiction may endorse it.")
NOT_SUPPORT_UNIT = _l("Only the OGP Support Unit may review a plan.")
NOT_EDITOR_OF_JURISDICTION = _l(
    "Only a Point of Contact or government officer of each jurisdiction of the plan may create it."
)


def plan_today(plan: ActionPlan, today: date | None) -> date:
    """`today`, or today in the time zone of the plan's first jurisdiction.

    Reading (§2): a joint plan's dates are taken in its lead jurisdiction's time zone, the one
    jurisdiction its reference belongs to.
    """
    return today or local_today(plan.lead_jurisdiction)


def jurisdiction_facts(jurisdiction: Jurisdiction) -> JurisdictionFacts:
    """The facts the §3.1 period rules read (uses `terms` as prefetched, when it is)."""
    terms = list(jurisdiction.terms.all())
    return JurisdictionFacts(
        slug=jurisdiction.slug,
        joined_on=jurisdiction.joined_on,
        has_elections=jurisdiction.has_elections,
        terms=tuple(Period(t.starts_on, t.ends_on) for t in terms if t.kind == Term.Kind.TERM),
        strategy_periods=tuple(
            Period(t.starts_on, t.ends_on) for t in terms if t.kind == Term.Kind.STRATEGY
        ),
    )


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on <= starts_on:
        raise ActionRefused(_("The plan must end after it starts."), field="ends_on")


def create_plan(
    *,
    actor: User,
    jurisdiction: Jurisdiction,
    ref: str,
    starts_on: date,
    ends_on: date,
    title: str = "",
    joint_with: Sequence[Jurisdiction] = (),
) -> ActionPlan:
    """A POC or officer starts a draft plan of `jurisdiction`, joint with `joint_with` if any.

    Reading (§1, tenancy): naming a jurisdiction in a joint plan gives its people the plan to
    read and edit, so the actor must be able to edit in every jurisdiction named; nobody's
    jurisdiction is pulled into a plan by another's staff. The period rules are checked at
    submission, when the draft is complete (§3.1 "Period").
    """
    members = [jurisdiction, *[j for j in joint_with if j.pk != jurisdiction.pk]]
    with transaction.atomic():
        allowed = set(
            Jurisdiction.objects.restrict(actor, Action.EDIT)
            .filter(pk__in=[j.pk for j in members])
            .values_list("pk", flat=True)
        )
        if any(j.pk not in allowed for j in members):
            raise ActionRefused(str(NOT_EDITOR_OF_JURISDICTION))
        _check_dates(starts_on, ends_on)
        ref = ref.strip()
        if not ref:
            raise ActionRefused(_("Give the plan a reference, such as 2027-plan."), field="ref")
        if ActionPlan.objects.filter(lead_jurisdiction=jurisdiction, ref=ref).exists():
            raise ActionRefused(
                _("%(jurisdiction)s already has a plan with the reference %(ref)s.")
                % {"jurisdiction": jurisdiction.name, "ref": ref},
                field="ref",
            )
        plan = ActionPlan(
            lead_jurisdiction=jurisdiction,
            ref=ref,
            title=title.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
        )
        save_recorded(plan, actor, "plan created")
        record_by(plan, actor, "jurisdictions named")
        plan.jurisdictions.add(*members)
    return plan


def update_plan(
    *,
    actor: User,
    plan: ActionPlan,
    title: str | Keep = KEEP,
    starts_on: date | Keep = KEEP,
    ends_on: date | Keep = KEEP,
    forum: str | Keep = KEEP,
    vision: str | Keep = KEEP,
    principles: str | Keep = KEEP,
    objectives: str | Keep = KEEP,
    engagement: str | Keep = KEEP,
    monitoring_body: MonitoringBody | Keep | None = KEEP,
    monitoring_body_endorsed_on: date | Keep | None = KEEP,
) -> ActionPlan:
    """A POC or officer edits a draft plan: strategy, forum, monitoring body, period.

    Arguments left out keep their value. A submitted plan is refused: what it says was submitted.
    """
    with transaction.atomic():
        plan = permitted_row(
            ActionPlan,
            actor=actor,
            action=Action.EDIT,
            pk=plan.pk,
            refusal=str(NOT_EDITOR),
            lock=True,
        )
        if plan.submitted_on is not None:
            raise ActionRefused(
                _(
                    "The plan was submitted on %(day)s; its strategy, forum, monitoring body and "
                    "period can no longer be changed."
                )
                % {"day": plan.submitted_on.isoformat()}
            )
        changes: dict[str, object] = {
            "title": title,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "forum": forum,
            "vision": vision,
            "principles": principles,
            "objectives": objectives,
            "engagement": engagement,
            "monitoring_body": monitoring_body,
            "monitoring_body_endorsed_on": monitoring_body_endorsed_on,
        }
        changed = []
        for name, value in changes.items():
            if isinstance(value, Keep):
                continue
            if isinstance(value, str):
                value = value.strip()
            if getattr(plan, name) != value:
                setattr(plan, name, value)
                changed.append(name)
        _check_dates(plan.starts_on, plan.ends_on)
        if changed:
            save_recorded(plan, actor, "plan edited: " + ", ".join(changed))
    return plan


@dataclass(frozen=True)
class PlanSubmission:
    """A submitted plan and what the submission page tells the POC besides."""

    plan: ActionPlan
    notices: list[str] = field(default_factory=list)


def submission_problems(
    plan: ActionPlan, today: date, commitments: list[Commitment] | None = None
) -> tuple[list[str], list[str]]:
    """What stops `plan` from being submitted on `today`, and the notices that do not (§3.1).

    A fixed number of queries whatever the number of commitments or jurisdictions.
    """
    problems: list[str] = []
    notices: list[str] = []
    jurisdictions = list(plan.jurisdictions.prefetch_related("terms").order_by("name"))
    joint = len(jurisdictions) > 1

    # Minimum requirements, each missing one listed.
    requirements = minimum_requirements(
        forum=plan.forum,
        meetings=list(plan.meetings.all()),
        endorsements=list(plan.endorsements.all()),
        monitoring_body_named=plan.monitoring_body_id is not None,
        monitoring_body_endorsed=plan.monitoring_body_endorsed_on is not None,
    )
    for requirement in missing_requirements(requirements):
        problems.append(
            _("%(label)s is missing: %(explanation)s")
            % {"label": requirement.label, "explanation": requirement.explanation}
        )

    # Commitments: 1 to 5 (12 for a joint plan), each ending by the plan's end.
    if commitments is None:
        commitments = list(plan.commitments.all())
    limit = commitment_limit(joint=joint)
    if not commitments:
        problems.append(_("The plan has no commitments; add at least one."))
    elif len(commitments) > limit:
        problems.append(
            _(
                "The plan has %(count)d commitments; a plan is submitted with at most %(limit)d "
                "(%(single)d for a plan of one jurisdiction, %(joint)d for a joint plan)."
            )
            % {"count": len(commitments), "limit": limit, "single": 5, "joint": 12}
        )
    elif len(commitments) < 5:
        notices.append(
            ngettext(
                "The plan has %(count)d commitment; the OGP Local handbook expects five. You "
                "may add more later while fewer than %(limit)d are open.",
                "The plan has %(count)d commitments; the OGP Local handbook expects five. You "
                "may add more later while fewer than %(limit)d are open.",
                len(commitments),
            )
            % {"count": len(commitments), "limit": limit}
        )
    for commitment in commitments:
        # Reading (§3.1): "ends on or before the plan's end" is said of a commitment added later;
        # the first commitments are held to it too, as a plan cannot deliver after it ends.
        if commitment.ends_on > plan.ends_on:
            problems.append(
                _(
                    "The commitment “%(title)s” ends on %(ends)s, after the plan ends "
                    "(%(plan_ends)s)."
                )
                % {
                    "title": commitment.title,
                    "ends": commitment.ends_on.isoformat(),
                    "plan_ends": plan.ends_on.isoformat(),
                }
            )

    # The period, for every member of the plan (§3.1 "Period": a joint plan meets the rules for
    # every member in it); "a later plan" starts after the latest submitted plan ends.
    previous_ends: dict[int, date] = {}
    for jurisdiction_id, ends_on in (
        ActionPlan.jurisdictions.through.objects.filter(
            jurisdiction_id__in=[j.pk for j in jurisdictions],
            actionplan__submitted_on__isnull=False,
        )
        .exclude(actionplan_id=plan.pk)
        .values_list("jurisdiction_id", "actionplan__ends_on")
    ):
        previous_ends[jurisdiction_id] = max(ends_on, previous_ends.get(jurisdiction_id, ends_on))
    for jurisdiction in jurisdictions:
        facts = jurisdiction_facts(jurisdiction)
        previous = previous_ends.get(jurisdiction.pk)
        for problem in plan_period_problems(facts, plan.starts_on, plan.ends_on, previous):
            problems.append(period_problem_message(jurisdiction.name, problem))

    if plan.ends_on < today:
        problems.append(
            _("The plan's period ended on %(day)s; a plan is submitted before it ends.")
            % {"day": plan.ends_on.isoformat()}
        )
    return problems, notices


def submit_plan(
    *,
    actor: User,
    plan: ActionPlan,
    today: date | None = None,
) -> PlanSubmission:
    """The POC submits the plan (§3.1): all minimum requirements met, 1 to 5 commitments (1 to 12
    for a joint plan), the period right for every member.

    The plan row is locked first, so a plan submitted twice at once is submitted once; the other
    request waits, then gets "already submitted". The first commitments are added on the
    submission day. Fewer than five commitments is not a refusal: the notice says the handbook
    expects five.
    """
    with transaction.atomic():
        plan = permitted_row(
            ActionPlan,
            actor=actor,
            action=Action.SUBMIT,
            pk=plan.pk,
            refusal=str(NOT_SUBMITTER),
            lock=True,
            related=("lead_jurisdiction",),
        )
        if plan.submitted_on is not None:
            raise ActionRefused(
                _("This plan was already submitted on %(day)s.")
                % {"day": plan.submitted_on.isoformat()}
            )
        today = plan_today(plan, today)
        commitments = list(plan.commitments.all())
        problems, notices = submission_problems(plan, today, commitments)
        if problems:
            raise ActionRefused(
                _("The plan cannot be submitted yet:")
                + "\n"
                + "\n".join(f"- {p}" for p in problems)
            )
        plan.submitted_on = today
        plan.submitted_by = actor
        save_recorded(
            plan,
            actor,
            "plan submitted",
            update_fields=["submitted_on", "submitted_by", "updated_at"],
        )
        for commitment in commitments:
            commitment.added_on = today
        bulk_update_with_history(
            commitments,
            plan.commitments.model,
            ["added_on"],
            default_user=actor,
            default_change_reason="added with the plan's submission",
        )
        notify(
            to=support_unit(),
            template="email/plan_submitted",
            key=f"plan-submitted:{plan.pk}",
            topic=Notification.Topic.REQUEST,
            jurisdiction=plan.lead_jurisdiction,
            link=reverse(
                "console_review_plan",
                kwargs={"slug": plan.lead_jurisdiction.slug, "pk": plan.pk},
            ),
            context={"plan": plan, "day": today, "count": len(commitments)},
        )
    return PlanSubmission(plan=plan, notices=notices)


def record_meeting(
    *,
    actor: User,
    plan: ActionPlan,
    held_on: date,
    kind: Meeting.Kind | str,
    government_participants: int,
    non_governmental_participants: int,
    minutes: str = "",
    minutes_file: File[Any] | None = None,
    today: date | None = None,
) -> Meeting:
    """A POC or officer records a co-creation or implementation meeting that was held, its
    minutes typed, or uploaded as a PDF, DOCX or ODT file (`ogplocal.uploads.MINUTES`). The file
    is checked before anything is written: a refused file leaves no row and no stored bytes."""
    detected = _checked_upload(minutes_file, MINUTES, field="minutes_file")
    with UploadBatch() as batch, transaction.atomic():
        plan = permitted_row(
            ActionPlan,
            actor=actor,
            action=Action.EDIT,
            pk=plan.pk,
            refusal=str(NOT_EDITOR),
            related=("lead_jurisdiction",),
        )
        today = plan_today(plan, today)
        try:
            kind = Meeting.Kind(kind)
        except ValueError:
            raise ActionRefused(_("Choose co-creation or implementation."), field="kind") from None
        if held_on > today:
            raise ActionRefused(
                _("A meeting is recorded once it was held; %(day)s is in the future.")
                % {"day": held_on.isoformat()},
                field="held_on",
            )
        if government_participants < 0 or non_governmental_participants < 0:
            raise ActionRefused(_("A number of participants cannot be negative."))
        if Meeting.objects.filter(plan=plan, held_on=held_on, kind=kind).exists():
            raise ActionRefused(
                _("This plan already has a %(kind)s meeting on %(day)s.")
                % {"kind": kind.label, "day": held_on.isoformat()},
                field="held_on",
            )
        meeting = Meeting(
            plan=plan,
            held_on=held_on,
            kind=kind,
            government_participants=government_participants,
            non_governmental_participants=non_governmental_participants,
            minutes=minutes.strip(),
            recorded_by=actor,
        )
        if minutes_file is not None and detected is not None:
            meeting.minutes_file.name = batch.store(minutes_file, MINUTES, detected)
        save_recorded(meeting, actor, "meeting recorded")
    return meeting


def endorse_plan(
    *,
    actor: User,
    plan: ActionPlan,
    organisation: str = "",
    today: date | None = None,
) -> Endorsement:
    """A civil-society stakeholder endorses the plan in their own name, once."""
    with transaction.atomic():
        plan = permitted_row(
            ActionPlan,
            actor=actor,
            action=Action.ENDORSE,
            pk=plan.pk,
            refusal=str(NOT_STAKEHOLDER),
            lock=True,
            related=("lead_jurisdiction",),
        )
        today = plan_today(plan, today)
        name = actor.get_full_name().strip()
        if plan.endorsements.filter(Q(user=actor) | Q(name=name)).exists():
            raise ActionRefused(_("You have already endorsed this plan."))
        endorsement = Endorsement(
            plan=plan, name=name, organisation=organisation.strip(), user=actor, endorsed_on=today
        )
        save_recorded(endorsement, actor, "endorsed in the portal")
    return endorsement


def add_endorser_without_account(
    *,
    actor: User,
    plan: ActionPlan,
    name: str,
    organisation: str,
    endorsed_on: date | None = None,
    today: date | None = None,
) -> Endorsement:
    """A POC or officer lists a stakeholder who endorsed the plan outside the portal."""
    with transaction.atomic():
        plan = permitted_row(
            ActionPlan,
            actor=actor,
            action=Action.EDIT,
            pk=plan.pk,
            refusal=str(NOT_EDITOR),
            lock=True,
            related=("lead_jurisdiction",),
        )
        today = plan_today(plan, today)
        name = name.strip()
        if not name:
            raise ActionRefused(_("Write the endorser's name."), field="name")
        if not organisation.strip():
            raise ActionRefused(_("Write the endorser's organisation."), field="organisation")
        if endorsed_on is not None and endorsed_on > today:
            raise ActionRefused(
                _("An endorsement cannot be dated in the future."), field="endorsed_on"
            )
        if plan.endorsements.filter(name=name).exists():
            raise ActionRefused(
                _("%(name)s has already endorsed this plan.") % {"name": name}, field="name"
            )
        endorsement = Endorsement(
            plan=plan, name=name, organisation=organisation.strip(), endorsed_on=endorsed_on
        )
        try:
            with transaction.atomic():
                save_recorded(endorsement, actor, "endorser listed by the jurisdiction")
        except IntegrityError:
            raise ActionRefused(
                _("%(name)s has already endorsed this plan.") % {"name": name}, field="name"
            ) from None
    return endorsement


def review_plan(
    *,
    actor: User,
    plan: ActionPlan,
    accept: bool,
    comments: str = "",
    today: date | None = None,
) -> ActionPlan:
    """The Support Unit accepts a submitted plan or returns it with comments.

    §3.1 "Review": returning is advisory. The submission date, the deadlines and the plan's
    public visibility stay as they are; only the review fields change.
    """
    with transaction.atomic():
        plan = permitted_row(
            ActionPlan,
            actor=actor,
            action=Action.DECIDE,
            pk=plan.pk,
            refusal=str(NOT_SUPPORT_UNIT),
            lock=True,
            related=("lead_jurisdiction",),
        )
        today = plan_today(plan, today)
        if plan.submitted_on is None:
            raise ActionRefused(_("Only a submitted plan can be reviewed."))
        comments = comments.strip()
        if not accept and not comments:
            raise ActionRefused(
                _("Write the comments the plan is returned with."), field="comments"
            )
        plan.review = ActionPlan.Review.ACCEPTED if accept else ActionPlan.Review.RETURNED
        plan.review_comments = comments
        plan.reviewed_on = today
        save_recorded(
            plan,
            actor,
            f"plan {plan.review}",
            update_fields=["review", "review_comments", "reviewed_on", "updated_at"],
        )
        # A plan may be reviewed again (returned, then accepted): each review is an email.
        review = uuid.uuid4().hex
        for jurisdiction in plan.jurisdictions.order_by("pk"):
            notify(
                to=points_of_contact([jurisdiction]),
                template="email/plan_reviewed",
                key=f"plan-reviewed:{plan.pk}:{review}",
                topic=Notification.Topic.DECISION,
                jurisdiction=jurisdiction,
                link=reverse("plan_detail", kwargs={"slug": jurisdiction.slug, "pk": plan.pk}),
                context={"plan": plan, "accepted": accept, "comments": comments},
            )
    return plan


def record_letter_of_support(
    *,
    actor: User,
    jurisdiction: Jurisdiction,
    file: File[Any],
    plan: ActionPlan | None = None,
    signed_on: date | None = None,
    today: date | None = None,
) -> LetterOfSupport:
    """A POC or officer uploads the jurisdiction's letter of support, with a new plan or alone.

    The letter is a PDF, DOCX or ODT file judged by its content (`ogplocal.uploads`), checked
    before anything is written: a refused file leaves no row and no stored bytes. A letter is
    signed before it is uploaded, so a signing day in the future is refused.
    """
    detected = _checked_upload(file, LETTER_OF_SUPPORT, field="file", required=True)
    with UploadBatch() as batch, transaction.atomic():
        jurisdiction = permitted_row(
            Jurisdiction,
            actor=actor,
            action=Action.EDIT,
            pk=jurisdiction.pk,
            refusal=str(NOT_EDITOR),
        )
        if plan is not None and not plan.jurisdictions.filter(pk=jurisdiction.pk).exists():
            raise ActionRefused(
                _("This plan is not one of the jurisdiction's plans."), field="plan"
            )
        today = today or local_today(jurisdiction)
        if signed_on is not None and signed_on > today:
            raise ActionRefused(
                _("The letter is uploaded once signed; %(day)s is in the future.")
                % {"day": signed_on.isoformat()},
                field="signed_on",
            )
        letter = LetterOfSupport(
            jurisdiction=jurisdiction, plan=plan, signed_on=signed_on, uploaded_by=actor
        )
        letter.file.name = batch.store(file, LETTER_OF_SUPPORT, detected)
        save_recorded(letter, actor, "letter of support uploaded")
    return letter


def _checked_upload(
    file: File[Any] | None, profile: UploadProfile, *, field: str, required: bool = False
) -> DetectedType | None:
    """The type of `file` by its content, if `profile` accepts it (`ogplocal.uploads`); else
    ActionRefused beside `field`. None when no file was given and none is required."""
    if file is None:
        if required:
            raise ActionRefused(_("Choose the file to upload."), field=field)
        return None
    try:
        return validate_upload(file, profile)
    except ValidationError as refused:
        name = shown_name(file.name or "")
        raise ActionRefused(f"{name}: {refused.messages[0]}", field=field) from None
