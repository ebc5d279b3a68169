from django.db import models


class CommunityKind(models.TextChoices):
    ACTION_COMMUNITY = "communaute_action", "Communauté d'action (La Fonda)"
    COLLECTIVE_IMPACT = "impact_collectif", "Collectif Quartier à Impact Collectif"
    OTHER = "autre", "Autre coopération"


class Phase(models.TextChoices):
    PREFIGURATION = "prefiguration", "Préfiguration / impulsion"
    STRUCTURATION = "structuration", "Structuration"
    SUSTAINING = "perennisation", "Pérennisation"


PHASE_ORDER = [Phase.PREFIGURATION, Phase.STRUCTURATION, Phase.SUSTAINING]


class MemberRole(models.TextChoices):
    BACKBONE = "soutien", "Fonction de soutien (anime)"
    MEMBER = "membre", "Membre (contribue)"
    OBSERVER = "observateur", "Observateur (lit)"


class CooperationLevel(models.TextChoices):
    INFORMATION = "information", "S'informer"
    CONSULTATION = "consultation", "Être consulté"
    COORDINATION = "coordination", "Se coordonner"
    COOPERATION = "cooperation", "Coopérer"
    CO_CONSTRUCTION = "coconstruction", "Co-construire"


class InstanceKind(models.TextChoices):
    COPIL = "copil", "Comité de pilotage (COPIL)"
    COTECH = "cotech", "Comité technique"
    PLENARY = "pleniere", "Plénière"
    WORKING_GROUP = "groupe_travail", "Groupe de travail"


class ActionStatus(models.TextChoices):
    PLANNED = "prevue", "Prévue"
    ONGOING = "en_cours", "En cours"
    DONE = "realisee", "Réalisée"
    DROPPED = "abandonnee", "Abandonnée"


class IdeaStatus(models.TextChoices):
    NEW = "nouvelle", "Nouvelle"
    STUDYING = "etude", "À l'étude"
    ADOPTED = "retenue", "Retenue"
    DONE = "realisee", "Réalisée"
    SET_ASIDE = "ecartee", "Écartée"


class RoadmapStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    ADOPTED = "adoptee", "Adoptée"
    REPLACED = "remplacee", "Remplacée"  # adopted, then superseded by a later adopted version


BACKBONE_MISSIONS = [
    "Faciliter la vision commune",
    "Soutenir des actions alignées",
    "Établir des pratiques de mesure partagées",
    "Mobiliser l'engagement et la participation",
    "Faire avancer les politiques publiques",
    "Mobiliser les financements",
]

SDG_LABELS = {
    1: "Pas de pauvreté", 2: "Faim « zéro »", 3: "Bonne santé et bien-être", 4: "Éducation de qualité",
    5: "Égalité entre les sexes", 6: "Eau propre et assainissement", 7: "Énergie propre et d'un coût abordable",
    8: "Travail décent et croissance économique", 9: "Industrie, innovation et infrastructure",
    10: "Inégalités réduites", 11: "Villes et communautés durables", 12: "Consommation et production responsables",
    13: "Mesures relatives à la lutte contre les changements climatiques", 14: "Vie aquatique",
    15: "Vie terrestre", 16: "Paix, justice et institutions efficaces", 17: "Partenariats pour la réalisation des objectifs",
}  # fmt: skip
