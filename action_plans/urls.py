"""The plan pages of a jurisdiction's workspace, under /w/<slug>/plans/."""

from __future__ import annotations

from django.urls import path

from action_plans import views

urlpatterns = [
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("<int:pk>/meetings/", views.plan_meetings, name="plan_meetings"),
    path("<int:pk>/endorsements/", views.plan_endorsements, name="plan_endorsements"),
    path("<int:pk>/endorse/", views.plan_endorse, name="plan_endorse"),
    path(
        "<int:pk>/meetings/<int:meeting_id>/minutes/", views.minutes_download, name="plan_minutes"
    ),
    path("<int:pk>/letter/", views.plan_letter, name="plan_letter"),
    path("<int:pk>/letter/<int:letter_id>/", views.letter_download, name="plan_letter_download"),
    path("<int:pk>/plan.pdf", views.plan_pdf, name="plan_pdf"),
]
