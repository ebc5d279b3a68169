"""Calls for projects screened by the compass: a call funds vision elements with envelopes per funder and an
evaluation grid; applications (CERFA 12156) come alone or with partners, with a balanced budget; decisions are
motivated by the vision elements and criteria they cite; grants become conventions published as SCDL open
data, and other funders' SCDL publications feed each structure's funding history."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cooperer.accounts.enums import Funder
from cooperer.actors.models import Structure
from cooperer.calls.enums import (
    CHARGE_ACCOUNTS,
    PRODUCT_ACCOUNTS,
    ApplicationStatus,
    CallKind,
    CallStatus,
    CriterionKind,
    Outcome,
    PartnerRole,
    Verdict,
)
from cooperer.core import validators
from cooperer.territories.models import ContratDeVille, Epci, Qpv
from cooperer.visions.models import Element

MONEY = {"max_digits": 12, "decimal_places": 2}
PURPOSE_MAX = 256


class Call(models.Model):
    """Described like the Etalab « dispositif d'aide » schema (nom_aide_normalise, porteur_siren, dates, eligibility,
    zone, contact), tied to a contract and to the vision elements it funds."""

    name = models.CharField("nom normalisé de l'aide", max_length=200)
    kind = models.CharField("type", max_length=30, choices=CallKind.choices, default=CallKind.PROJECTS)
    epci = models.ForeignKey(
        Epci, on_delete=models.PROTECT, related_name="calls", verbose_name="territoire (EPCI)"
    )
    contract = models.ForeignKey(
        ContratDeVille, on_delete=models.PROTECT, related_name="calls", verbose_name="contrat de ville"
    )
    summary = models.TextField("présentation", blank=True, default="")
    carrier_name = models.CharField("porteur de l'aide", max_length=200)
    carrier_siren = models.CharField(
        "SIREN du porteur", max_length=9, validators=[validators.validate_siren], blank=True, default=""
    )
    beneficiaries = models.JSONField("bénéficiaires", default=list, blank=True)
    opens_on = models.DateField("ouverture")
    prefiling_on = models.DateField("pré-dépôt", null=True, blank=True)
    closes_at = models.DateTimeField("clôture")
    eligibility = models.TextField("conditions d'éligibilité", blank=True, default="")
    zone = models.CharField("zone géographique", max_length=300, blank=True, default="")
    contact = models.CharField("contact", max_length=200, blank=True, default="")
    elements = models.ManyToManyField(
        Element, blank=True, related_name="calls", verbose_name="éléments de vision financés"
    )
    min_partners = models.PositiveSmallIntegerField(
        "partenaires au moins", default=1, help_text="Hors porteur. 0 : la coopération n'est pas exigée."
    )
    min_partner_sectors = models.PositiveSmallIntegerField(
        "secteurs différents au moins", default=2, help_text="Porteur compris (associatif, institutionnel…)."
    )
    require_participation = models.BooleanField(
        "participation exigée à la concertation ou à une communauté d'action", default=False
    )
    status = models.CharField("état", max_length=20, choices=CallStatus.choices, default=CallStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)

    class Meta:
        ordering = ["-opens_on", "name"]
        verbose_name = "appel à projets"
        verbose_name_plural = "appels à projets"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("calls:detail", args=[self.pk])

    def clean(self):
        if self.opens_on and self.closes_at and timezone.localdate(self.closes_at) < self.opens_on:
            raise ValidationError({"closes_at": "La clôture ne peut pas précéder l'ouverture."})

    def is_open_at(self, moment) -> bool:
        return (
            self.status == CallStatus.OPEN
            and self.opens_on <= timezone.localdate(moment)
            and moment <= self.closes_at
        )


class CallFunder(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="funders")
    funder = models.CharField("financeur", max_length=20, choices=Funder.choices)
    name = models.CharField("nom", max_length=200, help_text="Ex. : Préfecture de la Loire (BOP 147).")
    siret = models.CharField(
        "SIRET de l'attribuant", max_length=14, validators=[validators.validate_siret], blank=True, default=""
    )
    programme = models.CharField(
        "programme", max_length=100, blank=True, default="", help_text="Ex. : BOP 147."
    )
    envelope = models.DecimalField("enveloppe", **MONEY, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["call", "funder"]
        verbose_name = "financeur de l'appel"
        constraints = [models.UniqueConstraint(fields=["call", "funder"], name="call_funder_once")]

    def __str__(self):
        return self.name


class Criterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField("type", max_length=20, choices=CriterionKind.choices)
    label = models.CharField("critère", max_length=200)
    weight = models.PositiveSmallIntegerField("poids (%)", validators=[MaxValueValidator(100)])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name = "critère d'évaluation"

    def __str__(self):
        return self.label


class ApplicationQuerySet(models.QuerySet):
    def submitted(self):
        return self.exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.MERGED])


class Application(models.Model):
    """A request following CERFA 12156: the applicant, its partners, the project, its budget, the vision elements it
    serves and how it will be evaluated."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="applications", verbose_name="structure porteuse"
    )
    title = models.CharField("intitulé du projet", max_length=200)
    purpose = models.CharField("objet", max_length=PURPOSE_MAX, help_text="256 caractères au plus (SCDL).")
    objectives = models.TextField("objectifs", blank=True, default="")
    description = models.TextField("description", blank=True, default="")
    public_description = models.CharField("public visé", max_length=300, blank=True, default="")
    public_count = models.PositiveIntegerField("nombre de personnes visées", default=0)
    age_bands = models.JSONField("tranches d'âge", default=list, blank=True)
    qpv_share = models.PositiveSmallIntegerField(
        "part d'habitants des QPV (%)", default=0, validators=[MaxValueValidator(100)]
    )
    qpvs = models.ManyToManyField(Qpv, blank=True, related_name="applications", verbose_name="QPV")
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    years = models.PositiveSmallIntegerField(
        "durée (années)", default=1, validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text="3 pour une convention pluriannuelle d'objectifs (CPO).",
    )  # fmt: skip
    means = models.TextField("moyens humains et matériels", blank=True, default="")
    republican_commitment = models.BooleanField("Contrat d'engagement républicain souscrit", default=False)
    status = models.CharField(
        "état", max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    submitted_at = models.DateTimeField("déposée le", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name="fusionnée dans",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["call", "title"]
        verbose_name = "demande de subvention"
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("calls:application", args=[self.call_id, self.pk])

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "La fin du projet ne peut pas précéder son début."})


class Partner(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="partnerships")
    role = models.CharField("rôle", max_length=20, choices=PartnerRole.choices)
    contribution = models.CharField("apport", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = "partenaire"
        constraints = [models.UniqueConstraint(fields=["application", "structure"], name="partner_once")]

    def __str__(self):
        return f"{self.structure} ({self.get_role_display().lower()})"


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget")
    year = models.PositiveSmallIntegerField(
        "année", default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    account = models.CharField(
        "compte", max_length=2, choices=[*CHARGE_ACCOUNTS.items(), *PRODUCT_ACCOUNTS.items()]
    )
    label = models.CharField("libellé", max_length=200, blank=True, default="")
    amount = models.DecimalField("montant", **MONEY, validators=[MinValueValidator(Decimal("0"))])
    funder = models.CharField(
        "financeur (compte 74)", max_length=20, choices=Funder.choices, blank=True, default=""
    )
    acquired = models.BooleanField("acquis", default=False, help_text="Sinon : demandé.")

    class Meta:
        ordering = ["application", "year", "account", "pk"]
        verbose_name = "ligne de budget"

    def __str__(self):
        return f"{self.account} {self.label}: {self.amount}"

    @property
    def is_charge(self) -> bool:
        return self.account in CHARGE_ACCOUNTS


class ServedElement(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="served")
    element = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="served_by")
    justification = models.CharField("en quoi le projet le sert", max_length=500)

    class Meta:
        verbose_name = "élément de vision servi"
        constraints = [models.UniqueConstraint(fields=["application", "element"], name="served_once")]

    def __str__(self):
        return f"{self.element} — {self.justification[:60]}"


class Indicator(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField("indicateur", max_length=200)
    target = models.CharField("cible", max_length=100)

    class Meta:
        verbose_name = "indicateur d'évaluation"

    def __str__(self):
        return f"{self.name} : {self.target}"


class Review(models.Model):
    """An instructor's score on one criterion (0 to 5)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField("note", validators=[MaxValueValidator(5)])
    comment = models.TextField("commentaire", blank=True, default="")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "évaluation"
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion", "reviewer"], name="review_once")
        ]

    def __str__(self):
        return f"{self.criterion} : {self.score}/5"


class PrivateNote(models.Model):
    """Seen only by the instructors of `funder` (and never by the applicant or other funders)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="private_notes")
    funder = models.CharField("financeur", max_length=20, choices=Funder.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("note")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = "note privée d'un financeur"

    def __str__(self):
        return f"Note {self.get_funder_display()} du {self.at:%d/%m/%Y}"


class Opinion(models.Model):
    """A funder's opinion before the committee: the analysts score, the funder's instructor gives the opinion that
    goes to the committee (one per funder, updated in place, its author and date kept)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="opinions")
    funder = models.CharField("financeur", max_length=20, choices=Funder.choices)
    verdict = models.CharField("avis", max_length=20, choices=Verdict.choices)
    amount = models.DecimalField("montant proposé", **MONEY, null=True, blank=True)
    comment = models.TextField("commentaire pour le comité", blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "avis d'un financeur"
        constraints = [models.UniqueConstraint(fields=["application", "funder"], name="opinion_once")]

    def __str__(self):
        return f"{self.get_funder_display()} : {self.get_verdict_display().lower()}"


class CommitteeSession(models.Model):
    """One sitting of the joint programming committee of a call, with its agenda (the applications examined)."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="sessions")
    name = models.CharField("nom", max_length=200)
    held_on = models.DateField("date")
    place = models.CharField("lieu", max_length=200)
    agenda = models.ManyToManyField(
        Application, blank=True, related_name="sessions", verbose_name="ordre du jour"
    )

    class Meta:
        ordering = ["call", "-held_on", "pk"]
        verbose_name = "séance du comité de programmation"

    def __str__(self):
        return f"{self.name} du {self.held_on:%d/%m/%Y}"


class Decision(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField("décision", max_length=20, choices=Outcome.choices)
    motivation = models.TextField(
        "motivation", help_text="Publiée au porteur ; elle cite les éléments et critères."
    )
    cited_elements = models.ManyToManyField(
        Element, related_name="+", verbose_name="éléments de vision cités"
    )
    cited_criteria = models.ManyToManyField(Criterion, related_name="+", verbose_name="critères cités")
    committee = models.CharField("comité de programmation", max_length=200)
    decided_on = models.DateField("date")
    session = models.ForeignKey(
        CommitteeSession, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions",
        verbose_name="séance",
    )  # fmt: skip
    exception_reason = models.TextField(
        "motif de l'exception", blank=True, default="",
        help_text="Obligatoire quand un financeur accorde plus que ce qui lui a été demandé.",
    )  # fmt: skip
    overrun_confirmed = models.BooleanField("dépassement d'enveloppe confirmé", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "décision"

    def __str__(self):
        return f"{self.application} — {self.get_outcome_display().lower()}"


class Grant(models.Model):
    """What one funder grants by a decision, and its convention (the SCDL row)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="grants")
    call_funder = models.ForeignKey(CallFunder, on_delete=models.PROTECT, related_name="grants")
    amount = models.DecimalField("montant", **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    convention_reference = models.CharField(
        "référence de la convention", max_length=120, blank=True, default=""
    )
    convention_date = models.DateField("date de la convention", null=True, blank=True)
    payment_conditions = models.CharField("conditions de versement", max_length=256, default="unique")
    in_kind = models.BooleanField("aide en nature", default=False)

    class Meta:
        verbose_name = "subvention attribuée"
        constraints = [models.UniqueConstraint(fields=["decision", "call_funder"], name="grant_once")]

    def __str__(self):
        return f"{self.call_funder} : {self.amount} €"


class ExternalGrant(models.Model):
    """A grant published by another funder (SCDL import), for funding histories."""

    attributor_name = models.CharField("attribuant", max_length=300)
    attributor_siret = models.CharField("SIRET de l'attribuant", max_length=14)
    convention_date = models.DateField("date de convention")
    decision_reference = models.CharField(max_length=300, blank=True, default="")
    beneficiary_name = models.CharField("bénéficiaire", max_length=300)
    beneficiary_siret = models.CharField(max_length=14, blank=True, default="", db_index=True)
    beneficiary_rna = models.CharField(max_length=10, blank=True, default="", db_index=True)
    purpose = models.CharField("objet", max_length=PURPOSE_MAX)
    amount = models.DecimalField("montant", **MONEY)
    scheme = models.CharField("dispositif", max_length=300, blank=True, default="")
    source = models.CharField("fichier d'origine", max_length=300)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-convention_date"]
        verbose_name = "subvention publiée par un autre financeur"

    def __str__(self):
        return f"{self.attributor_name} → {self.beneficiary_name} : {self.amount} €"


class Attachment(models.Model):
    """A document of the application (statutes, RIB, last accounts…), type- and size-checked, stored under a
    generated name."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("pièce", max_length=100)
    name = models.CharField("nom du fichier", max_length=200)
    path = models.CharField(max_length=500, editable=False)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "uploaded_at"]
        verbose_name = "pièce jointe"

    def __str__(self):
        return f"{self.kind} — {self.name}"


class ComplementRequest(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="complement_requests")
    message = models.TextField("compléments demandés")
    deadline = models.DateField("à fournir avant le")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "demande de compléments"

    def __str__(self):
        return f"Compléments avant le {self.deadline:%d/%m/%Y}"
