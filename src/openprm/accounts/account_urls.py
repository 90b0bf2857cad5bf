from django.urls import path

from openprm.accounts import views_invitations

urlpatterns: list = [
    path(
        "invitations/<str:token>/",
        views_invitations.invitation_accept,
        name="invitation_accept",
    ),
]
