import factory

from openprm.campaigns.models import Campaign, CampaignRecipient
from openprm.partners.choices import PartnerStatus
from openprm.partners.models import Contact
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.segments.tests.factories import StaticListFactory, StaticListMemberFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    """A draft campaign to a (new, empty) static list."""

    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    segment = factory.SubFactory(StaticListFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    subject = "Join {{ programme }}, {{ company }}"
    body = "Hello {{ contact }},\n\n{{ company }} would fit {{ programme }}."


class CampaignRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignRecipient

    campaign = factory.SubFactory(CampaignFactory)
    email = factory.Sequence(lambda n: f"prospect{n}@example.org")
    company = factory.Sequence(lambda n: f"Prospect {n}")
    contact_name = "Pat Prospect"


def prospect(segment=None, *, email: str | None = None, name: str = "", **fields):
    """A prospect partner with a primary contact, in the static list ``segment``."""
    partner = PartnerFactory(status=PartnerStatus.PROSPECT, **fields)
    Contact.objects.create(
        partner=partner,
        name=name or f"Contact of {partner.name}",
        email=email or f"contact{partner.pk}@example.org",
        is_primary=True,
    )
    if segment is not None:
        StaticListMemberFactory(segment=segment, partner=partner)
    return partner
