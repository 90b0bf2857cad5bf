from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.accounts.tokens.services import NAME_MAX_LENGTH


class ApiTokenForm(forms.Form):
    """A new API token: only its name is chosen; the secret is generated."""

    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("What the token is for, e.g. “CRM sync”."),
    )
