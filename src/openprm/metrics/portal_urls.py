"""Metrics pages in the portal (names join "portal:")."""

from django.urls import path

from openprm.metrics import views

urlpatterns = [
    path("tier/", views.tier_progress_page, name="tier_progress_page"),
    path("tier/progress/", views.tier_progress_fragment, name="tier_progress"),
]
