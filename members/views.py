"""Pages about people and jurisdictions; each parses input, calls one action and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.forms import (
    AcceptInvitationForm,
    ExtensionRequestForm,
    InviteForm,
    VoluntaryInactivityForm,
)
from members.models import (
    ExtensionRequest,
    Invitation,
    Jurisdiction,
    Status,
    VoluntaryInactivityRequest,
)
from members.services import (
    accept_invitation,
    check_invitation,
    invite_person,
    request_extension,
    request_voluntary_inactivity,
)
from members.tenancy import Action, has_two_factor, is_staff_member
from ogplocal.access import Policy, access_policy
from ogplocal.dates import local_today
from ogplocal.exceptions import ActionRefused
from ogplocal.public_cache import public_page


@access_policy(Policy.PUBLIC)
@require_GET
@public_page
def home(request: HttpRequest) -> HttpResponse:
    """The front page: what OGP Local is, how many members are in each status, where to go."""
    counts = dict(
        Jurisdiction.objects.restrict(request.user, Action.VIEW)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    statuses = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    return render(
        request,
        "members/home.html",
        {"statuses": statuses, "total": sum(counts.values())},
    )


def _workspace_jurisdiction(request: HttpRequest, slug: str, action: Action) -> Jurisdiction:
    """The jurisdiction if the user may do `action` there; 404 alike when missing or forbidden."""
    return get_object_or_404(Jurisdiction.objects.restrict(request.user, action), slug=slug)


@access_policy(Policy.TENANT)
@require_GET
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    """The workspace home (issue 4, item 1): status with its since-date and reasons in plain
    words, what is due next and overdue (the rules engine), the current plan with its commitments
    and their latest progress, what needs the person's attention, and the team."""
    from action_plans.selectors import (
        current_plan,
        latest_update,
        member_overview,
        needs_attention,
        workspace_plans,
    )
    from action_plans.views import allowed_actions

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
    jurisdiction = _workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    kind = request.POST.get("kind") if request.method == "POST" else None
    extension_form = ExtensionRequestForm(
        request.POST if kind == "extension" else None, prefix="extension"
    )
    voluntary_form = VoluntaryInactivityForm(
        request.POST if kind == "voluntary" else None, prefix="voluntary"
    )
    if request.method == "POST":
        jurisdiction = _workspace_jurisdiction(request, slug, Action.SUBMIT)
        form: ExtensionRequestForm | VoluntaryInactivityForm
        form = extension_form if kind == "extension" else voluntary_form
        if kind in {"extension", "voluntary"} and form.is_valid():
            try:
                if kind == "extension":
                    request_extension(
                        actor=request.user,  # type: ignore[arg-type]
                        jurisdiction=jurisdiction,
                        **form.cleaned_data,
                    )
                else:
                    request_voluntary_inactivity(
                        actor=request.user,  # type: ignore[arg-type]
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
    from action_plans.views import allowed_actions

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
    jurisdiction = _workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    return redirect("workspace", slug=jurisdiction.slug)


@access_policy(Policy.TENANT)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    jurisdiction = _workspace_jurisdiction(request, slug, Action.SUBMIT)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invite_person(
                jurisdiction=jurisdiction,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,  # type: ignore[arg-type]
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ActionRefused as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("workspace", slug=jurisdiction.slug)
    return render(request, "members/invite.html", {"jurisdiction": jurisdiction, "form": form})


@access_policy(Policy.PUBLIC)
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.objects.select_related("jurisdiction").filter(token=token).first()
    if invitation is None:
        raise Http404(_("This invitation link is not valid."))
    try:
        check_invitation(invitation)
    except ActionRefused as refusal:
        return render(
            request, "members/invitation_refused.html", {"message": refusal.message}, status=410
        )
    user = request.user if request.user.is_authenticated else None
    existing_account = user is None and _account_exists(invitation.email)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (user is not None or form.is_valid()):
        try:
            membership = accept_invitation(
                token=token,
                user=user,  # type: ignore[arg-type]
                name=form.cleaned_data.get("name", "") if user is None else "",
                password=form.cleaned_data.get("password1") if user is None else None,
            )
        except ActionRefused as refusal:
            return render(
                request, "members/invitation_refused.html", {"message": refusal.message}, status=409
            )
        if user is None:
            login(
                request,
                membership.user,
                backend="allauth.account.auth_backends.AuthenticationBackend",
            )
        messages.success(
            request,
            _("Welcome: you are now %(role)s of %(jurisdiction)s.")
            % {"role": membership.get_role_display(), "jurisdiction": membership.jurisdiction},
        )
        return redirect("workspace", slug=membership.jurisdiction.slug)
    context = {"invitation": invitation, "form": form, "existing_account": existing_account}
    return render(request, "members/invitation_accept.html", context)


def _account_exists(email: str) -> bool:
    from members.models import User

    return User.objects.filter(email__iexact=email).exists()


def support_unit_required(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied(_("This page is for OGP Support Unit staff."))
    if not has_two_factor(request.user):  # the middleware redirects first; this keeps the view safe
        raise PermissionDenied(_("Set up two-factor authentication first."))
