from django.urls import path

from assessments import public_views, views

urlpatterns = [
    path("assessments/", views.due_list, name="assessments_due"),
    path(
        "assessments/plans/<int:plan_id>/<slug:kind>/",
        views.upload,
        name="assessment_upload",
    ),
    path(
        "assessments/plans/<int:plan_id>/commitments/<int:commitment_id>/<slug:kind>/",
        views.upload,
        name="assessment_upload_commitment",
    ),
    path("assessments/<int:pk>/report/", views.download_report, name="assessment_report"),
    path(
        "assessments/<int:pk>/annexes/<int:file_id>/",
        views.download_annex,
        name="assessment_annex",
    ),
    path(
        "w/<slug:slug>/assessments/",
        views.jurisdiction_assessments,
        name="jurisdiction_assessments",
    ),
    path("support/assessments/", views.review_list, name="assessments_review"),
    path("support/assessments/<int:pk>/publish/", views.publish, name="assessment_publish"),
    # The public member page itself, `member_public`, is members.public_views.member_page.
    path(
        "members/<slug:slug>/assessments/<int:pk>/report/",
        public_views.public_report,
        name="public_assessment_report",
    ),
    path(
        "members/<slug:slug>/assessments/<int:pk>/annexes/<int:file_id>/",
        public_views.public_annex,
        name="public_assessment_annex",
    ),
]
