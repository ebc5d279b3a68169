from django.db import models


class RecordStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "a_relire", "Soumise à relecture"
    PUBLISHED = "publiee", "Publiée"


class Licence(models.TextChoices):
    """The two open licences of records and kit templates (identifiers as in data.gouv.fr and SPDX)."""

    OPEN = "etalab-2.0", "Licence Ouverte 2.0 (Etalab)"
    CC_BY_SA = "cc-by-sa-4.0", "Creative Commons BY-SA 4.0"


class Origin(models.TextChoices):
    SCRATCH = "libre", "Fiche libre"
    COMMUNITY = "communaute", "Communauté d'action"
    APPLICATION = "demande", "Action financée"
    IMPORT = "import", "Import"


class FactorKind(models.TextChoices):
    LEVER = "levier", "Levier"
    OBSTACLE = "frein", "Frein"
