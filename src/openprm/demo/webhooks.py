"""Demo data of the webhooks: one endpoint to look at, which sends nothing."""

from openprm.integrations.models import WebhookEndpoint
from openprm.integrations.webhooks.services import webhook_endpoint_create

# Port 9 is the discard service: nothing listens there, and the endpoint is disabled.
DEMO_WEBHOOK_URL = "http://127.0.0.1:9/openprm-demo-webhook"


def build_demo_webhooks(*, actor) -> WebhookEndpoint:
    """A disabled endpoint for partner events, created by ``actor`` (a vendor admin);
    does nothing when it exists already."""
    existing = WebhookEndpoint.objects.filter(url=DEMO_WEBHOOK_URL).first()
    if existing is not None:
        return existing
    return webhook_endpoint_create(
        actor=actor,
        url=DEMO_WEBHOOK_URL,
        event_types=["partner.*"],
        description="Demo CRM (disabled: enable it and point it at a real receiver)",
        is_active=False,
    )
