from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.core.errors import NotFound
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy import selectors
from openprm.tenancy.permissions import team_scope_for
from openprm.tenancy.tests.factories import (
    InvitationFactory,
    MembershipFactory,
    partner_user,
)


@pytest.fixture
def channel():
    """A distributor (seeing downstream) with a reseller, and an unrelated partner,
    each with an admin and a salesperson."""
    distributor = PartnerFactory(
        name="Northwind", partner_type="distributor", downstream_visibility=True
    )
    reseller = PartnerFactory(name="Contoso", parent=distributor)
    outsider = PartnerFactory(name="Fabrikam")
    people = {}
    for partner in (distributor, reseller, outsider):
        slug = partner.name.lower()
        people[f"{slug}_admin"] = MembershipFactory(
            partner=partner, user__email=f"admin@{slug}.example"
        ).user
        people[f"{slug}_sales"] = MembershipFactory(
            partner=partner, user__email=f"sales@{slug}.example", roles=["sales"]
        ).user
    people["staff"] = VendorUserFactory(
        email="analyst@vendor.example", vendor_role="analyst"
    )
    return distributor, reseller, outsider, people


def emails(users) -> list[str]:
    return sorted(user.email for user in users)


@pytest.mark.django_db
def test_vendor_admin_sees_every_user(channel):
    vendor_admin = VendorUserFactory(email="admin@vendor.example")

    assert len(selectors.users_visible_to(user=vendor_admin)) == 8


@pytest.mark.django_db
def test_partner_admin_sees_only_their_organisations_members(channel):
    *_, people = channel

    assert emails(selectors.users_visible_to(user=people["contoso_admin"])) == [
        "admin@contoso.example",
        "sales@contoso.example",
    ]


@pytest.mark.django_db
def test_a_distributor_admin_does_not_see_its_resellers_staff(channel):
    *_, people = channel

    assert emails(selectors.users_visible_to(user=people["northwind_admin"])) == [
        "admin@northwind.example",
        "sales@northwind.example",
    ]
    assert [
        membership.partner.name
        for membership in selectors.memberships_visible_to(
            user=people["northwind_admin"]
        )
    ] == ["Northwind", "Northwind"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["contoso_sales", "staff"])
def test_people_who_are_not_admins_see_no_users(channel, who):
    *_, people = channel

    assert list(selectors.users_visible_to(user=people[who])) == []
    assert list(selectors.memberships_visible_to(user=people[who])) == []
    assert list(selectors.invitations_visible_to(user=people[who])) == []


@pytest.mark.django_db
def test_a_partner_admin_sees_only_the_memberships_inside_their_scope(channel):
    *_, outsider, people = channel
    MembershipFactory(user=people["contoso_sales"], partner=outsider, roles=["sales"])

    seller = selectors.users_visible_to(user=people["contoso_admin"]).get(
        email="sales@contoso.example"
    )

    assert [m.partner.name for m in seller.team_memberships] == ["Contoso"]


@pytest.mark.django_db
def test_user_filters(channel):
    *_, people = channel
    vendor_admin = VendorUserFactory(email="admin@vendor.example")
    people["fabrikam_sales"].is_active = False
    people["fabrikam_sales"].save()

    def found(**filters):
        return emails(selectors.users_visible_to(user=vendor_admin, **filters))

    assert found(search="FABRIKAM") == [
        "admin@fabrikam.example",
        "sales@fabrikam.example",
    ]
    assert found(kind="vendor") == ["admin@vendor.example", "analyst@vendor.example"]
    assert len(found(kind="partner")) == 6
    assert found(vendor_role="analyst") == ["analyst@vendor.example"]
    assert found(partner_search="contos") == [
        "admin@contoso.example",
        "sales@contoso.example",
    ]
    assert found(partner_id=channel[2].pk) == found(partner_search="fabrikam")
    assert found(is_active=False) == ["sales@fabrikam.example"]


@pytest.mark.django_db
def test_users_sort_by_documented_fields(channel):
    *_, people = channel
    admin = people["contoso_admin"]

    assert [
        u.email for u in selectors.users_visible_to(user=admin, order="-email")
    ] == [
        "sales@contoso.example",
        "admin@contoso.example",
    ]


@pytest.mark.django_db
def test_membership_filters(channel):
    _, reseller, _, people = channel
    vendor_admin = VendorUserFactory()

    def found(**filters):
        return sorted(
            membership.user.email
            for membership in selectors.memberships_visible_to(
                user=vendor_admin, **filters
            )
        )

    assert found(partner_id=reseller.pk, role="sales") == ["sales@contoso.example"]
    assert found(role="partner_admin", search="north") == ["admin@northwind.example"]
    assert found(member_public_id=people["contoso_admin"].public_id) == [
        "admin@contoso.example"
    ]
    assert found(is_active=False) == []


@pytest.mark.django_db
def test_membership_get_hides_other_partners_members(channel):
    *_, people = channel
    foreign = people["fabrikam_sales"].memberships.get()

    with pytest.raises(NotFound):
        selectors.membership_get(user=people["contoso_admin"], membership_id=foreign.pk)
    with pytest.raises(NotFound):
        selectors.user_get(
            user=people["contoso_admin"], public_id=people["fabrikam_sales"].public_id
        )


@pytest.mark.django_db
def test_invitations_by_status_and_scope(channel):
    _, reseller, outsider, people = channel
    now = timezone.now()
    pending = InvitationFactory(partner=reseller, email="pending@contoso.example")
    InvitationFactory(
        partner=reseller,
        email="expired@contoso.example",
        expires_at=now - timedelta(days=1),
    )
    InvitationFactory(partner=reseller, email="used@contoso.example", accepted_at=now)
    InvitationFactory(partner=reseller, email="gone@contoso.example", revoked_at=now)
    InvitationFactory(partner=outsider, email="other@fabrikam.example")
    InvitationFactory(
        partner=None, roles=[], vendor_role="analyst", email="staff@vendor.example"
    )
    admin = people["contoso_admin"]

    def found(user=admin, **filters):
        return sorted(
            invitation.email
            for invitation in selectors.invitations_visible_to(user=user, **filters)
        )

    assert len(found()) == 4
    assert found(status="pending") == ["pending@contoso.example"]
    assert found(status="expired") == ["expired@contoso.example"]
    assert found(status="accepted") == ["used@contoso.example"]
    assert found(status="revoked") == ["gone@contoso.example"]
    assert found(status="open") == [
        "expired@contoso.example",
        "pending@contoso.example",
    ]
    assert found(user=VendorUserFactory(), kind="vendor") == ["staff@vendor.example"]
    assert len(found(user=VendorUserFactory())) == 6
    assert selectors.invitation_get(user=admin, public_id=pending.public_id) == pending


@pytest.mark.django_db
def test_team_scope_counts_only_active_admin_memberships_of_live_partners():
    admin_here = PartnerFactory()
    terminated = PartnerFactory(status="terminated")
    user = UserFactory()
    MembershipFactory(user=user, partner=admin_here)
    MembershipFactory(user=user, partner=terminated)
    MembershipFactory(user=user, partner=PartnerFactory(), is_active=False)
    MembershipFactory(user=user, partner=PartnerFactory(), roles=["sales"])

    assert team_scope_for(user).partner_ids == frozenset({admin_here.pk})


@pytest.mark.django_db
def test_a_deactivated_account_has_no_team_scope():
    admin = partner_user(partner=PartnerFactory())
    admin.is_active = False

    assert team_scope_for(admin).is_empty


@pytest.mark.django_db
def test_team_partner_get_refuses_partners_outside_the_scope(channel):
    _, reseller, _, people = channel

    assert (
        selectors.team_partner_get(user=people["contoso_admin"], partner_id=reseller.pk)
        == reseller
    )
    with pytest.raises(NotFound):
        selectors.team_partner_get(
            user=people["northwind_admin"], partner_id=reseller.pk
        )
