"""The pipeline page of the console (names join "console:")."""

from django.urls import path

from openprm.deals.pipeline import views

urlpatterns = [
    path("pipeline/", views.console_pipeline, name="pipeline"),
]
