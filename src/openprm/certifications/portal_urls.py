"""Certifications' portal pages (names join "portal:")."""

from django.urls import path

from openprm.certifications import views

urlpatterns = [
    path("certificates/", views.my_certificates, name="certificates"),
    path("certificates/team/", views.team_certificates, name="certificates_team"),
    path(
        "certificates/external/new/",
        views.external_upload,
        name="certificate_upload",
    ),
    path(
        "certificates/external/<uuid:public_id>/evidence/",
        views.external_evidence,
        name="certificate_evidence",
    ),
    path(
        "certificates/<uuid:public_id>/pdf/",
        views.certificate_pdf,
        name="certificate_pdf",
    ),
]
