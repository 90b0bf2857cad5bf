"""Access policies of the webhook pages and endpoints: vendor admins only.

Every other signed-in user, vendor staff included, gets 403 — also for objects that
exist — so that nothing can be learnt about endpoints or deliveries.
"""

from openprm.integrations.models import ImportJob
from openprm.integrations.tests.factories import (
    WebhookAttemptFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)
from openprm.testing.authz import HIDE, Policy, vendor

ADMIN = vendor("vendor_admin")


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


IMPORTERS = vendor("vendor_admin", "channel_manager")


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
    """Importers only; a channel manager follows only their own imports."""
    return HIDE if actor == "channel_manager" else IMPORTERS(actor)


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
    Policy("web:console:partner_export_csv", vendor()),
    Policy("web:console:partner_export_xlsx", vendor()),
    Policy("web:console:import_start", IMPORTERS),
    Policy(
        "web:console:import_detail",
        someone_elses_import,
        make=import_job,
        kwargs=import_kwargs,
    ),
    Policy(
        "web:console:import_confirm",
        someone_elses_import,
        method="POST",
        make=import_job,
        kwargs=import_kwargs,
    ),
    Policy("api:GET /api/v1/exports/partners.csv", vendor()),
    Policy("api:GET /api/v1/exports/partners.xlsx", vendor()),
    Policy(
        "api:POST /api/v1/imports",
        IMPORTERS,
        method="POST",
        data=lambda obj: {},
        # Importers need a multipart file, which the harness does not send; their
        # uploads are covered in test_api_imports.py.
        skip=("vendor_admin", "channel_manager"),
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
        method="POST",
        make=import_job,
        kwargs=api_import_kwargs,
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
]
