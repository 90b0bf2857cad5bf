from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "openprm.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from openprm.accounts.scoping import resolve_partner_scope
        from openprm.core.scoping import set_scope_resolver

        set_scope_resolver(resolve_partner_scope)
