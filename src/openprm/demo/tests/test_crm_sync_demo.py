import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.demo.crm_sync import DEMO_CONNECTION, build_demo_crm_sync
from openprm.integrations.crm.models import CrmConnection


@pytest.mark.django_db
def test_demo_crm_connection_is_built_once_and_runs_by_hand_only():
    actor = VendorUserFactory()

    first = build_demo_crm_sync(actor=actor)
    again = build_demo_crm_sync(actor=actor)

    assert first == again
    assert CrmConnection.objects.get().name == DEMO_CONNECTION
    assert first.schedule_minutes == 0
    assert (first.config["folder"].endswith("crm-exchange")) is True
