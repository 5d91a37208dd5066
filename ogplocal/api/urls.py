"""/api/v1/ (signed in, and /api/v1/public/ for anybody), /api/schema/ and /api/docs/."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from action_plans import api as plans
from assessments import api as assessments
from commitments import api as commitments
from members import api as members
from ogplocal.api import docs, schema, token_views
from portal.public import api as public
from portal.status import api as status
from tracker import api as tracker

# Defined (so registered with drf-spectacular) by importing it.
SCHEMA_EXTENSIONS = (schema.TokenScheme,)


class PlanViewSet(plans.PlanViewSet, commitments.SubmittedPlanCommitments):
    """Action plans: drafts of your own jurisdictions, submitted plans of every member."""

    # Composed here, the one module that may import both apps: the plans' own actions
    # (action_plans/api.py) and `POST plans/{id}/commitments/`, which adds a commitment to a
    # submitted plan and so belongs to commitments (commitments/api.py), an app above plans.


router = SimpleRouter(use_regex_path=False)
router.register("jurisdictions", status.JurisdictionViewSet, basename="api_jurisdiction")
router.register("plans", PlanViewSet, basename="api_plan")
router.register("commitments", commitments.CommitmentViewSet, basename="api_commitment")
router.register(
    "change-proposals", commitments.ChangeProposalViewSet, basename="api_change_proposal"
)
router.register("milestones", commitments.MilestoneViewSet, basename="api_milestone")
router.register("tracker-updates", tracker.TrackerUpdateViewSet, basename="api_tracker_update")
router.register("meetings", plans.MeetingViewSet, basename="api_meeting")
router.register("endorsements", plans.EndorsementViewSet, basename="api_endorsement")
router.register("assessments", assessments.AssessmentViewSet, basename="api_assessment")
router.register(
    "extension-requests", members.ExtensionRequestViewSet, basename="api_extension_request"
)
router.register(
    "voluntary-inactivity-requests",
    members.VoluntaryInactivityRequestViewSet,
    basename="api_voluntary_request",
)
router.register("notifications", members.NotificationViewSet, basename="api_notification")

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
