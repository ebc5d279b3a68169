from django.db import models


class RecordStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "a_relire", "Soumise à relecture"
    PUBLISHED = "publiee", "Publiée"


class Licence(models.TextChoices):
    OPEN = "licence_ouverte", "Licence Ouverte 2.0 (Etalab)"
    CC_BY_SA = "cc_by_sa", "Creative Commons BY-SA 4.0"


class Origin(models.TextChoices):
    SCRATCH = "libre", "Fiche libre"
    COMMUNITY = "communaute", "Communauté d'action"
    APPLICATION = "demande", "Action financée"
    IMPORT = "import", "Import"


class FactorKind(models.TextChoices):
    LEVER = "levier", "Levier"
    OBSTACLE = "frein", "Frein"
