"""The points ledger: balances are sums of entries, lots are spent oldest first,
nothing overdraws a balance, also under concurrent redemptions."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.incentives import ledger, services
from openprm.incentives.choices import EntryKind
from openprm.incentives.models import PointsAccount, PointsEntry, PointsLot
from openprm.partners.tests.factories import PartnerFactory
from openprm.testing.concurrency import database_for_threads, in_threads

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _account():
    return ledger.account_for(partner_id=PartnerFactory().pk)


def _credit(account, points, when=None):
    with transaction.atomic():
        return ledger.credit(
            account=account, kind=EntryKind.BONUS, points=points, reason="t", now=when
        )


def test_balance_is_the_sum_of_entries_and_equals_the_lots():
    account = _account()
    _credit(account, 100)
    _credit(account, 50)
    services.points_redeem(actor=None, account=account, points=120, reason="mug")
    assert ledger.balance_of(account) == 30
    assert ledger.spendable_of(account) == 30


def test_redemption_takes_the_oldest_lot_first():
    account = _account()
    old = _credit(account, 100, datetime.datetime(2026, 1, 1, tzinfo=UTC))
    new = _credit(account, 100, datetime.datetime(2026, 2, 1, tzinfo=UTC))
    services.points_redeem(actor=None, account=account, points=130, reason="x")
    assert PointsLot.objects.get(entry=old).remaining == 0
    assert PointsLot.objects.get(entry=new).remaining == 70


def test_redemption_beyond_the_balance_is_refused_and_changes_nothing():
    account = _account()
    _credit(account, 10)
    entries = PointsEntry.objects.count()
    events = OutboxEvent.objects.count()
    with pytest.raises(ledger.InsufficientPoints):
        services.points_redeem(actor=None, account=account, points=11, reason="x")
    assert PointsEntry.objects.count() == entries
    assert OutboxEvent.objects.count() == events
    assert ledger.balance_of(account) == 10


def test_the_database_refuses_a_lot_overdrawn_without_the_ledger():
    account = _account()
    entry = _credit(account, 10)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsLot.objects.filter(entry=entry).update(remaining=-1)


def test_the_daily_check_logs_a_ledger_whose_lots_differ_from_its_entries(caplog):
    from openprm.core import sweeps
    from openprm.incentives import tasks

    kept, drained = _account(), _account()
    _credit(kept, 10)
    entry = _credit(drained, 10)
    tasks.check_ledgers.call()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    # A lot changed behind the ledger's back (only a raw UPDATE can).
    PointsLot.objects.filter(entry=entry).update(remaining=4)
    tasks.check_ledgers.call()
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors == [f"Points account {drained.pk}: entries sum to 10 but lots hold 4"]
    assert "incentives.check_ledgers" in {sweep.name for sweep in sweeps.registered()}


def test_entries_are_append_only():
    entry = _credit(_account(), 10)
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        PointsEntry.objects.filter(pk=entry.pk).update(points=5)
    with pytest.raises(TypeError):
        PointsEntry.objects.filter(pk=entry.pk).delete()


def test_a_refund_puts_the_points_back_into_their_lots():
    account = _account()
    first = _credit(account, 30)
    redemption = services.points_redeem(
        actor=None, account=account, points=20, reason="x"
    )
    services.points_refund(actor=None, entry=redemption, reason="cancelled")
    assert PointsLot.objects.get(entry=first).remaining == 30
    assert ledger.balance_of(account) == 30


def test_an_adjustment_needs_a_reason_and_is_audited():
    account = _account()
    finance = VendorUserFactory(vendor_role=VendorRole.FINANCE)
    with pytest.raises(ValidationFailed):
        services.points_adjust(actor=finance, account=account, points=5, reason=" ")
    entry = services.points_adjust(
        actor=finance, account=account, points=5, reason="Missed sale"
    )
    assert (
        AuditEntry.objects.filter(
            verb="points.adjusted", object_id=str(entry.pk)
        ).count()
        == 1
    )
    assert ledger.balance_of(account) == 5


def test_a_negative_adjustment_cannot_overdraw():
    account = _account()
    _credit(account, 5)
    finance = VendorUserFactory(vendor_role=VendorRole.FINANCE)
    with pytest.raises(ValidationFailed):
        services.points_adjust(actor=finance, account=account, points=-6, reason="x")
    assert ledger.balance_of(account) == 5


def test_channel_marketing_may_not_adjust_and_nothing_is_written():
    account = _account()
    marketing = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)
    with pytest.raises(PermissionDenied):
        services.points_adjust(actor=marketing, account=account, points=5, reason="x")
    assert PointsEntry.objects.count() == 0
    assert AuditEntry.objects.filter(verb="points.adjusted").count() == 0


def test_expiry_writes_what_is_left_of_a_lot_past_its_date(settings):
    settings.OPENPRM_POINTS_EXPIRY_MONTHS = 12
    account = _account()
    earned = datetime.datetime(2025, 1, 31, 12, tzinfo=UTC)
    _credit(account, 100, earned)
    services.points_redeem(
        actor=None, account=account, points=40, reason="x", now=earned
    )
    assert (
        services.points_expire_due(now=datetime.datetime(2026, 1, 31, 11, tzinfo=UTC))
        == 0
    )
    assert (
        services.points_expire_due(now=datetime.datetime(2026, 1, 31, 12, tzinfo=UTC))
        == 1
    )
    expiry = PointsEntry.objects.get(kind=EntryKind.EXPIRE)
    assert expiry.points == -60
    assert ledger.balance_of(account) == 0
    assert OutboxEvent.objects.filter(name="points.expired").count() == 1


def test_add_months_keeps_the_day_or_takes_the_months_last():
    moment = datetime.datetime(2024, 1, 31, 9, tzinfo=UTC)
    assert ledger.add_months(moment, 1) == datetime.datetime(2024, 2, 29, 9, tzinfo=UTC)
    assert ledger.add_months(moment, 13) == datetime.datetime(
        2025, 2, 28, 9, tzinfo=UTC
    )


def test_points_belong_to_users_when_the_programme_says_so(settings):
    partner = PartnerFactory()
    user = VendorUserFactory()
    settings.OPENPRM_POINTS_HOLDER = "user"
    mine = ledger.account_for(partner_id=partner.pk, user_id=user.pk)
    settings.OPENPRM_POINTS_HOLDER = "company"
    company = ledger.account_for(partner_id=partner.pk, user_id=user.pk)
    assert mine.user_id == user.pk
    assert company.user_id is None


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_redemptions_against_ten_exactly_ten_succeed(tmp_path):
    account = _account()
    _credit(account, 70)
    _credit(account, 30)  # two lots: a redemption may span both
    barrier = threading.Barrier(50)

    def redeem():
        target = PointsAccount.objects.get(pk=account.pk)
        barrier.wait(timeout=30)
        try:
            services.points_redeem(actor=None, account=target, points=10, reason="x")
        except ledger.InsufficientPoints:
            return "refused"
        return "redeemed"

    def final():
        target = PointsAccount.objects.get(pk=account.pk)
        return (
            ledger.balance_of(target),
            ledger.spendable_of(target),
            PointsEntry.objects.filter(kind=EntryKind.REDEEM).count(),
            PointsEntry.objects.filter(kind=EntryKind.REDEEM).aggregate(
                total=Sum("points")
            )["total"],
        )

    with database_for_threads(tmp_path):
        outcomes = in_threads(*[redeem] * 50)
        (state,) = in_threads(final)

    assert sorted(map(str, outcomes)).count("redeemed") == 10, (
        connection.vendor,
        [o for o in outcomes if o not in ("redeemed", "refused")],
    )
    assert outcomes.count("refused") == 40
    assert state == (0, 0, 10, -100)
