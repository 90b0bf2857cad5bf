"""Agreements pages in the console (names join "console:")."""

from django.urls import path

from openprm.agreements import views

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path(
        "agreements/<uuid:public_id>/",
        views.agreement_detail,
        name="agreement_detail",
    ),
    path(
        "agreements/<uuid:public_id>/publish/",
        views.agreement_publish,
        name="agreement_publish",
    ),
    path(
        "agreements/acceptances/<uuid:public_id>/",
        views.acceptance_detail,
        name="agreement_acceptance",
    ),
    path(
        "agreements/acceptances/<uuid:public_id>/pdf/",
        views.acceptance_pdf_console,
        name="agreement_acceptance_pdf",
    ),
]
