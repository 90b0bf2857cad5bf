"""What accruals plugs into the layers below it, at start-up: payouts are
approved on the approval engine."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openprm.accruals import payouts
from openprm.approvals import subjects

subjects.register(
    subjects.SubjectKind(
        key=payouts.PAYOUT_KIND,
        label=_("Payout"),
        url=lambda request: reverse("console:accrual_payouts"),
        on_decided=payouts.payout_decided,
        default_step_name=_("Finance approval"),
    )
)
