"""The CRM sync's API, console pages and command, over a CSV exchange folder."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import AuditEntry
from openprm.deals import services as deal_services
from openprm.deals.tests.factories import registration, seller
from openprm.integrations.crm import credentials
from openprm.integrations.crm.models import CrmConnection, SyncLogEntry, SyncRun
from openprm.integrations.tests.crm.factories import (
    MatchDecisionFactory,
    SyncLogEntryFactory,
    connection_for,
)
from openprm.integrations.tests.webhooks.test_api import bearer
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_api_creates_a_connection_and_never_returns_its_credentials(client):
    headers = bearer(VendorUserFactory())
    response = client.post(
        "/api/v1/crm-connections",
        {
            "name": "Vendor CRM",
            "connector_type": "bottlecrm",
            "config": {"url": "https://crm.example.com"},
            "credentials": {"email": "sync@example.com", "password": "s3cret-pw"},
        },
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 201
    assert "s3cret-pw" not in response.content.decode()
    assert "credentials" not in response.json()
    connection = CrmConnection.objects.get()
    assert "s3cret-pw" not in connection.credentials_encrypted
    assert credentials.decrypt(connection.credentials_encrypted)["password"] == (
        "s3cret-pw"
    )
    audit = AuditEntry.objects.get(verb="crm.connection_created")
    assert "s3cret" not in str(audit.changes)


def test_api_refuses_a_bad_connection_with_field_errors(client):
    headers = bearer(VendorUserFactory())
    response = client.post(
        "/api/v1/crm-connections",
        {"name": " ", "connector_type": "bottlecrm", "config": {"url": "ftp://x"}},
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"name", "config"}
    assert CrmConnection.objects.count() == 0


def test_credentials_change_is_audited_without_the_values(client):
    connection = connection_for(folder="/srv/crm-exchange")
    headers = bearer(connection.run_as)
    response = client.patch(
        f"/api/v1/crm-connections/{connection.public_id}",
        {"credentials": {"password": "n3w-secret"}},
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 200
    entry = AuditEntry.objects.get(verb="crm.connection_credentials_changed")
    assert entry.changes == {"credentials": ["(hidden)", "(changed)"]}


def test_log_lists_with_a_fixed_number_of_queries(client, django_assert_num_queries):
    connection = connection_for(folder="/srv/crm-exchange")
    for _ in range(4):
        SyncLogEntryFactory(connection=connection)
    headers = bearer(connection.run_as)
    client.get("/api/v1/crm-log", headers=headers)  # warm the token path

    with django_assert_num_queries(4):
        response = client.get(
            f"/api/v1/crm-log?connection={connection.public_id}&outcome=error",
            headers=headers,
        )

    assert response.status_code == 200
    assert len(response.json()["items"]) == 4


def test_matching_decision_through_the_api(client, tmp_path):
    connection = connection_for(folder=tmp_path)
    decision = MatchDecisionFactory(connection=connection)
    headers = bearer(connection.run_as)

    response = client.post(
        f"/api/v1/crm-match-decisions/{decision.public_id}",
        {"choice": "ignore"},
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    again = client.post(
        f"/api/v1/crm-match-decisions/{decision.public_id}",
        {"choice": "ignore"},
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 409


def test_console_detail_shows_the_connection_error_and_log(
    client, django_assert_num_queries
):
    connection = connection_for(folder="/nonexistent")
    call_command_error = None
    try:
        call_command("sync", connection.name, stdout=io.StringIO())
    except CommandError as error:
        call_command_error = str(error)
    for _ in range(3):
        SyncLogEntryFactory(connection=connection)
    client.force_login(connection.run_as)
    url = reverse(
        "console:crm_connection_detail", kwargs={"public_id": connection.public_id}
    )
    client.get(url)

    with django_assert_num_queries(16):
        response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "does not exist" in call_command_error
    assert "The last run failed:" in page
    assert page.count("Refused") == 3


def test_console_mapping_preview_shows_real_partners(client):
    PartnerFactory(name="Preview Partner", website="https://preview.example")
    connection = connection_for(folder="/srv/crm-exchange")
    client.force_login(connection.run_as)
    url = reverse(
        "console:crm_mapping_edit", kwargs={"public_id": connection.public_id}
    )

    response = client.get(url)

    page = response.content.decode()
    assert "Preview Partner" in page
    assert "partners@preview.example" in page


def test_sync_command_runs_against_csv_files(tmp_path):
    with (tmp_path / "accounts.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "website", "billing_country", "billing_city"])
        writer.writerow(["A-1", "Wingtip Toys", "wingtip.example", "GB", "London"])
    PartnerFactory(name="Wingtip Toys Ltd", website="https://wingtip.example")
    PartnerFactory(name="Coho Winery")
    connection = connection_for(folder=tmp_path, name="Files")
    out = io.StringIO()

    call_command("sync", "files", "--full", stdout=out)

    assert out.getvalue().strip() == (
        "Files: 1 created, 0 updated, 1 linked, 1 unchanged, 0 conflicts, "
        "0 waiting for a person, 0 errors."
    )
    rows = list(csv.DictReader((tmp_path / "accounts.csv").open()))
    assert sorted(row["name"] for row in rows) == ["Coho Winery", "Wingtip Toys"]
    assert SyncRun.objects.get().trigger == "command"
    assert SyncLogEntry.objects.filter(connection=connection).count() == 2


def test_sync_command_unknown_connection():
    with pytest.raises(CommandError, match="No CRM connection is named 'nope'"):
        call_command("sync", "nope")


def test_console_mapping_of_deals_previews_approved_deals_and_saves_a_version(client):
    connection = connection_for(folder="/srv/crm-exchange")
    user = seller()
    partner = user.memberships.get().partner
    approved = deal_services.deal_register(
        actor=user, partner=partner, **registration(title="Mapped firewall")
    )
    deal_services.deal_approve(actor=connection.run_as, deal=approved)
    deal_services.deal_register(
        actor=user, partner=partner,
        **registration(title="Still in review", customer_domain="other.example"),
    )  # fmt: skip
    client.force_login(connection.run_as)
    url = reverse(
        "console:crm_mapping_edit", kwargs={"public_id": connection.public_id}
    )

    page = client.get(url + "?object=deals").content.decode()
    assert "Registered deals → CRM opportunities: mapping" in page
    assert "Mapped firewall" in page and "QUALIFICATION" in page
    assert "Still in review" not in page

    fields = [{"local": "name", "remote": "name", "direction": "out"}]
    response = client.post(url + "?object=deals", {"fields_json": json.dumps(fields)})
    assert response.status_code == 302
    latest = connection.mappings.filter(object_type="deals").order_by("-version")[0]
    assert (latest.version, latest.fields) == (2, fields)
    assert connection.mappings.filter(object_type="partners").count() == 1
    assert client.get(url + "?object=nothing").status_code == 404
