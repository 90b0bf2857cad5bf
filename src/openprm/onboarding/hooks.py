"""What the onboarding app plugs into the layers below it, at start-up."""

from openprm.core.worklist import register_console_queues
from openprm.onboarding.selectors import console_home_queues

# The console home: the applications waiting for the reader.
register_console_queues(console_home_queues)
