"""Writes of accruals that are not a SPIFF's, a payout's or a rebate's own
(``spiffs.py``, ``payouts.py``, ``rebates.py``): a returned sales line."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.accruals import permissions, spiffs
from openprm.accruals.models import SalesReturn
from openprm.core import audit, events
from openprm.core.errors import Conflict, ValidationFailed
from openprm.incentives import services as incentives
from openprm.incentives.models import SalesLine


@transaction.atomic
def sales_line_return(*, actor, line: SalesLine, reason: str) -> SalesReturn:
    """Record that a reported line came back (finance): what it earned from
    SPIFFs is taken back and their budgets get it again, then its rule points;
    rebates stop counting it from their next calculation. Once per line."""
    permissions.FINANCE.ensure(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": [_("Say why it came back.")]})
    now = timezone.now()
    try:
        with transaction.atomic():
            returned = SalesReturn.objects.create(
                sales_line=line,
                partner_id=line.partner_id,
                reason=reason[:300],
                returned_by=actor,
                returned_at=now,
            )
    except IntegrityError:
        raise Conflict(_("This sales line was returned already.")) from None
    text = _("Sale returned: %(reason)s") % {"reason": reason}
    spiffs.spiff_earnings_reverse(
        sales_line_id=line.pk, reason=text, actor=actor, now=now
    )
    incentives.points_reverse_source(
        source_type="sales_line", source_id=str(line.pk), reason=text, now=now
    )
    audit.record_create(
        actor=actor,
        instance=returned,
        fields=["sales_line", "reason"],
        verb="sales_line.returned",
    )
    events.emit(
        "sales_line.returned",
        payload={
            "sales_line": str(line.public_id),
            "partner": line.partner_id,
            "invoice_number": line.invoice_number,
            "reason": returned.reason,
        },
        actor=actor,
        partner_id=line.partner_id,
    )
    return returned
