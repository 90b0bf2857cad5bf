"""Reads about who belongs where: a user's memberships, and the people, memberships
and invitations an administrator manages (the Team and Users pages, the team API).
"""

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.accounts.models import User
from openprm.accounts.tokens.keys import hash_token
from openprm.core.db import PreparedQuery, sql_rows
from openprm.core.errors import NotFound, PermissionDenied
from openprm.core.permissions import reader_fact
from openprm.core.worklist import NOTHING, WORK_LIMIT, Activity, Contribution, WorkItem
from openprm.partners.models import Partner
from openprm.tenancy.choices import InvitationStatus
from openprm.tenancy.models import Invitation, Membership
from openprm.tenancy.permissions import team_scope_for


def memberships_active_for(*, user: User) -> QuerySet[Membership]:
    """The user's active memberships in partners that are not terminated."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .exclude(partner__status="terminated")
        .select_related("partner")
        .order_by("partner__name", "partner_id")
    )


# memberships_active_for compiled once: every portal page and every API call of a
# partner user reads it, and compiling it cost more than running it.
_active_memberships = PreparedQuery(lambda user: memberships_active_for(user=user))


def memberships_of_reader(*, user: User) -> list[Membership]:
    """:func:`memberships_active_for` as a list, each with its partner, read once
    per request: the portal's guard, the reader's roles and partner scope and
    every home provider share it (``core.permissions.reader_fact``)."""
    if user.pk is None:
        return []
    return reader_fact(
        user, "memberships", lambda: _active_memberships.instances(user.pk)
    )


def membership_read_for(*, user: User, partner_id: int | None = None) -> Membership:
    """The membership a partner user of the API reads for (the portal has its
    switcher; the API names the organisation with ``?partner=``): the one of
    ``partner_id`` — another organisation is not found — else their first
    organisation by name, as the portal starts. A user without one is refused."""
    memberships = memberships_of_reader(user=user)
    if not memberships:
        raise PermissionDenied
    if partner_id is None:
        return memberships[0]
    for membership in memberships:
        if membership.partner_id == partner_id:
            return membership
    raise NotFound


# --- people management (Team and Users pages, the team API) ------------------------

USER_ORDERINGS = {
    "email": ("email",),
    "-email": ("-email",),
    "full_name": ("full_name", "email"),
    "-full_name": ("-full_name", "-email"),
    "date_joined": ("date_joined", "id"),
    "-date_joined": ("-date_joined", "-id"),
}
MEMBERSHIP_ORDERINGS = {
    "email": ("user__email", "partner_id"),
    "-email": ("-user__email", "-partner_id"),
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "partner": ("partner__name", "partner_id", "user__email"),
}
INVITATION_ORDERINGS = {
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "expires_at": ("expires_at", "id"),
    "-expires_at": ("-expires_at", "-id"),
    "email": ("email", "id"),
}


def _team_memberships(*, user: User) -> QuerySet[Membership]:
    """Memberships in the user's team scope (see tenancy.permissions)."""
    scope = team_scope_for(user)
    if scope.is_empty:
        return Membership.objects.none()
    memberships = Membership.objects.visible_to(user)
    if not scope.everything:
        memberships = memberships.filter(partner_id__in=sorted(scope.partner_ids))
    return memberships


def _holding_role(role: str) -> Q:
    # Roles are a JSON list; JSON containment is not portable to SQLite, but the
    # quoted role name in the list's text is (role names are validated choices).
    return Q(roles__icontains=f'"{role}"')


def memberships_visible_to(
    *,
    user: User,
    partner_id: int | None = None,
    partner: Partner | None = None,
    member_public_id: str | None = None,
    role: str = "",
    is_active: bool | None = None,
    search: str = "",
    order: str = "email",
) -> QuerySet[Membership]:
    """Memberships the user may manage, with user and partner joined."""
    memberships = _team_memberships(user=user)
    if partner is not None:
        partner_id = partner.pk
    if partner_id is not None:
        memberships = memberships.filter(partner_id=partner_id)
    if member_public_id is not None:
        memberships = memberships.filter(user__public_id=member_public_id)
    if role:
        memberships = memberships.filter(_holding_role(role))
    if is_active is not None:
        memberships = memberships.filter(is_active=is_active)
    if search:
        memberships = memberships.filter(
            Q(user__email__icontains=search) | Q(user__full_name__icontains=search)
        )
    return memberships.select_related("user", "partner").order_by(
        *MEMBERSHIP_ORDERINGS[order]
    )


def membership_get(*, user: User, membership_id: int) -> Membership:
    """One membership the user may manage; 404 for anyone else's."""
    membership = (
        _team_memberships(user=user)
        .select_related("user", "partner")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        raise NotFound
    return membership


def users_visible_to(
    *,
    user: User,
    search: str = "",
    kind: str = "",
    vendor_role: str = "",
    partner_id: int | None = None,
    partner_search: str = "",
    is_active: bool | None = None,
    order: str = "email",
) -> QuerySet[User]:
    """Users the user may manage, each with ``team_memberships``: only the
    memberships inside the user's scope (a partner admin never learns where else
    a colleague is a member)."""
    scope = team_scope_for(user)
    if scope.is_empty:
        return User.objects.none()
    memberships = _team_memberships(user=user)
    users = User.objects.all()
    if not scope.everything:
        users = users.filter(Exists(memberships.filter(user=OuterRef("pk"))))
    if search:
        users = users.filter(
            Q(email__icontains=search) | Q(full_name__icontains=search)
        )
    if kind == "vendor":
        users = users.exclude(vendor_role="")
    elif kind == "partner":
        users = users.filter(vendor_role="")
    if vendor_role:
        users = users.filter(vendor_role=vendor_role)
    if partner_id is not None:
        users = users.filter(
            Exists(memberships.filter(user=OuterRef("pk"), partner_id=partner_id))
        )
    if partner_search:
        users = users.filter(
            Exists(
                memberships.filter(
                    user=OuterRef("pk"), partner__name__icontains=partner_search
                )
            )
        )
    if is_active is not None:
        users = users.filter(is_active=is_active)
    return users.prefetch_related(
        Prefetch(
            "memberships",
            queryset=memberships.select_related("partner").order_by(
                "partner__name", "partner_id"
            ),
            to_attr="team_memberships",
        )
    ).order_by(*USER_ORDERINGS[order])


def user_get(*, user: User, public_id) -> User:
    """One user the user may manage; 404 for anyone outside their scope."""
    found = users_visible_to(user=user).filter(public_id=public_id).first()
    if found is None:
        raise NotFound
    return found


def invitations_visible_to(
    *,
    user: User,
    partner_id: int | None = None,
    partner: Partner | None = None,
    status: str = "",
    kind: str = "",
    search: str = "",
    order: str = "-created_at",
) -> QuerySet[Invitation]:
    """Invitations the user may manage (vendor staff invitations: vendor admins).
    ``status`` is an :class:`InvitationStatus` or "open" (pending or expired)."""
    scope = team_scope_for(user)
    if scope.is_empty:
        return Invitation.objects.none()
    invitations = Invitation.objects.visible_to(user)
    if not scope.everything:
        invitations = invitations.filter(partner_id__in=sorted(scope.partner_ids))
    if partner is not None:
        partner_id = partner.pk
    if partner_id is not None:
        invitations = invitations.filter(partner_id=partner_id)
    if kind == "vendor":
        invitations = invitations.filter(partner__isnull=True)
    elif kind == "partner":
        invitations = invitations.filter(partner__isnull=False)
    if status == "open":
        invitations = invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True
        )
    elif status:
        invitations = invitations.with_status(status)
    if search:
        invitations = invitations.filter(email__icontains=search)
    return invitations.select_related("partner", "invited_by").order_by(
        *INVITATION_ORDERINGS[order]
    )


def invitation_get(*, user: User, public_id) -> Invitation:
    """One invitation the user may manage; 404 for anyone else's."""
    invitation = invitations_visible_to(user=user).filter(public_id=public_id).first()
    if invitation is None:
        raise NotFound
    return invitation


def invitation_for_token(*, token: str) -> Invitation | None:
    """The invitation an emailed link points to, whatever its state; None if the
    link matches none."""
    return (
        Invitation.objects.select_related("partner", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def team_partner_get(*, user: User, partner_id: int) -> Partner:
    """A partner whose team the user manages (to invite into it); 404 otherwise."""
    scope = team_scope_for(user)
    partner = (
        Partner.objects.visible_to(user).filter(pk=partner_id).first()
        if scope.includes(partner_id)
        else None
    )
    if partner is None:
        raise NotFound
    return partner


def account_for_email(*, email: str) -> User | None:
    """The account that signs in with an address, if any (for the invitation page)."""
    return User.objects.filter(email__iexact=email).first()


def active_member_counts(partner_ids: list[int]) -> dict[int, int]:
    """Active memberships per partner of one page of the partner directory (which
    asks through ``partners.directory.selectors.set_member_counter``): one query,
    written here rather than compiled by the ORM for each page's list of ids."""
    if not partner_ids:
        return {}
    quote = connection.ops.quote_name
    sql = "SELECT {}, COUNT(*) FROM {} WHERE {} = %s AND {} IN ({}) GROUP BY {}".format(  # noqa: S608
        quote("partner_id"),
        quote(Membership._meta.db_table),
        quote("is_active"),
        quote("partner_id"),
        ", ".join(["%s"] * len(partner_ids)),
        quote("partner_id"),
    )
    return dict(sql_rows(sql, [True, *partner_ids]))


def partner_user_section(user: User, partner: Partner) -> dict | None:
    """The partner page's users: every member with their roles, last sign-in and
    whether the membership is active, and the invitations waiting for an answer.
    Two queries."""
    if not user.is_vendor_staff:
        return None
    memberships = list(
        Membership.objects.visible_to(user)
        .filter(partner=partner)
        .select_related("user")
        .order_by("-is_active", "user__full_name", "user__email", "id")
    )
    return {
        "memberships": memberships,
        "pending_invitations": Invitation.objects.visible_to(user)
        .filter(partner=partner)
        .with_status(InvitationStatus.PENDING)
        .count(),
    }


# --- the portal home (registered with core.worklist in hooks.py)

HOME_ACTIVITY = 3


def portal_home_work(*, user: User, partner: Partner) -> Contribution:
    """For a partner admin of ``partner``: the invitations that expired before
    anyone answered them (to resend or revoke), and who joined lately (two
    queries)."""
    if not team_scope_for(user).includes(partner.pk):
        return NOTHING
    now = timezone.now()
    expired = (
        Invitation.objects.filter(partner=partner)
        .with_status(InvitationStatus.EXPIRED, now=now)
        .order_by("expires_at", "id")[:WORK_LIMIT]
    )
    items = [
        WorkItem(
            kind=str(_("Invitation")),
            title=str(_("Resend or withdraw the invitation of %(email)s"))
            % {"email": invitation.email},
            url=reverse("portal:team"),
            since=invitation.expires_at,
            detail=str(_("It expired before it was answered.")),
        )
        for invitation in expired
    ]
    joined = (
        Invitation.objects.filter(partner=partner, accepted_at__isnull=False)
        .select_related("accepted_by")
        .order_by("-accepted_at", "-id")[:HOME_ACTIVITY]
    )
    activity = [
        Activity(
            at=invitation.accepted_at,
            text=str(_("%(name)s joined the team."))
            % {
                "name": invitation.accepted_by.get_full_name()
                if invitation.accepted_by
                else invitation.email
            },
            url=reverse("portal:team"),
        )
        for invitation in joined
    ]
    return Contribution(items=items, activity=activity)
