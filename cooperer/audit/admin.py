from django.contrib import admin

from cooperer.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes an entry from the admin."""

    list_display = ["created_at", "action", "actor_label", "object_label", "epci_id", "address"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_label"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
