"""The kernel's batch recorder and emitter write what the per-row paths write."""

import pytest
from django.db import transaction
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core import audit, context, events
from openprm.core.models import AuditAction, AuditEntry, OutboxEvent
from openprm.partners.tests.factories import PartnerFactory

COLUMNS = (
    "actor_id",
    "actor_label",
    "token_id",
    "token_label",
    "action",
    "verb",
    "object_type",
    "object_id",
    "object_repr",
    "partner_id",
    "changes",
    "request_id",
    "client_ip",
)


@pytest.mark.django_db(transaction=True)
def test_a_batch_entry_is_the_row_record_writes():
    actor = VendorUserFactory(email="ops@vendor.example")
    partner = PartnerFactory(name="Acme")
    changes = {"status": ["prospect", "active"]}
    with context.acting(
        request_id="req-1", client_ip="10.0.0.9", token_id=7, token_label="CRM"
    ):
        single = audit.record(
            actor=actor,
            instance=partner,
            action=AuditAction.UPDATE,
            changes=changes,
            verb="partner.status_changed",
        )
        batch = audit.AuditBatch(actor=actor, now=timezone.now())
        batch.add(
            action=AuditAction.UPDATE,
            verb="partner.status_changed",
            object_type="partners.partner",
            object_id=partner.pk,
            label=str(partner),
            partner_id=partner.pk,
            changes=changes,
        )
        with transaction.atomic():
            batch.write()
    rows = AuditEntry.objects.filter(pk__gte=single.pk).order_by("id")
    assert len(rows) == 2
    assert rows.values(*COLUMNS)[0] == rows.values(*COLUMNS)[1]
    assert (rows[1].request_id, rows[1].token_label) == ("req-1", "CRM")


def test_a_batch_entry_without_a_verb_is_refused():
    batch = audit.AuditBatch(actor=None, now=timezone.now())
    with pytest.raises(ValueError, match="verb"):
        batch.add(
            action=AuditAction.CREATE,
            verb="",
            object_type="partners.partner",
            object_id=1,
            label="Acme",
            partner_id=1,
            changes={},
        )


@pytest.mark.django_db(transaction=True)
def test_a_batch_event_is_the_row_emit_writes():
    actor = VendorUserFactory()
    payload = {"id": 4, "name": "Acme \u00e9", "tags": ["a", "b"], "parent": None}
    fields = ("name", "version", "actor_id", "partner_id", "payload", "request_id")
    with context.acting(request_id="req-2"):
        with transaction.atomic():
            events.emit("partner.created", payload=payload, actor=actor, partner_id=4)
        batch = events.EventBatch(actor=actor, now=timezone.now())
        batch.add("partner.created", payload=payload, partner_id=4)
        with transaction.atomic():
            ids = batch.write()
    single, bulk = OutboxEvent.objects.filter(name="partner.created").order_by("id")
    assert ids == [bulk.pk]
    assert [getattr(single, name) for name in fields] == [
        getattr(bulk, name) for name in fields
    ]
    assert single.uuid != bulk.uuid


def _believed_rows(model) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_long_bulk_write_refreshes_the_planners_statistics_as_the_table_grows():
    from django.db import connection

    from openprm.core.bulk_sql import PlannerStatistics
    from openprm.core.models import SweepRun

    now = timezone.now()
    SweepRun.objects.bulk_create(
        [SweepRun(name=f"sweep {n}", next_run_at=now) for n in range(40)]
    )
    statistics = PlannerStatistics(SweepRun, at_least=10)
    assert statistics.wrote(5) is False  # fewer rows than its threshold
    if connection.vendor != "postgresql":
        assert statistics.wrote(40) is False  # SQLite plans without them
        return
    assert statistics.wrote(35) is True  # 40 written, never analysed: now
    assert _believed_rows(SweepRun) == 40
    SweepRun.objects.bulk_create(
        [SweepRun(name=f"more {n}", next_run_at=now) for n in range(20)]
    )
    assert statistics.wrote(20) is False  # 20 new rows, the planner believes 40
    SweepRun.objects.bulk_create(
        [SweepRun(name=f"again {n}", next_run_at=now) for n in range(20)]
    )
    assert statistics.wrote(20) is True  # as many again as it believed: refreshed
    assert _believed_rows(SweepRun) == 80
