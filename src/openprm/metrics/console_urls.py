"""Metrics pages in the console (names join "console:")."""

from django.urls import path

from openprm.metrics import views

urlpatterns = [
    path("insights/", views.dashboard_page, name="metrics_dashboard"),
    path("insights/rebuilds/", views.rebuild_list, name="metrics_rebuilds"),
    path("insights/rebuilds/run/", views.rebuild_start, name="metrics_rebuild_start"),
    path(
        "tiers/recommendations/", views.recommendation_list, name="tier_recommendations"
    ),
    path(
        "tiers/recommendations/<uuid:public_id>/decide/",
        views.recommendation_decide,
        name="tier_recommendation_decide",
    ),
    path("tiers/evaluate/", views.tiers_evaluate, name="tiers_evaluate"),
    path(
        "programmes/<uuid:public_id>/tiers/<int:tier_id>/simulate/",
        views.tier_simulate,
        name="programme_tier_simulate",
    ),
    path("insights/health/", views.health_at_risk, name="health_at_risk"),
    path(
        "programmes/<uuid:public_id>/health/",
        views.health_model_edit,
        name="programme_health_model",
    ),
]
