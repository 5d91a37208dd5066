"""The workspace's routes: a jurisdiction's pages under /w/<slug>/ and the monitoring body's
assessment pages under /assessments/ (mounted at the root by ogplocal/urls.py)."""

from __future__ import annotations

from django.urls import path

from portal.workspace import assessments, commitments, plans, tracker, views

urlpatterns = [
    path("w/switch/", views.switch_jurisdiction, name="switch_jurisdiction"),
    path("w/<slug:slug>/", views.workspace, name="workspace"),
    path("w/<slug:slug>/requests/", views.workspace_requests, name="workspace_requests"),
    path("w/<slug:slug>/plans/new/", plans.plan_create, name="plan_create"),
    path("w/<slug:slug>/plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("w/<slug:slug>/plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("w/<slug:slug>/plans/<int:pk>/submit/", plans.plan_submit, name="plan_submit"),
    path("w/<slug:slug>/plans/<int:pk>/meetings/", plans.plan_meetings, name="plan_meetings"),
    path(
        "w/<slug:slug>/plans/<int:pk>/endorsements/",
        plans.plan_endorsements,
        name="plan_endorsements",
    ),
    path("w/<slug:slug>/plans/<int:pk>/endorse/", plans.plan_endorse, name="plan_endorse"),
    path(
        "w/<slug:slug>/plans/<int:pk>/meetings/<int:meeting_id>/minutes/",
        plans.minutes_download,
        name="plan_minutes",
    ),
    path("w/<slug:slug>/plans/<int:pk>/letter/", plans.plan_letter, name="plan_letter"),
    path(
        "w/<slug:slug>/plans/<int:pk>/letter/<int:letter_id>/",
        plans.letter_download,
        name="plan_letter_download",
    ),
    path("w/<slug:slug>/plans/<int:pk>/plan.pdf", plans.plan_pdf, name="plan_pdf"),
    path(
        "w/<slug:slug>/plans/<int:pk>/commitments/new/",
        commitments.commitment_create,
        name="commitment_create",
    ),
    path(
        "w/<slug:slug>/plans/<int:pk>/commitments/<int:cpk>/",
        commitments.commitment_detail,
        name="commitment_detail",
    ),
    path(
        "w/<slug:slug>/plans/<int:pk>/commitments/<int:cpk>/edit/",
        commitments.commitment_edit,
        name="commitment_edit",
    ),
    path(
        "w/<slug:slug>/plans/<int:pk>/commitments/<int:cpk>/complete/",
        commitments.commitment_complete,
        name="commitment_complete",
    ),
    path(
        "w/<slug:slug>/plans/<int:pk>/commitments/<int:cpk>/withdraw/",
        commitments.commitment_withdraw,
        name="commitment_withdraw",
    ),
    path(
        "w/<slug:slug>/plans/<int:pk>/commitments/<int:cpk>/propose/",
        commitments.commitment_propose,
        name="commitment_propose",
    ),
    path(
        "w/<slug:slug>/plans/<int:pk>/commitments/<int:cpk>/proposals/<int:ppk>/approve/",
        commitments.proposal_approve,
        name="proposal_approve",
    ),
    path(
        "w/<slug:slug>/plans/<int:pk>/commitments/<int:cpk>/proposals/<int:ppk>/reject/",
        commitments.proposal_reject,
        name="proposal_reject",
    ),
    path(
        "w/<slug:slug>/plans/<int:pk>/commitments/<int:cpk>/proposals/<int:ppk>/withdraw/",
        commitments.proposal_withdraw,
        name="proposal_withdraw",
    ),
    path(
        "w/<slug:slug>/plans/<int:pk>/tracker/", tracker.tracker_quarters, name="tracker_quarters"
    ),
    path(
        "w/<slug:slug>/plans/<int:pk>/tracker/evidence/<int:file_id>/",
        tracker.evidence_download,
        name="tracker_evidence_download",
    ),
    path(
        "w/<slug:slug>/plans/<int:pk>/tracker/evidence/<int:file_id>/remove/",
        tracker.evidence_remove,
        name="tracker_evidence_remove",
    ),
    path(
        "w/<slug:slug>/plans/<int:pk>/tracker/<str:quarter>/",
        tracker.tracker_quarter,
        name="tracker_quarter",
    ),
    path("assessments/", assessments.due_list, name="assessments_due"),
    path(
        "assessments/plans/<int:plan_id>/<slug:kind>/",
        assessments.upload,
        name="assessment_upload",
    ),
    path(
        "assessments/plans/<int:plan_id>/commitments/<int:commitment_id>/<slug:kind>/",
        assessments.upload,
        name="assessment_upload_commitment",
    ),
    path("assessments/<int:pk>/report/", assessments.download_report, name="assessment_report"),
    path(
        "assessments/<int:pk>/annexes/<int:file_id>/",
        assessments.download_annex,
        name="assessment_annex",
    ),
    path(
        "w/<slug:slug>/assessments/",
        assessments.jurisdiction_assessments,
        name="jurisdiction_assessments",
    ),
]
