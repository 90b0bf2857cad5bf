from django.urls import path

from openprm.tenancy.team import views

urlpatterns: list = [
    path("users/", views.user_list, name="user_list"),
    path("users/invite/", views.user_invite, name="user_invite"),
    path("users/invitations/", views.user_invitations, name="user_invitations"),
    path(
        "users/invitations/<uuid:public_id>/resend/",
        views.user_invitation_resend,
        name="user_invitation_resend",
    ),
    path(
        "users/invitations/<uuid:public_id>/revoke/",
        views.user_invitation_revoke,
        name="user_invitation_revoke",
    ),
    path("users/<uuid:public_id>/", views.user_detail, name="user_detail"),
    path(
        "users/<uuid:public_id>/deactivate/",
        views.user_deactivate,
        name="user_deactivate",
    ),
    path(
        "users/<uuid:public_id>/reactivate/",
        views.user_reactivate,
        name="user_reactivate",
    ),
]
