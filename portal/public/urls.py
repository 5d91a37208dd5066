"""The public site's routes, mounted at the root by ogplocal/urls.py."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from ogplocal.access import Policy, access_policy
from portal.public import assessments, home
from portal.public import views as public_views
from portal.public.sitemaps import SITEMAPS

public_sitemap = access_policy(Policy.PUBLIC)(sitemap)

urlpatterns = [
    path("", home.home, name="home"),
    path("members/", public_views.directory, name="directory"),
    path("members/<slug:slug>/", public_views.member_page, name="member_public"),
    path("members/<slug:slug>/history.json", public_views.member_history, name="member_history"),
    path("dashboard/policy-areas/", public_views.policy_areas, name="policy_areas"),
    path("open-data/", public_views.open_data, name="open_data"),
    path("sitemap.xml", public_sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "open-data/<slug:dataset>.<str:extension>",
        public_views.open_data_download,
        name="open_data_download",
    ),
    path(
        "members/<slug:slug>/assessments/<int:pk>/report/",
        assessments.public_report,
        name="public_assessment_report",
    ),
    path(
        "members/<slug:slug>/assessments/<int:pk>/annexes/<int:file_id>/",
        assessments.public_annex,
        name="public_assessment_annex",
    ),
]
