"""Demo data of lead distribution: four routing rules, capacities, and leads in
every state — Contoso Solutions (the demo partner login) holds offered, accepted,
working and lost leads, and has rejected one and let another's time pass; other
leads are routed across the demo ecosystem, a few find nobody or wait unrouted.

Safe to run twice: nothing is added once a routing rule exists.
"""

import random
from datetime import timedelta

from django.utils import timezone

from openprm.accounts.models import User
from openprm.demo.ecosystem import COUNTRIES, PARTNER_LOGIN
from openprm.leads import services
from openprm.leads.batch import route_waiting_leads
from openprm.leads.models import Lead, LeadAssignment, LeadRoutingRule
from openprm.partners.models import Partner

COMPANIES = [
    "Adler Logistik",
    "Bluewater Foods",
    "Cobalt Health",
    "Driftwood Media",
    "Evergreen Energy",
    "Falcon Finance",
    "Granite Manufacturing",
    "Harbour Retail",
    "Iris Education",
    "Juniper Telecom",
    "Kestrel Insurance",
    "Lumen Labs",
    "Meridian Hotels",
    "Northstar Freight",
    "Oakridge Clinics",
    "Pinnacle Bank",
    "Quarry Materials",
    "Riverside Schools",
    "Summit Software",
    "Tidewater Utilities",
]
INDUSTRIES = ["manufacturing", "finance", "healthcare", "technology", "logistics"]
INTERESTS = ["networking", "security", "cloud", "data", "collaboration"]


def _lead(number: int, country: str, region: str, **fields) -> dict:
    return {
        "company": f"{COMPANIES[number % len(COMPANIES)]} {number:02d}",
        "domain": f"lead{number}.example",
        "contact_name": "Sam Buyer",
        "contact_email": f"sam@lead{number}.example",
        "country": country,
        "region": region,
        "postal_code": f"{10000 + number * 37}",
        "external_id": f"DEMO-LEAD-{number:03d}",
        **fields,
    }


def build_demo_leads(*, actor, seed: int = 2026) -> int:
    """Create the demo rules and leads; returns the number of leads created."""
    if LeadRoutingRule.objects.exists():
        return 0
    rng = random.Random(seed)
    contoso = Partner.objects.get(name="Contoso Solutions")
    seller = User.objects.get(email=PARTNER_LOGIN.email)
    services.rule_create(
        actor=actor,
        data={
            "name": "Contoso key accounts",
            "order": 10,
            "strategy": "named",
            "named_partner": contoso,
            "industries": ["retail"],
        },
    )
    services.rule_create(
        actor=actor,
        data={
            "name": "Security near the customer",
            "order": 20,
            "strategy": "nearest",
            "product_interests": ["security"],
            "same_country": False,
            "same_region": True,
            "match_specialisation": True,
        },
    )
    services.rule_create(
        actor=actor,
        data={
            "name": "North America rotation",
            "order": 30,
            "strategy": "round_robin",
            "regions": ["NA"],
        },
    )
    services.rule_create(
        actor=actor,
        data={
            "name": "Best partner in the country",
            "order": 40,
            "strategy": "weighted",
            "tier_weight": 2.0,
        },
    )
    services.capacity_set(actor=actor, partner=contoso, max_open_leads=10)

    def create(number, country, region, route=True, **fields):
        return services.lead_create(
            actor=actor,
            data=_lead(number, country, region, **fields),
            route=route,
        )

    # Contoso's leads (retail: its named rule). Iceland has no partner, so a lead
    # Contoso gives back there stays rejected or recalled for the vendor to handle.
    first = create(6, "IS", "EMEA", industry="retail")
    # Contoso lets the first one's acceptance time pass: the sweep recalls it.
    LeadAssignment.objects.filter(lead=first, outcome="pending").update(
        offered_at=timezone.now() - timedelta(days=3),
        respond_by=timezone.now() - timedelta(hours=1),
    )
    services.recall_overdue_leads(now=timezone.now())
    create(1, "US", "NA", industry="retail")  # stays offered
    accepted = create(2, "US", "NA", industry="retail")
    working = create(3, "US", "NA", industry="retail")
    lost = create(4, "US", "NA", industry="retail")
    rejected = create(5, "IS", "EMEA", industry="retail")
    for lead in (accepted, working, lost):
        services.lead_accept(actor=seller, lead=lead)
    services.lead_set_status(
        actor=seller, lead=working, status="working", note="First call held"
    )
    services.lead_add_note(actor=seller, lead=working, text="Demo booked for Friday")
    services.lead_set_status(
        actor=seller, lead=lost, status="lost", note="Chose to wait a year"
    )
    services.lead_reject(actor=seller, lead=rejected, reason="No presence in Iceland")
    # Unassigned (no partner in Iceland) and a new lead waiting for routing.
    create(7, "IS", "EMEA", industry="finance")
    create(8, "DE", "EMEA", route=False, industry="finance")
    # A backlog routed in one batch across the ecosystem.
    backlog = []
    for number in range(9, 39):
        country, region, _cities = rng.choice(COUNTRIES)
        backlog.append(
            create(
                number,
                country,
                region,
                route=False,
                industry=rng.choice(INDUSTRIES),
                product_interest=rng.choice(INTERESTS),
            ).pk
        )
    route_waiting_leads(actor=actor, lead_ids=backlog)
    return Lead.objects.count()
