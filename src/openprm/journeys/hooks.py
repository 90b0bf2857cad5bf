"""What the journeys app plugs into the layers below it, at start-up."""

from openprm.core.worklist import register_console_queues, register_portal_work
from openprm.journeys.selectors import console_home_queues, portal_home_work

# The homes: a partner's onboarding tasks; the manual tasks to sign off.
register_portal_work(portal_home_work, order=40)
register_console_queues(console_home_queues)
