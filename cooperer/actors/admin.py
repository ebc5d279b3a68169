from django.contrib import admin

from cooperer.actors.models import CooperationLink, Person, Public, Structure, StructureMerge, Theme


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "legal_form", "commune", "siret", "rna", "is_demo"]
    list_filter = ["legal_form", "is_demo", "public_listing"]
    search_fields = ["name", "acronym", "siret", "rna"]
    autocomplete_fields = ["commune", "qpvs"]
    inlines = [PersonInline]


@admin.register(CooperationLink)
class CooperationLinkAdmin(admin.ModelAdmin):
    list_display = ["source", "target", "kind", "start", "end"]
    list_filter = ["kind"]
    autocomplete_fields = ["source", "target"]


admin.site.register([Theme, Public, StructureMerge])
