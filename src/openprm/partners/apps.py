from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "openprm.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from openprm.core.navigation import CONSOLE, PORTAL, NavItem

        CONSOLE.append(
            NavItem(
                _("Custom fields"),
                "console:custom_field_list",
                active_prefix="console:custom_field",
                visible=_is_vendor_admin,
                order=85,
            )
        )
        CONSOLE.append(
            NavItem(
                _("Duplicates"),
                "console:partner_duplicates",
                active_prefix="console:partner_duplicates",
                visible=_is_vendor_admin,
                order=84,
            )
        )
        PORTAL.append(
            NavItem(
                _("Organisation"),
                "portal:organisation",
                active_prefix="portal:organisation",
                order=10,
            )
        )


def _is_vendor_admin(request) -> bool:
    from openprm.partners.permissions import is_vendor_admin

    return is_vendor_admin(request.user)
