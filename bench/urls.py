"""The bench URLconf: the portal's routes and the minimal view each page is measured against.

Only `ogplocal.settings.bench` serves it; the portal's own URLconf is unchanged.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from ogplocal.access import Policy, access_policy


@access_policy(Policy.PUBLIC)
def minimal(request: HttpRequest) -> HttpResponse:
    """The least Django can answer: no database, no template, no cache."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal", minimal, name="bench_minimal"),
    path("", include("ogplocal.urls")),
]
