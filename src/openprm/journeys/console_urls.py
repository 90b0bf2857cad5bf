"""Onboarding journeys pages in the console (names join "console:")."""

from django.urls import path

from openprm.journeys import views

urlpatterns = [
    path("journeys/", views.journey_list, name="journeys"),
    path("journeys/<uuid:public_id>/", views.journey_detail, name="journey_detail"),
    path(
        "journeys/<uuid:public_id>/tasks/<int:task_id>/sign-off/",
        views.journey_task_sign_off,
        name="journey_task_sign_off",
    ),
    path(
        "journeys/templates/<uuid:public_id>/",
        views.journey_template,
        name="journey_template",
    ),
    path(
        "journeys/templates/<uuid:public_id>/<int:template_id>/delete/",
        views.journey_template_delete,
        name="journey_template_delete",
    ),
    path(
        "journeys/documents/<uuid:public_id>/",
        views.journey_document_console,
        name="journey_document",
    ),
]
