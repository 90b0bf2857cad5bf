"""Demo data of segments: four dynamic segments over the demo profiles and
programmes, and the static list "Q3 launch partners".

Safe to run twice: a segment whose name exists is kept as it is.
"""

from openprm.partners.models import Partner
from openprm.segments import services
from openprm.segments.models import Segment, SegmentKind

STATIC_LIST_NAME = "Q3 launch partners"

DYNAMIC = [
    (
        "Active EMEA resellers",
        "Active partners in EMEA whose primary type is reseller.",
        {
            "all": [
                {"field": "status", "op": "eq", "value": "active"},
                {"field": "region", "op": "eq", "value": "EMEA"},
                {"field": "partner_type", "op": "eq", "value": "reseller"},
            ]
        },
    ),
    (
        "Security specialists",
        "Partners specialised in security, of any status but terminated.",
        {
            "all": [
                {"field": "specialisations", "op": "any", "value": ["security"]},
                {"not": {"field": "status", "op": "eq", "value": "terminated"}},
            ]
        },
    ),
    (
        "Gold and above in Reseller",
        "Partners enrolled in the Reseller programme at Gold or Platinum.",
        {
            "field": "tier",
            "op": "gte",
            "value": {"programme": "reseller", "tier": "Gold"},
        },
    ),
    (
        "Prospects to recruit",
        "Prospects and applicants in North America or Asia-Pacific.",
        {
            "all": [
                {"field": "status", "op": "in", "value": ["prospect", "applicant"]},
                {
                    "any": [
                        {"field": "region", "op": "eq", "value": "NA"},
                        {"field": "region", "op": "eq", "value": "APAC"},
                    ]
                },
            ]
        },
    ),
]


def build_demo_segments(*, actor) -> list[Segment]:
    """The demo segments and the static list (with the first five active partners
    by name), created through the services."""
    segments = []
    for name, description, rule in DYNAMIC:
        segment = Segment.objects.filter(name=name).first() or services.segment_create(
            actor=actor,
            name=name,
            description=description,
            kind=SegmentKind.DYNAMIC,
            rule=rule,
        )
        segments.append(segment)
    static = Segment.objects.filter(name=STATIC_LIST_NAME).first()
    if static is None:
        static = services.segment_create(
            actor=actor,
            name=STATIC_LIST_NAME,
            description="Hand-picked partners for the Q3 product launch.",
            kind=SegmentKind.STATIC,
        )
        for partner in Partner.objects.filter(status="active").order_by("name", "id")[
            :5
        ]:
            services.static_list_add(actor=actor, segment=static, partner=partner)
    segments.append(static)
    return segments
