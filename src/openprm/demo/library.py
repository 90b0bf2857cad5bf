"""Demo data of the asset library: 32 items (PDF datasheets and guides, links and
pages) in folders, for audiences by region, tier and role, two of the datasheets
co-brandable (logo, name and website stamped on the first page), and some views
and downloads by the demo partners' users.

Safe to run twice: nothing is added when the library already holds assets.
"""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openprm.content.choices import ActivityKind, AssetKind
from openprm.content.cobranding import generation, zones
from openprm.content.cobranding import services as cobranding_services
from openprm.content.library import selectors, services
from openprm.content.models import Asset
from openprm.segments.audiences import audience_reader
from openprm.segments.models import Audience
from openprm.tenancy.models import Membership

AUDIENCES = [
    ("Every partner", "Every partner that is active.", {"all": []}, []),
    (
        "EMEA partners",
        "Partners in Europe, the Middle East and Africa.",
        {"field": "region", "op": "eq", "value": "EMEA"},
        [],
    ),
    (
        "North America partners",
        "Partners in North America.",
        {"field": "region", "op": "eq", "value": "NA"},
        [],
    ),
    (
        "Gold and above in Reseller",
        "Partners enrolled in the Reseller programme at Gold or Platinum.",
        {
            "field": "tier",
            "op": "gte",
            "value": {"programme": "reseller", "tier": "Gold"},
        },
        [],
    ),
    (
        "Partner marketers",
        "The marketing people and admins of every partner.",
        {"all": []},
        ["marketing", "partner_admin"],
    ),
]
FOLDERS = ["Sales", "Marketing", "Technical"]
PRODUCTS = ["Firewall", "Cloud Suite", "Endpoint", "Analytics"]
KINDS = ["Datasheet", "Battlecard", "Pricing guide", "Solution brief", "Case study"]


def _pdf(title: str, text: str) -> SimpleUploadedFile:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", size=18)
    pdf.cell(text=title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(w=0, text=text)
    name = title.lower().replace(" ", "-") + ".pdf"
    return SimpleUploadedFile(name, bytes(pdf.output()), "application/pdf")


def _audiences(actor) -> list[Audience]:
    found = []
    for name, description, rule, roles in AUDIENCES:
        audience, _created = Audience.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "rule": rule,
                "partner_roles": roles,
                "created_by": actor,
            },
        )
        found.append(audience)
    return found


def build_demo_library(*, actor, seed: int = 13) -> int:
    """The demo library; returns how many assets it made."""
    if Asset.objects.exists():
        return 0
    rng = random.Random(seed)
    audiences = _audiences(actor)
    folders = {name: services.folder_create(actor=actor, name=name) for name in FOLDERS}
    now = timezone.now()
    made = []
    for index in range(24):
        product = PRODUCTS[index % len(PRODUCTS)]
        kind = KINDS[index % len(KINDS)]
        title = f"{product} {kind}"
        if index >= len(PRODUCTS) * len(KINDS) // 2:
            title += " (2026)"
        made.append(
            services.asset_create(
                actor=actor,
                kind=AssetKind.FILE,
                title=title,
                summary=f"The {kind.lower()} of {product} for partners' customers.",
                audience=audiences[index % len(audiences)],
                folder=folders["Sales" if index % 2 else "Technical"],
                tags=[kind.lower(), product.lower()],
                language="de" if index % 7 == 3 else "en",
                product_lines=[product],
                publish_at=now - datetime.timedelta(days=rng.randint(1, 120)),
                expires_at=now - datetime.timedelta(days=2) if index == 5 else None,
                file=_pdf(title, f"{title}. {product} protects and scales. " * 20),
            )
        )
    for index, (title, url) in enumerate(
        [
            ("Partner portal guide", "https://example.com/partners/guide"),
            ("Brand guidelines", "https://example.com/brand"),
            ("Product roadmap webinar", "https://example.com/webinars/roadmap"),
            ("Demo environment", "https://example.com/demo"),
        ]
    ):
        made.append(
            services.asset_create(
                actor=actor,
                kind=AssetKind.LINK,
                title=title,
                summary="Open it in a new tab.",
                audience=audiences[0 if index % 2 == 0 else 4],
                folder=folders["Marketing"],
                tags=["link"],
                language="en",
                url=url,
                publish_at=now - datetime.timedelta(days=rng.randint(1, 60)),
            )
        )
    for index, title in enumerate(
        [
            "How to pitch the Cloud Suite",
            "Objection handling",
            "Co-selling with us",
            "Marketing plan template",
        ]
    ):
        made.append(
            services.asset_create(
                actor=actor,
                kind=AssetKind.PAGE,
                title=title,
                summary="A short guide.",
                audience=audiences[index % 3],
                folder=folders["Marketing"],
                tags=["guide"],
                language="en",
                body=f"<h2>{title}</h2><p>Start with the customer's problem, "
                "then show the product.</p><ul><li>Listen</li><li>Show</li></ul>",
                # The last is still a draft.
                publish_at=None
                if index == 3
                else now - datetime.timedelta(days=rng.randint(1, 30)),
            )
        )
    for asset in [item for item in made if item.kind == AssetKind.FILE][:2]:
        _make_cobrandable(actor, asset)
    _activity(rng)
    return len(made)


def _make_cobrandable(actor, asset: Asset) -> None:
    """The editor's suggested layout on the asset's first page."""
    with asset.current_version.file.open("rb") as handle:
        boxes, _unit = generation.page_boxes(handle.read())
    cobranding_services.asset_cobranding_update(
        actor=actor,
        asset=asset,
        is_cobrandable=True,
        zones_raw=zones.sample_zones(boxes),
    )


def _activity(rng: random.Random) -> None:
    """Views and downloads by the first 40 partner users, of assets they may see."""
    memberships = list(
        Membership.objects.filter(is_active=True)
        .select_related("user")
        .order_by("id")[:40]
    )
    for membership in memberships:
        readable = list(
            selectors.assets_for_reader(reader=audience_reader(membership=membership))
        )
        for asset in rng.sample(readable, k=min(3, len(readable))):
            services.asset_activity_record(
                actor=membership.user,
                partner_id=membership.partner_id,
                asset=asset,
                kind=ActivityKind.VIEW,
            )
            if asset.kind == AssetKind.FILE and rng.random() < 0.6:
                services.asset_activity_record(
                    actor=membership.user,
                    partner_id=membership.partner_id,
                    asset=asset,
                    kind=ActivityKind.DOWNLOAD,
                )
