from django.contrib import admin

from openprm.accounts.admin import UserAdmin
from openprm.accounts.models import User
from openprm.tenancy.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["partner"]


class MemberUserAdmin(UserAdmin):
    """The accounts app's user page, with the user's memberships (which accounts
    does not know about)."""

    inlines = [*UserAdmin.inlines, MembershipInline]


admin.site.unregister(User)
admin.site.register(User, MemberUserAdmin)
