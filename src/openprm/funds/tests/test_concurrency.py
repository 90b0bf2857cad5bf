"""Twenty reviewers approve twenty requests of one partner at the same moment
through the approval engine (each request's single step; its decision commits),
each in its own thread, connection and transaction; together the requests ask
for more than the allocation holds. The database lets through exactly those that
fit, and available never goes below zero (see ``ledger.py`` and
``openprm.testing.concurrency``)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from openprm.accounts.models import User
from openprm.funds import ledger, selectors, services
from openprm.funds.choices import EntryKind, RequestStatus
from openprm.funds.models import Allocation, Budget, FundRequest, LedgerEntry
from openprm.funds.tests import factories as f
from openprm.partners.tests.factories import PartnerFactory
from openprm.testing.concurrency import database_for_threads, in_threads

APPROVERS = 20


def _race(request_ids, reviewer_ids):
    barrier = threading.Barrier(len(request_ids))

    def approver(index):
        def approve():
            request = FundRequest.objects.select_related(
                "partner", "budget__fund", "budget__period", "activity_type"
            ).get(pk=request_ids[index])
            reviewer = User.objects.get(pk=reviewer_ids[index])
            barrier.wait(timeout=30)
            try:
                services.request_review(actor=reviewer, request=request, approve=True)
            except ledger.InsufficientFunds:
                return "refused"
            return "approved"

        return approve

    return [approver(index) for index in range(len(request_ids))]


def _state(allocation_id):
    def read():
        allocation = Allocation.objects.get(pk=allocation_id)
        return (
            allocation.available,
            selectors.allocation_figures(allocation=allocation),
            FundRequest.objects.filter(status=RequestStatus.APPROVED).count(),
            LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT).count(),
        )

    return read


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_approvals_never_overcommit_the_allocation(tmp_path):
    partner = PartnerFactory()
    budget = f.budget("100000.00")
    f.allocate(partner, budget, "7000.00")
    # 20 requests of 1,000: exactly 7 fit.
    request_ids = [
        f.make_request(partner=partner, the_budget=budget, amount="1000.00").pk
        for _ in range(APPROVERS)
    ]
    reviewer_ids = [f.reviewer().pk for _ in range(APPROVERS)]
    allocation_id = Allocation.objects.get(partner=partner).pk

    with database_for_threads(tmp_path):
        outcomes = in_threads(*_race(request_ids, reviewer_ids))
        (state,) = in_threads(_state(allocation_id))

    assert sorted(map(str, outcomes)) == ["approved"] * 7 + ["refused"] * 13, (
        connection.vendor,
        outcomes,
    )
    balance, figures, approved, commitments = state
    assert balance == Decimal("0.00")
    assert figures.available == Decimal("0.00")
    assert figures.committed == Decimal("7000.00")
    assert (approved, commitments) == (7, 7)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_pool_draws_never_overdraw_the_budget(tmp_path):
    budget = f.budget("5500.00", is_shared_pool=True)
    request_ids = [
        f.make_request(the_budget=budget, amount="1000.00").pk for _ in range(APPROVERS)
    ]
    reviewer_ids = [f.reviewer().pk for _ in range(APPROVERS)]

    def read():
        return Budget.objects.get(pk=budget.pk).unallocated, FundRequest.objects.filter(
            status=RequestStatus.APPROVED
        ).count()

    with database_for_threads(tmp_path):
        outcomes = in_threads(*_race(request_ids, reviewer_ids))
        (state,) = in_threads(read)

    assert sorted(map(str, outcomes)) == ["approved"] * 5 + ["refused"] * 15, (
        connection.vendor,
        outcomes,
    )
    assert state == (Decimal("500.00"), 5)
