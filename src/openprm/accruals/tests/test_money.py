"""The money accrual ledger: append-only, a balance is the sum; statements per
period; payouts approved by finance on the approval engine, then exported once."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accruals import ledger, payouts, selectors
from openprm.accruals.choices import MoneyKind, PayoutStatus
from openprm.accruals.models import MoneyEntry, Payout
from openprm.approvals.models import Request as Approval
from openprm.core.errors import Conflict, PermissionDenied
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owed():
    partner = PartnerFactory(name="Contoso")
    type(partner).objects.filter(pk=partner.pk).update(external_id="C-1")
    account = ledger.account_for(partner_id=partner.pk)
    ledger.post(account=account, kind=MoneyKind.SPIFF, amount=Decimal("150.00"))
    ledger.post(account=account, kind=MoneyKind.REBATE, amount=Decimal("49.99"))
    return partner, account


def test_entries_cannot_be_changed_or_deleted(owed):
    entry = MoneyEntry.objects.first()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        MoneyEntry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(TypeError):
        MoneyEntry.objects.all().delete()


def test_the_balance_is_the_sum_of_the_entries(owed):
    _partner, account = owed
    assert ledger.balance_of(account) == Decimal("199.99")


def test_a_statement_opens_with_what_came_before_and_closes_with_the_period(owed):
    _partner, account = owed
    earlier = timezone.now() - datetime.timedelta(days=400)
    ledger.post(
        account=account, kind=MoneyKind.SPIFF, amount=Decimal("10"), now=earlier
    )
    statement = selectors.statement_of(account, period="year", on=timezone.localdate())
    assert statement.opening == Decimal("10.00")
    assert statement.accrued == Decimal("199.99")
    assert statement.paid == 0
    assert statement.closing == Decimal("209.99")
    assert len(statement.entries) == 2


def _approve(payout, actor):
    return payouts.payout_review(actor=actor, payout=payout, approve=True)


def test_an_approved_payout_takes_the_balance_and_is_exported_once(owed):
    partner, account = owed
    finance = VendorUserFactory(vendor_role="finance")
    payout = payouts.payout_request(actor=finance, partner=partner)
    assert (payout.amount, payout.status) == (Decimal("199.99"), PayoutStatus.PENDING)
    approval = Approval.objects.get()
    assert approval.kind == payouts.PAYOUT_KIND
    assert approval.queue.name == payouts.PAYOUT_QUEUE
    payout = _approve(payout, finance)
    assert payout.status == PayoutStatus.APPROVED
    assert ledger.balance_of(account) == 0
    assert payout.entry.amount == Decimal("-199.99")
    text, count = payouts.payouts_export(
        actor=finance, payouts=selectors.payouts_visible_to(user=finance)
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert count == 1
    assert rows[0]["partner"] == "Contoso"
    assert rows[0]["partner_external_id"] == "C-1"
    assert (rows[0]["amount"], rows[0]["currency"]) == ("199.99", "EUR")
    _text, again = payouts.payouts_export(
        actor=finance, payouts=selectors.payouts_visible_to(user=finance)
    )
    assert again == 0
    assert Payout.objects.get().status == PayoutStatus.EXPORTED
    names = set(OutboxEvent.objects.values_list("name", flat=True))
    assert {"payout.requested", "payout.approved", "payout.exported"} <= names


def test_a_rejected_payout_leaves_the_balance(owed):
    partner, account = owed
    finance = VendorUserFactory(vendor_role="finance")
    payout = payouts.payout_request(actor=finance, partner=partner)
    payout = payouts.payout_review(
        actor=finance, payout=payout, approve=False, note="Wrong bank details"
    )
    assert payout.status == PayoutStatus.REJECTED
    assert payout.decision_note == "Wrong bank details"
    assert ledger.balance_of(account) == Decimal("199.99")


def test_approval_is_refused_when_the_balance_no_longer_covers_it(owed):
    partner, account = owed
    finance = VendorUserFactory(vendor_role="finance")
    payout = payouts.payout_request(actor=finance, partner=partner)
    ledger.post(account=account, kind=MoneyKind.TRUE_UP, amount=Decimal("-50"))
    with pytest.raises(Conflict):
        _approve(payout, finance)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PENDING
    assert not MoneyEntry.objects.filter(kind=MoneyKind.PAYOUT).exists()


def test_one_payout_waits_per_partner_and_none_without_a_balance(owed):
    partner, _account = owed
    finance = VendorUserFactory(vendor_role="finance")
    payouts.payout_request(actor=finance, partner=partner)
    with pytest.raises(Conflict):
        payouts.payout_request(actor=finance, partner=partner)
    with pytest.raises(Conflict):
        payouts.payout_request(actor=finance, partner=PartnerFactory())
    assert Payout.objects.count() == 1


def test_only_finance_asks_for_a_payout_and_a_refusal_writes_nothing(owed):
    partner, _account = owed
    marketing = VendorUserFactory(vendor_role="channel_marketing")
    with pytest.raises(PermissionDenied):
        payouts.payout_request(actor=marketing, partner=partner)
    assert not Payout.objects.exists()
    assert not AuditEntry.objects.filter(verb="payout.requested").exists()
    assert not OutboxEvent.objects.filter(name="payout.requested").exists()


def test_a_marketer_cannot_approve_a_payout(owed):
    partner, account = owed
    finance = VendorUserFactory(vendor_role="finance")
    payout = payouts.payout_request(actor=finance, partner=partner)
    marketing = VendorUserFactory(vendor_role="channel_marketing")
    with pytest.raises(PermissionDenied):
        _approve(payout, marketing)
    assert ledger.balance_of(account) == Decimal("199.99")
