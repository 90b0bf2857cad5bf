import pytest

from openprm.demo.ecosystem import EcosystemBuilder
from openprm.demo.profiles import build_demo_profiles
from openprm.partners import custom_fields
from openprm.partners.models import (
    Contact,
    CustomFieldDefinition,
    Partner,
    PartnerDomain,
)
from openprm.partners.services import clean_profile


def snapshot() -> list:
    return list(
        Partner.objects.order_by("pk").values_list(
            "legal_name", "website", "external_id", "custom_fields", "tags", "latitude"
        )
    )


@pytest.mark.django_db
def test_demo_profiles_are_complete_valid_and_rebuilt_identically():
    EcosystemBuilder(seed=2026, partner_count=200, password="x").build()

    counts = build_demo_profiles()
    first = snapshot()
    again = build_demo_profiles()

    partners = list(Partner.objects.order_by("pk"))
    definitions = list(CustomFieldDefinition.objects.all())
    assert counts["partners"] == 200
    assert PartnerDomain.objects.count() == 200
    assert Contact.objects.filter(is_primary=True).count() == 200
    assert CustomFieldDefinition.objects.count() == 2
    assert (again["domains"], again["contacts"]) == (0, 0)
    assert snapshot() == first
    for partner in partners:
        # Every demo value passes the rules the services apply.
        clean_profile(
            {
                "industries": partner.industries,
                "languages": partner.languages,
                "tags": partner.tags,
                "latitude": partner.latitude,
                "longitude": partner.longitude,
                "website": partner.website,
            }
        )
        assert custom_fields.validate(definitions, partner.custom_fields).is_valid
