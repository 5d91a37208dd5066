"""Throttles and pagination, in a module of their own: DRF's settings import them while its
views are still being defined."""

from __future__ import annotations

from django.conf import settings
from rest_framework import pagination, throttling


class AnonThrottle(throttling.AnonRateThrottle):
    """Rates are read from settings at request time (API_THROTTLE_*), per environment."""

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_ANON  # type: ignore[no-any-return]


class UserThrottle(throttling.UserRateThrottle):
    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_USER  # type: ignore[no-any-return]


class Pages(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
