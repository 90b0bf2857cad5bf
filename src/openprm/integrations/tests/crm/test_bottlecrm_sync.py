"""The sync against a real BottleCRM server (see openprm.testing.bottlecrm)."""

import pytest

from openprm.integrations.crm import engine, services, tasks
from openprm.integrations.crm.models import (
    ChangeStatus,
    MatchDecision,
    OutgoingChange,
    RunStatus,
    SyncLink,
    SyncLogEntry,
)
from openprm.integrations.tests.crm.factories import connection_for
from openprm.partners import services as partner_services
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def account(crm, name: str, **extra) -> None:
    crm.request(
        "POST",
        "/api/accounts/",
        {
            "name": name,
            "email": extra.pop("email", "info@example.com"),
            "billing_address_line": "-",
            "billing_street": extra.pop("street", "Main St 1"),
            "billing_city": extra.pop("city", "Berlin"),
            "billing_state": "BE",
            "billing_postcode": "10115",
            "billing_country": extra.pop("country", "DE"),
            **extra,
        },
    )


FORM = (
    "name", "email", "billing_address_line", "billing_street", "billing_city",
    "billing_state", "billing_postcode", "billing_country",
)  # fmt: skip


def by_name(crm) -> dict[str, dict]:
    return {record["name"]: record for record in crm.accounts()}


def run(connection, *, full: bool = True):
    started = services.crm_run_start(
        actor=connection.run_as, connection=connection, full=full, enqueue=False
    )
    claimed = services.crm_run_claim(run_id=started.pk, stale_after=tasks.stale_after())
    return engine.run_execute(claimed)


def test_initial_sync_links_similar_names_and_creates_no_duplicate(crm):
    # Given 6 partners, 3 of which the CRM has under slightly different names,
    # and 2 accounts only the CRM has
    for number in range(3):
        account(crm, f"Contoso {number} Ltd.")
        PartnerFactory(name=f"Contoso {number} GmbH")
    for number in range(3):
        PartnerFactory(name=f"Northwind {number}")
    account(crm, "Fabrikam Trading", city="Paris", country="FR")
    account(crm, "Tailspin Toys", city="Madrid", country="ES")
    connection = connection_for(crm)

    # When the first sync runs
    finished = run(connection)

    # Then the 3 pairs are linked, the 3 others created in the CRM, the 2 CRM
    # accounts created as partners, and nothing exists twice
    assert finished.status == RunStatus.DONE, finished.error
    assert (finished.linked, finished.created, finished.errors) == (3, 5, 0)
    names = sorted(by_name(crm))
    assert len(names) == 8
    assert "Northwind 0" in names and "Contoso 0 GmbH" not in names
    assert Partner.objects.count() == 8
    fabrikam = Partner.objects.get(name="Fabrikam Trading")
    assert (fabrikam.country, fabrikam.city, fabrikam.region) == ("FR", "Paris", "EMEA")
    assert SyncLink.objects.filter(connection=connection).count() == 8

    # And a second run changes nothing
    again = run(connection)
    assert (again.created, again.linked, again.updated, again.errors) == (0, 0, 0, 0)
    assert len(crm.accounts()) == 8


def test_partner_edit_reaches_the_crm_and_crm_edit_reaches_the_partner(
    crm, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(name="Adventure Works", city="Berlin")
    connection = connection_for(crm)
    run(connection)
    remote_id = SyncLink.objects.get(local_id=partner.pk).remote_id

    # When the partner's city changes in OpenPRM (the outbox queues it, the worker
    # sends it)
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.partner_update(
            partner=partner, actor=connection.run_as, data={"city": "Hamburg"}
        )
    # Then the CRM has it
    assert (
        crm.request("GET", f"/api/accounts/{remote_id}/")["account_obj"]["billing_city"]
        == "Hamburg"
    )
    assert OutgoingChange.objects.get(local_id=partner.pk).status == ChangeStatus.DONE

    # When the account's city changes in the CRM
    current = crm.request("GET", f"/api/accounts/{remote_id}/")["account_obj"]
    form = {k: current[k] for k in FORM if k != "billing_city"}
    crm.request(
        "PUT", f"/api/accounts/{remote_id}/", {**form, "billing_city": "Munich"}
    )
    finished = run(connection, full=False)

    # Then the partner has it, and the change did not echo back as an update
    partner.refresh_from_db()
    assert partner.city == "Munich"
    assert finished.updated == 1
    assert SyncLogEntry.objects.filter(outcome="updated", direction="in").count() == 1


def test_field_changed_on_both_sides_is_decided_by_its_rule_and_logged(crm):
    partner = PartnerFactory(name="Litware", city="Berlin", country="DE")
    connection = connection_for(crm)
    run(connection)
    remote_id = SyncLink.objects.get(local_id=partner.pk).remote_id
    # Both sides change the country (rule: the CRM wins) and the city (newest
    # wins: BottleCRM keeps no change times, so its change counts as seen now)
    partner_services.partner_update(
        partner=partner, actor=connection.run_as, data={"country": "AT", "city": "Wien"}
    )
    current = crm.request("GET", f"/api/accounts/{remote_id}/")["account_obj"]
    form = {k: current[k] for k in FORM if k not in ("billing_city", "billing_country")}
    crm.request(
        "PUT",
        f"/api/accounts/{remote_id}/",
        {**form, "billing_country": "CH", "billing_city": "Zurich"},
    )

    finished = run(connection)

    partner.refresh_from_db()
    assert (partner.country, partner.city) == ("CH", "Zurich")
    conflict = SyncLogEntry.objects.get(outcome="conflict")
    decided = {d["field"]: d for d in conflict.details["decisions"]}
    assert decided["country"]["winner"] == "crm"
    assert decided["country"]["rule"] == "crm"
    assert decided["city"]["winner"] == "crm"
    assert finished.conflicts == 1


def test_uncertain_match_waits_for_a_person_and_creates_nothing(crm):
    account(crm, "Proseware Solutions")
    PartnerFactory(name="Proseware Solution")
    connection = connection_for(crm, auto_link_score=99)

    finished = run(connection)

    decision = MatchDecision.objects.get()  # one: the partner waits with it
    assert decision.label == "Proseware Solutions"
    assert finished.queued >= 1
    assert Partner.objects.count() == 1
    assert len(crm.accounts()) == 1

    # When a person links them, the next run has nothing to create
    services.crm_decision_resolve(
        actor=connection.run_as,
        decision=decision,
        choice="link",
        key=decision.candidates[0]["key"],
    )
    again = run(connection)
    assert again.created == 0
    assert len(crm.accounts()) == 1


def test_wrong_credentials_stop_the_run_with_a_clear_error(crm):
    PartnerFactory(name="Trey Research")
    connection = connection_for(crm)
    services.crm_connection_update(
        actor=connection.run_as,
        connection=connection,
        data={},
        secret={"email": crm.email, "password": "wrong"},
    )

    finished = run(connection)

    connection.refresh_from_db()
    assert finished.status == RunStatus.FAILED
    assert "refused the credentials" in finished.error
    assert "doesnot match" in connection.last_error  # the CRM's own words
    assert SyncLogEntry.objects.filter(outcome="error").count() == 1
    assert crm.accounts() == []


def test_crm_down_is_a_clear_error_on_the_connection(crm):
    connection = connection_for(crm)
    services.crm_connection_update(
        actor=connection.run_as,
        connection=connection,
        data={"config": {"url": "http://127.0.0.1:9"}},
    )

    finished = run(connection)

    connection.refresh_from_db()
    assert finished.status == RunStatus.FAILED
    assert "cannot be reached" in connection.last_error


def test_value_the_crm_picklist_does_not_know_is_logged_and_stops_nothing(crm):
    PartnerFactory(name="Good One")
    PartnerFactory(name="Bad Two")
    connection = connection_for(crm)
    fields = [
        *connection.mappings.get(object_type="partners").fields,
        {"local": "name", "remote": "status", "direction": "out",
         "out": [["map", {"Good One": "open"}, "unknown-status"]]},
    ]  # fmt: skip
    services.crm_mapping_save(
        actor=connection.run_as, connection=connection, object_type="partners",
        fields=fields,
    )  # fmt: skip

    finished = run(connection)

    assert finished.status == RunStatus.DONE
    assert finished.errors == 1  # the CRM knows open and close only
    assert len(crm.accounts()) == 1  # the good one was sent
    error = SyncLogEntry.objects.filter(outcome="error").first()
    assert "does not know “unknown-status”" in error.message


def test_mapping_to_a_field_the_crm_lacks_stops_the_run(crm):
    connection = connection_for(crm)
    fields = [
        *connection.mappings.get(object_type="partners").fields,
        {"local": "city", "remote": "town"},
    ]
    services.crm_mapping_save(
        actor=connection.run_as, connection=connection, object_type="partners",
        fields=fields,
    )  # fmt: skip

    finished = run(connection)

    assert finished.status == RunStatus.FAILED
    assert "The CRM has no field “town”" in finished.error


def test_sending_a_change_keeps_the_crm_fields_openprm_does_not_own(crm):
    account(crm, "Blue Yonder", description="Key account, call Ann")
    partner = PartnerFactory(name="Blue Yonder")
    connection = connection_for(crm)
    run(connection)

    partner_services.partner_update(
        partner=partner, actor=connection.run_as, data={"city": "Bonn"}
    )
    run(connection)

    remote = by_name(crm)["Blue Yonder"]
    assert remote["billing_city"] == "Bonn"
    assert remote["description"] == "Key account, call Ann"
    assert remote["billing_street"] == "Main St 1"  # not the "-" placeholder


WORDS = [
    "alder", "birch", "cedar", "delta", "ember", "falcon", "garnet", "harbor",
    "indigo", "juniper", "kestrel", "lumen", "marble", "nimbus", "onyx", "pioneer",
    "quartz", "raven", "summit", "tundra", "umber", "vertex", "willow", "xenon",
    "yonder", "zephyr",
]  # fmt: skip


def organisation(number: int) -> str:
    """Three words and the number: far from every other number's name (unlike
    "Partner 17" and "Partner 117", which the matcher rightly finds alike)."""
    size = len(WORDS)
    words = (
        WORDS[number % size],
        WORDS[number // size % size],
        WORDS[number // size**2 % size],
    )
    return " ".join(word.title() for word in words) + f" {number}"


def test_initial_sync_of_1000_accounts_links_100_and_creates_no_duplicate(crm):
    # Given 1,000 partners, 100 of which the CRM already has under slightly
    # different names ("Alder Birch Alder 1 GmbH" is "ALDER BIRCH ALDER 1 GMBH.",
    # "Alder Birch Alder 2 Gmbh" or "Alder Birch Alder 3 Ltd." there)
    variants = ("{} GMBH.", "{} Gmbh", "{} Ltd.")
    for number in range(1000):
        PartnerFactory(name=f"{organisation(number)} GmbH")
    for number in range(100):
        name = organisation(number)
        account(
            crm, variants[number % 3].format(name.upper() if number % 3 == 0 else name)
        )
    connection = connection_for(crm)
    before = len(crm.requests_served())

    # When the first sync runs
    finished = run(connection)

    # Then those 100 are linked, the 900 others created, none left for a person
    assert finished.status == RunStatus.DONE, finished.error
    assert (finished.linked, finished.created, finished.queued, finished.errors) == (
        100, 900, 0, 0,
    )  # fmt: skip
    # And each account created in the CRM cost three requests (the accounts
    # added since the listing, read from where it ended; the create; the read
    # back by its name); the pull read the CRM in a few pages
    served = crm.requests_served()[before:]
    assert sum(line.startswith("POST /api/accounts/ ") for line in served) == 900
    assert len(served) <= 3 * 900 + 6
    # And nothing exists twice on either side: the CRM's accounts (counted
    # through its API) are the 1,000 partners, each linked to its own account
    accounts = crm.accounts()
    assert len(accounts) == 1000
    assert len({record["name"].casefold() for record in accounts}) == 1000
    assert Partner.objects.count() == 1000
    links = SyncLink.objects.filter(connection=connection)
    assert links.count() == 1000
    assert len(set(links.values_list("remote_id", flat=True))) == 1000
    linked_first = Partner.objects.get(name=f"{organisation(0)} GmbH")
    assert links.get(local_id=linked_first.pk).remote_id == str(
        next(
            a["id"] for a in accounts if a["name"] == f"{organisation(0).upper()} GMBH."
        )
    )
