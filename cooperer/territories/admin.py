from django.contrib import admin

from cooperer.territories.models import (
    Commune,
    ContratDeVille,
    Departement,
    Epci,
    GovernanceBody,
    Perimeter,
    Qpv,
    Region,
    Signatory,
    TargetArea,
)


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    search_fields = ["name", "siren"]
    list_display = ["name", "siren"]


@admin.register(Qpv)
class QpvAdmin(admin.ModelAdmin):
    search_fields = ["name", "code"]
    list_display = ["code", "name", "generation"]
    exclude = ["geometry"]
    autocomplete_fields = ["communes"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    search_fields = ["name", "insee_code"]
    list_display = ["insee_code", "name", "epci"]
    exclude = ["contour"]


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0


class GovernanceBodyInline(admin.TabularInline):
    model = GovernanceBody
    extra = 0


@admin.register(ContratDeVille)
class ContratDeVilleAdmin(admin.ModelAdmin):
    inlines = [SignatoryInline, GovernanceBodyInline]
    autocomplete_fields = ["pilot_epci", "communes", "qpvs"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register([Region, Departement, Perimeter, TargetArea])
