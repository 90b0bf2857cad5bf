from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "openprm.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from openprm.accounts.scoping import (
            resolve_admin_scope,
            resolve_partner_roles,
            resolve_partner_scope,
        )
        from openprm.core.permissions import set_partner_roles_resolver
        from openprm.core.scoping import set_admin_scope_resolver, set_scope_resolver

        set_scope_resolver(resolve_partner_scope)
        set_admin_scope_resolver(resolve_admin_scope)
        set_partner_roles_resolver(resolve_partner_roles)

        from openprm.accounts.access import (
            console_guard,
            console_view,
            portal_guard,
            portal_view,
        )
        from openprm.core import areas, web

        areas.set_area_guard(areas.CONSOLE, console_view)
        areas.set_area_guard(areas.PORTAL, portal_view)
        web.set_area_guard(web.CONSOLE, console_guard)
        web.set_area_guard(web.PORTAL, portal_guard)

        from openprm.accounts.permissions import is_vendor_admin
        from openprm.accounts.web import is_partner_admin
        from openprm.core import navigation
        from openprm.core.navigation import NavItem

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
