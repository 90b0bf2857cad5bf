"""Co-branded copies of a 10-page PDF: made cold, and served warm (issue 13).

Not an HTTP scenario. ``python -m bench.cobranding [--partners 8] [--requests 400]``
migrates a throwaway database — SQLite in a temporary folder; with ``DATABASE_URL``
(its name must contain "bench") a database ``<its name>_cobranding`` created next to
it and dropped afterwards — and a temporary media folder, then:

1. writes a 10-page PDF with fpdf2 (a heading, a paragraph of text and a drawn
   panel on every page, compressed as a designer's export would be), stored as the
   current version of a co-brandable asset for everyone, with 14 zones: the logo,
   name, website, phone and email on page 1 and the partner's name in the footer of
   pages 2 to 10;
2. creates the partners (each with a PNG logo, a website, a primary contact and a
   partner user);
3. **render**: times ``generation.render`` alone (the overlay drawn by fpdf2 and
   merged by pypdf) for each partner;
4. **cold**: times ``services.cobranded_copy_get`` for each partner (nothing
   cached: the details read, the copy made, stored and its row written);
5. **warm, view**: the portal's download URL through Django's test ``Client`` (the
   whole middleware stack, the session, the audience and live-window check, the
   cached copy streamed from storage, the download recorded as a ``ContentActivity``
   and a ``content.downloaded`` event), ``--requests`` times round-robin over the
   partners' users, in requests per second;
6. **list page**: the portal's list of co-brandable assets through the same
   clients (the same guard and audience check, no file, no write), to compare with;
7. **warm, service**: ``cobranded_copy_get`` alone on the cached copies.

``make bench`` runs :func:`report` after the scenarios (``--cobranded-copies N``
partners; 0 skips it). ``--json`` prints the figures as JSON.
"""

import argparse
import json
import os
import statistics
import time

from bench.environment import drop_database, throwaway_database
from bench.processes import measure_in_child

PAGES = 10
DEFAULT_PARTNERS = 8
DEFAULT_REQUESTS = 400
PARAGRAPH = (
    "Our platform helps your customers run their networks with less effort: "
    "automated configuration, continuous monitoring and security updates that "
    "install themselves. This brochure walks through the features, the plans and "
    "what your team can offer on top. "
) * 4


def _database() -> tuple[str, str | None]:
    """The database to measure on, and a temporary media folder next to it."""
    vendor, name = throwaway_database("cobranding")
    os.environ["MEDIA_ROOT"] = os.path.join(os.environ["OPENPRM_VAR_DIR"], "media")
    return vendor, name


def brochure(pages: int = PAGES) -> bytes:
    """A 10-page PDF as a designer might export it."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_fill_color(230, 238, 250)
        pdf.rect(40, 150, 515, 260, style="F")
        pdf.set_draw_color(13, 110, 253)
        pdf.set_line_width(2)
        for step in range(12):
            pdf.line(60 + 40 * step, 390, 80 + 40 * step, 170 + 15 * (step % 5))
        pdf.set_font("Helvetica", "B", 22)
        pdf.set_xy(40, 440)
        pdf.cell(text=f"Managed networks, part {number}")
        pdf.set_font("Helvetica", size=11)
        pdf.set_xy(40, 480)
        pdf.multi_cell(515, 15, PARAGRAPH)
    return bytes(pdf.output())


def zones() -> list[dict]:
    first = [
        {"kind": "logo", "page": 1, "x": 40, "y": 760, "width": 160, "height": 50},
        *(
            {
                "kind": "text",
                "page": 1,
                "x": 330,
                "y": 790 - 20 * index,
                "width": 225,
                "height": 16,
                "field": field,
            }
            for index, field in enumerate(["name", "website", "phone", "email"])
        ),
    ]
    footers = [
        {
            "kind": "text",
            "page": page,
            "x": 40,
            "y": 20,
            "width": 300,
            "height": 14,
            "field": "name",
        }
        for page in range(2, PAGES + 1)
    ]
    return first + footers


def populate(partners: int):
    import hashlib
    from io import BytesIO

    from django.core.files.base import ContentFile
    from django.utils import timezone
    from PIL import Image, ImageDraw

    from openprm.accounts.models import User
    from openprm.content.models import Asset, AssetVersion
    from openprm.partners.models import Contact, Partner
    from openprm.segments.models import Audience
    from openprm.tenancy.models import Membership

    audience = Audience.objects.create(name="Everyone", rule={"all": []})
    asset = Asset.objects.create(
        kind="file",
        title="Managed networks brochure",
        audience=audience,
        publish_at=timezone.now() - timezone.timedelta(days=1),
        is_cobrandable=True,
        cobrand_zones=zones(),
    )
    data = brochure()
    version = AssetVersion(
        asset=asset,
        number=1,
        original_name="brochure.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    version.file.save("brochure.pdf", ContentFile(data), save=False)
    version.save()
    asset.current_version = version
    asset.save(update_fields=["current_version"])
    users = []
    for number in range(partners):
        partner = Partner.objects.create(
            name=f"Bench Partner {number:02d} GmbH",
            partner_type="reseller",
            status="active",
            country="DE",
            region="EMEA",
            website=f"https://partner{number:02d}.example",
            path=f"/{number}/",
        )
        logo = Image.new("RGBA", (320, 100), (20 * number % 255, 90, 200, 255))
        ImageDraw.Draw(logo).text((20, 40), f"P{number}", fill="white")
        output = BytesIO()
        logo.save(output, "PNG")
        partner.logo.save(f"logo-{number}.png", ContentFile(output.getvalue()))
        Contact.objects.create(
            partner=partner,
            name=f"Contact {number}",
            phone=f"+49 30 555 01{number:02d}",
            email=f"sales@partner{number:02d}.example",
            is_primary=True,
        )
        user = User.objects.create_user(
            email=f"user{number}@partner{number:02d}.example", password=None
        )
        Membership.objects.create(user=user, partner=partner, roles=["sales"])
        users.append(user)
    return asset, users, len(data)


def measure(partners: int, requests: int) -> dict:
    from django.conf import settings
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from openprm.content.cobranding import generation, selectors, services
    from openprm.content.cobranding.zones import parse
    from openprm.content.models import Asset
    from openprm.partners.models import Partner

    setup_test_environment()  # the test Client's host and a quiet email backend
    # Pages link static files by name: no collectstatic manifest here.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        }
    ).enable()
    asset, users, pdf_size = populate(partners)
    asset = Asset.objects.select_related("current_version").get(pk=asset.pk)
    partner_rows = list(Partner.objects.order_by("id"))
    parsed, _errors = parse(asset.cobrand_zones)
    original = selectors.original_bytes(asset.current_version)

    render_seconds = []
    for partner in partner_rows:
        details = selectors.partner_details(partner=partner)
        started = time.perf_counter()
        copy = generation.render(original, parsed, details)
        render_seconds.append(time.perf_counter() - started)
    copy_size = len(copy)

    cold_seconds = []
    for partner in partner_rows:
        started = time.perf_counter()
        _copy, made = services.cobranded_copy_get(partner=partner, asset=asset)
        cold_seconds.append(time.perf_counter() - started)
        assert made, "the first copy of each partner is made"

    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    url = reverse("portal:content_cobranded_download", args=[asset.public_id])
    for client in clients:  # one unrecorded request each: sessions, caches
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        b"".join(response.streaming_content)
    started = time.perf_counter()
    for number in range(requests):
        response = clients[number % len(clients)].get(url)
        assert response.status_code == 200, response.status_code
        body = b"".join(response.streaming_content)
    view_seconds = time.perf_counter() - started
    assert body[:5] == b"%PDF-"

    # The same clients on the portal's list of co-brandable assets: a page with
    # the same guard and audience check and no file, to compare with.
    list_url = reverse("portal:content_cobranded")
    started = time.perf_counter()
    for number in range(requests):
        response = clients[number % len(clients)].get(list_url)
        assert response.status_code == 200, response.status_code
    list_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for number in range(requests):
        _copy, made = services.cobranded_copy_get(
            partner=partner_rows[number % len(partner_rows)], asset=asset
        )
        assert not made
    service_seconds = time.perf_counter() - started

    return {
        "partners": partners,
        "pages": PAGES,
        "zones": len(parsed),
        "pdf_bytes": pdf_size,
        "copy_bytes": copy_size,
        "render_ms_median": round(1000 * statistics.median(render_seconds), 1),
        "cold_ms_median": round(1000 * statistics.median(cold_seconds), 1),
        "cold_ms_max": round(1000 * max(cold_seconds), 1),
        "cold_copies_per_s": round(len(cold_seconds) / sum(cold_seconds), 1),
        "warm_requests": requests,
        "warm_view_per_s": round(requests / view_seconds, 1),
        "warm_view_ms": round(1000 * view_seconds / requests, 2),
        "warm_service_per_s": round(requests / service_seconds, 1),
        "list_page_per_s": round(requests / list_seconds, 1),
    }


def lines(vendor: str, result: dict) -> list[str]:
    return [
        f"Co-branded copies of a {result['pages']}-page PDF "
        f"({result['pdf_bytes']:,} bytes, {result['zones']} zones) on {vendor}, "
        f"{result['partners']} partners:",
        f"  cold: {result['cold_copies_per_s']:,} copies/s "
        f"(median {result['cold_ms_median']} ms per copy, slowest "
        f"{result['cold_ms_max']} ms; the drawing and merge alone "
        f"{result['render_ms_median']} ms)",
        f"  warm, portal download view: {result['warm_view_per_s']:,} requests/s "
        f"({result['warm_view_ms']} ms each, {result['warm_requests']} requests, "
        f"each recorded as a download)",
        f"  warm, service only: {result['warm_service_per_s']:,} lookups/s",
        f"  for comparison, the portal's list of co-branded assets: "
        f"{result['list_page_per_s']:,} requests/s",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cobranding")
    parser.add_argument("--partners", type=int, default=DEFAULT_PARTNERS)
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS)
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    original_url = os.environ.get("DATABASE_URL", "").strip()
    vendor, dropped = _database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    os.environ["DEBUG"] = "0"
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        result = {"database": vendor, **measure(args.partners, args.requests)}
        from django.db import connections

        connections.close_all()
    finally:
        drop_database(dropped, original_url)
    if args.json:
        print(json.dumps(result))
    else:
        print("\n".join(lines(vendor, result)))


def report(partners: int = DEFAULT_PARTNERS, say=print) -> dict:
    """Measure in a child process of its own and print the figures."""
    return measure_in_child("bench.cobranding", [f"--partners={partners}"], lines, say)


if __name__ == "__main__":
    main()
