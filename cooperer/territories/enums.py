from django.db import models


class QpvGeneration(models.IntegerChoices):
    QPV_2015 = 2015, "QPV 2015 (codes QP)"
    QPV_2024 = 2024, "QPV 2024 (codes QN)"


class TargetAreaKind(models.TextChoices):
    LIVED_NEIGHBOURHOOD = "quartier_vecu", "Quartier vécu"
    ACTIVE_WATCH = "veille_active", "Quartier en veille active"
    LOCAL_PRIORITY = "priorite_locale", "Quartier prioritaire d'intérêt local"
    OTHER = "autre", "Autre périmètre local"


class SignatoryKind(models.TextChoices):
    STATE = "etat", "État"
    EPCI = "epci", "Intercommunalité (EPCI)"
    COMMUNE = "commune", "Commune"
    CAF = "caf", "CAF"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    SOCIAL_LANDLORD = "bailleur", "Bailleur social"
    OTHER = "autre", "Autre partenaire"


class GovernanceBodyKind(models.TextChoices):
    COPIL = "copil", "Comité de pilotage (COPIL)"
    COTECH = "cotech", "Comité technique (COTECH)"
    FUNDERS = "financeurs", "Comité des financeurs / de programmation"
    CITIZENS_COUNCIL = "conseil_citoyen", "Conseil citoyen"
    OTHER = "autre", "Autre instance"
