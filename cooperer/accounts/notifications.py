"""Messages to people: sent by e-mail (plain text, Django's e-mail framework) once the transaction that caused
them commits, and kept as `Notification` rows so that each person finds them on « Mes messages »."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from cooperer.accounts.enums import Role
from cooperer.accounts.models import Notification, User

SUBJECT_PREFIX = "[Coopérer] "


def members_of(structure_ids) -> list[User]:
    """The active users who are members of these structures and have an address."""
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.STRUCTURE_MEMBER,
            role_assignments__structure__in=list(structure_ids),
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def notify(users, subject: str, body: str, url: str = "") -> list[Notification]:
    """Records the message for each user now and e-mails it when the current transaction commits."""
    users = list(users)
    if not users:
        return []
    notes = Notification.objects.bulk_create(
        Notification(user=user, subject=subject[:300], body=body, url=url[:300]) for user in users
    )
    messages = [(SUBJECT_PREFIX + subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]) for user in users]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
    return notes
