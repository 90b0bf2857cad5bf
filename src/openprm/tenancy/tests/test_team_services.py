from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from openprm.accounts.models import User
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy import services
from openprm.tenancy.models import Invitation, Membership
from openprm.tenancy.tests.factories import (
    InvitationFactory,
    MembershipFactory,
    partner_user,
)
from openprm.tenancy.tests.team_helpers import (
    BASE_URL,
    link_path,
    nothing_changes,
    token_of,
)

PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs the block's on-commit callbacks (the emails) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def contoso():
    return PartnerFactory(name="Contoso Solutions")


@pytest.fixture
def admin(contoso):
    return MembershipFactory(
        partner=contoso, user__email="chris@contoso.example", user__full_name="Chris"
    ).user


def invite(actor, partner, email="sam@contoso.example", roles=("sales",), **extra):
    return services.invitation_create(
        actor=actor,
        partner=partner,
        email=email,
        roles=roles,
        base_url=BASE_URL,
        **extra,
    )


def last_event(name: str) -> OutboxEvent:
    return OutboxEvent.objects.filter(name=name).latest("id")


def last_audit(verb: str) -> AuditEntry:
    return AuditEntry.objects.filter(verb=verb).latest("id")


# --- invitation_create ----------------------------------------------------------------


@pytest.mark.django_db
def test_partner_admin_invites_a_colleague_by_email(admin, contoso, committed):
    with committed():
        invitation = invite(admin, contoso, email=" Sam@Contoso.example ")

    assert invitation.email == "sam@contoso.example"
    assert invitation.roles == ["sales"]
    assert invitation.invited_by == admin
    assert invitation.status == "pending"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam@contoso.example"]
    assert message.subject == ("You are invited to join Contoso Solutions on OpenPRM")
    assert "Chris invites you to join Contoso Solutions" in message.body
    assert "Your roles: Sales." in message.body
    assert link_path(message).startswith("/accounts/invitations/")


@pytest.mark.django_db
def test_only_a_hash_of_the_link_is_stored(admin, contoso, committed):
    with committed():
        invitation = invite(admin, contoso)

    token = token_of(mail.outbox[0])
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64
    assert Invitation.objects.filter(token_hash__contains=token).count() == 0


@pytest.mark.django_db
def test_invitation_expires_after_the_configured_days(admin, contoso, settings):
    settings.OPENPRM_INVITATION_EXPIRY_DAYS = 2
    before = timezone.now()

    invitation = invite(admin, contoso)

    assert before + timedelta(days=2) <= invitation.expires_at
    assert invitation.expires_at <= timezone.now() + timedelta(days=2)


@pytest.mark.django_db
def test_invitation_is_audited_and_announced(admin, contoso):
    invitation = invite(admin, contoso)

    entry = last_audit("invitation.created")
    event = last_event("membership.invited")
    assert entry.actor == admin
    assert entry.partner_id == contoso.pk
    assert entry.changes["email"] == [None, "sam@contoso.example"]
    assert entry.changes["roles"] == [None, ["sales"]]
    assert "token_hash" not in entry.changes
    assert event.partner_id == contoso.pk
    assert event.payload["id"] == str(invitation.public_id)
    assert event.payload["roles"] == ["sales"]
    assert "token" not in str(event.payload)


@pytest.mark.django_db
def test_roles_are_validated_and_kept_in_canonical_order(admin, contoso):
    invitation = invite(admin, contoso, roles=["learner", "partner_admin", "learner"])

    assert invitation.roles == ["partner_admin", "learner"]
    with pytest.raises(ValidationFailed) as unknown:
        invite(admin, contoso, email="x@contoso.example", roles=["owner"])
    with pytest.raises(ValidationFailed) as empty:
        invite(admin, contoso, email="y@contoso.example", roles=[])
    assert unknown.value.field_errors == {"roles": ["Unknown role: owner."]}
    assert empty.value.field_errors == {"roles": ["Choose at least one role."]}


@pytest.mark.django_db
def test_an_invalid_address_is_refused(admin, contoso):
    with nothing_changes(), pytest.raises(ValidationFailed) as error:
        invite(admin, contoso, email="not-an-address")

    assert error.value.field_errors == {"email": ["Enter a valid email address."]}


@pytest.mark.django_db
def test_a_second_open_invitation_to_the_same_address_is_a_conflict(admin, contoso):
    invite(admin, contoso)

    with nothing_changes(), pytest.raises(Conflict) as error:
        invite(admin, contoso, email="SAM@contoso.example")

    assert str(error.value.message) == (
        "An invitation to this address is open already: resend it."
    )


@pytest.mark.django_db
def test_the_same_address_can_be_invited_by_two_partners(admin, contoso):
    other = PartnerFactory()
    invite(admin, contoso)

    invite(VendorUserFactory(), other)

    assert Invitation.objects.filter(email="sam@contoso.example").count() == 2


@pytest.mark.django_db
def test_a_revoked_invitation_does_not_block_a_new_one(admin, contoso):
    services.invitation_revoke(actor=admin, invitation=invite(admin, contoso))

    invite(admin, contoso)

    assert Invitation.objects.filter(email="sam@contoso.example").count() == 2


@pytest.mark.django_db
def test_inviting_a_member_is_a_conflict(admin, contoso):
    MembershipFactory(partner=contoso, user__email="sam@contoso.example")
    MembershipFactory(
        partner=contoso, user__email="former@contoso.example", is_active=False
    )

    with nothing_changes():
        with pytest.raises(Conflict) as member:
            invite(admin, contoso)
        with pytest.raises(Conflict) as former:
            invite(admin, contoso, email="former@contoso.example")

    assert str(member.value.message) == "This person is already a member."
    assert str(former.value.message) == (
        "This person is a deactivated member: reactivate them instead."
    )


@pytest.mark.django_db
def test_a_terminated_partner_takes_no_invitations():
    partner = PartnerFactory(status="terminated")
    vendor_admin = VendorUserFactory()

    with nothing_changes(), pytest.raises(ValidationFailed):
        invite(vendor_admin, partner)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["sales", "marketing", "finance", "learner"])
def test_members_who_are_not_partner_admins_cannot_invite(contoso, role):
    member = partner_user(partner=contoso, roles=[role])

    with nothing_changes(), pytest.raises(PermissionDenied):
        invite(member, contoso)


@pytest.mark.django_db
def test_partner_admin_cannot_invite_into_another_partner(admin):
    other = PartnerFactory(name="Fabrikam")

    with nothing_changes(), pytest.raises(NotFound):
        invite(admin, other)


@pytest.mark.django_db
def test_a_distributor_admin_cannot_invite_into_its_resellers():
    distributor = PartnerFactory(partner_type="distributor", downstream_visibility=True)
    reseller = PartnerFactory(parent=distributor)
    distributor_admin = partner_user(partner=distributor)

    with nothing_changes(), pytest.raises(NotFound):
        invite(distributor_admin, reseller)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "vendor_role", ["channel_manager", "channel_marketing", "finance", "analyst"]
)
def test_vendor_staff_other_than_admins_cannot_invite(contoso, vendor_role):
    staff = VendorUserFactory(vendor_role=vendor_role, territories=["DE"])

    with nothing_changes(), pytest.raises(PermissionDenied):
        invite(staff, contoso)


@pytest.mark.django_db
def test_vendor_admin_invites_into_any_partner(contoso):
    invitation = invite(VendorUserFactory(), contoso, roles=["partner_admin"])

    assert invitation.partner == contoso


@pytest.mark.django_db
def test_vendor_admin_invites_vendor_staff_with_a_vendor_role(committed):
    vendor_admin = VendorUserFactory(full_name="Alex Morgan")

    with committed():
        invitation = services.invitation_create(
            actor=vendor_admin,
            email="jordan@vendor.example",
            vendor_role="channel_marketing",
            base_url=BASE_URL,
        )

    assert (invitation.partner, invitation.vendor_role) == (None, "channel_marketing")
    assert last_event("user.invited").payload["vendor_role"] == "channel_marketing"
    assert mail.outbox[0].subject == (
        "You are invited to join the channel team on OpenPRM"
    )
    assert "Your role: Channel marketing." in mail.outbox[0].body


@pytest.mark.django_db
def test_only_vendor_admins_invite_vendor_staff(admin):
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=admin,
            email="x@vendor.example",
            vendor_role="analyst",
            base_url=BASE_URL,
        )


@pytest.mark.django_db
def test_vendor_staff_invitation_needs_a_vendor_role_and_a_new_address():
    vendor_admin = VendorUserFactory()
    UserFactory(email="taken@vendor.example")

    with nothing_changes():
        with pytest.raises(ValidationFailed) as no_role:
            services.invitation_create(
                actor=vendor_admin, email="x@vendor.example", base_url=BASE_URL
            )
        with pytest.raises(Conflict):
            services.invitation_create(
                actor=vendor_admin,
                email="taken@vendor.example",
                vendor_role="analyst",
                base_url=BASE_URL,
            )

    assert no_role.value.field_errors == {
        "vendor_role": ["Choose one of the vendor roles."]
    }


# --- invitation_resend and invitation_revoke -----------------------------------------


@pytest.mark.django_db
def test_resending_sends_a_new_link_and_the_old_one_stops_working(
    admin, contoso, committed
):
    with committed():
        invitation = invite(admin, contoso)
    old_token = token_of(mail.outbox[0])
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    invitation.refresh_from_db()

    with committed():
        services.invitation_resend(
            actor=admin, invitation=invitation, base_url=BASE_URL
        )

    new_token = token_of(mail.outbox[1])
    invitation.refresh_from_db()
    assert new_token != old_token
    assert invitation.status == "pending"
    assert last_event("invitation.resent").payload["id"] == str(invitation.public_id)
    with pytest.raises(services.InvitationNotUsable):
        services.invitation_accept(token=old_token, full_name="Sam", password=PASSWORD)


@pytest.mark.django_db
def test_revoking_closes_the_link(admin, contoso, committed):
    with committed():
        invitation = invite(admin, contoso)

    services.invitation_revoke(actor=admin, invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert last_event("invitation.revoked").payload["email"] == "sam@contoso.example"
    assert last_audit("invitation.revoked").changes["revoked_at"][0] is None
    with pytest.raises(services.InvitationNotUsable) as error:
        services.invitation_accept(
            token=token_of(mail.outbox[0]), full_name="Sam", password=PASSWORD
        )
    assert error.value.reason == "revoked"


@pytest.mark.django_db
def test_a_closed_invitation_cannot_be_revoked_or_resent(admin, contoso):
    invitation = invite(admin, contoso)
    services.invitation_revoke(actor=admin, invitation=invitation)

    with nothing_changes():
        with pytest.raises(InvalidTransition):
            services.invitation_revoke(actor=admin, invitation=invitation)
        with pytest.raises(InvalidTransition):
            services.invitation_resend(
                actor=admin, invitation=invitation, base_url=BASE_URL
            )


@pytest.mark.django_db
def test_another_partners_invitation_cannot_be_revoked_or_resent(admin):
    foreign = InvitationFactory(partner=PartnerFactory())

    with nothing_changes():
        with pytest.raises(NotFound):
            services.invitation_revoke(actor=admin, invitation=foreign)
        with pytest.raises(NotFound):
            services.invitation_resend(
                actor=admin, invitation=foreign, base_url=BASE_URL
            )


@pytest.mark.django_db
def test_partner_admin_cannot_touch_vendor_staff_invitations(admin):
    vendor_invitation = InvitationFactory(partner=None, vendor_role="analyst", roles=[])

    with nothing_changes(), pytest.raises(NotFound):
        services.invitation_revoke(actor=admin, invitation=vendor_invitation)


# --- invitation_accept ----------------------------------------------------------------


@pytest.mark.django_db
def test_accepting_creates_the_account_and_the_membership(admin, contoso, committed):
    with committed():
        invitation = invite(admin, contoso, roles=["sales", "learner"])

    account = services.invitation_accept(
        token=token_of(mail.outbox[0]), full_name=" Sam Reyes ", password=PASSWORD
    )

    membership = Membership.objects.get(user=account)
    invitation.refresh_from_db()
    assert (account.email, account.full_name) == ("sam@contoso.example", "Sam Reyes")
    assert account.check_password(PASSWORD)
    assert not account.is_vendor_staff
    assert (membership.partner, membership.roles) == (contoso, ["sales", "learner"])
    assert membership.is_active
    assert invitation.status == "accepted"
    assert invitation.accepted_by == account


@pytest.mark.django_db
def test_accepting_marks_the_address_verified(admin, contoso):
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")

    account = services.invitation_accept(
        token=invitation.token, full_name="Sam", password=PASSWORD
    )

    address = EmailAddress.objects.get(user=account)
    assert (address.email, address.verified, address.primary) == (
        "sam@contoso.example",
        True,
        True,
    )


@pytest.mark.django_db
def test_accepting_is_audited_and_emits_membership_created(contoso):
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")

    account = services.invitation_accept(
        token=invitation.token, full_name="Sam", password=PASSWORD
    )

    membership = Membership.objects.get(user=account)
    event = last_event("membership.created")
    assert event.partner_id == contoso.pk
    assert event.payload == {
        "id": membership.pk,
        "partner": contoso.pk,
        "user": str(account.public_id),
        "email": "sam@contoso.example",
        "roles": ["sales"],
        "is_active": True,
        "invitation": str(invitation.public_id),
    }
    assert last_event("user.created").payload["email"] == "sam@contoso.example"
    assert last_audit("membership.created").partner_id == contoso.pk
    assert last_audit("invitation.accepted").actor == account
    assert last_audit("user.created").changes["email"] == [None, "sam@contoso.example"]


@pytest.mark.django_db
def test_a_link_works_once(contoso):
    invitation = InvitationFactory(partner=contoso)
    services.invitation_accept(
        token=invitation.token, full_name="Sam", password=PASSWORD
    )

    with nothing_changes(), pytest.raises(services.InvitationNotUsable) as error:
        services.invitation_accept(
            token=invitation.token, full_name="Eve", password=PASSWORD
        )

    assert error.value.reason == "accepted"
    assert str(error.value.message) == (
        "This invitation has already been used. Sign in with the account it created."
    )


@pytest.mark.django_db
def test_an_expired_link_is_refused(contoso):
    invitation = InvitationFactory(
        partner=contoso, expires_at=timezone.now() - timedelta(seconds=1)
    )

    with nothing_changes(), pytest.raises(services.InvitationNotUsable) as error:
        services.invitation_accept(
            token=invitation.token, full_name="Sam", password=PASSWORD
        )

    assert error.value.reason == "expired"
    assert error.value.status == 410


@pytest.mark.django_db
def test_an_unknown_link_is_refused():
    with nothing_changes(), pytest.raises(services.InvitationNotUsable) as error:
        services.invitation_accept(token="nope", full_name="Sam", password=PASSWORD)

    assert (error.value.reason, error.value.status) == ("invalid", 404)


@pytest.mark.django_db
def test_a_weak_password_is_refused_by_djangos_validators(contoso):
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")

    with nothing_changes(), pytest.raises(ValidationFailed) as error:
        services.invitation_accept(
            token=invitation.token, full_name="Sam", password="12345678"
        )

    assert error.value.field_errors == {
        "password": [
            "This password is too common.",
            "This password is entirely numeric.",
        ]
    }


@pytest.mark.django_db
def test_a_name_is_required(contoso):
    invitation = InvitationFactory(partner=contoso)

    with nothing_changes(), pytest.raises(ValidationFailed) as error:
        services.invitation_accept(
            token=invitation.token, full_name=" ", password=PASSWORD
        )

    assert error.value.field_errors == {"full_name": ["Tell us your name."]}


@pytest.mark.django_db
def test_an_existing_account_joins_after_signing_in(contoso):
    other = PartnerFactory(name="Fabrikam")
    existing = partner_user(partner=other, user__email="sam@contoso.example")
    invitation = InvitationFactory(
        partner=contoso, email="sam@contoso.example", roles=["marketing"]
    )

    account = services.invitation_accept(token=invitation.token, user=existing)

    assert account == existing
    assert User.objects.filter(email="sam@contoso.example").count() == 1
    assert sorted(
        Membership.objects.filter(user=existing).values_list("partner__name", "roles")
    ) == [("Contoso Solutions", ["marketing"]), ("Fabrikam", ["partner_admin"])]
    assert EmailAddress.objects.get(user=existing).verified


@pytest.mark.django_db
def test_an_existing_account_must_be_signed_in_as_itself(contoso):
    partner_user(partner=PartnerFactory(), user__email="sam@contoso.example")
    someone_else = partner_user(partner=contoso)
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")

    with nothing_changes():
        with pytest.raises(PermissionDenied) as anonymous:
            services.invitation_accept(token=invitation.token)
        with pytest.raises(PermissionDenied):
            services.invitation_accept(token=invitation.token, user=someone_else)

    assert str(anonymous.value.message) == (
        "Sign in as sam@contoso.example to accept this invitation."
    )


@pytest.mark.django_db
def test_a_signed_in_person_cannot_create_an_account_for_another_address(contoso):
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")
    someone_else = partner_user(partner=contoso)

    with nothing_changes(), pytest.raises(PermissionDenied):
        services.invitation_accept(
            token=invitation.token,
            user=someone_else,
            full_name="Sam",
            password=PASSWORD,
        )


@pytest.mark.django_db
def test_vendor_staff_cannot_join_a_partner(contoso):
    staff = VendorUserFactory(email="sam@contoso.example")
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")

    with nothing_changes(), pytest.raises(Conflict):
        services.invitation_accept(token=invitation.token, user=staff)


@pytest.mark.django_db
def test_a_former_member_who_accepts_is_reactivated_with_the_new_roles(contoso):
    former = MembershipFactory(
        partner=contoso,
        user__email="sam@contoso.example",
        roles=["sales"],
        is_active=False,
    )
    invitation = InvitationFactory(
        partner=contoso, email="sam@contoso.example", roles=["finance"]
    )

    services.invitation_accept(token=invitation.token, user=former.user)

    former.refresh_from_db()
    assert (former.is_active, former.roles) == (True, ["finance"])
    assert last_event("membership.reactivated").payload["id"] == former.pk


@pytest.mark.django_db
def test_accepting_a_vendor_staff_invitation_creates_staff():
    invitation = InvitationFactory(
        partner=None, roles=[], vendor_role="finance", email="robin@vendor.example"
    )

    account = services.invitation_accept(
        token=invitation.token, full_name="Robin Shah", password=PASSWORD
    )

    assert account.vendor_role == "finance"
    assert account.memberships.count() == 0
    assert OutboxEvent.objects.filter(name="membership.created").count() == 0


# --- memberships ----------------------------------------------------------------------


@pytest.mark.django_db
def test_partner_admin_changes_a_members_roles(admin, contoso):
    member = MembershipFactory(partner=contoso, roles=["sales"])

    services.membership_roles_update(
        actor=admin, membership=member, roles=["marketing", "sales"]
    )

    member.refresh_from_db()
    event = last_event("membership.roles_changed")
    assert member.roles == ["sales", "marketing"]
    assert event.payload["previous_roles"] == ["sales"]
    assert last_audit("membership.roles_changed").changes == {
        "roles": [["sales"], ["sales", "marketing"]]
    }


@pytest.mark.django_db
def test_unchanged_roles_write_no_audit_entry_or_event(admin, contoso):
    member = MembershipFactory(partner=contoso, roles=["sales"])

    with nothing_changes():
        services.membership_roles_update(
            actor=admin, membership=member, roles=["sales"]
        )


@pytest.mark.django_db
def test_the_last_partner_admin_cannot_lose_the_role(admin, contoso):
    membership = admin.memberships.get()

    with nothing_changes(), pytest.raises(services.LastPartnerAdmin) as error:
        services.membership_roles_update(
            actor=admin, membership=membership, roles=["sales"]
        )

    assert error.value.code == "last_partner_admin"
    assert str(error.value.message) == (
        "Contoso Solutions needs at least one active partner admin: make another "
        "member a partner admin first."
    )


@pytest.mark.django_db
def test_the_last_partner_admin_cannot_be_deactivated_even_by_a_vendor_admin(
    admin, contoso
):
    vendor_admin = VendorUserFactory()

    with nothing_changes(), pytest.raises(services.LastPartnerAdmin):
        services.membership_deactivate(
            actor=vendor_admin, membership=admin.memberships.get()
        )


@pytest.mark.django_db
def test_an_admin_may_step_down_when_another_active_admin_remains(admin, contoso):
    MembershipFactory(partner=contoso, roles=["partner_admin"])
    membership = admin.memberships.get()

    services.membership_roles_update(
        actor=admin, membership=membership, roles=["sales"]
    )

    assert membership.roles == ["sales"]


@pytest.mark.django_db
def test_deactivated_admins_and_accounts_do_not_count_as_remaining_admins(
    admin, contoso
):
    MembershipFactory(partner=contoso, roles=["partner_admin"], is_active=False)
    MembershipFactory(partner=contoso, roles=["partner_admin"], user__is_active=False)

    with pytest.raises(services.LastPartnerAdmin):
        services.membership_deactivate(actor=admin, membership=admin.memberships.get())


@pytest.mark.django_db
def test_partner_admin_deactivates_and_reactivates_a_member(admin, contoso):
    member = MembershipFactory(partner=contoso, roles=["sales"])

    services.membership_deactivate(actor=admin, membership=member)
    deactivated = member.is_active
    services.membership_reactivate(actor=admin, membership=member)

    member.refresh_from_db()
    assert (deactivated, member.is_active) == (False, True)
    assert [
        event.name
        for event in OutboxEvent.objects.filter(
            name__startswith="membership."
        ).order_by("id")
    ] == ["membership.deactivated", "membership.reactivated"]
    assert last_audit("membership.deactivated").changes == {"is_active": [True, False]}


@pytest.mark.django_db
def test_deactivating_twice_is_refused(admin, contoso):
    member = MembershipFactory(partner=contoso, roles=["sales"], is_active=False)

    with nothing_changes(), pytest.raises(InvalidTransition):
        services.membership_deactivate(actor=admin, membership=member)
    member.is_active = True
    member.save()
    with nothing_changes(), pytest.raises(InvalidTransition):
        services.membership_reactivate(actor=admin, membership=member)


@pytest.mark.django_db
def test_partner_admin_of_a_cannot_change_bs_members(admin):
    other = PartnerFactory(name="Fabrikam")
    foreign = MembershipFactory(partner=other, roles=["sales"])

    with nothing_changes():
        with pytest.raises(NotFound):
            services.membership_roles_update(
                actor=admin, membership=foreign, roles=["partner_admin"]
            )
        with pytest.raises(NotFound):
            services.membership_deactivate(actor=admin, membership=foreign)
        with pytest.raises(NotFound):
            services.membership_reactivate(actor=admin, membership=foreign)


@pytest.mark.django_db
def test_a_member_without_the_admin_role_cannot_change_colleagues(contoso):
    seller = partner_user(partner=contoso, roles=["sales"])
    colleague = MembershipFactory(partner=contoso, roles=["sales"])

    with nothing_changes():
        with pytest.raises(PermissionDenied):
            services.membership_roles_update(
                actor=seller, membership=colleague, roles=["partner_admin"]
            )
        with pytest.raises(PermissionDenied):
            services.membership_deactivate(actor=seller, membership=colleague)


@pytest.mark.django_db
def test_a_deactivated_partner_admin_manages_nothing(admin, contoso):
    colleague = MembershipFactory(partner=contoso, roles=["sales"])
    MembershipFactory(partner=contoso, roles=["partner_admin"])
    admin.memberships.update(is_active=False)

    with nothing_changes(), pytest.raises(PermissionDenied):
        services.membership_deactivate(actor=admin, membership=colleague)


# --- users (vendor admins) ------------------------------------------------------------


@pytest.mark.django_db
def test_vendor_admin_deactivates_and_reactivates_an_account(contoso):
    vendor_admin = VendorUserFactory()
    seller = partner_user(partner=contoso, roles=["sales"])

    services.user_deactivate(actor=vendor_admin, user=seller)
    seller.refresh_from_db()
    deactivated = seller.is_active
    services.user_reactivate(actor=vendor_admin, user=seller)

    seller.refresh_from_db()
    assert (deactivated, seller.is_active) == (False, True)
    assert last_event("user.deactivated").payload["id"] == str(seller.public_id)
    assert last_audit("user.reactivated").changes == {"is_active": [False, True]}


@pytest.mark.django_db
def test_vendor_admin_cannot_deactivate_themselves():
    vendor_admin = VendorUserFactory()

    with nothing_changes(), pytest.raises(Conflict):
        services.user_deactivate(actor=vendor_admin, user=vendor_admin)


@pytest.mark.django_db
def test_deactivating_an_inactive_account_is_refused():
    vendor_admin, inactive = VendorUserFactory(), UserFactory(is_active=False)

    with nothing_changes(), pytest.raises(InvalidTransition):
        services.user_deactivate(actor=vendor_admin, user=inactive)


@pytest.mark.django_db
def test_a_partner_admin_cannot_deactivate_accounts(admin, contoso):
    seller = partner_user(partner=contoso, roles=["sales"])

    with nothing_changes(), pytest.raises(PermissionDenied):
        services.user_deactivate(actor=admin, user=seller)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "vendor_role", ["channel_manager", "channel_marketing", "finance", "analyst"]
)
def test_only_vendor_admins_manage_accounts(vendor_role):
    staff = VendorUserFactory(vendor_role=vendor_role)
    target = VendorUserFactory(vendor_role="analyst")

    with nothing_changes():
        with pytest.raises(PermissionDenied):
            services.user_deactivate(actor=staff, user=target)
        with pytest.raises(PermissionDenied):
            services.user_vendor_role_update(
                actor=staff, user=target, vendor_role="vendor_admin"
            )


@pytest.mark.django_db
def test_vendor_admin_makes_a_channel_manager_with_territories():
    vendor_admin = VendorUserFactory()
    analyst = VendorUserFactory(vendor_role="analyst")

    services.user_vendor_role_update(
        actor=vendor_admin,
        user=analyst,
        vendor_role="channel_manager",
        territories=[" emea", "de", "DE", ""],
    )

    analyst.refresh_from_db()
    event = last_event("user.vendor_role_changed")
    assert (analyst.vendor_role, analyst.territories) == (
        "channel_manager",
        ["EMEA", "DE"],
    )
    assert event.payload["previous_vendor_role"] == "analyst"
    assert last_audit("user.vendor_role_changed").changes == {
        "vendor_role": ["analyst", "channel_manager"],
        "territories": [[], ["EMEA", "DE"]],
    }


@pytest.mark.django_db
def test_territories_are_cleared_for_other_roles_and_validated():
    vendor_admin = VendorUserFactory()
    manager = VendorUserFactory(vendor_role="channel_manager", territories=["FR"])

    with nothing_changes(), pytest.raises(ValidationFailed) as error:
        services.user_vendor_role_update(
            actor=vendor_admin,
            user=manager,
            vendor_role="channel_manager",
            territories=["Europe", "F1"],
        )
    services.user_vendor_role_update(
        actor=vendor_admin, user=manager, vendor_role="finance", territories=["DE"]
    )

    manager.refresh_from_db()
    assert error.value.field_errors == {
        "territories": [
            "EUROPE is neither a region nor a two-letter country code.",
            "F1 is neither a region nor a two-letter country code.",
        ]
    }
    assert (manager.vendor_role, manager.territories) == ("finance", [])


@pytest.mark.django_db
def test_a_partner_user_gets_no_vendor_role(contoso):
    seller, vendor_admin = partner_user(partner=contoso), VendorUserFactory()

    with nothing_changes(), pytest.raises(ValidationFailed):
        services.user_vendor_role_update(
            actor=vendor_admin, user=seller, vendor_role="analyst"
        )


@pytest.mark.django_db
def test_a_vendor_admin_cannot_demote_themselves():
    vendor_admin = VendorUserFactory()

    with nothing_changes(), pytest.raises(Conflict):
        services.user_vendor_role_update(
            actor=vendor_admin, user=vendor_admin, vendor_role="analyst"
        )


@pytest.mark.django_db
@override_settings(OPENPRM_INVITATION_EXPIRY_DAYS=1)
def test_the_email_says_when_the_link_expires(admin, contoso, committed):
    with committed():
        invitation = invite(admin, contoso)

    expected = invitation.expires_at.strftime("%-d %B %Y, %H:%M")
    assert f"The link works once and expires on {expected} UTC." in (
        mail.outbox[0].body
    )
