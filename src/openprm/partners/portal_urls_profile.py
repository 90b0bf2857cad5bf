from django.urls import path

from openprm.partners import views_profile

urlpatterns = [
    path("organisation/", views_profile.organisation, name="organisation"),
    path(
        "organisation/edit/",
        views_profile.organisation_edit,
        name="organisation_edit",
    ),
]
