"""The team API: users, memberships and invitations.

Who may call it (see tenancy.permissions and docs/permissions.md): vendor admins
(everything) and partner admins (the members and invitations of the organisations
they administer). Everyone else gets 403 from every operation, whatever the id; an
administrator asking for an object outside their scope gets 404. Changing an
account itself (vendor role, deactivation) is for vendor admins only. Accepting an
invitation is the exception: no authentication, the emailed link's token is the proof.

Lists run a fixed number of queries whatever the page size: the count, the page,
the memberships of the page's users (users only) and, for partner admins, their
scope.
"""

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Query, Schema, Status

from openprm.accounts.choices import VendorRole
from openprm.core.api import ApiRouter, StrictSchema, lookup
from openprm.core.errors import ValidationFailed
from openprm.tenancy import selectors, services
from openprm.tenancy.choices import InvitationStatus, PartnerRole
from openprm.tenancy.models import Invitation
from openprm.tenancy.permissions import MANAGE_ACCOUNTS, MANAGE_TEAM

router = ApiRouter()

# The operations were first written in the accounts app; their operation ids stay
# as clients generated from the schema know them.

USER_TAGS = ["users"]
MEMBERSHIP_TAGS = ["memberships"]
INVITATION_TAGS = ["invitations"]

PartnerRoleName = Literal[tuple(PartnerRole.values)]  # type: ignore[valid-type]
VendorRoleName = Literal[tuple(VendorRole.values)]  # type: ignore[valid-type]


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


# --- users --------------------------------------------------------------------------


class UserMembershipOut(Schema):
    id: int
    partner: int = Field(validation_alias="partner_id")
    partner_name: str = Field(validation_alias="partner.name")
    roles: list[str]
    is_active: bool


class UserOut(Schema):
    """An account. Its memberships are those inside the caller's scope only."""

    id: UUID = Field(validation_alias="public_id")
    email: str
    full_name: str
    vendor_role: str = Field(description="Empty for partner users.")
    territories: list[str] = Field(description="Channel managers' territories.")
    is_active: bool
    date_joined: datetime
    last_login: datetime | None
    memberships: list[UserMembershipOut] = Field(validation_alias="team_memberships")


class UserFilters(StrictSchema):
    q: str = Field("", description="Part of the email address or name.")
    kind: Literal["", "vendor", "partner"] = Field(
        "", description="vendor: vendor staff; partner: partner users."
    )
    vendor_role: Literal["", *VendorRole.values] = ""  # type: ignore[valid-type]
    partner: int | None = Field(None, description="Members of this partner.")
    is_active: bool | None = None
    sort: Literal[tuple(selectors.USER_ORDERINGS)] = "email"  # type: ignore[valid-type]


class UserIn(StrictSchema):
    vendor_role: VendorRoleName
    territories: list[str] = Field(
        default_factory=list,
        description="Channel managers: regions (EMEA, APAC, LATAM) or two-letter "
        "country codes. Ignored (cleared) for the other roles.",
    )


@router.list(
    "/users",
    response=UserOut,
    tags=USER_TAGS,
    summary="List users",
    description="Vendor admins: every account. Partner admins: the members (active "
    "or not) of the organisations they administer. Others: 403.",
    operation_id="openprm_accounts_api_team_user_list",
)
def user_list(request, filters: Query[UserFilters]):
    MANAGE_TEAM.ensure(request.user)
    return selectors.users_visible_to(
        user=request.user,
        search=filters.q,
        kind=filters.kind,
        vendor_role=filters.vendor_role,
        partner_id=filters.partner,
        is_active=filters.is_active,
        order=filters.sort,
    )


@router.get(
    "/users/{user_id}",
    response=UserOut,
    tags=USER_TAGS,
    summary="Get a user",
    operation_id="openprm_accounts_api_team_user_get",
)
def user_get(request, user_id: UUID):
    return lookup(request, selectors.user_get, rule=MANAGE_TEAM, public_id=user_id)


@router.patch(
    "/users/{user_id}",
    response=UserOut,
    tags=USER_TAGS,
    summary="Change a staff member's vendor role and territories",
    description="Vendor admins only; the account must be vendor staff.",
    operation_id="openprm_accounts_api_team_user_update",
)
def user_update(request, user_id: UUID, payload: UserIn):
    account = lookup(
        request, selectors.user_get, rule=MANAGE_ACCOUNTS, public_id=user_id
    )
    services.user_vendor_role_update(
        actor=request.user,
        user=account,
        vendor_role=payload.vendor_role,
        territories=payload.territories,
    )
    return account


@router.post(
    "/users/{user_id}/deactivate",
    response=UserOut,
    tags=USER_TAGS,
    summary="Deactivate an account",
    description="Vendor admins only. The account's sessions and API tokens stop "
    "working at once.",
    operation_id="openprm_accounts_api_team_user_deactivate",
)
def user_deactivate(request, user_id: UUID):
    account = lookup(
        request, selectors.user_get, rule=MANAGE_ACCOUNTS, public_id=user_id
    )
    return services.user_deactivate(actor=request.user, user=account)


@router.post(
    "/users/{user_id}/reactivate",
    response=UserOut,
    tags=USER_TAGS,
    summary="Reactivate an account",
    operation_id="openprm_accounts_api_team_user_reactivate",
)
def user_reactivate(request, user_id: UUID):
    account = lookup(
        request, selectors.user_get, rule=MANAGE_ACCOUNTS, public_id=user_id
    )
    return services.user_reactivate(actor=request.user, user=account)


# --- memberships --------------------------------------------------------------------


class MembershipOut(Schema):
    """A user's place in a partner organisation."""

    id: int
    partner: int = Field(validation_alias="partner_id")
    partner_name: str = Field(validation_alias="partner.name")
    user: UUID = Field(validation_alias="user.public_id")
    email: str = Field(validation_alias="user.email")
    full_name: str = Field(validation_alias="user.full_name")
    roles: list[str]
    is_active: bool = Field(description="Whether the membership is active.")
    user_is_active: bool = Field(
        validation_alias="user.is_active",
        description="Whether the account itself is active.",
    )
    created_at: datetime
    updated_at: datetime


class MembershipFilters(StrictSchema):
    partner: int | None = None
    user: UUID | None = Field(None, description="The user's id.")
    role: Literal["", *PartnerRole.values] = ""  # type: ignore[valid-type]
    is_active: bool | None = None
    q: str = Field("", description="Part of the member's email address or name.")
    sort: Literal[tuple(selectors.MEMBERSHIP_ORDERINGS)] = "email"  # type: ignore[valid-type]


class MembershipIn(StrictSchema):
    roles: list[PartnerRoleName] = Field(
        description="The partner roles the member holds (at least one)."
    )


@router.list(
    "/memberships",
    response=MembershipOut,
    tags=MEMBERSHIP_TAGS,
    summary="List memberships",
    description="Vendor admins: all. Partner admins: their organisations'.",
    operation_id="openprm_accounts_api_team_membership_list",
)
def membership_list(request, filters: Query[MembershipFilters]):
    MANAGE_TEAM.ensure(request.user)
    return selectors.memberships_visible_to(
        user=request.user,
        partner_id=filters.partner,
        member_public_id=filters.user,
        role=filters.role,
        is_active=filters.is_active,
        search=filters.q,
        order=filters.sort,
    )


@router.get(
    "/memberships/{membership_id}",
    response=MembershipOut,
    tags=MEMBERSHIP_TAGS,
    summary="Get a membership",
    operation_id="openprm_accounts_api_team_membership_get",
)
def membership_get(request, membership_id: int):
    return lookup(
        request,
        selectors.membership_get,
        rule=MANAGE_TEAM,
        membership_id=membership_id,
    )


@router.patch(
    "/memberships/{membership_id}",
    response=MembershipOut,
    tags=MEMBERSHIP_TAGS,
    summary="Change a member's roles",
    description="Refused with 409 (last_partner_admin) when it would leave the "
    "partner without an active partner admin.",
    operation_id="openprm_accounts_api_team_membership_update",
)
def membership_update(request, membership_id: int, payload: MembershipIn):
    membership = lookup(
        request,
        selectors.membership_get,
        rule=MANAGE_TEAM,
        membership_id=membership_id,
    )
    return services.membership_roles_update(
        actor=request.user, membership=membership, roles=payload.roles
    )


@router.post(
    "/memberships/{membership_id}/deactivate",
    response=MembershipOut,
    tags=MEMBERSHIP_TAGS,
    summary="Deactivate a membership",
    description="The member can no longer act for this partner; refused with 409 "
    "for the partner's last active partner admin.",
    operation_id="openprm_accounts_api_team_membership_deactivate",
)
def membership_deactivate(request, membership_id: int):
    membership = lookup(
        request,
        selectors.membership_get,
        rule=MANAGE_TEAM,
        membership_id=membership_id,
    )
    return services.membership_deactivate(actor=request.user, membership=membership)


@router.post(
    "/memberships/{membership_id}/reactivate",
    response=MembershipOut,
    tags=MEMBERSHIP_TAGS,
    summary="Reactivate a membership",
    operation_id="openprm_accounts_api_team_membership_reactivate",
)
def membership_reactivate(request, membership_id: int):
    membership = lookup(
        request,
        selectors.membership_get,
        rule=MANAGE_TEAM,
        membership_id=membership_id,
    )
    return services.membership_reactivate(actor=request.user, membership=membership)


# --- invitations --------------------------------------------------------------------


class InvitationOut(Schema):
    """An emailed invitation. The link's secret is never returned."""

    id: UUID = Field(validation_alias="public_id")
    partner: int | None = Field(
        validation_alias="partner_id",
        description="The partner to join; null: the vendor's staff.",
    )
    email: str
    roles: list[str] = Field(description="Partner roles granted on acceptance.")
    vendor_role: str = Field(description="For vendor staff invitations.")
    status: Literal[tuple(InvitationStatus.values)]  # type: ignore[valid-type]
    invited_by: UUID | None = Field(None, validation_alias="invited_by.public_id")
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class InvitationFilters(StrictSchema):
    partner: int | None = None
    kind: Literal["", "vendor", "partner"] = Field(
        "", description="vendor: vendor staff invitations; partner: the others."
    )
    status: Literal["", "open", *InvitationStatus.values] = Field(  # type: ignore[valid-type]
        "", description="open: pending or expired (neither accepted nor revoked)."
    )
    q: str = Field("", description="Part of the email address.")
    sort: Literal[tuple(selectors.INVITATION_ORDERINGS)] = "-created_at"  # type: ignore[valid-type]


class InvitationIn(StrictSchema):
    class Meta:
        model = Invitation

    email: str = Field(max_length=254)
    partner: int | None = Field(
        None, description="The partner to join; omit to invite vendor staff."
    )
    roles: list[PartnerRoleName] = Field(
        default_factory=list, description="Partner roles (partner invitations)."
    )
    vendor_role: Literal["", *VendorRole.values] = Field(  # type: ignore[valid-type]
        "", description="Vendor role (vendor staff invitations; vendor admins only)."
    )


@router.list(
    "/invitations",
    response=InvitationOut,
    tags=INVITATION_TAGS,
    summary="List invitations",
    description="Vendor admins: all, vendor staff invitations included. Partner "
    "admins: their organisations'.",
    operation_id="openprm_accounts_api_team_invitation_list",
)
def invitation_list(request, filters: Query[InvitationFilters]):
    MANAGE_TEAM.ensure(request.user)
    return selectors.invitations_visible_to(
        user=request.user,
        partner_id=filters.partner,
        kind=filters.kind,
        status=filters.status,
        search=filters.q,
        order=filters.sort,
    )


class InvitationAcceptIn(StrictSchema):
    token: str = Field(description="The secret of the emailed link (its last part).")
    full_name: str = Field(max_length=200, description="The new user's name.")
    password: str = Field(description="The new user's password.")


class InvitationAcceptedOut(Schema):
    """The account an accepted invitation created; it signs in with its email
    address and the password chosen."""

    user: UUID = Field(validation_alias="public_id")
    email: str
    full_name: str
    vendor_role: str = Field(description="Empty for partner users.")


# Before "/invitations/{invitation_id}", whose path would otherwise take "accept".
@router.post(
    "/invitations/accept",
    auth=None,
    response={201: InvitationAcceptedOut},
    tags=INVITATION_TAGS,
    summary="Accept an invitation, creating the invited person's account",
    description="No authentication: holding the emailed link's token is the "
    "proof. Creates the account (the address counts as verified) and, for a "
    "partner invitation, its membership with the invited roles. 422 with field "
    "errors for a token that is unknown, used, expired or revoked (`token`), a "
    "missing name (`full_name`) or a weak password (`password`). Someone who "
    "already has an account accepts on the invitation's web page, signed in (403 "
    "here).",
    operation_id="openprm_tenancy_team_api_invitation_accept",
)
def invitation_accept(request, payload: InvitationAcceptIn):
    try:
        account = services.invitation_accept(
            token=payload.token,
            full_name=payload.full_name,
            password=payload.password,
        )
    except services.InvitationNotUsable as error:
        raise ValidationFailed(field_errors={"token": [error.message]}) from error
    return Status(201, account)


@router.get(
    "/invitations/{invitation_id}",
    response=InvitationOut,
    tags=INVITATION_TAGS,
    summary="Get an invitation",
    operation_id="openprm_accounts_api_team_invitation_get",
)
def invitation_get(request, invitation_id: UUID):
    return lookup(
        request, selectors.invitation_get, rule=MANAGE_TEAM, public_id=invitation_id
    )


@router.post(
    "/invitations",
    response={201: InvitationOut},
    tags=INVITATION_TAGS,
    summary="Invite someone by email",
    description="Sends an email with a single-use link that expires (7 days by "
    "default). 409 when the person is already a member or an invitation to them "
    "is open (resend it instead).",
    operation_id="openprm_accounts_api_team_invitation_create",
)
def invitation_create(request, payload: InvitationIn):
    MANAGE_TEAM.ensure(request.user)
    partner = (
        selectors.team_partner_get(user=request.user, partner_id=payload.partner)
        if payload.partner is not None
        else None
    )
    invitation = services.invitation_create(
        actor=request.user,
        email=payload.email,
        partner=partner,
        roles=payload.roles,
        vendor_role=payload.vendor_role,
        base_url=_base_url(request),
    )
    return Status(201, invitation)


@router.post(
    "/invitations/{invitation_id}/resend",
    response=InvitationOut,
    tags=INVITATION_TAGS,
    summary="Send an open invitation again",
    description="A new link with a new expiry; the previous link stops working.",
    operation_id="openprm_accounts_api_team_invitation_resend",
)
def invitation_resend(request, invitation_id: UUID):
    invitation = lookup(
        request, selectors.invitation_get, rule=MANAGE_TEAM, public_id=invitation_id
    )
    return services.invitation_resend(
        actor=request.user, invitation=invitation, base_url=_base_url(request)
    )


@router.delete(
    "/invitations/{invitation_id}",
    response={204: None},
    tags=INVITATION_TAGS,
    summary="Revoke an invitation",
    description="Its link stops working. 409 when it was accepted or revoked already.",
    operation_id="openprm_accounts_api_team_invitation_revoke",
)
def invitation_revoke(request, invitation_id: UUID):
    invitation = lookup(
        request, selectors.invitation_get, rule=MANAGE_TEAM, public_id=invitation_id
    )
    services.invitation_revoke(actor=request.user, invitation=invitation)
    return Status(204, None)
