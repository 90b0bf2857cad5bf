"""Onboarding journeys pages in the portal (names join "portal:")."""

from django.urls import path

from openprm.journeys import views

urlpatterns = [
    path("onboarding/", views.portal_journeys, name="journeys"),
    path(
        "onboarding/<uuid:public_id>/tasks/<int:task_id>/upload/",
        views.portal_document_upload,
        name="journey_document_upload",
    ),
    path(
        "onboarding/documents/<uuid:public_id>/",
        views.portal_document,
        name="journey_document",
    ),
    path("resources/", views.portal_resources, name="journeys_resources"),
]
