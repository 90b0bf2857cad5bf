from django.urls import path

from openprm.tenancy import views_invitations

# Under /accounts/, beside the sign-in pages: where an invitation email links to.
urlpatterns: list = [
    path(
        "invitations/<str:token>/",
        views_invitations.invitation_accept,
        name="invitation_accept",
    ),
]
