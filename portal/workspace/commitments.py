"""The commitment pages of the workspace (issue 4, item 3): each parses input, calls one business
action of `commitments.services`, `commitments.changes` or `commitments.completion` and renders;
rows only through `restrict(user, action)`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from action_plans.forms import add_refusal
from action_plans.models import ActionPlan, Meeting
from commitments import changes, completion, services
from commitments.content import CONTENT_FIELDS, DATE_FIELDS, milestone_json
from commitments.forms import (
    ApprovalForm,
    ApproveForm,
    CoCreationForm,
    CommitmentForm,
    CompleteForm,
    EditCommitmentForm,
    MilestoneFormSet,
    ProposalForm,
    RejectForm,
    WithdrawForm,
    milestone_inputs,
)
from commitments.models import (
    ChangeProposal,
    Commitment,
    CommitmentChange,
    Milestone,
    PolicyArea,
)
from members.models import Jurisdiction
from members.shortcuts import workspace_jurisdiction
from members.tenancy import Action, acting_user
from ogplocal.access import Policy, access_policy
from ogplocal.dates import local_today
from ogplocal.exceptions import ActionRefused
from portal.workspace.plans import plan_actions, workspace_plan
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


def _co_creation_meetings(request: HttpRequest, plan: ActionPlan) -> QuerySet[Meeting]:
    return Meeting.objects.restrict(request.user, Action.VIEW_PRIVATE).filter(
        plan=plan, kind=Meeting.Kind.CO_CREATION, non_governmental_participants__gt=0
    )


def _content_initial(commitment: Commitment) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(commitment, name) for name in CONTENT_FIELDS}
    initial["policy_areas"] = [a.code for a in commitment.policy_areas.all()]
    return initial


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
        )
        if submitted
        else None
    )
    if request.method == "POST":
        valid = form.is_valid() & milestones.is_valid() & (record is None or record.is_valid())
        if valid:
            content = form.content(milestone_inputs(milestones))
            try:
                if record is None:
                    commitment = services.create_commitment(
                        actor=acting_user(request),
                        plan=plan,
                        ref=form.cleaned_data["ref"],
                        content=content,
                    )
                else:
                    commitment = services.add_commitment_to_submitted_plan(
                        actor=acting_user(request),
                        plan=plan,
                        ref=form.cleaned_data["ref"],
                        content=content,
                        co_creation_meeting=record.cleaned_data.get("co_creation_meeting"),
                        approval=record.approval(),
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
    approve_form: ApproveForm | None = None,
    reject_form: RejectForm | None = None,
) -> HttpResponse:
    today = local_today(jurisdiction)
    actions = plan_actions(request, plan)
    closes = changes.change_window_closes(commitment, plan)
    window_open = closes is None or today <= closes
    proposals = list(
        ChangeProposal.objects.restrict(request.user, Action.VIEW_PRIVATE)
        .filter(commitment=commitment)
        .select_related("proposed_by", "decided_by")
        .order_by("-created_at", "-pk")
    )
    pending = next((p for p in proposals if p.state == ChangeProposal.State.PENDING), None)
    may_edit = Action.EDIT in actions
    may_submit = Action.SUBMIT in actions
    changeable = (
        plan.submitted_on is not None
        and window_open
        and commitment.withdrawn_on is None
        and commitment.completed_on is None
    )
    context = {
        "jurisdiction": jurisdiction,
        "plan": plan,
        "commitment": commitment,
        "milestones": list(commitment.milestones.all()),
        "updates": list(commitment.updates.all()),
        "changes": list(commitment.changes.all()),
        "change_window_closes": closes,
        "window_open": window_open,
        "may_edit": may_edit,
        "may_submit": may_submit,
        "may_propose": may_edit and changeable and pending is None,
        "may_decide": Action.ENDORSE in actions,
        "may_withdraw_proposal": pending is not None
        and may_edit
        and (may_submit or pending.proposed_by_id == request.user.pk),
        "proposal": pending,
        "proposal_rows": describe_proposal(pending, commitment) if pending else [],
        "past_proposals": [p for p in proposals if p is not pending],
        "approve_form": approve_form or ApproveForm(prefix="a"),
        "reject_form": reject_form or RejectForm(prefix="j"),
        "complete_form": complete_form or CompleteForm(initial={"completed_on": today}),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "refusal": refusal,
        "today": today,
    }
    failed = bool(
        refusal
        or (complete_form and complete_form.errors)
        or (withdraw_form and withdraw_form.errors)
        or (approve_form and approve_form.errors)
        or (reject_form and reject_form.errors)
    )
    return render(
        request, "workspace/commitment_detail.html", context, status=400 if failed else 200
    )


@dataclass(frozen=True)
class FieldChange:
    """One field of a proposed change as the page shows it: now, and as proposed."""

    label: str
    before: str
    after: str


def _milestone_lines(rows: list[dict[str, Any]]) -> str:
    def day(value: str | None) -> str:
        return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT") if value else "—"

    return "\n".join(
        _("%(title)s (due %(due)s, done %(done)s)")
        % {"title": row["title"], "due": day(row.get("due_on")), "done": day(row.get("done_on"))}
        for row in rows
    )


def describe_proposal(proposal: ChangeProposal, commitment: Commitment) -> list[FieldChange]:
    """Each changed field of a pending proposal, with the commitment's content now and the
    content proposed, in words (dates and policy areas by name; milestones as the list they
    would become, since one left out stays)."""
    names = dict(PolicyArea.objects.values_list("code", "name"))
    milestones = list(commitment.milestones.all())
    rows = []
    for name, value in proposal.content.items():
        if name == "policy_areas":
            label = _("Policy areas")
            before = ", ".join(a.name for a in commitment.policy_areas.all())
            after = ", ".join(names.get(code, code) for code in value)
        elif name == "milestones":
            label = _("Milestones")
            now = [milestone_json(m) for m in milestones]
            given_ids = {row.get("id") for row in value}
            before = _milestone_lines(now)
            after = _milestone_lines([*value, *(m for m in now if m["id"] not in given_ids)])
        else:
            field = Commitment._meta.get_field(name)
            label = str(getattr(field, "verbose_name", name)).capitalize()
            current = getattr(commitment, name)
            if name in DATE_FIELDS:
                before = date_format(current, "DATE_FORMAT")
                after = date_format(date.fromisoformat(value), "DATE_FORMAT")
            else:
                before, after = current, value
        rows.append(FieldChange(label, before or "—", after or "—"))
    return rows


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
    form = EditCommitmentForm(data, prefix="c", initial=_content_initial(commitment))
    milestones = MilestoneFormSet(data, prefix="m", initial=_milestone_initial(commitment))
    approval_form = ApprovalForm(data, prefix="r") if submitted else None
    closes = changes.change_window_closes(commitment, plan)
    if request.method == "POST":
        valid = (
            form.is_valid()
            & milestones.is_valid()
            & (approval_form is None or approval_form.is_valid())
        )
        if valid:
            try:
                changes.amend_commitment(
                    actor=acting_user(request),
                    commitment=commitment,
                    content=form.content(milestone_inputs(milestones)),
                    approval=approval_form.approval() if approval_form else None,
                    summary=approval_form.cleaned_data.get("summary", "") if approval_form else "",
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
            completion.complete_commitment(
                actor=acting_user(request),
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
            completion.request_withdrawal(
                actor=acting_user(request),
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


@access_policy(Policy.TENANT)
@require_http_methods(["GET", "POST"])
def commitment_propose(request: HttpRequest, slug: str, pk: int, cpk: int) -> HttpResponse:
    """A POC or officer proposes a change of a submitted plan's commitment, inside its change
    window, for a stakeholder of the jurisdiction to approve in the portal."""
    jurisdiction = workspace_jurisdiction(request, slug, Action.EDIT)
    plan = workspace_plan(request, jurisdiction, pk, Action.EDIT)
    commitment = _commitment(request, plan, cpk, Action.EDIT)
    if plan.submitted_on is None:
        return redirect("commitment_edit", slug=jurisdiction.slug, pk=plan.pk, cpk=commitment.pk)
    today = local_today(jurisdiction)
    data = request.POST if request.method == "POST" else None
    form = EditCommitmentForm(data, prefix="c", initial=_content_initial(commitment))
    milestones = MilestoneFormSet(data, prefix="m", initial=_milestone_initial(commitment))
    proposal_form = ProposalForm(data, prefix="r")
    closes = changes.change_window_closes(commitment, plan)
    valid = data is not None and (
        form.is_valid() & milestones.is_valid() & proposal_form.is_valid()
    )
    if valid:
        try:
            changes.propose_commitment_change(
                actor=acting_user(request),
                commitment=commitment,
                content=form.content(milestone_inputs(milestones)),
                summary=proposal_form.cleaned_data["summary"],
            )
        except ActionRefused as refusal:
            target = proposal_form if refusal.field in proposal_form.fields else form
            add_refusal(target, refusal)
        else:
            messages.success(
                request,
                _("The change was proposed; a stakeholder of the jurisdiction approves it."),
            )
            return redirect(
                "commitment_detail", slug=jurisdiction.slug, pk=plan.pk, cpk=commitment.pk
            )
    context = {
        "jurisdiction": jurisdiction,
        "plan": plan,
        "commitment": commitment,
        "form": form,
        "milestones": milestones,
        "record": proposal_form,
        "proposing": True,
        "pending": changes.pending_proposal(commitment),
        "change_window_closes": closes,
        "window_open": closes is None or today <= closes,
        "today": today,
    }
    failed = form.is_bound and (form.errors or milestones.errors or proposal_form.errors)
    return render(request, "workspace/commitment_form.html", context, status=400 if failed else 200)


def _proposal_page(
    request: HttpRequest, slug: str, pk: int, cpk: int, ppk: int, action: Action
) -> tuple[Jurisdiction, ActionPlan, Commitment, ChangeProposal]:
    """The proposal if the person may do `action` on it; 404 alike when missing or forbidden."""
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    plan = workspace_plan(request, jurisdiction, pk, Action.VIEW_PRIVATE)
    proposal = get_object_or_404(
        ChangeProposal.objects.restrict(request.user, action).filter(
            commitment__plan=plan, commitment_id=cpk, pk=ppk
        )
    )
    return jurisdiction, plan, _commitment(request, plan, cpk), proposal


def _to_commitment(jurisdiction: Jurisdiction, plan: ActionPlan, cpk: int) -> HttpResponse:
    return redirect("commitment_detail", slug=jurisdiction.slug, pk=plan.pk, cpk=cpk)


@access_policy(Policy.TENANT)
@require_POST
def proposal_approve(request: HttpRequest, slug: str, pk: int, cpk: int, ppk: int) -> HttpResponse:
    """A stakeholder of the jurisdiction approves a proposed change from their own account."""
    jurisdiction, plan, commitment, proposal = _proposal_page(
        request, slug, pk, cpk, ppk, Action.ENDORSE
    )
    form = ApproveForm(request.POST, prefix="a")
    if form.is_valid():
        try:
            changes.approve_change_proposal(
                actor=acting_user(request),
                proposal=proposal,
                comment=form.cleaned_data["comment"],
            )
        except ActionRefused as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("You approved the change; it now applies."))
            return _to_commitment(jurisdiction, plan, cpk)
    return _detail_page(request, jurisdiction, plan, commitment, approve_form=form)


@access_policy(Policy.TENANT)
@require_POST
def proposal_reject(request: HttpRequest, slug: str, pk: int, cpk: int, ppk: int) -> HttpResponse:
    """A stakeholder of the jurisdiction rejects a proposed change, saying why."""
    jurisdiction, plan, commitment, proposal = _proposal_page(
        request, slug, pk, cpk, ppk, Action.ENDORSE
    )
    form = RejectForm(request.POST, prefix="j")
    if form.is_valid():
        try:
            changes.reject_change_proposal(
                actor=acting_user(request),
                proposal=proposal,
                comment=form.cleaned_data["comment"],
            )
        except ActionRefused as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("You rejected the change; the commitment stays as it is."))
            return _to_commitment(jurisdiction, plan, cpk)
    return _detail_page(request, jurisdiction, plan, commitment, reject_form=form)


@access_policy(Policy.TENANT)
@require_POST
def proposal_withdraw(request: HttpRequest, slug: str, pk: int, cpk: int, ppk: int) -> HttpResponse:
    """The proposer or the Point of Contact withdraws a change that waits for approval."""
    jurisdiction, plan, commitment, proposal = _proposal_page(
        request, slug, pk, cpk, ppk, Action.EDIT
    )
    try:
        changes.withdraw_change_proposal(
            actor=acting_user(request),
            proposal=proposal,
        )
    except ActionRefused as refusal:
        return _detail_page(request, jurisdiction, plan, commitment, refusal=refusal.message)
    messages.success(request, _("The proposed change was withdrawn."))
    return _to_commitment(jurisdiction, plan, cpk)
