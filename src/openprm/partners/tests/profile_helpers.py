"""Shared pieces of the partner profile tests: the cast, images, and proof that a
refused write changed nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import UserFactory
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.models import (
    Contact,
    CustomFieldDefinition,
    Partner,
    PartnerDomain,
)
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import MembershipFactory


def png_upload(
    name="logo.png", size=(64, 32), image_format="PNG"
) -> SimpleUploadedFile:
    """A real, small image made by Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def fake_png_upload() -> SimpleUploadedFile:
    """A text file that claims to be a PNG."""
    return SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")


def world_state() -> dict:
    """Everything a refused write must leave as it was."""
    return {
        "audit": AuditEntry.objects.count(),
        "events": OutboxEvent.objects.count(),
        "partners": list(
            Partner.objects.order_by("pk").values_list(
                "pk", "name", "legal_name", "website", "custom_fields", "tags", "logo"
            )
        ),
        "domains": list(PartnerDomain.objects.order_by("pk").values_list("domain")),
        "contacts": list(
            Contact.objects.order_by("pk").values_list("pk", "name", "is_primary")
        ),
        "definitions": list(
            CustomFieldDefinition.objects.order_by("pk").values_list(
                "pk", "label", "is_active"
            )
        ),
    }


@pytest.fixture
def cast(settings, tmp_path):
    """A reseller beneath a distributor, another partner, and one user per role."""
    settings.MEDIA_ROOT = tmp_path
    distributor = PartnerFactory(
        name="Northwind", partner_type="distributor", downstream_visibility=True
    )
    reseller = PartnerFactory(name="Contoso", parent=distributor, country="DE")
    other = PartnerFactory(name="Fabrikam", country="FR")

    class Cast:
        pass

    people = Cast()
    people.distributor, people.reseller, people.other = distributor, reseller, other
    people.vendor_admin = UserFactory(vendor_role=VendorRole.VENDOR_ADMIN)
    people.manager = UserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)
    people.analyst = UserFactory(vendor_role=VendorRole.ANALYST)
    reseller.channel_manager = people.manager
    reseller.save(update_fields=["channel_manager"])
    people.reseller_admin = MembershipFactory(partner=reseller).user
    people.reseller_sales = MembershipFactory(
        partner=reseller, roles=[PartnerRole.SALES]
    ).user
    people.distributor_admin = MembershipFactory(partner=distributor).user
    people.other_admin = MembershipFactory(partner=other).user
    return people
