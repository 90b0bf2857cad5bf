"""Sales data: lines reported by a partner (a file processed in the worker, or a
list through the API), checked row by row, written in bulk, matched to deals,
converted into the reporting currency, and paid in points by the product rules.

Both paths go through :class:`SalesBatch`: the checks, the per-row report and the
writes are one code. A batch is one transaction: the holder's lock, then the lines
(``core.bulk_sql``), the earn entries and their lots (bulk too), and — when it
wrote lines — one audit entry (``sales.imported``: who, for which partner, which
upload and batch, how many lines were accepted and rejected) and one
``sales.reported`` event for the batch (its counts, points and invoice dates: what
the rollups, the co-op accruals and webhooks need). A line keeps its upload, and
its ``reported_at`` is the batch's audit entry's time, so who reported it and when
stays answerable without an entry per line. An invoice line already reported
(same partner, invoice and SKU) is counted as already imported and changes
nothing, so uploading a file again is harmless.
"""

import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.accruals import spiffs
from openprm.core import audit, bulk_sql, events, jsontext, tabular
from openprm.core.audit import AuditBatch
from openprm.core.errors import ValidationFailed
from openprm.currencies import money
from openprm.currencies.selectors import rate_table
from openprm.deals.choices import DealStatus
from openprm.deals.conflicts import normalise_name
from openprm.deals.models import Deal
from openprm.incentives import earning, ledger, permissions, services
from openprm.incentives.choices import EntryKind, IssueLevel, RuleBasis, UploadStatus
from openprm.incentives.models import (
    EarningRule,
    PointsEntry,
    PointsLot,
    Product,
    ProductPrice,
    SalesIssue,
    SalesLine,
    SalesUpload,
)
from openprm.partners.models import Partner

BATCH_SIZE = 2000
REQUIRED = (
    "invoice_number",
    "invoice_date",
    "end_customer",
    "sku",
    "quantity",
    "amount",
    "currency",
)
COLUMNS = (*REQUIRED, "reseller")
# A unit price further than this fraction from the list price is flagged.
DEFAULT_PRICE_TOLERANCE = Decimal("0.5")
MATCHED_DEAL_STATUSES = (DealStatus.APPROVED, DealStatus.WON)
# The end customers' normalised names kept at most (``SalesBatch._customer_key``).
KEYS_KEPT = 20_000


def price_tolerance() -> Decimal:
    return Decimal(
        str(getattr(settings, "OPENPRM_SALES_PRICE_TOLERANCE", DEFAULT_PRICE_TOLERANCE))
    )


@dataclass
class Report:
    """What a batch did: counts and the issues by row."""

    imported: int = 0
    failed: int = 0
    repeated: int = 0
    points: int = 0
    amount: Decimal = Decimal(0)
    issues: list[tuple[int, str, str, str]] = field(default_factory=list)
    line_ids: list[int] = field(default_factory=list)
    # The distinct invoice dates of the lines written.
    invoice_dates: set[datetime.date] = field(default_factory=set)

    def add(self, other: "Report") -> None:
        self.imported += other.imported
        self.failed += other.failed
        self.repeated += other.repeated
        self.points += other.points
        self.amount += other.amount
        self.issues += other.issues
        self.line_ids += other.line_ids


@dataclass
class _Line:
    number: int
    values: dict
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class SalesBatch:
    """The context of one partner's report: what is looked up once (the
    resellers below it, the rules, its multiplier and audiences, the rates) and
    the check and write of each batch of rows."""

    def __init__(self, *, actor, partner: Partner, upload: SalesUpload | None = None):
        self.actor = actor
        self.partner = partner
        self.upload = upload
        # The invoice lines of the batch being checked (a line repeated in an
        # earlier batch of the file is found in the table: ``_repeats_in_file``).
        self.seen: set[tuple[str, str]] = set()
        # The first sales line this run wrote (None: none yet).
        self.first_line_id: int | None = None
        # The batches processed so far (the audit entry and event name theirs).
        self.batch_number = 0
        # A big file grows the table under the planner's feet (the repeat check
        # reads it each batch): its statistics are refreshed as it grows.
        self.statistics = bulk_sql.PlannerStatistics(SalesLine)
        self.resellers = self._resellers()
        self.rules = [
            rule
            for rule in EarningRule.objects.filter(
                basis__in=[RuleBasis.PER_UNIT, RuleBasis.PER_AMOUNT], is_active=True
            ).select_related("product")
        ]
        audience_ids = (
            services.audiences_of(partner.pk)
            if any(rule.audience_id for rule in self.rules)
            else set()
        )
        self.rules = [r for r in self.rules if services.rule_reaches(r, audience_ids)]
        self.multiplier = services.tier_multiplier(partner.pk)
        self.rates = rate_table()
        user_id = None
        if actor is not None and not actor.is_vendor_staff:
            user_id = actor.pk
        self.account = ledger.account_for(partner_id=partner.pk, user_id=user_id)
        self.products: dict[str, tuple[int, str]] = {}
        self.tolerance = price_tolerance()
        # The rules that can pay for a product, by (product id, product line).
        self.rules_of: dict[tuple[int, str], list[EarningRule]] = {}
        self.prices: dict[tuple[int, str], Decimal] = {}
        self.customer_keys: dict[str, str] = {}

    def _resellers(self) -> dict[str, int]:
        """The partners below this one, by external id and by lower-cased name."""
        found: dict[str, int] = {}
        below = Partner.objects.filter(
            path__startswith=self.partner.path, depth__gt=self.partner.depth
        ).values_list("pk", "name", "external_id")
        for pk, name, external_id in below:
            found.setdefault(name.strip().lower(), pk)
            if external_id:
                found[external_id.strip().lower()] = pk
        return found

    def _load_products(self, skus: set[str]) -> None:
        wanted = skus - set(self.products)
        if not wanted:
            return
        for pk, sku, line in Product.objects.filter(sku__in=wanted).values_list(
            "pk", "sku", "product_line"
        ):
            self.products[sku] = (pk, line)
        for product_id, currency, price in ProductPrice.objects.filter(
            product__sku__in=wanted
        ).values_list("product_id", "currency", "list_price"):
            self.prices[(product_id, currency)] = price

    # --- checks

    def _customer_key(self, customer: str) -> str:
        """``normalise_name`` of an end customer, once per name (a file names
        the same customers again and again); forgotten past ``KEYS_KEPT``
        names, so memory stays bounded."""
        key = self.customer_keys.get(customer)
        if key is None:
            if len(self.customer_keys) >= KEYS_KEPT:
                self.customer_keys.clear()
            key = self.customer_keys[customer] = normalise_name(customer)
        return key

    def _check(self, number: int, row: dict) -> _Line:
        line = _Line(number, {})
        fail = line.errors.append
        values = line.values
        invoice = (row.get("invoice_number") or "").strip()
        if not invoice:
            fail(("invoice_number", _("Give the invoice number.")))
        values["invoice_number"] = invoice[:64]
        try:
            values["invoiced_on"] = datetime.date.fromisoformat(
                str(row.get("invoice_date") or "").strip()[:10]
            )
        except ValueError:
            fail(("invoice_date", _("Enter the invoice date as YYYY-MM-DD.")))
        customer = (row.get("end_customer") or "").strip()
        if not customer:
            fail(("end_customer", _("Name the end customer.")))
        values["end_customer"] = customer[:200]
        values["customer_key"] = self._customer_key(values["end_customer"])
        sku = (row.get("sku") or "").strip()
        product = self.products.get(sku)
        if product is None:
            fail(("sku", _("Unknown SKU “%(sku)s”.") % {"sku": sku}))
        values["sku"], values["product"] = sku, product
        quantity = _decimal(row.get("quantity") or "")
        if quantity is None or quantity <= 0 or quantity.as_tuple().exponent < -4:
            fail(("quantity", _("Enter a positive quantity.")))
        values["quantity"] = quantity
        currency = (row.get("currency") or "").strip().upper()
        if not money.is_currency(currency):
            fail(("currency", _("Not a currency code.")))
        values["currency"] = currency
        amount = _decimal(row.get("amount") or "")
        if amount is None or amount < 0:
            fail(("amount", _("Enter the amount (zero or more).")))
        elif money.is_currency(currency):
            amount = money.quantize(amount, currency)
        values["amount"] = amount
        reseller = (row.get("reseller") or "").strip()
        values["reseller_id"] = None
        if reseller:
            values["reseller_id"] = self.resellers.get(reseller.lower())
            if values["reseller_id"] is None:
                fail(
                    (
                        "reseller",
                        _("Unknown reseller “%(name)s”: not a partner below yours.")
                        % {"name": reseller},
                    )
                )
        if line.errors:
            return line
        key = (invoice, sku)
        if key in self.seen:
            fail(("invoice_number", _("This invoice line is repeated in the file.")))
            return line
        self.seen.add(key)
        list_price = self.prices.get((product[0], currency))
        if list_price is not None and list_price > 0:
            unit = amount / quantity
            if abs(unit - list_price) > list_price * self.tolerance:
                line.warnings.append(
                    (
                        "amount",
                        _(
                            "The unit price %(unit)s is far from the list price "
                            "%(list)s."
                        )
                        % {
                            "unit": money.quantize(unit, currency),
                            "list": list_price,
                        },
                    )
                )
        if currency == self.rates.reporting:
            values["reporting_amount"] = amount  # already in its minor unit
            return line
        try:
            values["reporting_amount"] = money.quantize(
                self.rates.convert(amount, currency, values["invoiced_on"]),
                self.rates.reporting,
            )
        except money.MissingExchangeRate as missing:
            values["reporting_amount"] = None
            line.warnings.append(("currency", str(missing.message)))
        return line

    def _existing(self, lines: list[_Line]) -> dict[tuple[str, int], tuple[int, int]]:
        """``{(invoice, product id): (line id, upload id)}`` of the lines already
        in the table among these."""
        invoices = sorted({line.values["invoice_number"] for line in lines})
        found = bulk_sql.rows_in(
            SalesLine,
            ("invoice_number", "product", "id", "upload"),
            "invoice_number",
            invoices,
            where={"partner": self.partner.pk},
        )
        return {
            (invoice, product_id): (pk, upload_id)
            for invoice, product_id, pk, upload_id in found
        }

    def _repeats_in_file(self, found: tuple[int, int]) -> bool:
        """Whether a line already in the table was written by this run of this
        upload: the same invoice line earlier in the file (a re-run finds the
        lines of the run before as already imported)."""
        pk, upload_id = found
        return (
            self.upload is not None
            and upload_id == self.upload.pk
            and self.first_line_id is not None
            and pk >= self.first_line_id
        )

    def _deals(self, lines: list[_Line]) -> dict[str, int]:
        names = {line.values["customer_key"] for line in lines}
        names.discard("")
        if not names:
            return {}
        rows = bulk_sql.rows_in(
            Deal,
            ("submitted_at", "id", "customer_name_normalised", "status"),
            "customer_name_normalised",
            sorted(names),
            where={"partner": self.partner.pk},
        )
        found = {}
        for _submitted, pk, name, status in sorted(rows):
            if status in MATCHED_DEAL_STATUSES:
                found[name] = pk  # the latest registration wins
        return found

    # --- the batch

    def process(self, rows: list[tuple[int, dict]], *, then=None) -> Report:
        """Check one batch of rows, then write it in one transaction; ``then``
        (given the report) runs last in that transaction: the file's progress
        is saved with its lines, one commit a batch."""
        self._load_products({(row.get("sku") or "").strip() for _n, row in rows})
        report = Report()
        self.seen = set()
        checked = [self._check(number, row) for number, row in rows]
        good = [line for line in checked if not line.errors]
        for line in checked:
            for column, message in line.errors:
                report.issues.append((line.number, column, IssueLevel.ERROR, message))
            for column, message in line.warnings:
                report.issues.append((line.number, column, IssueLevel.WARNING, message))
        report.failed = len(checked) - len(good)
        self.batch_number += 1
        with transaction.atomic():
            ledger.lock(self.account)
            existing = self._existing(good)
            new = []
            for line in good:
                found = existing.get(
                    (line.values["invoice_number"], line.values["product"][0])
                )
                if found is None:
                    new.append(line)
                elif self._repeats_in_file(found):
                    report.failed += 1
                    report.issues.append(
                        (
                            line.number,
                            "invoice_number",
                            IssueLevel.ERROR,
                            _("This invoice line is repeated in the file."),
                        )
                    )
                else:
                    report.repeated += 1
            if new:
                now = timezone.now()
                self._write(new, report, now)
                self._announce(report, now)
            if then is not None:
                then(report)
        self.statistics.wrote(report.imported)
        return report

    def _write(self, lines: list[_Line], report: Report, now) -> None:
        deals = self._deals(lines)
        ids = bulk_sql.reserve_ids(SalesLine, len(lines))
        if self.first_line_id is None:
            self.first_line_id = ids[0]
        rows = []
        upload_id = self.upload.pk if self.upload else None
        partner_id = self.partner.pk
        invoice_word = _("Invoice")
        earns = []
        dates = report.invoice_dates
        for pk, public_id, line in zip(
            ids, jsontext.ordered_uuids(len(lines)), lines, strict=True
        ):
            values = line.values
            product_id, product_line = values["product"]
            invoice, sku = values["invoice_number"], values["sku"]
            dates.add(values["invoiced_on"])
            rows.append(
                (
                    pk,
                    public_id,
                    partner_id,
                    values["reseller_id"],
                    upload_id,
                    invoice,
                    values["invoiced_on"].isoformat(),
                    values["end_customer"],
                    product_id,
                    values["quantity"],
                    values["amount"],
                    values["currency"],
                    values["reporting_amount"],
                    deals.get(values["customer_key"]),
                    now,
                )
            )
            if values["reporting_amount"] is not None:
                report.amount += values["reporting_amount"]
            # The reason a partner reads beside what the line earned.
            label = f"{invoice_word} {invoice}: {sku}"[:200]
            earns.append((pk, line, product_id, product_line, label))
        bulk_sql.Table(SalesLine, SalesLine.BULK_FIELDS).insert(rows)
        report.imported += len(lines)
        report.line_ids += ids
        report.points += self._earn(earns, now)
        report.points += self._earn_spiffs(earns, now)

    def _announce(self, report: Report, now) -> None:
        """The batch's one audit entry and one ``sales.reported`` event (in its
        transaction): who imported how many lines for which partner, from which
        upload. A line's ``reported_at`` is the entry's time."""
        changes = {
            "batch": [None, self.batch_number],
            "lines_imported": [None, report.imported],
            "lines_rejected": [None, report.failed],
            "lines_already_imported": [None, report.repeated],
            "first_line": [None, report.line_ids[0]],
            "last_line": [None, report.line_ids[-1]],
            "points": [None, report.points],
        }
        if self.upload is not None:
            changes["upload"] = [None, str(self.upload.public_id)]
            changes["file_name"] = [None, self.upload.file_name]
            subject = ("incentives.salesupload", self.upload.pk, self.upload.file_name)
        else:
            label = _("%(n)s sales lines reported through the API") % {
                "n": report.imported
            }
            subject = ("incentives.salesline", report.line_ids[0], label)
        audits = AuditBatch(actor=self.actor, now=now)
        audits.add(
            action="create",
            verb="sales.imported",
            object_type=subject[0],
            object_id=subject[1],
            label=subject[2],
            partner_id=self.partner.pk,
            changes=changes,
        )
        audits.write()
        events.emit(
            "sales.reported",
            payload=sales_payload(
                partner=self.partner,
                report=report,
                upload=self.upload,
                batch=self.batch_number,
            ),
            actor=self.actor,
            partner_id=self.partner.pk,
        )

    def _earn_spiffs(self, earns, now) -> int:
        """What the lines earn from running SPIFFs (``accruals.spiffs``), in
        this batch's transaction; returns the points it paid."""
        lines = [
            spiffs.LineSold(
                id=line_id,
                product_id=product_id,
                product_line=product_line,
                quantity=line.values["quantity"],
                invoiced_on=line.values["invoiced_on"],
                amount=line.values["reporting_amount"],
                label=label,
            )
            for line_id, line, product_id, product_line, label in earns
        ]
        earned = spiffs.spiffs_earn(
            partner_id=self.partner.pk,
            points_account=self.account,
            lines=lines,
            actor=self.actor,
            now=now,
        )
        return sum(int(e.amount) for e in earned if e.points_entry_id)

    def _earn(self, earns, now) -> int:
        """The earn entries and lots of the rules each line meets, within caps:
        written in bulk, rows built in the database's form. No event per entry:
        the batch's ``sales.reported`` carries the points it earned."""
        used: dict[tuple[int, datetime.date], int] = {}
        planned = []
        for line_id, line, product_id, product_line, label in earns:
            values = line.values
            rules = self.rules_of.get((product_id, product_line))
            if rules is None:
                rules = self.rules_of[(product_id, product_line)] = [
                    rule
                    for rule in self.rules
                    if rule.product_id == product_id
                    or (not rule.product_id and rule.product_line == product_line)
                ]
            for rule in rules:
                if not earning.rule_applies(rule, values["invoiced_on"]):
                    continue
                points = earning.raw_points(
                    basis=rule.basis,
                    rate=rule.points,
                    multiplier=self.multiplier,
                    quantity=values["quantity"],
                    amount=values["reporting_amount"],
                )
                if rule.cap_points is not None:
                    period = earning.period_bounds(rule.cap_period, now.date())[0]
                    key = (rule.pk, period)
                    if key not in used:
                        used[key] = services.cap_used(rule, self.account, now.date())
                    points = earning.capped(points, cap=rule.cap_points, used=used[key])
                    used[key] += points
                if points > 0:
                    planned.append((rule, line_id, label, points))
        if not planned:
            return 0
        entry_ids = bulk_sql.reserve_ids(PointsEntry, len(planned))
        stamp = bulk_sql.datetime_value(now)
        expires = ledger.expires_at(now)
        expires = None if expires is None else bulk_sql.datetime_value(expires)
        account_id, partner_id = self.account.pk, self.partner.pk
        entry_rows, lot_rows = [], []
        total = 0
        for entry_id, public_id, (rule, line_id, label, points) in zip(
            entry_ids, jsontext.ordered_uuids(len(planned)), planned, strict=True
        ):
            entry_rows.append(
                (
                    entry_id,
                    public_id,
                    account_id,
                    partner_id,
                    EntryKind.EARN,
                    points,
                    rule.name[:300],
                    rule.pk,
                    "sales_line",
                    str(line_id),
                    label,
                    None,
                    None,
                    stamp,
                )
            )
            lot_rows.append((account_id, entry_id, points, points, stamp, expires))
            total += points
        bulk_sql.Table(PointsEntry, PointsEntry.BULK_FIELDS).insert_prepared(entry_rows)
        bulk_sql.Table(PointsLot, PointsLot.BULK_FIELDS).insert_prepared(lot_rows)
        return total


def sales_payload(
    *, partner: Partner, report: Report, upload=None, batch: int = 1
) -> dict:
    """The ``sales.reported`` payload of one batch (a file's batch of
    ``BATCH_SIZE`` rows, or an API call)."""
    return {
        "partner": partner.pk,
        "upload": str(upload.public_id) if upload else None,
        "batch": batch,
        "lines": report.imported,
        "already_imported": report.repeated,
        "not_imported": report.failed,
        "reporting_amount": str(report.amount),
        "reporting_currency": money.reporting_currency(),
        "points": report.points,
        "invoice_dates": sorted(day.isoformat() for day in report.invoice_dates),
    }


def _partner_rule(actor, partner: Partner) -> None:
    permissions.REPORT_SALES.ensure(
        actor, partner_id=None if actor.is_vendor_staff else partner.pk
    )


def sales_report(*, actor, partner: Partner, lines: list[dict]) -> Report:
    """Report sales lines through the API (at most ``BATCH_SIZE``): the same
    checks and writes as a file; the report lists the rows by their position
    (1 is the first line)."""
    _partner_rule(actor, partner)
    if len(lines) > BATCH_SIZE:
        raise ValidationFailed(
            field_errors={
                "lines": [_("At most %(n)s lines a request.") % {"n": BATCH_SIZE}]
            }
        )
    batch = SalesBatch(actor=actor, partner=partner)
    rows = [
        (
            number,
            {key: "" if value is None else str(value) for key, value in row.items()},
        )
        for number, row in enumerate(lines, start=1)
    ]
    return batch.process(rows)


# --- files


def sales_upload_create(
    *, actor, partner: Partner, file_name: str, upload
) -> SalesUpload:
    """Store a sales file and queue its processing; refuses (field ``file``) a
    file that is not a readable CSV/XLSX with the required columns."""
    _partner_rule(actor, partner)
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    suffix = tabular.check_name(file_name, size)
    tabular.RowReader(upload, suffix=suffix, size=size, required=REQUIRED)
    upload.seek(0)
    with transaction.atomic():
        item = SalesUpload.objects.create(
            partner=partner,
            created_by=actor,
            file_name=PurePath(file_name).name[:255],
            file_size=size,
        )
        item.file.save(f"{item.public_id}{suffix}", File(upload), save=False)
        item.save(update_fields=["file"])
        audit.record_create(
            actor=actor,
            instance=item,
            fields=["file_name", "file_size"],
            verb="sales_upload.created",
        )
        transaction.on_commit(lambda: _enqueue(item.pk))
    return item


def _enqueue(upload_id: int) -> None:
    from openprm.incentives import tasks

    tasks.process_sales_upload.enqueue(upload_id)


def _issues(upload: SalesUpload, issues) -> None:
    bulk_sql.copy_rows(
        SalesIssue,
        SalesIssue.BULK_FIELDS,
        [
            (upload.pk, row, column, level, str(message)[:300])
            for row, column, level, message in issues
        ],
    )


def _save_batch(
    report: Report, *, upload: SalesUpload, total: Report, rows_total: int, progress
) -> None:
    """A batch's issues and the file's progress, in the batch's transaction."""
    _issues(upload, report.issues)
    report.issues, report.line_ids, report.invoice_dates = [], [], set()
    total.add(report)
    SalesUpload.objects.filter(pk=upload.pk).update(
        progress=progress,
        rows_total=rows_total,
        rows_imported=total.imported,
        rows_failed=total.failed,
        rows_repeated=total.repeated,
        points_earned=total.points,
        updated_at=timezone.now(),
    )


def sales_upload_process(*, upload_id: int) -> SalesUpload:
    """Process a stored file in batches, saving progress with each (the worker
    calls this; a re-run starts again and finds the lines already written)."""
    upload = SalesUpload.objects.select_related("partner", "created_by").get(
        pk=upload_id
    )
    if upload.status == UploadStatus.DONE:
        return upload
    SalesIssue.objects.filter(upload=upload).delete()
    SalesUpload.objects.filter(pk=upload.pk).update(
        status=UploadStatus.PROCESSING, progress=0, updated_at=timezone.now()
    )
    batch = SalesBatch(actor=upload.created_by, partner=upload.partner, upload=upload)
    total = Report()
    suffix = PurePath(upload.file.name).suffix.lower()
    try:
        with upload.file.open("rb") as stored:
            reader = tabular.RowReader(
                stored, suffix=suffix, size=upload.file_size, required=REQUIRED
            )
            rows_seen = 0
            for rows in tabular.batches(reader, BATCH_SIZE):
                rows_seen += len(rows)
                batch.process(
                    rows,
                    then=functools.partial(
                        _save_batch,
                        upload=upload,
                        total=total,
                        rows_total=rows_seen,
                        progress=reader.fraction,
                    ),
                )
    except tabular.FileProblem as problem:
        SalesUpload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.FAILED,
            file_error=problem.text[:255],
            finished_at=timezone.now(),
        )
        upload.refresh_from_db()
        return upload
    SalesUpload.objects.filter(pk=upload.pk).update(
        status=UploadStatus.DONE, progress=1, finished_at=timezone.now()
    )
    upload.refresh_from_db()
    return upload
