"""/api/v1/ (signed in, and /api/v1/public/ for anybody), /api/schema/ and /api/docs/."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from ogplocal.api import docs, schema, token_views, views
from portal.public import api as public

# Defined (so registered with drf-spectacular) by importing it.
SCHEMA_EXTENSIONS = (schema.TokenScheme,)

router = SimpleRouter(use_regex_path=False)
router.register("jurisdictions", views.JurisdictionViewSet, basename="api_jurisdiction")
router.register("plans", views.PlanViewSet, basename="api_plan")
router.register("commitments", views.CommitmentViewSet, basename="api_commitment")
router.register("change-proposals", views.ChangeProposalViewSet, basename="api_change_proposal")
router.register("milestones", views.MilestoneViewSet, basename="api_milestone")
router.register("tracker-updates", views.TrackerUpdateViewSet, basename="api_tracker_update")
router.register("meetings", views.MeetingViewSet, basename="api_meeting")
router.register("endorsements", views.EndorsementViewSet, basename="api_endorsement")
router.register("assessments", views.AssessmentViewSet, basename="api_assessment")
router.register(
    "extension-requests", views.ExtensionRequestViewSet, basename="api_extension_request"
)
router.register(
    "voluntary-inactivity-requests",
    views.VoluntaryInactivityRequestViewSet,
    basename="api_voluntary_request",
)
router.register("notifications", views.NotificationViewSet, basename="api_notification")

public_router = SimpleRouter(use_regex_path=False)
public_router.register("members", public.PublicMemberViewSet, basename="api_public_member")
public_router.register("plans", public.PublicPlanViewSet, basename="api_public_plan")
public_router.register(
    "commitments", public.PublicCommitmentViewSet, basename="api_public_commitment"
)
public_router.register(
    "tracker-updates", public.PublicTrackerUpdateViewSet, basename="api_public_tracker_update"
)
public_router.register(
    "assessments", public.PublicAssessmentViewSet, basename="api_public_assessment"
)

# Every API route authenticates through DRF (sessions or tokens) and answers 401 in the one error
# shape, so Django's LoginRequiredMiddleware, which would redirect to the sign-in page before a
# token is even read, stands aside; each view's `access_policy` says who may reach it.
api_routes = [*public_router.urls, *router.urls]
for route in api_routes:
    route.callback.login_required = False  # type: ignore[union-attr]

urlpatterns = [
    path("v1/public/", include(public_router.urls)),
    path("v1/", include(router.urls)),
    path("schema/", docs.SchemaView.as_view(), name="api_schema"),
    path("docs/", docs.docs, name="api_docs"),
    path("<path:rest>", docs.not_found, name="api_not_found"),
]
urlpatterns[2].callback.login_required = False  # type: ignore[union-attr]

# Under the account area: /accounts/tokens/.
token_urlpatterns = [
    path("", token_views.tokens, name="api_tokens"),
    path("<int:pk>/revoke/", token_views.revoke, name="api_token_revoke"),
]
