from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.urls import reverse
from django.utils.html import format_html

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
    readonly_fields = ["access_export"]
    fieldsets = [*UserAdmin.fieldsets, ("Droits de la personne (RGPD)", {"fields": ["access_export"]})]

    @admin.display(description="Droit d'accès")
    def access_export(self, user):
        if user.pk is None:
            return "—"
        url = reverse("actors:user_export", args=[user.pk])
        return format_html('<a href="{}">Télécharger ce que Coopérer détient sur ce compte (JSON)</a>', url)

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
