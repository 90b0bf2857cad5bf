"""A distributor's view of its resellers: its own only, as its downstream
visibility allows; a reseller cannot open it; constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.core.models import AuditEntry, OutboxEvent
from openprm.deals.choices import DealStatus
from openprm.deals.tests.factories import make_deal
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import EnrolmentFactory, ProgrammeFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import MembershipFactory


def distributor(name: str, *, sees_downstream: bool = True):
    return PartnerFactory(
        name=name, partner_type="distributor", downstream_visibility=sees_downstream
    )


def signed_in(client, partner, role=PartnerRole.PARTNER_ADMIN):
    membership = MembershipFactory(partner=partner, roles=[role])
    client.force_login(membership.user)
    return membership.user


@pytest.mark.django_db
def test_a_distributor_sees_its_resellers_with_tier_deals_and_leads(client):
    northwind = distributor("Northwind")
    contoso = PartnerFactory(name="Contoso", parent=northwind)
    beneath = PartnerFactory(name="Tiny Reseller", parent=contoso)
    enrolment = EnrolmentFactory(partner=contoso)
    make_deal(partner=contoso, status=DealStatus.APPROVED)
    make_deal(partner=contoso, status=DealStatus.WON)
    signed_in(client, northwind)

    response = client.get("/portal/resellers/")

    rows = response.context["rows"]
    assert [row.partner.name for row in rows] == ["Contoso", "Tiny Reseller"]
    assert rows[0].tiers == [f"{enrolment.tier.name} ({enrolment.programme.name})"]
    assert (rows[0].live_deals, rows[0].won_deals) == (1, 1)
    assert rows[1].partner == beneath
    assert "beneath Contoso" in response.content.decode()


@pytest.mark.django_db
def test_a_distributor_never_sees_another_distributors_resellers(client):
    northwind = distributor("Northwind")
    PartnerFactory(name="Contoso", parent=northwind)
    other = distributor("Southwind")
    PartnerFactory(name="Fabrikam", parent=other)
    signed_in(client, northwind)

    page = client.get("/portal/resellers/")
    api = client.get(f"/api/v1/partners/{other.public_id}/resellers")

    assert [row.partner.name for row in page.context["rows"]] == ["Contoso"]
    assert "Fabrikam" not in page.content.decode()
    assert api.status_code == 404


@pytest.mark.django_db
def test_without_downstream_visibility_the_list_is_empty_and_says_why(client):
    northwind = distributor("Northwind", sees_downstream=False)
    PartnerFactory(name="Contoso", parent=northwind)
    signed_in(client, northwind)

    response = client.get("/portal/resellers/")

    assert response.context["rows"] == []
    assert "does not share your resellers" in response.content.decode()


@pytest.mark.django_db
def test_a_reseller_cannot_open_it(client):
    northwind = distributor("Northwind")
    contoso = PartnerFactory(name="Contoso", parent=northwind)
    signed_in(client, contoso)

    assert client.get("/portal/resellers/").status_code == 403
    assert (
        client.get(f"/api/v1/partners/{contoso.public_id}/resellers").status_code == 403
    )


@pytest.mark.django_db
def test_a_distributor_reads_a_reseller_of_its_own_as_no_distributor(client):
    northwind = distributor("Northwind")
    contoso = PartnerFactory(name="Contoso", parent=northwind)
    signed_in(client, northwind)

    response = client.get(f"/api/v1/partners/{contoso.public_id}/resellers")

    assert response.status_code == 403


@pytest.mark.django_db
def test_the_api_lists_the_same_rows(client):
    northwind = distributor("Northwind")
    contoso = PartnerFactory(name="Contoso", parent=northwind)
    make_deal(partner=contoso)
    signed_in(client, northwind, role=PartnerRole.SALES)

    response = client.get(f"/api/v1/partners/{northwind.public_id}/resellers")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["id"], item["name"], item["live_deals"]) == (
        str(contoso.public_id),
        "Contoso",
        1,
    )
    assert item["parent"] == str(northwind.public_id)


@pytest.mark.django_db
def test_the_page_reads_the_same_number_of_queries_for_many_resellers(client):
    counts = []
    for size in (1, 6):
        parent = distributor(f"Distributor {size}")
        for _ in range(size):
            reseller = PartnerFactory(parent=parent)
            make_deal(partner=reseller)
            EnrolmentFactory(partner=reseller)
        signed_in(client, parent)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/portal/resellers/")
        assert len(response.context["rows"]) == size
        counts.append(len(queries))
        client.logout()

    assert counts[0] == counts[1]


@pytest.fixture
def programme():
    return ProgrammeFactory(name="Reseller", slug="reseller")


def invite(client, programme, **overrides):
    data = {
        "company": "Fjord Networks",
        "email": "Partners@Fjord.example",
        "programme_key": programme.slug,
        **overrides,
    }
    return client.post("/portal/resellers/invite/", data)


@pytest.mark.django_db
def test_a_distributor_admin_invites_a_company_to_apply(
    client, programme, mailoutbox, django_capture_on_commit_callbacks
):
    northwind = distributor("Northwind")
    signed_in(client, northwind)

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, programme)

    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["partners@fjord.example"]]
    assert "/apply/reseller/" in mailoutbox[0].body
    assert "Northwind" in mailoutbox[0].subject
    entry = AuditEntry.objects.get(verb="reseller.invited")
    assert entry.partner_id == northwind.pk
    event = OutboxEvent.objects.get(name="reseller.invited")
    assert event.payload["email"] == "partners@fjord.example"


@pytest.mark.django_db
def test_a_bad_invitation_is_shown_on_the_form_and_sends_nothing(
    client, programme, mailoutbox
):
    signed_in(client, distributor("Northwind"))

    response = invite(client, programme, email="not an address", company="")

    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"email", "company"}
    assert mailoutbox == []
    assert not AuditEntry.objects.filter(verb="reseller.invited").exists()
    assert not OutboxEvent.objects.filter(name="reseller.invited").exists()


@pytest.mark.django_db
def test_a_salesperson_sees_the_resellers_but_does_not_invite(client, programme):
    northwind = distributor("Northwind")
    signed_in(client, northwind, role=PartnerRole.SALES)

    page = client.get("/portal/resellers/")

    assert page.context["form"] is None
    assert invite(client, programme).status_code == 403
    assert not AuditEntry.objects.filter(verb="reseller.invited").exists()


@pytest.mark.django_db
def test_the_navigation_offers_the_page_only_to_those_who_open_it(client):
    northwind = distributor("Northwind")
    signed_in(client, northwind, role=PartnerRole.MARKETING)

    page = client.get("/portal/").content.decode()

    assert "/portal/resellers/" not in page
    client.logout()
    signed_in(client, northwind, role=PartnerRole.SALES)
    assert "/portal/resellers/" in client.get("/portal/").content.decode()
