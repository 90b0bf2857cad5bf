import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.segments.models import Segment, StaticListMember
from openprm.segments.tests.factories import SegmentFactory, StaticListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(VendorUserFactory())
    return client


def test_the_list_page_runs_the_same_queries_for_one_or_many(admin_client):
    SegmentFactory()
    url = reverse("console:segment_list")
    admin_client.get(url)
    with CaptureQueriesContext(connection) as one:
        admin_client.get(url)
    for _ in range(5):
        SegmentFactory()

    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)

    assert response.content.decode().count("/count/") == 6
    assert len(many) == len(one)


def test_a_rows_count_comes_from_its_own_request(admin_client):
    segment = SegmentFactory(rule={"field": "region", "op": "eq", "value": "EMEA"})
    PartnerFactory(region="EMEA")

    response = admin_client.get(
        reverse("console:segment_count", kwargs={"public_id": segment.public_id})
    )

    assert '<span data-testid="member-count">1</span>' in response.content.decode()


def test_the_preview_counts_the_draft_or_shows_its_errors(admin_client):
    PartnerFactory(region="EMEA")
    url = reverse("console:segment_preview")

    counted = admin_client.post(
        url, {"rule": '{"field": "region", "op": "eq", "value": "EMEA"}'}
    )
    wrong = admin_client.post(url, {"rule": '{"field": "region", "op": "gt"}'})

    assert "1 partner matches" in counted.content.decode()
    assert "A condition has exactly: field, op and value." in wrong.content.decode()


def test_creating_a_segment_through_the_form(admin_client):
    response = admin_client.post(
        reverse("console:segment_create"),
        {
            "name": "EMEA",
            "kind": "dynamic",
            "rule": '{"field": "region", "op": "eq", "value": "EMEA"}',
            "is_active": "on",
        },
    )

    segment = Segment.objects.get()
    assert response.status_code == 302
    assert segment.rule == {"field": "region", "op": "eq", "value": "EMEA"}


def test_a_bad_rule_shows_the_path_on_the_form(admin_client):
    response = admin_client.post(
        reverse("console:segment_create"),
        {
            "name": "X",
            "kind": "dynamic",
            "rule": '{"all": [{"field": "x", "op": "eq", "value": 1}]}',
        },
    )

    assert response.status_code == 200
    assert "rule.all.0.field: Unknown field x." in response.content.decode()
    assert Segment.objects.count() == 0


def test_searching_then_adding_a_partner_to_a_static_list(admin_client):
    segment = StaticListFactory()
    partner = PartnerFactory(name="Contoso")
    detail = reverse("console:segment_detail", kwargs={"public_id": segment.public_id})

    found = admin_client.get(detail, {"q": "conto"})
    admin_client.post(
        reverse("console:segment_member_add", kwargs={"public_id": segment.public_id}),
        {"partner": partner.pk},
    )
    page = admin_client.get(detail)

    assert "Contoso" in found.content.decode()
    assert StaticListMember.objects.get().partner == partner
    assert "1 partner" in page.content.decode()


def test_the_member_page_runs_the_same_queries_for_one_or_many(admin_client):
    segment = SegmentFactory(rule={"field": "region", "op": "eq", "value": "EMEA"})
    PartnerFactory(region="EMEA", channel_manager=VendorUserFactory())
    url = reverse("console:segment_detail", kwargs={"public_id": segment.public_id})
    admin_client.get(url)
    with CaptureQueriesContext(connection) as one:
        admin_client.get(url)
    for _ in range(5):
        PartnerFactory(region="EMEA", channel_manager=VendorUserFactory())

    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)

    assert "6 partners" in response.content.decode()
    assert len(many) == len(one)


def test_the_edit_form_shows_the_rule_as_conditions_json_and_a_live_preview(
    admin_client,
):
    segment = SegmentFactory(rule={"field": "region", "op": "eq", "value": "EMEA"})

    response = admin_client.get(
        reverse("console:segment_update", kwargs={"public_id": segment.public_id})
    )

    content = response.content.decode()
    assert "&quot;field&quot;: &quot;region&quot;" in content
    assert content.count('data-testid="rule-row"') == 1
    assert '<option value="EMEA" selected>' in content
    assert reverse("console:segment_rule_builder") in content
