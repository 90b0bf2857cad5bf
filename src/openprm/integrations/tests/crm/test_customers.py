"""The vendor's customer accounts ↔ CRM accounts, beside partners on the same CRM
accounts, against a real BottleCRM server (see openprm.testing.bottlecrm)."""

import pytest

from openprm.deals.models import CustomerAccount
from openprm.integrations.crm.models import RunStatus, SyncLink
from openprm.integrations.tests.crm.factories import connection_for
from openprm.integrations.tests.crm.test_bottlecrm_sync import account, by_name, run
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

CUSTOMERS = {
    "partners": {"in": False, "out": True},
    "customers": {"in": True, "out": True},
}


def test_crm_accounts_that_are_not_partners_become_customer_accounts(crm):
    partner = PartnerFactory(name="Channel Partner", website="https://channel.example")
    account(crm, "Channel Partner GmbH", website="https://channel.example")
    account(crm, "Fabrikam Industries", website="https://www.fabrikam.example")
    account(crm, "Northwind Traders", country="AT")
    existing = CustomerAccount.objects.create(
        external_id="old-erp-7", customer_name="Northwind Traders Ltd.",
        customer_name_normalised="northwind traders", customer_country="AT",
    )  # fmt: skip
    connection = connection_for(crm, directions=CUSTOMERS)

    finished = run(connection)

    assert finished.status == RunStatus.DONE, finished.error
    crm_ids = {name: str(record["id"]) for name, record in by_name(crm).items()}
    # The partner's account is the partner's only
    assert SyncLink.objects.get(object_type="partners").local_id == partner.pk
    assert not CustomerAccount.objects.filter(
        external_id=crm_ids["Channel Partner GmbH"]
    ).exists()
    # A new customer account, with the CRM's id, name, domain and country
    fabrikam = CustomerAccount.objects.get(external_id=crm_ids["Fabrikam Industries"])
    assert (fabrikam.customer_domain, fabrikam.customer_country) == (
        "fabrikam.example", "DE",
    )  # fmt: skip
    # The one that existed under a slightly different name is linked, not doubled
    link = SyncLink.objects.get(
        object_type="customers", remote_id=crm_ids["Northwind Traders"]
    )
    assert link.local_id == existing.pk
    assert CustomerAccount.objects.count() == 2
    # Nothing became a partner, nothing new reached the CRM
    assert Partner.objects.count() == 1
    assert len(crm_ids) == 3

    # A second run changes nothing
    again = run(connection)
    assert (again.created, again.linked, again.errors) == (0, 0, 0)


def test_a_customer_renamed_in_the_crm_is_renamed_here(crm):
    account(crm, "Contoso Pharma")
    connection = connection_for(crm, directions=CUSTOMERS)
    run(connection)
    remote_id = SyncLink.objects.get(object_type="customers").remote_id
    current = crm.request("GET", f"/api/accounts/{remote_id}/")["account_obj"]
    form = {
        name: current[name]
        for name in ("email", "billing_address_line", "billing_street",
                     "billing_city", "billing_state", "billing_postcode",
                     "billing_country")
    }  # fmt: skip
    crm.request(
        "PUT", f"/api/accounts/{remote_id}/", {**form, "name": "Contoso Health"}
    )

    finished = run(connection)

    assert finished.status == RunStatus.DONE, finished.error
    assert CustomerAccount.objects.get().customer_name == "Contoso Health"
    assert finished.updated == 1
