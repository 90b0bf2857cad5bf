"""Two approvers of one queue approve the same step at the same moment, each in
its own thread, connection and transaction: exactly one advances it."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from openprm.accounts.models import User
from openprm.accounts.tests.factories import UserFactory
from openprm.approvals import services
from openprm.approvals.models import Request
from openprm.approvals.rules import Facts
from openprm.approvals.tests import subject
from openprm.approvals.tests.factories import ChainStepFactory, QueueFactory
from openprm.core.errors import InvalidTransition
from openprm.testing.concurrency import database_for_threads, in_threads


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_advance_the_step_once(tmp_path):
    members = [UserFactory(vendor_role="finance") for _ in range(2)]
    team = QueueFactory(members=members)
    ChainStepFactory(position=1, queue=team)
    ChainStepFactory(position=2, queue=team)
    request_id = services.request_start(
        kind=subject.KIND,
        object_id="race",
        subject_label="Race",
        facts=Facts(amount=Decimal("100"), currency="EUR"),
    ).pk
    barrier = threading.Barrier(2)

    def approver(index):
        def approve():
            request = Request.objects.select_related("queue").get(pk=request_id)
            actor = User.objects.get(pk=members[index].pk)
            barrier.wait(timeout=10)
            try:
                services.request_approve(request=request, actor=actor)
            except InvalidTransition:
                return "refused"
            return "approved"

        return approve

    def final_state():
        request = Request.objects.get(pk=request_id)
        return request.step_position, request.actions.filter(
            kind="step_approved"
        ).count()

    with database_for_threads(tmp_path):
        outcomes = in_threads(approver(0), approver(1))
        (state,) = in_threads(final_state)

    assert sorted(map(str, outcomes)) == ["approved", "refused"], (
        connection.vendor,
        outcomes,
    )
    assert state == (2, 1)
