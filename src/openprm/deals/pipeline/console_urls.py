"""The pipeline page of the console (names join "console:")."""

from django.urls import path

from openprm.deals import views_pipeline

urlpatterns = [
    path("pipeline/", views_pipeline.console_pipeline, name="pipeline"),
]
