"""Certifications' console pages (names join "console:")."""

from django.urls import path

from openprm.certifications import views

urlpatterns = [
    path("certifications/", views.certifications, name="certifications"),
    path(
        "certifications/new/",
        views.certification_create,
        name="certification_create",
    ),
    path(
        "certifications/reviews/",
        views.review_queue,
        name="certification_reviews",
    ),
    path(
        "certifications/reviews/<uuid:public_id>/",
        views.review_detail,
        name="certification_review",
    ),
    path(
        "certifications/reviews/<uuid:public_id>/evidence/",
        views.review_evidence,
        name="certification_review_evidence",
    ),
    path(
        "certifications/reviews/<uuid:public_id>/approve/",
        views.review_approve,
        name="certification_review_approve",
    ),
    path(
        "certifications/reviews/<uuid:public_id>/reject/",
        views.review_reject,
        name="certification_review_reject",
    ),
    path(
        "certifications/expiring/",
        views.expiring,
        name="certifications_expiring",
    ),
    path(
        "certifications/held/<uuid:public_id>/revoke/",
        views.held_revoke,
        name="certification_revoke",
    ),
    path(
        "certifications/<uuid:public_id>/",
        views.certification_detail,
        name="certification",
    ),
    path(
        "certifications/<uuid:public_id>/edit/",
        views.certification_edit,
        name="certification_edit",
    ),
    path("accreditations/", views.accreditations, name="accreditations"),
    path(
        "accreditations/new/",
        views.accreditation_create,
        name="accreditation_create",
    ),
    path(
        "accreditations/<uuid:public_id>/",
        views.accreditation_detail,
        name="accreditation",
    ),
    path(
        "accreditations/<uuid:public_id>/edit/",
        views.accreditation_edit,
        name="accreditation_edit",
    ),
]
