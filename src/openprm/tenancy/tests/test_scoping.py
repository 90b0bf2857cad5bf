import pytest

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.models import Membership
from openprm.tenancy.tests.factories import MembershipFactory, partner_user


@pytest.fixture
def channel():
    """A distributor with a reseller beneath it, a sub-reseller, and an outsider."""
    distributor = PartnerFactory(name="Distributor", partner_type="distributor")
    reseller = PartnerFactory(name="Reseller", parent=distributor)
    sub_reseller = PartnerFactory(name="Sub-reseller", parent=reseller)
    outsider = PartnerFactory(name="Outsider", country="FR")
    return distributor, reseller, sub_reseller, outsider


def visible_names(user) -> list[str]:
    return sorted(Partner.objects.visible_to(user).values_list("name", flat=True))


@pytest.mark.django_db
def test_partner_user_sees_only_their_own_organisation(channel):
    _, reseller, _, _ = channel

    assert visible_names(partner_user(partner=reseller)) == ["Reseller"]


@pytest.mark.django_db
def test_distributor_without_downstream_visibility_sees_only_itself(channel):
    distributor, *_ = channel

    assert visible_names(partner_user(partner=distributor)) == ["Distributor"]


@pytest.mark.django_db
def test_distributor_granted_downstream_visibility_sees_its_whole_subtree(channel):
    distributor, *_ = channel
    distributor.downstream_visibility = True
    distributor.save()

    assert visible_names(partner_user(partner=distributor)) == [
        "Distributor",
        "Reseller",
        "Sub-reseller",
    ]


@pytest.mark.django_db
def test_reseller_never_sees_its_distributor_or_siblings(channel):
    distributor, reseller, _, _ = channel
    sibling = PartnerFactory(name="Sibling", parent=distributor)
    reseller.downstream_visibility = True
    reseller.save()

    names = visible_names(partner_user(partner=reseller))

    assert names == ["Reseller", "Sub-reseller"]
    assert sibling.name not in names


@pytest.mark.django_db
def test_vendor_admin_sees_every_partner(channel):
    assert len(visible_names(VendorUserFactory())) == 4


@pytest.mark.django_db
def test_channel_manager_sees_assigned_partners_and_territories(channel):
    reseller = channel[1]
    manager = VendorUserFactory(vendor_role="channel_manager", territories=["FR"])
    reseller.channel_manager = manager
    reseller.save()

    assert visible_names(manager) == ["Outsider", "Reseller"]


@pytest.mark.django_db
def test_channel_manager_territory_can_be_a_region(channel):
    manager = VendorUserFactory(vendor_role="channel_manager", territories=["EMEA"])

    assert len(visible_names(manager)) == 4


@pytest.mark.django_db
def test_channel_manager_without_assignments_sees_nothing(channel):
    assert visible_names(VendorUserFactory(vendor_role="channel_manager")) == []


@pytest.mark.django_db
def test_deactivated_user_sees_nothing(channel):
    user = partner_user(partner=channel[1])
    user.is_active = False

    assert visible_names(user) == []


@pytest.mark.django_db
def test_deactivated_membership_sees_nothing(channel):
    membership = MembershipFactory(partner=channel[1], is_active=False)

    assert visible_names(membership.user) == []


@pytest.mark.django_db
def test_partner_owned_rows_follow_their_partner(channel):
    _, reseller, _, outsider = channel
    MembershipFactory(partner=outsider)
    MembershipFactory(partner=reseller)
    viewer = partner_user(partner=reseller)

    partners = set(
        Membership.objects.visible_to(viewer).values_list("partner__name", flat=True)
    )

    assert partners == {"Reseller"}


@pytest.mark.django_db
def test_user_without_membership_or_role_sees_nothing(channel):
    assert visible_names(UserFactory()) == []


@pytest.mark.django_db
def test_territory_na_means_the_north_america_region():
    PartnerFactory(name="Chicago Reseller", country="US", region="NA")
    PartnerFactory(name="Windhoek Reseller", country="ZA", region="EMEA")
    manager = VendorUserFactory(vendor_role="channel_manager", territories=["na"])

    assert visible_names(manager) == ["Chicago Reseller"]
