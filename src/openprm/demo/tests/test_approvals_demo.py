import pytest

from openprm.accounts.tests.factories import UserFactory
from openprm.approvals.models import Delegation, Queue
from openprm.demo.approvals import build_demo_approvals


@pytest.mark.django_db
def test_the_demo_has_an_absence_and_a_queue_by_role():
    UserFactory(vendor_role="channel_manager")
    admin = UserFactory(vendor_role="vendor_admin")
    assert build_demo_approvals(actor=admin) == 1
    assert build_demo_approvals(actor=admin) == 0
    assert Delegation.objects.get().delegate == admin
    assert Queue.objects.get(name="Finance approvers").vendor_role == "finance"
