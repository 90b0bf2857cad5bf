from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "openprm.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from openprm.accounts.web import console_guard
        from openprm.core.web import CONSOLE, set_area_guard

        set_area_guard(CONSOLE, console_guard)
