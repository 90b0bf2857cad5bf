from django.urls import path

from openprm.tenancy import views_users

urlpatterns: list = [
    path("users/", views_users.user_list, name="user_list"),
    path("users/invite/", views_users.user_invite, name="user_invite"),
    path("users/invitations/", views_users.user_invitations, name="user_invitations"),
    path(
        "users/invitations/<uuid:public_id>/resend/",
        views_users.user_invitation_resend,
        name="user_invitation_resend",
    ),
    path(
        "users/invitations/<uuid:public_id>/revoke/",
        views_users.user_invitation_revoke,
        name="user_invitation_revoke",
    ),
    path("users/<uuid:public_id>/", views_users.user_detail, name="user_detail"),
    path(
        "users/<uuid:public_id>/deactivate/",
        views_users.user_deactivate,
        name="user_deactivate",
    ),
    path(
        "users/<uuid:public_id>/reactivate/",
        views_users.user_reactivate,
        name="user_reactivate",
    ),
]
