"""What incentives plugs into the layers below it, at start-up: redemption
orders above the threshold are approved on the approval engine."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openprm.approvals import subjects
from openprm.incentives import rewards

subjects.register(
    subjects.SubjectKind(
        key=rewards.APPROVAL_KIND,
        label=_("Redemption order"),
        url=lambda request: reverse(
            "console:incentive_order", args=[request.object_id]
        ),
        on_decided=rewards.redemption_decided,
        default_step_name=_("Reward approval"),
    )
)

# The portal home's "What you have earned": the points balance.
from openprm.core.worklist import register_portal_figures  # noqa: E402
from openprm.incentives.selectors import portal_home_points  # noqa: E402

register_portal_figures(portal_home_points, order=20)
