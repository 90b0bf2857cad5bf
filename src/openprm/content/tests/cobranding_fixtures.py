"""Fixtures of the co-branding tests: a media folder of their own, a reseller with a
logo, a primary contact and a partner user."""

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import UserFactory
from openprm.content.tests.factories import image_bytes
from openprm.partners.models import Contact
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import MembershipFactory


@pytest.fixture(name="media")
def media_fixture(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def give_logo(partner, *, colour="red", name="logo.png") -> None:
    partner.logo.save(
        name, ContentFile(image_bytes(size=(200, 80), colour=colour)), save=True
    )


@pytest.fixture(name="people")
def people_fixture(media):
    """A reseller (Contoso) with a logo, website and primary contact, another
    partner (Fabrikam) with its own, a user of each, and vendor staff."""
    contoso = PartnerFactory(
        name="Contoso Reseller", website="https://contoso.example", region="EMEA"
    )
    give_logo(contoso)
    Contact.objects.create(
        partner=contoso,
        name="Dana Seller",
        phone="+49 30 555 0100",
        email="dana@contoso.example",
        is_primary=True,
    )
    fabrikam = PartnerFactory(
        name="Fabrikam Systems", website="https://fabrikam.example", region="NA"
    )
    give_logo(fabrikam, colour="green")
    return SimpleNamespace(
        contoso=contoso,
        fabrikam=fabrikam,
        contoso_user=MembershipFactory(partner=contoso, roles=[PartnerRole.SALES]).user,
        fabrikam_user=MembershipFactory(partner=fabrikam).user,
        marketing=UserFactory(vendor_role=VendorRole.CHANNEL_MARKETING),
        analyst=UserFactory(vendor_role=VendorRole.ANALYST),
    )
