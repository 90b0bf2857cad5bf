import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.core.models import OutboxEvent
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.models import Enrolment, TierChange
from openprm.programs.tests.factories import (
    EnrolmentFactory,
    TierBenefitFactory,
    TierRequirementFactory,
    programme_with_tiers,
)
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db

PROGRAMMES = "/api/v1/programmes"
ENROLMENTS = "/api/v1/enrolments"


def bearer(user) -> dict[str, str]:
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def admin_headers():
    return bearer(VendorUserFactory(email="ada@vendor.example"))


def post(client, url, body, headers, method="post"):
    return getattr(client, method)(
        url, body, content_type="application/json", headers=headers
    )


def test_a_programme_is_created_then_given_tiers_requirements_and_benefits(
    client, admin_headers
):
    created = post(
        client,
        PROGRAMMES,
        {
            "name": "Reseller",
            "slug": "reseller",
            "eligible_partner_types": ["reseller"],
        },
        admin_headers,
    )
    programme_id = created.json()["id"]
    tier = post(
        client,
        f"{PROGRAMMES}/{programme_id}/tiers",
        {"name": "Gold", "rank": 3},
        admin_headers,
    ).json()
    requirement = post(
        client,
        f"{PROGRAMMES}/{programme_id}/tiers/{tier['id']}/requirements",
        {"metric": "certified_people", "threshold": "2"},
        admin_headers,
    )
    benefit = post(
        client,
        f"{PROGRAMMES}/{programme_id}/tiers/{tier['id']}/benefits",
        {"kind": "discount_percent", "value": 12.5},
        admin_headers,
        method="put",
    )

    assert created.status_code == 201
    assert requirement.status_code == 201
    assert benefit.status_code == 200
    body = client.get(f"{PROGRAMMES}/{programme_id}", headers=admin_headers).json()
    assert body["tiers"] == [
        {
            "id": tier["id"],
            "name": "Gold",
            "rank": 3,
            "description": "",
            "requirements": [
                {
                    "id": requirement.json()["id"],
                    "metric": "certified_people",
                    "metric_label": "Certified people",
                    "metric_available": True,
                    "operator": ">=",
                    "threshold": "2.00",
                }
            ],
            "benefits": [
                {
                    "id": benefit.json()["id"],
                    "kind": "discount_percent",
                    "value": "12.5",
                }
            ],
        }
    ]


def test_unknown_fields_are_refused_with_a_422_problem(client, admin_headers):
    response = post(
        client,
        PROGRAMMES,
        {"name": "R", "slug": "r", "eligible_partner_types": ["msp"], "tiers": []},
        admin_headers,
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_an_invalid_benefit_value_is_a_422_on_value(client, admin_headers):
    tier = programme_with_tiers().tiers.get(rank=1)

    response = post(
        client,
        f"{PROGRAMMES}/{tier.programme.public_id}/tiers/{tier.pk}/benefits",
        {"kind": "deal_protection_days", "value": "many"},
        admin_headers,
        method="put",
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["value"]


def test_a_tier_of_another_programme_is_not_found(client, admin_headers):
    programme = programme_with_tiers()
    elsewhere = programme_with_tiers().tiers.get(rank=1)

    response = post(
        client,
        f"{PROGRAMMES}/{programme.public_id}/tiers/{elsewhere.pk}",
        {"name": "X"},
        admin_headers,
        method="patch",
    )

    assert response.status_code == 404


def test_a_partner_user_reads_only_the_programmes_they_are_enrolled_in(client):
    enrolment = EnrolmentFactory()
    programme_with_tiers(name="Other programme")
    headers = bearer(partner_user(partner=enrolment.partner))

    response = client.get(PROGRAMMES, headers=headers)

    assert [item["name"] for item in response.json()["items"]] == [
        enrolment.programme.name
    ]


def test_listing_programmes_runs_the_same_queries_for_one_or_many(
    client, admin_headers
):
    programme = programme_with_tiers()
    TierRequirementFactory(tier=programme.tiers.first())
    client.get(PROGRAMMES, headers=admin_headers)  # warm the token and scope caches
    with CaptureQueriesContext(connection) as one:
        client.get(PROGRAMMES, headers=admin_headers)
    for _ in range(4):
        many = programme_with_tiers("Registered", "Silver", "Gold")
        TierRequirementFactory(tier=many.tiers.first())
        TierBenefitFactory(tier=many.tiers.last())

    with CaptureQueriesContext(connection) as five:
        response = client.get(PROGRAMMES, headers=admin_headers)

    assert response.json()["count"] == 5
    assert len(five) == len(one)


def test_enrolling_through_the_api(client, admin_headers):
    partner = PartnerFactory()
    programme = programme_with_tiers()
    silver = programme.tiers.get(rank=1)

    response = post(
        client,
        ENROLMENTS,
        {
            "partner": partner.pk,
            "programme": str(programme.public_id),
            "tier": silver.pk,
        },
        admin_headers,
    )

    enrolment = Enrolment.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": str(enrolment.public_id),
        "partner": partner.pk,
        "partner_name": partner.name,
        "programme": str(programme.public_id),
        "programme_name": programme.name,
        "tier": {"id": silver.pk, "name": "Silver", "rank": 1},
        "status": "active",
        "enrolled_at": response.json()["enrolled_at"],
        "ended_at": None,
    }


def test_enrolling_an_ineligible_partner_is_a_422_on_partner(client, admin_headers):
    partner = PartnerFactory(partner_type="agency")
    programme = programme_with_tiers()

    response = post(
        client,
        ENROLMENTS,
        {
            "partner": partner.pk,
            "programme": str(programme.public_id),
            "tier": programme.tiers.get(rank=1).pk,
        },
        admin_headers,
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["partner"]
    assert Enrolment.objects.count() == 0


def test_enrolling_with_another_programmes_tier_is_a_422_on_tier(client, admin_headers):
    programme = programme_with_tiers()
    elsewhere = programme_with_tiers().tiers.get(rank=1)

    response = post(
        client,
        ENROLMENTS,
        {
            "partner": PartnerFactory().pk,
            "programme": str(programme.public_id),
            "tier": elsewhere.pk,
        },
        admin_headers,
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["tier"]


def test_a_second_active_enrolment_is_a_409(client, admin_headers):
    enrolment = EnrolmentFactory()

    response = post(
        client,
        ENROLMENTS,
        {
            "partner": enrolment.partner_id,
            "programme": str(enrolment.programme.public_id),
            "tier": enrolment.tier_id,
        },
        admin_headers,
    )

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_changing_the_tier_then_reading_the_history(client, admin_headers):
    enrolment = EnrolmentFactory()
    gold = enrolment.programme.tiers.get(rank=2)

    changed = post(
        client,
        f"{ENROLMENTS}/{enrolment.public_id}/change-tier",
        {"tier": gold.pk, "reason": "Certified"},
        admin_headers,
    )
    history = client.get(
        f"{ENROLMENTS}/{enrolment.public_id}/tier-changes", headers=admin_headers
    ).json()

    assert changed.json()["tier"]["name"] == "Gold"
    assert history["count"] == 2
    newest = history["items"][0]
    assert (newest["from_tier"]["name"], newest["to_tier"]["name"]) == (
        "Silver",
        "Gold",
    )
    assert (newest["reason"], newest["changed_by"]) == (
        "Certified",
        "ada@vendor.example",
    )
    assert history["items"][1]["from_tier"] is None


def test_a_tier_change_without_a_reason_is_a_422(client, admin_headers):
    enrolment = EnrolmentFactory()

    response = post(
        client,
        f"{ENROLMENTS}/{enrolment.public_id}/change-tier",
        {"tier": enrolment.programme.tiers.get(rank=2).pk, "reason": ""},
        admin_headers,
    )

    assert response.status_code == 422
    assert TierChange.objects.count() == 1


def test_ending_an_enrolment_twice_is_a_409(client, admin_headers):
    enrolment = EnrolmentFactory()
    url = f"{ENROLMENTS}/{enrolment.public_id}/end"

    first = post(client, url, {}, admin_headers)
    second = post(client, url, {}, admin_headers)

    assert (first.status_code, second.status_code) == (200, 409)
    assert first.json()["status"] == "ended"


def test_a_channel_manager_lists_only_the_enrolments_of_their_partners(client):
    manager = UserFactory(vendor_role="channel_manager")
    mine = EnrolmentFactory(partner=PartnerFactory(channel_manager=manager))
    EnrolmentFactory()

    response = client.get(ENROLMENTS, headers=bearer(manager))

    assert [item["id"] for item in response.json()["items"]] == [str(mine.public_id)]


def test_enrolments_filter_by_programme_partner_and_status(client, admin_headers):
    enrolment = EnrolmentFactory()
    EnrolmentFactory(partner=enrolment.partner)
    EnrolmentFactory(programme=enrolment.programme)

    response = client.get(
        f"{ENROLMENTS}?programme={enrolment.programme.public_id}"
        f"&partner={enrolment.partner_id}&status=active",
        headers=admin_headers,
    )

    assert [item["id"] for item in response.json()["items"]] == [
        str(enrolment.public_id)
    ]


def test_listing_enrolments_runs_the_same_queries_for_one_or_many(
    client, admin_headers
):
    EnrolmentFactory()
    client.get(ENROLMENTS, headers=admin_headers)
    with CaptureQueriesContext(connection) as one:
        client.get(ENROLMENTS, headers=admin_headers)
    for _ in range(4):
        EnrolmentFactory()

    with CaptureQueriesContext(connection) as five:
        response = client.get(ENROLMENTS, headers=admin_headers)

    assert response.json()["count"] == 5
    assert len(five) == len(one)


def test_listing_tier_changes_runs_the_same_queries_for_one_or_many(
    client, admin_headers
):
    enrolment = EnrolmentFactory()
    url = f"{ENROLMENTS}/{enrolment.public_id}/tier-changes"
    client.get(url, headers=admin_headers)
    with CaptureQueriesContext(connection) as one:
        client.get(url, headers=admin_headers)
    for rank, reason in ((2, "Up"), (1, "Down"), (2, "Up again")):
        post(
            client,
            f"{ENROLMENTS}/{enrolment.public_id}/change-tier",
            {"tier": enrolment.programme.tiers.get(rank=rank).pk, "reason": reason},
            admin_headers,
        )

    with CaptureQueriesContext(connection) as four:
        response = client.get(url, headers=admin_headers)

    assert response.json()["count"] == 4
    assert len(four) == len(one)


def test_a_refused_enrolment_writes_no_event(client):
    headers = bearer(UserFactory(vendor_role="analyst"))
    programme = programme_with_tiers()
    partner = PartnerFactory()
    before = OutboxEvent.objects.count()

    response = post(
        client,
        ENROLMENTS,
        {
            "partner": partner.pk,
            "programme": str(programme.public_id),
            "tier": programme.tiers.get(rank=1).pk,
        },
        headers,
    )

    assert response.status_code == 403
    assert OutboxEvent.objects.count() == before
    assert Enrolment.objects.count() == 0
