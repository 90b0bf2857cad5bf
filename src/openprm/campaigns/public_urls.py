"""Public pages of campaigns (no sign-in; names join "public:")."""

from django.urls import path

from openprm.campaigns import views

urlpatterns = [
    path("t/<str:signed>/", views.campaign_click, name="campaign_click"),
    path("u/<str:signed>/", views.campaign_unsubscribe, name="campaign_unsubscribe"),
]
