"""E-mails of the follow-up, sent once the transaction that changed the bilan has committed."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from cooperer.accounts.enums import Role
from cooperer.accounts.models import RoleAssignment
from cooperer.measurement.followup import granting_funders


def _members(bilan) -> list[str]:
    rows = RoleAssignment.objects.filter(
        role=Role.STRUCTURE_MEMBER, structure_id=bilan.application.applicant_id
    )
    return sorted({a.user.email for a in rows.select_related("user") if a.user.email})


def _instructors(bilan) -> list[str]:
    rows = RoleAssignment.objects.filter(
        role=Role.INSTRUCTION, epci_id=bilan.application.call.epci_id, funder__in=granting_funders(bilan)
    ).select_related("user")
    return sorted({a.user.email for a in rows if a.user.email})


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if recipients:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)
        )


def _link(bilan) -> str:
    return f"Dans Coopérer : Mesure › Bilans ({reverse('measurement:bilan', args=[bilan.pk])})"


def bilan_submitted(bilan) -> None:
    _send(
        f"Bilan déposé : {bilan.application.title}",
        f"Le bilan {bilan.period_start:%Y} de « {bilan.application.title} » ({bilan.application.applicant}) a été "
        f"déposé. Vous pouvez l'approuver ou le renvoyer avec un commentaire :\n{_link(bilan)}\n",
        _instructors(bilan),
    )


def bilan_reviewed(bilan, *, approved: bool, comment: str) -> None:
    verdict = "approuvé" if approved else "renvoyé pour compléments"
    body = f"Le bilan {bilan.period_start:%Y} de « {bilan.application.title} » a été {verdict}.\n"
    if comment.strip():
        body += f"\nCommentaire du financeur :\n{comment.strip()}\n"
    _send(f"Bilan {verdict} : {bilan.application.title}", body + f"\n{_link(bilan)}\n", _members(bilan))
