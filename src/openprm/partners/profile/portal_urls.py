from django.urls import path

from openprm.partners.profile import views

urlpatterns = [
    path("organisation/", views.organisation, name="organisation"),
    path(
        "organisation/edit/",
        views.organisation_edit,
        name="organisation_edit",
    ),
]
