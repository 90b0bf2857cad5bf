"""The metrics of the apps that came after deals and leads, each from its facts
through the outbox subscriber: reported sales, points, marketing funds,
certifications and accreditations; and every metric a tier requirement can name
is measured."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.certifications import services as certifications
from openprm.certifications.choices import AwardSource
from openprm.certifications.tests.factories import (
    AccreditationConditionFactory,
    CertificationFactory,
    UserCertificationFactory,
)
from openprm.core.models import OutboxEvent
from openprm.currencies.tests.factories import ExchangeRateFactory
from openprm.deals import services as deals
from openprm.deals.tests.factories import ensure_stages, registration
from openprm.funds import services as funds
from openprm.funds.tests import factories as fund_factories
from openprm.incentives import ledger
from openprm.incentives import services as incentives
from openprm.incentives.sales import sales_report
from openprm.incentives.tests.factories import EarningRuleFactory, ProductFactory
from openprm.metrics import requirements, rollups, selectors, services
from openprm.metrics.catalogue import get_metric
from openprm.metrics.models import MonthlyValue, PartnerHealth, RebuildRun
from openprm.metrics.tests.factories import frozen
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs import metrics as programme_metrics
from openprm.programs.requirements import (
    Outcome,
    RequirementRule,
    evaluate_requirement,
)
from openprm.scoring.models import PartnerScore, Scorecard
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 20)
NOON = timezone.make_aware(datetime.datetime(2026, 5, 20, 12))


def _values(partner):
    period = selectors.Period.trailing(12, today=TODAY)
    return selectors.values_for_partners([partner.pk], period=period)[partner.pk]


@pytest.fixture
def seller():
    partner = PartnerFactory()
    return partner, partner_user(partner=partner, roles=["partner_admin"])


def test_reported_sales_are_the_lines_in_the_reporting_currency_on_their_invoice_date(
    seller, django_capture_on_commit_callbacks
):
    partner, user = seller
    product = ProductFactory()
    ExchangeRateFactory(
        currency="USD", rate=Decimal("0.9"), valid_from=datetime.date(2026, 1, 1)
    )
    line = {"end_customer": "Acme", "sku": product.sku, "quantity": "1"}
    with frozen(NOON), django_capture_on_commit_callbacks(execute=True):
        sales_report(
            actor=user,
            partner=partner,
            lines=[
                {
                    **line,
                    "invoice_number": "A-1",
                    "invoice_date": "2026-03-10",
                    "amount": "90.00",
                    "currency": "EUR",
                },
                {
                    **line,
                    "invoice_number": "A-2",
                    "invoice_date": "2026-05-02",
                    "amount": "100.00",
                    "currency": "USD",
                },
            ],
        )

    cells = set(
        MonthlyValue.objects.filter(series="reported_sales").values_list(
            "month", "value"
        )
    )
    assert cells == {
        (datetime.date(2026, 3, 1), Decimal("90.0000")),
        (datetime.date(2026, 5, 1), Decimal("90.0000")),
    }
    with frozen(NOON):
        values = _values(partner)
        measured = requirements.requirement_values([partner.pk])[partner.pk]
    assert values["reported_sales"] == Decimal("180.00")
    # The programmes' "Sales, trailing 12 months" reads reported sales, not deals.
    assert measured["trailing_12m_sales"] == Decimal("180.00")
    assert values["won_revenue"] == Decimal("0.00")
    assert get_metric("reported_sales").fed_by == ["sales.reported"]


def test_points_earned_and_redeemed_net_of_reversals_and_refunds(
    seller, django_capture_on_commit_callbacks
):
    partner, user = seller
    product = ProductFactory()
    EarningRuleFactory(product=product, points=Decimal(10))
    admin = VendorUserFactory(vendor_role="vendor_admin")
    with frozen(NOON), django_capture_on_commit_callbacks(execute=True):
        sales_report(
            actor=user,
            partner=partner,
            lines=[
                {
                    "invoice_number": "B-1",
                    "invoice_date": "2026-05-19",
                    "end_customer": "Acme",
                    "sku": product.sku,
                    "quantity": "3",
                    "amount": "270.00",
                    "currency": "EUR",
                }
            ],
        )
        account = ledger.account_for(partner_id=partner.pk)
        incentives.points_bonus(actor=admin, account=account, points=5, reason="Q2")
        kept = incentives.points_redeem(
            actor=user, account=account, points=12, reason="Mug"
        )
        refunded = incentives.points_redeem(
            actor=user, account=account, points=8, reason="Cap"
        )
        incentives.points_refund(actor=admin, entry=refunded, reason="Cancelled")

    with frozen(NOON):
        values = _values(partner)
    assert kept.points == -12
    assert values["points_earned"] == Decimal("35.00")  # 30 for the sale + 5
    assert values["points_redeemed"] == Decimal("12.00")  # the cap was refunded


def test_the_points_a_sales_import_earns_follow_its_batch_event(
    seller, django_capture_on_commit_callbacks
):
    """The import writes no ``points.earned`` per entry: its batch's
    ``sales.reported`` recomputes the day's points earned."""
    partner, user = seller
    product = ProductFactory()
    EarningRuleFactory(product=product, points=Decimal(10))
    with frozen(NOON), django_capture_on_commit_callbacks(execute=True):
        sales_report(
            actor=user,
            partner=partner,
            lines=[
                {
                    "invoice_number": "C-1",
                    "invoice_date": "2026-05-02",
                    "end_customer": "Acme",
                    "sku": product.sku,
                    "quantity": "2",
                    "amount": "180.00",
                    "currency": "EUR",
                }
            ],
        )
    assert not OutboxEvent.objects.filter(name__startswith="points.").exists()
    with frozen(NOON):
        values = _values(partner)
    assert values["points_earned"] == Decimal("20.00")
    assert "sales.reported" in get_metric("points_earned").fed_by


def test_fund_utilisation_and_roi_from_the_fund_ledger_and_attributed_wins(
    seller, django_capture_on_commit_callbacks
):
    partner, user = seller
    ensure_stages()
    reviewer = fund_factories.reviewer()
    admin = VendorUserFactory(vendor_role="vendor_admin")
    the_budget = fund_factories.budget()  # EUR
    with frozen(NOON), django_capture_on_commit_callbacks(execute=True):
        fund_factories.allocate(partner, the_budget, "4000.00")
        request = fund_factories.make_request(
            partner=partner, the_budget=the_budget, amount="1000.00"
        )
        request = funds.request_review(actor=reviewer, request=request, approve=True)
        claim = fund_factories.make_claim(request, "800.00")
        funds.claim_review(actor=reviewer, claim=claim, approve=True)
        deal = deals.deal_register(
            actor=user,
            partner=partner,
            **registration(
                title=f"From the webinar {request.campaign_code}",
                lines=[{"product_line": "security", "quantity": 1, "amount": "2000"}],
            ),
        )
    with frozen(NOON), django_capture_on_commit_callbacks(execute=True):
        deals.deal_approve(actor=admin, deal=deal)
        deal.refresh_from_db()
        deals.deal_mark_won(actor=user, deal=deal, won_on=TODAY)

    with frozen(NOON):
        values = _values(partner)
    assert values["funds_allocated"] == Decimal("4000.00")
    assert values["funds_claimed"] == Decimal("800.00")
    assert values["fund_utilisation"] == Decimal("20.00")  # 800 of 4,000
    assert values["fund_roi"] == Decimal("150.00")  # (2,000 - 800) / 800
    with frozen(NOON):
        rebuilt = services.rollups_rebuild()
    assert rebuilt.drifted == 0


def test_a_proposed_attribution_counts_for_roi_once_the_vendor_approves_it(
    seller, django_capture_on_commit_callbacks
):
    partner, user = seller
    ensure_stages()
    reviewer = fund_factories.reviewer()
    admin = VendorUserFactory(vendor_role="vendor_admin")
    the_budget = fund_factories.budget()  # EUR
    with frozen(NOON), django_capture_on_commit_callbacks(execute=True):
        fund_factories.allocate(partner, the_budget, "4000.00")
        request = fund_factories.make_request(
            partner=partner, the_budget=the_budget, amount="1000.00"
        )
        request = funds.request_review(actor=reviewer, request=request, approve=True)
        funds.claim_review(
            actor=reviewer,
            claim=fund_factories.make_claim(request, "500.00"),
            approve=True,
        )
        deal = deals.deal_register(
            actor=user,
            partner=partner,
            **registration(
                lines=[{"product_line": "security", "quantity": 1, "amount": "2000"}]
            ),
        )
    with frozen(NOON), django_capture_on_commit_callbacks(execute=True):
        deals.deal_approve(actor=admin, deal=deal)
        deal.refresh_from_db()
        deals.deal_mark_won(actor=user, deal=deal, won_on=TODAY)
        attribution = funds.attribution_propose(actor=user, request=request, deal=deal)
    with frozen(NOON):
        before = _values(partner)["fund_roi"]

    with frozen(NOON), django_capture_on_commit_callbacks(execute=True):
        funds.attribution_decide(actor=reviewer, attribution=attribution, approve=True)

    with frozen(NOON):
        after = _values(partner)["fund_roi"]
        rebuilt = services.rollups_rebuild()
    assert (before, after) == (Decimal("-100.00"), Decimal("300.00"))  # (2,000-500)/500
    assert rebuilt.drifted == 0


def test_certified_people_and_accreditations_are_held_per_month(
    seller, django_capture_on_commit_callbacks
):
    partner, user = seller
    colleague = partner_user(partner=partner, roles=["sales"])
    certification = CertificationFactory(validity_months=12)
    AccreditationConditionFactory(
        certification=certification, product_line="", role="", count=2
    )
    reviewer = VendorUserFactory(vendor_role="vendor_admin")
    award = {"certification": certification, "partner_id": partner.pk}
    with frozen(NOON), django_capture_on_commit_callbacks(execute=True):
        certifications.certification_award(
            user=user, source=AwardSource.PATH, key="a", **award
        )
        held = certifications.certification_award(
            user=colleague, source=AwardSource.PATH, key="b", **award
        )

    with frozen(NOON):
        values = _values(partner)
    assert values["certified_people"] == Decimal("2.00")
    assert values["certifications_earned"] == Decimal("2.00")
    assert values["accreditations_held"] == Decimal("1.00")

    later = NOON + datetime.timedelta(days=20)  # June
    with frozen(later), django_capture_on_commit_callbacks(execute=True):
        certifications.certification_revoke(actor=reviewer, held=held, reason="Fraud")
    with frozen(later):
        june = selectors.values_for_partners(
            [partner.pk], period=selectors.Period.trailing(12)
        )[partner.pk]
    # A revoked certification never counts (its months are recomputed); the
    # accreditation was held during June, until it was lost.
    assert june["certified_people"] == Decimal("1.00")
    assert june["accreditations_held"] == Decimal("1.00")
    assert _values(partner)["certified_people"] == Decimal("1.00")
    with frozen(later):
        assert services.rollups_rebuild().drifted == 0


def test_a_tier_evaluation_reads_certified_people_from_the_catalogue():
    """The same figure as the rollups' (people holding a certification this
    month), whatever the certifications app's own count says."""
    held = UserCertificationFactory()
    rollups.refresh(partner_ids=[held.partner_id], days=[timezone.localdate()])

    values = requirements.evaluation_values([held.partner_id])

    assert values[held.partner_id]["certified_people"] == Decimal("1.00")


def test_the_month_is_computed_before_the_first_evaluation_of_a_month():
    with frozen(NOON):
        held = UserCertificationFactory()
        first = services.rollups_month_started()
        again = services.rollups_month_started()

    assert first is not None and again is None
    assert RebuildRun.objects.count() == 1
    assert MonthlyValue.objects.get(
        partner_id=held.partner_id, series="certified_people"
    ).month == datetime.date(2026, 5, 1)


def test_no_requirement_a_tier_can_name_is_left_unmeasured():
    assert [
        metric.code
        for metric in programme_metrics.CATALOGUE.values()
        if not metric.available
    ] == []
    for code in (
        "reported_sales",
        "points_earned",
        "points_redeemed",
        "fund_utilisation",
        "fund_roi",
        "certifications_earned",
        "certified_people",
        "accreditations_held",
        "content_downloads",
        "trailing_12m_sales",
        "scorecard_score",
    ):
        assert programme_metrics.get_metric(code).available, code


def test_the_scorecard_score_is_the_best_current_score_of_an_active_scorecard():
    partner = PartnerFactory()
    active = Scorecard.objects.create(name="Fit")
    retired = Scorecard.objects.create(name="Old", is_active=False)
    PartnerScore.objects.create(partner=partner, scorecard=active, score=40)
    PartnerScore.objects.create(
        partner=partner, scorecard=active, score=90, is_current=False
    )
    PartnerScore.objects.create(partner=partner, scorecard=retired, score=99)
    unscored = PartnerFactory()

    values = requirements.evaluation_values([partner.pk, unscored.pk])

    assert values[partner.pk]["scorecard_score"] == Decimal("40.00")
    assert "scorecard_score" not in values[unscored.pk]
    rule = RequirementRule("scorecard_score", ">=", Decimal(60))
    result = evaluate_requirement(rule, values[partner.pk])
    assert (result.outcome, result.reason) == (
        Outcome.NOT_MET,
        "Scorecard score is 40: at least 60 is not met.",
    )


def test_a_health_model_weighs_the_new_metrics(programme, reviewer):
    from openprm.metrics import health
    from openprm.metrics.tests.test_api import figures
    from openprm.programs.tests.factories import EnrolmentFactory

    enrolment = EnrolmentFactory(programme=programme)
    figures(
        enrolment.partner,
        reported_sales="500",
        funds_allocated="1000",
        funds_claimed="250",
    )
    health.health_model_set(
        actor=reviewer,
        programme=programme,
        at_risk_below=Decimal("50"),
        alert_drop=Decimal("15"),
        measures=[
            {"metric": "reported_sales", "weight": 1, "target": "1000"},
            {"metric": "fund_utilisation", "weight": 1, "target": "50"},
            {"metric": "certified_people", "weight": 2, "target": "2"},
        ],
    )

    health.health_compute()

    score = PartnerHealth.objects.get(enrolment=enrolment, is_current=True)
    # Half of each of the first two targets, no certified people: 1 of 4 weights.
    assert score.score == Decimal("25.00")
    assert [row["metric"] for row in score.breakdown] == [
        "reported_sales",
        "fund_utilisation",
        "certified_people",
    ]
