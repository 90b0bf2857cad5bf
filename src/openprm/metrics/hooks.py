"""What the metrics app plugs into the layers below it, at start-up."""

from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _

from openprm.metrics import sources  # noqa: F401  (registers the catalogue)
from openprm.metrics.services import sign_in_record


def _signed_in(sender, request, user, **kwargs) -> None:
    sign_in_record(user=user)


user_logged_in.connect(_signed_in, dispatch_uid="openprm.metrics.sign_in")

from openprm.metrics import requirements  # noqa: E402

requirements.register()

from openprm.metrics.selectors import partner_section  # noqa: E402
from openprm.partners.sections import PartnerSection, register_section  # noqa: E402

register_section(
    PartnerSection(
        key="metrics",
        title=_("Performance, last 12 months"),
        order=15,
        template="metrics/_partner_section.html",
        load=partner_section,
    )
)

from openprm.core.worklist import (  # noqa: E402
    register_console_queues,
    register_portal_work,
)
from openprm.metrics.progress import portal_home_work  # noqa: E402
from openprm.metrics.selectors import console_home_queues  # noqa: E402

register_console_queues(console_home_queues)
register_portal_work(portal_home_work, order=60)

from openprm.metrics.selectors import partner_health_section  # noqa: E402

register_section(
    PartnerSection(
        key="health",
        title=_("Health score"),
        order=14,
        template="metrics/_health_section.html",
        load=partner_health_section,
    )
)

from openprm.core.worklist import register_portal_figures  # noqa: E402
from openprm.metrics.selectors import portal_home_revenue  # noqa: E402

register_portal_figures(portal_home_revenue, order=10)
