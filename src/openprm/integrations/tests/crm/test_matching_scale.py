"""Matching that scales (no CRM server: the CSV connector): a CRM record is scored
against the partners sharing a blocking key with it, not every unlinked partner;
an outgoing record is matched against the run's complete listing of the CRM, not
looked for in the CRM once each."""

import csv

import pytest

from openprm.integrations.crm import engine, services, tasks
from openprm.integrations.crm.connectors.csv_files import CsvConnector
from openprm.integrations.crm.models import RunStatus, SyncLink
from openprm.integrations.tests.crm.factories import connection_for
from openprm.partners import duplicates
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def write_accounts(folder, names: list[str]) -> None:
    with (folder / "accounts.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "website", "billing_city", "billing_country"])
        for number, name in enumerate(names, start=1):
            writer.writerow([f"crm-{number}", name, "", "Berlin", "DE"])


def crm_names(folder) -> list[str]:
    with (folder / "accounts.csv").open(newline="", encoding="utf-8") as handle:
        return [row["name"] for row in csv.DictReader(handle)]


def start(connection):
    started = services.crm_run_start(
        actor=connection.run_as, connection=connection, full=True, enqueue=False
    )
    return services.crm_run_claim(run_id=started.pk, stale_after=tasks.stale_after())


@pytest.fixture
def scored(monkeypatch):
    """The names the matcher scored, and how many records each was scored against."""
    seen = []
    real = duplicates.find_candidates

    def spy(*, name, website, partners):
        partners = list(partners)
        seen.append((name, len(partners)))
        return real(name=name, website=website, partners=partners)

    monkeypatch.setattr(duplicates, "find_candidates", spy)
    return seen


@pytest.fixture
def searches(monkeypatch):
    """The searches the sync made in the CRM."""
    made = []
    real = CsvConnector.find

    def spy(self, object_name, text):
        made.append(text)
        return real(self, object_name, text)

    monkeypatch.setattr(CsvConnector, "find", spy)
    return made


def test_crm_record_is_scored_only_against_partners_sharing_a_blocking_key(
    tmp_path, scored
):
    # Given 61 partners, one of which the CRM has as "ACME GmbH.", and a CRM
    # account only the CRM has
    PartnerFactory(name="Acme Gmbh")
    for number in range(60):
        PartnerFactory(name=f"Filler {number} Ltd")
    write_accounts(tmp_path, ["ACME GmbH.", "Zeta Trading"])
    connection = connection_for(folder=tmp_path)

    # When the first sync runs
    finished = engine.run_execute(start(connection))

    # Then "ACME GmbH." was scored against the one partner starting like it (not
    # the 61 unlinked ones) and linked to it; "Zeta Trading" against none
    assert finished.status == RunStatus.DONE, finished.error
    assert [count for name, count in scored if name == "ACME GmbH."] == [1]
    assert [count for name, count in scored if name == "Zeta Trading"] == [0]
    acme = Partner.objects.get(name="Acme Gmbh")
    assert SyncLink.objects.get(local_id=acme.pk).remote_id == "crm-1"
    # And nothing exists twice: 60 partners created in the CRM, 1 from it
    assert (finished.linked, finished.created, finished.errors) == (1, 61, 0)
    names = crm_names(tmp_path)
    assert len(names) == 62 and "Acme Gmbh" not in names
    assert Partner.objects.count() == 62


def test_outgoing_records_are_matched_against_the_listing_without_searching(
    tmp_path, searches
):
    # Given 20 partners, the CRM holding 2 of them under other names
    for number in range(20):
        PartnerFactory(name=f"Company{number:02d} GmbH")
    write_accounts(tmp_path, ["COMPANY03 GMBH.", "Company07 Ltd"])
    connection = connection_for(folder=tmp_path)

    # When the first sync runs (its pull lists the whole CRM)
    finished = engine.run_execute(start(connection))

    # Then no outgoing record was looked for in the CRM, and nothing is doubled
    assert finished.status == RunStatus.DONE, finished.error
    assert searches == []
    assert (finished.linked, finished.created) == (2, 18)
    assert len(crm_names(tmp_path)) == 20


def test_a_run_without_the_listing_looks_for_each_outgoing_record(tmp_path, searches):
    # Given a run taken over after its pull was done (the listing is not in this
    # process), and a partner the CRM has under another name
    PartnerFactory(name="Acme Gmbh")
    PartnerFactory(name="Northwind")
    write_accounts(tmp_path, ["ACME GmbH."])
    connection = connection_for(folder=tmp_path)
    run = start(connection)
    run.cursor = {"partners": {"in": None, "in_done": True}}
    run.save(update_fields=["cursor"])

    # When it goes on
    finished = engine.run_execute(run)

    # Then each outgoing record is looked for in the CRM, and the one it has is
    # linked, not created again
    assert finished.status == RunStatus.DONE, finished.error
    assert sorted(searches) == ["Acme Gmbh", "Northwind"]
    assert (finished.linked, finished.created) == (1, 1)
    assert sorted(crm_names(tmp_path)) == ["ACME GmbH.", "Northwind"]
