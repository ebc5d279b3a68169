from django.contrib import admin

from cooperer.measurement.models import Bilan, Indicator, Measurement, UploadBatch


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "unit", "epci"]
    list_filter = ["kind", "unit"]
    search_fields = ["name", "code"]


@admin.register(Bilan)
class BilanAdmin(admin.ModelAdmin):
    list_display = ["application", "year_index", "due_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["application"]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["indicator", "scope_key", "period_end", "value", "source", "validated"]
    list_filter = ["source", "validated"]
    raw_id_fields = ["indicator", "qpv", "application", "vision", "bilan", "batch"]


@admin.register(UploadBatch)
class UploadBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "kind", "rows", "created_at"]
