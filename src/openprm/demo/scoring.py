"""Demo data of scorecards: "Reseller fit" over the demo profile fields, and every
demo partner's score on it.

Safe to run twice: an existing "Reseller fit" scorecard is kept as it is, and a second
recompute writes no new scores.
"""

from openprm.partners.models import CustomFieldDefinition
from openprm.scoring import services
from openprm.scoring.models import Scorecard

SCORECARD_NAME = "Reseller fit"
CRITERIA = [
    {
        "label": "Partner type",
        "field": "partner_type",
        "kind": "value_in_list",
        "weight": 2,
        "config": {
            "values": [
                {"value": "reseller", "points": 100},
                {"value": "system_integrator", "points": 80},
                {"value": "msp", "points": 70},
                {"value": "distributor", "points": 40},
                {"value": "referral", "points": 30},
                {"value": "agency", "points": 20},
            ]
        },
    },
    {
        "label": "Specialisations",
        "field": "specialisations",
        "kind": "contains_any",
        "weight": 3,
        "config": {
            "values": [
                {"value": "security", "points": 40},
                {"value": "cloud", "points": 40},
                {"value": "networking", "points": 30},
                {"value": "data", "points": 30},
                {"value": "collaboration", "points": 20},
            ]
        },
    },
    {
        "label": "Industries",
        "field": "industries",
        "kind": "contains_any",
        "weight": 1,
        "config": {
            "values": [
                {"value": "finance", "points": 40},
                {"value": "healthcare", "points": 40},
                {"value": "public_sector", "points": 40},
                {"value": "manufacturing", "points": 30},
                {"value": "retail", "points": 30},
            ]
        },
    },
    {
        "label": "Employees",
        "field": "employee_band",
        "kind": "value_in_list",
        "weight": 2,
        "config": {
            "values": [
                {"value": "1-10", "points": 10},
                {"value": "11-50", "points": 40},
                {"value": "51-200", "points": 80},
                {"value": "201-1000", "points": 100},
                {"value": "1001-5000", "points": 80},
                {"value": "5001+", "points": 60},
            ]
        },
    },
]
# Used only when the demo profiles' custom field exists.
ENGINEERS = {
    "label": "Certified engineers",
    "field": "custom:certified_engineers",
    "kind": "range_bands",
    "weight": 2,
    "config": {
        "bands": [
            {"min": None, "max": 1, "points": 0},
            {"min": 1, "max": 3, "points": 40},
            {"min": 3, "max": 10, "points": 80},
            {"min": 10, "max": None, "points": 100},
        ]
    },
}


def build_demo_scoring(*, actor) -> Scorecard:
    """The "Reseller fit" scorecard and every partner's score on it (one bulk run)."""
    scorecard = Scorecard.objects.filter(name=SCORECARD_NAME).first()
    if scorecard is None:
        scorecard = services.scorecard_create(
            actor=actor,
            name=SCORECARD_NAME,
            description="How well a partner fits the reseller programme.",
        )
        criteria = list(CRITERIA)
        if CustomFieldDefinition.objects.filter(
            key="certified_engineers", field_type="number", is_active=True
        ).exists():
            criteria.append(ENGINEERS)
        for criterion in criteria:
            services.criterion_create(actor=actor, scorecard=scorecard, **criterion)
    run = services.score_run_start(actor=actor)
    services.score_run_execute(run=run)
    return scorecard
