import factory

from openprm.partners.choices import PartnerStatus, PartnerType, Region
from openprm.partners.models import Partner, SavedView
from openprm.partners.services import partner_create


class PartnerFactory(factory.django.DjangoModelFactory):
    """A partner made through the real service; pass ``parent`` for a hierarchy."""

    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n:04d}")
    partner_type = PartnerType.RESELLER
    status = PartnerStatus.ACTIVE
    country = "DE"
    region = Region.EMEA
    city = "Berlin"
    parent = None

    @classmethod
    def _create(cls, model_class, **fields):
        return partner_create(**fields)


class SavedViewFactory(factory.django.DjangoModelFactory):
    """A saved directory view (made directly: no audit entry or event)."""

    class Meta:
        model = SavedView

    owner = factory.SubFactory("openprm.accounts.tests.factories.VendorUserFactory")
    name = factory.Sequence(lambda n: f"View {n:03d}")
    query = factory.LazyFunction(lambda: {"status": ["active"]})
