from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "openprm.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from openprm.accounts.scoping import resolve_admin_scope, resolve_partner_scope
        from openprm.core.scoping import set_admin_scope_resolver, set_scope_resolver

        set_scope_resolver(resolve_partner_scope)
        set_admin_scope_resolver(resolve_admin_scope)

        from openprm.accounts.access import console_view, portal_view
        from openprm.core.areas import CONSOLE, PORTAL, set_area_guard

        set_area_guard(CONSOLE, console_view)
        set_area_guard(PORTAL, portal_view)

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
