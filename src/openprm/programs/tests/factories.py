import factory

from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.choices import BenefitKind, Operator
from openprm.programs.models import (
    Enrolment,
    Programme,
    Tier,
    TierBenefit,
    TierChange,
    TierRequirement,
)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n:03d}")
    slug = factory.Sequence(lambda n: f"programme-{n:03d}")
    eligible_partner_types = factory.LazyFunction(lambda: ["reseller"])


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tier

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Tier {n}")
    rank = factory.Sequence(lambda n: n + 1)


class TierRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TierRequirement

    tier = factory.SubFactory(TierFactory)
    metric = "active_users"
    operator = Operator.AT_LEAST
    threshold = 2


class TierBenefitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TierBenefit

    tier = factory.SubFactory(TierFactory)
    kind = BenefitKind.DISCOUNT_PERCENT
    value = "10"


def programme_with_tiers(*names: str, **fields) -> Programme:
    """A programme with tiers of ranks 1, 2, … (default: Silver, Gold)."""
    programme = ProgrammeFactory(**fields)
    for rank, name in enumerate(names or ("Silver", "Gold"), start=1):
        TierFactory(programme=programme, name=name, rank=rank)
    return programme


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """An active enrolment at the programme's first tier, with its first history
    step (made directly: no audit entry or event)."""

    class Meta:
        model = Enrolment
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    programme = factory.LazyFunction(programme_with_tiers)
    tier = factory.LazyAttribute(lambda obj: obj.programme.tiers.order_by("rank")[0])

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        if create:
            TierChange.objects.create(
                enrolment=obj, to_tier=obj.tier, reason="Enrolled"
            )
