import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import AuditEntry
from openprm.partners.tests.factories import PartnerFactory
from openprm.scoring.models import Criterion, ScoreRun
from openprm.scoring.services import partner_score_recompute
from openprm.scoring.tests.factories import scorecard_with_criteria

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(VendorUserFactory(email="ada@vendor.example"))
    return client


def test_an_admin_adds_a_criterion_through_the_form(admin_client):
    card = scorecard_with_criteria()

    response = admin_client.post(
        reverse("console:scorecard_criterion_create", args=[card.public_id]),
        {
            "label": "Industries",
            "field": "industries",
            "kind": "contains_any",
            "weight": "2",
            "config": "finance = 50\nretail = 20",
        },
    )

    assert response.status_code == 302
    criterion = Criterion.objects.get(label="Industries")
    assert criterion.config == {
        "values": [
            {"value": "finance", "points": 50},
            {"value": "retail", "points": 20},
        ]
    }


def test_a_bad_points_line_is_shown_on_the_form_and_nothing_is_saved(admin_client):
    card = scorecard_with_criteria()
    audits = AuditEntry.objects.count()

    response = admin_client.post(
        reverse("console:scorecard_criterion_create", args=[card.public_id]),
        {
            "label": "Industries",
            "field": "industries",
            "kind": "contains_any",
            "weight": "1",
            "config": "finance fifty",
        },
    )

    assert response.status_code == 200
    assert b'data-testid="error-config"' in response.content
    assert Criterion.objects.filter(label="Industries").count() == 0
    assert AuditEntry.objects.count() == audits


def test_the_ranking_page_lists_partners_best_first_with_reasons(admin_client):
    card = scorecard_with_criteria()
    partner_score_recompute(
        partner=PartnerFactory(name="Strong", profile={"specialisations": ["security"]})
    )
    partner_score_recompute(partner=PartnerFactory(name="Weak", partner_type="agency"))

    response = admin_client.get(
        reverse("console:scorecard_ranking", args=[card.public_id])
    )

    content = response.content.decode()
    assert content.index("Strong") < content.index("Weak")
    assert "Specialisations include security" in content


def test_the_ranking_page_has_a_constant_query_count(admin_client):
    card = scorecard_with_criteria()
    url = reverse("console:scorecard_ranking", args=[card.public_id])
    partner_score_recompute(partner=PartnerFactory())
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for _ in range(4):
        partner_score_recompute(partner=PartnerFactory())

    with CaptureQueriesContext(connection) as many:
        admin_client.get(url)

    assert len(many) == len(few)


def test_the_partner_page_shows_its_scores_with_reasons(admin_client):
    scorecard_with_criteria(name="Reseller fit")
    partner = PartnerFactory(profile={"specialisations": ["cloud"]})
    partner_score_recompute(partner=partner)

    response = admin_client.get(
        reverse("console:partner_detail", args=[partner.public_id])
    )

    content = response.content.decode()
    assert 'data-testid="partner-scores"' in content
    assert "Reseller fit" in content
    assert "Specialisations include cloud" in content


def test_recompute_all_leads_to_a_progress_page_that_polls(admin_client):
    scorecard_with_criteria()
    PartnerFactory.create_batch(2)

    response = admin_client.post(reverse("console:score_run_start"), follow=True)

    run = ScoreRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "console:score_run", args=[run.public_id]
    )
    assert b'data-testid="run-progress"' in response.content


def test_the_progress_fragment_answers_htmx(admin_client):
    run = ScoreRun.objects.create(total=4, done=1)

    response = admin_client.get(
        reverse("console:score_run", args=[run.public_id]), headers={"HX-Request": "1"}
    )

    assert b"<html" not in response.content
    assert b"25%" in response.content
    assert b'hx-trigger="every 1s"' in response.content


def test_an_analyst_sees_no_recompute_button(client):
    client.force_login(VendorUserFactory(vendor_role=VendorRole.ANALYST))

    response = client.get(reverse("console:scorecard_list"))

    assert response.status_code == 200
    assert b'data-testid="recompute-all"' not in response.content


def test_an_admin_changes_a_criterion_weight_and_points(admin_client):
    card = scorecard_with_criteria()
    criterion = card.criteria.order_by("id").first()
    url = reverse(
        "console:scorecard_criterion_update", args=[card.public_id, criterion.pk]
    )
    assert "security = 60" in admin_client.get(url).content.decode()

    response = admin_client.post(
        url,
        {
            "label": "Specialisations",
            "field": "specialisations",
            "kind": "contains_any",
            "weight": "4",
            "config": "security = 90",
        },
    )

    assert response.status_code == 302
    criterion.refresh_from_db()
    assert (criterion.weight, criterion.config) == (
        4,
        {"values": [{"value": "security", "points": 90}]},
    )
    assert AuditEntry.objects.filter(verb="scorecard.criterion_changed").count() == 1


def test_the_ranking_page_filters_by_score_range_and_sorts(admin_client):
    card = scorecard_with_criteria()
    for name, partner_type, specialisation in [
        ("Top", "reseller", "security"),
        ("Mid", "msp", "security"),
        ("Low", "msp", "cloud"),
    ]:
        partner_score_recompute(
            partner=PartnerFactory(
                name=name,
                partner_type=partner_type,
                profile={"specialisations": [specialisation]},
            )
        )
    url = reverse("console:scorecard_ranking", args=[card.public_id])

    filtered = admin_client.get(url, {"min": "26.67", "max": "70", "sort": "score"})
    ignored = admin_client.get(url, {"min": "lots", "sort": "bogus"})

    content = filtered.content.decode()
    assert "Top" not in content
    assert content.index("Low") < content.index("Mid")
    assert 'name="min" min="0" max="100" step="any" value="26.67"' in content
    names = [name for name in ("Top", "Mid", "Low") if name in ignored.content.decode()]
    assert names == ["Top", "Mid", "Low"]
