"""allauth's hooks: the portal is joined by invitation only, and allauth's emails go through the
portal's outbox."""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from members.language import language_or_default
from members.models import Membership, Notification, User
from members.outbox import write
from members.tenancy import is_staff_member


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join a jurisdiction through an invitation (members.views.accept_invitation);
        # nobody creates an account of their own.
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Straight to where the person works: their workspace when they have exactly one."""
        user = request.user
        # Staff without two-factor authentication too: the console sends them to set it up.
        if is_staff_member(user):
            return reverse("support_home")
        slugs = list(
            Membership.objects.filter(user_id=user.pk or 0).values_list(
                "jurisdiction__slug", flat=True
            )[:2]
        )
        if len(slugs) == 1:
            return reverse("workspace", kwargs={"slug": slugs[0]})
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails (password reset, address confirmation, and any other it sends) through
        the outbox: rendered now from allauth's templates in the recipient's chosen language
        (without a choice, the language of the page that asked for them), written as a row, and
        sent by the outbox's task once the request's transaction commits. So a request never fails
        because mail is down, and the person finds the email on their notifications page.

        Each call is one email of its own (two password resets asked in a row are two emails): its
        key is the template and a random part.
        """
        request = allauth_context.request
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        chosen = (user.language if user is not None else "") or translation.get_language()
        with translation.override(language_or_default(chosen)):
            message = self.render_mail(
                template_prefix,
                email,
                {
                    "request": request,
                    "email": email,
                    "current_site": get_current_site(request),
                    **context,
                },
            )
            html = next(
                (
                    str(body)
                    for body, mimetype in getattr(message, "alternatives", [])
                    if mimetype == "text/html"
                ),
                "",
            )
            text = str(message.body)
            if message.content_subtype == "html":
                text, html = strip_tags(text), text
        write(
            Notification(
                recipient=user,
                email=email.strip().lower(),
                topic=Notification.Topic.ACCOUNT,
                key=f"{template_prefix}:{uuid.uuid4().hex}",
                subject=str(message.subject)[:255],
                body_text=text,
                body_html=html,
            )
        )
