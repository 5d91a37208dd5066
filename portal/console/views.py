"""The Support Unit console (issue 6). Every view parses input, calls one selector or one business
action, and renders; only Support Unit staff who set up MFA reach any of it (Policy.SUPPORT_UNIT:
the middleware sends staff without TOTP to set it up, `support_unit_required` refuses the rest).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.models import ActionPlan
from action_plans.services import review_plan
from commitments.completion import decide_withdrawal
from commitments.models import Commitment
from members.models import (
    ExtensionRequest,
    Jurisdiction,
    Status,
    StatusChange,
    StatusOverride,
    Term,
    VoluntaryInactivityRequest,
)
from members.requests import (
    decide_extension,
    decide_voluntary_inactivity,
    override_status,
    reinstate_member,
    set_first_plan_deadline,
    withdraw_override,
)
from members.services import (
    create_member,
    months_of_term_left,
    term_left_is_short,
)
from members.tenancy import Action, Role, acting_user, support_unit_required
from ogplocal.access import Policy, access_policy
from ogplocal.dates import local_today
from ogplocal.exceptions import ActionRefused
from portal.console import forms as console_forms
from portal.console.filters import SORTS, MemberFilter
from portal.console.history import change_history
from portal.status.explanations import REASONS, STATUS_SUMMARIES
from portal.status.forecast import (
    FORECAST_HORIZONS,
    STATE_LABELS,
    forecast,
    overdue_by_member,
    read_member,
)

PAGE_SIZE = 25

View = Callable[..., HttpResponse]


def console_view(*methods: str) -> Callable[[View], View]:
    """A console page: Support Unit staff with MFA only, refused before anything is read."""

    def decorate(view: View) -> View:
        allowed = require_http_methods(list(methods))(view)

        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            support_unit_required(request)
            return allowed(request, *args, **kwargs)

        return access_policy(Policy.SUPPORT_UNIT)(guarded)

    return decorate


def explained(codes: Any) -> list[Any]:
    """Reason codes in plain words (members.explanations), unknown codes as they are."""
    return [REASONS.get(str(code), str(code)) for code in codes]


def status_label(value: Any) -> str:
    return str(Status(str(value)).label)


def _members(request: HttpRequest) -> Any:
    return Jurisdiction.objects.restrict(request.user, Action.DECIDE)


def _member(request: HttpRequest, slug: str) -> Jurisdiction:
    return get_object_or_404(_members(request), slug=slug)


# --- 1. The dashboard -----------------------------------------------------------------------


def _filtered(request: HttpRequest) -> MemberFilter:
    return MemberFilter(request.GET or None, queryset=_members(request).order_by("name", "pk"))


def _sort_links(current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the `o` value its header link sets and its aria-sort."""
    links = {}
    for _field, param in SORTS:
        if current == param:
            links[param] = {"o": f"-{param}", "aria": "ascending"}
        elif current == f"-{param}":
            links[param] = {"o": param, "aria": "descending"}
        else:
            links[param] = {"o": param, "aria": ""}
    return links


@console_view("GET")
def dashboard(request: HttpRequest) -> HttpResponse:
    member_filter = _filtered(request)
    page = Paginator(member_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    members = list(page.object_list)
    overdue = member_filter.overdue_found
    if overdue is None:
        overdue = overdue_by_member(Jurisdiction.objects.filter(pk__in=[m.pk for m in members]))
    counts = dict(_members(request).order_by().values_list("status").annotate(n=Count("pk")))
    context = {
        "filter": member_filter,
        "page": page,
        "rows": [
            {
                "member": member,
                "reasons": explained(member.status_reasons),
                "overdue": [
                    (deadline.kind.label, deadline) for deadline in overdue.get(member.pk, [])
                ],
            }
            for member in members
        ],
        "counts": [
            (status, label, counts.get(status, 0))
            for status, label in Jurisdiction._meta.get_field("status").choices  # type: ignore[union-attr,misc]
        ],
        "total": sum(counts.values()),
        "sort": _sort_links(request.GET.get("o", "")),
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "ellipsis": Paginator.ELLIPSIS,
        "console_section": "dashboard",
    }
    return render(request, "console/dashboard.html", context)


@console_view("GET")
def members_csv(request: HttpRequest) -> HttpResponse:
    """The dashboard's filtered and sorted table, every row, as CSV."""
    member_filter = _filtered(request)
    members = list(member_filter.qs)
    overdue = member_filter.overdue_found
    if overdue is None:
        overdue = overdue_by_member(Jurisdiction.objects.filter(pk__in=[m.pk for m in members]))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ogp-local-members.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "slug",
            "name",
            "country",
            "status",
            "since",
            "reasons",
            "joined_on",
            "overdue",
            "status_evaluated_on",
        ]
    )
    for member in members:
        writer.writerow(
            [
                member.slug,
                member.name,
                member.country.code,
                member.status,
                member.status_since.isoformat() if member.status_since else "",
                " ".join(member.status_reasons),
                member.joined_on.isoformat(),
                " ".join(
                    f"{deadline.kind}:{deadline.due.isoformat()}"
                    for deadline in overdue.get(member.pk, [])
                ),
                member.status_evaluated_on.isoformat() if member.status_evaluated_on else "",
            ]
        )
    return response


# --- 2. The forecast ------------------------------------------------------------------------


@console_view("GET")
def forecast_view(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days", FORECAST_HORIZONS[0]))
    except ValueError:
        days = FORECAST_HORIZONS[0]
    if days not in FORECAST_HORIZONS:
        days = FORECAST_HORIZONS[0]
    context = {
        "console_section": "forecast",
        "days": days,
        "horizons": FORECAST_HORIZONS,
        "changes": [
            {
                "change": change,
                "from": status_label(change.status_from),
                "to": status_label(change.status_to),
                "reasons": explained(change.reasons),
            }
            for change in forecast(_members(request), days=days)
        ],
    }
    return render(request, "console/forecast.html", context)


# --- 3. A member's page ---------------------------------------------------------------------


@console_view("GET")
def member_page(request: HttpRequest, slug: str) -> HttpResponse:
    member = _member(request, slug)
    reading = read_member(member)
    terms = list(member.terms.all())
    term_at_join = next(
        (
            term
            for term in terms
            if term.kind == Term.Kind.TERM and term.starts_on <= member.joined_on <= term.ends_on
        ),
        None,
    )
    plans = ActionPlan.objects.restrict(request.user, Action.DECIDE).filter(jurisdictions=member)
    today = reading.today
    overrides = list(member.status_overrides.select_related("decided_by").order_by("-starts_on"))
    context = {
        "console_section": "member",
        "member": member,
        "reading": reading,
        "today": today,
        "status_summary": STATUS_SUMMARIES.get(member.status, ""),
        "stored_reasons": explained(member.status_reasons),
        "rules_status": status_label(reading.evaluation.status),
        "stale": (str(reading.evaluation.status), reading.evaluation.since)
        != (member.status, member.status_since),
        "rules_reasons": explained(reading.evaluation.reasons),
        "deadlines": [(row, STATE_LABELS[row.state]) for row in reading.deadlines],
        "terms": terms,
        "term_at_join": term_at_join,
        "months_left": months_of_term_left(
            joined_on=member.joined_on, term_ends_on=term_at_join.ends_on
        )
        if term_at_join
        else None,
        "short_term": term_at_join is not None
        and term_left_is_short(joined_on=member.joined_on, term_ends_on=term_at_join.ends_on),
        "points_of_contact": member.memberships.filter(role=Role.POC).select_related("user"),
        "pending_invitations": member.invitations.pending(),
        "status_changes": [
            (change, explained(change.reasons))
            for change in StatusChange.objects.restrict(request.user, Action.VIEW_PRIVATE)
            .filter(jurisdiction=member)
            .order_by("-on")
        ],
        "extension_requests": member.extension_requests.select_related(
            "requested_by", "decided_by"
        ).order_by("-requested_on", "-pk"),
        "voluntary_requests": member.voluntary_inactivity_requests.select_related(
            "requested_by", "decided_by"
        ).order_by("-requested_on", "-pk"),
        "overrides": [
            (
                override,
                override.withdrawn_on is None
                and (override.ends_on is None or override.ends_on >= today),
            )
            for override in overrides
        ],
        "reinstatements": member.reinstatements.select_related("decided_by").order_by("-on"),
        "plans": plans.order_by("-starts_on"),
        "withdrawals": Commitment.objects.restrict(request.user, Action.DECIDE)
        .filter(plan__jurisdictions=member, withdrawn_on__isnull=True)
        .exclude(withdrawal_reason="")
        .select_related("plan"),
        "history": change_history(plans),
    }
    return render(request, "console/member.html", context)


# --- 4. Decisions: each form calls one business action ---------------------------------------


def _decide(
    request: HttpRequest,
    member: Jurisdiction,
    form: forms.Form,
    act: Callable[[dict[str, Any]], object],
    *,
    heading: str,
    submit: str,
    success: str,
    subject: object = None,
    subject_template: str = "",
) -> HttpResponse:
    """Show the decision's form; on a valid POST call the action, on a refusal show why."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(request, success)
            return redirect("console_member", slug=member.slug)
    context = {
        "member": member,
        "form": form,
        "heading": heading,
        "submit": submit,
        "subject": subject,
        "subject_template": subject_template,
    }
    return render(request, "console/decision.html", context)


@console_view("GET", "POST")
def first_plan_deadline(request: HttpRequest, slug: str) -> HttpResponse:
    member = _member(request, slug)
    form = console_forms.FirstPlanDeadlineForm(request.POST or None)
    return _decide(
        request,
        member,
        form,
        lambda data: set_first_plan_deadline(
            actor=acting_user(request),
            jurisdiction=member,
            deadline=data["deadline"],
            reason=data["reason"],
        ),
        heading=_("Set the first-plan deadline of %(member)s") % {"member": member.name},
        submit=_("Set the deadline"),
        success=_("The first-plan deadline was set; the Point of Contact was told."),
    )


@console_view("GET", "POST")
def decide_extension_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    member = _member(request, slug)
    extension = get_object_or_404(
        ExtensionRequest.objects.restrict(request.user, Action.DECIDE).select_related(
            "requested_by"
        ),
        pk=pk,
        jurisdiction=member,
    )
    form = console_forms.ExtensionDecisionForm(
        request.POST or None, initial={"granted_until": extension.requested_until}
    )
    return _decide(
        request,
        member,
        form,
        lambda data: decide_extension(
            actor=acting_user(request),
            request=extension,
            grant=data["decision"] == "grant",
            granted_until=data["granted_until"],
            reason=data["reason"],
        ),
        heading=_("Decide the extension request of %(member)s") % {"member": member.name},
        submit=_("Record the decision"),
        success=_("The extension request was decided; the Point of Contact was told."),
        subject=extension,
        subject_template="console/subjects/extension.html",
    )


@console_view("GET", "POST")
def decide_voluntary_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    member = _member(request, slug)
    pause = get_object_or_404(
        VoluntaryInactivityRequest.objects.restrict(request.user, Action.DECIDE).select_related(
            "requested_by"
        ),
        pk=pk,
        jurisdiction=member,
    )
    form = console_forms.VoluntaryInactivityDecisionForm(request.POST or None)
    return _decide(
        request,
        member,
        form,
        lambda data: decide_voluntary_inactivity(
            actor=acting_user(request),
            request=pause,
            approve=data["decision"] == "approve",
            reason=data["reason"],
        ),
        heading=_("Decide the voluntary-inactivity request of %(member)s")
        % {"member": member.name},
        submit=_("Record the decision"),
        success=_("The voluntary-inactivity request was decided; the Point of Contact was told."),
        subject=pause,
        subject_template="console/subjects/voluntary.html",
    )


@console_view("GET", "POST")
def review_plan_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    member = _member(request, slug)
    plan = get_object_or_404(
        ActionPlan.objects.restrict(request.user, Action.DECIDE).filter(jurisdictions=member),
        pk=pk,
    )
    form = console_forms.PlanReviewForm(request.POST or None)
    return _decide(
        request,
        member,
        form,
        lambda data: review_plan(
            actor=acting_user(request),
            plan=plan,
            accept=data["decision"] == "accept",
            comments=data["comments"],
        ),
        heading=_("Review %(plan)s") % {"plan": plan},
        submit=_("Record the review"),
        success=_("The review was recorded; the Points of Contact were told."),
        subject=plan,
        subject_template="console/subjects/plan.html",
    )


@console_view("GET", "POST")
def decide_withdrawal_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    member = _member(request, slug)
    commitment = get_object_or_404(
        Commitment.objects.restrict(request.user, Action.DECIDE)
        .filter(plan__jurisdictions=member)
        .select_related("plan"),
        pk=pk,
    )
    form = console_forms.WithdrawalDecisionForm(request.POST or None)
    return _decide(
        request,
        member,
        form,
        lambda data: decide_withdrawal(
            actor=acting_user(request),
            commitment=commitment,
            approve=data["decision"] == "approve",
            comments=data["comments"],
        ),
        heading=_("Decide the withdrawal of a commitment of %(member)s") % {"member": member.name},
        submit=_("Record the decision"),
        success=_("The withdrawal was decided; the Points of Contact were told."),
        subject=commitment,
        subject_template="console/subjects/withdrawal.html",
    )


@console_view("GET", "POST")
def override_view(request: HttpRequest, slug: str) -> HttpResponse:
    member = _member(request, slug)
    form = console_forms.StatusOverrideForm(
        request.POST or None, initial={"starts_on": local_today(member.time_zone)}
    )
    return _decide(
        request,
        member,
        form,
        lambda data: override_status(
            actor=acting_user(request),
            jurisdiction=member,
            status=data["status"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            reason=data["reason"],
        ),
        heading=_("Override the status of %(member)s") % {"member": member.name},
        submit=_("Override the status"),
        success=_("The override was recorded; the Point of Contact was told."),
    )


@console_view("GET", "POST")
def withdraw_override_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    member = _member(request, slug)
    override = get_object_or_404(
        StatusOverride.objects.restrict(request.user, Action.DECIDE),
        pk=pk,
        jurisdiction=member,
    )
    form = console_forms.WithdrawOverrideForm(request.POST or None)
    return _decide(
        request,
        member,
        form,
        lambda data: withdraw_override(
            actor=acting_user(request), override=override, reason=data["reason"]
        ),
        heading=_("Withdraw a status override of %(member)s") % {"member": member.name},
        submit=_("Withdraw the override"),
        success=_("The override was withdrawn; the Point of Contact was told."),
        subject=override,
        subject_template="console/subjects/override.html",
    )


@console_view("GET", "POST")
def reinstate_view(request: HttpRequest, slug: str) -> HttpResponse:
    member = _member(request, slug)
    form = console_forms.ReinstatementForm(request.POST or None)
    return _decide(
        request,
        member,
        form,
        lambda data: reinstate_member(
            actor=acting_user(request), jurisdiction=member, reason=data["reason"]
        ),
        heading=_("Reinstate %(member)s") % {"member": member.name},
        submit=_("Reinstate the member"),
        success=_("The member was reinstated; the Point of Contact was told."),
    )


# --- 5. A new member ------------------------------------------------------------------------


@console_view("GET", "POST")
def new_member(request: HttpRequest) -> HttpResponse:
    form = console_forms.NewMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = create_member(
                actor=acting_user(request),
                name=data["name"],
                slug=data["slug"],
                country=data["country"],
                time_zone=data["time_zone"],
                has_elections=data["has_elections"],
                period_starts_on=data["period_starts_on"],
                period_ends_on=data["period_ends_on"],
                joined_on=data["joined_on"],
                first_plan_deadline=data["first_plan_deadline"],
                poc_email=data["poc_email"],
                accept_short_term=data["accept_short_term"],
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ActionRefused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(
                request,
                _(
                    "%(member)s was created; its first plan is due on %(due)s and an invitation "
                    "was sent to %(email)s."
                )
                % {
                    "member": created.jurisdiction.name,
                    "due": created.first_plan_due.isoformat(),
                    "email": created.invitation.email,
                },
            )
            if created.short_term:
                messages.warning(
                    request,
                    _("Less than 16 months of the administration's term remained on joining."),
                )
            return redirect("console_member", slug=created.jurisdiction.slug)
    return render(request, "console/new_member.html", {"form": form, "console_section": "new"})
