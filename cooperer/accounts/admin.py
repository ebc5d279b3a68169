from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from cooperer.accounts.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["epci"]


@admin.register(User)
class CoopererUserAdmin(UserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "email", "first_name", "last_name", "is_demo", "is_staff"]
