"""The plan pages of the jurisdiction workspace (issue 4): each parses input, calls one business
action of `action_plans.services` and renders. Tenant rows come only through
`restrict(user, action)`; a plan that is missing and one the person may not act on are both 404.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from action_plans import services
from action_plans.calendar import calendar_data, draw_calendar
from action_plans.forms import (
    EndorseForm,
    EndorserForm,
    LetterOfSupportForm,
    MeetingForm,
    PlanCreateForm,
    PlanEditForm,
    add_refusal,
)
from action_plans.models import ActionPlan, LetterOfSupport, Meeting
from action_plans.pdf import render_plan_pdf
from commitments.services import commitment_slots
from members.models import Jurisdiction
from members.shortcuts import workspace_jurisdiction
from members.tenancy import Action, acting_user
from ogplocal.access import Policy, access_policy
from ogplocal.dates import local_today
from ogplocal.exceptions import ActionRefused
from ogplocal.uploads import download_response
from portal.status.loader import rules_ref
from portal.workspace.selectors import (
    co_creation_steps,
    latest_update,
    member_overview,
    plan_for_page,
    plan_tasks,
    requirements_of,
)


def workspace_plan(
    request: HttpRequest, jurisdiction: Jurisdiction, pk: int, action: Action
) -> ActionPlan:
    return get_object_or_404(plan_for_page(request.user, jurisdiction, pk, action))


def allowed_actions(request: HttpRequest, jurisdiction: Jurisdiction) -> frozenset[Action]:
    """What the person may do in `jurisdiction` (the restricted querysets decide), in one query,
    to show only the buttons that work; the actions check again."""
    names = (Action.EDIT, Action.SUBMIT, Action.ENDORSE)
    row = (
        Jurisdiction.objects.filter(pk=jurisdiction.pk)
        .annotate(
            **{
                str(action): Exists(
                    Jurisdiction.objects.restrict(request.user, action).filter(pk=OuterRef("pk"))
                )
                for action in names
            }
        )
        .values(*(str(a) for a in names))
        .first()
    )
    return frozenset(Action(name) for name, allowed in (row or {}).items() if allowed)


def plan_actions(request: HttpRequest, plan: ActionPlan) -> frozenset[Action]:
    """What the person may do on `plan` (the restricted querysets decide), in one query."""
    row = (
        ActionPlan.objects.filter(pk=plan.pk)
        .annotate(
            **{
                str(action): Exists(
                    ActionPlan.objects.restrict(request.user, action).filter(pk=OuterRef("pk"))
                )
                for action in (Action.EDIT, Action.SUBMIT, Action.ENDORSE)
            }
        )
        .values(*(str(a) for a in (Action.EDIT, Action.SUBMIT, Action.ENDORSE)))
        .first()
    )
    return frozenset(Action(name) for name, allowed in (row or {}).items() if allowed)


def _base_context(
    request: HttpRequest, jurisdiction: Jurisdiction, plan: ActionPlan
) -> dict[str, object]:
    actions = plan_actions(request, plan)
    return {
        "jurisdiction": jurisdiction,
        "plan": plan,
        "may_edit": Action.EDIT in actions,
        "may_submit": Action.SUBMIT in actions,
        "may_endorse": Action.ENDORSE in actions,
    }


def plan_calendar_svg(
    plan: ActionPlan, jurisdiction: Jurisdiction, today: date
) -> tuple[str, object]:
    overview = member_overview(jurisdiction, today)
    data = calendar_data(plan, overview.deadlines, today, rules_ref=rules_ref(plan, jurisdiction))
    svg = draw_calendar(data)
    return mark_safe(svg), overview  # noqa: S308 - built by draw_calendar, every text escaped


@access_policy(Policy.TENANT)
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, slug: str) -> HttpResponse:
    jurisdiction = workspace_jurisdiction(request, slug, Action.EDIT)
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(
                actor=acting_user(request),
                jurisdiction=jurisdiction,
                ref=form.cleaned_data["ref"],
                title=form.cleaned_data["title"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ActionRefused as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The draft plan was created."))
            return redirect("plan_detail", slug=jurisdiction.slug, pk=plan.pk)
    return render(
        request, "workspace/plan_create.html", {"jurisdiction": jurisdiction, "form": form}
    )


@access_policy(Policy.TENANT)
@require_GET
def plan_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    plan = workspace_plan(request, jurisdiction, pk, Action.VIEW_PRIVATE)
    today = local_today(jurisdiction)
    calendar, _overview = plan_calendar_svg(plan, jurisdiction, today)
    context = _base_context(request, jurisdiction, plan)
    context.update(
        {
            "today": today,
            "tasks": plan_tasks(plan),
            "steps": co_creation_steps(plan),
            "commitments": [(c, latest_update(c)) for c in plan.commitments.all()],
            "calendar": calendar,
            "slots": commitment_slots(plan, today) if plan.submitted_on else None,
        }
    )
    return render(request, "workspace/plan_detail.html", context)


@access_policy(Policy.TENANT)
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    jurisdiction = workspace_jurisdiction(request, slug, Action.EDIT)
    plan = workspace_plan(request, jurisdiction, pk, Action.EDIT)
    initial = {
        name: getattr(plan, name)
        for name in (
            "title",
            "starts_on",
            "ends_on",
            "forum",
            "vision",
            "principles",
            "objectives",
            "engagement",
            "monitoring_body",
            "monitoring_body_endorsed_on",
        )
    }
    form = PlanEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(
                actor=acting_user(request),
                plan=plan,
                **form.cleaned_data,
            )
        except ActionRefused as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("plan_detail", slug=jurisdiction.slug, pk=plan.pk)
    context = {"jurisdiction": jurisdiction, "plan": plan, "form": form}
    return render(request, "workspace/plan_edit.html", context)


@access_policy(Policy.TENANT)
@require_http_methods(["GET", "POST"])
def plan_submit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The submission page: the minimum requirements met or missing; submits only when all are."""
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    if request.method == "POST":
        plan = workspace_plan(request, jurisdiction, pk, Action.SUBMIT)
    else:
        plan = workspace_plan(request, jurisdiction, pk, Action.VIEW_PRIVATE)
    refusal: str = ""
    if request.method == "POST":
        try:
            submission = services.submit_plan(actor=acting_user(request), plan=plan)
        except ActionRefused as error:
            refusal = error.message
        else:
            messages.success(
                request,
                _("The plan was submitted on %(day)s.")
                % {"day": submission.plan.submitted_on.isoformat()}  # type: ignore[union-attr]
                + "".join(f" {notice}" for notice in submission.notices),
            )
            return redirect("plan_detail", slug=jurisdiction.slug, pk=plan.pk)
    today = local_today(jurisdiction)
    problems, notices = (
        services.submission_problems(plan, today, list(plan.commitments.all()))
        if plan.submitted_on is None
        else ([], [])
    )
    context = _base_context(request, jurisdiction, plan)
    context.update(
        {
            "requirements": requirements_of(plan),
            "problems": problems,
            "notices": notices,
            "refusal": refusal,
        }
    )
    return render(request, "workspace/plan_submit.html", context, status=409 if refusal else 200)


@access_policy(Policy.TENANT)
@require_http_methods(["GET", "POST"])
def plan_meetings(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The plan's meetings; editors record one (co-creation or implementation)."""
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    action = Action.EDIT if request.method == "POST" else Action.VIEW_PRIVATE
    plan = workspace_plan(request, jurisdiction, pk, action)
    form = MeetingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.record_meeting(
                actor=acting_user(request),
                plan=plan,
                **form.cleaned_data,
            )
        except ActionRefused as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("The %(kind)s meeting of %(day)s was recorded.")
                % {"kind": meeting.get_kind_display(), "day": meeting.held_on.isoformat()},
            )
            return redirect("plan_meetings", slug=jurisdiction.slug, pk=plan.pk)
    context = _base_context(request, jurisdiction, plan)
    context.update({"meetings": list(plan.meetings.all()), "form": form})
    return render(
        request,
        "workspace/plan_meetings.html",
        context,
        status=400 if form.is_bound and form.errors else 200,
    )


@access_policy(Policy.TENANT)
@require_http_methods(["GET", "POST"])
def plan_endorsements(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Who endorsed the plan; editors list an endorser who has no account."""
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    action = Action.EDIT if request.method == "POST" else Action.VIEW_PRIVATE
    plan = workspace_plan(request, jurisdiction, pk, action)
    form = EndorserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endorsement = services.add_endorser_without_account(
                actor=acting_user(request),
                plan=plan,
                **form.cleaned_data,
            )
        except ActionRefused as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(
                request, _("%(name)s was listed as an endorser.") % {"name": endorsement.name}
            )
            return redirect("plan_endorsements", slug=jurisdiction.slug, pk=plan.pk)
    return _endorsements_page(request, jurisdiction, plan, form, EndorseForm())


def _endorsements_page(
    request: HttpRequest,
    jurisdiction: Jurisdiction,
    plan: ActionPlan,
    form: EndorserForm,
    endorse_form: EndorseForm,
) -> HttpResponse:
    context = _base_context(request, jurisdiction, plan)
    endorsements = list(plan.endorsements.all())
    context.update(
        {
            "endorsements": endorsements,
            "form": form,
            "endorse_form": endorse_form,
            "error_forms": [endorse_form],
            "already_endorsed": any(e.user_id == request.user.pk for e in endorsements),
        }
    )
    failed = (form.is_bound and form.errors) or (endorse_form.is_bound and endorse_form.errors)
    return render(
        request, "workspace/plan_endorsements.html", context, status=400 if failed else 200
    )


@access_policy(Policy.TENANT)
@require_POST
def plan_endorse(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A civil-society stakeholder endorses the plan in their own name."""
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    plan = workspace_plan(request, jurisdiction, pk, Action.ENDORSE)
    endorse_form = EndorseForm(request.POST)
    if endorse_form.is_valid():
        try:
            services.endorse_plan(
                actor=acting_user(request),
                plan=plan,
                organisation=endorse_form.cleaned_data["organisation"],
            )
        except ActionRefused as refusal:
            add_refusal(endorse_form, refusal)
        else:
            messages.success(request, _("Thank you: you endorsed the plan."))
            return redirect("plan_endorsements", slug=jurisdiction.slug, pk=plan.pk)
    plan = workspace_plan(request, jurisdiction, pk, Action.VIEW_PRIVATE)
    return _endorsements_page(request, jurisdiction, plan, EndorserForm(), endorse_form)


@access_policy(Policy.TENANT)
@require_http_methods(["GET", "POST"])
def plan_letter(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The plan's letter of support; editors upload it (`record_letter_of_support`)."""
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    action = Action.EDIT if request.method == "POST" else Action.VIEW_PRIVATE
    plan = workspace_plan(request, jurisdiction, pk, action)
    form = LetterOfSupportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_letter_of_support(
                actor=acting_user(request),
                jurisdiction=jurisdiction,
                plan=plan,
                file=form.cleaned_data["file"],
                signed_on=form.cleaned_data["signed_on"],
            )
        except ActionRefused as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The letter of support was uploaded."))
            return redirect("plan_letter", slug=jurisdiction.slug, pk=plan.pk)
    context = _base_context(request, jurisdiction, plan)
    context.update({"letters": list(plan.letters_of_support.all()), "form": form})
    return render(
        request,
        "workspace/plan_letter.html",
        context,
        status=400 if form.is_bound and form.errors else 200,
    )


@access_policy(Policy.TENANT)
@require_GET
def letter_download(request: HttpRequest, slug: str, pk: int, letter_id: int) -> HttpResponseBase:
    """A letter of support of the plan, as an attachment; 404 alike when missing or forbidden."""
    letter = get_object_or_404(
        LetterOfSupport.objects.restrict(request.user, Action.VIEW_PRIVATE).filter(
            plan_id=pk, plan__jurisdictions__slug=slug
        ),
        pk=letter_id,
    )
    return download_response(letter.file.name, filename=f"letter-of-support-{letter.pk}")


@access_policy(Policy.TENANT)
@require_GET
def minutes_download(request: HttpRequest, slug: str, pk: int, meeting_id: int) -> HttpResponseBase:
    """A meeting's minutes file, as an attachment; 404 alike when missing or forbidden."""
    meeting = get_object_or_404(
        Meeting.objects.restrict(request.user, Action.VIEW_PRIVATE).filter(
            plan_id=pk, plan__jurisdictions__slug=slug
        ),
        pk=meeting_id,
    )
    if not meeting.minutes_file:
        raise Http404
    return download_response(
        meeting.minutes_file.name, filename=f"minutes-{meeting.held_on.isoformat()}"
    )


@access_policy(Policy.TENANT)
@require_GET
def plan_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The plan as a PDF: strategy, commitments, milestones and the plan calendar."""
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    plan = workspace_plan(request, jurisdiction, pk, Action.VIEW_PRIVATE)
    today = local_today(jurisdiction)
    calendar, _overview = plan_calendar_svg(plan, jurisdiction, today)
    pdf = render_plan_pdf(plan=plan, jurisdiction=jurisdiction, calendar=calendar, today=today)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{jurisdiction.slug}-{plan.ref}.pdf"'
    return response
