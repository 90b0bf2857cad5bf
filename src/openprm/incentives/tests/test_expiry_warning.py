"""The warning before points expire: the daily sweep tells each holder once, by
notification, email and a ``points.expiring`` event, of lots that expire within
``OPENPRM_POINTS_EXPIRY_WARNING_DAYS``."""

import datetime

import pytest
from django.db import transaction

from openprm.core import sweeps
from openprm.core.models import OutboxEvent
from openprm.incentives import ledger, services, tasks
from openprm.incentives.choices import EntryKind, HolderKind
from openprm.incentives.models import PointsLot
from openprm.notifications.models import Notification
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
EARNED = datetime.datetime(2025, 3, 10, 9, tzinfo=UTC)
EXPIRES = datetime.datetime(2026, 3, 10, 9, tzinfo=UTC)  # 12 months later


@pytest.fixture(autouse=True)
def _programme(settings):
    settings.OPENPRM_POINTS_EXPIRY_MONTHS = 12
    settings.OPENPRM_POINTS_EXPIRY_WARNING_DAYS = 30
    settings.OPENPRM_POINTS_HOLDER = HolderKind.COMPANY


def _credit(account, points, when=EARNED):
    with transaction.atomic():
        return ledger.credit(
            account=account, kind=EntryKind.BONUS, points=points, reason="t", now=when
        )


def _company(name="Contoso"):
    partner = PartnerFactory(name=name)
    admin = partner_user(partner=partner, roles=[PartnerRole.PARTNER_ADMIN])
    admin.email = f"admin@{name.lower()}.example"
    admin.save()
    partner_user(partner=partner, roles=[PartnerRole.SALES])  # not a holder
    return partner, admin, ledger.account_for(partner_id=partner.pk)


def test_the_company_admins_are_warned_once_by_notification_email_and_event(
    mailoutbox, django_capture_on_commit_callbacks
):
    partner, admin, account = _company()
    _credit(account, 100)
    _credit(account, 50, EARNED + datetime.timedelta(hours=12))
    in_window = EXPIRES - datetime.timedelta(days=29)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.points_warn_expiring(now=in_window) == 1
        assert services.points_warn_expiring(now=in_window) == 0
        later = in_window + datetime.timedelta(days=3)
        assert services.points_warn_expiring(now=later) == 0

    [notification] = Notification.objects.filter(kind="points.expiring")
    assert notification.recipient == admin
    assert notification.subject == "150 of your points expire on 2026-03-10"
    assert notification.url == "/portal/earnings/"
    [message] = mailoutbox
    assert message.to == ["admin@contoso.example"]
    assert "150 points earned by Contoso expire from 2026-03-10" in message.body
    [event] = OutboxEvent.objects.filter(name="points.expiring")
    assert event.partner_id == partner.pk
    assert event.payload["points"] == 150
    assert event.payload["lots"] == 2
    assert event.payload["user"] is None
    assert not PointsLot.objects.filter(warned_at__isnull=True).exists()


def test_no_warning_before_the_window():
    _partner, _admin, account = _company()
    _credit(account, 100)
    before = EXPIRES - datetime.timedelta(days=30, seconds=1)
    assert services.points_warn_expiring(now=before) == 0
    assert not Notification.objects.exists()
    assert not OutboxEvent.objects.filter(name="points.expiring").exists()
    assert PointsLot.objects.get().warned_at is None


def test_a_lot_entering_the_window_later_is_warned_on_its_own():
    _partner, _admin, account = _company()
    _credit(account, 100)
    _credit(account, 70, EARNED + datetime.timedelta(days=25))
    first = EXPIRES - datetime.timedelta(days=10)
    assert services.points_warn_expiring(now=first) == 1
    assert services.points_warn_expiring(now=first + datetime.timedelta(days=15)) == 1
    subjects = list(
        Notification.objects.order_by("id").values_list("subject", flat=True)
    )
    assert subjects == [
        "100 of your points expire on 2026-03-10",
        "70 of your points expire on 2026-04-04",
    ]


def test_no_warning_for_a_lot_used_up_or_already_expired():
    _partner, _admin, account = _company()
    _credit(account, 100)
    services.points_redeem(
        actor=None, account=account, points=100, reason="mug", now=EARNED
    )
    _other_partner, _other_admin, other = _company("Fabrikam")
    _credit(other, 40)
    assert services.points_expire_due(now=EXPIRES) == 1
    assert services.points_warn_expiring(now=EXPIRES - datetime.timedelta(days=5)) == 0
    assert services.points_warn_expiring(now=EXPIRES) == 0
    assert not Notification.objects.exists()


def test_a_lot_past_its_date_but_not_yet_expired_is_not_warned():
    _partner, _admin, account = _company()
    _credit(account, 100)
    assert services.points_warn_expiring(now=EXPIRES + datetime.timedelta(hours=1)) == 0


def test_when_points_belong_to_users_the_user_alone_is_warned(settings, mailoutbox):
    settings.OPENPRM_POINTS_HOLDER = HolderKind.USER
    partner, _admin, _company_account = _company()
    seller = partner_user(partner=partner, roles=[PartnerRole.SALES])
    account = ledger.account_for(partner_id=partner.pk, user_id=seller.pk)
    _credit(account, 25)
    assert services.points_warn_expiring(now=EXPIRES - datetime.timedelta(days=1)) == 1
    [notification] = Notification.objects.all()
    assert notification.recipient == seller
    event = OutboxEvent.objects.get(name="points.expiring")
    assert event.payload["user"] == str(seller.public_id)


def test_no_warning_when_the_window_is_zero(settings):
    settings.OPENPRM_POINTS_EXPIRY_WARNING_DAYS = 0
    _partner, _admin, account = _company()
    _credit(account, 100)
    assert services.points_warn_expiring(now=EXPIRES - datetime.timedelta(days=1)) == 0


def test_the_warning_sweep_is_registered_daily():
    sweep = {s.name: s for s in sweeps.registered()}["incentives.warn_expiring_points"]
    assert sweep.every == datetime.timedelta(days=1)
    assert sweep.task is tasks.warn_expiring_points
