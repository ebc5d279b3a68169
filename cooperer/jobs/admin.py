from django.contrib import admin

from cooperer.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "status", "progress", "created_at", "created_by"]
    list_filter = ["status", "kind"]
