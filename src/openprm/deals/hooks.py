"""What the deals app plugs into the layers below it, at start-up."""

from openprm.core.worklist import register_console_queues, register_portal_work
from openprm.deals.selectors import console_home_queues, portal_home_work

# The homes: the questions a partner must answer; the registrations to decide.
register_portal_work(portal_home_work, order=20)
register_console_queues(console_home_queues)
