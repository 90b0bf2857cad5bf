from django.contrib import admin

from openprm.programs.models import Enrolment, Programme, Tier, TierChange


class ReadOnlyAdmin(admin.ModelAdmin):
    """For superusers to look at; every change goes through the console or the API,
    where it is audited and announced."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TierInline(admin.TabularInline):
    model = Tier
    fields = ["rank", "name", "description"]
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "is_active"]
    search_fields = ["name", "slug"]
    inlines = [TierInline]


class TierChangeInline(admin.TabularInline):
    model = TierChange
    fields = ["changed_at", "from_tier", "to_tier", "changed_by", "reason"]
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["partner", "programme", "tier", "status", "enrolled_at"]
    list_filter = ["status", "programme"]
    list_select_related = ["partner", "programme", "tier"]
    inlines = [TierChangeInline]
