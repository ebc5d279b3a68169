from django.db import models


class Action(models.TextChoices):
    GRANT_DECISION = "grant_decision", "Décision du comité sur une demande"
    ROADMAP_ADOPTED = "roadmap_adopted", "Adoption d'une feuille de route"
    VISION_ADOPTED = "vision_adopted", "Adoption d'une vision"
    CONTRIBUTION_HIDDEN = "contribution_hidden", "Contribution masquée"
    CONTRIBUTION_RESTORED = "contribution_restored", "Contribution rétablie"
    CONTRIBUTION_ERASED = "contribution_erased", "Contribution effacée à la demande de son auteur"
    ROLE_GRANTED = "role_granted", "Rôle attribué"
    ROLE_CHANGED = "role_changed", "Rôle modifié"
    ROLE_REMOVED = "role_removed", "Rôle retiré"
    DATA_IMPORTED = "data_imported", "Import de données personnelles"
    DATA_EXPORTED = "data_exported", "Export de données personnelles"
    CONTACTS_PURGED = "contacts_purged", "Contacts supprimés à la fin de leur durée de conservation"
    LOGIN = "login", "Connexion"
    LOGIN_FAILED = "login_failed", "Échec de connexion"
    LOGOUT = "logout", "Déconnexion"
    ACCOUNT_LOCKED = "account_locked", "Connexion bloquée après des échecs"
    ACCOUNT_UNLOCKED = "account_unlocked", "Connexion débloquée par un·e administrateur·rice"
    API_TOKEN_CREATED = "api_token_created", "Jeton d'accès à l'API créé"
