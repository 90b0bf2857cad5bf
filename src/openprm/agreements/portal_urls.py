"""Agreements pages in the portal (names join "portal:")."""

from django.urls import path

from openprm.agreements import views

urlpatterns = [
    path("agreements/", views.portal_agreements, name="agreements"),
    path(
        "agreements/versions/<uuid:public_id>/",
        views.portal_agreement_accept,
        name="agreement_accept",
    ),
    path(
        "agreements/acceptances/<uuid:public_id>/",
        views.portal_acceptance_detail,
        name="agreement_acceptance",
    ),
    path(
        "agreements/acceptances/<uuid:public_id>/pdf/",
        views.portal_acceptance_pdf,
        name="agreement_acceptance_pdf",
    ),
]
