import datetime
from decimal import Decimal

import factory

from openprm.accruals.choices import PayIn, RebateBasis, RebatePeriod
from openprm.accruals.models import RebateProgramme, RebateTier, Spiff
from openprm.incentives.tests.factories import ProductFactory


class SpiffFactory(factory.django.DjangoModelFactory):
    """50.00 (reporting currency) per unit of a new product through 2026, with
    a budget of 1,000.00."""

    class Meta:
        model = Spiff

    name = factory.Sequence(lambda n: f"SPIFF {n}")
    product = factory.SubFactory(ProductFactory)
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2026, 12, 31)
    pay_in = PayIn.MONEY
    rate = Decimal("50.00")
    currency = "EUR"
    budget = Decimal("1000.00")


class RebateProgrammeFactory(factory.django.DjangoModelFactory):
    """Quarterly volume rebate: from 0, 1 %; from 100,000, 2 %."""

    class Meta:
        model = RebateProgramme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Rebate {n}")
    basis = RebateBasis.VOLUME
    period = RebatePeriod.QUARTER
    starts_on = datetime.date(2025, 1, 1)

    @factory.post_generation
    def tiers(self, create, extracted, **kwargs):
        for threshold, rate in extracted or [("0", "1"), ("100000", "2")]:
            RebateTier.objects.create(
                programme=self, threshold=Decimal(threshold), rate=Decimal(rate)
            )
