"""Access policies of the integrations.

Webhooks: vendor admins only; every other signed-in user, vendor staff included,
gets 403 — also for objects that exist — so that nothing can be learnt about
endpoints or deliveries. Imports: importers (a channel manager follows only their
own). Exports: any vendor staff, scoped as the directory page is.
"""

import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile

from openprm.incentives.tests import policies as incentive_policies
from openprm.integrations.crm.models import (
    ConflictStatus,
    DecisionStatus,
    MatchDecision,
    OutgoingChange,
    SyncConflict,
    SyncLink,
    SyncRun,
)
from openprm.integrations.models import ImportJob, ImportStatus
from openprm.integrations.permissions import (
    EXPORT,
    FOLLOW_ALL_IMPORTS,
    IMPORT,
    MANAGE_CRM_SYNC,
    MANAGE_WEBHOOKS,
)
from openprm.integrations.tests.crm.factories import (
    CrmConnectionFactory,
    MatchDecisionFactory,
    OutgoingChangeFactory,
)
from openprm.integrations.tests.factories import (
    WebhookAttemptFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)
from openprm.testing.authz import HIDE, LOGIN, VENDOR_ACTORS, Policy, vendor

ADMIN = vendor(rule=MANAGE_WEBHOOKS)


def endpoint(world):
    return WebhookEndpointFactory()


def delivery(world):
    return WebhookDeliveryFactory(event__partner_id=world.owner.pk)


def attempt(world):
    return WebhookAttemptFactory(delivery__event__partner_id=world.owner.pk)


def endpoint_kwargs(obj):
    return {"public_id": obj.public_id}


def delivery_kwargs(obj):
    return {"public_id": obj.public_id}


def endpoint_form(obj):
    return {"url": "https://crm.example.com/hooks", "event_types": "partner.*"}


def api_endpoint_kwargs(obj):
    return {"endpoint_id": obj.public_id}


def api_delivery_kwargs(obj):
    return {"delivery_id": obj.public_id}


IMPORTERS = vendor(rule=IMPORT)
EXPORTERS = vendor(rule=EXPORT)
# Importers who follow only the imports they started.
OWN_IMPORTS_ONLY = IMPORT.vendor - FOLLOW_ALL_IMPORTS.vendor


def import_job(world):
    """A previewed import started by the vendor admin."""
    return ImportJob.objects.create(
        created_by=world.users["vendor_admin"],
        file_name="partners.csv",
        status="previewed",
        total=1,
        will_fail=1,
    )


def import_kwargs(obj):
    return {"public_id": obj.public_id}


def api_import_kwargs(obj):
    return {"import_id": obj.public_id}


def someone_elses_import(actor: str):
    """Importers only; an importer who follows only their own imports (a channel
    manager) does not find the vendor admin's."""
    if VENDOR_ACTORS.get(actor) in OWN_IMPORTS_ONLY:
        return HIDE
    return IMPORTERS(actor)


def partners_csv(obj) -> dict:
    """A real file to upload: two partners, one of them with a bad region."""
    return {
        "file": SimpleUploadedFile(
            "partners.csv",
            b"name,partner_type,country,region\n"
            b"Acme,reseller,DE,EMEA\n"
            b"Bad,reseller,DE,MARS\n",
            content_type="text/csv",
        )
    }


def import_count(world) -> int:
    return ImportJob.objects.count()


def one_more_import(before: int) -> bool:
    return ImportJob.objects.count() == before + 1


def queued(job) -> bool:
    return ImportJob.objects.get(pk=job.pk).status == ImportStatus.QUEUED


SYNC_ADMIN = vendor(rule=MANAGE_CRM_SYNC)


def crm_connection(world):
    """A CSV connection to an empty exchange folder (no server needed)."""
    return CrmConnectionFactory(folder=tempfile.mkdtemp(prefix="crm-policy-"))


def crm_connection_with_partner(world):
    """The connection, and the owner partner to send again ("re-sync")."""
    connection = crm_connection(world)
    connection.partner_id = world.owner.pk
    return connection


def crm_decision(world):
    """A CRM record that may be the owner partner, waiting for a person."""
    return MatchDecisionFactory(
        connection=crm_connection(world),
        candidates=[{"key": world.owner.pk, "label": world.owner.name,
                     "score": 90, "reasons": []}],
    )  # fmt: skip


def crm_conflict(world):
    """The owner partner's city, changed on both sides, waiting for a person."""
    connection = crm_connection(world)
    SyncLink.objects.create(
        connection=connection, object_type="partners", local_id=world.owner.pk,
        remote_id="7",
    )  # fmt: skip
    return SyncConflict.objects.create(
        connection=connection, object_type="partners", local_id=world.owner.pk,
        remote_id="7", label=world.owner.name, field="city",
        openprm_value=world.owner.city, crm_value="Bremen",
    )  # fmt: skip


def conflict_decided(conflict) -> bool:
    return SyncConflict.objects.get(pk=conflict.pk).status != ConflictStatus.PENDING


def crm_dead_letter(world):
    return OutgoingChangeFactory(
        connection=crm_connection(world), local_id=world.owner.pk
    )


def crm_kwargs(obj):
    return {"public_id": obj.public_id}


def crm_api_kwargs(obj):
    return {"connection_id": obj.public_id}


def crm_connection_form(obj):
    return {
        "name": "Vendor CRM (edited)",
        "connector_type": "csv",
        "folder": tempfile.mkdtemp(prefix="crm-policy-"),
        "partners_in": "on",
        "partners_out": "on",
        "schedule_minutes": "15",
        "auto_link_score": "95",
    }


def one_more_run(connection) -> bool:
    return SyncRun.objects.filter(connection=connection).count() == 1


def decided(decision) -> bool:
    return MatchDecision.objects.get(pk=decision.pk).status != DecisionStatus.PENDING


def retried(change) -> bool:
    return OutgoingChange.objects.get(pk=change.pk).status == "pending"


ENDPOINTS = "api:{method} /api/v1/webhook-endpoints"
DELIVERIES = "api:{method} /api/v1/webhook-deliveries"


POLICIES = [
    # Console pages.
    Policy("web:console:webhook_list", ADMIN),
    Policy("web:console:webhook_create", ADMIN, method="POST", data=endpoint_form),
    Policy("web:console:webhook_delivery_list", ADMIN, query="?status=failed"),
    Policy("web:console:webhook_detail", ADMIN, make=endpoint, kwargs=endpoint_kwargs),
    Policy(
        "web:console:webhook_update",
        ADMIN,
        method="POST",
        make=endpoint,
        kwargs=endpoint_kwargs,
        data=endpoint_form,
    ),
    Policy(
        "web:console:webhook_set_active",
        ADMIN,
        method="POST",
        make=endpoint,
        kwargs=endpoint_kwargs,
        data=lambda obj: {"is_active": "0"},
    ),
    Policy(
        "web:console:webhook_delete",
        ADMIN,
        method="POST",
        make=endpoint,
        kwargs=endpoint_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:webhook_rotate_secret",
        ADMIN,
        method="POST",
        make=endpoint,
        kwargs=endpoint_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:webhook_test_send",
        ADMIN,
        method="POST",
        make=endpoint,
        kwargs=endpoint_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:webhook_delivery_detail",
        ADMIN,
        make=delivery,
        kwargs=delivery_kwargs,
    ),
    Policy(
        "web:console:webhook_delivery_retry",
        ADMIN,
        method="POST",
        make=delivery,
        kwargs=delivery_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:webhook_attempt_detail",
        ADMIN,
        make=attempt,
        kwargs=lambda obj: {"public_id": obj.delivery.public_id, "number": obj.number},
    ),
    # API operations.
    Policy(ENDPOINTS.format(method="GET"), ADMIN),
    Policy(
        ENDPOINTS.format(method="POST"),
        ADMIN,
        data=lambda obj: {"url": "https://crm.example.com/", "event_types": ["*"]},
    ),
    Policy(
        ENDPOINTS.format(method="GET") + "/{endpoint_id}",
        ADMIN,
        make=endpoint,
        kwargs=api_endpoint_kwargs,
    ),
    Policy(
        ENDPOINTS.format(method="PATCH") + "/{endpoint_id}",
        ADMIN,
        make=endpoint,
        kwargs=api_endpoint_kwargs,
        data=lambda obj: {"description": "CRM"},
    ),
    Policy(
        ENDPOINTS.format(method="DELETE") + "/{endpoint_id}",
        ADMIN,
        make=endpoint,
        kwargs=api_endpoint_kwargs,
    ),
    Policy(
        ENDPOINTS.format(method="POST") + "/{endpoint_id}/rotate-secret",
        ADMIN,
        make=endpoint,
        kwargs=api_endpoint_kwargs,
    ),
    Policy(
        ENDPOINTS.format(method="POST") + "/{endpoint_id}/test",
        ADMIN,
        make=endpoint,
        kwargs=api_endpoint_kwargs,
    ),
    Policy(
        DELIVERIES.format(method="GET"),
        ADMIN,
        make=delivery,
        query="?status=pending",
    ),
    Policy(
        DELIVERIES.format(method="GET") + "/{delivery_id}",
        ADMIN,
        make=delivery,
        kwargs=api_delivery_kwargs,
    ),
    Policy(
        DELIVERIES.format(method="POST") + "/{delivery_id}/retry",
        ADMIN,
        make=delivery,
        kwargs=api_delivery_kwargs,
    ),
    # Directory exports: any vendor staff, scoped as the directory page is.
    Policy("web:console:partner_export_csv", EXPORTERS),
    Policy("web:console:partner_export_xlsx", EXPORTERS),
    # Uploading stores the file and queues its check (no business data changes,
    # so no audit entry or event): one more import is how to tell.
    Policy(
        "web:console:import_start",
        IMPORTERS,
        method="POST",
        make=import_count,
        files=partners_csv,
        happened=one_more_import,
    ),
    Policy(
        "web:console:import_detail",
        someone_elses_import,
        make=import_job,
        kwargs=import_kwargs,
    ),
    # Confirming queues the run: the worker writes the rows (each audited) after
    # the request, so the job's state is how to tell it was confirmed.
    Policy(
        "web:console:import_confirm",
        someone_elses_import,
        method="POST",
        make=import_job,
        kwargs=import_kwargs,
        happened=queued,
    ),
    Policy("api:GET /api/v1/exports/partners.csv", EXPORTERS),
    Policy("api:GET /api/v1/exports/partners.xlsx", EXPORTERS),
    Policy(
        "api:POST /api/v1/imports",
        IMPORTERS,
        make=import_count,
        files=partners_csv,
        happened=one_more_import,
    ),
    Policy(
        "api:GET /api/v1/imports/{import_id}",
        someone_elses_import,
        make=import_job,
        kwargs=api_import_kwargs,
    ),
    Policy(
        "api:POST /api/v1/imports/{import_id}/run",
        someone_elses_import,
        make=import_job,
        kwargs=api_import_kwargs,
        happened=queued,
    ),
    Policy(
        "api:GET /api/v1/imports/{import_id}/errors",
        someone_elses_import,
        make=import_job,
        kwargs=api_import_kwargs,
    ),
    Policy(
        "api:GET /api/v1/imports/{import_id}/duplicates",
        someone_elses_import,
        make=import_job,
        kwargs=api_import_kwargs,
    ),
    # CRM sync: vendor admins only.
    Policy("web:console:crm_connection_list", SYNC_ADMIN),
    Policy(
        "web:console:crm_connection_create",
        SYNC_ADMIN,
        method="POST",
        data=crm_connection_form,
    ),
    Policy(
        "web:console:crm_connection_detail",
        SYNC_ADMIN,
        make=crm_connection,
        kwargs=crm_kwargs,
    ),
    Policy(
        "web:console:crm_connection_update",
        SYNC_ADMIN,
        method="POST",
        make=crm_connection,
        kwargs=crm_kwargs,
        data=crm_connection_form,
    ),
    Policy(
        "web:console:crm_mapping_edit",
        SYNC_ADMIN,
        method="POST",
        make=crm_connection,
        kwargs=crm_kwargs,
        data=lambda obj: {"fields_json": '[{"local": "name", "remote": "name"}]'},
    ),
    Policy(
        "web:console:crm_run_start",
        SYNC_ADMIN,
        method="POST",
        make=crm_connection,
        kwargs=crm_kwargs,
        happened=one_more_run,
    ),
    Policy(
        "web:console:crm_record_resync",
        SYNC_ADMIN,
        method="POST",
        make=crm_connection_with_partner,
        kwargs=crm_kwargs,
        data=lambda obj: {"local_id": obj.partner_id},
    ),
    Policy(
        "web:console:crm_dead_letter_retry",
        SYNC_ADMIN,
        method="POST",
        make=crm_dead_letter,
        kwargs=lambda obj: {"public_id": obj.connection.public_id, "pk": obj.pk},
        happened=retried,
    ),
    Policy(
        "web:console:crm_decision_resolve",
        SYNC_ADMIN,
        method="POST",
        make=crm_decision,
        kwargs=crm_kwargs,
        data=lambda obj: {"choice": "ignore"},
        happened=decided,
    ),
    Policy(
        "web:console:crm_conflict_resolve",
        SYNC_ADMIN,
        method="POST",
        make=crm_conflict,
        kwargs=crm_kwargs,
        data=lambda obj: {"choice": "crm"},
        happened=conflict_decided,
    ),
    Policy("api:GET /api/v1/crm-connections", SYNC_ADMIN),
    Policy(
        "api:POST /api/v1/crm-connections",
        SYNC_ADMIN,
        data=lambda obj: {
            "name": "API CRM",
            "connector_type": "csv",
            "config": {"folder": "/srv/crm"},
            "credentials": {"token": "secret"},
        },
    ),
    Policy(
        "api:GET /api/v1/crm-connections/{connection_id}",
        SYNC_ADMIN,
        make=crm_connection,
        kwargs=crm_api_kwargs,
    ),
    Policy(
        "api:PATCH /api/v1/crm-connections/{connection_id}",
        SYNC_ADMIN,
        make=crm_connection,
        kwargs=crm_api_kwargs,
        data=lambda obj: {"schedule_minutes": 5},
    ),
    Policy(
        "api:POST /api/v1/crm-connections/{connection_id}/runs",
        SYNC_ADMIN,
        make=crm_connection,
        kwargs=crm_api_kwargs,
        data=lambda obj: {"full": True},
        happened=one_more_run,
    ),
    Policy("api:GET /api/v1/crm-runs", SYNC_ADMIN),
    Policy(
        "api:GET /api/v1/crm-runs/{run_id}",
        SYNC_ADMIN,
        make=lambda world: SyncRun.objects.create(connection=crm_connection(world)),
        kwargs=lambda obj: {"run_id": obj.public_id},
    ),
    Policy("api:GET /api/v1/crm-log", SYNC_ADMIN),
    Policy("api:GET /api/v1/crm-match-decisions", SYNC_ADMIN),
    Policy(
        "api:POST /api/v1/crm-match-decisions/{decision_id}",
        SYNC_ADMIN,
        make=crm_decision,
        kwargs=lambda obj: {"decision_id": obj.public_id},
        data=lambda obj: {"choice": "ignore"},
        happened=decided,
    ),
    # The fulfilment service's callback is authenticated by its signature, not
    # by a user: without one, everyone is refused (401), nothing changes.
    Policy(
        "api:POST /api/v1/redemptions/{order_id}/fulfilment-callbacks",
        lambda actor: LOGIN,
        make=incentive_policies.order,
        kwargs=lambda obj: {"order_id": obj.public_id},
        data=lambda obj: {"status": "failed"},
    ),
    Policy("api:GET /api/v1/crm-conflicts", SYNC_ADMIN),
    Policy(
        "api:POST /api/v1/crm-conflicts/{conflict_id}",
        SYNC_ADMIN,
        make=crm_conflict,
        kwargs=lambda obj: {"conflict_id": obj.public_id},
        data=lambda obj: {"choice": "crm"},
        happened=conflict_decided,
    ),
]
