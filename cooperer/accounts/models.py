"""Users and their roles. A role is granted on a territory (an EPCI, hence its contrats de ville);
only platform administrators act everywhere (docs/adr/004-permissions.md)."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cooperer.accounts.enums import Funder, Role


class User(AbstractUser):
    email = models.EmailField("adresse électronique", unique=True)
    is_demo = models.BooleanField("compte de démonstration", default=False)

    class Meta:
        verbose_name = "utilisateur·rice"
        verbose_name_plural = "utilisateur·rices"

    def __str__(self):
        return self.get_full_name() or self.email


class RoleAssignmentQuerySet(models.QuerySet):
    def for_epci(self, epci):
        return self.filter(models.Q(epci=epci) | models.Q(role=Role.ADMIN))


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    funder = models.CharField("financeur", max_length=20, choices=Funder.choices, blank=True, default="")
    epci = models.ForeignKey(
        "territories.Epci",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name="territoire (EPCI)",
    )
    organisation = models.CharField("organisation", max_length=200, blank=True, default="")
    structure = models.ForeignKey(
        "actors.Structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member_roles",
        verbose_name="structure (pour un membre)",
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "rôle attribué"
        verbose_name_plural = "rôles attribués"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "epci"], name="unique_role_per_territory"),
        ]

    def __str__(self):
        where = self.epci.name if self.epci_id else "toute la plateforme"
        return f"{self.get_role_display()} — {where}"

    def clean(self):
        if self.role == Role.ADMIN and self.epci_id:
            raise ValidationError(
                "Le rôle d'administrateur·rice porte sur toute la plateforme, sans territoire."
            )
        if self.role != Role.ADMIN and not self.epci_id:
            raise ValidationError("Ce rôle doit être rattaché à un territoire (EPCI).")
        if self.role == Role.INSTRUCTION and not self.funder:
            raise ValidationError("Précisez le financeur pour lequel cette personne instruit.")


class Notification(models.Model):
    """A message sent to a person by e-mail, kept so that they find it again on their page."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField("objet", max_length=300)
    body = models.TextField("message")
    url = models.CharField("lien", max_length=300, blank=True, default="")
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = "message envoyé"
        indexes = [models.Index(fields=["user", "-sent_at"])]

    def __str__(self):
        return self.subject
