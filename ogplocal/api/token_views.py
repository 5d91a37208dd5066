"""The account page where a person creates and revokes their personal API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.models import ApiToken
from members.tenancy import acting_user
from ogplocal.access import Policy, access_policy
from ogplocal.api.tokens import create_token, may_hold_tokens, revoke_token
from ogplocal.exceptions import ActionRefused


@access_policy(Policy.SIGNED_IN)
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    key = None
    error = None
    status = 200
    if request.method == "POST":
        try:
            _token, key = create_token(user=user, name=request.POST.get("name", ""))
        except ActionRefused as refused:
            error, status = refused.message, 400
    context = {
        "tokens": ApiToken.objects.filter(user=user),
        "new_key": key,
        "error": error,
        "may_create": may_hold_tokens(user),
    }
    response = render(request, "account/tokens.html", context, status=status)
    if key is not None:
        # The key is shown this once: never cached, never stored.
        response["Cache-Control"] = "no-store"
    return response


@access_policy(Policy.SIGNED_IN)
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = revoke_token(user=acting_user(request), token_id=pk)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("api_tokens")
