"""Who may see and change which jurisdiction's data: the one place that applies a user's roles.

Every tenant model's default manager is built from `RestrictedQuerySet`, and views and API views
get tenant objects only through `Model.objects.restrict(user, action)` (as NetBox's
`RestrictedQuerySet`). What a role may do is the table of docs/roles.md §1, written once here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, Self, cast

from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ogplocal.exceptions import ActionRefused
from ogplocal.records import RefusesBulkDelete

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.request import Request

    from members.models import User


class Role(models.TextChoices):
    POC = "poc", _("Point of Contact")
    OFFICER = "officer", _("Government officer")
    STAKEHOLDER = "stakeholder", _("Civil-society stakeholder")


class Action(StrEnum):
    """What a user wants to do with a jurisdiction's data (docs/roles.md §1, the rows of its
    table)."""

    VIEW = "view"  # read what is public: submitted plans, progress, published assessments, status
    VIEW_PRIVATE = "view_private"  # read drafts, tracker drafts, the team
    EDIT = "edit"  # edit the draft plan, commitments, meetings; record tracker updates
    SUBMIT = "submit"  # submit the plan, file requests, invite the team
    ENDORSE = "endorse"  # endorse the plan, approve a commitment change
    ASSESS = "assess"  # upload assessments (the selected monitoring body)
    DECIDE = "decide"  # Support Unit: decide requests, set deadlines, override status, review


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.POC: frozenset({Action.VIEW, Action.VIEW_PRIVATE, Action.EDIT, Action.SUBMIT}),
    Role.OFFICER: frozenset({Action.VIEW, Action.VIEW_PRIVATE, Action.EDIT}),
    Role.STAKEHOLDER: frozenset({Action.VIEW, Action.VIEW_PRIVATE, Action.ENDORSE}),
}
# Monitoring body members read a selecting jurisdiction's plan and tracker once it is submitted
# (a model whose rows can be drafts narrows VIEW_PRIVATE further with `monitoring_body_visible`).
MONITORING_BODY_ACTIONS = frozenset({Action.VIEW, Action.VIEW_PRIVATE, Action.ASSESS})
SUPPORT_UNIT_ACTIONS = frozenset({Action.VIEW, Action.VIEW_PRIVATE, Action.DECIDE})


# Q() would vanish when OR-ed with another condition (Q() | Q(x) == Q(x)), so "every row" is spelt
# out as a condition every row meets.
EVERY_ROW = Q(pk__isnull=False)
NO_ROW = Q(pk__in=[])


def is_staff_member(user: User | AnonymousUser | None) -> bool:
    """An active staff account, whether or not it has set up two-factor authentication yet (the
    staff pages send such a person to set it up)."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def is_support_unit(user: User | AnonymousUser | None) -> bool:
    """Support Unit staff with two-factor authentication set up: only they hold the Support
    Unit's powers, on every page and in the API alike. Staff without it are, everywhere, a
    signed-in person with no role (docs/roles.md §1; README "Support Unit staff must use two-factor
    authentication")."""
    return is_staff_member(user) and has_two_factor(user)


def has_two_factor(user: User | AnonymousUser | None) -> bool:
    """Whether the person has set up TOTP, asked once per request: the answer is kept on the
    user object (as Django keeps permissions in `_perm_cache`), which the staff middleware, the
    Support Unit's views and `restrict()` share."""
    cached = getattr(user, "_has_totp", None)
    if cached is None:
        cached = has_totp(user)
        user._has_totp = cached  # type: ignore[union-attr]
    return bool(cached)


def has_totp(user: object) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def roles_granting(action: Action) -> list[str]:
    return [role for role, actions in ROLE_ACTIONS.items() if action in actions]


class RestrictedQuerySet(models.QuerySet[Any]):
    """A queryset that can say what a user may do.

    Subclasses name `jurisdiction_path`, the lookup from the model to its jurisdiction ("" for the
    jurisdiction itself, "plan__jurisdictions" for a commitment's plan, ...), and narrow what the
    public and monitoring bodies see with `public_filter` and `monitoring_body_filter`.
    """

    jurisdiction_path: str = "jurisdiction"

    def public_filter(self) -> Q:
        """What anybody may read without a role; nothing unless the model says otherwise."""
        return NO_ROW

    def monitoring_body_filter(self) -> Q:
        """What a selected monitoring body may read of the jurisdiction's private data."""
        return EVERY_ROW

    def restrict(
        self, user: User | AnonymousUser | None, action: Action | str = Action.VIEW
    ) -> Self:
        action = Action(action)
        restricted = self.filter(self._granted(user, action))
        # DISTINCT sorts every selected column (a 10 ms count over the 10,000-member directory,
        # issue 11), and only a join can repeat a row: a query of one table gets none.
        if len(restricted.query.alias_map) > 1:
            restricted = restricted.distinct()
        return restricted

    def _jurisdiction_lookup(self) -> str:
        return f"{self.jurisdiction_path}__in" if self.jurisdiction_path else "pk__in"

    def _granted(self, user: User | AnonymousUser | None, action: Action) -> Q:
        public = self.public_filter() if action == Action.VIEW else NO_ROW
        if user is None or not user.is_authenticated or not user.is_active or public == EVERY_ROW:
            return public
        if is_support_unit(user):
            return EVERY_ROW if action in SUPPORT_UNIT_ACTIONS else public
        lookup = self._jurisdiction_lookup()
        granted = public
        roles = roles_granting(action)
        if roles:
            # Through the user's own relations: this module sits below the models it restricts.
            own = user.memberships.filter(role__in=roles).values("jurisdiction_id")
            granted |= Q(**{lookup: own})
        if action in MONITORING_BODY_ACTIONS:
            selected = user.monitoring_bodies.values("body__selected_jurisdictions")
            body_q = Q(**{lookup: selected})
            if action != Action.ASSESS:
                body_q &= self.monitoring_body_filter()
            granted |= body_q
        return granted


class SubmittedQuerySet(RefusesBulkDelete, RestrictedQuerySet):
    """The restricted queryset of a submitted record: what a user may do, and no bulk delete."""


def permitted_row[Row: models.Model](
    model: type[Row],
    *,
    actor: User,
    action: Action,
    pk: Any,
    refusal: str,
    lock: bool = False,
    related: tuple[str, ...] = (),
) -> Row:
    """The row `pk` of `model` if `actor` may do `action` on it, else ActionRefused(`refusal`).

    With `lock`, the row is locked (SELECT ... FOR UPDATE) until the end of the transaction, so
    two requests acting on it at once run one after the other. The restricted queryset is used as
    a subquery because PostgreSQL refuses FOR UPDATE together with its DISTINCT.
    """
    manager: Any = model._default_manager
    allowed = manager.restrict(actor, action).filter(pk=pk)
    rows = (
        manager.select_for_update(of=("self",)).filter(pk__in=allowed.values("pk"))
        if lock
        else allowed
    )
    if related:
        rows = rows.select_related(*related)
    row = rows.first()
    if row is None:
        raise ActionRefused(refusal)
    return cast(Row, row)


def support_unit_required(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied(_("This page is for OGP Support Unit staff."))
    if not has_two_factor(request.user):  # the middleware redirects first; this keeps the view safe
        raise PermissionDenied(_("Set up two-factor authentication first."))


def signed_in_user(request: HttpRequest | Request) -> User | None:
    """The person signed in on `request` (a page's or the API's), typed; None when nobody is."""
    user = request.user
    return cast("User", user) if user.is_authenticated else None


def acting_user(request: HttpRequest | Request) -> User:
    """The signed-in person acting on `request`, typed, for a business action's `actor`.

    Nobody signed in is refused with PermissionDenied; the sign-in middleware and the API's
    permission classes keep anonymous requests away from every view that acts, so this is the
    last guard, not the usual answer.
    """
    user = signed_in_user(request)
    if user is None:
        raise PermissionDenied
    return user
