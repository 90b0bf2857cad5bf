from django.urls import path

from openprm.programs import views

urlpatterns = [
    path("programme/", views.portal_programme, name="programme"),
]
