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
