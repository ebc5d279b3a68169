"""Reminders of the bilans due: 30 days before the due date, the day after it, then every 30 days while late;
never twice for the same step (recorded in `Bilan.reminders`). Run daily: `cooperer remind-bilans` (a timer in
production; by hand in the embedded demo, whose e-mails show in the server's terminal)."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from cooperer.accounts.enums import Role
from cooperer.accounts.models import RoleAssignment
from cooperer.calls.enums import PartnerRole
from cooperer.measurement.enums import BilanStatus
from cooperer.measurement.models import Bilan

BEFORE_DAYS = 30
LATE_EVERY_DAYS = 30


def structure_emails(bilan: Bilan) -> list[str]:
    application = bilan.application
    structure_ids = {application.applicant_id}
    structure_ids |= {p.structure_id for p in application.partners.all() if p.role == PartnerRole.CO_LEAD}
    return sorted(
        set(
            RoleAssignment.objects.filter(role=Role.STRUCTURE_MEMBER, structure_id__in=structure_ids)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _send(subject: str, body: str, to: list[str]) -> int:
    if not to:
        return 0
    return send_mail(subject, body, getattr(settings, "DEFAULT_FROM_EMAIL", None), to)


def reminder_step(bilan: Bilan, today: date) -> str | None:
    """The reminder due today, if any: « avant » 30 days before the due date, then « retard-N » the day after it
    and every 30 days while the bilan is late."""
    days_left = (bilan.due_on - today).days
    if 0 <= days_left <= BEFORE_DAYS:
        return "avant"
    if days_left < 0:
        late = -days_left - 1
        return f"retard-{late // LATE_EVERY_DAYS}"
    return None


def send_reminders(today: date) -> int:
    """Mails the reminders due today, never twice for the same step (recorded in `Bilan.reminders`); returns how
    many bilans were reminded."""
    sent = 0
    waiting = (
        Bilan.objects.filter(status__in=(BilanStatus.EXPECTED, BilanStatus.DRAFT, BilanStatus.RETURNED))
        .filter(period_end__lt=today)
        .select_related("application__call")
        .prefetch_related("application__partners")
    )
    for bilan in waiting:
        step = reminder_step(bilan, today)
        if step is None or step in bilan.reminders:
            continue
        title = bilan.application.title
        if step == "avant":
            subject = f"Rappel : bilan de « {title} » à déposer avant le {bilan.due_on:%d/%m/%Y}"
        else:
            subject = f"Relance : bilan de « {title} » attendu depuis le {bilan.due_on:%d/%m/%Y}"
        body = (
            f"Le bilan {bilan.period_start:%Y} et le compte-rendu financier de « {title} » sont à déposer "
            f"avant le {bilan.due_on:%d/%m/%Y}."
        )
        with transaction.atomic():
            _send(subject, body, structure_emails(bilan))
            bilan.reminders = [*bilan.reminders, step]
            bilan.save(update_fields=["reminders"])
        sent += 1
    return sent
