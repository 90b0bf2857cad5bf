from django.urls import path

from openprm.tenancy import views_team

urlpatterns: list = [
    path("team/", views_team.team, name="team"),
    path("team/invite/", views_team.team_invite, name="team_invite"),
    path(
        "team/members/<int:membership_id>/",
        views_team.team_member,
        name="team_member",
    ),
    path(
        "team/members/<int:membership_id>/deactivate/",
        views_team.team_member_deactivate,
        name="team_member_deactivate",
    ),
    path(
        "team/members/<int:membership_id>/reactivate/",
        views_team.team_member_reactivate,
        name="team_member_reactivate",
    ),
    path(
        "team/invitations/<uuid:public_id>/resend/",
        views_team.team_invitation_resend,
        name="team_invitation_resend",
    ),
    path(
        "team/invitations/<uuid:public_id>/revoke/",
        views_team.team_invitation_revoke,
        name="team_invitation_revoke",
    ),
]
