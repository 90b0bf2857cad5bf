"""Payouts: finance asks for a partner's balance to be paid, approves it on the
approval engine (queue "Finance payouts"), then exports the approved payouts as
a CSV for the payment run. An approved payout is taken from the ledger by a
``payout`` entry, written under the partner's ledger lock, never beyond the
balance."""

import csv
import io

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.accounts.choices import VendorRole
from openprm.accruals import ledger, permissions
from openprm.accruals.choices import MoneyKind, PayoutStatus
from openprm.accruals.models import Payout
from openprm.approvals import services as approvals
from openprm.approvals.choices import ActionKind
from openprm.approvals.models import Queue
from openprm.approvals.rules import Facts
from openprm.approvals.subjects import Outcome
from openprm.core import audit, events
from openprm.core.errors import Conflict, InvalidTransition
from openprm.currencies import money
from openprm.partners.models import Partner

PAYOUT_KIND = "accruals.payout"
PAYOUT_QUEUE = "Finance payouts"
EXPORT_COLUMNS = (
    "payout_id",
    "partner",
    "partner_external_id",
    "amount",
    "currency",
    "approved_at",
)


def payout_payload(payout: Payout) -> dict:
    return {
        "id": str(payout.public_id),
        "partner": payout.partner_id,
        "amount": str(payout.amount),
        "currency": payout.currency,
        "status": payout.status,
    }


def payouts_queue() -> Queue:
    """The approval queue of payouts: finance (created on first use)."""
    queue, _created = Queue.objects.get_or_create(
        name=PAYOUT_QUEUE, defaults={"vendor_role": VendorRole.FINANCE}
    )
    return queue


@transaction.atomic
def payout_request(*, actor, partner: Partner) -> Payout:
    """Ask for the partner's balance to be paid; it waits for finance's approval
    (one waiting payout per partner)."""
    permissions.FINANCE.ensure(actor)
    account = ledger.account_for(partner_id=partner.pk)
    ledger.lock(account)
    balance = ledger.balance_of(account)
    if balance <= 0:
        raise Conflict(_("Nothing is owed to this partner."))
    try:
        with transaction.atomic():
            payout = Payout.objects.create(
                partner=partner,
                account=account,
                amount=balance,
                currency=account.currency,
                requested_by=actor,
            )
    except IntegrityError:
        raise Conflict(_("A payout for this partner awaits approval.")) from None
    approval = approvals.request_start(
        kind=PAYOUT_KIND,
        object_id=payout.public_id,
        subject_label=_("Payout to %(partner)s") % {"partner": partner.name},
        facts=Facts(amount=balance, currency=account.currency, region=partner.region),
        partner=partner,
        routed_queue=payouts_queue(),
        actor=actor,
    )
    Payout.objects.filter(pk=payout.pk).update(approval=approval)
    payout.approval = approval
    audit.record_create(
        actor=actor,
        instance=payout,
        fields=["partner", "amount", "currency", "status"],
        verb="payout.requested",
    )
    events.emit(
        "payout.requested",
        payload=payout_payload(payout),
        actor=actor,
        partner_id=partner.pk,
    )
    return payout


def payout_decided(outcome: Outcome) -> str | None:
    """The engine decided a payout (hook; in the decision's transaction). An
    approval takes the amount from the ledger, refused beyond the balance."""
    payout = Payout.objects.select_related("account", "partner").get(
        public_id=outcome.request.object_id
    )
    if payout.status != PayoutStatus.PENDING:
        raise InvalidTransition(payout.status, PayoutStatus.APPROVED)
    before = audit.snapshot(payout, ["status"])
    now = timezone.now()
    if outcome.change == ActionKind.APPROVED:
        ledger.lock(payout.account)
        if ledger.balance_of(payout.account) < payout.amount:
            raise Conflict(_("The balance no longer covers this payout."))
        payout.entry = ledger.post(
            account=payout.account,
            kind=MoneyKind.PAYOUT,
            amount=-payout.amount,
            reason=_("Payout"),
            source=ledger.Source("payout", str(payout.public_id), _("Payout")),
            actor=outcome.actor,
            now=now,
        )
        payout.status = PayoutStatus.APPROVED
    else:
        payout.status = PayoutStatus.REJECTED
    payout.decision_note = (outcome.note or "")[:300]
    payout.save(update_fields=["status", "entry", "decision_note", "updated_at"])
    audit.record_change(
        actor=outcome.actor, instance=payout, before=before, verb="payout.decided"
    )
    events.emit(
        f"payout.{payout.status}",
        payload=payout_payload(payout),
        actor=outcome.actor,
        partner_id=payout.partner_id,
    )
    if payout.status == PayoutStatus.APPROVED:
        return _("%(amount)s %(currency)s to be paid.") % {
            "amount": payout.amount,
            "currency": payout.currency,
        }
    return None


@transaction.atomic
def payout_review(*, actor, payout: Payout, approve: bool, note: str = "") -> Payout:
    """Approve or reject a payout's current step through the engine (which
    checks who may act: the finance queue, a delegate, a vendor admin)."""
    permissions.READ.ensure(actor)
    if payout.approval_id is None:
        raise InvalidTransition(payout.status, "decided")
    approval = payout.approval
    if approve:
        approvals.request_approve(request=approval, actor=actor, note=note)
    else:
        approvals.request_reject(request=approval, actor=actor, reason=note)
    payout.refresh_from_db()
    return payout


@transaction.atomic
def payouts_export(*, actor, payouts) -> tuple[str, int]:
    """The approved payouts as CSV for the payment run, each marked exported in
    the same transaction by a conditional UPDATE (so a payout is exported once,
    also by two exports at the same time). Returns the CSV text and
    how many it holds."""
    permissions.FINANCE.ensure(actor)
    now = timezone.now()
    rows = list(
        payouts.filter(status=PayoutStatus.APPROVED)
        .select_related("partner", "entry")
        .order_by("created_at", "id")
    )
    exported = []
    for payout in rows:
        if Payout.objects.filter(pk=payout.pk, status=PayoutStatus.APPROVED).update(
            status=PayoutStatus.EXPORTED, exported_at=now, updated_at=now
        ):
            exported.append(payout)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for payout in exported:
        writer.writerow(
            [
                payout.public_id,
                payout.partner.name,
                payout.partner.external_id,
                money.quantize(payout.amount, payout.currency),
                payout.currency,
                payout.entry.occurred_at.date().isoformat() if payout.entry else "",
            ]
        )
        audit.record(
            actor=actor,
            instance=payout,
            action="update",
            changes={"status": [PayoutStatus.APPROVED, PayoutStatus.EXPORTED]},
            verb="payout.exported",
        )
        payout.status = PayoutStatus.EXPORTED
        events.emit(
            "payout.exported",
            payload=payout_payload(payout),
            actor=actor,
            partner_id=payout.partner_id,
        )
    return out.getvalue(), len(exported)
