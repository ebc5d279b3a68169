"""Reference geography: régions, départements, EPCI, communes, QPV, and the contracts and local
target areas built on them. Geometry is stored as GeoJSON text with its bounding box
(docs/adr/002-geometry.md)."""

from django.db import models
from django.urls import reverse

from cooperer.core.text import fold
from cooperer.core.validators import validate_insee_commune_code, validate_qpv_code, validate_siren
from cooperer.territories.enums import (
    GovernanceBodyKind,
    QpvGeneration,
    SignatoryKind,
    TargetAreaKind,
)


class SearchableQuerySet(models.QuerySet):
    def matching(self, query: str):
        """Accent- and case-insensitive match on the name, or an exact match on the code."""
        folded = fold(query)
        if not folded:
            return self.none()
        condition = models.Q(search_text__contains=folded)
        code_field = getattr(self.model, "CODE_FIELD", "")
        if code_field:
            condition |= models.Q(**{f"{code_field}__iexact": query.strip()})
        return self.filter(condition)


class Searchable(models.Model):
    search_text = models.CharField(max_length=400, blank=True, default="", db_index=True, editable=False)

    objects = SearchableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.search_text = fold(self.search_source())
        super().save(*args, **kwargs)

    def search_source(self) -> str:
        return self.name


class Region(Searchable):
    CODE_FIELD = "code"
    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = "région"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:region", args=[self.code])


class Departement(Searchable):
    CODE_FIELD = "code"
    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=120)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="departements"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("territories:departement", args=[self.code])


class Epci(Searchable):
    CODE_FIELD = "siren"
    siren = models.CharField("SIREN", max_length=9, unique=True, validators=[validate_siren])
    name = models.CharField("nom", max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = "intercommunalité (EPCI)"
        verbose_name_plural = "intercommunalités (EPCI)"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:epci", args=[self.siren])


class Commune(Searchable):
    CODE_FIELD = "insee_code"
    insee_code = models.CharField(
        "code INSEE", max_length=5, unique=True, validators=[validate_insee_commune_code]
    )
    name = models.CharField("nom", max_length=200)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, null=True, blank=True, related_name="communes"
    )
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, null=True, blank=True, related_name="communes")
    postal_code = models.CharField("code postal principal", max_length=5, blank=True, default="")
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    contour = models.TextField("contour (GeoJSON)", blank=True, default="")
    vintage = models.PositiveSmallIntegerField(
        "millésime", null=True, blank=True, help_text="Année du code officiel géographique du fichier source."
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "commune"

    def __str__(self):
        return f"{self.name} ({self.insee_code})"

    def get_absolute_url(self):
        return reverse("territories:commune", args=[self.insee_code])


class Qpv(Searchable):
    """A regulatory priority neighbourhood (quartier prioritaire de la politique de la ville)."""

    CODE_FIELD = "code"
    code = models.CharField("code", max_length=8, unique=True, validators=[validate_qpv_code])
    name = models.CharField("nom", max_length=200)
    generation = models.PositiveSmallIntegerField("génération", choices=QpvGeneration.choices)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, null=True, blank=True, related_name="qpvs"
    )
    communes = models.ManyToManyField(Commune, blank=True, related_name="qpvs")
    commune_codes = models.JSONField(
        "codes INSEE des communes (source)",
        default=list,
        blank=True,
        help_text="Tels que donnés par le fichier officiel ; reliés aux communes dès qu'elles sont importées.",
    )
    geometry = models.TextField("contour (GeoJSON)", blank=True, default="")
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    area_ha = models.FloatField("surface approchée (ha)", null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "quartier prioritaire (QPV)"
        verbose_name_plural = "quartiers prioritaires (QPV)"
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="qpv_bbox_idx")]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("territories:qpv", args=[self.code])

    def search_source(self) -> str:
        return f"{self.name} {self.code}"


class ContratDeVille(Searchable):
    """A contrat de ville « Engagements Quartiers 2030 », piloted by an EPCI."""

    code = models.CharField("code ANCT", max_length=10, blank=True, default="")
    slug = models.SlugField(unique=True)
    name = models.CharField("nom", max_length=200)
    pilot_epci = models.ForeignKey(
        Epci, on_delete=models.PROTECT, related_name="contracts", verbose_name="EPCI pilote"
    )
    communes = models.ManyToManyField(Commune, blank=True, related_name="contracts")
    qpvs = models.ManyToManyField(Qpv, blank=True, related_name="contracts", verbose_name="QPV")
    start_year = models.PositiveSmallIntegerField("début", default=2024)
    end_year = models.PositiveSmallIntegerField("fin", default=2030)
    midterm_review_year = models.PositiveSmallIntegerField("évaluation à mi-parcours", default=2027)
    signed_on = models.DateField("date de signature", null=True, blank=True)
    summary = models.TextField("présentation", blank=True, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = "contrat de ville"
        verbose_name_plural = "contrats de ville"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:contract", args=[self.slug])


class Signatory(models.Model):
    contract = models.ForeignKey(ContratDeVille, on_delete=models.CASCADE, related_name="signatories")
    kind = models.CharField("type", max_length=20, choices=SignatoryKind.choices)
    name = models.CharField("signataire", max_length=200)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "signataire"
        constraints = [
            models.UniqueConstraint(fields=["contract", "name"], name="unique_signatory_per_contract")
        ]

    def __str__(self):
        return self.name


class GovernanceBody(models.Model):
    contract = models.ForeignKey(ContratDeVille, on_delete=models.CASCADE, related_name="governance_bodies")
    kind = models.CharField("type", max_length=20, choices=GovernanceBodyKind.choices)
    name = models.CharField("nom", max_length=200)
    role = models.TextField("rôle", blank=True, default="")
    frequency = models.CharField("fréquence", max_length=120, blank=True, default="")

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "instance de gouvernance"
        verbose_name_plural = "instances de gouvernance"

    def __str__(self):
        return self.name


class Perimeter(models.Model):
    """A set of a contract's QPVs where a method applies (e.g. the Quartiers à Impact Collectif)."""

    contract = models.ForeignKey(ContratDeVille, on_delete=models.CASCADE, related_name="perimeters")
    name = models.CharField("nom", max_length=200)
    description = models.TextField(blank=True, default="")
    since = models.DateField("depuis", null=True, blank=True)
    qpvs = models.ManyToManyField(Qpv, related_name="perimeters", verbose_name="QPV")

    class Meta:
        ordering = ["name"]
        verbose_name = "périmètre d'intervention"
        verbose_name_plural = "périmètres d'intervention"
        constraints = [
            models.UniqueConstraint(fields=["contract", "name"], name="unique_perimeter_per_contract")
        ]

    def __str__(self):
        return self.name


class TargetArea(Searchable):
    """A locally defined area (quartier vécu, veille active…), kept apart from regulatory QPVs."""

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=TargetAreaKind.choices)
    contract = models.ForeignKey(
        ContratDeVille, on_delete=models.PROTECT, related_name="target_areas", verbose_name="contrat de ville"
    )
    communes = models.ManyToManyField(Commune, blank=True, related_name="target_areas")
    related_qpvs = models.ManyToManyField(
        Qpv, blank=True, related_name="target_areas", verbose_name="QPV proches"
    )
    description = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = "quartier cible local"
        verbose_name_plural = "quartiers cibles locaux"
        constraints = [
            models.UniqueConstraint(fields=["contract", "name"], name="unique_target_area_per_contract")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:target_area", args=[self.pk])
