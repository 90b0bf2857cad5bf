"""What tenancy plugs into the layers below it, at start-up (``core`` imports this
module, as it imports every app's ``hooks.py``): the partner scope and roles of every
read, the portal's access rule, and the membership parts of partner pages (the users
section of the console's partner page)."""

from django.utils.translation import gettext_lazy as _

from openprm.core.permissions import set_partner_roles_resolver
from openprm.core.scoping import set_admin_scope_resolver, set_scope_resolver
from openprm.core.web import PORTAL, set_area_guard
from openprm.core.worklist import register_portal_work
from openprm.partners.directory.selectors import set_member_counter
from openprm.partners.lifecycle.services import set_merge_mover
from openprm.partners.sections import PartnerSection, register_section
from openprm.tenancy.models import Membership
from openprm.tenancy.scoping import (
    resolve_admin_scope,
    resolve_partner_roles,
    resolve_partner_scope,
)
from openprm.tenancy.selectors import (
    active_member_counts,
    partner_user_section,
    portal_home_work,
)
from openprm.tenancy.services import memberships_merge_move
from openprm.tenancy.web import portal_guard

set_scope_resolver(resolve_partner_scope)
set_admin_scope_resolver(resolve_admin_scope)
set_partner_roles_resolver(resolve_partner_roles)
set_area_guard(PORTAL, portal_guard)
set_member_counter(active_member_counts)
set_merge_mover(Membership, memberships_merge_move)
register_section(
    PartnerSection(
        key="users",
        title=_("Users and roles"),
        order=50,
        template="tenancy/_partner_section.html",
        load=partner_user_section,
    )
)


# The portal home: invitations that expired unanswered, and who joined.
register_portal_work(portal_home_work, order=50)
