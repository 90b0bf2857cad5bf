import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.choices import VendorRole
from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.tests.factories import PartnerFactory
from openprm.scoring.models import Criterion, Scorecard
from openprm.scoring.services import partner_score_recompute
from openprm.scoring.tests.factories import scorecard_with_criteria
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db

CARDS = "/api/v1/scorecards"


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


def test_a_scorecard_is_created_given_a_criterion_and_ranks_partners(
    client, admin_headers
):
    created = post(
        client,
        CARDS,
        {"name": "Fit", "applies_to_statuses": ["prospect"]},
        admin_headers,
    )
    card_id = created.json()["id"]
    criterion = post(
        client,
        f"{CARDS}/{card_id}/criteria",
        {
            "label": "Specialisations",
            "field": "specialisations",
            "kind": "contains_any",
            "weight": 2,
            "config": {"values": [{"value": "security", "points": 30}]},
        },
        admin_headers,
    )
    strong = PartnerFactory(
        name="Strong", status="prospect", profile={"specialisations": ["security"]}
    )
    weak = PartnerFactory(name="Weak", status="prospect")
    for partner in (strong, weak):
        partner_score_recompute(partner=partner)

    ranking = client.get(f"{CARDS}/{card_id}/ranking", headers=admin_headers)

    assert created.status_code == 201
    assert criterion.status_code == 201
    assert [(row["partner_name"], row["score"]) for row in ranking.json()["items"]] == [
        ("Strong", "30.00"),
        ("Weak", "0.00"),
    ]


def test_unknown_fields_in_a_body_are_refused_with_a_problem(client, admin_headers):
    response = post(client, CARDS, {"name": "Fit", "colour": "red"}, admin_headers)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert Scorecard.objects.count() == 0


def test_an_invalid_config_is_a_422_on_config(client, admin_headers):
    card = scorecard_with_criteria()
    audits = AuditEntry.objects.count()

    response = post(
        client,
        f"{CARDS}/{card.public_id}/criteria",
        {
            "label": "Type",
            "field": "partner_type",
            "kind": "value_in_list",
            "config": {"values": [{"value": "reseller", "points": 500}]},
        },
        admin_headers,
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["config"]
    assert Criterion.objects.filter(scorecard=card).count() == 2
    assert AuditEntry.objects.count() == audits


def test_an_analyst_cannot_change_a_scorecard(client):
    card = scorecard_with_criteria()
    headers = bearer(VendorUserFactory(vendor_role=VendorRole.ANALYST))
    audits, outbox = AuditEntry.objects.count(), OutboxEvent.objects.count()

    response = post(
        client,
        f"{CARDS}/{card.public_id}",
        {"name": "Renamed"},
        headers,
        method="patch",
    )

    assert response.status_code == 403
    card.refresh_from_db()
    assert card.name != "Renamed"
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == (
        audits,
        outbox,
    )


def test_a_partner_user_cannot_read_scores(client):
    user = partner_user()
    scorecard_with_criteria()
    partner_score_recompute(partner=user.memberships.get().partner)

    response = client.get(
        f"/api/v1/partners/{user.memberships.get().partner.public_id}/scores",
        headers=bearer(user),
    )

    assert response.status_code == 403


def test_ranking_filters_by_status_and_sorts_by_name(client, admin_headers):
    card = scorecard_with_criteria()
    for name, status in [("B", "prospect"), ("A", "prospect"), ("C", "active")]:
        partner_score_recompute(partner=PartnerFactory(name=name, status=status))

    response = client.get(
        f"{CARDS}/{card.public_id}/ranking?status=prospect&sort=name",
        headers=admin_headers,
    )

    assert [row["partner_name"] for row in response.json()["items"]] == ["A", "B"]


def test_ranking_has_a_constant_query_count(client, admin_headers):
    card = scorecard_with_criteria()
    url = f"{CARDS}/{card.public_id}/ranking"
    partner_score_recompute(partner=PartnerFactory())
    client.get(url, headers=admin_headers)
    with CaptureQueriesContext(connection) as few:
        client.get(url, headers=admin_headers)
    for _ in range(4):
        partner_score_recompute(partner=PartnerFactory())

    with CaptureQueriesContext(connection) as many:
        response = client.get(url, headers=admin_headers)

    assert response.json()["count"] == 5
    assert len(many) == len(few)


def test_scorecard_list_has_a_constant_query_count(client, admin_headers):
    scorecard_with_criteria()
    client.get(CARDS, headers=admin_headers)
    with CaptureQueriesContext(connection) as few:
        client.get(CARDS, headers=admin_headers)
    scorecard_with_criteria()
    scorecard_with_criteria()

    with CaptureQueriesContext(connection) as many:
        response = client.get(CARDS, headers=admin_headers)

    assert response.json()["count"] == 3
    assert len(many) == len(few)


def test_a_partners_scores_carry_their_breakdown(client, admin_headers):
    scorecard_with_criteria(name="Fit")
    partner = PartnerFactory(profile={"specialisations": ["cloud"]})
    partner_score_recompute(partner=partner)

    response = client.get(
        f"/api/v1/partners/{partner.public_id}/scores", headers=admin_headers
    )

    [score] = response.json()
    assert (score["scorecard_name"], score["score"]) == ("Fit", "60.00")
    assert [line["points"] for line in score["breakdown"]] == [40, 100]


def test_partner_scores_have_a_constant_query_count(client, admin_headers):
    partner = PartnerFactory()
    scorecard_with_criteria()
    partner_score_recompute(partner=partner)
    url = f"/api/v1/partners/{partner.public_id}/scores"
    client.get(url, headers=admin_headers)
    with CaptureQueriesContext(connection) as few:
        client.get(url, headers=admin_headers)
    scorecard_with_criteria()
    scorecard_with_criteria()
    partner_score_recompute(partner=partner)

    with CaptureQueriesContext(connection) as many:
        response = client.get(url, headers=admin_headers)

    assert len(response.json()) == 3
    assert len(many) == len(few)


def test_recompute_returns_the_run_and_the_run_shows_progress(
    client, admin_headers, django_capture_on_commit_callbacks
):
    scorecard_with_criteria()
    PartnerFactory.create_batch(3)

    with django_capture_on_commit_callbacks(execute=True):
        started = post(client, f"{CARDS}/recompute", {}, admin_headers)
    run = client.get(
        f"/api/v1/score-runs/{started.json()['id']}", headers=admin_headers
    )

    assert started.status_code == 202
    assert started.json()["total"] == 3
    assert (run.json()["done"], run.json()["percent"]) == (3, 100)


def _ranked(count: int = 3):
    """Scores 73.33 (reseller with security), 40 (msp with security), 26.67 (msp
    with cloud)."""
    card = scorecard_with_criteria()
    for name, partner_type, specialisation in [
        ("Top", "reseller", "security"),
        ("Mid", "msp", "security"),
        ("Low", "msp", "cloud"),
    ][:count]:
        partner_score_recompute(
            partner=PartnerFactory(
                name=name,
                partner_type=partner_type,
                profile={"specialisations": [specialisation]},
            )
        )
    return card


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("min_score=40", ["Top", "Mid"]),
        ("max_score=40", ["Mid", "Low"]),
        ("min_score=26.67&max_score=40&sort=score", ["Low", "Mid"]),
        ("min_score=0&sort=-name", ["Top", "Mid", "Low"]),
        ("sort=score", ["Low", "Mid", "Top"]),
    ],
)
def test_ranking_filters_by_score_and_sorts(client, admin_headers, query, expected):
    card = _ranked()

    response = client.get(
        f"{CARDS}/{card.public_id}/ranking?{query}", headers=admin_headers
    )

    assert [row["partner_name"] for row in response.json()["items"]] == expected


@pytest.mark.parametrize(
    "query", ["min_score=101", "max_score=-1", "min_score=x", "min=50", "sort=best"]
)
def test_ranking_refuses_bad_bounds_and_unknown_parameters(
    client, admin_headers, query
):
    card = _ranked(1)

    response = client.get(
        f"{CARDS}/{card.public_id}/ranking?{query}", headers=admin_headers
    )

    assert response.status_code == 422
