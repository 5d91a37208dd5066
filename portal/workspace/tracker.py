"""The quarterly tracker pages (issue 4, item 4): one page per quarter listing every commitment
under implementation. "Save draft" and "Submit" call one action, `save_tracker_update`; after the
quarter's deadline the page is read-only, with each update's history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from action_plans.forms import add_refusal
from action_plans.models import ActionPlan
from commitments.models import Commitment
from members.shortcuts import workspace_jurisdiction
from members.tenancy import Action, acting_user
from ogplocal.access import Policy, access_policy
from ogplocal.dates import Quarter, local_today, parse_quarter
from ogplocal.exceptions import ActionRefused
from ogplocal.uploads import download_response
from portal.workspace.plans import plan_actions, workspace_plan
from tracker.forms import TrackerUpdateForm
from tracker.models import EvidenceFile, TrackerUpdate
from tracker.selectors import QuarterRow, evidence_of, quarter_history, reporting_quarters
from tracker.services import is_reported_in, remove_evidence_file, save_tracker_update


@access_policy(Policy.TENANT)
@require_GET
def tracker_quarters(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    plan = workspace_plan(request, jurisdiction, pk, Action.VIEW_PRIVATE)
    today = local_today(jurisdiction)
    context = {
        "jurisdiction": jurisdiction,
        "plan": plan,
        "quarters": reporting_quarters(plan, today),
        "today": today,
    }
    return render(request, "workspace/tracker_quarters.html", context)


@dataclass
class Entry:
    commitment: Commitment
    update: TrackerUpdate | None
    form: TrackerUpdateForm | None
    history: list[object]
    files: list[EvidenceFile]


def _quarter(text: str) -> Quarter:
    try:
        return parse_quarter(text)
    except ValueError:
        raise Http404(_("A quarter is written like 2027Q2.")) from None


@access_policy(Policy.TENANT)
@require_http_methods(["GET", "POST"])
def tracker_quarter(request: HttpRequest, slug: str, pk: int, quarter: str) -> HttpResponse:
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    parsed = _quarter(quarter)
    if str(parsed) != quarter:
        return redirect("tracker_quarter", slug=slug, pk=pk, quarter=str(parsed))
    action = Action.EDIT if request.method == "POST" else Action.VIEW_PRIVATE
    plan = workspace_plan(request, jurisdiction, pk, action)
    today = local_today(jurisdiction)
    posted: TrackerUpdateForm | None = None
    posted_pk: int | None = None
    if request.method == "POST":
        commitment = get_object_or_404(
            Commitment.objects.restrict(request.user, Action.EDIT).filter(plan=plan),
            pk=request.POST.get("commitment") or 0,
        )
        commitment.plan = plan
        milestones = [c for c in plan.commitments.all() if c.pk == commitment.pk]
        posted_pk = commitment.pk
        posted = TrackerUpdateForm(
            request.POST,
            request.FILES,
            milestones=list(milestones[0].milestones.all()) if milestones else [],
            update=None,
            prefix=f"u{commitment.pk}",
        )
        submit = request.POST.get("intent") == "submit"
        if posted.is_valid():
            try:
                save_tracker_update(
                    actor=acting_user(request),
                    commitment=commitment,
                    quarter=str(parsed),
                    percent=posted.cleaned_data["percent"],
                    completion=posted.cleaned_data["completion"],
                    narrative=posted.cleaned_data["narrative"],
                    milestone_states=posted.milestone_states(),
                    evidence_links=posted.cleaned_data["evidence_links"],
                    evidence_files=posted.cleaned_data["evidence_files"],
                    submit=submit,
                )
            except ActionRefused as refusal:
                add_refusal(posted, refusal)
            else:
                messages.success(
                    request,
                    (
                        _("The update of “%(title)s” for %(quarter)s was submitted.")
                        if submit
                        else _("The draft of “%(title)s” for %(quarter)s was saved.")
                    )
                    % {"title": commitment.title, "quarter": parsed},
                )
                return redirect("tracker_quarter", slug=slug, pk=plan.pk, quarter=str(parsed))
        plan = workspace_plan(request, jurisdiction, pk, Action.VIEW_PRIVATE)
    return _quarter_page(request, jurisdiction, plan, parsed, today, posted, posted_pk)


def _quarter_page(
    request: HttpRequest,
    jurisdiction: object,
    plan: ActionPlan,
    quarter: Quarter,
    today: object,
    posted: TrackerUpdateForm | None,
    posted_pk: int | None,
) -> HttpResponse:
    commitments = [c for c in plan.commitments.all() if is_reported_in(c, quarter)]
    updates = {
        c.pk: next((u for u in c.updates.all() if u.quarter == str(quarter)), None)
        for c in commitments
    }
    row = QuarterRow(quarter, commitments, {k: v for k, v in updates.items() if v})
    is_open = row.is_open(today)  # type: ignore[arg-type]
    may_edit = Action.EDIT in plan_actions(request, plan)
    written = [u for u in updates.values() if u is not None]
    history = quarter_history(written)
    files = evidence_of(written, acting_user(request))
    entries = []
    for commitment in commitments:
        update = updates[commitment.pk]
        form = None
        if may_edit and is_open:
            form = (
                posted
                if posted is not None and posted_pk == commitment.pk
                else TrackerUpdateForm(
                    milestones=list(commitment.milestones.all()),
                    update=update,
                    prefix=f"u{commitment.pk}",
                )
            )
        entries.append(
            Entry(
                commitment,
                update,
                form,
                history.get(update.pk, []) if update else [],
                files.get(update.pk, []) if update else [],
            )
        )
    context = {
        "jurisdiction": jurisdiction,
        "plan": plan,
        "quarter": quarter,
        "row": row,
        "entries": entries,
        "is_open": is_open,
        "may_edit": may_edit,
        "not_started": quarter.starts_on > today,  # type: ignore[operator]
        "today": today,
        "previous": quarter.preceding(),
        "following": quarter.following(),
    }
    failed = posted is not None and bool(posted.errors)
    return render(request, "workspace/tracker_quarter.html", context, status=400 if failed else 200)


def _evidence_file(request: HttpRequest, slug: str, pk: int, file_id: int, action: Action) -> Any:
    """A live evidence file of plan `pk` of jurisdiction `slug` as the person may do `action` on
    it; 404 alike when missing, removed or forbidden."""
    return get_object_or_404(
        EvidenceFile.objects.restrict(request.user, action)
        .live()
        .filter(
            update__commitment__plan_id=pk,
            update__commitment__plan__jurisdictions__slug=slug,
        )
        .select_related("update"),
        pk=file_id,
    )


@access_policy(Policy.TENANT)
@require_GET
def evidence_download(request: HttpRequest, slug: str, pk: int, file_id: int) -> HttpResponseBase:
    """A file of evidence, as an attachment, to whoever may read the plan's private data."""
    evidence = _evidence_file(request, slug, pk, file_id, Action.VIEW_PRIVATE)
    return download_response(evidence.file.name, filename=evidence.original_name)


@access_policy(Policy.TENANT)
@require_POST
def evidence_remove(request: HttpRequest, slug: str, pk: int, file_id: int) -> HttpResponse:
    """Take a file of evidence off a draft update (`remove_evidence_file`; it is kept, marked)."""
    evidence = _evidence_file(request, slug, pk, file_id, Action.EDIT)
    try:
        remove_evidence_file(actor=acting_user(request), evidence_file=evidence)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("“%(name)s” was removed from the draft.") % {"name": evidence.original_name}
        )
    return redirect("tracker_quarter", slug=slug, pk=pk, quarter=evidence.update.quarter)
