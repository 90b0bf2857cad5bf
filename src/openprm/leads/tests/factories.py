import factory

from openprm.leads.models import (
    Lead,
    LeadCapacity,
    LeadRoutingRule,
    LeadStatus,
    RoutingStrategy,
)
from openprm.partners.choices import Region


class LeadFactory(factory.django.DjangoModelFactory):
    """A lead as created, not routed (use the services to route it)."""

    class Meta:
        model = Lead

    company = factory.Sequence(lambda n: f"Customer {n:04d} GmbH")
    domain = factory.Sequence(lambda n: f"customer{n}.example")
    contact_name = "Ada Buyer"
    country = "DE"
    region = Region.EMEA
    postal_code = "10115"
    status = LeadStatus.NEW


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadRoutingRule

    name = factory.Sequence(lambda n: f"Rule {n:03d}")
    order = factory.Sequence(lambda n: n + 1)
    strategy = RoutingStrategy.ROUND_ROBIN


class CapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadCapacity

    max_open_leads = 5
