from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    """Programme agreements: versioned terms and the record of each acceptance (who,
    when, from where, what exact text).
    """

    name = "openprm.agreements"
    label = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from openprm.core.navigation import CONSOLE, PORTAL, NavItem
        from openprm.notifications import kinds

        kinds.register(
            "agreements.acceptance_due",
            _("A new version of the terms awaits acceptance"),
            required=True,
        )
        CONSOLE.append(
            NavItem(
                _("Agreements"),
                "console:agreements",
                active_prefix="console:agreement",
                order=22,
            )
        )
        PORTAL.append(
            NavItem(
                _("Agreements"),
                "portal:agreements",
                active_prefix="portal:agreement",
                order=22,
            )
        )
