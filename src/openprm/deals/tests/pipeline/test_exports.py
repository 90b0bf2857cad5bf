"""The CSV and XLSX exports of the pipeline pages' tables (console and portal):
the same rows as the page's tables, the page's filters, the reader's scope, and a
400 with the page's error for a bad filter, format or table."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.currencies.tests.factories import ExchangeRateFactory
from openprm.deals.models import Stage
from openprm.deals.tests.factories import make_deal, seller
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole

pytestmark = pytest.mark.django_db

D = datetime.date
CLOSE = D(2026, 3, 15)


def deal(partner, amount, *, close=CLOSE, at="Proposal"):
    return make_deal(
        partner=partner,
        amount=Decimal(amount),
        expected_close_date=close,
        stage=Stage.objects.get(name=at),
    )


@pytest.fixture
def rates():
    ExchangeRateFactory(currency="USD", rate=Decimal("0.9"), valid_from=D(2026, 1, 1))


@pytest.fixture
def admin_client(client):
    client.force_login(VendorUserFactory())
    return client


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def page_rows(html: str, testid: str) -> list[list[str]]:
    """The body rows of the page's table ``testid``, as the text of its cells."""
    table = re.search(rf'data-testid="{testid}">(.*?)</table>', html, re.S).group(1)
    body = table.split("<tbody>")[1]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        if "colspan" not in row
    ]


def plain(cell: str) -> str:
    """A page cell as the export writes it: "1,400.00 EUR" → "1400.00"."""
    return cell.replace(",", "").replace(" %", "").split(" ")[0]


def world():
    north = PartnerFactory(name="North Reseller", region="NA")
    south = PartnerFactory(name="South Reseller", region="EMEA")
    deal(north, "1000.00")
    deal(north, "500.00", at="Negotiation", close=D(2026, 5, 1))
    deal(south, "250.00", close=D(2026, 4, 2))
    return north, south


# --- console


@pytest.mark.parametrize(
    ("table", "testid"),
    [
        ("stages", "pipeline-stages"),
        ("months", "pipeline-months"),
        ("quarters", "pipeline-quarters"),
        ("regions", "pipeline-regions"),
        ("partners", "pipeline-partners"),
    ],
)
def test_each_console_export_holds_the_rows_of_its_table(
    admin_client, rates, table, testid
):
    world()
    url = reverse("console:pipeline")
    query = "?close_from=2026-01-01&close_to=2026-06-30"

    html = admin_client.get(url + query).content.decode()
    rows = csv_rows(admin_client.get(f"{url}{query}&export=csv&table={table}"))

    shown = page_rows(html, testid)
    assert shown
    assert f"export=csv&amp;table={table}" in html
    assert rows[0][-1 if table in ("stages", "months", "quarters") else -2] in (
        "Currency",
    )
    exported = rows[1:]
    assert len(exported) == len(shown)
    for page_row, export_row in zip(shown, exported, strict=True):
        if table in ("regions", "partners"):
            page_row, export_row = page_row[:4], export_row[:4]
        else:
            export_row = export_row[:-1]  # the currency
        assert [page_row[0]] + [plain(cell) for cell in page_row[1:]] == export_row


def test_the_console_export_keeps_the_pages_filters(admin_client, rates):
    world()

    rows = csv_rows(
        admin_client.get(
            reverse("console:pipeline") + "?region=NA&export=csv&table=partners"
        )
    )

    assert [row[0] for row in rows[1:]] == ["North Reseller"]
    assert rows[1][1:5] == ["2", "1500.00", "750.00", "EUR"]


def test_the_xlsx_export_holds_the_same_rows_as_the_csv(admin_client, rates):
    world()
    url = reverse("console:pipeline") + "?table=stages&export="

    rows = csv_rows(admin_client.get(url + "csv"))
    response = admin_client.get(url + "xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [
        ["" if value is None else str(value) for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert cells[0] == rows[0]
    assert [row[0] for row in cells[1:]] == [row[0] for row in rows[1:]]
    assert [Decimal(row[3]) for row in cells[1:]] == [
        Decimal(row[3]) for row in rows[1:]
    ]


def test_a_channel_manager_exports_only_their_partners(client, rates):
    manager = VendorUserFactory(vendor_role="channel_manager")
    theirs = PartnerFactory(name="Managed Reseller", channel_manager=manager)
    stranger = PartnerFactory(name="Stranger Reseller")
    deal(theirs, "100.00")
    deal(stranger, "900.00")
    client.force_login(manager)
    url = reverse("console:pipeline")

    partners = csv_rows(client.get(url + "?export=csv&table=partners"))
    stages = csv_rows(client.get(url + "?export=csv&table=stages"))
    refused = client.get(url + f"?partner={stranger.pk}&export=csv&table=stages")

    assert [row[0] for row in partners[1:]] == ["Managed Reseller"]
    assert sum(Decimal(row[3]) for row in stages[1:]) == Decimal("100.00")
    assert refused.status_code == 400
    assert "Stranger" not in refused.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "close_from=2026-05-01&close_to=2026-01-01",
            "The end comes before the start.",
        ),
        ("close_from=not-a-date", "Enter a valid date."),
        ("region=XX", "Select a valid choice."),
    ],
)
def test_a_bad_filter_refuses_the_export_with_its_error(
    admin_client, rates, query, message
):
    world()

    response = admin_client.get(
        reverse("console:pipeline") + f"?{query}&export=csv&table=stages"
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("export=pdf&table=stages", "Choose a download format: CSV or XLSX."),
        ("export=csv&table=deals", "This page has no table"),
        ("table=stages", "Choose a download format"),
    ],
)
def test_an_unknown_format_or_table_is_refused(admin_client, rates, query, message):
    response = admin_client.get(reverse("console:pipeline") + f"?{query}")

    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_page_with_a_bad_filter_still_answers_200(admin_client, rates):
    response = admin_client.get(reverse("console:pipeline") + "?close_from=nope")

    assert response.status_code == 200


def test_the_export_links_carry_only_the_valid_filters(admin_client, rates):
    html = admin_client.get(
        reverse("console:pipeline") + "?region=NA&close_from=nope"
    ).content.decode()

    assert 'href="?region=NA&amp;export=csv&amp;table=stages"' in html


# --- portal


def test_a_partner_exports_only_its_own_organisation(client, rates):
    mine, other = PartnerFactory(), PartnerFactory(name="Other Partner")
    deal(mine, "100.00")
    deal(other, "900.00")
    client.force_login(seller(mine))
    url = reverse("portal:pipeline")

    html = client.get(url).content.decode()
    rows = csv_rows(client.get(url + f"?partner={other.pk}&export=csv&table=stages"))
    quarters = csv_rows(client.get(url + "?export=csv&table=quarters"))

    assert sum(Decimal(row[3]) for row in rows[1:]) == Decimal("100.00")
    quarter = page_rows(html, "pipeline-quarters")[0]
    assert [quarter[0]] + [plain(cell) for cell in quarter[1:]] == quarters[1][:-1]
    # A partner without downstream partners has no partners or regions table.
    for table in ("partners", "regions"):
        response = client.get(url + f"?export=csv&table={table}")
        assert response.status_code == 400
        assert "Other Partner" not in response.content.decode()


def test_a_distributor_exports_its_downstream_partners(client, rates):
    distributor = PartnerFactory(partner_type="distributor", downstream_visibility=True)
    reseller = PartnerFactory(parent=distributor, name="Downstream Reseller")
    stranger = PartnerFactory(name="Stranger Reseller")
    deal(reseller, "300.00")
    deal(distributor, "100.00")
    deal(stranger, "900.00")
    client.force_login(seller(distributor, roles=[PartnerRole.PARTNER_ADMIN]))
    url = reverse("portal:pipeline")

    html = client.get(url).content.decode()
    rows = csv_rows(client.get(url + "?export=csv&table=partners"))

    assert [row[0] for row in rows[1:]] == [
        row[0] for row in page_rows(html, "pipeline-partners")
    ]
    assert "Stranger Reseller" not in {row[0] for row in rows}
    assert sum(Decimal(row[2]) for row in rows[1:]) == Decimal("400.00")
    refused = client.get(url + f"?partner={stranger.pk}&export=csv&table=partners")
    assert refused.status_code == 400


def test_the_portal_export_is_refused_to_roles_without_deals(client, rates):
    client.force_login(seller(PartnerFactory(), roles=[PartnerRole.MARKETING]))

    response = client.get(reverse("portal:pipeline") + "?export=csv&table=stages")

    assert response.status_code == 403


def test_an_export_runs_the_same_queries_for_few_or_many_deals(admin_client, rates):
    deal(PartnerFactory(), "1.00")
    url = reverse("console:pipeline") + "?export=csv&table=partners"
    csv_rows(admin_client.get(url))
    with CaptureQueriesContext(connection) as few:
        csv_rows(admin_client.get(url))
    for index in range(10):
        deal(PartnerFactory(), f"{index + 1}.00", close=D(2026, 1 + index, 1))

    with CaptureQueriesContext(connection) as many:
        rows = csv_rows(admin_client.get(url))

    assert len(rows) == 12
    assert len(many.captured_queries) == len(few.captured_queries)
