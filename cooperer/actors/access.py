"""The right of access (RGPD art. 15): everything the platform holds about one person, as plain data.

A person is either a contact of the directory or a user account; a user's contacts are those with the same
address. The journal entries about the person are those where they acted and those whose object they are.
Texts written by residents and entered by a user are not the user's data: only the fact of the entry is listed."""

from django.db.models import Q
from django.utils import timezone

from cooperer.accounts.models import User
from cooperer.actors.models import Person
from cooperer.audit.models import AuditEntry
from cooperer.consultations.models import Contribution

JOURNAL_FIELDS = (
    "created_at",
    "action",
    "actor_label",
    "object_type",
    "object_id",
    "object_label",
    "before",
    "after",
)


def _contact(person: Person) -> dict:
    return {
        "identifiant": person.pk,
        "structure": str(person.structure),
        "prénom": person.first_name,
        "nom": person.last_name,
        "fonction": person.role,
        "courriel professionnel": person.email,
        "téléphone professionnel": person.phone,
        "consentement recueilli le": person.consent_at,
        "à conserver jusqu'au": person.retain_until,
    }


def _role(assignment) -> dict:
    return {
        "rôle": assignment.get_role_display(),
        "territoire": str(assignment.epci) if assignment.epci_id else "",
        "financeur": assignment.funder,
        "organisation": assignment.organisation,
        "structure": str(assignment.structure) if assignment.structure_id else "",
    }


def _journal(condition: Q) -> list[dict]:
    return [
        {**row, "action": AuditEntry(action=row["action"]).get_action_display()}
        for row in AuditEntry.objects.filter(condition).order_by("created_at", "pk").values(*JOURNAL_FIELDS)
    ]


def _about(model_label: str, pks) -> Q:
    return Q(object_type=model_label, object_id__in=[str(pk) for pk in pks])


def contact_data(person: Person) -> dict:
    return {
        "généré le": timezone.now(),
        "contact": _contact(person),
        "journal": _journal(_about("actors.person", [person.pk])),
    }


def user_data(user: User) -> dict:
    contacts = (
        list(Person.objects.filter(email__iexact=user.email).select_related("structure"))
        if user.email
        else []
    )
    entered = Contribution.objects.filter(entered_by=user).order_by("pk")
    return {
        "généré le": timezone.now(),
        "compte": {
            "identifiant": user.pk,
            "identifiant de connexion": user.get_username(),
            "prénom": user.first_name,
            "nom": user.last_name,
            "adresse électronique": user.email,
            "actif": user.is_active,
            "créé le": user.date_joined,
            "dernière connexion": user.last_login,
        },
        "rôles": [
            _role(assignment) for assignment in user.role_assignments.select_related("epci", "structure")
        ],
        "contacts de l'annuaire": [_contact(person) for person in contacts],
        "contributions saisies": [
            {"identifiant": pk, "concertation": title, "origine": source, "date": created}
            for pk, title, source, created in entered.values_list(
                "pk", "consultation__title", "source", "created_at"
            )
        ],
        "journal": _journal(
            Q(actor_id=user.pk)
            | _about("accounts.user", [user.pk])
            | _about("actors.person", [p.pk for p in contacts])
        ),
    }
