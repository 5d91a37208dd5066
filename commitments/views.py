"""The commitment pages of the workspace (issue 4, item 3): each parses input, calls one business
action of `commitments.services` and renders; rows only through `restrict(user, action)`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from action_plans.forms import add_refusal
from action_plans.models import ActionPlan, Meeting
from action_plans.views import plan_actions, workspace_jurisdiction, workspace_plan
from commitments import services
from commitments.forms import (
    ApprovalForm,
    CoCreationForm,
    CommitmentForm,
    CompleteForm,
    EditCommitmentForm,
    MilestoneFormSet,
    WithdrawForm,
    milestone_inputs,
)
from commitments.models import Commitment, CommitmentChange, Milestone
from members.models import Jurisdiction, Membership, Role, User
from members.services import local_today
from members.tenancy import Action
from ogplocal.access import Policy, access_policy
from ogplocal.exceptions import ActionRefused
from tracker.models import TrackerUpdate


def _commitment(
    request: HttpRequest, plan: ActionPlan, pk: int, action: Action = Action.VIEW_PRIVATE
) -> Commitment:
    user = request.user
    queryset = (
        Commitment.objects.restrict(user, action)
        .filter(plan=plan, pk=pk)
        .prefetch_related(
            "policy_areas",
            Prefetch(
                "milestones",
                queryset=Milestone.objects.restrict(user, Action.VIEW_PRIVATE).order_by(
                    "position", "due_on"
                ),
            ),
            Prefetch(
                "updates",
                queryset=TrackerUpdate.objects.restrict(user, Action.VIEW_PRIVATE).order_by(
                    "-quarter"
                ),
            ),
            Prefetch(
                "changes",
                queryset=CommitmentChange.objects.restrict(user, Action.VIEW_PRIVATE)
                .select_related("approved_by")
                .order_by("-changed_on", "-pk"),
            ),
        )
    )
    commitment: Commitment = get_object_or_404(queryset)
    commitment.plan = plan  # the plan the page already has, with its jurisdictions
    return commitment


def _stakeholders(request: HttpRequest, jurisdiction: Jurisdiction) -> QuerySet[User]:
    people = Membership.objects.restrict(request.user, Action.VIEW_PRIVATE).filter(
        jurisdiction=jurisdiction, role=Role.STAKEHOLDER
    )
    return User.objects.filter(pk__in=people.values("user_id")).order_by("name", "email")


def _co_creation_meetings(request: HttpRequest, plan: ActionPlan) -> QuerySet[Meeting]:
    return Meeting.objects.restrict(request.user, Action.VIEW_PRIVATE).filter(
        plan=plan, kind=Meeting.Kind.CO_CREATION, non_governmental_participants__gt=0
    )


def _milestone_initial(commitment: Commitment) -> list[dict[str, Any]]:
    return [
        {"id": m.pk, "title": m.title, "due_on": m.due_on, "done_on": m.done_on}
        for m in commitment.milestones.all()
    ]


@access_policy(Policy.TENANT)
@require_http_methods(["GET", "POST"])
def commitment_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Write a commitment into a draft plan, or add one to a submitted plan while a slot is free
    (with the record of its co-creation); when none is, the page says why."""
    jurisdiction = workspace_jurisdiction(request, slug, Action.EDIT)
    plan = workspace_plan(request, jurisdiction, pk, Action.EDIT)
    today = local_today(jurisdiction)
    submitted = plan.submitted_on is not None
    slots = services.commitment_slots(plan, today)
    data = request.POST if request.method == "POST" else None
    form = CommitmentForm(data, prefix="c")
    milestones = MilestoneFormSet(data, prefix="m")
    record = (
        CoCreationForm(
            data,
            prefix="r",
            meetings=_co_creation_meetings(request, plan),
            stakeholders=_stakeholders(request, jurisdiction),
        )
        if submitted
        else None
    )
    if request.method == "POST":
        valid = form.is_valid() & milestones.is_valid() & (record is None or record.is_valid())
        if valid:
            content = form.content()
            try:
                if record is None:
                    commitment = services.create_commitment(
                        actor=request.user,  # type: ignore[arg-type]
                        plan=plan,
                        milestones=milestone_inputs(milestones),
                        **content,
                    )
                else:
                    commitment = services.add_commitment_to_submitted_plan(
                        actor=request.user,  # type: ignore[arg-type]
                        plan=plan,
                        co_creation_meeting=record.cleaned_data.get("co_creation_meeting"),
                        approval=record.approval(),
                        milestones=milestone_inputs(milestones),
                        **content,
                    )
            except ActionRefused as refusal:
                target = record if record is not None and refusal.field in record.fields else form
                add_refusal(target, refusal)
            else:
                messages.success(request, _("“%(title)s” was saved.") % {"title": commitment.title})
                return redirect("plan_detail", slug=jurisdiction.slug, pk=plan.pk)
    context = {
        "jurisdiction": jurisdiction,
        "plan": plan,
        "form": form,
        "milestones": milestones,
        "record": record,
        "slots": slots,
        "today": today,
    }
    failed = form.is_bound and (form.errors or milestones.errors or (record and record.errors))
    return render(request, "workspace/commitment_form.html", context, status=400 if failed else 200)


@access_policy(Policy.TENANT)
@require_GET
def commitment_detail(request: HttpRequest, slug: str, pk: int, cpk: int) -> HttpResponse:
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    plan = workspace_plan(request, jurisdiction, pk, Action.VIEW_PRIVATE)
    commitment = _commitment(request, plan, cpk)
    return _detail_page(request, jurisdiction, plan, commitment)


def _detail_page(
    request: HttpRequest,
    jurisdiction: Jurisdiction,
    plan: ActionPlan,
    commitment: Commitment,
    complete_form: CompleteForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    refusal: str = "",
) -> HttpResponse:
    today = local_today(jurisdiction)
    actions = plan_actions(request, plan)
    closes = services.change_window_closes(commitment, plan)
    context = {
        "jurisdiction": jurisdiction,
        "plan": plan,
        "commitment": commitment,
        "milestones": list(commitment.milestones.all()),
        "updates": list(commitment.updates.all()),
        "changes": list(commitment.changes.all()),
        "change_window_closes": closes,
        "window_open": closes is None or today <= closes,
        "may_edit": Action.EDIT in actions,
        "may_submit": Action.SUBMIT in actions,
        "complete_form": complete_form or CompleteForm(initial={"completed_on": today}),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "refusal": refusal,
        "today": today,
    }
    failed = bool(
        refusal
        or (complete_form and complete_form.errors)
        or (withdraw_form and withdraw_form.errors)
    )
    return render(
        request, "workspace/commitment_detail.html", context, status=400 if failed else 200
    )


@access_policy(Policy.TENANT)
@require_http_methods(["GET", "POST"])
def commitment_edit(request: HttpRequest, slug: str, pk: int, cpk: int) -> HttpResponse:
    """Change a commitment's content: freely in a draft, within the change window and with its
    approval after submission; the page says when the window closes."""
    jurisdiction = workspace_jurisdiction(request, slug, Action.EDIT)
    plan = workspace_plan(request, jurisdiction, pk, Action.EDIT)
    commitment = _commitment(request, plan, cpk, Action.EDIT)
    today = local_today(jurisdiction)
    submitted = plan.submitted_on is not None
    data = request.POST if request.method == "POST" else None
    initial = {
        name: getattr(commitment, name)
        for name in (
            "title",
            "problem",
            "status_quo",
            "actions",
            "objectives",
            "lead_agency",
            "partners",
            "starts_on",
            "ends_on",
        )
    }
    initial["policy_areas"] = [a.code for a in commitment.policy_areas.all()]
    form = EditCommitmentForm(data, prefix="c", initial=initial)
    milestones = MilestoneFormSet(data, prefix="m", initial=_milestone_initial(commitment))
    approval_form = (
        ApprovalForm(data, prefix="r", stakeholders=_stakeholders(request, jurisdiction))
        if submitted
        else None
    )
    closes = services.change_window_closes(commitment, plan)
    if request.method == "POST":
        valid = (
            form.is_valid()
            & milestones.is_valid()
            & (approval_form is None or approval_form.is_valid())
        )
        if valid:
            content = form.content()
            try:
                services.amend_commitment(
                    actor=request.user,  # type: ignore[arg-type]
                    commitment=commitment,
                    milestones=milestone_inputs(milestones),
                    approval=approval_form.approval() if approval_form else None,
                    summary=approval_form.cleaned_data.get("summary", "") if approval_form else "",
                    **content,
                )
            except ActionRefused as refusal:
                target = (
                    approval_form
                    if approval_form is not None and refusal.field in approval_form.fields
                    else form
                )
                add_refusal(target, refusal)
            else:
                messages.success(request, _("The commitment was saved."))
                return redirect(
                    "commitment_detail", slug=jurisdiction.slug, pk=plan.pk, cpk=commitment.pk
                )
    context = {
        "jurisdiction": jurisdiction,
        "plan": plan,
        "commitment": commitment,
        "form": form,
        "milestones": milestones,
        "record": approval_form,
        "change_window_closes": closes,
        "window_open": closes is None or today <= closes,
        "today": today,
    }
    failed = form.is_bound and (
        form.errors or milestones.errors or (approval_form and approval_form.errors)
    )
    return render(request, "workspace/commitment_form.html", context, status=400 if failed else 200)


@access_policy(Policy.TENANT)
@require_POST
def commitment_complete(request: HttpRequest, slug: str, pk: int, cpk: int) -> HttpResponse:
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    plan = workspace_plan(request, jurisdiction, pk, Action.EDIT)
    commitment = _commitment(request, plan, cpk, Action.EDIT)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.complete_commitment(
                actor=request.user,  # type: ignore[arg-type]
                commitment=commitment,
                completed_on=form.cleaned_data["completed_on"],
            )
        except ActionRefused as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The commitment was recorded as completed."))
            return redirect(
                "commitment_detail", slug=jurisdiction.slug, pk=plan.pk, cpk=commitment.pk
            )
    return _detail_page(request, jurisdiction, plan, commitment, complete_form=form)


@access_policy(Policy.TENANT)
@require_POST
def commitment_withdraw(request: HttpRequest, slug: str, pk: int, cpk: int) -> HttpResponse:
    """The POC asks the Support Unit to withdraw a commitment."""
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    plan = workspace_plan(request, jurisdiction, pk, Action.SUBMIT)
    commitment = _commitment(request, plan, cpk, Action.SUBMIT)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.request_withdrawal(
                actor=request.user,  # type: ignore[arg-type]
                commitment=commitment,
                reason=form.cleaned_data["reason"],
            )
        except ActionRefused as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(
                request, _("The withdrawal was asked for; the Support Unit decides it.")
            )
            return redirect(
                "commitment_detail", slug=jurisdiction.slug, pk=plan.pk, cpk=commitment.pk
            )
    return _detail_page(request, jurisdiction, plan, commitment, withdraw_form=form)
