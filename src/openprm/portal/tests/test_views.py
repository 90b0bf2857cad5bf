import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory


@pytest.mark.django_db
def test_partner_user_sees_their_own_organisation(client):
    membership = MembershipFactory(partner=PartnerFactory(name="Contoso Solutions"))
    client.force_login(membership.user)

    response = client.get("/portal/")

    assert response.status_code == 200
    assert response.context["partner"] == membership.partner
    assert "Welcome, Contoso Solutions" in response.content.decode()


@pytest.mark.django_db
def test_vendor_staff_without_membership_cannot_open_the_portal(client):
    client.force_login(VendorUserFactory())

    assert client.get("/portal/").status_code == 403


@pytest.mark.django_db
def test_a_deactivated_membership_does_not_open_the_portal(client):
    membership = MembershipFactory(is_active=False)
    client.force_login(membership.user)

    assert client.get("/portal/").status_code == 403


@pytest.mark.django_db
def test_members_of_a_terminated_partner_are_shut_out(client):
    membership = MembershipFactory(partner=PartnerFactory(status="terminated"))
    client.force_login(membership.user)

    assert client.get("/portal/").status_code == 403


@pytest.mark.django_db
def test_portal_dashboard_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    membership = MembershipFactory()
    client.force_login(membership.user)

    # session, user, membership with its partner (the roles and the partner
    # scope come from it); the work list's contributions (a fixed number each,
    # see test_home); the active audiences (none hold the reader, so no
    # announcement is read); what the partner has earned (won revenue 1, points
    # 1, funds 0: the work list read its allocations, discount 1, see
    # test_home_earned)
    with django_assert_num_queries(21):
        client.get("/portal/")


@pytest.fixture
def member_of_two(client):
    first = MembershipFactory(partner=PartnerFactory(name="Alpha Systems"))
    second = MembershipFactory(user=first.user, partner=PartnerFactory(name="Beta IT"))
    client.force_login(first.user)
    return first, second


@pytest.mark.django_db
def test_a_member_of_several_partners_starts_with_the_first_by_name(
    client, member_of_two
):
    response = client.get("/portal/")

    assert response.context["partner"].name == "Alpha Systems"
    assert 'data-testid="partner-switcher"' in response.content.decode()


@pytest.mark.django_db
def test_switching_organisation_changes_the_portals_partner(client, member_of_two):
    _, second = member_of_two

    response = client.post("/portal/switch/", {"partner": second.partner_id})

    assert response["Location"] == "/portal/"
    assert client.get("/portal/").context["partner"] == second.partner


@pytest.mark.django_db
def test_switching_to_someone_elses_partner_is_not_found(client, member_of_two):
    stranger = PartnerFactory(name="Gamma Ltd")

    response = client.post("/portal/switch/", {"partner": stranger.pk})

    assert response.status_code == 404
    assert client.get("/portal/").context["partner"].name == "Alpha Systems"


@pytest.mark.django_db
def test_a_single_membership_shows_no_switcher(client):
    client.force_login(MembershipFactory().user)

    assert (
        'data-testid="partner-switcher"' not in client.get("/portal/").content.decode()
    )
