"""The project's routes: each part of the portal mounts its own (docs/architecture.md)."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from members import language
from members import views as members_views
from ogplocal import views
from ogplocal.api import urls as api_urls

# The admin signs in through allauth, so its sign-in gets the rate limits and MFA of allauth.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = _("OGP Local — Support Unit administration")
admin.site.site_title = _("OGP Local admin")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("invitations/<str:token>/", members_views.invitation_accept, name="invitation_accept"),
    path("w/<slug:slug>/team/invite/", members_views.invite, name="invite"),
    path("notifications/", members_views.notifications, name="notifications"),
    path("support/", include("portal.console.urls")),
    path("", include("portal.workspace.urls")),
    path("", include("portal.public.urls")),
    path("api/", include("ogplocal.api.urls")),
    path("accounts/tokens/", include(api_urls.token_urlpatterns)),
    path("admin/", admin.site.urls),
]
