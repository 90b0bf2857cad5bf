from django.contrib import admin

from openprm.partners.models import Partner


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    """Read-mostly view for superusers; partners are managed in the console."""

    list_display = ["name", "partner_type", "status", "country", "region", "parent"]
    list_filter = ["status", "partner_type", "region"]
    search_fields = ["name", "city"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    readonly_fields = ["public_id", "path", "depth", "created_at", "updated_at"]
