import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.metrics import rollups
from openprm.metrics.models import DailyValue
from openprm.metrics.rollups import Cells, month_start
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db

THIS_MONTH = month_start(timezone.localdate())


def figures(partner, month=THIS_MONTH, **values):
    """Days of the rollup (on the month's first day) and their month."""
    for series, value in values.items():
        DailyValue.objects.update_or_create(
            partner=partner,
            day=month,
            series=series,
            defaults={"value": Decimal(value)},
        )
    rollups.refresh_months(Cells(partner_ids=frozenset([partner.pk]), days={month}))


@pytest.fixture
def world():
    distributor = PartnerFactory(
        name="Dist", partner_type="distributor", downstream_visibility=True
    )
    reseller = PartnerFactory(name="Resell", parent=distributor)
    other = PartnerFactory(name="Other")
    figures(distributor, won_revenue="1000", deals_won="2", deals_lost="2")
    figures(reseller, won_revenue="500", deals_won="1", deals_lost="0")
    figures(other, won_revenue="9999", deals_won="9")
    last_year = datetime.date(THIS_MONTH.year - 2, 1, 1)
    figures(distributor, month=last_year, won_revenue="7777")
    return distributor, reseller, other


def _metric(body, code):
    return next(item["value"] for item in body["metrics"] if item["code"] == code)


def test_a_partner_reads_its_own_figures_over_the_last_twelve_months(
    client, world, django_assert_num_queries
):
    distributor, _reseller, _other = world
    client.force_login(partner_user(partner=distributor, roles=["sales"]))

    # Session, user, the reader's memberships (the partner scope comes from
    # them), the partner, its figures.
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/partners/{distributor.public_id}/metrics")

    body = response.json()
    assert response.status_code == 200
    assert _metric(body, "won_revenue") == "1000.00"
    assert _metric(body, "win_rate") == "50.00"
    assert _metric(body, "average_deal_size") == "500.00"
    assert body["last_month"] == THIS_MONTH.strftime("%Y-%m")
    assert body["reporting_currency"] == "EUR"


def test_a_distributor_adds_its_downstream_on_request(client, world):
    distributor, _reseller, _other = world
    client.force_login(partner_user(partner=distributor, roles=["partner_admin"]))

    body = client.get(
        f"/api/v1/partners/{distributor.public_id}/metrics?include_downstream=true"
    ).json()

    assert _metric(body, "won_revenue") == "1500.00"
    assert _metric(body, "deals_won") == "3.00"
    assert _metric(body, "win_rate") == "60.00"


def test_a_reseller_never_reads_its_distributor_or_another_partner(client, world):
    distributor, reseller, other = world
    client.force_login(partner_user(partner=reseller, roles=["partner_admin"]))

    for partner in (distributor, other):
        response = client.get(f"/api/v1/partners/{partner.public_id}/metrics")
        assert response.status_code == 404


def test_a_reseller_with_downstream_asked_gets_only_itself(client, world):
    _distributor, reseller, _other = world
    client.force_login(partner_user(partner=reseller, roles=["partner_admin"]))

    body = client.get(
        f"/api/v1/partners/{reseller.public_id}/metrics?include_downstream=true"
    ).json()

    assert _metric(body, "won_revenue") == "500.00"


def test_months_older_than_the_period_are_left_out_and_months_can_be_asked(
    client, world
):
    distributor, _reseller, _other = world
    client.force_login(VendorUserFactory(vendor_role="analyst"))
    old = f"{THIS_MONTH.year - 2}-01"

    body = client.get(
        f"/api/v1/partners/{distributor.public_id}/metrics"
        f"?first_month={old}&last_month={old}&by_month=true"
    ).json()

    assert _metric(body, "won_revenue") == "7777.00"
    assert body["months"] == [
        {
            "month": old,
            "metrics": {
                **{item["code"]: item["value"] for item in body["metrics"]},
            },
        }
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("first_month=2026-13", "first_month"),
        ("last_month=March", "last_month"),
        ("first_month=2026-05&last_month=2026-01", "first_month"),
        ("first_month=2020-01&last_month=2026-01", "first_month"),
    ],
)
def test_a_bad_period_is_a_field_error(client, world, query, field):
    distributor, _reseller, _other = world
    client.force_login(VendorUserFactory(vendor_role="analyst"))

    response = client.get(f"/api/v1/partners/{distributor.public_id}/metrics?{query}")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_the_catalogue_says_unit_aggregation_and_sources(client):
    client.force_login(VendorUserFactory(vendor_role="analyst"))

    body = client.get("/api/v1/metrics/catalogue").json()

    by_code = {item["code"]: item for item in body}
    assert by_code["win_rate"]["aggregation"] == "ratio"
    assert by_code["win_rate"]["series"] == ["deals_won", "deals_won", "deals_lost"]
    assert by_code["won_revenue"]["unit"] == "money"
    assert "deal.*" in by_code["won_revenue"]["fed_by"]
    assert by_code["active_users"]["aggregation"] == "latest"
    assert by_code["reported_sales"]["fed_by"] == ["sales.reported"]
    assert by_code["fund_roi"]["aggregation"] == "return"
    assert by_code["fund_roi"]["series"] == ["fund_attributed_won", "funds_claimed"]
    assert by_code["fund_utilisation"]["unit"] == "percent"
    assert by_code["points_redeemed"]["unit"] == "points"
    assert by_code["certified_people"]["aggregation"] == "latest"
