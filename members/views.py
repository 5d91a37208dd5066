"""Pages about people and jurisdictions; each parses input, calls one action and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.forms import (
    AcceptInvitationForm,
    InviteForm,
)
from members.models import (
    Invitation,
    Notification,
    User,
)
from members.services import (
    accept_invitation,
    check_invitation,
    invite_person,
)
from members.shortcuts import workspace_jurisdiction
from members.tenancy import Action, acting_user, signed_in_user
from ogplocal.access import Policy, access_policy
from ogplocal.exceptions import ActionRefused


@access_policy(Policy.TENANT)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    jurisdiction = workspace_jurisdiction(request, slug, Action.SUBMIT)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invite_person(
                jurisdiction=jurisdiction,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=acting_user(request),
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
    user = signed_in_user(request)
    existing_account = user is None and _account_exists(invitation.email)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (user is not None or form.is_valid()):
        try:
            membership = accept_invitation(
                token=token,
                user=user,
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
    return User.objects.filter(email__iexact=email).exists()


@access_policy(Policy.SIGNED_IN)
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """Only the person's own notifications, newest first; each shows whether it was sent."""
    rows = Notification.objects.filter(recipient_id=request.user.pk).select_related("jurisdiction")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/notifications.html", {"page": page})


PAGE_SIZE = 25
