from django.db import models


class CallKind(models.TextChoices):
    PROJECTS = "appel_projets", "Appel à projets"
    AMI = "ami", "Appel à manifestation d'intérêt"
    COOPERATION = "appel_cooperations", "Appel à coopérations"


class CallStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    OPEN = "open", "Ouvert"
    CLOSED = "closed", "Clos"


class Beneficiary(models.TextChoices):
    """Who may apply (Etalab « dispositif d'aide », beneficiaires_aide)."""

    ASSOCIATION = "association", "Association"
    LOCAL_AUTHORITY = "collectivite", "Collectivité"
    PUBLIC_BODY = "etablissement_public", "Établissement public"
    SOCIAL_ECONOMY = "entreprise_ess", "Entreprise de l'ESS"
    SOCIAL_LANDLORD = "bailleur", "Bailleur social"


class CriterionKind(models.TextChoices):
    ELIGIBILITY = "eligibilite", "Éligibilité"
    ALIGNMENT = "vision", "Cohérence avec la vision"
    COOPERATION = "cooperation", "Coopération"
    RESIDENTS = "habitants", "Habitants touchés"
    FEASIBILITY = "faisabilite", "Faisabilité"
    EVALUATION = "evaluation", "Plan d'évaluation"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Déposée"
    COMPLEMENTS = "complements", "Compléments demandés"
    REVIEWED = "reviewed", "Instruite"
    DECIDED = "decided", "Décidée"
    MERGED = "merged", "Fusionnée dans un consortium"


class PartnerRole(models.TextChoices):
    CO_LEAD = "co_porteur", "Co-porteur"
    OPERATIONAL = "operationnel", "Partenaire opérationnel"
    FUNDER = "financeur", "Financeur"
    REFERRER = "orienteur", "Orienteur"


class Verdict(models.TextChoices):
    FAVOURABLE = "favorable", "Favorable"
    RESERVED = "reserve", "Favorable avec réserves"
    UNFAVOURABLE = "defavorable", "Défavorable"


class Outcome(models.TextChoices):
    GRANTED = "accordee", "Accordée"
    PARTIAL = "partielle", "Accordée en partie"
    REFUSED = "refusee", "Refusée"
    POSTPONED = "ajournee", "Ajournée"
    INELIGIBLE = "irrecevable", "Irrecevable"


# CERFA 12156 project budget: charges (60–68, 86 in kind) and products (70–79, 87 in kind); account 74 is the
# operating subsidies, split by funder.
CHARGE_ACCOUNTS = {
    "60": "60 – Achats",
    "61": "61 – Services extérieurs",
    "62": "62 – Autres services extérieurs",
    "63": "63 – Impôts et taxes",
    "64": "64 – Charges de personnel",
    "65": "65 – Autres charges de gestion courante",
    "66": "66 – Charges financières",
    "67": "67 – Charges exceptionnelles",
    "68": "68 – Dotation aux amortissements",
    "86": "86 – Emplois des contributions volontaires en nature",
}
PRODUCT_ACCOUNTS = {
    "70": "70 – Vente de produits finis, prestations de services",
    "73": "73 – Dotations et produits de tarification",
    "74": "74 – Subventions d'exploitation",
    "75": "75 – Autres produits de gestion courante",
    "76": "76 – Produits financiers",
    "77": "77 – Produits exceptionnels",
    "78": "78 – Reprises sur amortissements et provisions",
    "79": "79 – Transfert de charges",
    "87": "87 – Contributions volontaires en nature",
}
IN_KIND_ACCOUNTS = {"86", "87"}
SUBSIDY_ACCOUNT = "74"
