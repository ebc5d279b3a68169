"""Capitalisation and spreading of the method: initiative records (« fiches d'expérience ») with their levers,
obstacles and lessons; the method kit's templates; copies of a proven territory's tools to another (lineage)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cooperer.actors.models import Public, Structure, Theme
from cooperer.core import fulltext
from cooperer.core.text import query_terms, search_document
from cooperer.knowledge.enums import FactorKind, Licence, Origin, RecordStatus
from cooperer.knowledge.kit import KitKind, KitStatus, content_errors, placeholders_in
from cooperer.territories.models import Epci, Qpv

# -- initiative records (« fiches d'expérience ») --------------------------------------------------------------


class Factor(models.Model):
    """A lever or an obstacle of the shared taxonomy (« confiance », « turnover des professionnels »…): the
    same word across territories, so that what helps and what hinders can be counted and compared."""

    name = models.CharField("nom", max_length=120, unique=True)
    description = models.CharField("description", max_length=300, blank=True, default="")
    is_national = models.BooleanField("proposé par défaut", default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "levier ou frein"
        verbose_name_plural = "leviers et freins"

    def __str__(self):
        return self.name


class RecordQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=RecordStatus.PUBLISHED)

    def matching(self, query: str):
        """The directory's French search: every word must start a word of the record, as written, lemmatised
        or stemmed to its family."""
        return fulltext.matching(self, query_terms(query))

    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(): the search text is computed here for imports, the demo and the bench.
        for record in objs:
            if not record.search_text:
                record.search_text = record.own_search_text()
        return super().bulk_create(objs, *args, **kwargs)


def filter_token(kind: str, pk: int) -> str:
    """A word of the search text that stands for a filter value (`t` theme, `p` public, `l` lever, `f`
    obstacle): the search and every filter are then one query of the full-text index, which intersects them
    (docs/knowledge.md). No French word starts with « zzk »."""
    return f"zzk{kind}{pk}"


class Record(models.Model):
    """What a community or an action learnt, written to be read elsewhere: context, method, results, levers,
    obstacles and lessons. A draft is read by its writers and the animation of its territory; the animation
    publishes it after review, and a published record is public."""

    title = models.CharField("titre", max_length=200)
    summary = models.TextField(
        "résumé", help_text="En quelques phrases : ce qui a été fait et ce qu'on en retient."
    )
    epci = models.ForeignKey(
        Epci, on_delete=models.PROTECT, related_name="knowledge_records", verbose_name="territoire (EPCI)"
    )
    qpvs = models.ManyToManyField(Qpv, blank=True, related_name="knowledge_records", verbose_name="QPV")
    starts_on = models.DateField("début", null=True, blank=True)
    ends_on = models.DateField("fin", null=True, blank=True)
    context = models.TextField("contexte", blank=True, default="")
    method = models.TextField("méthode", blank=True, default="", help_text="Comment vous vous y êtes pris.")
    results = models.TextField("résultats", blank=True, default="")
    lessons = models.TextField(
        "enseignements", blank=True, default="", help_text="Ce qu'il faut retenir pour refaire ailleurs."
    )
    sdgs = models.JSONField("objectifs de développement durable (ODD)", default=list, blank=True)
    licence = models.CharField("licence", max_length=20, choices=Licence.choices, default=Licence.OPEN)
    status = models.CharField("état", max_length=20, choices=RecordStatus.choices, default=RecordStatus.DRAFT)
    origin = models.CharField(
        "point de départ", max_length=20, choices=Origin.choices, default=Origin.SCRATCH
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="knowledge_records", verbose_name="communauté d'action",
    )  # fmt: skip
    application = models.ForeignKey(
        "calls.Application", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="knowledge_records", verbose_name="action financée",
    )  # fmt: skip
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="knowledge_records", verbose_name="thématiques"
    )
    publics = models.ManyToManyField(
        Public, blank=True, related_name="knowledge_records", verbose_name="publics"
    )
    bilans = models.ManyToManyField(
        "measurement.Bilan", blank=True, related_name="knowledge_records", verbose_name="bilans cités"
    )
    review_comment = models.TextField("commentaire de relecture", blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="rédigée par",
    )  # fmt: skip
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    submitted_at = models.DateTimeField("soumise le", null=True, blank=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="publiée par",
    )  # fmt: skip
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)
    search_text = models.TextField(blank=True, default="", editable=False)

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "fiche d'expérience"
        verbose_name_plural = "fiches d'expérience"
        indexes = [
            # The public list walks published records newest first from this index alone.
            models.Index(fields=["status", "-published_at", "-id"], name="record_listing"),
            models.Index(fields=["epci", "status", "-published_at", "-id"], name="record_epci"),
            # A match of the search or of a filter is checked (published?) and sorted from this index alone,
            # without reading its row.
            models.Index(fields=["id", "status", "published_at"], name="record_match"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("knowledge:record", args=[self.pk])

    def clean(self):
        bad = [n for n in self.sdgs or [] if not isinstance(n, int) or not 1 <= n <= 17]
        if bad:
            raise ValidationError({"sdgs": "Les ODD sont numérotés de 1 à 17."})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "La fin de la période précède son début."})

    def own_search_text(self, *extra: str) -> str:
        return search_document(
            self.title, self.summary, self.context, self.method, self.results, self.lessons, *extra
        )

    @property
    def is_published(self) -> bool:
        return self.status == RecordStatus.PUBLISHED


class RecordActor(models.Model):
    """Who took part and in what role; a structure of the directory when there is one, else a name."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="actors")
    structure = models.ForeignKey(
        Structure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="structure",
    )
    name = models.CharField("nom", max_length=250)
    role = models.CharField("rôle", max_length=200, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "acteur de la fiche"

    def __str__(self):
        return self.name


class RecordStep(models.Model):
    """One step of the method, with the tools it used (a charter, a shared definition, a grid…)."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField("étape", max_length=200)
    description = models.TextField("description", blank=True, default="")
    tools = models.CharField("outils", max_length=300, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "étape de la méthode"

    def __str__(self):
        return self.title


class RecordFactor(models.Model):
    """A lever or an obstacle the record names, from the shared taxonomy, with what it meant here."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="factors")
    factor = models.ForeignKey(
        Factor, on_delete=models.PROTECT, related_name="uses", verbose_name="levier ou frein"
    )
    kind = models.CharField("levier ou frein", max_length=10, choices=FactorKind.choices)
    comment = models.CharField("en quelques mots", max_length=300, blank=True, default="")

    class Meta:
        ordering = ["kind", "factor__name"]
        verbose_name = "levier ou frein cité"
        constraints = [
            models.UniqueConstraint(fields=["record", "factor", "kind"], name="record_factor_once"),
        ]
        indexes = [models.Index(fields=["factor", "kind", "record"], name="record_factor_lookup")]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.factor}"


# --- Kit de méthode et essaimage ---


class KitTemplateQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=KitStatus.PUBLISHED)

    def visible_to(self, user):
        """Published templates for everyone; drafts for their author and the platform's administrators."""
        from cooperer.accounts.permissions import is_platform_admin

        if is_platform_admin(user):
            return self
        if user.is_authenticated:
            return self.filter(models.Q(status=KitStatus.PUBLISHED) | models.Q(author_id=user.pk))
        return self.published()


class KitTemplate(models.Model):
    """A tool of the method made reusable: its content (checked per kind, kit.SCHEMAS) keeps placeholders
    such as « {{ date }} » where each territory puts its own."""

    kind = models.CharField("type de modèle", max_length=30, choices=KitKind.choices)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("présentation", blank=True, default="")
    content = models.JSONField("contenu", default=dict)
    placeholders = models.JSONField("à adapter", default=list, blank=True, editable=False)
    licence = models.CharField("licence", max_length=20, choices=Licence.choices, default=Licence.OPEN)
    source_epci = models.ForeignKey(
        "territories.Epci", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="territoire d'origine",
    )  # fmt: skip
    source_place = models.CharField("lieu d'origine", max_length=200, blank=True, default="")
    source_label = models.CharField("tiré de", max_length=300, blank=True, default="")
    source_type = models.CharField(max_length=60, blank=True, default="", editable=False)
    source_id = models.PositiveIntegerField(null=True, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="auteur·rice",
    )  # fmt: skip
    status = models.CharField("état", max_length=20, choices=KitStatus.choices, default=KitStatus.DRAFT)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)

    objects = KitTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "title", "pk"]
        verbose_name = "modèle du kit de méthode"
        verbose_name_plural = "modèles du kit de méthode"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.placeholders = placeholders_in(self.content)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("knowledge:kit_detail", args=[self.pk])

    @property
    def problems(self) -> list[str]:
        """What the content lacks (kit.SCHEMAS): a draft may be incomplete, a template is published complete
        (kit_forms.KitTemplateForm refuses to publish it otherwise)."""
        return content_errors(self.kind, self.content)

    @property
    def origin(self) -> str:
        return self.source_place or (self.source_epci.name if self.source_epci_id else "")


class Lineage(models.Model):
    """One copy of a tool of the method from a proven territory to another: « inspiré de Saint-Étienne,
    septembre 2024 ». The copy is a draft of the target app (a consultation, a call, a community, a vision);
    `provisional` keeps what the copy set only for want of better (dates), so the checklist sees it unchanged."""

    kind = models.CharField("outil", max_length=30, choices=KitKind.choices)
    template = models.ForeignKey(
        KitTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="lineages",
        verbose_name="modèle du kit",
    )  # fmt: skip
    source_epci = models.ForeignKey(
        "territories.Epci", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="territoire d'origine",
    )  # fmt: skip
    source_place = models.CharField("lieu d'origine", max_length=200)
    source_type = models.CharField(max_length=60, blank=True, default="")
    source_id = models.PositiveIntegerField(null=True, blank=True)
    source_label = models.CharField("outil d'origine", max_length=300, blank=True, default="")
    target_epci = models.ForeignKey(
        "territories.Epci", on_delete=models.PROTECT, related_name="+", verbose_name="territoire d'arrivée"
    )
    target_place = models.CharField("lieu d'arrivée", max_length=200)
    target_type = models.CharField(max_length=60, blank=True, default="")
    target_id = models.PositiveIntegerField(null=True, blank=True)
    target_label = models.CharField("copie", max_length=300, blank=True, default="")
    spread_on = models.DateField("essaimé le", default=timezone.localdate)
    note = models.CharField("note", max_length=300, blank=True, default="")
    provisional = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)

    class Meta:
        ordering = ["-spread_on", "-pk"]
        verbose_name = "essaimage"
        indexes = [models.Index(fields=["target_type", "target_id"], name="lineage_target")]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.source_place} → {self.target_place}"

    def get_absolute_url(self):
        return reverse("knowledge:spreading_detail", args=[self.pk])


class CircleEvent(models.Model):
    """An open event of a community to widen its circle (Mulhouse's « assises de la jeunesse »): structures of
    the directory that are not members are invited, register, and some join afterwards."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="circle_events",
        verbose_name="communauté",
    )  # fmt: skip
    title = models.CharField("titre", max_length=200)
    held_on = models.DateField("date")
    place = models.CharField("lieu", max_length=200, blank=True, default="")
    description = models.TextField("présentation", blank=True, default="")
    themes = models.ManyToManyField("actors.Theme", blank=True, related_name="+", verbose_name="thématiques")
    publics = models.ManyToManyField("actors.Public", blank=True, related_name="+", verbose_name="publics")
    qpvs = models.ManyToManyField("territories.Qpv", blank=True, related_name="+", verbose_name="QPV")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = "événement ouvert"
        verbose_name_plural = "événements ouverts"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("knowledge:event_detail", args=[self.pk])


class EventGuest(models.Model):
    """A structure invited to an open event, with why it was suggested, and whether it registered."""

    event = models.ForeignKey(CircleEvent, on_delete=models.CASCADE, related_name="guests")
    structure = models.ForeignKey("actors.Structure", on_delete=models.PROTECT, related_name="+")
    email = models.EmailField("courriel", blank=True, default="")
    reasons = models.JSONField("pourquoi elle a été suggérée", default=list, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField("invitée le", default=timezone.now)
    registered_at = models.DateTimeField("inscrite le", null=True, blank=True)

    class Meta:
        ordering = ["structure__name", "pk"]
        verbose_name = "structure invitée"
        constraints = [models.UniqueConstraint(fields=["event", "structure"], name="event_guest_once")]

    def __str__(self):
        return str(self.structure)
