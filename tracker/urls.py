"""The quarterly tracker pages of a plan, under /w/<slug>/plans/<pk>/tracker/."""

from __future__ import annotations

from django.urls import path

from tracker import views

urlpatterns = [
    path("", views.tracker_quarters, name="tracker_quarters"),
    path("evidence/<int:file_id>/", views.evidence_download, name="tracker_evidence_download"),
    path("evidence/<int:file_id>/remove/", views.evidence_remove, name="tracker_evidence_remove"),
    path("<str:quarter>/", views.tracker_quarter, name="tracker_quarter"),
]
