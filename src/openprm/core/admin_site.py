from django.contrib import admin
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class SuperuserAdminSite(admin.AdminSite):
    """Django admin for superusers only: staff status alone does not open it."""

    site_header = _("OpenPRM administration")
    site_title = _("OpenPRM admin")

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


class AdminConfig(admin_apps.AdminConfig):
    """The Django admin with OpenPRM's superuser-only site."""

    default_site = "openprm.core.admin_site.SuperuserAdminSite"
