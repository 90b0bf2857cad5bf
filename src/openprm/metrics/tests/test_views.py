import csv
import io

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import AuditEntry
from openprm.metrics.models import RebuildRun
from openprm.metrics.tests.test_api import THIS_MONTH, figures
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ecosystem():
    emea = PartnerFactory(name="Nordlicht", region="EMEA", partner_type="reseller")
    apac = PartnerFactory(name="Sakura", region="APAC", partner_type="msp")
    figures(emea, won_revenue="1200", deals_won="3", pipeline_registered="5000")
    figures(apac, won_revenue="800", deals_won="1", pipeline_registered="100")
    EnrolmentFactory(partner=emea)
    return emea, apac


def test_the_dashboard_shows_kpis_breakdowns_and_top_partners(
    client, ecosystem, django_assert_max_num_queries
):
    client.force_login(VendorUserFactory(vendor_role="analyst"))

    with django_assert_max_num_queries(20):
        response = client.get("/console/insights/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "2,000.00 EUR" in page  # the ecosystem's won revenue
    assert "Europe, Middle East and Africa" in page
    assert "Asia-Pacific" in page
    assert "metrics-chart-data" in page
    assert page.index("Nordlicht") < page.index("Sakura")  # most revenue first


def test_the_dashboard_query_count_does_not_grow_with_partners(
    client, ecosystem, django_assert_num_queries
):
    client.force_login(VendorUserFactory(vendor_role="analyst"))
    client.get("/console/insights/")  # warm caches (navigation, session)
    with django_assert_num_queries(10) as few:
        client.get("/console/insights/")
    for number in range(5):
        figures(PartnerFactory(name=f"More {number}"), won_revenue="10")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/console/insights/")


def test_a_region_filter_narrows_every_figure(client, ecosystem):
    client.force_login(VendorUserFactory(vendor_role="analyst"))

    page = client.get("/console/insights/?region=APAC").content.decode()

    assert "800.00 EUR" in page
    assert "Nordlicht" not in page


def test_each_table_downloads_as_csv(client, ecosystem):
    client.force_login(VendorUserFactory(vendor_role="analyst"))

    response = client.get("/console/insights/?export=csv&table=region")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["By region", "Won revenue"]
    assert [row[:2] for row in rows[1:]] == [
        ["Asia-Pacific", "800.0"],
        ["Europe, Middle East and Africa", "1200.0"],
    ]


def test_the_months_table_downloads_as_xlsx(client, ecosystem):
    client.force_login(VendorUserFactory(vendor_role="analyst"))

    response = client.get("/console/insights/?export=xlsx&table=months")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_bad_month_is_a_form_error_and_the_default_period_shows(client, ecosystem):
    client.force_login(VendorUserFactory(vendor_role="analyst"))

    response = client.get("/console/insights/?first_month=soon")

    assert "Give a month as YYYY-MM" in response.content.decode()
    assert response.status_code == 200


def test_a_vendor_admin_starts_a_rebuild_which_is_audited(client, ecosystem):
    client.force_login(VendorUserFactory(vendor_role="vendor_admin"))

    response = client.post("/console/insights/rebuilds/run/")

    assert response.status_code == 302
    run = RebuildRun.objects.get()
    assert run.first_day <= timezone.localdate() <= run.last_day
    assert AuditEntry.objects.filter(verb="metrics.rollups_rebuilt").count() == 1
    page = client.get("/console/insights/rebuilds/").content.decode()
    assert "metrics-rebuilds" in page


def test_the_partner_page_shows_its_performance(client, ecosystem):
    emea, _apac = ecosystem
    client.force_login(VendorUserFactory(vendor_role="analyst"))

    page = client.get(f"/console/partners/{emea.public_id}/").content.decode()

    assert "Performance, last 12 months" in page
    assert "1,200.00 EUR" in page
    assert THIS_MONTH.strftime("%B %Y") in page


def test_a_reviewer_evaluates_then_approves_a_promotion_from_the_queue(client):
    from openprm.metrics.tests.test_tiers import enrol
    from openprm.programs.models import Enrolment
    from openprm.programs.tests.factories import (
        TierRequirementFactory,
        programme_with_tiers,
    )

    programme = programme_with_tiers("Silver", "Gold")
    TierRequirementFactory(
        tier=programme.tiers.get(rank=2), metric="won_revenue", threshold=1000
    )
    up = enrol(programme, 1, 2000)
    client.force_login(VendorUserFactory(vendor_role="vendor_admin"))

    client.post("/console/tiers/evaluate/")
    page = client.get("/console/tiers/recommendations/").content.decode()
    assert "Won revenue, last 12 months is 2,000: at least 1,000 is met." in page
    from openprm.metrics.models import TierRecommendation

    recommendation = TierRecommendation.objects.get()
    client.post(
        f"/console/tiers/recommendations/{recommendation.public_id}/decide/",
        {"decision": "approve"},
    )

    assert Enrolment.objects.get(pk=up.pk).tier.name == "Gold"
    empty = client.get("/console/tiers/recommendations/").content.decode()
    assert "tier-recommendations-empty" in empty
