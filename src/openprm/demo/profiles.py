"""Demo data of the partner profile: legal names, addresses, coordinates, types,
industries, specialisations, sizes, languages, tags, external ids, email domains,
contacts, and two custom fields with values.

Deterministic (``random.Random(2026)`` over the partners in id order) and safe to run
twice: custom fields are kept by key, domains and contacts are added only to partners
that have none. Written in bulk, without audit entries or events, like the rest of
the demo ecosystem.
"""

import random
import re
from decimal import Decimal

from django.db import transaction

from openprm.partners.choices import (
    EmployeeBand,
    Industry,
    PartnerType,
    RevenueBand,
    specialisation_choices,
)
from openprm.partners.models import (
    Contact,
    CustomFieldDefinition,
    Partner,
    PartnerDomain,
)

SEED = 2026
TLDS = {"US": "com", "CA": "ca", "GB": "co.uk", "AU": "com.au", "JP": "co.jp"}
LANGUAGES = {
    "US": ["en"],
    "CA": ["en", "fr"],
    "MX": ["es"],
    "BR": ["pt"],
    "GB": ["en"],
    "DE": ["de", "en"],
    "FR": ["fr", "en"],
    "NL": ["nl", "en"],
    "ES": ["es"],
    "SE": ["sv", "en"],
    "ZA": ["en"],
    "AE": ["ar", "en"],
    "IN": ["en", "hi"],
    "SG": ["en"],
    "JP": ["ja"],
}
# Rough city centres: enough for a map to place the demo partners.
COORDINATES = {
    "US": (39.8, -98.6),
    "CA": (45.4, -75.7),
    "MX": (19.4, -99.1),
    "BR": (-23.5, -46.6),
    "GB": (51.5, -0.1),
    "DE": (52.5, 13.4),
    "FR": (48.9, 2.4),
    "NL": (52.4, 4.9),
    "ES": (40.4, -3.7),
    "SE": (59.3, 18.1),
    "ZA": (-33.9, 18.4),
    "AE": (25.2, 55.3),
    "IN": (12.97, 77.6),
    "SG": (1.35, 103.8),
    "AU": (-33.9, 151.2),
    "JP": (35.7, 139.7),
}
LEGAL_FORMS = {"DE": "GmbH", "FR": "SAS", "NL": "B.V.", "GB": "Ltd", "SE": "AB"}
STREETS = ["Main", "Market", "Harbour", "Park"]
TAGS = ["strategic", "growth", "at-risk", "new-logo", "co-sell", "public-sector"]
CONTACT_TITLES = ["CEO", "Sales Director", "Head of Marketing", "Technical Lead"]
FIRST_NAMES = ["Ada", "Ben", "Chloe", "Diego", "Elena", "Farah", "Kenji", "Priya"]
LAST_NAMES = ["Baker", "Costa", "Fischer", "Ito", "Khan", "Moreau", "Patel", "Weber"]
CUSTOM_FIELDS = [
    {
        "key": "certified_engineers",
        "label": "Certified engineers",
        "field_type": "number",
        "help_text": "Engineers holding a current vendor certification.",
        "ordering": 1,
        "visible_to_partners": True,
        "editable_by_partners": True,
    },
    {
        "key": "crm_segment",
        "label": "CRM segment",
        "field_type": "choice",
        "choices": ["smb", "mid-market", "enterprise"],
        "ordering": 2,
    },
]
PROFILE_FIELDS = [
    "legal_name",
    "partner_types",
    "website",
    "street",
    "postal_code",
    "latitude",
    "longitude",
    "industries",
    "specialisations",
    "employee_band",
    "revenue_band",
    "languages",
    "tags",
    "external_id",
    "custom_fields",
]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


@transaction.atomic
def build_demo_profiles() -> dict[str, int]:
    """Fill the profiles of the existing demo partners; returns what was created."""
    rng = random.Random(SEED)
    for values in CUSTOM_FIELDS:
        CustomFieldDefinition.objects.get_or_create(key=values["key"], defaults=values)
    partners = list(Partner.objects.order_by("pk"))
    existing = dict(
        PartnerDomain.objects.order_by("-domain").values_list("partner_id", "domain")
    )
    with_contacts = set(Contact.objects.values_list("partner_id", flat=True))
    taken = set(PartnerDomain.objects.values_list("domain", flat=True))
    specialisations = [code for code, _label in specialisation_choices()]
    domains, contacts = [], []
    for partner in partners:
        slug = _slug(partner.name)
        tld = TLDS.get(partner.country, partner.country.lower())
        domain = existing.get(partner.pk) or f"{slug}.{tld}"
        if partner.pk not in existing and domain in taken:
            domain = f"{slug}{partner.pk}.{tld}"
        legal_form = LEGAL_FORMS.get(partner.country, "Inc.")
        latitude, longitude = COORDINATES.get(partner.country, (0.0, 0.0))
        partner.legal_name = f"{partner.name} {legal_form}"
        extra_type = rng.choice(PartnerType.values)
        partner.partner_types = list(dict.fromkeys([partner.partner_type, extra_type]))
        partner.website = f"https://www.{domain}"
        partner.street = f"{rng.randint(1, 250)} {rng.choice(STREETS)} Street"
        partner.postal_code = f"{rng.randint(10000, 99999)}"
        partner.latitude = Decimal(str(round(latitude + rng.uniform(-1, 1), 6)))
        partner.longitude = Decimal(str(round(longitude + rng.uniform(-1, 1), 6)))
        partner.industries = sorted(rng.sample(Industry.values, 2))
        partner.specialisations = sorted(rng.sample(specialisations, 2))
        partner.employee_band = rng.choice(EmployeeBand.values)
        partner.revenue_band = rng.choice(RevenueBand.values)
        partner.languages = LANGUAGES.get(partner.country, ["en"])
        partner.tags = sorted(rng.sample(TAGS, rng.randint(0, 2)))
        partner.external_id = f"CRM-{partner.pk:06d}"
        partner.custom_fields = {
            "certified_engineers": rng.randint(0, 25),
            "crm_segment": rng.choice(CUSTOM_FIELDS[1]["choices"]),
        }
        if partner.pk not in existing:
            taken.add(domain)
            domains.append(PartnerDomain(partner=partner, domain=domain))
        # Drawn for every partner, so that a second run draws the same values.
        people = [
            (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            for _index in range(rng.randint(1, 3))
        ]
        if partner.pk not in with_contacts:
            contacts.extend(
                Contact(
                    partner=partner,
                    name=f"{first} {last}",
                    email=f"{first}.{last}@{domain}".lower(),
                    title=CONTACT_TITLES[index],
                    is_primary=index == 0,
                )
                for index, (first, last) in enumerate(people)
            )
    Partner.objects.bulk_update(partners, PROFILE_FIELDS, batch_size=500)
    PartnerDomain.objects.bulk_create(domains, batch_size=500)
    Contact.objects.bulk_create(contacts, batch_size=500)
    return {
        "partners": len(partners),
        "domains": len(domains),
        "contacts": len(contacts),
        "custom_fields": len(CUSTOM_FIELDS),
    }
