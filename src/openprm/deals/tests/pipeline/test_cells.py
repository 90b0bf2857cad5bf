"""The pipeline's cells and regional totals, kept by triggers on every kind of
change to a deal, equal what the rebuild recomputes from the deals; the rebuild
finds and repairs drift."""

import datetime
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.deals import services
from openprm.deals.choices import LIVE, DealStatus, StageKind
from openprm.deals.models import Deal, PipelineCell, PipelineTotal, Stage
from openprm.deals.pipeline import triggers
from openprm.deals.pipeline.services import pipeline_rebuild
from openprm.deals.tests.factories import make_deal, registration, seller
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def expected() -> tuple[Counter, Counter]:
    """The cells and totals computed in Python from the deals."""
    cells, totals = Counter(), Counter()
    regions = dict(Partner.objects.values_list("id", "region"))
    for deal in Deal.objects.filter(status__in=LIVE):
        month = deal.expected_close_date.replace(day=1)
        minor = int(deal.total_amount * 100)
        cell = (deal.partner_id, deal.stage_id, month, deal.currency)
        total = (regions[deal.partner_id], deal.stage_id, month, deal.currency)
        for counter, key in ((cells, cell), (totals, total)):
            counter[(*key, "count")] += 1
            counter[(*key, "minor")] += minor
    return +cells, +totals


def stored() -> tuple[Counter, Counter]:
    cells, totals = Counter(), Counter()
    for row in PipelineCell.objects.all():
        key = (row.partner_id, row.stage_id, row.month, row.currency)
        cells[(*key, "count")] += row.deal_count
        cells[(*key, "minor")] += row.amount_minor
    for row in PipelineTotal.objects.all():
        key = (row.region, row.stage_id, row.month, row.currency)
        totals[(*key, "count")] += row.deal_count
        totals[(*key, "minor")] += row.amount_minor
    return +cells, +totals


def open_stages():
    return list(Stage.objects.filter(kind=StageKind.OPEN).order_by("order"))


def test_every_kind_of_change_keeps_the_cells_equal_to_a_rebuild():
    rng = random.Random(7)
    reviewer = VendorUserFactory()
    sellers = [seller() for _ in range(4)]
    stages = open_stages()
    deals = []
    # Registered through the service, with several close months and amounts.
    for number in range(24):
        user = sellers[number % 4]
        day = timezone.localdate() + datetime.timedelta(days=1 + 17 * number)
        deals.append(
            services.deal_register(
                actor=user,
                partner=user.memberships.get().partner,
                **registration(
                    customer_name=f"Customer {number}",
                    customer_domain=f"c{number}.example",
                    expected_close_date=day,
                    lines=[
                        {
                            "product_line": "security",
                            "quantity": 1,
                            "amount": str(rng.randint(100, 99999)) + ".37",
                        }
                    ],
                ),
            )
        )
    # Made directly (a bulk load or an import writes rows the same way).
    deals += [make_deal(amount=Decimal("12.34")) for _ in range(3)]
    deals[0] = services.deal_approve(actor=reviewer, deal=deals[0])
    deals[1] = services.deal_reject(actor=reviewer, deal=deals[1], reason="No")
    services.deal_request_info(actor=reviewer, deal=deals[2], question="Who?")
    for deal in deals[3:8]:
        services.deal_approve(actor=reviewer, deal=deal)
    one, two, three = deals[3:6]
    services.deal_stage_change(actor=one.registered_by, deal=one, stage=stages[-1])
    services.deal_mark_won(actor=two.registered_by, deal=two, amount="777.77")
    services.deal_mark_lost(actor=three.registered_by, deal=three, reason="Price")
    services.deal_record_crm_outcome(
        actor=reviewer, deal=deals[6], won=True, amount="5"
    )
    Deal.objects.filter(pk=deals[9].pk).update(currency="USD")
    Deal.objects.filter(pk=deals[10].pk).update(expected_close_date=D(2029, 2, 3))
    Deal.objects.filter(pk=deals[11].pk).update(total_amount=Decimal("0.01"))
    Deal.objects.filter(pk=deals[12].pk).update(partner=deals[13].partner)
    Deal.objects.filter(pk=deals[14].pk).update(status=DealStatus.EXPIRED)
    Deal.objects.filter(pk=deals[15].pk).update(stage=stages[0], title="Renamed")
    Deal.objects.filter(pk=deals[16].pk).delete()
    # A partner moves to another region; another is deleted with its deals.
    moved = deals[17].partner
    moved.region = "apac" if moved.region != "apac" else "emea"
    moved.save()
    deals[-1].partner.delete()

    cells, totals = stored()
    assert (cells, totals) == expected()
    assert cells  # the data set is not empty
    result = pipeline_rebuild()
    assert not result.drifted
    assert stored() == (cells, totals)


def test_the_rebuild_reports_and_repairs_drift():
    make_deal(amount=Decimal("10.00"), status=DealStatus.APPROVED)
    make_deal(amount=Decimal("20.00"))
    right = stored()
    PipelineCell.objects.update(deal_count=5)
    PipelineTotal.objects.all().delete()

    result = pipeline_rebuild()

    assert result.drifted_cells == 2
    assert result.drifted_totals >= 1
    assert stored() == right
    assert not pipeline_rebuild().drifted


def test_the_rebuild_reinstalls_missing_triggers():
    triggers.drop(connection)
    assert triggers.missing(connection)
    pipeline_rebuild()
    assert not triggers.missing(connection)
    make_deal(amount=Decimal("10.00"))
    assert stored() == expected()


def test_a_migrate_restores_triggers_that_a_table_rebuild_dropped():
    from django.core.management import call_command

    deal = make_deal(amount=Decimal("10.00"))
    triggers.drop(connection)
    Deal.objects.filter(pk=deal.pk).update(status=DealStatus.REJECTED)
    assert stored() != expected()

    call_command("migrate", verbosity=0)

    assert not triggers.missing(connection)
    assert stored() == expected()
    make_deal(amount=Decimal("5.00"))
    assert stored() == expected()


def test_cells_that_fall_to_zero_are_removed_by_the_rebuild():
    deal = make_deal(amount=Decimal("10.00"))
    Deal.objects.filter(pk=deal.pk).update(status=DealStatus.REJECTED)
    assert PipelineCell.objects.get().deal_count == 0
    result = pipeline_rebuild()
    assert (result.cells, result.totals, result.drifted) == (0, 0, False)


def reference(user, filters):
    """The figures summed from the deals themselves (the reader before cells)."""
    from openprm.currencies.selectors import rate_table
    from openprm.deals.pipeline import figures, selectors

    stages, rates = selectors.open_stages(), rate_table()
    deals = selectors.open_deals(user=user, filters=filters, stage_ids=stages)
    rows = selectors.aggregate(deals, rates=rates, by_month=True)
    converted = figures.convert(rows, stages=stages, rates=rates)
    by_group = {}
    for group in (selectors.GROUP_REGION, selectors.GROUP_PARTNER):
        rows = selectors.aggregate(deals, rates=rates, group=group)
        lines = figures.by_group(figures.convert(rows, stages=stages, rates=rates))
        by_group[group] = [(line.key, line.figures) for line in lines]
    return (
        figures.by_stage(converted, stages.values()),
        figures.by_month(converted, first=filters.close_from, last=filters.close_to),
        figures.total(converted),
        by_group,
    )


def test_the_cells_answer_as_the_deals_do_for_any_filter_and_reader():
    from openprm.currencies.tests.factories import ExchangeRateFactory
    from openprm.deals.pipeline.selectors import (
        GROUP_PARTNER,
        GROUP_REGION,
        PipelineFilters,
        pipeline_groups,
        pipeline_summary,
    )

    rng = random.Random(11)
    # A rate from the first of a month, and one from the middle of another.
    ExchangeRateFactory(currency="USD", rate=Decimal("0.9"), valid_from=D(2026, 1, 1))
    ExchangeRateFactory(currency="USD", rate=Decimal("0.8"), valid_from=D(2026, 3, 20))
    readers = [VendorUserFactory(), VendorUserFactory(vendor_role="channel_manager")]
    partners = [
        PartnerFactory(
            region=("EMEA", "NA")[n % 2],
            channel_manager=readers[1] if n < 2 else None,
        )
        for n in range(4)
    ]
    stages = open_stages()
    for _ in range(60):
        made = make_deal(
            partner=rng.choice(partners),
            amount=Decimal(rng.randint(1, 10**6)) / 100,
            stage=rng.choice(stages),
            status=rng.choice(list(DealStatus)),
            expected_close_date=D(2026, 1, 1) + datetime.timedelta(rng.randint(0, 200)),
        )
        currency = rng.choice(("EUR", "USD", "JPY"))
        Deal.objects.filter(pk=made.pk).update(currency=currency)
    filters = [
        PipelineFilters(),
        PipelineFilters(region="NA"),
        PipelineFilters(partner_id=partners[0].pk),
        PipelineFilters(close_from=D(2026, 2, 10), close_to=D(2026, 5, 31)),
        PipelineFilters(close_from=D(2026, 3, 1), close_to=D(2026, 6, 12)),
        PipelineFilters(close_from=D(2026, 4, 3), close_to=D(2026, 4, 20)),
    ]
    for reader in readers:
        for chosen in filters:
            summary = pipeline_summary(user=reader, filters=chosen)
            stages_, months, total, by_group = reference(reader, chosen)
            if chosen == PipelineFilters():
                assert total.count  # the data set is not empty
            assert (summary.stages, summary.months, summary.total) == (
                stages_,
                months,
                total,
            ), (reader, chosen)
            for group in (GROUP_REGION, GROUP_PARTNER):
                _currency, lines = pipeline_groups(
                    user=reader, group=group, filters=chosen
                )
                got = [(line.key, line.figures) for line in lines]
                assert got == by_group[group], (reader, chosen, group)
