from django.db import models


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", "Association loi 1901"
    LOCAL_LAW_ASSOCIATION = "association_droit_local", "Association de droit local (Alsace-Moselle)"
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "Intercommunalité (EPCI)"
    STATE = "etat", "Service de l'État"
    CAF = "caf", "CAF"
    DEPARTEMENT = "departement", "Département"
    SOCIAL_LANDLORD = "bailleur", "Bailleur social"
    SCHOOL = "ecole", "Établissement scolaire"
    SOCIAL_CENTRE = "centre_social", "Centre social"
    MJC = "mjc", "MJC"
    COMPANY = "entreprise", "Entreprise"
    FOUNDATION = "fondation", "Fondation"
    RESIDENTS_COLLECTIVE = "collectif_habitants", "Collectif d'habitants (informel)"
    OTHER = "autre", "Autre"


class Sector(models.TextChoices):
    """The three worlds whose cross ties the network metrics count (plus the rest)."""

    ASSOCIATIVE = "associatif", "Associations et structures de proximité"
    INSTITUTIONAL = "institutionnel", "Institutions"
    RESIDENTS = "habitants", "Collectifs d'habitants"
    OTHER = "autre", "Autres (entreprises…)"


SECTOR_OF_FORM = {
    LegalForm.ASSOCIATION: Sector.ASSOCIATIVE,
    LegalForm.LOCAL_LAW_ASSOCIATION: Sector.ASSOCIATIVE,
    LegalForm.SOCIAL_CENTRE: Sector.ASSOCIATIVE,
    LegalForm.MJC: Sector.ASSOCIATIVE,
    LegalForm.FOUNDATION: Sector.ASSOCIATIVE,
    LegalForm.COMMUNE: Sector.INSTITUTIONAL,
    LegalForm.EPCI: Sector.INSTITUTIONAL,
    LegalForm.STATE: Sector.INSTITUTIONAL,
    LegalForm.CAF: Sector.INSTITUTIONAL,
    LegalForm.DEPARTEMENT: Sector.INSTITUTIONAL,
    LegalForm.SOCIAL_LANDLORD: Sector.INSTITUTIONAL,
    LegalForm.SCHOOL: Sector.INSTITUTIONAL,
    LegalForm.RESIDENTS_COLLECTIVE: Sector.RESIDENTS,
    LegalForm.COMPANY: Sector.OTHER,
    LegalForm.OTHER: Sector.OTHER,
}


class Resource(models.TextChoices):
    """What a structure offers or needs."""

    SKILLS = "competences", "Compétences"
    PREMISES = "locaux", "Locaux"
    VOLUNTEERS = "benevoles", "Bénévoles"
    FUNDING = "financement", "Financement"
    EQUIPMENT = "materiel", "Matériel"
    NETWORK = "reseau", "Réseau, mise en relation"
    PUBLIC_REACH = "publics", "Accès aux publics"


class LinkKind(models.TextChoices):
    PARTNERSHIP = "partenariat", "Partenariat"
    REFERRAL = "orientation", "Orientation / prescription"
    COFUNDING = "cofinancement", "Cofinancement"
    SHARED_MEANS = "mutualisation", "Mutualisation de moyens"
    NETWORK_MEMBER = "reseau", "Membre d'un réseau"
    JOINT_PROJECT = "coportage", "Co-portage de projet"
