"""The console's routes, mounted under /support/ by ogplocal/urls.py (no namespace: the
dashboard keeps its historic name `support_home`)."""

from __future__ import annotations

from django.urls import path

from portal.console import assessments, views

urlpatterns = [
    path("", views.dashboard, name="support_home"),
    path("members.csv", views.members_csv, name="console_members_csv"),
    path("forecast/", views.forecast_view, name="console_forecast"),
    path("members/new/", views.new_member, name="console_new_member"),
    path("members/<slug:slug>/", views.member_page, name="console_member"),
    path(
        "members/<slug:slug>/first-plan-deadline/",
        views.first_plan_deadline,
        name="console_first_plan_deadline",
    ),
    path(
        "members/<slug:slug>/extension-requests/<int:pk>/",
        views.decide_extension_view,
        name="console_decide_extension",
    ),
    path(
        "members/<slug:slug>/voluntary-inactivity-requests/<int:pk>/",
        views.decide_voluntary_view,
        name="console_decide_voluntary",
    ),
    path(
        "members/<slug:slug>/plans/<int:pk>/review/",
        views.review_plan_view,
        name="console_review_plan",
    ),
    path(
        "members/<slug:slug>/commitments/<int:pk>/withdrawal/",
        views.decide_withdrawal_view,
        name="console_decide_withdrawal",
    ),
    path("members/<slug:slug>/override/", views.override_view, name="console_override"),
    path(
        "members/<slug:slug>/overrides/<int:pk>/withdraw/",
        views.withdraw_override_view,
        name="console_withdraw_override",
    ),
    path("members/<slug:slug>/reinstate/", views.reinstate_view, name="console_reinstate"),
    path("assessments/", assessments.review_list, name="assessments_review"),
    path("assessments/<int:pk>/publish/", assessments.publish, name="assessment_publish"),
]
