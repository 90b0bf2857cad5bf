"""Onboarding pages in the console (names join "console:")."""

from django.urls import include, path

from openprm.onboarding import views

urlpatterns = [
    path("applications/", views.application_queue, name="application_queue"),
    path("", include("openprm.onboarding.config.urls")),
    path(
        "applications/<uuid:public_id>/",
        views.application_detail,
        name="application_detail",
    ),
    path(
        "applications/<uuid:public_id>/approve/",
        views.application_approve,
        name="application_approve",
    ),
    path(
        "applications/<uuid:public_id>/reject/",
        views.application_reject,
        name="application_reject",
    ),
    path(
        "applications/<uuid:public_id>/request-info/",
        views.application_request_info,
        name="application_request_info",
    ),
]
