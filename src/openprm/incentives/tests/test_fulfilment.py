"""Fulfilment: orders go to their provider; what the provider reports moves the
order; a failure refunds the points exactly; the CSV batch exports each order
once and its status file is reported row by row."""

import io

import pytest
from django.db import transaction

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.approvals import services as approvals
from openprm.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from openprm.core.models import OutboxEvent
from openprm.incentives import ledger, rewards
from openprm.incentives.choices import EntryKind, OrderStatus
from openprm.incentives.models import (
    FulfilmentSetting,
    FulfilmentUpdate,
    PointsEntry,
    RedemptionOrder,
    Reward,
)
from openprm.incentives.tests.factories import RewardFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)


def _order(points=250, *, reward=None):
    user = partner_user(roles=[PartnerRole.SALES])
    partner = user.memberships.get().partner
    account = ledger.account_for(partner_id=partner.pk)
    with transaction.atomic():
        ledger.credit(account=account, kind=EntryKind.BONUS, points=points)
    order = rewards.redemption_order_place(
        actor=user, partner_id=partner.pk, reward=reward or RewardFactory()
    )
    return order, account


def _csv_default(manager):
    rewards.fulfilment_configure(
        actor=manager, provider="csv", options={}, is_default=True
    )


def _events(name):
    return OutboxEvent.objects.filter(name=name).count()


def test_without_a_provider_an_order_waits_to_be_fulfilled_by_hand():
    order, _account = _order()
    assert (order.status, order.fulfilment_provider) == (OrderStatus.PLACED, "")
    assert _events("redemption.submitted") == 0


def test_the_default_provider_gets_the_order_with_its_history(manager):
    _csv_default(manager)
    order, _account = _order()
    order.refresh_from_db()
    assert (order.status, order.fulfilment_provider) == ("submitted", "csv")
    assert list(order.fulfilment_updates.values_list("status", "provider")) == [
        ("submitted", "csv")
    ]
    assert _events("redemption.submitted") == 1


def test_a_reward_naming_its_provider_is_sent_there_without_a_default(manager):
    order, _account = _order(reward=RewardFactory(fulfilment_provider="csv"))
    assert (order.status, order.fulfilment_provider) == ("submitted", "csv")


def test_one_default_provider_at_a_time(manager):
    _csv_default(manager)
    rewards.fulfilment_configure(
        actor=manager, provider="csv", options={}, is_default=False
    )
    assert FulfilmentSetting.objects.filter(is_default=True).count() == 0


def test_an_unknown_provider_is_a_field_error(manager):
    with pytest.raises(ValidationFailed) as refused:
        rewards.fulfilment_configure(
            actor=manager, provider="pigeon", options={}, is_default=True
        )
    assert list(refused.value.field_errors) == ["provider"]
    assert FulfilmentSetting.objects.count() == 0


def test_shipped_then_delivered_moves_the_order_and_emits_each_step(manager):
    _csv_default(manager)
    order, account = _order()
    rewards.redemption_order_report(
        actor=manager, order=order, status="shipped", tracking="1Z999"
    )
    rewards.redemption_order_report(actor=manager, order=order, status="delivered")
    order.refresh_from_db()
    assert (order.status, order.tracking) == ("delivered", "1Z999")
    assert list(order.fulfilment_updates.values_list("status", flat=True)) == [
        "submitted",
        "shipped",
        "delivered",
    ]
    assert (_events("redemption.shipped"), _events("redemption.delivered")) == (1, 1)
    assert ledger.balance_of(account) == 150


def test_a_failed_fulfilment_refunds_exactly_the_points_it_took(manager):
    _csv_default(manager)
    order, account = _order(points=250)
    reward_stock = Reward.objects.get(pk=order.reward_id).stock
    rewards.redemption_order_report(actor=manager, order=order, status="shipped")

    rewards.redemption_order_report(
        actor=manager, order=order, status="failed", note="Lost by the carrier"
    )

    order.refresh_from_db()
    refund = order.refund_entry
    assert (refund.kind, refund.points, refund.reverses_id) == (
        EntryKind.REVERSE,
        100,
        order.redeem_entry_id,
    )
    assert ledger.balance_of(account) == 250
    assert Reward.objects.get(pk=order.reward_id).stock == reward_stock + 1
    assert order.status == "failed"
    assert _events("redemption.failed") == 1


def test_a_failure_reported_twice_refunds_once(manager):
    order, account = _order(points=250)
    rewards.redemption_order_report(actor=manager, order=order, status="failed")
    _order_again, changed = rewards.redemption_order_report(
        actor=manager, order=order, status="failed"
    )
    assert changed is False
    assert PointsEntry.objects.filter(kind=EntryKind.REVERSE).count() == 1
    assert ledger.balance_of(account) == 250
    assert _events("redemption.failed") == 1


def test_the_same_message_again_changes_nothing(manager):
    order, _account = _order()
    rewards.redemption_order_report(
        actor=None, order=order, status="shipped", message_id="msg_1"
    )
    rewards.redemption_order_report(
        actor=None, order=order, status="delivered", message_id="msg_1"
    )
    order.refresh_from_db()
    assert order.status == "shipped"
    assert FulfilmentUpdate.objects.filter(order=order).count() == 1


def test_a_status_that_is_not_a_step_is_a_field_error_and_changes_nothing(manager):
    order, account = _order()
    with pytest.raises(ValidationFailed) as refused:
        rewards.redemption_order_report(actor=manager, order=order, status="lost")
    assert list(refused.value.field_errors) == ["status"]
    order.refresh_from_db()
    assert order.status == "placed"
    assert FulfilmentUpdate.objects.count() == 0
    assert ledger.balance_of(account) == 150


def test_a_delivered_order_cannot_fail_or_ship_again(manager):
    order, account = _order()
    rewards.redemption_order_report(actor=manager, order=order, status="delivered")
    for status in ("failed", "shipped"):
        with pytest.raises(InvalidTransition):
            rewards.redemption_order_report(actor=manager, order=order, status=status)
    assert ledger.balance_of(account) == 150
    assert FulfilmentUpdate.objects.count() == 1


def test_a_cancelled_order_cannot_be_reported(manager):
    order, account = _order()
    rewards.redemption_order_cancel(actor=order.ordered_by, order=order)
    with pytest.raises(InvalidTransition):
        rewards.redemption_order_report(actor=manager, order=order, status="failed")
    assert ledger.balance_of(account) == 250


def test_finance_may_not_report_fulfilment():
    order, _account = _order()
    with pytest.raises(PermissionDenied):
        rewards.redemption_order_report(
            actor=VendorUserFactory(vendor_role=VendorRole.FINANCE),
            order=order,
            status="shipped",
        )
    assert FulfilmentUpdate.objects.count() == 0


def test_the_batch_export_takes_each_waiting_order_once(manager):
    _csv_default(manager)
    first, _ = _order()
    second, _ = _order()
    exported = rewards.fulfilment_export(actor=manager)
    assert [order.pk for order in exported] == [first.pk, second.pk]
    assert rewards.fulfilment_export(actor=manager) == []
    assert RedemptionOrder.objects.filter(exported_at__isnull=False).count() == 2
    assert _events("redemption.exported") == 2


def _status_file(rows: list[str]) -> io.BytesIO:
    return io.BytesIO(("order,status,tracking,note\n" + "\n".join(rows)).encode())


def test_the_status_import_reports_each_row(manager):
    _csv_default(manager)
    shipped, _ = _order()
    failed, failed_account = _order(points=100)
    delivered, _ = _order()
    rewards.redemption_order_report(actor=manager, order=delivered, status="delivered")
    file = _status_file(
        [
            f"{shipped.public_id},shipped,1Z1,",
            f"{failed.public_id},failed,,Out of stock",
            "not-an-order,shipped,,",
            f"{shipped.public_id},lost,,",
            f"{delivered.public_id},shipped,,",
            f"{delivered.public_id},delivered,,",
        ]
    )

    report = rewards.fulfilment_import(actor=manager, file_name="s.csv", upload=file)

    assert (report["updated"], report["unchanged"], report["failed"]) == (2, 1, 3)
    assert [(i["row"], i["column"]) for i in report["issues"]] == [
        (4, "order"),
        (5, "status"),
        (6, "status"),
    ]
    assert RedemptionOrder.objects.get(pk=shipped.pk).tracking == "1Z1"
    assert ledger.balance_of(failed_account) == 100


def test_the_same_status_file_twice_changes_nothing_more(manager):
    _csv_default(manager)
    order, _ = _order()
    rows = [f"{order.public_id},shipped,1Z1,"]
    rewards.fulfilment_import(
        actor=manager, file_name="s.csv", upload=_status_file(rows)
    )
    again = rewards.fulfilment_import(
        actor=manager, file_name="s.csv", upload=_status_file(rows)
    )
    assert (again["updated"], again["unchanged"]) == (0, 1)
    assert FulfilmentUpdate.objects.filter(order=order).count() == 2


# --- approval above the threshold


def _approver():
    return VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN)


def test_an_order_above_the_threshold_waits_for_approval_with_its_points_held(
    settings, manager
):
    settings.OPENPRM_REDEMPTION_APPROVAL_ABOVE = 99
    _csv_default(manager)
    order, account = _order(points=250)
    assert order.status == "pending"
    assert order.approval.status == "in_review"
    assert ledger.balance_of(account) == 150
    assert _events("redemption.submitted") == 0


def test_an_order_at_the_threshold_needs_no_approval(settings):
    settings.OPENPRM_REDEMPTION_APPROVAL_ABOVE = 100
    order, _account = _order()
    assert (order.status, order.approval) == ("placed", None)


def test_an_approved_order_goes_to_its_provider(settings, manager):
    settings.OPENPRM_REDEMPTION_APPROVAL_ABOVE = 99
    _csv_default(manager)
    order, _account = _order()
    approvals.request_approve(request=order.approval, actor=_approver())
    order.refresh_from_db()
    assert (order.status, order.fulfilment_provider) == ("submitted", "csv")
    assert list(order.fulfilment_updates.values_list("status", flat=True)) == [
        "placed",
        "submitted",
    ]
    assert _events("redemption.approved") == 1


def test_a_rejected_order_refunds_exactly_and_restocks(settings):
    settings.OPENPRM_REDEMPTION_APPROVAL_ABOVE = 99
    order, account = _order(points=250)
    approvals.request_reject(
        request=order.approval, actor=_approver(), reason="Not this quarter"
    )
    order.refresh_from_db()
    assert order.status == "rejected"
    assert order.refund_entry.points == 100
    assert ledger.balance_of(account) == 250
    assert Reward.objects.get(pk=order.reward_id).stock == 5
    assert _events("redemption.rejected") == 1
