from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    """Who belongs to which partner organisation with which roles, and what follows
    from it: the partner scope of every read, the portal's access rule, team
    management and invitations. Sits above accounts (identity) and partners
    (organisations), which do not import it: it registers its rules with them."""

    name = "openprm.tenancy"
    label = "tenancy"
    verbose_name = _("Memberships")

    def ready(self) -> None:
        from openprm.core import navigation
        from openprm.core.navigation import NavItem
        from openprm.core.permissions import set_partner_roles_resolver
        from openprm.core.scoping import set_admin_scope_resolver, set_scope_resolver
        from openprm.core.web import PORTAL, set_area_guard
        from openprm.partners.lifecycle_services import set_merge_mover
        from openprm.partners.selectors_directory import set_member_counter
        from openprm.tenancy.models import Membership
        from openprm.tenancy.permissions import is_vendor_admin
        from openprm.tenancy.scoping import (
            resolve_admin_scope,
            resolve_partner_roles,
            resolve_partner_scope,
        )
        from openprm.tenancy.selectors import active_member_counts
        from openprm.tenancy.services import memberships_merge_move
        from openprm.tenancy.web import is_partner_admin, portal_guard

        set_scope_resolver(resolve_partner_scope)
        set_admin_scope_resolver(resolve_admin_scope)
        set_partner_roles_resolver(resolve_partner_roles)
        set_area_guard(PORTAL, portal_guard)
        set_member_counter(active_member_counts)
        set_merge_mover(Membership, memberships_merge_move)

        navigation.PORTAL.append(
            NavItem(
                _("Team"),
                "portal:team",
                active_prefix="portal:team",
                visible=is_partner_admin,
                order=100,
            )
        )
        navigation.CONSOLE.append(
            NavItem(
                _("Users"),
                "console:user_list",
                active_prefix="console:user",
                visible=lambda request: is_vendor_admin(request.user),
                order=100,
            )
        )
