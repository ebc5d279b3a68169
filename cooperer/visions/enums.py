from django.db import models


class ScopeKind(models.TextChoices):
    QPV = "qpv", "Quartier prioritaire"
    COMMUNE = "commune", "Commune"
    CONTRACT = "contrat", "Contrat de ville"
    COMMUNITY = "communaute", "Communauté d'action"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    ADOPTED = "adopted", "Adoptée"
    SUPERSEDED = "superseded", "Remplacée"


class Horizon(models.TextChoices):
    """Outcomes of the theory of change, from the nearest to the farthest (values shared with analysis.toc)."""

    SHORT = "short", "Court terme"
    INTERMEDIATE = "intermediate", "Moyen terme"
    LONG = "long", "Long terme"


class Level(models.TextChoices):
    POPULATION = "population", "Population"
    PRACTICES = "practices", "Pratiques et institutions"
    COOPERATION = "cooperation", "Coopération"


class AssumptionStatus(models.TextChoices):
    TO_TEST = "to_test", "À tester"
    CONFIRMED = "confirmed", "Confirmée"
    REFUTED = "refuted", "Infirmée"
    REVISED = "revised", "Révisée"
