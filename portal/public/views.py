"""The public site: member directory, policy-area dashboard and open data (issue 8).

Everything here is read through `restrict(request.user, Action.VIEW)` with an anonymous-safe
public filter, cached for anonymous visitors (`ogplocal.public_cache`), and runs a fixed number of
queries whatever the data size.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_countries import countries

from action_plans.calendar import calendar_data, draw_calendar
from action_plans.models import ActionPlan
from assessments.models import Assessment
from commitments.models import Commitment, PolicyArea
from members.models import Jurisdiction, Status
from members.tenancy import Action
from ogplocal.access import Policy, access_policy
from ogplocal.dates import local_today
from ogplocal.public_cache import derived, public_page
from portal.exchange.exporting import export_exchange
from portal.exchange.opendata import DATASETS
from portal.public.charts import Bar, bar_chart, progress_bar
from portal.status.evaluation import evaluation_of
from portal.status.explanations import REASONS, STATUS_SUMMARIES
from portal.status.loader import rules_ref
from tracker.models import TrackerUpdate

PAGE_SIZE = 24


def _implementing_filter(today: date) -> Q:
    """Commitments under implementation today: of a submitted plan that has not ended, started,
    neither completed nor withdrawn."""
    prefix = "action_plans__commitments__"
    return Q(
        action_plans__submitted_on__isnull=False,
        action_plans__ends_on__gte=today,
        **{
            f"{prefix}starts_on__lte": today,
            f"{prefix}completed_on__isnull": True,
            f"{prefix}withdrawn_on__isnull": True,
        },
    )


@access_policy(Policy.PUBLIC)
@require_GET
@public_page
def directory(request: HttpRequest) -> HttpResponse:
    """Every member with its status badge; filters, search and pagination."""
    today = timezone.localdate()
    members = Jurisdiction.objects.restrict(request.user, Action.VIEW)
    status = request.GET.get("status", "")
    country = request.GET.get("country", "").upper()
    area = request.GET.get("area", "")
    query = request.GET.get("q", "").strip()
    if status in Status.values:
        members = members.filter(status=status)
    if country:
        members = members.filter(country=country)
    if area:
        addressed = Commitment.objects.restrict(request.user, Action.VIEW).filter(
            plan__jurisdictions=OuterRef("pk"), policy_areas__code=area
        )
        members = members.filter(Exists(addressed))
    if query:
        members = members.filter(name__icontains=query)
    page = Paginator(members.order_by("name"), PAGE_SIZE).get_page(request.GET.get("page"))
    # Counted for the page's members only: annotating the whole directory made both its count
    # and its page aggregate every member's commitments (0.4 s each at 10,000 members, issue 11).
    implementing = dict(
        Jurisdiction.objects.restrict(request.user, Action.VIEW)
        .filter(pk__in=[member.pk for member in page])
        .annotate(
            n=Count("action_plans__commitments", filter=_implementing_filter(today), distinct=True)
        )
        .values_list("pk", "n")
    )
    for member in page:
        member.implementing = implementing.get(member.pk, 0)
    present = (
        Jurisdiction.objects.restrict(request.user, Action.VIEW)
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )
    context = {
        "page": page,
        "statuses": [(value, label, STATUS_SUMMARIES[value]) for value, label in Status.choices],
        "countries": sorted((code, countries.name(code)) for code in set(present)),
        "areas": PolicyArea.objects.order_by("-is_challenge_area", "name"),
        "selected": {"status": status, "country": country, "area": area, "q": query},
        "query_string": _without_page(request),
    }
    return render(request, "public/directory.html", context)


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@dataclass(frozen=True)
class AreaShare:
    area: PolicyArea
    plans: int
    share: float


def _plan_visibility(request: HttpRequest) -> str:
    """What decides which plans `request.user` may read, given the portal's data: nothing more
    than the public's for an anonymous visitor; else the plans they read beyond the public's
    (their own drafts, say; one query)."""
    if not request.user.is_authenticated:
        return "public"
    public = ActionPlan.objects.restrict(None, Action.VIEW).values("pk")
    beyond = (
        ActionPlan.objects.restrict(request.user, Action.VIEW)
        .exclude(pk__in=public)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    listed = ",".join(str(pk) for pk in beyond)
    return hashlib.sha256(listed.encode()).hexdigest()[:32]


def _policy_area_shares(
    request: HttpRequest, year: str, country: str
) -> tuple[list[AreaShare], int, list[int], set[str]]:
    """The dashboard's figures: each area's share, the number of plans, the years and the
    countries to select."""
    plans = ActionPlan.objects.restrict(request.user, Action.VIEW)
    if year.isdigit():
        plans = plans.filter(submitted_on__year=int(year))
    if country:
        plans = plans.filter(jurisdictions__country=country)
    plan_ids = plans.values("pk")
    total = plans.order_by().values("pk").distinct().count()
    # Areas no plan addresses are left out here, not by `.filter(plans__gt=0)`: PostgreSQL
    # would count again in HAVING, and the count aggregates every commitment's areas (issue 11).
    areas = [
        area
        for area in PolicyArea.objects.annotate(
            plans=Count(
                "commitments__plan", filter=Q(commitments__plan__in=plan_ids), distinct=True
            )
        ).order_by("-plans", "name")
        if area.plans
    ]
    rows = [AreaShare(area, area.plans, area.plans / total if total else 0.0) for area in areas]
    years = sorted(
        {
            day.year
            for day in ActionPlan.objects.restrict(request.user, Action.VIEW).dates(
                "submitted_on", "year"
            )
        },
        reverse=True,
    )
    present = (
        Jurisdiction.objects.filter(
            action_plans__in=ActionPlan.objects.restrict(request.user, Action.VIEW)
        )
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )
    return rows, total, years, set(present)


@access_policy(Policy.PUBLIC)
@require_GET
@public_page
def policy_areas(request: HttpRequest) -> HttpResponse:
    """Trending policy areas: the share of local action plans that address each area."""
    year = request.GET.get("year", "")
    country = request.GET.get("country", "").upper()
    # The aggregate reads every commitment's areas (100,000 rows at 10,000 members, 0.25 s): it is
    # kept until the portal's data changes, under what decides the plans counted (issue 11). It
    # holds no words: the areas' names are translated below, so every language shares it.
    selection = hashlib.sha256(f"{year}\n{country}".encode()).hexdigest()[:16]
    key = f"policy-areas:{_plan_visibility(request)}:{selection}"
    rows, total, years, present = derived(key, lambda: _policy_area_shares(request, year, country))
    chart = bar_chart(
        [
            Bar(
                row.area.label,
                row.share,
                _("%(n)s of %(total)s") % {"n": row.plans, "total": total},
            )
            for row in rows
        ],
        title=_("Share of local action plans that address each policy area"),
        description=_("%(total)s submitted action plans in this selection.") % {"total": total},
    )
    context = {
        "rows": rows,
        "total": total,
        "chart": chart,
        "years": years,
        "countries": sorted((code, countries.name(code)) for code in set(present)),
        "selected": {"year": year, "country": country},
    }
    return render(request, "public/policy_areas.html", context)


@access_policy(Policy.PUBLIC)
@require_GET
@public_page
def open_data(request: HttpRequest) -> HttpResponse:
    """The downloads and the documentation of every field."""
    return render(request, "public/open_data.html", {"datasets": DATASETS.values()})


class _Echo:
    def write(self, value: str) -> str:
        return value


@access_policy(Policy.PUBLIC)
@require_GET
def open_data_download(
    request: HttpRequest, dataset: str, extension: str
) -> HttpResponse | StreamingHttpResponse:
    """One data set as CSV (streamed) or JSON."""
    if dataset not in DATASETS:
        raise Http404(_("There is no such data set."))
    spec = DATASETS[dataset]
    names = [field.name for field in spec.fields]
    filename = f"ogp-local-{spec.slug}.{extension}"
    response: HttpResponse | StreamingHttpResponse
    if extension == "json":
        response = JsonResponse(
            list(spec.rows()), safe=False, json_dumps_params={"ensure_ascii": False}
        )
    else:
        writer = csv.DictWriter(_Echo(), fieldnames=names)

        def lines() -> Iterator[str]:
            yield writer.writeheader()
            for row in spec.rows():
                yield writer.writerow(row)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access_policy(Policy.PUBLIC)
@require_GET
def member_history(request: HttpRequest, slug: str) -> HttpResponse:
    """A member's public history in the exchange format of docs/exchange.md §5."""
    member = get_object_or_404(Jurisdiction.objects.restrict(request.user, Action.VIEW), slug=slug)
    data: dict[str, Any] = export_exchange(Jurisdiction.objects.filter(pk=member.pk), public=True)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{member.slug}-history.json"'
    return response


@access_policy(Policy.PUBLIC)
@require_GET
@public_page
def member_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A member's status page: status and why, the current plan with its strategy and calendar,
    commitments with their progress and quarterly history, published assessments, past plans.

    Only what is public, whoever asks (`restrict(None, ...)`): a Point of Contact sees here what
    the public sees; drafts stay in the workspace.
    """
    member = get_object_or_404(Jurisdiction.objects.restrict(None, Action.VIEW), slug=slug)
    today = local_today(member.time_zone)
    # The content is the same for every reader (only what is public): rendered once per member,
    # local day and language until the portal's data changes; a signed-in reader's page, which the
    # page cache never serves, spent 80% of its time drawing it at 10,000 members (issue 11).
    content = derived(
        f"member-content:{member.pk}:{today.isoformat()}:{get_language()}",
        lambda: _member_content(member, today),
    )
    return render(request, "public/member.html", {"member": member, "content": content})


def _member_content(member: Jurisdiction, today: date) -> SafeString:
    """The member page's content: status and why, plans, calendar, commitments, assessments."""
    updates = Prefetch(
        "updates",
        queryset=TrackerUpdate.objects.restrict(None, Action.VIEW).order_by("quarter"),
        to_attr="public_updates",
    )
    commitments = Prefetch(
        "commitments",
        queryset=Commitment.objects.restrict(None, Action.VIEW)
        .prefetch_related("policy_areas", updates)
        .order_by("ref"),
    )
    plans = list(
        ActionPlan.objects.restrict(None, Action.VIEW)
        .filter(jurisdictions=member)
        .select_related("lead_jurisdiction", "monitoring_body")
        .prefetch_related("jurisdictions", commitments)
        .order_by("-starts_on")
    )
    current = next((plan for plan in plans if plan.ends_on >= today), plans[0] if plans else None)
    past = [plan for plan in plans if plan is not current]
    for plan in plans:
        for commitment in plan.commitments.all():
            latest = commitment.public_updates[-1] if commitment.public_updates else None
            commitment.latest_update = latest
            commitment.progress = progress_bar(
                latest.percent if latest else 0, label=commitment.title
            )
    calendar = ""
    if current is not None:
        evaluation = evaluation_of(member.pk, today)
        deadlines = evaluation.deadlines if evaluation is not None else ()
        calendar = mark_safe(  # noqa: S308 - draw_calendar escapes every text it draws
            draw_calendar(
                calendar_data(current, deadlines, today, rules_ref=rules_ref(current, member))
            )
        )
    assessments = (
        Assessment.objects.restrict(None, Action.VIEW)
        .filter(plan__jurisdictions=member)
        .select_related("plan", "commitment")
        .prefetch_related("files")
        .order_by("-published_on", "pk")
    )
    context = {
        "member": member,
        "status_summary": STATUS_SUMMARIES[member.status],
        "reasons": [REASONS[code] for code in member.status_reasons if code in REASONS],
        "current": current,
        "past": past,
        "calendar": calendar,
        "assessments": assessments,
        "today": today,
    }
    return render_to_string("public/_member_content.html", context)
