"""The connector contract, held by every connector: BottleCRM (a real server) and
the CSV files."""

import pytest

from openprm.integrations.crm.connectors import connector_for
from openprm.integrations.crm.connectors.base import ConnectorError, ErrorKind

ACCOUNT = {
    "name": "Contract Test Ltd",
    "email": "info@contract.example",
    "billing_address_line": "-",
    "billing_street": "Main St 1",
    "billing_city": "Berlin",
    "billing_state": "BE",
    "billing_postcode": "10115",
    "billing_country": "DE",
}


@pytest.fixture(params=["bottlecrm", "csv"])
def connector(request, tmp_path):
    if request.param == "csv":
        return connector_for("csv", config={"folder": str(tmp_path)}, credentials={})
    crm = request.getfixturevalue("crm")
    return connector_for(
        "bottlecrm", config={"url": crm.url}, credentials=crm.credentials
    )


def test_connector_contract(connector):
    connector.check()
    assert "name" in {field.name for field in connector.describe_fields("accounts")} \
        or connector.open_schema  # fmt: skip

    created = connector.upsert("accounts", None, ACCOUNT)
    assert created.id
    assert created.values["name"] == "Contract Test Ltd"
    # creating the same again is harmless for a CRM with unique names
    assert connector.get("accounts", created.id).values["billing_city"] == "Berlin"

    updated = connector.upsert("accounts", created.id, {"billing_city": "Hamburg"})
    assert updated.id == created.id
    assert updated.values["billing_city"] == "Hamburg"
    assert updated.values["name"] == "Contract Test Ltd"  # the rest is kept

    page = connector.list_changed_since("accounts", None)
    assert [record.id for record in page.records] == [created.id]
    assert page.cursor is None

    connector.delete("accounts", created.id)
    assert connector.get("accounts", created.id) is None
    connector.delete("accounts", created.id)  # deleting twice is harmless


def test_bottlecrm_refusal_carries_the_crm_message(crm):
    connector = connector_for(
        "bottlecrm", config={"url": crm.url}, credentials=crm.credentials
    )
    with pytest.raises(ConnectorError) as refused:
        connector.upsert("accounts", None, {**ACCOUNT, "email": "not an email"})
    assert refused.value.kind == ErrorKind.REJECTED
    assert "email: Enter a valid email address." in refused.value.message


def test_csv_folder_missing_is_a_configuration_error(tmp_path):
    connector = connector_for(
        "csv", config={"folder": str(tmp_path / "nope")}, credentials={}
    )
    with pytest.raises(ConnectorError) as refused:
        connector.check()
    assert refused.value.kind == ErrorKind.CONFIG
