"""Metrics pages in the console (names join "console:")."""

from django.urls import path

from openprm.metrics import views

urlpatterns = [
    path("insights/", views.dashboard_page, name="metrics_dashboard"),
    path("insights/rebuilds/", views.rebuild_list, name="metrics_rebuilds"),
    path("insights/rebuilds/run/", views.rebuild_start, name="metrics_rebuild_start"),
]
