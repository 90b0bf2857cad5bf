import factory

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.integrations.crm import services
from openprm.integrations.crm.models import (
    CrmConnection,
    MatchDecision,
    OutgoingChange,
    SyncLogEntry,
    SyncRun,
)


def connection_for(crm=None, *, actor=None, folder=None, **data) -> CrmConnection:
    """A connection through the real service: to the BottleCRM ``crm``, or to a CSV
    ``folder``."""
    actor = actor or VendorUserFactory()
    if folder is not None:
        data = {"connector_type": "csv", "config": {"folder": str(folder)}, **data}
        secret = {}
    else:
        data = {"connector_type": "bottlecrm", "config": {"url": crm.url}, **data}
        secret = crm.credentials
    data.setdefault("name", f"CRM {CrmConnection.objects.count() + 1}")
    data.setdefault("directions", {"partners": {"in": True, "out": True}})
    return services.crm_connection_create(actor=actor, data=data, secret=secret)


class CrmConnectionFactory(factory.django.DjangoModelFactory):
    """A CSV connection (no server needed) made through the service."""

    class Meta:
        model = CrmConnection

    @classmethod
    def _create(cls, model_class, **fields):
        return connection_for(folder=fields.pop("folder", "/nonexistent"), **fields)


class SyncRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SyncRun

    connection = factory.SubFactory(CrmConnectionFactory)
    object_types = ["partners"]
    status = "done"


class SyncLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SyncLogEntry

    connection = factory.SubFactory(CrmConnectionFactory)
    object_type = "partners"
    direction = "in"
    outcome = "error"
    label = "Acme"
    message = "Refused"


class MatchDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchDecision

    connection = factory.SubFactory(CrmConnectionFactory)
    object_type = "partners"
    direction = "in"
    remote_id = factory.Sequence(str)
    label = "Acme"
    candidates = [{"key": 1, "label": "Acme", "score": 90, "reasons": []}]


class OutgoingChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutgoingChange

    connection = factory.SubFactory(CrmConnectionFactory)
    object_type = "partners"
    local_id = 1
    status = "dead"
