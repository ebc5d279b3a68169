from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrateur·rice de la plateforme"
    ANIMATION = "animation", "Animatrice / coordinateur de coopération"
    INSTRUCTION = "instruction", "Instructeur·rice d'un financeur"
    STRUCTURE_MEMBER = "structure_member", "Membre d'une structure"


class Funder(models.TextChoices):
    STATE = "etat", "État (délégué·e du préfet)"
    EPCI = "epci", "Intercommunalité"
    COMMUNE = "commune", "Commune"
    CAF = "caf", "CAF"
    DEPARTEMENT = "departement", "Département"
