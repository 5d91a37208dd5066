"""TODO docstring."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.forms import (
    ExtensionRequestForm,
    VoluntaryInactivityForm,
)
from members.models import (
    ExtensionRequest,
    Jurisdiction,
    VoluntaryInactivityRequest,
)
from members.requests import (
    request_extension,
    request_voluntary_inactivity,
)
from members.shortcuts import workspace_jurisdiction
from members.tenancy import Action, acting_user
from ogplocal.access import Policy, access_policy
from ogplocal.dates import local_today
from ogplocal.exceptions import ActionRefused
from portal.workspace.plans import allowed_actions
from portal.workspace.selectors import (
    current_plan,
    latest_update,
    member_overview,
    needs_attention,
    workspace_plans,
)


@access_policy(Policy.TENANT)
@require_GET
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    """The workspace home (issue 4, item 1): status with its since-date and reasons in plain
    words, what is due next and overdue (the rules engine), the current plan with its commitments
    and their latest progress, what needs the person's attention, and the team."""
    jurisdiction = get_object_or_404(
        Jurisdiction.objects.restrict(request.user, Action.VIEW_PRIVATE).prefetch_related(
            "memberships__user", "terms"
        ),
        slug=slug,
    )
    today = local_today(jurisdiction)
    membership = next(
        (m for m in jurisdiction.memberships.all() if m.user_id == request.user.pk), None
    )
    actions = allowed_actions(request, jurisdiction)
    plans = workspace_plans(request.user, jurisdiction)
    plan = current_plan(plans, today)
    overview = member_overview(jurisdiction, today)
    commitments = list(plan.commitments.all()) if plan is not None else []
    may_invite = Action.SUBMIT in actions
    context = {
        "jurisdiction": jurisdiction,
        "membership": membership,
        "today": today,
        "overview": overview,
        "plans": plans,
        "plan": plan,
        "commitments": [(c, latest_update(c)) for c in commitments],
        "attention": needs_attention(
            jurisdiction=jurisdiction,
            plan=plan,
            overview=overview,
            actions=actions,
            user=request.user,
            today=today,
        ),
        "may_edit": Action.EDIT in actions,
        "may_submit": Action.SUBMIT in actions,
        "team": sorted(
            jurisdiction.memberships.all(), key=lambda m: (m.role, m.user.name, m.user.email)
        ),
        "terms": jurisdiction.terms.all(),
        "may_invite": may_invite,
        "pending_invitations": list(jurisdiction.invitations.pending()) if may_invite else [],
    }
    return render(request, "members/workspace.html", context)


@access_policy(Policy.TENANT)
@require_http_methods(["GET", "POST"])
def workspace_requests(request: HttpRequest, slug: str) -> HttpResponse:
    """Extension and voluntary-inactivity requests with their state (issue 4, item 6); the POC
    files one from here."""
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    kind = request.POST.get("kind") if request.method == "POST" else None
    extension_form = ExtensionRequestForm(
        request.POST if kind == "extension" else None, prefix="extension"
    )
    voluntary_form = VoluntaryInactivityForm(
        request.POST if kind == "voluntary" else None, prefix="voluntary"
    )
    if request.method == "POST":
        jurisdiction = workspace_jurisdiction(request, slug, Action.SUBMIT)
        form: ExtensionRequestForm | VoluntaryInactivityForm
        form = extension_form if kind == "extension" else voluntary_form
        if kind in {"extension", "voluntary"} and form.is_valid():
            try:
                if kind == "extension":
                    request_extension(
                        actor=acting_user(request),
                        jurisdiction=jurisdiction,
                        **form.cleaned_data,
                    )
                else:
                    request_voluntary_inactivity(
                        actor=acting_user(request),
                        jurisdiction=jurisdiction,
                        **form.cleaned_data,
                    )
            except ActionRefused as refusal:
                field = refusal.field if refusal.field in form.fields else None
                form.add_error(field, refusal.message)
            else:
                messages.success(
                    request, _("Your request was sent; the Support Unit will decide it.")
                )
                return redirect("workspace_requests", slug=jurisdiction.slug)
        elif kind not in {"extension", "voluntary"}:
            raise Http404

    context = {
        "jurisdiction": jurisdiction,
        "extension_requests": list(
            ExtensionRequest.objects.restrict(request.user, Action.VIEW_PRIVATE)
            .filter(jurisdiction=jurisdiction)
            .order_by("-requested_on", "-pk")
        ),
        "voluntary_requests": list(
            VoluntaryInactivityRequest.objects.restrict(request.user, Action.VIEW_PRIVATE)
            .filter(jurisdiction=jurisdiction)
            .order_by("-requested_on", "-pk")
        ),
        "may_file": Action.SUBMIT in allowed_actions(request, jurisdiction),
        "extension_form": extension_form,
        "voluntary_form": voluntary_form,
    }
    failed = extension_form.errors or voluntary_form.errors
    return render(request, "workspace/requests.html", context, status=400 if failed else 200)


@access_policy(Policy.SIGNED_IN)
@require_GET
def switch_jurisdiction(request: HttpRequest) -> HttpResponse:
    """The switcher in the header submits here, so it works without JavaScript."""
    slug = request.GET.get("jurisdiction", "")
    jurisdiction = workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    return redirect("workspace", slug=jurisdiction.slug)
