"""The pipeline page of the portal (names join "portal:")."""

from django.urls import path

from openprm.deals.pipeline import views

urlpatterns = [
    path("pipeline/", views.portal_pipeline, name="pipeline"),
]
