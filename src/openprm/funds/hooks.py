"""What the funds app plugs into the layers below it, at start-up: fund requests
and claims are approved on the approval engine."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openprm.approvals import subjects
from openprm.funds import services

subjects.register(
    subjects.SubjectKind(
        key=services.REQUEST_KIND,
        label=_("Fund request"),
        url=lambda request: reverse(
            "console:fund_request_detail", args=[request.object_id]
        ),
        on_decided=services.fund_request_decided,
        default_step_name=_("Funds review"),
    )
)
subjects.register(
    subjects.SubjectKind(
        key=services.CLAIM_KIND,
        label=_("Fund claim"),
        url=lambda request: reverse(
            "console:fund_claim_detail", args=[request.object_id]
        ),
        on_decided=services.fund_claim_decided,
        default_step_name=_("Claim review"),
    )
)
