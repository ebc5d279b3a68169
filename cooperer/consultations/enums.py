from django.db import models

QUESTION_2030 = "Comment voulons-nous que notre quartier soit en 2030 ?"

CONSENT_TEXT = (
    "Votre contribution sera lue par l'équipe qui anime la concertation et pourra être citée, sans votre nom, "
    "dans la synthèse publique. Votre nom est facultatif ; il n'est jamais publié. Vous pouvez demander à "
    "consulter ou effacer votre contribution auprès de l'équipe d'animation."
)

# The default taxonomy of politique de la ville, offered when a consultation is created.
DEFAULT_THEMES = [
    (
        "Emploi et insertion",
        "Trouver un travail, se former, créer son activité, accompagnement vers l'emploi.",
    ),
    (
        "Éducation et réussite",
        "École, collège, soutien scolaire, décrochage, parentalité et réussite éducative.",
    ),
    ("Jeunesse", "Lieux, activités et accompagnement des jeunes, engagement et confiance entre générations."),
    ("Santé", "Accès aux soins, médecins, santé mentale, prévention, alimentation et bien-être."),
    (
        "Logement et cadre de vie",
        "Logements, immeubles, propreté, espaces verts, rénovation urbaine, commerces.",
    ),
    (
        "Tranquillité publique",
        "Sécurité, incivilités, trafics, éclairage, sentiment d'insécurité, médiation.",
    ),
    (
        "Mobilité",
        "Transports en commun, bus, tram, vélo, stationnement, se déplacer dans et hors du quartier.",
    ),
    (
        "Lien social et vie associative",
        "Se rencontrer, fêtes de quartier, associations, solidarité entre voisins.",
    ),
    ("Culture et sport", "Équipements sportifs, clubs, bibliothèque, activités culturelles et artistiques."),
    ("Transition écologique", "Nature en ville, jardins partagés, chaleur, énergie, déchets, climat."),
    ("Accès aux droits et services publics", "Démarches administratives, CAF, numérique, France services."),
    ("Participation citoyenne", "Être écouté, conseil citoyen, décider ensemble, informer les habitants."),
]


class ConsultationStatus(models.TextChoices):
    DRAFT = "brouillon", "En préparation"
    OPEN = "ouverte", "Ouverte aux contributions"
    CLOSED = "close", "Close"


class Audience(models.TextChoices):
    RESIDENTS = "habitants", "Habitants"
    PROFESSIONALS = "professionnels", "Professionnels"
    YOUTH = "jeunes", "Jeunes"
    CITIZENS_COUNCIL = "conseil_citoyen", "Conseil citoyen"
    MIXED = "mixte", "Mixte"

    @property
    def of_whom(self) -> str:
        """« 11 contributions des professionnels », « 3 du conseil citoyen »."""
        return {"conseil_citoyen": "du conseil citoyen", "mixte": "de publics mêlés"}.get(
            self.value, f"des {self.label.lower()}"
        )


class SessionFormat(models.TextChoices):
    WORKSHOP = "atelier", "Atelier"
    DOOR_TO_DOOR = "porte_a_porte", "Porte-à-porte"
    STAND = "stand", "Stand"
    ONLINE = "questionnaire_en_ligne", "Questionnaire en ligne"
    WALK = "marche_exploratoire", "Marche exploratoire"


class ContributionKind(models.TextChoices):
    NEED = "constat", "Constat / besoin"
    ASPIRATION = "aspiration", "Aspiration"
    PROPOSAL = "proposition", "Proposition"
    RESOURCE = "ressource", "Ressource du quartier"


class ContributionSource(models.TextChoices):
    FORM = "formulaire", "Formulaire public"
    ASSISTED = "saisie_assistee", "Saisie assistée"
    IMPORT = "import", "Import de fichier"
    DECIDIM = "decidim", "Export Decidim"


class Sex(models.TextChoices):
    WOMEN = "femmes", "Femmes"
    MEN = "hommes", "Hommes"
    OTHER = "autre", "Autre ou non précisé"


class AgeBand(models.TextChoices):
    UNDER_15 = "moins_15", "Moins de 15 ans"
    FROM_15 = "15_24", "15–24 ans"
    FROM_25 = "25_59", "25–59 ans"
    FROM_60 = "60_plus", "60 ans et plus"


class TagOrigin(models.TextChoices):
    AUTO = "auto", "Proposé par l'analyse"
    CONFIRMED = "confirme", "Confirmé"
    MANUAL = "manuel", "Corrigé à la main"
