"""Two reviewers approve conflicting registrations at the same moment, each in its
own thread, connection and transaction: the database lets exactly one through.

On PostgreSQL the threads share the test database. SQLite's in-memory test database
(shared cache) fails a waiting writer at once instead of letting it wait, which is
not how the product runs; there the threads work on a file copy of it, with the
product's connection options (WAL, IMMEDIATE transactions, busy timeout).
"""

import threading

import pytest
from django.db import connection

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import Conflict
from openprm.deals import services
from openprm.deals.choices import DealStatus
from openprm.deals.models import Deal, DealProtection
from openprm.deals.tests.factories import registration, seller
from openprm.testing.concurrency import database_for_threads, in_threads


def _register(user):
    return services.deal_register(
        actor=user, partner=user.memberships.get().partner, **registration()
    )


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_of_conflicting_registrations_one_succeeds(
    tmp_path,
):
    deal_ids = [_register(seller()).pk, _register(seller()).pk]
    reviewer_ids = [VendorUserFactory().pk, VendorUserFactory().pk]
    barrier = threading.Barrier(2)

    def approver(index):
        def approve():
            deal = Deal.objects.select_related("partner").get(pk=deal_ids[index])
            reviewer = type(deal.registered_by).objects.get(pk=reviewer_ids[index])
            barrier.wait(timeout=10)
            try:
                services.deal_approve(actor=reviewer, deal=deal)
            except Conflict:
                return "conflict"
            return "approved"

        return approve

    def final_state():
        return (
            sorted(Deal.objects.values_list("status", flat=True)),
            DealProtection.objects.filter(is_active=True).count(),
        )

    with database_for_threads(tmp_path):
        outcomes = in_threads(approver(0), approver(1))
        (state,) = in_threads(final_state)

    assert sorted(map(str, outcomes)) == ["approved", "conflict"], (
        connection.vendor,
        outcomes,
    )
    assert state == ([DealStatus.APPROVED, DealStatus.SUBMITTED], 1)
