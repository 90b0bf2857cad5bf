"""The pipeline pages (console and portal) and the pipeline API."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.currencies.tests.factories import ExchangeRateFactory
from openprm.deals.models import Deal, Stage
from openprm.deals.tests.factories import make_deal, seller
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole

pytestmark = pytest.mark.django_db

D = datetime.date
CLOSE = D(2026, 3, 15)


def deal(partner, amount, *, currency="EUR", close=CLOSE, at="Proposal"):
    made = make_deal(
        partner=partner,
        amount=Decimal(amount),
        expected_close_date=close,
        stage=Stage.objects.get(name=at),
    )
    if currency != "EUR":
        Deal.objects.filter(pk=made.pk).update(currency=currency)
    return made


def bearer(user) -> dict[str, str]:
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def rates():
    ExchangeRateFactory(currency="USD", rate=Decimal("0.9"), valid_from=D(2026, 1, 1))


@pytest.fixture
def admin_client(client):
    client.force_login(VendorUserFactory())
    return client


def chart_data(response) -> dict:
    html = response.content.decode()
    start = html.index('id="pipeline-chart-data"')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


# --- console page


def test_the_console_page_shows_the_figures_and_feeds_the_charts(admin_client, rates):
    partner = PartnerFactory(name="Acme Reseller")
    deal(partner, "1000.00", currency="USD")
    deal(partner, "500.00", at="Negotiation", close=D(2026, 5, 1))

    response = admin_client.get(reverse("console:pipeline"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="total-amount">1,400.00 EUR' in html
    assert 'data-testid="total-weighted">710.00 EUR' in html
    assert "Acme Reseller" in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    data = chart_data(response)
    assert data["stages"]["labels"] == ["Qualification", "Proposal", "Negotiation"]
    assert data["stages"]["weighted"] == [0.0, 360.0, 350.0]
    assert data["months"]["labels"] == ["2026-03", "2026-04", "2026-05"]


def test_chart_data_is_escaped_in_its_json_block(admin_client, rates):
    Stage.objects.filter(name="Proposal").update(name="</script><b>x</b>")
    deal(PartnerFactory(), "1.00", at="</script><b>x</b>")

    html = admin_client.get(reverse("console:pipeline")).content.decode()

    assert "</script><b>x</b>" not in html.split('id="pipeline-chart-data"')[1][:500]
    assert "\\u003C/script\\u003E" in html


def test_the_console_page_filters_by_region(admin_client, rates):
    deal(PartnerFactory(region="EMEA"), "100.00")
    deal(PartnerFactory(region="NA", country="US"), "900.00")

    response = admin_client.get(reverse("console:pipeline") + "?region=NA")

    assert 'data-testid="total-amount">900.00 EUR' in response.content.decode()


def test_the_console_page_says_which_deals_have_no_rate(admin_client, rates):
    deal(PartnerFactory(), "100.00")
    deal(PartnerFactory(), "7000.00", currency="JPY")

    html = admin_client.get(reverse("console:pipeline")).content.decode()

    assert 'data-testid="unconverted-JPY"' in html
    assert "1 deal in JPY, 7,000 JPY" in html
    assert 'data-testid="total-amount">100.00 EUR' in html


def test_the_console_page_runs_the_same_queries_for_few_or_many_deals(
    admin_client, rates, django_assert_num_queries
):
    url = reverse("console:pipeline")
    deal(PartnerFactory(), "1.00")
    # Session, user; stages, rates, the GROUP BYs by month and by region, the
    # partners ranked in SQL, the candidates' sums, partner names (the partner
    # picker searches on the server: it lists no partner).
    with django_assert_num_queries(9):
        admin_client.get(url)
    for index in range(10):
        deal(PartnerFactory(), f"{index + 1}.00", close=D(2026, 1 + index, 1))

    with django_assert_num_queries(9):
        response = admin_client.get(url)

    assert 'data-testid="total-count">11<' in response.content.decode()


# --- portal page


def test_the_portal_shows_only_the_partners_own_pipeline(client, rates):
    mine, other = PartnerFactory(), PartnerFactory(name="Other Partner")
    deal(mine, "100.00")
    deal(other, "900.00")
    client.force_login(seller(mine))

    response = client.get(reverse("portal:pipeline") + f"?partner={other.pk}")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="total-amount">100.00 EUR' in html
    assert "Other Partner" not in html


def test_a_distributor_sees_its_downstream_partners_in_the_portal(client, rates):
    distributor = PartnerFactory(partner_type="distributor", downstream_visibility=True)
    reseller = PartnerFactory(parent=distributor, name="Downstream Reseller")
    deal(reseller, "300.00")
    deal(distributor, "100.00")
    client.force_login(seller(distributor, roles=[PartnerRole.PARTNER_ADMIN]))

    whole = client.get(reverse("portal:pipeline")).content.decode()
    one = client.get(reverse("portal:pipeline") + f"?partner={reseller.pk}")

    assert 'data-testid="total-amount">400.00 EUR' in whole
    assert "Downstream Reseller" in whole
    assert 'data-testid="total-amount">300.00 EUR' in one.content.decode()


def test_the_portal_page_is_refused_to_roles_without_deals(client, rates):
    client.force_login(seller(PartnerFactory(), roles=[PartnerRole.MARKETING]))

    assert client.get(reverse("portal:pipeline")).status_code == 403


def test_the_portal_page_runs_the_same_queries_for_few_or_many_deals(
    client, rates, django_assert_num_queries
):
    partner = PartnerFactory()
    client.force_login(seller(partner))
    url = reverse("portal:pipeline")
    deal(partner, "1.00")
    client.get(url)
    # Session, user, memberships (portal; the deal roles and the scope come
    # from them), stages, rates, the GROUP BY.
    with django_assert_num_queries(6):
        client.get(url)
    for index in range(10):
        deal(partner, f"{index + 1}.00", close=D(2026, 1 + index, 1))

    with django_assert_num_queries(6):
        client.get(url)


# --- API


def test_the_api_returns_the_pipeline_as_exact_decimal_strings(client, rates):
    deal(PartnerFactory(), "333.33", at="Negotiation")
    deal(PartnerFactory(), "1000.00", currency="USD")

    body = client.get("/api/v1/pipeline", headers=bearer(VendorUserFactory())).json()

    assert body["currency"] == "EUR"
    assert body["complete"] is True
    assert [
        (line["stage"]["name"], line["count"], line["amount"], line["weighted"])
        for line in body["stages"]
    ] == [
        ("Qualification", 0, "0.00", "0.00"),
        ("Proposal", 1, "900.00", "360.00"),
        ("Negotiation", 1, "333.33", "233.33"),
    ]
    assert body["total"] == {"count": 2, "amount": "1233.33", "weighted": "593.33"}


def test_the_api_forecast_by_quarter_and_the_missing_rates(client, rates):
    deal(PartnerFactory(), "100.00", close=D(2026, 2, 1))
    deal(PartnerFactory(), "100.00", close=D(2026, 8, 1))
    deal(PartnerFactory(), "5.00", currency="CHF", close=D(2026, 8, 1))

    body = client.get(
        "/api/v1/forecast?period=quarter&close_from=2026-01-01&close_to=2026-09-30",
        headers=bearer(VendorUserFactory(vendor_role="analyst")),
    ).json()

    assert [(p["label"], p["weighted"]) for p in body["periods"]] == [
        ("2026-Q1", "40.00"),
        ("2026-Q2", "0.00"),
        ("2026-Q3", "40.00"),
    ]
    assert body["complete"] is False
    assert body["unconverted"] == [
        {
            "currency": "CHF",
            "count": 1,
            "amount": "5.00",
            "first_close": "2026-08-01",
            "last_close": "2026-08-31",
        }
    ]


def test_the_api_by_region_and_by_partner(client, rates):
    emea = PartnerFactory(region="EMEA", name="Emea One")
    deal(emea, "100.00")
    deal(PartnerFactory(region="NA", country="US", name="Na One"), "300.00")
    deal(PartnerFactory(region="NA", country="US", name="Na Two"), "200.00")
    headers = bearer(VendorUserFactory())

    regions = client.get("/api/v1/pipeline/regions", headers=headers).json()
    partners = client.get(
        "/api/v1/pipeline/partners?limit=2&offset=1", headers=headers
    ).json()

    assert [(item["region"], item["amount"]) for item in regions["items"]] == [
        ("NA", "500.00"),
        ("EMEA", "100.00"),
    ]
    assert partners["count"] == 3
    assert [(item["name"], item["weighted"]) for item in partners["items"]] == [
        ("Na Two", "80.00"),
        ("Emea One", "40.00"),
    ]


def test_a_partner_token_reads_only_its_own_pipeline(client, rates):
    mine, other = PartnerFactory(), PartnerFactory()
    deal(mine, "100.00")
    deal(other, "900.00")
    headers = bearer(seller(mine))

    whole = client.get("/api/v1/pipeline", headers=headers).json()
    other_one = client.get(f"/api/v1/pipeline?partner={other.pk}", headers=headers)
    partners = client.get("/api/v1/pipeline/partners", headers=headers).json()

    assert whole["total"]["amount"] == "100.00"
    assert other_one.json()["total"]["count"] == 0
    assert [item["partner"] for item in partners["items"]] == [mine.pk]


@pytest.mark.parametrize(
    "query",
    ["?colour=red", "?region=MARS", "?close_from=2026-05-01&close_to=2026-04-01"],
)
def test_the_api_refuses_unknown_or_invalid_filters(client, query):
    response = client.get(
        f"/api/v1/pipeline{query}", headers=bearer(VendorUserFactory())
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_the_api_runs_the_same_queries_for_few_or_many_deals(
    client, rates, django_assert_num_queries
):
    headers = bearer(VendorUserFactory())
    deal(PartnerFactory(), "1.00")
    client.get("/api/v1/forecast", headers=headers)  # the token's first use
    # The token with its user, stages, rates, the GROUP BY.
    with django_assert_num_queries(4):
        client.get("/api/v1/forecast", headers=headers)
    for index in range(10):
        deal(PartnerFactory(), "1.00", close=D(2026, 1 + index, 1))

    with django_assert_num_queries(4):
        body = client.get("/api/v1/forecast", headers=headers).json()

    assert body["total"]["count"] == 11


def nav(client, path: str) -> dict[str, str]:
    """The area navigation of a page: label -> URL."""
    return {
        str(item["label"]): item["url"]
        for item in client.get(path).context["shell_nav"]
    }


def test_the_console_nav_links_the_pipeline_after_the_deals(admin_client):
    items = nav(admin_client, "/console/")
    assert items["Pipeline"] == reverse("console:pipeline")
    labels = list(items)
    assert labels.index("Deals") + 1 == labels.index("Pipeline")


@pytest.mark.parametrize("role", [PartnerRole.PARTNER_ADMIN, PartnerRole.SALES])
def test_the_portal_nav_links_the_pipeline_for_sellers(client, role):
    client.force_login(seller(roles=(role,)))
    items = nav(client, "/portal/")
    assert items["Deals"] == reverse("portal:deal_list")
    assert items["Pipeline"] == reverse("portal:pipeline")
    assert client.get(items["Pipeline"]).status_code == 200


@pytest.mark.parametrize(
    "role", [PartnerRole.MARKETING, PartnerRole.FINANCE, PartnerRole.LEARNER]
)
def test_the_portal_nav_hides_deals_and_pipeline_from_other_roles(client, role):
    client.force_login(seller(roles=(role,)))
    items = nav(client, "/portal/")
    assert "Deals" not in items and "Pipeline" not in items
    assert client.get(reverse("portal:pipeline")).status_code == 403


def test_money_reads_the_same_on_the_deal_the_list_and_the_pipeline(
    admin_client, rates
):
    made = deal(PartnerFactory(), "35000.00")

    pages = [
        admin_client.get(reverse("console:pipeline")).content.decode(),
        admin_client.get(reverse("console:deal_list")).content.decode(),
        admin_client.get(
            reverse("console:deal_detail", kwargs={"public_id": made.public_id})
        ).content.decode(),
    ]

    for page in pages:
        assert "35,000.00 EUR" in page
        assert "35000.00" not in page
    assert "Security × 1" in pages[2]  # noqa: RUF001 (the product line by name)
