"""Public pages of onboarding (no sign-in; names join "public:")."""

from django.urls import path

from openprm.onboarding import views

urlpatterns = [
    path("", views.apply_index, name="apply_index"),
    path("answer/<str:token>/", views.application_answer, name="application_answer"),
    path("<str:key>/", views.apply, name="apply"),
    path("<str:key>/thanks/", views.apply_done, name="apply_done"),
]
