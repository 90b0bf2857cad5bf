"""Bad input from the outside (issue 20, findings 1 to 7): each is refused by the API
layer with a problem document, or no longer breaks what reads the stored value."""

import datetime
import json

import pytest
from django import forms
from django.test import override_settings
from django.utils import timezone

from openprm.accounts.tests.factories import UserFactory
from openprm.accounts.tokens.services import api_token_create
from openprm.api import api
from openprm.campaigns.tests.factories import CampaignFactory
from openprm.core.api import PROBLEM_CONTENT_TYPE
from openprm.core.forms import StyledForm
from openprm.core.models import AuditEntry
from openprm.deals.models import Deal, DealLine
from openprm.deals.tests.factories import make_deal, registration, seller
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.segments.models import Segment
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

BIG = 2**63


def bearer(user) -> dict:
    _, secret = api_token_create(user=user, name="bounds", actor=user)
    return {"Authorization": f"Bearer {secret}"}


def vendor_admin() -> dict:
    return bearer(UserFactory(vendor_role="vendor_admin"))


def partner_admin(partner) -> dict:
    return bearer(MembershipFactory(partner=partner, roles=["partner_admin"]).user)


def post_json(client, path, body, headers, method="post"):
    return getattr(client, method)(
        path, json.dumps(body), content_type="application/json", headers=headers
    )


def fields_of(response) -> set[str]:
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    return {error["field"] for error in response.json()["errors"]}


def deal_body(**overrides) -> dict:
    body = registration(**overrides)
    if isinstance(body["expected_close_date"], datetime.date):
        body["expected_close_date"] = body["expected_close_date"].isoformat()
    return body


# --- 1. a close date in 9999


def test_a_deal_closing_more_than_ten_years_out_is_refused(client):
    partner = PartnerFactory()
    headers = bearer(seller(partner))

    response = post_json(
        client, "/api/v1/deals", deal_body(expected_close_date="9999-12-31"), headers
    )

    assert response.status_code == 422
    assert fields_of(response) == {"expected_close_date"}
    assert Deal.objects.count() == 0


def test_a_stored_deal_in_9999_leaves_pipeline_and_forecast_bounded(client):
    partner = PartnerFactory()
    make_deal(partner=partner, expected_close_date=datetime.date(9999, 12, 31))
    make_deal(partner=partner, expected_close_date=timezone.localdate())
    headers = vendor_admin()

    pipeline = client.get("/api/v1/pipeline", headers=headers)
    forecast = client.get("/api/v1/forecast", headers=headers)

    assert pipeline.status_code == forecast.status_code == 200
    months = forecast.json()["periods"]
    assert len(months) == 121  # ten years of months, then "later"
    assert (months[-1]["label"], months[-1]["count"]) == ("later", 1)
    assert len(forecast.content) < 100_000


def test_the_pipeline_pages_show_a_deal_stored_in_9999(client):
    partner = PartnerFactory()
    user = seller(partner)
    make_deal(partner=partner, expected_close_date=datetime.date(9999, 12, 31))
    client.force_login(UserFactory(vendor_role="vendor_admin"))
    assert client.get("/console/pipeline/").status_code == 200
    client.force_login(user)
    assert client.get("/portal/pipeline/").status_code == 200


# --- 2. control characters; an export of whatever is stored


def test_a_partner_cannot_set_its_city_to_text_with_a_control_character(client):
    partner = PartnerFactory(city="Berlin")
    headers = partner_admin(partner)

    response = post_json(
        client,
        f"/api/v1/partners/{partner.public_id}",
        {"city": "Berlin\u0007"},
        headers,
        method="patch",
    )

    assert response.status_code == 422
    assert fields_of(response) == {"city"}
    partner.refresh_from_db()
    assert partner.city == "Berlin"


def test_a_partner_name_with_nul_is_refused(client):
    response = post_json(
        client,
        "/api/v1/partners",
        {"name": "Acme\x00", "partner_type": "reseller", "country": "DE"},
        vendor_admin(),
    )
    assert response.status_code == 422
    assert Partner.objects.count() == 0


def test_the_xlsx_export_cleans_a_stored_control_character(client):
    PartnerFactory(name="Acme", city="Berlin\u0007\u001b")

    response = client.get("/api/v1/exports/partners.xlsx", headers=vendor_admin())

    assert response.status_code == 200
    assert len(b"".join(response.streaming_content)) > 0


def test_a_web_form_refuses_control_characters():
    class NameForm(StyledForm):
        name = forms.CharField()

    assert NameForm({"name": "Ber\u0007lin"}).errors == {
        "name": ["Control characters are not allowed."]
    }
    assert NameForm({"name": "Berlin\n"}).is_valid()


# --- 3. integers beyond 64 bits


@pytest.mark.parametrize(
    "query", [f"offset={BIG}", f"limit={BIG}", f"partner={BIG}", f"partner={-BIG - 1}"]
)
def test_a_huge_integer_in_a_query_is_a_422_problem(client, query):
    response = client.get(f"/api/v1/deals?{query}", headers=vendor_admin())
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_a_huge_offset_on_a_plain_list_is_a_422_problem(client):
    response = client.get(f"/api/v1/segments?offset={BIG}", headers=vendor_admin())
    assert response.status_code == 422
    assert fields_of(response) == {"offset"}


def test_a_huge_line_quantity_is_refused(client):
    headers = bearer(seller(PartnerFactory()))
    lines = [{"product_line": "security", "quantity": BIG, "amount": "10"}]

    response = post_json(client, "/api/v1/deals", deal_body(lines=lines), headers)

    assert response.status_code == 422
    assert fields_of(response) == {"lines.0.quantity"}
    assert DealLine.objects.count() == 0


# --- 4. lengths from the models


def test_a_megabyte_partner_name_is_refused(client):
    response = post_json(
        client,
        "/api/v1/partners",
        {
            "name": "A" * 1_000_000,
            "partner_type": "reseller",
            "country": "DE",
            "region": "EMEA",
        },
        vendor_admin(),
    )
    assert response.status_code == 422
    assert fields_of(response) == {"name"}


def test_a_deal_title_longer_than_its_column_is_refused(client):
    headers = bearer(seller(PartnerFactory()))
    too_long = "T" * (Deal._meta.get_field("title").max_length + 1)

    response = post_json(client, "/api/v1/deals", deal_body(title=too_long), headers)

    assert response.status_code == 422
    assert fields_of(response) == {"title"}


# --- 5. lone surrogates and three endpoints that answered 500


def test_a_lone_surrogate_anywhere_in_a_body_is_a_422_problem(client):
    response = client.post(
        "/api/v1/partners",
        b'{"name": "Acme \\ud800", "partner_type": "reseller", "country": "DE"}',
        content_type="application/json",
        headers=vendor_admin(),
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert Partner.objects.count() == 0


def test_marking_a_notification_that_is_not_a_uuid_is_not_found(client):
    response = client.post(
        "/api/v1/notifications/not-a-uuid/read", headers=vendor_admin()
    )
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_deleting_a_segment_a_campaign_uses_is_a_conflict(client):
    campaign = CampaignFactory()
    entries = AuditEntry.objects.count()

    response = client.delete(
        f"/api/v1/segments/{campaign.segment.public_id}", headers=vendor_admin()
    )

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert Segment.objects.filter(pk=campaign.segment.pk).exists()
    assert AuditEntry.objects.count() == entries + 1  # the token, nothing else


def test_duplicates_of_a_website_that_is_not_a_url_are_none(client):
    PartnerFactory(name="x")
    response = client.get(
        "/api/v1/partners/duplicates?name=x&website=http://%5B",
        headers=vendor_admin(),
    )
    assert response.status_code == 200


# --- 6. no silent coercion


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"lines": [{"product_line": "security", "amount": "1.234"}]},
            "lines.0.amount",
        ),
        ({"currency": "ZZZ"}, "currency"),
        ({"partner": True}, "partner"),
        ({"lines": [{"product_line": "security", "amount": True}]}, "lines.0.amount"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_not_coerced(client, change, field):
    headers = bearer(seller(PartnerFactory()))

    response = post_json(client, "/api/v1/deals", deal_body(**change), headers)

    assert response.status_code == 422
    assert fields_of(response) == {field}
    assert Deal.objects.count() == 0


def test_a_boolean_given_as_a_number_is_refused(client):
    response = post_json(
        client,
        "/api/v1/customer-accounts/crm-1",
        {"name": "Acme", "is_active": 0},
        vendor_admin(),
        method="put",
    )
    assert response.status_code == 422
    assert fields_of(response) == {"is_active"}


# --- 7. one error format, documented


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversized_body_is_a_413_problem(client):
    body = {"name": "A" * 2000, "partner_type": "reseller", "country": "DE"}

    response = post_json(client, "/api/v1/partners", body, vendor_admin())

    assert response.status_code == 413
    assert response.json()["title"] == "Content too large"
    assert Partner.objects.count() == 0


def test_malformed_json_is_a_400_problem(client):
    response = client.post(
        "/api/v1/partners",
        b'{"name": ',
        content_type="application/json",
        headers=vendor_admin(),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


def test_an_unknown_api_path_is_a_404_problem(client):
    response = client.get("/api/v1/no-such-thing", headers=vendor_admin())
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_invalid_input_has_one_title_whoever_refuses_it(client):
    headers = bearer(seller(PartnerFactory()))
    by_schema = client.get("/api/v1/deals?limit=101", headers=headers)
    by_service = post_json(client, "/api/v1/deals", deal_body(currency="ZZZ"), headers)
    assert by_schema.status_code == by_service.status_code == 422
    assert by_schema.json()["title"] == by_service.json()["title"]
    assert by_schema.json()["title"] == "Validation failed"


def test_every_operation_documents_its_errors_as_problem_documents():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "401", "403", "404", "409", "422"} <= set(responses), (
                method,
                path,
            )
            for status, response in responses.items():
                if int(status) >= 400:
                    assert list(response["content"]) == [PROBLEM_CONTENT_TYPE]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversized_form_body_refused_before_the_api_is_a_413_problem(client):
    response = client.post(
        "/api/v1/partners",
        "name=" + "A" * 2000,
        content_type="application/x-www-form-urlencoded",
        headers=vendor_admin(),
    )
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_a_fields_own_bounds_outrank_the_default_bounds():
    from pydantic import Field, ValidationError

    from openprm.core.api import StrictSchema

    class Window(StrictSchema):
        days: int = Field(60, ge=1, le=366)

    assert Window(days=1).days == 1
    assert Window(days=366).days == 366
    for outside in (0, 367, 2**31):
        with pytest.raises(ValidationError):
            Window(days=outside)
