"""Shared measurement: an indicator library (national defaults and each territory's own), measurements that always
say where they come from, the follow-up of funded actions (bilans with their results and compte-rendu financier,
CERFA 15059), and running totals kept up to date on every write so that dashboards never scan the measurements.

Visions, outcomes and elements are referred to by their vision and lasting `key` (not by version), so that a
revised vision keeps its indicators, targets and measured results."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cooperer.accounts.enums import Role
from cooperer.accounts.permissions import roles_of
from cooperer.calls.enums import PartnerRole
from cooperer.calls.models import MONEY, Application, Grant, Partner
from cooperer.calls.permissions import member_structure_ids
from cooperer.measurement.enums import (
    BilanStatus,
    IndicatorKind,
    MeasurementSource,
    Periodicity,
    Polarity,
    ReportKind,
    Unit,
)
from cooperer.territories.models import ContratDeVille, Epci, Qpv
from cooperer.visions.models import Vision

VALUE = {"max_digits": 16, "decimal_places": 4}


class IndicatorQuerySet(models.QuerySet):
    def for_epci(self, epci_id):
        """The national defaults and the territory's own indicators."""
        return self.filter(models.Q(epci__isnull=True) | models.Q(epci_id=epci_id))

    def national(self):
        return self.filter(epci__isnull=True)


class Indicator(models.Model):
    code = models.SlugField(
        "code", max_length=80, help_text="Identifiant stable, par exemple « taux_pauvrete »."
    )
    name = models.CharField("indicateur", max_length=200)
    kind = models.CharField("type", max_length=20, choices=IndicatorKind.choices)
    definition = models.TextField("définition", blank=True, default="")
    unit = models.CharField("unité", max_length=20, choices=Unit.choices, default=Unit.COUNT)
    polarity = models.CharField("sens souhaité", max_length=10, choices=Polarity.choices, default=Polarity.UP)
    source = models.CharField("source", max_length=300, blank=True, default="")
    periodicity = models.CharField(
        "périodicité", max_length=20, choices=Periodicity.choices, default=Periodicity.ANNUAL
    )
    disaggregations = models.JSONField("ventilations", default=list, blank=True)
    comparability_note = models.TextField("comparabilité", blank=True, default="")
    additive = models.BooleanField(
        "s'additionne", default=True, help_text="Un nombre de personnes s'additionne ; un taux, non."
    )
    minimum = models.DecimalField("valeur minimale", **VALUE, null=True, blank=True, default=Decimal("0"))
    maximum = models.DecimalField("valeur maximale", **VALUE, null=True, blank=True)
    epci = models.ForeignKey(
        Epci,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name="territoire (vide : indicateur national)",
    )
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "indicateur"
        constraints = [
            models.UniqueConstraint(fields=["epci", "code"], name="indicator_code_per_territory"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(epci__isnull=True), name="indicator_code_national"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("measurement:indicator", args=[self.pk])

    @property
    def is_count(self) -> bool:
        """Counts of people are subject to statistical secrecy (measurement.secrecy)."""
        return self.unit == Unit.PEOPLE


class OutcomeIndicator(models.Model):
    """An indicator that tells whether an outcome of a theory of change moves, with its baseline and target."""

    vision = models.ForeignKey(Vision, on_delete=models.CASCADE, related_name="outcome_indicators")
    outcome_key = models.CharField(max_length=12)
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="outcome_links")
    baseline = models.DecimalField("valeur de référence", **VALUE, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField("année de référence", null=True, blank=True)
    target = models.DecimalField("cible", **VALUE, null=True, blank=True)
    target_year = models.PositiveSmallIntegerField("année de la cible", null=True, blank=True)

    class Meta:
        verbose_name = "indicateur d'un changement attendu"
        constraints = [
            models.UniqueConstraint(
                fields=["vision", "outcome_key", "indicator"], name="outcome_indicator_once"
            )
        ]

    def __str__(self):
        return f"{self.indicator} ({self.vision})"


class UploadBatch(models.Model):
    """One imported file, by its content: the same file twice is refused, not counted twice."""

    sha256 = models.CharField(max_length=64)
    kind = models.CharField("type", max_length=20, choices=MeasurementSource.choices)
    file_name = models.CharField("fichier", max_length=300)
    rows = models.PositiveIntegerField("lignes", default=0)
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "fichier de mesures importé"
        constraints = [models.UniqueConstraint(fields=["sha256", "kind"], name="upload_once")]

    def __str__(self):
        return self.file_name


class BilanQuerySet(models.QuerySet):
    def of_member(self, user):
        """Bilans of the actions the user's structures carry (as applicant or co-porteur)."""
        mine = member_structure_ids(user)
        co_led = Partner.objects.filter(structure_id__in=mine, role=PartnerRole.CO_LEAD).values(
            "application_id"
        )
        return self.filter(models.Q(application__applicant_id__in=mine) | models.Q(application_id__in=co_led))

    def reviewable_by(self, user):
        """Bilans of actions granted by a funder the user instructs for, on that territory."""
        rule = models.Q(pk__in=[])
        for role in roles_of(user):
            if role.role == Role.INSTRUCTION:
                granted = Grant.objects.filter(
                    call_funder__funder=role.funder, decision__application__call__epci_id=role.epci_id
                ).values("decision__application_id")
                rule |= models.Q(application_id__in=granted)
        return self.filter(rule)


class Bilan(models.Model):
    """What a funded action reports for one financed year: results per indicator, participants, a narrative and
    the compte-rendu financier (CERFA 15059), due six months after the end of that year."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="bilans")
    year_index = models.PositiveSmallIntegerField("année financée", default=1)
    period_start = models.DateField("début de l'année financée")
    period_end = models.DateField("fin de l'année financée")
    due_on = models.DateField("à déposer avant le")
    status = models.CharField(
        "état", max_length=20, choices=BilanStatus.choices, default=BilanStatus.EXPECTED
    )
    narrative = models.TextField("ce que l'action a fait", blank=True, default="")
    participants = models.PositiveIntegerField("participants", null=True, blank=True)
    participants_qpv = models.PositiveIntegerField("dont habitants des QPV", null=True, blank=True)
    breakdown = models.JSONField("participants par sexe et par âge", default=dict, blank=True)
    draft_results = models.JSONField(
        "résultats en cours de saisie",
        default=dict,
        blank=True,
        help_text="Par indicateur à renseigner, tels que tapés.",
    )
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField("examiné le", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField("commentaire du financeur", blank=True, default="")
    reminders = models.JSONField("relances envoyées", default=list, blank=True)
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)

    objects = BilanQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "bilan d'une action"
        constraints = [models.UniqueConstraint(fields=["application", "year_index"], name="bilan_per_year")]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"Bilan {self.period_start.year} — {self.application}"

    def get_absolute_url(self):
        return reverse("measurement:bilan", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (BilanStatus.EXPECTED, BilanStatus.DRAFT, BilanStatus.RETURNED)

    def is_late(self, today=None) -> bool:
        today = today or timezone.localdate()
        if self.submitted_at is not None:
            return timezone.localdate(self.submitted_at) > self.due_on
        return today > self.due_on


class Obligation(models.Model):
    """An indicator of the application's evaluation plan that its bilan must report."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="obligations")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="obligations")
    planned_as = models.CharField(
        "inscrit au plan d'évaluation comme", max_length=200, blank=True, default=""
    )
    target = models.DecimalField("cible", **VALUE, null=True, blank=True)
    target_text = models.CharField("cible annoncée", max_length=100, blank=True, default="")

    class Meta:
        ordering = ["bilan", "pk"]
        verbose_name = "indicateur à renseigner"
        constraints = [models.UniqueConstraint(fields=["bilan", "indicator"], name="obligation_once")]

    def __str__(self):
        return str(self.indicator)


class BilanExpense(models.Model):
    """A line of the compte-rendu financier: forecast (the application's budget) against realised."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="expenses")
    account = models.CharField("compte", max_length=2)
    label = models.CharField("libellé", max_length=200, blank=True, default="")
    forecast = models.DecimalField("prévu", **MONEY, default=Decimal("0"))
    realised = models.DecimalField("réalisé", **MONEY, null=True, blank=True)
    explanation = models.TextField("explication de l'écart", blank=True, default="")

    class Meta:
        ordering = ["bilan", "account", "pk"]
        verbose_name = "ligne du compte-rendu financier"

    def __str__(self):
        return f"{self.account} {self.label}"


class BilanEvent(models.Model):
    """The history of a bilan: deposits, returns and approvals, with who and why."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="events")
    status = models.CharField("état", max_length=20, choices=BilanStatus.choices)
    comment = models.TextField("commentaire", blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "étape d'un bilan"

    def __str__(self):
        return f"{self.get_status_display()} le {self.at:%d/%m/%Y}"


class MeasurementQuerySet(models.QuerySet):
    def validated(self):
        return self.filter(validated=True)


class Measurement(models.Model):
    """One value of one indicator, for a place (QPV), an action (application) or an outcome of a vision, over a
    period. It always says where it comes from (`source`, `source_label`: file and line, bilan…)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="measurements")
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    qpv = models.ForeignKey(Qpv, on_delete=models.PROTECT, null=True, blank=True, related_name="measurements")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="measurements"
    )
    vision = models.ForeignKey(Vision, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    outcome_key = models.CharField(max_length=12, blank=True, default="")
    scope_key = models.CharField(max_length=60, editable=False)
    period_start = models.DateField("début de la période")
    period_end = models.DateField("fin de la période")
    value = models.DecimalField("valeur", **VALUE, null=True, blank=True)
    is_secret = models.BooleanField("secret statistique à la source", default=False)
    breakdown = models.JSONField("ventilation", default=dict, blank=True)
    source = models.CharField("origine", max_length=20, choices=MeasurementSource.choices)
    source_label = models.CharField("référence de l'origine", max_length=300, blank=True, default="")
    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, null=True, blank=True, related_name="results")
    batch = models.ForeignKey(UploadBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    validated = models.BooleanField("validée", default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "period_end", "pk"]
        verbose_name = "mesure"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "scope_key", "period_start", "period_end"], name="measurement_once"
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "period_end"]),
            models.Index(fields=["application", "indicator"]),
            models.Index(fields=["vision", "outcome_key"]),
        ]

    def __str__(self):
        return f"{self.indicator} {self.period_end:%Y} : {self.value}"

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "La fin de la période ne peut pas précéder son début."})

    @staticmethod
    def scope_for(*, qpv_id=None, application_id=None, vision_id=None, outcome_key="", epci_id=None) -> str:
        if application_id:
            return f"application:{application_id}"
        if vision_id and outcome_key:
            return f"outcome:{vision_id}:{outcome_key}"
        if qpv_id:
            return f"qpv:{qpv_id}"
        return f"epci:{epci_id}"


class Rollup(models.Model):
    """The running total of an additive indicator for one scope and year, updated with every validated write:
    `application:<id>`, `qpv:<id>` (every action acting in it), `contract:<id>`, `epci:<id>` (each action
    once), `element:<vision>:<key>` and `outcome:<vision>:<key>` (the actions serving them)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField()
    total = models.DecimalField(**VALUE, default=Decimal("0"))
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = "total cumulé"
        constraints = [models.UniqueConstraint(fields=["scope", "indicator", "year"], name="rollup_once")]

    def __str__(self):
        return f"{self.scope} {self.indicator_id} {self.year}: {self.total}"


class Report(models.Model):
    """A contract's annual report or mid-term review, generated by a job and kept as it was generated."""

    contract = models.ForeignKey(ContratDeVille, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField("type", max_length=20, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField("année")
    data = models.JSONField("contenu", default=dict)
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "rapport"

    def __str__(self):
        return f"{self.get_kind_display()} {self.year} — {self.contract}"


class EvidenceCitation(models.Model):
    """A measurement cited as evidence when an assumption of a theory of change is confirmed or refuted."""

    vision = models.ForeignKey(Vision, on_delete=models.CASCADE, related_name="+")
    assumption_key = models.CharField(max_length=12)
    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="citations")
    note = models.CharField("ce que la mesure montre", max_length=300, blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "mesure citée comme preuve"
        constraints = [
            models.UniqueConstraint(
                fields=["vision", "assumption_key", "measurement"], name="evidence_citation_once"
            )
        ]

    def __str__(self):
        return f"{self.measurement} — {self.note[:40]}"
