"""The rules of funds, through the services, on the real database."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.funds import ledger, selectors, services
from openprm.funds.choices import ClaimStatus, EntryKind, RequestStatus
from openprm.funds.models import Allocation, Budget, FiscalPeriod, LedgerEntry
from openprm.funds.tests import factories as f
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers

pytestmark = pytest.mark.django_db


def figures_of(partner, budget=None) -> ledger.Figures:
    allocation = Allocation.objects.get(
        partner=partner, **({"budget": budget} if budget else {})
    )
    return selectors.allocation_figures(allocation=allocation)


def assert_balance_is_ledger(partner):
    """The balance row the database guards equals the ledger's available."""
    for allocation in Allocation.objects.filter(partner=partner):
        assert (
            allocation.available
            == selectors.allocation_figures(allocation=allocation).available
        )


def test_fiscal_year_create_makes_four_quarters_from_the_start_month(settings):
    settings.OPENPRM_FISCAL_YEAR_START_MONTH = 4
    admin = VendorUserFactory()

    services.fiscal_year_create(actor=admin, fiscal_year=2027)

    assert list(FiscalPeriod.objects.values_list("name", "starts_on", "ends_on")) == [
        ("FY2027 Q1", datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
        ("FY2027 Q2", datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
        ("FY2027 Q3", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
        ("FY2027 Q4", datetime.date(2027, 1, 1), datetime.date(2027, 3, 31)),
    ]


def test_allocation_run_by_tier_credits_each_partner_and_draws_the_budget():
    programme = programme_with_tiers("Silver", "Gold")
    gold = EnrolmentFactory(
        programme=programme, tier=programme.tiers.get(name="Gold")
    ).partner
    silver = EnrolmentFactory(
        programme=programme, tier=programme.tiers.get(name="Silver")
    ).partner
    budget = f.budget("50000")

    run = services.allocation_run_apply(
        actor=VendorUserFactory(),
        budget=budget,
        method="tier",
        amounts={"Gold": "20000", "Silver": "5000"},
    )

    budget.refresh_from_db()
    assert (run.total, run.partner_count) == (Decimal("25000.00"), 2)
    assert budget.unallocated == Decimal("25000.00")
    assert figures_of(gold).available == Decimal("20000.00")
    assert figures_of(silver).available == Decimal("5000.00")
    assert OutboxEvent.objects.filter(name="fund.allocated").count() == 2


def test_allocation_run_that_exceeds_the_budget_changes_nothing():
    PartnerFactory.create_batch(3)
    budget = f.budget("2500")
    admin = VendorUserFactory()
    events = OutboxEvent.objects.count()

    with pytest.raises(ledger.InsufficientFunds):
        services.allocation_run_apply(
            actor=admin, budget=budget, method="fixed", amounts={"amount": "1000"}
        )

    budget.refresh_from_db()
    assert budget.unallocated == Decimal("2500.00")
    assert LedgerEntry.objects.count() == 0
    assert OutboxEvent.objects.count() == events


def test_approval_commits_the_request_amount():
    request = f.approved_request(amount="800.00", allocated="1000.00")

    figures = figures_of(request.partner)
    assert request.status == RequestStatus.APPROVED
    assert (figures.available, figures.committed) == (
        Decimal("200.00"),
        Decimal("800.00"),
    )
    assert request.open_commitment == Decimal("800.00")
    assert OutboxEvent.objects.filter(name="fund_request.approved").count() == 1
    assert_balance_is_ledger(request.partner)


def test_approval_beyond_the_allocation_is_refused_and_changes_nothing():
    partner = PartnerFactory()
    budget = f.budget()
    f.allocate(partner, budget, "500.00")
    request = f.make_request(partner=partner, the_budget=budget, amount="800.00")
    entries, audits = LedgerEntry.objects.count(), AuditEntry.objects.count()

    with pytest.raises(ledger.InsufficientFunds):
        services.request_review(actor=f.reviewer(), request=request, approve=True)

    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    assert (LedgerEntry.objects.count(), AuditEntry.objects.count()) == (
        entries,
        audits,
    )
    assert figures_of(partner).available == Decimal("500.00")


def test_shared_pool_is_drawn_first_come_first_served():
    budget = f.budget("1000.00", is_shared_pool=True)
    first = f.make_request(the_budget=budget, amount="700.00")
    second = f.make_request(the_budget=budget, amount="400.00")

    services.request_review(actor=f.reviewer(), request=first, approve=True)
    with pytest.raises(ledger.InsufficientFunds):
        services.request_review(actor=f.reviewer(), request=second, approve=True)

    budget.refresh_from_db()
    assert budget.unallocated == Decimal("300.00")
    assert figures_of(first.partner).committed == Decimal("700.00")


def test_a_decided_request_cannot_be_approved_again():
    request = f.approved_request()

    with pytest.raises(InvalidTransition):
        services.request_review(actor=f.reviewer(), request=request, approve=True)


def test_a_partner_cannot_approve_its_own_request():
    partner = PartnerFactory()
    request = f.make_request(partner=partner)

    with pytest.raises(PermissionDenied):
        services.request_review(
            actor=f.marketer(partner), request=request, approve=True
        )


def test_rejection_needs_a_reason_and_commits_nothing():
    request = f.make_request()
    with pytest.raises(ValidationFailed):
        services.request_review(
            actor=f.reviewer(), request=request, approve=False, reason=" "
        )

    services.request_review(
        actor=f.reviewer(), request=request, approve=False, reason="Out of scope"
    )

    request.refresh_from_db()
    assert (request.status, request.decision_reason) == (
        RequestStatus.REJECTED,
        "Out of scope",
    )
    assert not LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT).exists()


def test_request_needs_cost_lines_and_valid_dates():
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as refused:
        f.make_request(
            lines=[],
            starts_on=today,
            ends_on=today - datetime.timedelta(days=1),
        )

    assert set(refused.value.field_errors) == {"lines", "ends_on"}


def test_request_plan_file_is_checked_by_content():
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationFailed) as refused:
        f.make_request(plan=SimpleUploadedFile("plan.pdf", b"MZ\x90\x00binary"))

    assert list(refused.value.field_errors) == ["plan"]


def test_partial_claims_then_payout_then_release_are_sums_of_the_ledger():
    request = f.approved_request(amount="10000.00", allocated="10000.00")
    finance = f.finance()

    first = f.make_claim(request, amount="3000.00")
    services.claim_review(actor=f.reviewer(), claim=first, approve=True)
    second = f.make_claim(request, amount="5000.00", is_final=True)
    services.claim_review(actor=f.reviewer(), claim=second, approve=True)
    for claim in (first, second):
        services.payout_approve(actor=finance, claim=claim)
        services.payout_record(actor=finance, claim=claim, reference="TRX-1")

    request.refresh_from_db()
    figures = figures_of(request.partner)
    assert request.status == RequestStatus.CLOSED
    assert figures == ledger.Figures(
        allocated=Decimal("10000.00"),
        available=Decimal("2000.00"),
        committed=Decimal("0.00"),
        claimed=Decimal("0.00"),
        paid=Decimal("8000.00"),
    )
    assert OutboxEvent.objects.filter(name="fund.payout_recorded").count() == 2
    assert_balance_is_ledger(request.partner)


def test_claims_cannot_exceed_what_is_committed():
    request = f.approved_request(amount="1000.00")
    f.make_claim(request, amount="600.00")

    with pytest.raises(ValidationFailed) as refused:
        f.make_claim(request, amount="500.00")

    assert list(refused.value.field_errors) == ["amount"]


def test_claim_needs_an_invoice_and_proof_of_performance():
    request = f.approved_request()

    with pytest.raises(ValidationFailed) as refused:
        services.claim_submit(
            actor=f.marketer(request.partner), request=request, amount="100"
        )

    assert set(refused.value.field_errors) == {"invoices", "proofs"}


def test_claim_after_the_deadline_is_refused():
    request = f.approved_request()
    request.claim_deadline = timezone.localdate() - datetime.timedelta(days=1)
    request.save(update_fields=["claim_deadline"])

    with pytest.raises(ValidationFailed):
        f.make_claim(request)


def test_payout_only_after_claim_approval_and_by_finance():
    request = f.approved_request()
    claim = f.make_claim(request)

    with pytest.raises(InvalidTransition):
        services.payout_approve(actor=f.finance(), claim=claim)
    services.claim_review(actor=f.reviewer(), claim=claim, approve=True)
    with pytest.raises(PermissionDenied):
        services.payout_approve(actor=f.reviewer(), claim=claim)

    services.payout_approve(actor=f.finance(), claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAYOUT_APPROVED


def test_partner_closing_a_request_releases_the_rest():
    request = f.approved_request(amount="1000.00")
    claim = f.make_claim(request, amount="400.00")
    services.claim_review(actor=f.reviewer(), claim=claim, approve=True)

    services.request_close(actor=f.marketer(request.partner), request=request)

    figures = figures_of(request.partner)
    assert (figures.available, figures.committed, figures.claimed) == (
        Decimal("600.00"),
        Decimal("0.00"),
        Decimal("400.00"),
    )


def test_period_end_expires_unused_funds_and_carries_over_by_rule():
    admin = VendorUserFactory()
    today = timezone.localdate()
    ended = FiscalPeriod.objects.create(
        name="Old",
        fiscal_year=2000,
        quarter=1,
        starts_on=today - datetime.timedelta(days=120),
        ends_on=today - datetime.timedelta(days=31),
    )
    fund = f.FundFactory()
    old = f.budget("10000", fund=fund, period=ended, carry_over_percent=50)
    new = f.budget("10000", fund=fund)
    partner = PartnerFactory()
    f.allocate(partner, old, "1000.00")

    assert services.budgets_close_ended() == 1
    assert services.budgets_close_ended() == 0

    assert figures_of(partner, old).available == Decimal("0.00")
    assert figures_of(partner, old).allocated == Decimal("0.00")
    assert figures_of(partner, new).available == Decimal("500.00")
    new.refresh_from_db()
    assert new.amount == Decimal("10500.00")
    assert Budget.objects.get(pk=old.pk).closed_at is not None
    assert admin  # the sweep runs without an actor


def test_deal_with_the_campaign_code_is_attributed_and_counts_in_roi():
    from openprm.deals.tests.factories import make_deal

    request = f.approved_request(amount="1000.00")
    deal = make_deal(partner=request.partner, amount=Decimal("5000.00"))

    services.attribute_by_campaign_code(
        deal=deal, text=f"Lead from webinar {request.campaign_code.lower()}"
    )

    attributions = selectors.request_attributions(request=request)
    roi = selectors.request_roi(request=request, attributions=attributions)
    assert roi.pipeline == Decimal("5000.00")
    assert roi.cost == Decimal("1000.00")


def test_partner_attribution_counts_only_once_the_vendor_approves():
    from openprm.deals.choices import DealStatus
    from openprm.deals.tests.factories import make_deal

    request = f.approved_request(amount="1000.00")
    deal = make_deal(
        partner=request.partner, amount=Decimal("3000.00"), status=DealStatus.WON
    )
    attribution = services.attribution_propose(
        actor=f.marketer(request.partner), request=request, deal=deal
    )
    before = selectors.request_roi(
        request=request, attributions=selectors.request_attributions(request=request)
    )

    services.attribution_decide(
        actor=f.reviewer(), attribution=attribution, approve=True
    )

    after = selectors.request_roi(
        request=request, attributions=selectors.request_attributions(request=request)
    )
    assert (before.won, after.won) == (Decimal("0.00"), Decimal("3000.00"))
    assert after.ratio == Decimal("200.0")


def test_another_partners_deal_cannot_be_attributed():
    from openprm.deals.tests.factories import make_deal

    request = f.approved_request()
    deal = make_deal(partner=PartnerFactory())

    with pytest.raises(ValidationFailed):
        services.attribution_propose(
            actor=f.marketer(request.partner), request=request, deal=deal
        )
