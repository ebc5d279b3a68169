"""Capitalisation and spreading of the method: initiative records (« fiches d'expérience ») with their levers,
obstacles and lessons; the method kit's templates; copies of a proven territory's tools to another (lineage)."""

# --- Kit de méthode et essaimage ---

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cooperer.knowledge.kit import KitKind, KitStatus, Licence, content_errors, placeholders_in


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
