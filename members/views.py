"""Pages about people and jurisdictions; each parses input, calls one action and renders."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.forms import AcceptInvitationForm, InviteForm
from members.middleware import has_totp
from members.models import Invitation, Jurisdiction
from members.services import accept_invitation, check_invitation, invite_person
from members.tenancy import Action, is_support_unit
from ogplocal.access import Policy, access_policy
from ogplocal.exceptions import ActionRefused


@access_policy(Policy.PUBLIC)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    members = Jurisdiction.objects.restrict(request.user, Action.VIEW).order_by("name")
    return render(request, "members/home.html", {"members": members})


def _workspace_jurisdiction(request: HttpRequest, slug: str, action: Action) -> Jurisdiction:
    """The jurisdiction if the user may do `action` there; 404 alike when missing or forbidden."""
    return get_object_or_404(Jurisdiction.objects.restrict(request.user, action), slug=slug)


@access_policy(Policy.TENANT)
@require_GET
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    jurisdiction = _workspace_jurisdiction(request, slug, Action.VIEW_PRIVATE)
    membership = jurisdiction.memberships.filter(user_id=request.user.pk or 0).first()
    may_invite = Jurisdiction.objects.restrict(request.user, Action.SUBMIT).filter(
        pk=jurisdiction.pk
    )
    context = {
        "jurisdiction": jurisdiction,
        "membership": membership,
        "team": jurisdiction.memberships.select_related("user").order_by("role", "user__name"),
        "terms": jurisdiction.terms.all(),
        "first_plan_due": jurisdiction.first_plan_deadline
        or jurisdiction.joined_on + relativedelta(months=4),
        "may_invite": may_invite.exists(),
        "pending_invitations": jurisdiction.invitations.pending(),
        "invite_form": InviteForm(),
    }
    return render(request, "members/workspace.html", context)


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
    if not is_support_unit(request.user):
        raise PermissionDenied(_("This page is for OGP Support Unit staff."))
    if not has_totp(request.user):  # the middleware redirects first; this keeps the view safe alone
        raise PermissionDenied(_("Set up two-factor authentication first."))


@access_policy(Policy.SUPPORT_UNIT)
@require_GET
def support_home(request: HttpRequest) -> HttpResponse:
    support_unit_required(request)
    members = (
        Jurisdiction.objects.restrict(request.user, Action.DECIDE)
        .prefetch_related("memberships__user")
        .order_by("country", "name")
    )
    return render(request, "members/support_home.html", {"members": members})
