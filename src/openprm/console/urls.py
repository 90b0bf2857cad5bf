from django.urls import path

from openprm.console import views

app_name = "console"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("partners/", views.partner_list, name="partner_list"),
]
