import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.demo.webhooks import DEMO_WEBHOOK_URL, build_demo_webhooks
from openprm.integrations.models import WebhookDelivery, WebhookEndpoint
from openprm.partners.tests.factories import PartnerFactory


@pytest.mark.django_db
def test_the_demo_endpoint_is_disabled_and_receives_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        endpoint = build_demo_webhooks(actor=VendorUserFactory())
        PartnerFactory()

    assert (endpoint.url, endpoint.event_types, endpoint.is_active) == (
        DEMO_WEBHOOK_URL,
        ["partner.*"],
        False,
    )
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.django_db
def test_building_the_demo_webhooks_twice_keeps_one_endpoint():
    admin = VendorUserFactory()

    first = build_demo_webhooks(actor=admin)
    second = build_demo_webhooks(actor=admin)

    assert first == second
    assert WebhookEndpoint.objects.count() == 1
