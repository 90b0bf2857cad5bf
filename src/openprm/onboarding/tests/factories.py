import factory

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import UserFactory
from openprm.onboarding.choices import QuestionKind
from openprm.onboarding.models import (
    ApplicationQuestion,
    ApprovalQueue,
    ApprovalStep,
    RoutingRule,
)
from openprm.onboarding.services import application_submit
from openprm.programs.tests.factories import ProgrammeFactory


class ChannelManagerFactory(UserFactory):
    vendor_role = VendorRole.CHANNEL_MANAGER


class ApprovalQueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovalQueue
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Queue {n:03d}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule

    name = factory.Sequence(lambda n: f"Rule {n:03d}")
    position = factory.Sequence(lambda n: n)
    user = factory.SubFactory(ChannelManagerFactory)


class ApprovalStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovalStep

    programme = factory.SubFactory(ProgrammeFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Step {n}")
    sla_business_days = 2


class ApplicationQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationQuestion

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"question_{n}")
    label = factory.Sequence(lambda n: f"Question {n}?")
    kind = QuestionKind.TEXT


def application_data(**overrides) -> dict:
    """A valid submission of the public form."""
    data = {
        "company": "Northwind Traders",
        "website": "https://www.northwind.example",
        "country": "DE",
        "region": "EMEA",
        "partner_types": ["reseller"],
        "contact_name": "Nora North",
        "contact_email": "nora@northwind.example",
        "contact_phone": "+49 30 1234",
        "answers": {},
        "consent": True,
    }
    data.update(overrides)
    return data


def submit(programme=None, *, campaign_token: str = "", **overrides):
    """An application submitted through the real service."""
    return application_submit(
        programme=programme or ProgrammeFactory(),
        data=application_data(**overrides),
        client_ip="192.0.2.1",
        campaign_token=campaign_token,
    )
