"""Communities of action: who takes part, the phases they go through, their roadmap, their governance
(instances, meetings, decisions), the ideas that surface and the workshops they hold."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cooperer.actors.enums import Resource
from cooperer.actors.models import Person, Structure
from cooperer.communities.enums import (
    ActionStatus,
    CommunityKind,
    CooperationLevel,
    IdeaStatus,
    InstanceKind,
    MemberRole,
    Phase,
    RoadmapStatus,
)
from cooperer.territories.models import Commune, ContratDeVille, Epci, Qpv, TargetArea


class Community(models.Model):
    name = models.CharField("nom", max_length=200)
    kind = models.CharField(
        "type", max_length=30, choices=CommunityKind.choices, default=CommunityKind.ACTION_COMMUNITY
    )
    epci = models.ForeignKey(
        Epci, on_delete=models.PROTECT, related_name="communities", verbose_name="territoire (EPCI)"
    )
    qpvs = models.ManyToManyField(Qpv, blank=True, related_name="communities", verbose_name="QPV")
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="communities", verbose_name="communes"
    )
    target_areas = models.ManyToManyField(
        TargetArea, blank=True, related_name="communities", verbose_name="quartiers cibles locaux"
    )
    objective = models.TextField("objectif commun", help_text="Par exemple : l'engagement des jeunes.")
    sdgs = models.JSONField("objectifs de développement durable (ODD)", default=list, blank=True)
    programme = models.CharField(
        "programme", max_length=200, blank=True, default="", help_text="Ex. : AMI Fonda–RNMA 2022."
    )
    trinome_state = models.ForeignKey(
        Structure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="trinôme : État",
    )
    trinome_local_authority = models.ForeignKey(
        Structure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="trinôme : collectivité",
    )
    trinome_civil_society = models.ForeignKey(
        Structure, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="trinôme : association ou habitants",
    )  # fmt: skip
    backbone = models.ForeignKey(
        Structure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="fonction de soutien",
    )
    backbone_missions = models.JSONField("missions de la fonction de soutien", default=dict, blank=True)
    contract = models.ForeignKey(
        ContratDeVille, on_delete=models.SET_NULL, null=True, blank=True, related_name="communities",
        verbose_name="inscrite au contrat de ville",
    )  # fmt: skip
    anchoring = models.TextField(
        "ancrage de la méthode", blank=True, default="", help_text="Contrat de ville, CTG de la CAF…"
    )
    needs = models.JSONField(
        "besoins de l'objectif", default=list, blank=True, help_text="Ressources nécessaires."
    )
    phase = models.CharField("phase", max_length=20, choices=Phase.choices, default=Phase.PREFIGURATION)
    started_on = models.DateField("lancée le", null=True, blank=True)
    is_demo = models.BooleanField("donnée de démonstration (fictive)", default=False)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "communauté"
        verbose_name_plural = "communautés"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("communities:detail", args=[self.pk])

    def clean(self):
        bad = [n for n in self.sdgs if not isinstance(n, int) or not 1 <= n <= 17]
        if bad:
            raise ValidationError({"sdgs": "Les ODD sont numérotés de 1 à 17."})
        unknown = set(self.needs) - set(Resource.values)
        if unknown:
            raise ValidationError({"needs": f"Ressources inconnues : {', '.join(sorted(unknown))}."})


class PhaseTransition(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="transitions", verbose_name="communauté"
    )
    phase = models.CharField("phase", max_length=20, choices=Phase.choices)
    on = models.DateField("le")
    justification = models.TextField("ce qui le justifie")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="enregistré par",
    )

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = "changement de phase"
        verbose_name_plural = "changements de phase"

    def __str__(self):
        return f"{self.get_phase_display()} ({self.on:%d/%m/%Y})"


class MembershipQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)


class Membership(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="memberships", verbose_name="communauté"
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="memberships", verbose_name="structure"
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="personne à contacter",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="community_memberships",
        verbose_name="compte",
    )
    role = models.CharField("rôle", max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    contribution = models.TextField("ce que j'apporte", blank=True, default="")
    level = models.CharField(
        "niveau de coopération",
        max_length=20,
        choices=CooperationLevel.choices,
        default=CooperationLevel.INFORMATION,
    )
    joined_on = models.DateField("depuis le", default=timezone.localdate)
    left_on = models.DateField("parti le", null=True, blank=True)
    left_reason = models.CharField("motif du départ", max_length=300, blank=True, default="")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["structure__name", "pk"]
        verbose_name = "membre"
        verbose_name_plural = "membres"
        constraints = [
            models.UniqueConstraint(
                fields=["community", "structure"],
                condition=models.Q(left_on__isnull=True),
                name="one_current_membership",
            ),
        ]

    def __str__(self):
        return str(self.structure)


class Invitation(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="invitations", verbose_name="communauté"
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="+", verbose_name="structure invitée"
    )
    email = models.EmailField("courriel")
    role = models.CharField(
        "rôle proposé", max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    token = models.CharField("jeton", max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="invitée par",
    )
    sent_at = models.DateTimeField("envoyée le", default=timezone.now)
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = "invitation"
        verbose_name_plural = "invitations"

    def __str__(self):
        return f"{self.structure} → {self.community}"


class Instance(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="instances", verbose_name="communauté"
    )
    kind = models.CharField("type", max_length=20, choices=InstanceKind.choices)
    name = models.CharField("nom", max_length=200)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "instance"
        verbose_name_plural = "instances"

    def __str__(self):
        return self.name


class Meeting(models.Model):
    instance = models.ForeignKey(
        Instance, on_delete=models.CASCADE, related_name="meetings", verbose_name="instance"
    )
    starts_at = models.DateTimeField("date et heure")
    place = models.CharField("lieu", max_length=200, blank=True, default="")
    agenda = models.TextField("ordre du jour", blank=True, default="")
    minutes = models.TextField("compte rendu", blank=True, default="")
    convened_at = models.DateTimeField("convocation envoyée le", null=True, blank=True)
    # Who the convocation reached (structure names), and who had no address: what the pages say it did.
    convocation_reached = models.JSONField("membres convoqués", null=True, blank=True, editable=False)
    convocation_unreachable = models.JSONField(
        "membres sans adresse de courriel", null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = "réunion"
        verbose_name_plural = "réunions"

    def __str__(self):
        return f"{self.instance} — {timezone.localtime(self.starts_at):%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("communities:meeting", args=[self.pk])

    @property
    def convocation(self):
        """The Notification of the convocation, None if not convened or convened before it was recorded."""
        from cooperer.communities.services import Notification

        if self.convened_at is None or self.convocation_reached is None:
            return None
        return Notification(reached=self.convocation_reached, unreachable=self.convocation_unreachable or [])


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name="réunion"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="attendances", verbose_name="membre"
    )
    present = models.BooleanField("présent·e", default=True)

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="one_attendance_per_member")
        ]

    def __str__(self):
        return f"{self.membership} ({'présent·e' if self.present else 'absent·e'})"


class RoadmapVersion(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="roadmaps", verbose_name="communauté"
    )
    number = models.PositiveSmallIntegerField("version")
    status = models.CharField(
        "état", max_length=20, choices=RoadmapStatus.choices, default=RoadmapStatus.DRAFT
    )
    summary = models.TextField("présentation", blank=True, default="")
    adopted_on = models.DateField("adoptée le", null=True, blank=True)
    adopted_by = models.ForeignKey(
        Instance,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="adoptée par",
    )

    class Meta:
        ordering = ["community", "number"]
        verbose_name = "version de la feuille de route"
        verbose_name_plural = "versions de la feuille de route"
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="unique_roadmap_number")]

    def __str__(self):
        return f"Feuille de route v{self.number}"

    def get_absolute_url(self):
        return reverse("communities:roadmap", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == RoadmapStatus.DRAFT

    @property
    def is_replaced(self) -> bool:
        return self.status == RoadmapStatus.REPLACED


class Axis(models.Model):
    roadmap = models.ForeignKey(
        RoadmapVersion, on_delete=models.CASCADE, related_name="axes", verbose_name="feuille de route"
    )
    title = models.CharField("axe", max_length=200)
    description = models.TextField("description", blank=True, default="")
    order = models.PositiveSmallIntegerField(
        "ordre", default=0, help_text="Position de l'axe dans la feuille de route (1, 2, 3…)."
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "axe"
        verbose_name_plural = "axes"

    def __str__(self):
        return self.title


class PlannedAction(models.Model):
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="actions", verbose_name="axe")
    title = models.CharField("action", max_length=200)
    lead = models.ForeignKey(
        Structure, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="pilote"
    )
    partners = models.ManyToManyField(Structure, blank=True, related_name="+", verbose_name="partenaires")
    status = models.CharField(
        "état", max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    starts_on = models.DateField("début", null=True, blank=True)
    ends_on = models.DateField("fin", null=True, blank=True)
    outcomes = models.TextField("résultats visés", blank=True, default="")

    class Meta:
        ordering = ["pk"]
        verbose_name = "action prévue"
        verbose_name_plural = "actions prévues"

    def __str__(self):
        return self.title


class WorkingGroup(models.Model):
    axis = models.ForeignKey(
        Axis, on_delete=models.CASCADE, related_name="working_groups", verbose_name="axe"
    )
    name = models.CharField("nom", max_length=200)
    members = models.ManyToManyField(
        Membership, blank=True, related_name="working_groups", verbose_name="membres"
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "groupe de travail"
        verbose_name_plural = "groupes de travail"

    def __str__(self):
        return self.name


class Decision(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="decisions", verbose_name="communauté"
    )
    instance = models.ForeignKey(
        Instance, on_delete=models.RESTRICT, related_name="decisions", verbose_name="instance"
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="réunion",
    )
    decided_on = models.DateField("date")
    text = models.TextField("décision")
    actions = models.ManyToManyField(
        PlannedAction, blank=True, related_name="decisions", verbose_name="actions liées"
    )
    roadmap = models.ForeignKey(
        RoadmapVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions",
        verbose_name="version de feuille de route",
    )  # fmt: skip

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = "décision"
        verbose_name_plural = "décisions"
        # The decisions of a community are listed newest first, 50 a page: deep pages stay cheap.
        indexes = [models.Index(fields=["community", "-decided_on", "-id"], name="decision_community_date")]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        if self.instance_id and self.community_id and self.instance.community_id != self.community_id:
            raise ValidationError({"instance": "Cette instance appartient à une autre communauté."})


class Idea(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="ideas", verbose_name="communauté"
    )
    text = models.TextField("idée")
    raised_at = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name="apparue lors de",
    )
    raised_on = models.DateField("le", default=timezone.localdate)
    status = models.CharField("suite", max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.NEW)
    follow_up = models.TextField("suivi", blank=True, default="")

    class Meta:
        ordering = ["-raised_on", "-pk"]
        verbose_name = "idée"
        verbose_name_plural = "idées"

    def __str__(self):
        return self.text[:80]


class Workshop(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="workshops", verbose_name="communauté"
    )
    title = models.CharField("atelier", max_length=200)
    held_on = models.DateField("le")
    objectives = models.TextField("objectifs", blank=True, default="")
    facilitator = models.CharField("animé par", max_length=200, blank=True, default="")
    attendance = models.PositiveIntegerField("participants", default=0)
    outputs = models.TextField("productions", blank=True, default="")
    feedback = models.TextField("retours des participants", blank=True, default="")

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = "atelier"
        verbose_name_plural = "ateliers"

    def __str__(self):
        return self.title
