"""An account someone creates in the CRM while a run is under way — after the
run's listing read the CRM, before its push reaches the partner it looks like —
is found before the partner is created there: linked, not duplicated."""

import pytest

from openprm.integrations.crm import engine
from openprm.integrations.crm.connectors import bottlecrm
from openprm.integrations.crm.models import Outcome, RunStatus, SyncLink, SyncLogEntry
from openprm.integrations.tests.crm.factories import connection_for
from openprm.integrations.tests.crm.test_bottlecrm_sync import account, by_name, run
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


class ColleagueAtWork(bottlecrm.BottleCrmConnector):
    """The real BottleCRM connector; the moment its listing of the accounts ends,
    a colleague works in the CRM (through its API, on the real server):
    ``before_push`` is called with the server once."""

    crm = None
    before_push = None

    def list_changed_since(self, object_name, cursor):
        page = super().list_changed_since(object_name, cursor)
        if page.cursor is None and ColleagueAtWork.before_push is not None:
            work, ColleagueAtWork.before_push = ColleagueAtWork.before_push, None
            work(ColleagueAtWork.crm)
        return page


@pytest.fixture
def colleague(crm, monkeypatch):
    monkeypatch.setitem(engine.connector_for.__globals__["CONNECTORS"], "bottlecrm",
                        ColleagueAtWork)  # fmt: skip
    ColleagueAtWork.crm = crm
    yield ColleagueAtWork
    ColleagueAtWork.before_push = None


def test_account_created_during_the_run_is_linked_not_duplicated(crm, colleague):
    # Given 5 partners, none in the CRM yet, and a run whose listing of the CRM
    # ends just before a colleague adds two of them there under other names
    for name in ("Contoso GmbH", "Northwind Traders", "Fabrikam AG", "Litware",
                 "Tailspin Toys"):  # fmt: skip
        PartnerFactory(name=name)
    colleague.before_push = lambda server: (
        account(server, "CONTOSO Ltd."),
        account(server, "Fabrikam A.G."),
    )
    connection = connection_for(crm)
    before = len(crm.requests_served())

    # When the run pushes the partners
    finished = run(connection)
    served = crm.requests_served()[before:]

    # Then the two are linked to the colleague's accounts and only the three
    # others are created: the CRM holds five accounts, not seven
    assert finished.status == RunStatus.DONE, finished.error
    assert (finished.linked, finished.created, finished.queued) == (2, 3, 0)
    accounts = by_name(crm)
    assert sorted(accounts) == [
        "CONTOSO Ltd.", "Fabrikam A.G.", "Litware", "Northwind Traders",
        "Tailspin Toys",
    ]  # fmt: skip
    contoso = Partner.objects.get(name="Contoso GmbH")
    link = SyncLink.objects.get(connection=connection, local_id=contoso.pk)
    assert link.remote_id == str(accounts["CONTOSO Ltd."]["id"])
    assert SyncLogEntry.objects.filter(
        connection=connection, outcome=Outcome.LINKED, local_id=contoso.pk
    ).exists()
    # And the look costs one request per record about to be created (the
    # accounts added since the listing, read from where it ended): Contoso's
    # found both of the colleague's accounts, so Fabrikam needed none
    creates = sum(line.startswith("POST /api/accounts/ ") for line in served)
    assert creates == 3 + 2  # the sync's 3, the colleague's 2
    listed = "GET /api/accounts/?limit=100&offset="
    tail_reads = [s for s in served if s.startswith(listed) and "name=" not in s]
    assert len(tail_reads) == 1 + 1 + 3  # the listing, Contoso, the 3 created

    # And the next run changes nothing
    again = run(connection)
    assert (again.created, again.linked, again.errors) == (0, 0, 0)
    assert len(crm.accounts()) == 5


def test_account_deleted_during_the_run_falls_back_to_searching_the_crm(crm, colleague):
    # Given a CRM account nobody links to, and a colleague who, once the run has
    # listed the CRM, deletes it and adds a look-alike of a partner: the
    # offsets the run would read new accounts from have shifted
    account(crm, "Old Prospect Inc.")
    for name in ("Contoso GmbH", "Northwind Traders", "Litware"):
        PartnerFactory(name=name)
    connection = connection_for(crm, directions={"partners": {"out": True}})

    def work(server):
        gone = by_name(server)["Old Prospect Inc."]["id"]
        server.request("DELETE", f"/api/accounts/{gone}/")
        account(server, "Litware Ltd.")

    colleague.before_push = work

    # When the run pushes the partners
    finished = run(connection)

    # Then the connector cannot vouch for what was added: each partner about to
    # be created is looked for in the CRM instead, and Litware is linked
    assert finished.status == RunStatus.DONE, finished.error
    assert (finished.linked, finished.created, finished.queued) == (1, 2, 0)
    assert sorted(by_name(crm)) == ["Contoso GmbH", "Litware Ltd.", "Northwind Traders"]
