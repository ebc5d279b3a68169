"""Shared visions (the common agenda) and their theories of change, traced back to what people said.

A Vision is the lasting object of one scope (a QPV, a commune, a contract, a community of action); what it says
lives in numbered versions: a draft is edited, an adopted version is frozen, a revision starts a new draft from
it. Elements, outcomes and assumptions keep a `key` across versions so that versions can be compared. Groundings
link an element or an outcome to the contributions that ground it; an element of a wider vision may gather the
elements of neighbourhood visions it rolls up."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cooperer.communities.models import Community
from cooperer.consultations.models import Consultation, Contribution
from cooperer.territories.models import Commune, ContratDeVille, Epci, Qpv
from cooperer.visions.enums import AssumptionStatus, Horizon, Level, ScopeKind, VersionStatus

SCOPE_FIELD = {
    ScopeKind.QPV: "qpv",
    ScopeKind.COMMUNE: "commune",
    ScopeKind.CONTRACT: "contract",
    ScopeKind.COMMUNITY: "community",
}


def new_key() -> str:
    return uuid.uuid4().hex[:12]


class VisionQuerySet(models.QuerySet):
    def for_epcis(self, epci_ids):
        return self.filter(epci__in=epci_ids)


class Vision(models.Model):
    title = models.CharField(
        "titre", max_length=200, help_text="Par exemple : « Quartiers Sud-Est en 2030 »."
    )
    scope_kind = models.CharField("échelle", max_length=20, choices=ScopeKind.choices)
    epci = models.ForeignKey(
        Epci, on_delete=models.PROTECT, related_name="visions", verbose_name="territoire (EPCI)"
    )
    qpv = models.ForeignKey(
        Qpv, on_delete=models.PROTECT, null=True, blank=True, related_name="visions", verbose_name="QPV"
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visions",
        verbose_name="commune",
    )
    contract = models.ForeignKey(
        ContratDeVille,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visions",
        verbose_name="contrat de ville",
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visions",
        verbose_name="communauté d'action",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="s'assemble dans la vision",
        help_text="La vision plus large (commune, contrat) dans laquelle celle-ci remonte.",
    )
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visions",
        verbose_name="concertation d'appui",
        help_text="Sa synthèse s'affiche à côté du brouillon ; ses contributions fondent la vision.",
    )
    horizon = models.PositiveSmallIntegerField("horizon", default=2030)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)

    objects = VisionQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = "vision partagée"
        verbose_name_plural = "visions partagées"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("visions:detail", args=[self.pk])

    @property
    def scope(self):
        return getattr(self, SCOPE_FIELD[self.scope_kind]) if self.scope_kind in SCOPE_FIELD else None

    def clean(self):
        errors = {}
        chosen = [kind for kind, field in SCOPE_FIELD.items() if getattr(self, f"{field}_id")]
        if self.scope_kind and chosen != [self.scope_kind]:
            errors[SCOPE_FIELD.get(self.scope_kind, "scope_kind")] = (
                f"Choisissez {ScopeKind(self.scope_kind).label.lower()} de la vision, et rien d'autre."
            )
        if not 2024 <= (self.horizon or 0) <= 2100:
            errors["horizon"] = "L'horizon est une année entre 2024 et 2100."
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = "Une vision ne peut pas s'assembler dans elle-même."
        if errors:
            raise ValidationError(errors)


class VersionQuerySet(models.QuerySet):
    def adopted(self):
        return self.filter(status=VersionStatus.ADOPTED)


class VisionVersion(models.Model):
    vision = models.ForeignKey(Vision, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField("version")
    statement = models.TextField(
        "énoncé", blank=True, default="", help_text="La vision en quelques phrases, en français simple."
    )
    status = models.CharField(
        "état", max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="révise"
    )
    adopted_on = models.DateField("adoptée le", null=True, blank=True)
    adopted_by_body = models.CharField("instance qui l'a adoptée", max_length=200, blank=True, default="")
    decision_reference = models.CharField("référence de la décision", max_length=120, blank=True, default="")
    adopted_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Raised whenever what stands behind its elements changes (services.touch): the cached support counts are
    # keyed on it, so every process sees a change at once.
    support_stamp = models.PositiveIntegerField(default=0, editable=False)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["vision", "-number"]
        verbose_name = "version de la vision"
        constraints = [models.UniqueConstraint(fields=["vision", "number"], name="vision_version_once")]

    def __str__(self):
        return f"{self.vision} — version {self.number} ({self.get_status_display().lower()})"

    @property
    def is_frozen(self) -> bool:
        return self.status != VersionStatus.DRAFT


class Element(models.Model):
    """A short commitment of the vision, that a project will have to serve."""

    version = models.ForeignKey(VisionVersion, on_delete=models.CASCADE, related_name="elements")
    key = models.CharField(max_length=12, default=new_key, editable=False)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    text = models.CharField("élément de vision", max_length=300, blank=True, default="")
    gathers = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="gathered_into",
        verbose_name="rassemble les éléments des quartiers",
    )

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = "élément de vision"

    def __str__(self):
        return self.text or "(élément vide)"


class Outcome(models.Model):
    """A change the theory of change expects, at one horizon and one level; `leads_to` points to the farther
    changes it contributes to (no cycle)."""

    version = models.ForeignKey(VisionVersion, on_delete=models.CASCADE, related_name="outcomes")
    key = models.CharField(max_length=12, default=new_key, editable=False)
    text = models.CharField("changement attendu", max_length=300)
    horizon = models.CharField("horizon", max_length=20, choices=Horizon.choices)
    level = models.CharField("niveau", max_length=20, choices=Level.choices)
    element = models.ForeignKey(
        Element,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name="élément de vision servi",
    )
    sdgs = models.JSONField("objectifs de développement durable (ODD)", default=list, blank=True)
    leads_to = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="comes_from", verbose_name="mène à"
    )

    class Meta:
        ordering = ["version", "horizon", "level", "pk"]
        verbose_name = "changement attendu"

    def __str__(self):
        return self.text

    def clean(self):
        bad = [n for n in self.sdgs or [] if not isinstance(n, int) or not 1 <= n <= 17]
        if bad:
            raise ValidationError({"sdgs": "Les ODD sont numérotés de 1 à 17."})


class Assumption(models.Model):
    version = models.ForeignKey(VisionVersion, on_delete=models.CASCADE, related_name="assumptions")
    key = models.CharField(max_length=12, default=new_key, editable=False)
    text = models.CharField("hypothèse", max_length=300)
    status = models.CharField(
        "statut", max_length=20, choices=AssumptionStatus.choices, default=AssumptionStatus.TO_TEST
    )
    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assumptions",
        verbose_name="changement concerné",
    )

    class Meta:
        ordering = ["version", "pk"]
        verbose_name = "hypothèse"

    def __str__(self):
        return self.text


class AssumptionChange(models.Model):
    """Each change of an assumption's status, with the evidence behind it."""

    assumption = models.ForeignKey(Assumption, on_delete=models.CASCADE, related_name="changes")
    status_from = models.CharField("avant", max_length=20, choices=AssumptionStatus.choices)
    status_to = models.CharField("après", max_length=20, choices=AssumptionStatus.choices)
    evidence = models.TextField("éléments de preuve")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "changement de statut d'une hypothèse"

    def __str__(self):
        return f"{self.get_status_from_display()} → {self.get_status_to_display()}"


class Grounding(models.Model):
    """A contribution that grounds an element or an outcome (`topic`: the emergent topic it was linked
    through, when it was)."""

    element = models.ForeignKey(
        Element, on_delete=models.CASCADE, null=True, blank=True, related_name="groundings"
    )
    outcome = models.ForeignKey(
        Outcome, on_delete=models.CASCADE, null=True, blank=True, related_name="groundings"
    )
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="groundings")
    # The contribution's audience, copied (it never changes): who stands behind an element is then counted from
    # an index of this table alone, without reading the contributions.
    audience = models.CharField("public", max_length=20, blank=True, default="")
    topic = models.CharField("sujet émergent", max_length=200, blank=True, default="")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "contribution d'appui"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(element__isnull=False, outcome__isnull=True)
                | models.Q(element__isnull=True, outcome__isnull=False),
                name="grounding_one_target",
            ),
            models.UniqueConstraint(fields=["element", "contribution"], name="grounding_element_once"),
            models.UniqueConstraint(fields=["outcome", "contribution"], name="grounding_outcome_once"),
        ]
        indexes = [
            models.Index(fields=["element", "audience", "contribution"], name="grounding_element_support"),
            models.Index(fields=["outcome", "audience", "contribution"], name="grounding_outcome_support"),
        ]

    def __str__(self):
        return f"{self.contribution_id} → {self.element or self.outcome}"
