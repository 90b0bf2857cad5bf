from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Identity: users, their sign-in and MFA, sessions and API tokens."""

    name = "openprm.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
