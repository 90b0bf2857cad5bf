"""What the leads app plugs into the layers below it, at start-up."""

from openprm.core.worklist import register_console_queues, register_portal_work
from openprm.leads.selectors import console_home_queues, portal_home_work

# The homes: the offers a partner must answer; the leads waiting for the vendor.
register_portal_work(portal_home_work, order=10)
register_console_queues(console_home_queues)
