"""Sales data: checked row by row, written in bulk, matched to deals, converted,
and paid in points by the product rules; a re-upload changes nothing."""

import datetime
import io
from decimal import Decimal

import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import PermissionDenied
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.currencies.tests.factories import ExchangeRateFactory
from openprm.deals.choices import DealStatus
from openprm.deals.tests.factories import make_deal
from openprm.incentives import ledger, sales, selectors
from openprm.incentives.choices import CapPeriod, IssueLevel, RuleBasis, UploadStatus
from openprm.incentives.models import PointsEntry, SalesLine
from openprm.incentives.tests.factories import EarningRuleFactory, ProductFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.choices import BenefitKind
from openprm.programs.tests.factories import EnrolmentFactory, TierBenefitFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db
HEADER = (
    "invoice_number,invoice_date,end_customer,sku,quantity,amount,currency,reseller\n"
)


def _line(**overrides):
    line = {
        "invoice_number": "INV-1",
        "invoice_date": "2026-03-02",
        "end_customer": "Acme GmbH",
        "sku": "SKU-A",
        "quantity": "2",
        "amount": "200.00",
        "currency": "USD",
    }
    return {**line, **overrides}


@pytest.fixture
def world():
    ExchangeRateFactory(
        currency="USD", rate=Decimal("0.9"), valid_from=datetime.date(2020, 1, 1)
    )
    product = ProductFactory(sku="SKU-A")
    rule = EarningRuleFactory(product=product, points=Decimal(10))
    user = partner_user(roles=[PartnerRole.SALES])
    partner = user.memberships.get().partner
    return product, rule, user, partner


def test_a_reported_line_is_written_converted_and_earns_by_its_rule(world):
    _product, rule, user, partner = world
    report = sales.sales_report(actor=user, partner=partner, lines=[_line()])
    assert (report.imported, report.failed, report.points) == (1, 0, 20)
    line = SalesLine.objects.get()
    assert line.reporting_amount == Decimal("180.00")
    entry = PointsEntry.objects.get()
    assert (entry.points, entry.rule, entry.source_type) == (20, rule, "sales_line")
    assert entry.source_id == str(line.pk)
    # The call is one batch: one event and one audit entry, none per line.
    assert not OutboxEvent.objects.filter(name="points.earned").exists()
    event = OutboxEvent.objects.get(name="sales.reported")
    assert (event.payload["lines"], event.payload["points"]) == (1, 20)
    assert event.payload["invoice_dates"] == ["2026-03-02"]
    entry = AuditEntry.objects.get(verb__startswith="sales")
    assert (entry.verb, entry.actor, entry.partner_id) == (
        "sales.imported",
        user,
        partner.pk,
    )
    account = ledger.account_for(partner_id=partner.pk)
    assert ledger.balance_of(account) == ledger.spendable_of(account) == 20


def test_reporting_the_same_line_again_changes_nothing(world):
    _product, _rule, user, partner = world
    sales.sales_report(actor=user, partner=partner, lines=[_line()])
    report = sales.sales_report(actor=user, partner=partner, lines=[_line()])
    assert (report.imported, report.repeated, report.points) == (0, 1, 0)
    assert SalesLine.objects.count() == 1
    assert PointsEntry.objects.count() == 1


def test_bad_rows_are_reported_and_the_rest_imported(world):
    _product, _rule, user, partner = world
    report = sales.sales_report(
        actor=user,
        partner=partner,
        lines=[
            _line(sku="NOPE"),
            _line(invoice_number="INV-2"),
            _line(invoice_number="INV-2"),
            _line(invoice_number="INV-3", reseller="Nobody Ltd"),
            _line(invoice_number="INV-4", amount="900.00"),
        ],
    )
    assert (report.imported, report.failed) == (2, 3)
    problems = {(row, column, level) for row, column, level, _m in report.issues}
    assert problems == {
        (1, "sku", IssueLevel.ERROR),
        (3, "invoice_number", IssueLevel.ERROR),
        (4, "reseller", IssueLevel.ERROR),
        (5, "amount", IssueLevel.WARNING),
    }


def test_a_distributor_names_the_reseller_below_it(world):
    _product, _rule, _user, _partner = world
    distributor = PartnerFactory(partner_type="distributor")
    reseller = PartnerFactory(parent=distributor, name="Shop One")
    admin = partner_user(partner=distributor)
    sales.sales_report(
        actor=admin, partner=distributor, lines=[_line(reseller="shop one")]
    )
    assert SalesLine.objects.get().reseller == reseller


def test_a_line_is_matched_to_the_end_customers_registered_deal(world):
    _product, _rule, user, partner = world
    deal = make_deal(
        partner=partner, customer_name="ACME GmbH", status=DealStatus.APPROVED
    )
    make_deal(partner=PartnerFactory(), customer_name="Acme GmbH")
    sales.sales_report(actor=user, partner=partner, lines=[_line()])
    assert list(selectors.deal_sales(deal=deal)) == [SalesLine.objects.get()]


def test_points_are_multiplied_by_the_tier(world):
    _product, _rule, user, partner = world
    enrolment = EnrolmentFactory(partner=partner)
    TierBenefitFactory(
        tier=enrolment.tier, kind=BenefitKind.POINTS_MULTIPLIER, value="1.5"
    )
    report = sales.sales_report(actor=user, partner=partner, lines=[_line()])
    assert report.points == 30


def test_an_amount_rule_pays_on_the_reporting_currency_rounded_down(world):
    product, rule, user, partner = world
    rule.is_active = False
    rule.save()
    EarningRuleFactory(
        product=None,
        product_line=product.product_line,
        basis=RuleBasis.PER_AMOUNT,
        points=Decimal("0.1"),
    )
    report = sales.sales_report(
        actor=user, partner=partner, lines=[_line(amount="199.99")]
    )
    # 199.99 USD = 179.991 EUR, rounded to 179.99; 17.999 points, paid 17.
    assert report.points == 17


def test_a_cap_holds_across_lines_of_the_period(world):
    _product, rule, user, partner = world
    rule.cap_points, rule.cap_period = 50, CapPeriod.MONTH
    rule.save()
    report = sales.sales_report(
        actor=user,
        partner=partner,
        lines=[_line(invoice_number=f"INV-{n}") for n in range(4)],
    )
    assert report.points == 50
    assert sorted(PointsEntry.objects.values_list("points", flat=True)) == [10, 20, 20]


def test_a_learner_may_not_report_sales(world):
    _product, _rule, _user, partner = world
    learner = partner_user(partner=partner, roles=[PartnerRole.LEARNER])
    with pytest.raises(PermissionDenied):
        sales.sales_report(actor=learner, partner=partner, lines=[_line()])
    assert SalesLine.objects.count() == 0


def test_an_uploaded_file_is_processed_with_its_report(
    world, django_capture_on_commit_callbacks
):
    _product, _rule, user, partner = world
    body = (
        HEADER
        + "INV-1,2026-03-02,Acme,SKU-A,2,200,USD,\nINV-2,2026-03-02,Acme,BAD,1,1,USD,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload = sales.sales_upload_create(
            actor=user,
            partner=partner,
            file_name="sales.csv",
            upload=io.BytesIO(body.encode()),
        )
    upload.refresh_from_db()  # the immediate task backend ran it on commit
    assert upload.status == UploadStatus.DONE
    assert (upload.rows_total, upload.rows_imported, upload.rows_failed) == (2, 1, 1)
    assert upload.points_earned == 20
    assert [(i.row_number, i.column) for i in upload.issues.all()] == [(3, "sku")]
    with django_capture_on_commit_callbacks(execute=True):
        again = sales.sales_upload_create(
            actor=user,
            partner=partner,
            file_name="sales.csv",
            upload=io.BytesIO(body.encode()),
        )
    again.refresh_from_db()
    assert (again.rows_imported, again.rows_repeated) == (0, 1)
    assert PointsEntry.objects.count() == 1


def test_vendor_staff_import_on_a_partners_behalf(world):
    _product, _rule, _user, partner = world
    manager = VendorUserFactory()
    report = sales.sales_report(actor=manager, partner=partner, lines=[_line()])
    assert report.imported == 1
    assert SalesLine.objects.get().partner == partner


def test_a_line_repeated_in_a_later_batch_of_the_file_is_reported(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    """The file's own repeats are found in the table past the first batch (the
    import keeps no set of every line it read); a re-run of the same upload
    counts its earlier lines as already imported, not as repeats."""
    _product, _rule, user, partner = world
    monkeypatch.setattr(sales, "BATCH_SIZE", 2)
    body = HEADER + (
        "INV-1,2026-03-02,Acme,SKU-A,2,200,USD,\n"
        "INV-2,2026-03-02,Acme,SKU-A,1,100,USD,\n"
        "INV-1,2026-03-02,Acme,SKU-A,2,200,USD,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload = sales.sales_upload_create(
            actor=user,
            partner=partner,
            file_name="sales.csv",
            upload=io.BytesIO(body.encode()),
        )
    upload.refresh_from_db()
    assert (upload.rows_imported, upload.rows_failed, upload.rows_repeated) == (
        2,
        1,
        0,
    )
    assert [(i.row_number, i.column) for i in upload.issues.all()] == [
        (4, "invoice_number")
    ]
    upload.status = UploadStatus.PROCESSING
    upload.save(update_fields=["status"])
    again = sales.sales_upload_process(upload_id=upload.pk)
    assert (again.rows_imported, again.rows_failed, again.rows_repeated) == (0, 0, 3)
    assert PointsEntry.objects.count() == 2


def test_each_committed_batch_of_a_file_is_audited_and_announced_once(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    """One audit entry and one ``sales.reported`` event a batch that wrote
    lines, naming the upload, its file and the batch's counts; a batch that wrote
    nothing records nothing; each line keeps its upload."""
    _product, _rule, user, partner = world
    monkeypatch.setattr(sales, "BATCH_SIZE", 2)
    body = HEADER + (
        "INV-1,2026-03-02,Acme,SKU-A,2,200,USD,\n"
        "INV-2,2026-03-02,Acme,BAD,1,100,USD,\n"
        "INV-3,2026-03-05,Acme,SKU-A,1,100,USD,\n"
        "INV-4,2026-03-06,Acme,SKU-A,1,100,USD,\n"
        "INV-5,2026-03-06,Acme,BAD,1,100,USD,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload = sales.sales_upload_create(
            actor=user,
            partner=partner,
            file_name="march.csv",
            upload=io.BytesIO(body.encode()),
        )
    entries = list(AuditEntry.objects.filter(verb="sales.imported").order_by("id"))
    assert [
        (
            e.changes["batch"][1],
            e.changes["lines_imported"][1],
            e.changes["lines_rejected"][1],
            e.changes["file_name"][1],
            e.changes["upload"][1],
            e.object_type,
            e.object_id,
            e.actor_id,
            e.partner_id,
        )
        for e in entries
    ] == [
        (
            1,
            1,
            1,
            "march.csv",
            str(upload.public_id),
            "incentives.salesupload",
            str(upload.pk),
            user.pk,
            partner.pk,
        ),
        (
            2,
            2,
            0,
            "march.csv",
            str(upload.public_id),
            "incentives.salesupload",
            str(upload.pk),
            user.pk,
            partner.pk,
        ),
    ]  # the third batch (one bad row) wrote nothing, so records nothing
    assert not AuditEntry.objects.filter(verb="sales_line.reported").exists()
    events = list(OutboxEvent.objects.filter(name="sales.reported").order_by("id"))
    assert [
        (
            e.payload["batch"],
            e.payload["lines"],
            e.payload["not_imported"],
            e.payload["points"],
            e.payload["invoice_dates"],
            e.payload["upload"],
        )
        for e in events
    ] == [
        (1, 1, 1, 20, ["2026-03-02"], str(upload.public_id)),
        (2, 2, 0, 20, ["2026-03-05", "2026-03-06"], str(upload.public_id)),
    ]
    assert not OutboxEvent.objects.filter(name="points.earned").exists()
    lines = SalesLine.objects.order_by("id")
    assert {line.upload_id for line in lines} == {upload.pk}
    # Who reported a line, and when: its upload's batch entry, at its time.
    assert [line.reported_at for line in lines] == [
        entries[0].occurred_at,
        entries[1].occurred_at,
        entries[1].occurred_at,
    ]


def test_lines_reported_through_the_api_are_found_by_their_audit_entry(world):
    """No upload: the call's entry names the partner and the first line, at the
    lines' own time."""
    _product, _rule, user, partner = world
    sales.sales_report(
        actor=user,
        partner=partner,
        lines=[_line(invoice_number="INV-1"), _line(invoice_number="INV-2")],
    )
    entry = AuditEntry.objects.get(verb="sales.imported")
    first, second = SalesLine.objects.order_by("id")
    assert (entry.object_type, entry.object_id) == (
        "incentives.salesline",
        str(first.pk),
    )
    assert (entry.changes["first_line"][1], entry.changes["last_line"][1]) == (
        first.pk,
        second.pk,
    )
    assert first.reported_at == second.reported_at == entry.occurred_at
    assert "upload" not in entry.changes


def test_the_normalised_customer_names_kept_are_bounded(world, monkeypatch):
    """Past ``KEYS_KEPT`` names the memo starts again: memory does not grow with
    the file, and lines still match their deals."""
    _product, _rule, user, partner = world
    monkeypatch.setattr(sales, "KEYS_KEPT", 2)
    deal = make_deal(
        partner=partner, customer_name="Zeta Ltd", status=DealStatus.APPROVED
    )
    batch = sales.SalesBatch(actor=user, partner=partner)
    names = ["Acme GmbH", "Beta SA", "Gamma Inc", "Zeta Ltd"]
    rows = [
        (n, _line(invoice_number=f"INV-{n}", end_customer=name))
        for n, name in enumerate(names, start=1)
    ]
    report = batch.process(rows)
    assert report.imported == 4
    assert len(batch.customer_keys) <= 2
    assert SalesLine.objects.get(end_customer="Zeta Ltd").deal == deal
