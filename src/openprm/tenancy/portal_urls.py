from django.urls import path

from openprm.tenancy.team import views

urlpatterns: list = [
    path("team/", views.team, name="team"),
    path("team/invite/", views.team_invite, name="team_invite"),
    path(
        "team/members/<int:membership_id>/",
        views.team_member,
        name="team_member",
    ),
    path(
        "team/members/<int:membership_id>/deactivate/",
        views.team_member_deactivate,
        name="team_member_deactivate",
    ),
    path(
        "team/members/<int:membership_id>/reactivate/",
        views.team_member_reactivate,
        name="team_member_reactivate",
    ),
    path(
        "team/invitations/<uuid:public_id>/resend/",
        views.team_invitation_resend,
        name="team_invitation_resend",
    ),
    path(
        "team/invitations/<uuid:public_id>/revoke/",
        views.team_invitation_revoke,
        name="team_invitation_revoke",
    ),
]
