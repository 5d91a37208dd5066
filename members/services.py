"""Business actions on people and roles: one keyword-only function per action (STYLE.md)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members.models import Invitation, Jurisdiction, Membership, User
from members.tenancy import Role
from ogplocal.exceptions import ActionRefused


def invite_person(
    *,
    jurisdiction: Jurisdiction,
    email: str,
    role: Role | str,
    invited_by: User | None,
    base_url: str = "",
) -> Invitation:
    """Invite a person by email to take `role` in `jurisdiction`; the email goes after commit."""
    email = email.strip().lower()
    role = Role(role)
    if Membership.objects.filter(jurisdiction=jurisdiction, user__email__iexact=email).exists():
        raise ActionRefused(
            _("%(email)s already has a role in %(jurisdiction)s.")
            % {"email": email, "jurisdiction": jurisdiction.name},
            field="email",
        )
    with transaction.atomic():
        invitation = Invitation.objects.create(
            jurisdiction=jurisdiction, email=email, role=role, invited_by=invited_by
        )
        transaction.on_commit(lambda: send_invitation_email(invitation, base_url=base_url))
    return invitation


def send_invitation_email(invitation: Invitation, *, base_url: str = "") -> None:
    link = base_url + reverse("invitation_accept", kwargs={"token": invitation.token})
    context = {
        "invitation": invitation,
        "link": link,
        "expires_on": date_format(invitation.expires_at, "DATE_FORMAT"),
    }
    subject = _("You are invited to %(jurisdiction)s on the OGP Local portal") % {
        "jurisdiction": invitation.jurisdiction.name
    }
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=render_to_string("members/email/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("members/email/invitation.html", context), "text/html"
    )
    message.send()


def check_invitation(invitation: Invitation) -> None:
    """Refuse an invitation that was already used or has expired, saying which."""
    if invitation.accepted_at is not None:
        raise ActionRefused(
            _("This invitation has already been used. Sign in with %(email)s instead.")
            % {"email": invitation.email}
        )
    if invitation.is_expired:
        raise ActionRefused(
            _(
                "This invitation expired on %(date)s. Ask the person who invited you "
                "to send a new one."
            )
            % {"date": date_format(timezone.localdate(invitation.expires_at), "DATE_FORMAT")}
        )


def accept_invitation(
    *,
    token: str,
    user: User | None = None,
    name: str = "",
    password: str | None = None,
) -> Membership:
    """Use an invitation once: give the role to `user`, or create the invited person's account.

    The invitation row is locked, so the same link opened twice at once is used once; the second
    gets the "already been used" message and changes nothing.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("jurisdiction").get(token=token)
        )
        check_invitation(invitation)
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ActionRefused(
                    _("An account for %(email)s exists already: sign in to accept.")
                    % {"email": invitation.email}
                )
            user = User.objects.create_user(invitation.email, password, name=name.strip())
            # The invitation reached this address, so the address is verified.
            EmailAddress.objects.create(
                user=user, email=invitation.email, primary=True, verified=True
            )
        elif user.email.lower() != invitation.email:
            raise ActionRefused(
                _(
                    "This invitation was sent to %(email)s, but you are signed in as %(you)s. "
                    "Sign out, then open the link again."
                )
                % {"email": invitation.email, "you": user.email}
            )
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    user=user, jurisdiction=invitation.jurisdiction, role=invitation.role
                )
        except IntegrityError:
            raise ActionRefused(
                _("You already have a role in %(jurisdiction)s.")
                % {"jurisdiction": invitation.jurisdiction.name}
            ) from None
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership
