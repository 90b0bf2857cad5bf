"""Partner contacts ↔ CRM contacts on their partner's CRM account, against a real
BottleCRM server (see openprm.testing.bottlecrm)."""

import json
import time

import pytest

from openprm.integrations.crm import engine, services, tasks
from openprm.integrations.crm.models import RunStatus, SyncLink, SyncLogEntry
from openprm.integrations.tests.crm.factories import connection_for
from openprm.partners import services as partner_services
from openprm.partners.models import Contact
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

BOTH_WAYS = {
    "partners": {"in": True, "out": True},
    "contacts": {"in": True, "out": True},
}


def run(connection):
    started = services.crm_run_start(
        actor=connection.run_as, connection=connection, full=True, enqueue=False
    )
    claimed = services.crm_run_claim(run_id=started.pk, stale_after=tasks.stale_after())
    return engine.run_execute(claimed)


def crm_contacts(crm) -> list[dict]:
    return crm.request("GET", "/api/contacts/?limit=100&offset=0")["contact_obj_list"]


def crm_contact(crm, *, first: str, last: str, email: str, account: str = "") -> str:
    """A contact entered in the CRM (on ``account`` when given); its id."""
    crm.request(
        "POST", "/api/contacts/",
        {"first_name": first, "last_name": last, "email": email, "address_line": "-"},
    )  # fmt: skip
    contact_id = next(c["id"] for c in crm_contacts(crm) if c["email"] == email)
    if account:
        current = crm.request("GET", f"/api/accounts/{account}/")["account_obj"]
        ids = [c["id"] for c in current["contacts"]] + [contact_id]
        form = {
            name: current[name] or "-"
            for name in ("name", "email", "billing_address_line", "billing_street",
                         "billing_city", "billing_state", "billing_postcode",
                         "billing_country")
        }  # fmt: skip
        crm.request(
            "PUT", f"/api/accounts/{account}/", {**form, "contacts": json.dumps(ids)}
        )
    return str(contact_id)


def account_contacts(crm, account: str) -> list[str]:
    found = crm.request("GET", f"/api/accounts/{account}/")["account_obj"]["contacts"]
    return [c["email"] for c in found]


def test_partner_contacts_reach_the_crm_on_their_partners_account_and_back(
    crm, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(name="Contact Partner", website="https://cp.example")
    admin_contact = Contact.objects.create(
        partner=partner, name="Bo Partner", email="bo@cp.example", title="CEO"
    )
    connection = connection_for(crm, directions=BOTH_WAYS)

    finished = run(connection)

    # The partner became an account, and its contact a CRM contact on it
    assert finished.status == RunStatus.DONE, finished.error
    account = SyncLink.objects.get(object_type="partners").remote_id
    link = SyncLink.objects.get(object_type="contacts", local_id=admin_contact.pk)
    remote = next(c for c in crm_contacts(crm) if str(c["id"]) == link.remote_id)
    assert (remote["first_name"], remote["last_name"]) == ("Bo", "Partner")
    assert account_contacts(crm, account) == ["bo@cp.example"]

    # A change in OpenPRM reaches the CRM at once
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.contact_update(
            contact=admin_contact, actor=connection.run_as, data={"phone": "+4930123"}
        )
    remote = next(c for c in crm_contacts(crm) if str(c["id"]) == link.remote_id)
    assert remote["phone"] == "+4930123"

    # A contact the sales team adds to the partner's account becomes its contact;
    # one on no partner's account stays in the CRM
    crm_contact(crm, first="Cy", last="Seller", email="cy@cp.example", account=account)
    crm_contact(crm, first="Di", last="Customer", email="di@customer.example")
    again = run(connection)

    assert again.status == RunStatus.DONE, again.error
    added = Contact.objects.get(email="cy@cp.example")
    assert (added.partner, added.name) == (partner, "Cy Seller")
    assert not Contact.objects.filter(email="di@customer.example").exists()
    assert again.errors == 0
    # Nothing created twice on either side
    assert len(crm_contacts(crm)) == 3
    assert Contact.objects.count() == 2


def test_a_crm_contact_with_a_partner_contacts_email_is_linked_not_duplicated(crm):
    partner = PartnerFactory(name="Linked Partner", website="https://lp.example")
    connection = connection_for(crm, directions=BOTH_WAYS)
    assert run(connection).status == RunStatus.DONE
    account = SyncLink.objects.get(object_type="partners").remote_id
    remote_id = crm_contact(
        crm, first="Eve", last="Existing", email="eve@lp.example", account=account
    )
    existing = Contact.objects.create(
        partner=partner, name="Eve Existing-Smith", email="Eve@lp.example"
    )

    finished = run(connection)

    assert finished.status == RunStatus.DONE, finished.error
    link = SyncLink.objects.get(object_type="contacts")
    assert (link.local_id, link.remote_id) == (existing.pk, remote_id)
    assert Contact.objects.count() == 1
    assert len(crm_contacts(crm)) == 1
    assert SyncLogEntry.objects.filter(
        object_type="contacts", outcome="linked", local_id=existing.pk
    ).exists()


def test_a_contact_of_a_partner_not_in_the_crm_is_not_sent(crm):
    partner = PartnerFactory(name="Unlinked Partner")
    Contact.objects.create(partner=partner, name="Fay Alone", email="fay@u.example")
    connection = connection_for(
        crm,
        directions={
            "partners": {"in": True, "out": False},
            "contacts": {"in": True, "out": True},
        },
    )

    finished = run(connection)

    assert finished.status == RunStatus.DONE, finished.error
    assert crm_contacts(crm) == []
    assert not SyncLink.objects.filter(object_type="contacts").exists()


def served_during(crm, action):
    """``action``'s result and the requests the CRM served meanwhile (its log is
    written just after each answer: give it a moment on each side)."""
    time.sleep(1)
    before = len(crm.requests_served())
    result = action()
    time.sleep(1)
    return result, crm.requests_served()[before:]


def test_reading_contacts_costs_one_crm_request_per_page_of_accounts(crm):
    """Contacts are read through the accounts' pages (each account carries its
    contacts): one request a page, however many accounts and contacts."""
    partner = PartnerFactory(name="Paged Partner", website="https://pp.example")
    Contact.objects.create(partner=partner, name="Hal One", email="hal@pp.example")
    Contact.objects.create(partner=partner, name="Ida Two", email="ida@pp.example")
    connection = connection_for(crm, directions=BOTH_WAYS)
    assert run(connection).status == "done"
    account = SyncLink.objects.get(object_type="partners").remote_id
    crm_contact(crm, first="Lone", last="Contact", email="lone@nowhere.example")
    connector = engine.connector_of(connection)
    connector.check()

    page, served = served_during(
        crm, lambda: connector.list_changed_since("contacts", None)
    )

    assert served == ["GET /api/accounts/?limit=100&offset=0 HTTP/1.1"]
    assert page.cursor is None
    # Each contact with its account; the one on no account is no partner's
    assert sorted((r.values["email"], r.values["account"]) for r in page.records) == [
        ("hal@pp.example", account),
        ("ida@pp.example", account),
    ]

    # Finding a contact by email before creating one: the CRM's own filter
    found, served = served_during(
        crm, lambda: connector.find("contacts", "ida@pp.example")
    )
    assert [r.values["email"] for r in found] == ["ida@pp.example"]
    assert served == [
        "GET /api/contacts/?limit=100&offset=0&email=ida%40pp.example HTTP/1.1"
    ]
