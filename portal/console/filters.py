"""The dashboard's filters and sort (django-filter), on the stored status of docs/rules.md §3.3.

Status, since and reasons are the cache the daily job keeps; overdue deadlines are not stored, so
that filter asks the rules (`forecast.overdue_by_member`, the loader's fixed queries).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from members import rules
from members.models import Jurisdiction, Status
from portal.status.explanations import REASONS
from portal.status.forecast import overdue_by_member

SORTS = (
    ("name", "name"),
    ("country", "country"),
    ("status", "status"),
    ("status_since", "since"),
    ("joined_on", "joined"),
)


class MemberOrdering(django_filters.OrderingFilter):
    """The chosen column, then the name and the key, so that equal values keep one order."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        return qs.order_by(*ordering, "name", "pk")


class MemberFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("any status")
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=(), empty_label=_("any country")
    )
    reason = django_filters.ChoiceFilter(
        label=_("Reason"),
        choices=[(str(code), REASONS[code].summary) for code in rules.Reason],
        empty_label=_("any reason"),
        method="filter_reason",
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue deadline"),
        choices=[(str(kind), kind.label) for kind in rules.DeadlineKind if kind.can_be_met],
        empty_label=_("any or none"),
        method="filter_overdue",
    )
    o = MemberOrdering(fields=SORTS, label=_("Sort by"))

    class Meta:
        model = Jurisdiction
        fields = ("status", "country", "reason", "overdue")

    def __init__(self, *args: Any, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now
        # Filled by `filter_overdue`, so the page's rows reuse the evaluation it made.
        self.overdue_found: dict[int, list[rules.Deadline]] | None = None
        present = Jurisdiction.objects.order_by().values_list("country", flat=True).distinct()
        self.filters["country"].extra["choices"] = sorted(
            ((code, countries.name(code)) for code in present), key=lambda item: item[1]
        )

    def filter_reason(
        self, queryset: QuerySet[Jurisdiction], name: str, value: str
    ) -> QuerySet[Jurisdiction]:
        # The reasons are a JSON list of codes; matching the quoted code on the list's text works
        # alike on SQLite and PostgreSQL (SQLite has no JSON containment), and no code is a
        # substring of another once quoted.
        return queryset.filter(status_reasons__icontains=f'"{value}"')

    def filter_overdue(
        self, queryset: QuerySet[Jurisdiction], name: str, value: str
    ) -> QuerySet[Jurisdiction]:
        self.overdue_found = overdue_by_member(queryset, now=self.now)
        matching = [
            pk
            for pk, deadlines in self.overdue_found.items()
            if any(deadline.kind == value for deadline in deadlines)
        ]
        return queryset.filter(pk__in=matching)
