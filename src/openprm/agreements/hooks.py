"""What the agreements app plugs into the layers below it, at start-up."""

from openprm.agreements.selectors import portal_home_work
from openprm.core.worklist import register_portal_work

# The portal home: the terms the partner has yet to accept.
register_portal_work(portal_home_work, order=30)
