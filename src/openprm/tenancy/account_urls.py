from django.urls import path

from openprm.tenancy.team import views

# Under /accounts/, beside the sign-in pages: where an invitation email links to.
urlpatterns: list = [
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
