"""Expiry by lots over a year of simulated entries, against a reference model: a
list of lots spent oldest first and expired N months after they were earned."""

import datetime
from dataclasses import dataclass

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openprm.incentives import ledger, services
from openprm.incentives.choices import EntryKind
from openprm.incentives.models import PointsEntry
from openprm.partners.tests.factories import PartnerFactory

START = datetime.datetime(2025, 1, 1, 9, tzinfo=datetime.UTC)
EXPIRY_MONTHS = 3


@dataclass
class Lot:
    earned_at: datetime.datetime
    remaining: int


class Reference:
    """What the ledger must do, in the plainest terms."""

    def __init__(self):
        self.lots: list[Lot] = []
        self.expired = 0

    def expire(self, now):
        for lot in self.lots:
            if ledger.add_months(lot.earned_at, EXPIRY_MONTHS) <= now and lot.remaining:
                self.expired += lot.remaining
                lot.remaining = 0

    def earn(self, now, points):
        self.lots.append(Lot(now, points))

    def redeem(self, now, points) -> bool:
        live = [
            lot
            for lot in self.lots
            if ledger.add_months(lot.earned_at, EXPIRY_MONTHS) > now
        ]
        if sum(lot.remaining for lot in live) < points:
            return False
        for lot in live:
            taken = min(lot.remaining, points)
            lot.remaining -= taken
            points -= taken
        return True

    @property
    def balance(self):
        return sum(lot.remaining for lot in self.lots)


# One step a day or more apart, over about a year: earn, redeem or let time pass.
steps = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=20),  # days since the previous step
        st.sampled_from(["earn", "redeem", "sweep"]),
        st.integers(min_value=1, max_value=500),
    ),
    min_size=5,
    max_size=40,
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=steps)
def test_expiry_by_lots_matches_the_reference_model(steps, django_settings_expiry):
    account = ledger.account_for(partner_id=PartnerFactory().pk)
    model = Reference()
    now = START
    for days, action, points in steps:
        now += datetime.timedelta(days=days, minutes=1)
        if action == "earn":
            with transaction.atomic():
                ledger.credit(
                    account=account, kind=EntryKind.BONUS, points=points, now=now
                )
            model.earn(now, points)
        elif action == "redeem":
            try:
                services.points_redeem(
                    actor=None, account=account, points=points, reason="x", now=now
                )
                done = True
            except ledger.InsufficientPoints:
                done = False
            assert done == model.redeem(now, points), (now, points)
        else:
            services.points_expire_due(now=now)
            model.expire(now)
            expired = -sum(
                account.entries.filter(kind=EntryKind.EXPIRE).values_list(
                    "points", flat=True
                )
            )
            assert expired == model.expired
        assert ledger.balance_of(account) == model.balance
        assert ledger.spendable_of(account) == model.balance
    # A final sweep a year on expires everything that is left.
    end = now + datetime.timedelta(days=366)
    services.points_expire_due(now=end)
    model.expire(end)
    assert ledger.balance_of(account) == 0 == model.balance
    assert PointsEntry.objects.filter(account=account).count() >= len(model.lots)


@pytest.fixture
def django_settings_expiry(settings):
    settings.OPENPRM_POINTS_EXPIRY_MONTHS = EXPIRY_MONTHS
    return settings
