from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from cooperer.accounts import throttle
from cooperer.accounts.forms import AdminLoginForm
from cooperer.accounts.models import Notification, RoleAssignment, User
from cooperer.audit.enums import Action
from cooperer.audit.services import record

admin.site.login_form = AdminLoginForm


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["epci"]


@admin.register(User)
class CoopererUserAdmin(UserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "email", "first_name", "last_name", "is_demo", "is_staff"]
    actions = ["unlock_login"]

    @admin.action(description="Débloquer la connexion (oublier les échecs récents)")
    def unlock_login(self, request, queryset):
        unlocked = [user for user in queryset if throttle.unlock(user.get_username())]
        for user in unlocked:
            record(Action.ACCOUNT_UNLOCKED, user, label=user.get_username())
        self.message_user(
            request,
            f"{len(unlocked)} compte(s) débloqué(s)." if unlocked else "Aucun de ces comptes n'était bloqué.",
            messages.SUCCESS if unlocked else messages.INFO,
        )


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
