import factory
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import OutboxEvent
from openprm.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from openprm.integrations.webhooks.signing import new_secret


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    """An active endpoint that wants every event."""

    class Meta:
        model = WebhookEndpoint

    # The discard port: nothing listens there, so a stray send fails fast.
    url = factory.Sequence(lambda n: f"http://127.0.0.1:9/hooks/{n}")
    description = ""
    event_types = factory.LazyFunction(lambda: ["*"])
    secret = factory.LazyFunction(new_secret)
    is_active = True
    created_by = factory.SubFactory(VendorUserFactory)


class OutboxEventFactory(factory.django.DjangoModelFactory):
    """An event as a service would emit it (written directly: no delivery runs)."""

    class Meta:
        model = OutboxEvent

    name = "partner.created"
    version = 1
    payload = factory.Sequence(lambda n: {"id": n, "name": f"Partner {n:04d}"})
    partner_id = None


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    event = factory.SubFactory(OutboxEventFactory)
    endpoint = factory.SubFactory(WebhookEndpointFactory)


class WebhookAttemptFactory(factory.django.DjangoModelFactory):
    """A finished attempt that the receiver refused with a 500."""

    class Meta:
        model = WebhookAttempt

    delivery = factory.SubFactory(WebhookDeliveryFactory, attempts=1)
    number = 1
    url = factory.LazyAttribute(lambda attempt: attempt.delivery.endpoint.url)
    attempted_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyAttribute(lambda attempt: attempt.attempted_at)
    status_code = 500
    latency_ms = 12
    error = "The receiver answered 500."
    response_body = "Internal Server Error"
