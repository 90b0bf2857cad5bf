import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import strip_tags

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.core import audit, context
from openprm.core.models import AuditEntry
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory


@pytest.fixture
def channel():
    distributor = PartnerFactory(
        name="Northwind", partner_type="distributor", downstream_visibility=True
    )
    reseller = PartnerFactory(name="Contoso", parent=distributor)
    other = PartnerFactory(name="Fabrikam")
    return distributor, reseller, other


def listed(response) -> list[str]:
    return [row["entry"].object_repr for row in response.context["rows"]]


@pytest.mark.django_db
def test_the_console_lists_every_entry_with_partner_names(client, channel):
    client.force_login(VendorUserFactory())

    response = client.get("/console/audit/")

    html = response.content.decode()
    assert response.status_code == 200
    assert listed(response) == ["Fabrikam", "Contoso", "Northwind"]
    assert [row["partner_name"] for row in response.context["rows"]] == [
        "Fabrikam",
        "Contoso",
        "Northwind",
    ]
    assert 'href="/console/audit/' in html
    assert ">Audit trail</a>" in html  # in the navigation


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["channel_manager", "analyst", "finance"])
def test_other_vendor_roles_are_refused_and_see_no_link(client, channel, role):
    client.force_login(UserFactory(vendor_role=role))
    entry = AuditEntry.objects.first()

    assert client.get("/console/audit/").status_code == 403
    assert client.get(f"/console/audit/{entry.pk}/").status_code == 403
    assert ">Audit trail</a>" not in client.get("/console/").content.decode()


@pytest.mark.django_db
def test_the_console_filters_by_actor_action_partner_dates_and_request(client, channel):
    _distributor, reseller, other = channel
    actor = VendorUserFactory(email="alex@vendor.example")
    with context.acting(request_id="req-9"):
        audit.record_delete(
            actor=actor, instance=other, fields=["name"], verb="test.deleted"
        )
    client.force_login(actor)
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)

    def rows(**query) -> list[str]:
        response = client.get("/console/audit/", query)
        assert response.status_code == 200
        return [
            f"{row['entry'].action} {row['entry'].object_repr}"
            for row in response.context["rows"]
        ]

    assert rows(actor="Alex@Vendor.example") == ["delete Fabrikam"]
    assert rows(action="create", partner=reseller.pk) == ["create Contoso"]
    assert rows(request_id="req-9") == ["delete Fabrikam"]
    assert rows(object_type="partners.partner", date_from=today, date_to=today) == [
        "delete Fabrikam",
        "create Fabrikam",
        "create Contoso",
        "create Northwind",
    ]
    assert rows(date_from=tomorrow) == []
    # An invalid value shows its error and does not filter.
    assert len(rows(date_from="someday")) == 4


@pytest.mark.django_db
def test_the_page_links_keep_the_filters(client):
    partner = PartnerFactory()
    for number in range(55):
        partner.city = f"City {number}"
        audit.record_create(
            actor=None, instance=partner, fields=["city"], verb="test.created"
        )
    client.force_login(VendorUserFactory())

    first = client.get("/console/audit/", {"action": "create"})
    second = client.get("/console/audit/", {"action": "create", "page": 2})

    assert 'href="?action=create&amp;page=2"' in first.content.decode()
    assert len(second.context["rows"]) == 6


@pytest.mark.django_db
def test_the_console_list_runs_the_same_queries_for_one_entry_or_a_full_page(client):
    partner = PartnerFactory()
    client.force_login(VendorUserFactory())
    client.get("/console/audit/")

    with CaptureQueriesContext(connection) as one:
        client.get("/console/audit/")
    for number in range(60):
        other = PartnerFactory(name=f"Partner {number}")
        audit.record_create(
            actor=None, instance=other, fields=["name"], verb="test.created"
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/console/audit/")

    assert partner.pk
    assert len(response.context["rows"]) == 50
    # session, user, count, page, the partners' names (the partner picker lists
    # no partner: it searches on the server)
    assert len(one) == len(many) == 5


@pytest.mark.django_db
def test_the_detail_shows_before_and_after_of_each_field(client, channel):
    _, reseller, _ = channel
    actor = VendorUserFactory(email="alex@vendor.example")
    before = audit.snapshot(reseller, ["city", "status"])
    reseller.city, reseller.status = "Munich", "suspended"
    reseller.save()
    with context.acting(request_id="req-5", client_ip="203.0.113.9"):
        entry = audit.record_change(
            actor=actor, instance=reseller, before=before, verb="test.changed"
        )
    client.force_login(actor)

    response = client.get(f"/console/audit/{entry.pk}/")

    html = response.content.decode()
    assert [change.text for change in response.context["line"].changes] == [
        "City: Berlin → Munich",
        "Status: Active → Suspended",
    ]
    assert "203.0.113.9" in html
    assert "/console/audit/?request_id=req-5" in html
    assert "alex@vendor.example" in html


@pytest.mark.django_db
def test_a_missing_entry_is_404(client):
    client.force_login(VendorUserFactory())

    assert client.get("/console/audit/999999/").status_code == 404


@pytest.mark.django_db
def test_a_partner_admin_sees_their_organisation_in_the_portal(client, channel):
    _, reseller, other = channel
    admin = MembershipFactory(partner=reseller).user
    client.force_login(admin)
    theirs = AuditEntry.objects.get(partner_id=other.pk)
    own = AuditEntry.objects.get(partner_id=reseller.pk)

    listed_page = client.get("/portal/audit/")
    own_detail = client.get(f"/portal/audit/{own.pk}/")
    other_detail = client.get(f"/portal/audit/{theirs.pk}/")

    assert listed(listed_page) == ["Contoso"]
    assert ">Audit trail</a>" in listed_page.content.decode()
    assert own_detail.status_code == 200
    assert other_detail.status_code == 404


@pytest.mark.django_db
def test_a_distributor_admin_sees_only_its_own_entries_in_the_portal(client, channel):
    distributor, _, _ = channel
    client.force_login(MembershipFactory(partner=distributor).user)

    response = client.get("/portal/audit/")

    assert listed(response) == ["Northwind"]


@pytest.mark.django_db
@pytest.mark.parametrize("roles", [["sales"], ["marketing", "finance"], ["learner"]])
def test_other_partner_roles_are_refused_and_see_no_link(client, channel, roles):
    _, reseller, _ = channel
    client.force_login(MembershipFactory(partner=reseller, roles=roles).user)
    own = AuditEntry.objects.get(partner_id=reseller.pk)

    assert client.get("/portal/audit/").status_code == 403
    assert client.get(f"/portal/audit/{own.pk}/").status_code == 403
    assert ">Audit trail</a>" not in client.get("/portal/").content.decode()


@pytest.mark.django_db
def test_vendor_staff_cannot_open_the_portal_audit_page(client, channel):
    client.force_login(VendorUserFactory())

    assert client.get("/portal/audit/").status_code == 403


@pytest.mark.django_db
def test_the_portal_list_runs_the_same_queries_for_one_entry_or_a_full_page(client):
    partner = PartnerFactory()
    client.force_login(MembershipFactory(partner=partner).user)
    client.get("/portal/audit/")

    with CaptureQueriesContext(connection) as one:
        client.get("/portal/audit/")
    for number in range(60):
        partner.city = f"City {number}"
        audit.record_create(
            actor=None, instance=partner, fields=["city"], verb="test.created"
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/portal/audit/")

    assert len(response.context["rows"]) == 50
    # session, user, the portal's memberships (the admin scope comes from them),
    # count, page, names
    assert len(one) == len(many) == 6


@pytest.mark.django_db
def test_no_page_edits_or_deletes_an_entry(client, channel):
    client.force_login(VendorUserFactory())
    entry = AuditEntry.objects.first()

    for url in ("/console/audit/", f"/console/audit/{entry.pk}/"):
        assert client.post(url).status_code == 405
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == entry.object_repr


def work_in(client, partner) -> None:
    """Choose the portal's organisation, as the header's switcher does."""
    from openprm.tenancy.web import CURRENT_PARTNER_SESSION_KEY

    session = client.session
    session[CURRENT_PARTNER_SESSION_KEY] = partner.pk
    session.save()


@pytest.mark.django_db
def test_the_portal_shows_the_organisation_it_works_in(client):
    first, second = PartnerFactory(name="Alpha"), PartnerFactory(name="Beta")
    user = MembershipFactory(partner=first).user
    MembershipFactory(user=user, partner=second)
    client.force_login(user)
    second_entry = AuditEntry.objects.get(partner_id=second.pk)

    in_first = client.get("/portal/audit/")
    hidden_detail = client.get(f"/portal/audit/{second_entry.pk}/")
    work_in(client, second)
    in_second = client.get("/portal/audit/")

    assert listed(in_first) == ["Alpha"]
    assert hidden_detail.status_code == 404
    assert listed(in_second) == ["Beta"]


@pytest.mark.django_db
def test_the_portal_refuses_an_organisation_the_user_does_not_administer(client):
    administered, worked_in = PartnerFactory(name="Alpha"), PartnerFactory(name="Beta")
    user = MembershipFactory(partner=administered).user
    MembershipFactory(user=user, partner=worked_in, roles=["sales"])
    client.force_login(user)
    work_in(client, worked_in)

    response = client.get("/portal/audit/")

    assert response.status_code == 403


@pytest.mark.django_db
def test_the_partner_audit_trail_reads_as_sentences_without_internals(client, channel):
    distributor, reseller, _ = channel
    staff = VendorUserFactory(email="cm@vendor.example")
    before = audit.snapshot(reseller, ["status", "parent"])
    reseller.status, reseller.parent = "suspended", None
    reseller.save()
    with context.acting(request_id="req-secret-77", client_ip="198.51.100.23"):
        changed = audit.record_change(
            actor=staff, instance=reseller, before=before, verb="partner.status_changed"
        )
        hashed = audit.record(
            actor=staff,
            instance=reseller,
            action="update",
            verb="lead.accepted",
            changes={
                "text_sha256": [None, "ab" * 32],
                "source_lead_id": [6, 29],
                "client_ip": [None, "198.51.100.23"],
                "public_id": [None, "0f0f"],
                "industries": [[], ["public_sector"]],
            },
        )
    client.force_login(MembershipFactory(partner=reseller).user)

    pages = [
        client.get("/portal/audit/").content.decode(),
        client.get(f"/portal/audit/{changed.pk}/").content.decode(),
        client.get(f"/portal/audit/{hashed.pk}/").content.decode(),
    ]

    # What people read: the text, and the values of links (an id in a link is
    # an address, not something shown).
    text = strip_tags("".join(pages))
    for internal in (
        "198.51.100.23",
        "req-secret-77",
        "ab" * 32,
        "text_sha256",
        "source_lead_id",
        "client_ip",
        "partners.partner",
        f"#{reseller.pk}",
        f"#{changed.pk}",
        "Partner id",
        "Request id",
        "partner.status_changed",
        "public_sector",
        f"{distributor.pk} to",
    ):
        assert internal not in text, internal
    assert "cm@vendor.example changed the status of the partner “Contoso”" in text
    assert "Status: Active → Suspended" not in pages[0]  # the list names the fields
    assert "Active" in pages[1] and "Suspended" in pages[1]
    assert "Parent partner" in pages[1] and "changed" in pages[1]
    assert "Public sector" in pages[2]
    assert 'name="request_id"' not in pages[0]
    assert 'name="partner"' not in pages[0]


@pytest.mark.django_db
def test_a_partner_reads_the_client_address_of_its_own_people_only(client, channel):
    _, reseller, _ = channel
    member = MembershipFactory(partner=reseller).user
    with context.acting(client_ip="192.0.2.44"):
        own = audit.record_create(
            actor=member, instance=reseller, fields=["city"], verb="partner.updated"
        )
    client.force_login(member)

    assert "192.0.2.44" in client.get(f"/portal/audit/{own.pk}/").content.decode()


@pytest.mark.django_db
def test_the_console_filters_by_a_partner_picked_by_name(client, channel):
    _, reseller, _ = channel
    client.force_login(VendorUserFactory())

    response = client.get(f"/console/audit/?partner={reseller.pk}")

    html = response.content.decode()
    assert listed(response) == ["Contoso"]
    assert f'<option value="{reseller.pk}" selected>Contoso</option>' in html
    assert 'data-search-url="/console/partners/picker/"' in html
    assert "Partner id" not in html


def test_a_new_partner_reads_by_names_not_codes():
    from openprm.core.audit_text import describe

    entry = AuditEntry(
        actor_label="",
        action="create",
        verb="partner.created",
        object_type="partners.partner",
        object_id="6",
        object_repr="Contoso",
        changes={
            "country": [None, "NO"],
            "region": [None, "EMEA"],
            "parent": [None, None],
            "partner_types": [None, ["msp", "system_integrator"]],
        },
    )

    line = describe(entry)

    assert line.sentence == "OpenPRM created the partner “Contoso”"
    assert [change.text for change in line.changes] == [
        "Country: Norway",
        "Region: Europe, Middle East and Africa",
        "Partner types: Managed service provider, System integrator",
    ]
