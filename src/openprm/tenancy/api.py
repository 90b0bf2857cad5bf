"""The tenancy app's REST endpoints: ``/me`` (the caller's account and the
organisations they belong to) and the team API (users, memberships, invitations)."""

from ninja import Schema

from openprm.core.api import ApiRouter
from openprm.tenancy.selectors import memberships_active_for
from openprm.tenancy.team import api as team_api

router = ApiRouter()
router.add_router("", team_api.router)


class MeMembershipOut(Schema):
    """One organisation the caller belongs to, with their roles there."""

    partner: int
    partner_name: str
    roles: list[str]


class MeOut(Schema):
    id: str
    email: str
    full_name: str
    vendor_role: str
    memberships: list[MeMembershipOut]


# Tagged and named (operation id) as when the accounts app served it.
@router.get(
    "/me",
    response=MeOut,
    tags=["accounts"],
    summary="The authenticated user",
    operation_id="openprm_accounts_api_me",
)
def me(request):
    user = request.user
    return {
        "id": str(user.public_id),
        "email": user.email,
        "full_name": user.full_name,
        "vendor_role": user.vendor_role,
        "memberships": [
            {
                "partner": membership.partner_id,
                "partner_name": membership.partner.name,
                "roles": membership.roles,
            }
            for membership in memberships_active_for(user=user)
        ],
    }
