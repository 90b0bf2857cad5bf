"""The "ask a person" conflict rule: a field both sides changed waits in a queue
with both values until a person chooses one (console or API); the choice is
applied to the other side and logged. Against a real BottleCRM server."""

import pytest
from django.urls import reverse

from openprm.core.models import AuditEntry
from openprm.integrations.crm import services
from openprm.integrations.crm.models import (
    SyncConflict,
    SyncLink,
    SyncLogEntry,
)
from openprm.integrations.crm.objects import PartnerObject
from openprm.integrations.tests.crm.factories import connection_for
from openprm.integrations.tests.crm.test_bottlecrm_sync import FORM, run
from openprm.integrations.tests.webhooks.test_api import bearer
from openprm.partners import services as partner_services
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def ask_about_city(connection) -> None:
    fields = [
        {**spec, "rule": "ask"} if spec.get("local") == "city" else spec
        for spec in PartnerObject.default_mapping
    ]
    services.crm_mapping_save(
        actor=connection.run_as,
        connection=connection,
        object_type="partners",
        fields=fields,
    )


def crm_city(crm, remote_id: str, city: str | None = None) -> str:
    current = crm.request("GET", f"/api/accounts/{remote_id}/")["account_obj"]
    if city is not None:
        form = {name: current[name] for name in FORM if name != "billing_city"}
        crm.request(
            "PUT", f"/api/accounts/{remote_id}/", {**form, "billing_city": city}
        )
        return city
    return current["billing_city"]


def both_changed(crm):
    """A partner linked to its CRM account whose city then changed on both
    sides: OpenPRM says Hamburg, the CRM says Bremen."""
    partner = PartnerFactory(name="Asked Partner", city="Berlin", country="DE")
    connection = connection_for(crm)
    ask_about_city(connection)
    run(connection)
    remote_id = SyncLink.objects.get(local_id=partner.pk).remote_id
    partner_services.partner_update(
        partner=partner, actor=connection.run_as, data={"city": "Hamburg"}
    )
    crm_city(crm, remote_id, "Bremen")
    return partner, connection, remote_id


def test_an_ask_conflict_waits_with_both_values_and_changes_neither_side(crm):
    partner, connection, remote_id = both_changed(crm)

    run(connection)
    again = run(connection)

    conflict = SyncConflict.objects.get()
    assert (conflict.field, conflict.openprm_value, conflict.crm_value) == (
        "city", "Hamburg", "Bremen",
    )  # fmt: skip
    assert conflict.status == "pending"
    partner.refresh_from_db()
    assert partner.city == "Hamburg"
    assert crm_city(crm, remote_id) == "Bremen"
    # Asked once: the second run neither asks again nor logs it again
    assert again.conflicts == 0
    assert SyncLogEntry.objects.filter(outcome="conflict").count() == 1


def test_choosing_the_crm_value_in_the_console_applies_and_logs_it(crm, client):
    partner, connection, remote_id = both_changed(crm)
    run(connection)
    conflict = SyncConflict.objects.get()
    client.force_login(connection.run_as)
    page = client.get(
        reverse(
            "console:crm_connection_detail", kwargs={"public_id": connection.public_id}
        )
    ).content.decode()
    assert "Hamburg" in page and "Bremen" in page

    response = client.post(
        reverse(
            "console:crm_conflict_resolve", kwargs={"public_id": conflict.public_id}
        ),
        {"choice": "crm"},
    )

    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.city == "Bremen"
    conflict.refresh_from_db()
    assert (conflict.status, conflict.decided_by) == ("crm", connection.run_as)
    entry = SyncLogEntry.objects.filter(outcome="updated").latest("id")
    assert entry.details["chosen"] == "crm" and "Bremen" in entry.message
    assert AuditEntry.objects.filter(verb="crm.conflict_decided").exists()
    # Both sides agree: the next run changes nothing and asks nothing
    finished = run(connection)
    assert (finished.updated, finished.conflicts) == (0, 0)
    assert crm_city(crm, remote_id) == "Bremen"


def test_keeping_openprms_value_through_the_api_sends_it_to_the_crm(crm, client):
    partner, connection, remote_id = both_changed(crm)
    run(connection)
    conflict = SyncConflict.objects.get()
    headers = bearer(connection.run_as)

    listed = client.get("/api/v1/crm-conflicts", headers=headers).json()
    response = client.post(
        f"/api/v1/crm-conflicts/{conflict.public_id}",
        {"choice": "prm"},
        content_type="application/json",
        headers=headers,
    )
    twice = client.post(
        f"/api/v1/crm-conflicts/{conflict.public_id}",
        {"choice": "crm"},
        content_type="application/json",
        headers=headers,
    )

    assert [item["crm_value"] for item in listed["items"]] == ["Bremen"]
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "prm"
    assert twice.status_code == 409
    assert crm_city(crm, remote_id) == "Hamburg"
    partner.refresh_from_db()
    assert partner.city == "Hamburg"
    finished = run(connection)
    assert (finished.updated, finished.conflicts, finished.errors) == (0, 0, 0)


def test_a_conflict_choice_must_be_crm_or_prm(crm, client):
    _partner, connection, _remote_id = both_changed(crm)
    run(connection)
    conflict = SyncConflict.objects.get()

    response = client.post(
        f"/api/v1/crm-conflicts/{conflict.public_id}",
        {"choice": "both"},
        content_type="application/json",
        headers=bearer(connection.run_as),
    )

    assert response.status_code == 422
    conflict.refresh_from_db()
    assert conflict.status == "pending"
