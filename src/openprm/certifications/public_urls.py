"""The public verification page of a certificate (names join "public:")."""

from django.urls import path

from openprm.certifications import views

urlpatterns = [
    path("<str:code>/", views.verify, name="certificate_verify"),
]
