"""The pipeline page of the portal (names join "portal:")."""

from django.urls import path

from openprm.deals import views_pipeline

urlpatterns = [
    path("pipeline/", views_pipeline.portal_pipeline, name="pipeline"),
]
