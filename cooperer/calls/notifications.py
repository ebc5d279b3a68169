"""What the applicant is told, in plain French: the deposit of the application, a request for complements, the
committee's decision with its amounts per funder and its motivation. Sent to the members of the applicant
structure and of its co-porteurs."""

from django.conf import settings

from cooperer.accounts.notifications import members_of, notify
from cooperer.calls import receipt
from cooperer.calls.enums import PartnerRole
from cooperer.calls.models import Application, ComplementRequest, Decision


def _carriers(application: Application) -> list:
    ids = {application.applicant_id} | set(
        application.partners.filter(role=PartnerRole.CO_LEAD).values_list("structure_id", flat=True)
    )
    return members_of(ids)


def _link(application: Application) -> str:
    return f"{settings.COOPERER_SITE_URL.rstrip('/')}{application.get_absolute_url()}"


def _send(application: Application, subject: str, lines: list[str]) -> None:
    body = "\n".join(["Bonjour,", "", *lines, "", f"La demande : {_link(application)}", "", "— Coopérer", ""])
    notify(_carriers(application), subject, body, url=application.get_absolute_url())


def deposited(application: Application) -> None:
    _send(
        application,
        f"Demande déposée : « {application.title} »",
        [
            f"La demande « {application.title} » de {application.applicant.name} est déposée sur l'appel "
            f"« {application.call.name} » le {receipt.deposited_at(application)}.",
            f"Référence de l'accusé de réception : {receipt.reference(application)}.",
            f"L'accusé de réception (PDF) : {settings.COOPERER_SITE_URL.rstrip('/')}{receipt.url(application)}",
            "Les financeurs de l'appel l'instruisent ; vous serez informé·e de la décision et de sa motivation.",
        ],
    )


def complements_asked(request: ComplementRequest) -> None:
    application = request.application
    _send(
        application,
        f"Compléments demandés : « {application.title} »",
        [
            f"Les instructeurs de l'appel « {application.call.name} » demandent des compléments à la demande "
            f"« {application.title} », à fournir avant le {request.deadline:%d/%m/%Y} :",
            "",
            request.message,
            "",
            "La demande est rouverte : complétez-la puis déposez-la à nouveau.",
        ],
    )


def decided(decision: Decision, grants) -> None:
    from cooperer.calls.services import money

    application = decision.application
    amounts = [f"- {grant.call_funder.name} : {money(grant.amount)}" for grant in grants]
    _send(
        application,
        f"Décision du comité : « {application.title} »",
        [
            f"Le {decision.committee.lower() if decision.committee else 'comité de programmation'} du "
            f"{decision.decided_on:%d/%m/%Y} a décidé de la demande « {application.title} » : "
            f"{decision.get_outcome_display().lower()}.",
            *(["", "Montants attribués :", *amounts] if amounts else []),
            "",
            "Motivation :",
            decision.motivation,
        ],
    )
