"""The commitment pages of a plan, under /w/<slug>/plans/<pk>/commitments/."""

from __future__ import annotations

from django.urls import path

from commitments import views

urlpatterns = [
    path("new/", views.commitment_create, name="commitment_create"),
    path("<int:cpk>/", views.commitment_detail, name="commitment_detail"),
    path("<int:cpk>/edit/", views.commitment_edit, name="commitment_edit"),
    path("<int:cpk>/complete/", views.commitment_complete, name="commitment_complete"),
    path("<int:cpk>/withdraw/", views.commitment_withdraw, name="commitment_withdraw"),
    path("<int:cpk>/propose/", views.commitment_propose, name="commitment_propose"),
    path("<int:cpk>/proposals/<int:ppk>/approve/", views.proposal_approve, name="proposal_approve"),
    path("<int:cpk>/proposals/<int:ppk>/reject/", views.proposal_reject, name="proposal_reject"),
    path(
        "<int:cpk>/proposals/<int:ppk>/withdraw/",
        views.proposal_withdraw,
        name="proposal_withdraw",
    ),
]
