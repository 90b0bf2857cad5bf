"""Co-op accrual: a percentage of a partner's reported sales in the period,
credited through the fund ledger, each sales line counted once, in a fixed
number of queries whatever the number of lines."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core import events
from openprm.core.errors import InvalidTransition, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.funds import ledger, selectors, services
from openprm.funds.choices import AllocationMethod, EntryKind, FundKind
from openprm.funds.models import AccruedSale, AllocationRun, Budget, LedgerEntry
from openprm.funds.tests.factories import FundFactory, budget, current_period
from openprm.incentives import sales
from openprm.incentives.tests.factories import ProductFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db
ACCRUAL = AllocationMethod.ACCRUAL


@pytest.fixture
def seller():
    ProductFactory(sku="SKU-A")
    return partner_user(roles=[PartnerRole.SALES])


def report(user, *amounts, currency="EUR", on=None, prefix="INV"):
    """The partner reports one sales line per amount (through the sales import)."""
    day = on or timezone.localdate()
    lines = [
        {
            "invoice_number": f"{prefix}-{number}",
            "invoice_date": day.isoformat(),
            "end_customer": "Acme GmbH",
            "sku": "SKU-A",
            "quantity": "1",
            "amount": amount,
            "currency": currency,
        }
        for number, amount in enumerate(amounts)
    ]
    partner = user.memberships.get().partner
    return sales.sales_report(actor=user, partner=partner, lines=lines)


def coop_budget(amount="100000.00") -> Budget:
    return budget(amount, fund=FundFactory(kind=FundKind.COOP))


def entries(partner) -> list[tuple]:
    return list(
        LedgerEntry.objects.filter(partner=partner).values_list("kind", "amount")
    )


def test_the_preview_gives_each_partner_its_percentage_and_writes_nothing(seller):
    report(seller, "1000.00", "234.56")
    the_budget = coop_budget()

    preview = services.allocation_preview(
        actor=VendorUserFactory(),
        budget=the_budget,
        method=ACCRUAL,
        amounts={"percent": "3"},
    )

    [line] = preview.lines
    assert line.amount == Decimal("37.04")  # 3% of 1,234.56, rounded once
    assert line.reason == "Co-op accrual: 3% of 1234.56 EUR sales (2 lines)"
    assert AccruedSale.objects.count() == AllocationRun.objects.count() == 0
    assert LedgerEntry.objects.count() == 0


def test_a_run_credits_allocation_entries_naming_it_and_a_rerun_adds_nothing(
    seller,
):
    report(seller, "1000.00", "500.00")
    partner = seller.memberships.get().partner
    the_budget = coop_budget()
    admin = VendorUserFactory()

    run = services.allocation_run_apply(
        actor=admin, budget=the_budget, method=ACCRUAL, amounts={"percent": "5"}
    )
    again = services.allocation_run_apply(
        actor=admin, budget=the_budget, method=ACCRUAL, amounts={"percent": "5"}
    )

    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount, entry.run) == (
        EntryKind.ALLOCATION,
        Decimal("75.00"),
        run,
    )
    assert entry.partner == partner
    assert "5% of 1500.00 EUR sales (2 lines)" in entry.note
    assert (again.total, again.partner_count) == (Decimal("0.00"), 0)
    the_budget.refresh_from_db()
    assert the_budget.unallocated == Decimal("99925.00")
    assert the_budget.accrual_percent == Decimal("5.00")
    allocation = selectors.allocation_for(partner_id=partner.pk, budget=the_budget)
    assert allocation.available == Decimal("75.00")
    assert selectors.allocation_figures(allocation=allocation).available == Decimal(
        "75.00"
    )
    assert AccruedSale.objects.filter(run=run).count() == 2
    assert OutboxEvent.objects.filter(name="fund.allocated").count() == 1
    assert AuditEntry.objects.filter(verb="allocation_run.applied").count() == 2


def test_only_new_lines_accrue_on_the_next_run(seller):
    report(seller, "1000.00")
    the_budget = coop_budget()
    admin = VendorUserFactory()
    services.coop_accrue(actor=admin, budget=the_budget, percent=Decimal("10"))

    report(seller, "200.00", prefix="NEW")
    run = services.coop_accrue(actor=admin, budget=the_budget)

    assert run.total == Decimal("20.00")
    partner = seller.memberships.get().partner
    assert sorted(amount for _kind, amount in entries(partner)) == [
        Decimal("20.00"),
        Decimal("100.00"),
    ]


def test_sales_outside_the_period_or_in_another_currency_do_not_accrue(seller):
    period = current_period()
    report(seller, "1000.00", on=period.starts_on - datetime.timedelta(days=1))
    report(seller, "1000.00", currency="USD", prefix="USD")
    report(seller, "300.00", on=period.ends_on, prefix="LAST")
    the_budget = coop_budget()

    run = services.coop_accrue(
        actor=VendorUserFactory(), budget=the_budget, percent=Decimal("10")
    )

    assert run.total == Decimal("30.00")
    assert AccruedSale.objects.count() == 1


def test_the_sales_reported_event_accrues_once_even_when_delivered_again(seller):
    the_budget = coop_budget()
    services.coop_accrue(
        actor=VendorUserFactory(), budget=the_budget, percent=Decimal("2")
    )
    partner = seller.memberships.get().partner

    report(seller, "2500.00")
    event = OutboxEvent.objects.get(name="sales.reported")
    events.deliver(event)
    events.replay(event=event, subscriber_name="funds.coop_accrual")

    assert entries(partner) == [(EntryKind.ALLOCATION, Decimal("50.00"))]
    run = LedgerEntry.objects.get().run
    assert (run.method, run.run_by, run.total) == (ACCRUAL, None, Decimal("50.00"))
    # Only the run that found lines is kept (the event's empty re-run is not).
    assert AllocationRun.objects.filter(partner_count__gt=0).count() == 1
    assert AllocationRun.objects.count() == 2  # the console run that set 2%


def test_a_budget_that_does_not_accrue_ignores_sales_reports(seller):
    coop_budget()  # no accrual percentage
    report(seller, "2500.00")

    services.coop_accrue_reported(partner_id=seller.memberships.get().partner.pk)

    assert LedgerEntry.objects.count() == AccruedSale.objects.count() == 0


def test_an_accrual_that_does_not_fit_the_budget_changes_nothing(seller):
    report(seller, "10000.00")
    the_budget = coop_budget("100.00")

    with pytest.raises(ledger.InsufficientFunds):
        services.coop_accrue(
            actor=VendorUserFactory(), budget=the_budget, percent=Decimal("10")
        )

    assert AccruedSale.objects.count() == LedgerEntry.objects.count() == 0
    assert AllocationRun.objects.count() == 0
    the_budget.refresh_from_db()
    assert (the_budget.unallocated, the_budget.accrual_percent) == (
        Decimal("100.00"),
        None,
    )


def test_an_event_accrual_that_does_not_fit_is_skipped_and_logged(seller, caplog):
    the_budget = coop_budget("10.00")
    Budget.objects.filter(pk=the_budget.pk).update(accrual_percent=Decimal("10"))
    report(seller, "10000.00")

    runs = services.coop_accrue_reported(partner_id=seller.memberships.get().partner.pk)

    assert runs == []
    assert AccruedSale.objects.count() == 0
    assert "not enough left" in caplog.text


def test_an_mdf_fund_or_a_bad_percentage_is_refused(seller):
    admin = VendorUserFactory()
    with pytest.raises(ValidationFailed) as mdf:
        services.allocation_run_apply(
            actor=admin, budget=budget(), method=ACCRUAL, amounts={"percent": "3"}
        )
    assert "method" in mdf.value.field_errors
    for bad in ("0", "101", "1.234"):
        with pytest.raises(ValidationFailed):
            services.allocation_run_apply(
                actor=admin,
                budget=coop_budget(),
                method=ACCRUAL,
                amounts={"percent": bad},
            )
    assert AllocationRun.objects.count() == 0


def test_a_closed_budget_does_not_accrue(seller):
    the_budget = coop_budget()
    Budget.objects.filter(pk=the_budget.pk).update(closed_at=timezone.now())
    the_budget.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.coop_accrue(
            actor=VendorUserFactory(), budget=the_budget, percent=Decimal("3")
        )


def _queries_for_run(seller, count: int) -> int:
    report(seller, *(["100.00"] * count), prefix=f"N{count}")
    the_budget = coop_budget()
    admin = VendorUserFactory()
    with CaptureQueriesContext(connection) as context:
        services.coop_accrue(actor=admin, budget=the_budget, percent=Decimal("3"))
    return len(context.captured_queries)


def test_a_run_reads_and_writes_the_same_number_of_queries_for_2_or_40_lines(
    seller,
):
    few = _queries_for_run(seller, 2)
    LedgerEntry.objects.all().delete()
    AccruedSale.objects.all().delete()
    many = _queries_for_run(seller, 40)

    assert few == many


def test_the_console_previews_then_runs_an_accrual(client, seller):
    report(seller, "1000.00")
    the_budget = coop_budget()
    client.force_login(VendorUserFactory(vendor_role="channel_marketing"))
    url = reverse("console:fund_budget", args=[the_budget.public_id])

    preview = client.get(url, {"method": ACCRUAL, "percent": "4"})
    done = client.post(url, {"method": ACCRUAL, "percent": "4"})

    assert preview.status_code == 200
    assert preview.context["preview"].total == Decimal("40.00")
    assert LedgerEntry.objects.filter(amount=Decimal("40.00")).count() == 1
    assert done.status_code == 302
    assert "Accruing 4.00% of reported sales." in client.get(url).content.decode()


def test_the_mdf_budget_page_offers_no_accrual(client):
    the_budget = budget()
    client.force_login(VendorUserFactory(vendor_role="channel_marketing"))
    page = client.get(reverse("console:fund_budget", args=[the_budget.public_id]))
    assert "percent" not in page.context["form"].fields


def test_the_api_previews_and_runs_an_accrual(client, seller):
    report(seller, "1000.00")
    the_budget = coop_budget()
    client.force_login(VendorUserFactory(vendor_role="channel_marketing"))
    base = f"/api/v1/fund-budgets/{the_budget.public_id}"
    body = {"method": "accrual", "amounts": {"percent": "2.5"}}

    preview = client.post(
        f"{base}/allocation-preview", body, content_type="application/json"
    )
    run = client.post(f"{base}/allocation-runs", body, content_type="application/json")
    bad = client.post(
        f"{base}/allocation-runs",
        {"method": "accrual", "amounts": {"percent": "0"}},
        content_type="application/json",
    )

    assert preview.json()["total"] == "25.00"
    assert (run.status_code, run.json()["total"]) == (201, "25.00")
    assert bad.status_code == 422
    assert "percent" in str(bad.json())
