"""A worker killed in the middle of a run: the run is taken over from its cursor and
nothing is lost or created twice, on either side."""

import pytest
from django.utils import timezone

from openprm.integrations.crm import engine, services, tasks
from openprm.integrations.crm.connectors import bottlecrm
from openprm.integrations.crm.models import LinkState, RunStatus, SyncLink, SyncRun
from openprm.integrations.tests.crm.factories import connection_for
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """What a SIGKILL does to the engine: it stops between two instructions."""


class DyingConnector(bottlecrm.BottleCrmConnector):
    """The real BottleCRM connector, in a worker that dies right after the CRM
    created its ``die_after``-th record, before the sync could write it down."""

    die_after = 3
    created = 0

    def upsert(self, object_name, remote_id, values):
        record = super().upsert(object_name, remote_id, values)
        if remote_id is None:
            DyingConnector.created += 1
            if DyingConnector.created == self.die_after:
                raise WorkerKilled
        return record


def test_killed_run_resumes_without_loss_or_duplicates(crm, monkeypatch, settings):
    for number in range(8):
        PartnerFactory(name=f"Resume Partner {number}")
    connection = connection_for(crm)
    run = services.crm_run_start(
        actor=connection.run_as, connection=connection, full=True, enqueue=False
    )
    claimed = services.crm_run_claim(run_id=run.pk, stale_after=tasks.stale_after())
    DyingConnector.created = 0
    monkeypatch.setitem(engine.connector_for.__globals__["CONNECTORS"], "bottlecrm",
                        DyingConnector)  # fmt: skip

    # When the worker dies mid-run
    with pytest.raises(WorkerKilled):
        engine.run_execute(claimed)
    monkeypatch.undo()
    assert SyncRun.objects.get(pk=run.pk).status == RunStatus.RUNNING
    assert SyncLink.objects.filter(state=LinkState.CREATING).count() == 1

    # Then no other worker takes it while its heartbeat is fresh
    assert (
        services.crm_run_claim(run_id=run.pk, stale_after=tasks.stale_after()) is None
    )
    # And once it is stale, the next worker resumes it from its cursor
    SyncRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - tasks.stale_after() * 2
    )
    resumed = services.crm_run_claim(run_id=run.pk, stale_after=tasks.stale_after())
    finished = engine.run_execute(resumed)

    assert finished.status == RunStatus.DONE, finished.error
    names = sorted(record["name"] for record in crm.accounts())
    assert names == [f"Resume Partner {number}" for number in range(8)]
    assert SyncLink.objects.filter(state=LinkState.LINKED).count() == 8
    assert Partner.objects.count() == 8
    assert set(Partner.objects.values_list("external_id", flat=True)) == {
        link.remote_id for link in SyncLink.objects.all()
    }


def test_next_run_after_a_killed_one_links_the_record_it_was_creating(crm, monkeypatch):
    for number in range(4):
        PartnerFactory(name=f"Second Chance {number}")
    connection = connection_for(crm)
    run = services.crm_run_start(
        actor=connection.run_as, connection=connection, full=True, enqueue=False
    )
    claimed = services.crm_run_claim(run_id=run.pk, stale_after=tasks.stale_after())
    DyingConnector.created = 0
    monkeypatch.setitem(engine.connector_for.__globals__["CONNECTORS"], "bottlecrm",
                        DyingConnector)  # fmt: skip
    with pytest.raises(WorkerKilled):
        engine.run_execute(claimed)
    monkeypatch.undo()
    # The killed run is given up rather than resumed; a new run starts from scratch
    SyncRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)

    again = services.crm_run_start(
        actor=connection.run_as, connection=connection, full=True, enqueue=False
    )
    run_again = services.crm_run_claim(run_id=again.pk, stale_after=tasks.stale_after())
    finished = engine.run_execute(run_again)

    assert finished.status == RunStatus.DONE, finished.error
    assert sorted(record["name"] for record in crm.accounts()) == [
        f"Second Chance {number}" for number in range(4)
    ]
    assert Partner.objects.count() == 4
    assert SyncLink.objects.filter(state=LinkState.LINKED).count() == 4
