"""What the deals app plugs into the layers below it, at start-up."""

from django.utils.translation import gettext_lazy as _

from openprm.core.triggers import keep_triggers
from openprm.core.worklist import register_console_queues, register_portal_work
from openprm.deals.pipeline.services import restore_pipeline_triggers
from openprm.deals.selectors import (
    console_home_queues,
    partner_deal_section,
    portal_home_work,
)
from openprm.partners.sections import PartnerSection, register_section

register_section(
    PartnerSection(
        key="deals",
        title=_("Deals and pipeline"),
        order=30,
        template="deals/_partner_section.html",
        load=partner_deal_section,
    )
)


# The homes: the questions a partner must answer; the registrations to decide.
register_portal_work(portal_home_work, order=20)
register_console_queues(console_home_queues)

# A migration that rebuilds the deals' table on SQLite drops the pipeline's triggers.
keep_triggers("deals.pipeline", restore_pipeline_triggers)
