"""``/me``: the caller's account and the organisations they belong to."""

from ninja import Router, Schema

from openprm.tenancy.selectors import memberships_active_for

# Tagged and named (operation id) as when the accounts app served it.
router = Router(tags=["accounts"])


class MembershipOut(Schema):
    partner: int
    partner_name: str
    roles: list[str]


class MeOut(Schema):
    id: str
    email: str
    full_name: str
    vendor_role: str
    memberships: list[MembershipOut]


@router.get(
    "/me",
    response=MeOut,
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
