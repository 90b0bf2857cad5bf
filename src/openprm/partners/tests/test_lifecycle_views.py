import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(VendorUserFactory())
    return client


def test_the_status_page_offers_the_allowed_targets_only(admin_client):
    partner = PartnerFactory(status="active")

    response = admin_client.get(
        reverse("console:partner_status_change", args=[partner.public_id])
    )

    choices = response.context["form"].fields["status"].choices
    assert [value for value, label in choices] == ["suspended", "terminated"]


def test_changing_a_status_in_the_console(admin_client):
    partner = PartnerFactory(status="active")

    response = admin_client.post(
        reverse("console:partner_status_change", args=[partner.public_id]),
        {"status": "suspended", "reason": "Compliance review"},
    )

    assert response.status_code == 302
    assert Partner.objects.get(pk=partner.pk).status == "suspended"


def test_a_status_change_without_a_reason_shows_the_form_again(admin_client):
    partner = PartnerFactory(status="active")
    before = (AuditEntry.objects.count(), OutboxEvent.objects.count())

    response = admin_client.post(
        reverse("console:partner_status_change", args=[partner.public_id]),
        {"status": "suspended", "reason": ""},
    )

    assert response.status_code == 200
    assert Partner.objects.get(pk=partner.pk).status == "active"
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == before


def test_the_move_page_finds_parents_by_name_but_not_descendants(admin_client):
    top = PartnerFactory(name="Alpha Top", partner_type="distributor")
    partner = PartnerFactory(name="Alpha Middle", parent=top)
    PartnerFactory(name="Alpha Bottom", parent=partner)

    response = admin_client.get(
        reverse("console:partner_move", args=[partner.public_id]) + "?q=alpha"
    )

    assert [choice.name for choice in response.context["choices"]] == ["Alpha Top"]


def test_moving_in_the_console(admin_client):
    top = PartnerFactory(partner_type="distributor")
    partner = PartnerFactory()

    response = admin_client.post(
        reverse("console:partner_move", args=[partner.public_id]),
        {"parent": str(top.public_id)},
    )

    assert response.status_code == 302
    assert Partner.objects.get(pk=partner.pk).parent_id == top.pk


def test_a_refused_move_shows_why(admin_client):
    top = PartnerFactory(partner_type="distributor")
    child = PartnerFactory(parent=top)

    response = admin_client.post(
        reverse("console:partner_move", args=[top.public_id]),
        {"parent": str(child.public_id)},
    )

    assert response.status_code == 200
    assert "beneath itself" in response.content.decode()


def test_the_duplicates_page_lists_candidates_with_reasons(admin_client):
    PartnerFactory(name="Contoso Ltd.")

    response = admin_client.get(
        reverse("console:partner_duplicates") + "?name=contoso+limited&website="
    )

    assert [c.partner.name for c in response.context["candidates"]] == ["Contoso Ltd."]
    assert "legal form and punctuation are ignored" in response.content.decode()


def test_the_merge_page_shows_what_moves_before_merging(admin_client):
    survivor, duplicate = PartnerFactory(), PartnerFactory()
    MembershipFactory(partner=duplicate)

    response = admin_client.get(
        reverse("console:partner_merge", args=[survivor.public_id])
        + f"?duplicate={duplicate.public_id}"
    )

    assert response.context["preview"] == {"tenancy.membership": 1}
    assert Partner.objects.get(pk=duplicate.pk).status == "active"


def test_merging_in_the_console(admin_client):
    survivor, duplicate = PartnerFactory(), PartnerFactory()

    response = admin_client.post(
        reverse("console:partner_merge", args=[survivor.public_id]),
        {"duplicate": str(duplicate.public_id)},
    )

    assert response.status_code == 302
    assert Partner.objects.get(pk=duplicate.pk).status == "terminated"


def test_vendor_admins_find_the_duplicates_page_in_the_navigation(admin_client):
    response = admin_client.get(reverse("console:dashboard"))

    assert reverse("console:partner_duplicates") in response.content.decode()


def test_other_vendor_staff_do_not_see_the_duplicates_page(client):
    client.force_login(UserFactory(vendor_role="analyst"))

    response = client.get(reverse("console:dashboard"))

    assert reverse("console:partner_duplicates") not in response.content.decode()
