"""The schema and the interactive docs, served from the portal (drf-spectacular-sidecar's Swagger
UI files through WhiteNoise; the start-up script is a static file too: no inline script, so the
portal's Content Security Policy holds)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import permissions

from ogplocal.access import Policy, access_policy


class SchemaView(SpectacularAPIView):
    access_policy: ClassVar[Policy] = Policy.PUBLIC
    permission_classes = (permissions.AllowAny,)

    @extend_schema(exclude=True)
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)


@access_policy(Policy.PUBLIC)
@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html", {"schema_url": reverse("api_schema")})


@access_policy(Policy.PUBLIC)
@csrf_exempt  # nothing is written; a refused CSRF check would answer an HTML page instead
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other address under /api/: the one error shape, not the HTML 404 page."""
    return JsonResponse({"message": _("Not found."), "errors": {}}, status=404)
