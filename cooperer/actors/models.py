"""Structures (associations, services, landlords, collectives…), their people, and the cooperation links
between them: the directory where getting to know each other starts and is kept."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cooperer.actors.enums import SECTOR_OF_FORM, LegalForm, LinkKind, Resource, Sector
from cooperer.core import fulltext, validators
from cooperer.core.text import query_terms
from cooperer.territories.models import Commune, Qpv


class Theme(models.Model):
    """Shared, editable taxonomy of what structures work on."""

    name = models.CharField("nom", max_length=120, unique=True)
    description = models.CharField("description", max_length=300, blank=True, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = "thématique"

    def __str__(self):
        return self.name


class Public(models.Model):
    """Shared taxonomy of the people structures work with (age bands, families, QPV residents…)."""

    name = models.CharField("nom", max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "public"

    def __str__(self):
        return self.name


class StructureQuerySet(models.QuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True)

    def listed_publicly(self):
        return self.active().filter(public_listing=True)

    def in_epci(self, epci):
        return self.filter(commune__epci=epci)

    def matching(self, query: str):
        """A SIRET finds its establishment, a SIREN the establishments of its company, an RNA number its
        association (spaces, dots and dashes ignored); otherwise every word of the query must start a word of the
        search text, as written, lemmatised or stemmed."""
        number = validators.normalize_rna(query)
        if re.fullmatch(r"\d{14}", number):
            return self.filter(siret=number)
        if re.fullmatch(r"\d{9}", number):
            return self.filter(siret__startswith=number)
        if validators.is_valid_rna(number):
            return self.filter(rna=number)
        return fulltext.matching(self, query_terms(query))


class Structure(models.Model):
    name = models.CharField("nom", max_length=250)
    acronym = models.CharField("sigle", max_length=60, blank=True, default="")
    legal_form = models.CharField("forme juridique", max_length=30, choices=LegalForm.choices)
    siret = models.CharField(
        "SIRET", max_length=14, blank=True, default="", validators=[validators.validate_siret]
    )
    rna = models.CharField(
        "numéro RNA", max_length=10, blank=True, default="", validators=[validators.validate_rna]
    )
    court_register = models.CharField(
        "inscription au registre des associations",
        max_length=120,
        blank=True,
        default="",
        help_text="Associations de droit local (Bas-Rhin, Haut-Rhin, Moselle) : tribunal judiciaire, volume et folio.",
    )
    address = models.CharField("adresse", max_length=300, blank=True, default="")
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="structures"
    )
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    qpvs = models.ManyToManyField(
        Qpv, blank=True, related_name="structures", verbose_name="QPV d'intervention"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="structures", verbose_name="thématiques")
    publics = models.ManyToManyField(Public, blank=True, related_name="structures")
    offers = models.JSONField("ce qu'elle offre", default=list, blank=True)
    offers_detail = models.TextField("précisions sur l'offre", blank=True, default="")
    needs = models.JSONField("ce dont elle a besoin", default=list, blank=True)
    needs_detail = models.TextField("précisions sur les besoins", blank=True, default="")
    website = models.URLField("site web", blank=True, default="")
    description = models.TextField(blank=True, default="")
    public_listing = models.BooleanField(
        "visible dans l'annuaire public", default=False, help_text="La structure a accepté d'y figurer."
    )
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        editable=False,
        db_index=False,  # partial index below: only merged rows are indexed
    )
    search_text = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "structure"
        indexes = [
            models.Index(fields=["siret"]),
            models.Index(fields=["rna"]),
            # The directory lists active structures by name: a partial index walks them in order.
            models.Index(
                fields=["name", "id"],
                condition=models.Q(merged_into__isnull=True),
                name="structure_active_name",
            ),
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="structure_merged_into",
            ),
            # Filtering by territory (communes of an EPCI) counts and sorts from this index alone.
            models.Index(fields=["commune", "merged_into", "name", "id"], name="structure_commune_listing"),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def save(self, *args, **kwargs):
        self.siret = validators.normalize_siret(self.siret) if self.siret else ""
        self.rna = validators.normalize_rna(self.rna) if self.rna else ""
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("actors:structure", args=[self.pk])

    def clean(self):
        if self.legal_form == LegalForm.LOCAL_LAW_ASSOCIATION:
            if self.rna:
                raise ValidationError({"rna": "Une association de droit local n'a pas de numéro RNA."})
        elif self.court_register and self.legal_form != LegalForm.LOCAL_LAW_ASSOCIATION:
            raise ValidationError(
                {
                    "court_register": "Le registre du tribunal judiciaire ne concerne que les associations de droit local."
                }
            )
        unknown = set(self.offers) - set(Resource.values) | set(self.needs) - set(Resource.values)
        if unknown:
            raise ValidationError(f"Ressources inconnues : {', '.join(sorted(unknown))}.")

    @property
    def sector(self) -> str:
        return SECTOR_OF_FORM.get(self.legal_form, Sector.OTHER)

    @property
    def siren(self) -> str:
        return self.siret[:9]

    def offer_labels(self) -> list[str]:
        return [Resource(value).label for value in self.offers if value in Resource.values]

    def need_labels(self) -> list[str]:
        return [Resource(value).label for value in self.needs if value in Resource.values]


class Person(models.Model):
    """A professional contact of a structure. Only professional data; kept while consent lasts."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="people")
    first_name = models.CharField("prénom", max_length=120)
    last_name = models.CharField("nom", max_length=120)
    role = models.CharField("fonction", max_length=160, blank=True, default="")
    email = models.EmailField("courriel professionnel", blank=True, default="")
    phone = models.CharField("téléphone professionnel", max_length=30, blank=True, default="")
    consent_at = models.DateTimeField("consentement recueilli le", null=True, blank=True)
    retain_until = models.DateField("à conserver jusqu'au", null=True, blank=True)
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "personne"

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class CooperationLinkQuerySet(models.QuerySet):
    def active_between(self, start, end):
        return self.filter(models.Q(start__isnull=True) | models.Q(start__lte=end)).filter(
            models.Q(end__isnull=True) | models.Q(end__gte=start)
        )


class CooperationLink(models.Model):
    source = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField("type de lien", max_length=20, choices=LinkKind.choices)
    start = models.DateField("début", null=True, blank=True)
    end = models.DateField("fin", null=True, blank=True)
    evidence = models.CharField(
        "source",
        max_length=300,
        blank=True,
        default="",
        help_text="D'où vient l'information (convention, réunion…).",
    )
    description = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)

    objects = CooperationLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "pk"]
        verbose_name = "lien de coopération"
        verbose_name_plural = "liens de coopération"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="link_between_two_structures"
            ),
        ]
        indexes = [models.Index(fields=["start", "end"])]

    def __str__(self):
        return f"{self.source} — {self.target} ({self.get_kind_display()})"

    def clean(self):
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError("Un lien de coopération relie deux structures différentes.")
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "La fin du lien ne peut pas précéder son début."})


class StructureMerge(models.Model):
    """History of a duplicate merged into another structure (what was removed, by whom, when)."""

    kept = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="merges")
    merged = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField("fiche fusionnée", default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = "fusion de doublons"

    def __str__(self):
        return f"{self.snapshot.get('name', '?')} → {self.kept}"
