from decimal import Decimal

import factory

from openprm.incentives.choices import RuleBasis
from openprm.incentives.models import EarningRule, Product, ProductPrice, Reward


class ProductFactory(factory.django.DjangoModelFactory):
    """A product with a list price of 100.00 USD and 90.00 EUR."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    product_line = "Storage"

    @factory.post_generation
    def prices(self, create, extracted, **kwargs):
        prices = (
            extracted
            if extracted is not None
            else {
                "USD": Decimal("100.00"),
                "EUR": Decimal("90.00"),
            }
        )
        for currency, price in prices.items():
            ProductPrice.objects.create(
                product=self, currency=currency, list_price=Decimal(price)
            )


class EarningRuleFactory(factory.django.DjangoModelFactory):
    """10 points per unit of a new product."""

    class Meta:
        model = EarningRule

    name = factory.Sequence(lambda n: f"Rule {n}")
    basis = RuleBasis.PER_UNIT
    product = factory.SubFactory(ProductFactory)
    points = Decimal(10)
    cap_period = ""


class RewardFactory(factory.django.DjangoModelFactory):
    """A backpack for 100 points, 5 in stock."""

    class Meta:
        model = Reward

    name = factory.Sequence(lambda n: f"Backpack {n}")
    points_price = 100
    stock = 5
