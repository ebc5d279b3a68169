from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from cooperer.accounts.models import Notification, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["epci"]


@admin.register(User)
class CoopererUserAdmin(UserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "email", "first_name", "last_name", "is_demo", "is_staff"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What was sent to whom, read only: a message sent cannot be rewritten."""

    list_display = ["subject", "user", "sent_at"]
    search_fields = ["subject", "user__email"]
    readonly_fields = ["user", "subject", "body", "url", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
