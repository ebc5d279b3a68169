"""Consultations per QPV and audience: what people said, kept whole (moderation hides, never deletes),
and the themes the animatrice reads it through."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cooperer.consultations.enums import (
    CONSENT_TEXT,
    QUESTION_2030,
    AgeBand,
    Audience,
    ConsultationStatus,
    ContributionKind,
    ContributionSource,
    SessionFormat,
    Sex,
    TagOrigin,
)
from cooperer.core import fulltext
from cooperer.core.text import query_terms, search_document
from cooperer.territories.models import Commune, ContratDeVille, Epci, Qpv

RECENT_DAYS = 7  # « nouvelles » contributions on the home page and in the list filter
MAX_TEXT = 5000  # characters: a post-it, a paragraph, a page; longer is refused with a message


class Consultation(models.Model):
    title = models.CharField("titre", max_length=200)
    question = models.CharField("question mobilisatrice", max_length=300, default=QUESTION_2030)
    other_questions = models.TextField(
        "autres questions", blank=True, default="", help_text="Une question par ligne, facultatif."
    )
    epci = models.ForeignKey(
        Epci, on_delete=models.PROTECT, related_name="consultations", verbose_name="territoire (EPCI)"
    )
    contract = models.ForeignKey(
        ContratDeVille,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name="contrat de ville",
    )
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="consultations", verbose_name="communes"
    )
    qpvs = models.ManyToManyField(Qpv, blank=True, related_name="consultations", verbose_name="QPV")
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    status = models.CharField(
        "état", max_length=20, choices=ConsultationStatus.choices, default=ConsultationStatus.DRAFT
    )
    consent_text = models.TextField("texte de consentement", default=CONSENT_TEXT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = "concertation"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultations:detail", args=[self.pk])

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "La fin de la concertation ne peut pas précéder son début."})

    def questions(self) -> list[str]:
        return [self.question] + [q.strip() for q in self.other_questions.splitlines() if q.strip()]


class Theme(models.Model):
    """One entry of the consultation's taxonomy: the analysis tags contributions from its name and
    description, then from the tags the animatrice confirms or corrects."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField("nom", max_length=120)
    description = models.CharField("description en une ligne", max_length=300, blank=True, default="")
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "thème"
        constraints = [models.UniqueConstraint(fields=["consultation", "name"], name="theme_name_once")]

    def __str__(self):
        return self.name


def new_token() -> str:
    return secrets.token_urlsafe(9)


class Session(models.Model):
    """A time of consultation for one QPV and one audience: habitants and professionnels apart."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="sessions")
    qpv = models.ForeignKey(
        Qpv, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions", verbose_name="QPV"
    )
    audience = models.CharField("public", max_length=20, choices=Audience.choices)
    format = models.CharField("format", max_length=30, choices=SessionFormat.choices)
    date = models.DateField("date")
    place = models.CharField("lieu", max_length=200, blank=True, default="")
    facilitators = models.CharField("animation", max_length=300, blank=True, default="")
    attendance = models.JSONField("participation (effectifs)", default=dict, blank=True)
    token = models.CharField(max_length=20, unique=True, default=new_token, editable=False)
    accepts_online = models.BooleanField("formulaire en ligne ouvert", default=True)
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)

    class Meta:
        ordering = ["qpv__name", "audience", "date"]
        verbose_name = "séance"

    def __str__(self):
        where = self.qpv.name if self.qpv_id else "tout le territoire"
        return f"{where} — {self.get_audience_display().lower()} ({self.get_format_display().lower()})"

    def get_absolute_url(self):
        return reverse("consultations:session", args=[self.consultation_id, self.pk])

    def public_url(self):
        return reverse("public_form", args=[self.token])

    @property
    def attendance_total(self) -> int:
        return sum(int(v) for v in self.attendance.values())

    def attendance_table(self) -> list[tuple[str, list[int], int]]:
        """Rows per sex, columns per age band, for display; never names."""
        rows = []
        for sex in Sex:
            counts = [int(self.attendance.get(f"{sex.value}:{band.value}", 0)) for band in AgeBand]
            rows.append((sex.label, counts, sum(counts)))
        return rows


class ContributionQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden_at__isnull=True)

    def recent(self):
        """Received in the last RECENT_DAYS days: what is new for the animation."""
        return self.filter(created_at__gte=timezone.now() - datetime.timedelta(days=RECENT_DAYS))

    def to_review(self):
        """Recent, visible contributions sent on the public form that nobody has moderated yet: the ones to read
        before they reach a synthesis."""
        return self.recent().visible().filter(source=ContributionSource.FORM, moderation__isnull=True)

    def matching(self, query: str):
        """The directory's French search over the text: accent-insensitive, every word as written, lemmatised
        or stemmed (core/fulltext.py). Tested row by row on PostgreSQL: the list walks its date index and stops
        after a page, instead of reading the thousands of contributions a common word matches."""
        return fulltext.matching(self, query_terms(query), row_wise=True)

    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(): the search text is computed here for the post-its, imports and demo data.
        objs = list(objs)
        for contribution in objs:
            contribution.search_text = search_document(contribution.text)
        return super().bulk_create(objs, *args, **kwargs)


class Contribution(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="contributions")
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="contributions"
    )
    qpv = models.ForeignKey(
        Qpv, on_delete=models.PROTECT, null=True, blank=True, related_name="contributions", verbose_name="QPV"
    )
    audience = models.CharField("public", max_length=20, choices=Audience.choices)
    kind = models.CharField("nature", max_length=20, choices=ContributionKind.choices)
    text = models.TextField("contribution")
    author_name = models.CharField(
        "prénom ou pseudonyme", max_length=80, blank=True, default="", help_text="Facultatif, jamais publié."
    )
    age_band = models.CharField(
        "tranche d'âge", max_length=10, choices=AgeBand.choices, blank=True, default=""
    )
    consent_at = models.DateTimeField("consentement recueilli le", null=True, blank=True)
    source = models.CharField("origine", max_length=20, choices=ContributionSource.choices)
    external_ref = models.CharField("référence d'origine", max_length=120, blank=True, default="")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    hidden_at = models.DateTimeField("masquée le", null=True, blank=True, editable=False)
    hidden_reason = models.CharField("motif de masquage", max_length=300, blank=True, default="")
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)
    search_text = models.TextField(blank=True, default="", editable=False)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "contribution"
        indexes = [
            models.Index(fields=["consultation", "qpv", "audience"]),
            # Counting the visible contributions of some QPVs (a vision's scope) reads this index alone.
            models.Index(fields=["consultation", "hidden_at", "qpv"], name="contribution_visible_qpv"),
            models.Index(fields=["client_hash", "created_at"]),
            # The list's order (newest first) read from an index, so deep pages walk it instead of sorting:
            # the visible contributions, and all of them for the moderators.
            models.Index(
                fields=["consultation", "hidden_at", "created_at", "id"], name="contribution_visible_date"
            ),
            models.Index(fields=["consultation", "created_at", "id"], name="contribution_by_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "source", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="contribution_imported_once",
            )
        ]

    def __str__(self):
        return self.text[:80]

    def save(self, *args, **kwargs):
        self.search_text = search_document(self.text)
        if kwargs.get("update_fields") is not None and "text" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @staticmethod
    def hash_client(address: str) -> str:
        """A day-salted hash of the sender's address, for rate limits only; never shown, purged with the
        retention command."""
        day = timezone.localdate().isoformat()
        return hashlib.sha256(f"{settings.SECRET_KEY}:{day}:{address}".encode()).hexdigest()


class ModerationEvent(models.Model):
    """Hiding and restoring are recorded: nothing is silently deleted."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="moderation")
    hidden = models.BooleanField("masquée")
    reason = models.CharField("motif", max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = "décision de modération"

    def __str__(self):
        return f"{'masquée' if self.hidden else 'rétablie'} : {self.reason}"


class ContributionTag(models.Model):
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="tags")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tags")
    score = models.FloatField("score", default=0.0)
    evidence = models.JSONField("mots qui l'ont porté", default=list, blank=True)
    topic = models.CharField("sujet émergent", max_length=200, blank=True, default="")
    origin = models.CharField("origine", max_length=10, choices=TagOrigin.choices, default=TagOrigin.AUTO)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "thème d'une contribution"
        constraints = [models.UniqueConstraint(fields=["contribution", "theme"], name="tag_once")]

    def __str__(self):
        return f"{self.theme} ({self.get_origin_display().lower()})"


class AnalysisRun(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="analyses")
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    contributions = models.PositiveIntegerField("contributions analysées", default=0)
    labelled = models.PositiveIntegerField("exemples confirmés ou corrigés", default=0)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "analyse"

    def __str__(self):
        return f"Analyse du {self.created_at:%d/%m/%Y %H:%M}"


class Synthesis(models.Model):
    """The text the animatrice writes for a scope (the whole consultation or one QPV); the figures beside
    it are computed, so they stay traceable to the contributions."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="syntheses")
    qpv = models.ForeignKey(Qpv, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    text = models.TextField("synthèse", blank=True, default="")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "synthèse"
        constraints = [
            models.UniqueConstraint(fields=["consultation", "qpv"], name="one_synthesis_per_scope")
        ]

    def __str__(self):
        return f"Synthèse — {self.qpv.name if self.qpv_id else self.consultation}"
