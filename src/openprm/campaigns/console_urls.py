"""Campaigns pages in the console (names join "console:")."""

from django.urls import path

from openprm.campaigns import views

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<uuid:public_id>/", views.campaign_detail, name="campaign_detail"),
    path(
        "campaigns/<uuid:public_id>/edit/",
        views.campaign_update,
        name="campaign_update",
    ),
    path(
        "campaigns/<uuid:public_id>/test/",
        views.campaign_test_send,
        name="campaign_test_send",
    ),
    path(
        "campaigns/<uuid:public_id>/schedule/",
        views.campaign_schedule,
        name="campaign_schedule",
    ),
    path(
        "campaigns/<uuid:public_id>/cancel/",
        views.campaign_cancel,
        name="campaign_cancel",
    ),
]
