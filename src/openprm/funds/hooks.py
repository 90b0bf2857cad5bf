"""What the funds app plugs into the layers below it, at start-up: fund requests
and claims are approved on the approval engine; the homes show what waits."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openprm.approvals import subjects
from openprm.core.worklist import (
    register_console_queues,
    register_portal_figures,
    register_portal_work,
)
from openprm.funds import selectors, services

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

# The homes: claims due, allocations expiring, questions to answer; fund
# approvals and payouts waiting on the reader.
register_portal_work(selectors.portal_home_work, order=45)
register_console_queues(selectors.console_home_queues)
# The portal home's "What you have earned": the funds available.
register_portal_figures(selectors.portal_home_funds, order=30)
