from django.db import models


class IndicatorKind(models.TextChoices):
    CONTEXT = "context", "Contexte du quartier"
    OUTCOME = "outcome", "Résultat (changement attendu)"
    OUTPUT = "output", "Réalisation d'une action"
    COOPERATION = "cooperation", "Coopération"


class Polarity(models.TextChoices):
    UP = "up", "Une hausse est souhaitée"
    DOWN = "down", "Une baisse est souhaitée"
    NEUTRAL = "neutral", "Ni hausse ni baisse souhaitée"


class Periodicity(models.TextChoices):
    ANNUAL = "annual", "Annuelle"
    SEMESTER = "semester", "Semestrielle"
    QUARTERLY = "quarterly", "Trimestrielle"
    MONTHLY = "monthly", "Mensuelle"
    CENSUS = "census", "À chaque recensement ou millésime"
    ONCE = "once", "Ponctuelle"


class Unit(models.TextChoices):
    PEOPLE = "personnes", "personnes"
    COUNT = "nombre", "nombre"
    PERCENT = "pourcent", "%"
    EUROS = "euros", "€"
    HOURS = "heures", "heures"
    RATIO = "ratio", "ratio"
    SESSIONS = "seances", "séances"


class Disaggregation(models.TextChoices):
    """Axes along which a count is broken down; the categories of each axis are fixed so that sums can be checked."""

    SEX = "sexe", "Sexe"
    AGE = "age", "Tranche d'âge"
    RESIDENCE = "residence", "Résidence en QPV"


DISAGGREGATION_CATEGORIES = {
    Disaggregation.SEX: {"femmes": "Femmes", "hommes": "Hommes", "non_precise": "Non précisé"},
    Disaggregation.AGE: {
        "0-11": "0–11 ans",
        "12-17": "12–17 ans",
        "18-25": "18–25 ans",
        "26-59": "26–59 ans",
        "60+": "60 ans et plus",
        "non_precise": "Non précisé",
    },
    Disaggregation.RESIDENCE: {
        "qpv": "Habitants d'un QPV",
        "hors_qpv": "Hors QPV",
        "non_precise": "Non précisé",
    },
}


class MeasurementSource(models.TextChoices):
    OFFICIAL_FILE = "official_file", "Fichier officiel"
    BILAN = "bilan", "Bilan d'une action"
    UPLOAD = "upload", "Import d'un fichier"
    COMMAND = "command", "Ligne de commande"
    PLATFORM = "platform", "Calculé par Coopérer"


class BilanStatus(models.TextChoices):
    EXPECTED = "expected", "À produire"
    DRAFT = "draft", "En cours de rédaction"
    SUBMITTED = "submitted", "Déposé"
    RETURNED = "returned", "Renvoyé pour compléments"
    APPROVED = "approved", "Approuvé"


class ReportKind(models.TextChoices):
    ANNUAL = "annual", "Rapport annuel du contrat de ville"
    MIDTERM = "midterm", "Évaluation à mi-parcours"
