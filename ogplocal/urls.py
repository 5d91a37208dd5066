from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from members import language, notification_views
from members import views as members_views
from ogplocal import views
from ogplocal.api import urls as api_urls

# The admin signs in through allauth, so its sign-in gets the rate limits and MFA of allauth.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = _("OGP Local — Support Unit administration")
admin.site.site_title = _("OGP Local admin")

urlpatterns = [
    path("", members_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("invitations/<str:token>/", members_views.invitation_accept, name="invitation_accept"),
    path("w/switch/", members_views.switch_jurisdiction, name="switch_jurisdiction"),
    path("w/<slug:slug>/", members_views.workspace, name="workspace"),
    path("w/<slug:slug>/team/invite/", members_views.invite, name="invite"),
    path("support/", include("members.console.urls")),
    path("w/<slug:slug>/requests/", members_views.workspace_requests, name="workspace_requests"),
    path("w/<slug:slug>/plans/", include("action_plans.urls")),
    path("w/<slug:slug>/plans/<int:pk>/commitments/", include("commitments.urls")),
    path("w/<slug:slug>/plans/<int:pk>/tracker/", include("tracker.urls")),
    path("notifications/", notification_views.notifications, name="notifications"),
    path("", include("members.public_urls")),
    path("", include("assessments.urls")),
    path("api/", include("ogplocal.api.urls")),
    path("accounts/tokens/", include(api_urls.token_urlpatterns)),
    path("admin/", admin.site.urls),
]
