"""Widening a community's circle: an open event (Mulhouse's « assises de la jeunesse »), structures of the
directory that are not members yet suggested by theme, public and territory (the directory's partner
suggestions, `actors.services.partners_for_need`, with their reasons), their invitation by e-mail, their
registration, and after the event who joined the community."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from cooperer.accounts.notifications import notify
from cooperer.actors.services import PartnerSuggestion, partners_for_need
from cooperer.core.typography import long_date
from cooperer.knowledge.models import CircleEvent, EventGuest

SUGGESTIONS = 20


class CircleError(Exception):
    """A refusal, in French."""


def suggestions(event: CircleEvent, limit: int = SUGGESTIONS) -> list[PartnerSuggestion]:
    """Structures of the community's territory that share the event's themes, publics or QPVs, leaving out
    current members and structures already invited; each with why it is suggested."""
    community = event.community
    left_out = set(community.memberships.current().values_list("structure_id", flat=True))
    left_out |= set(event.guests.values_list("structure_id", flat=True))
    found = partners_for_need(
        community.needs, publics=event.publics.all(), qpvs=event.qpvs.all(), themes=event.themes.all(),
        epci=community.epci, limit=limit + len(left_out),
    )  # fmt: skip
    return [s for s in found if s.structure.pk not in left_out][:limit]


def _invitation_text(event: CircleEvent, structure, by) -> str:
    community = event.community
    where = f", {event.place}" if event.place else ""
    return (
        f"Bonjour,\n\n{by} vous invite, au nom de « {structure} », à « {event.title} », le "
        f"{long_date(event.held_on)}{where}, un temps ouvert de la communauté « {community.name} » "
        f"(objectif : {community.objective}).\n\n{event.description}\n\n"
        "Répondez à ce message pour vous inscrire.\n"
    )


@transaction.atomic
def invite(
    event: CircleEvent, structure, *, email: str, reasons: list[str], by, join: bool = False
) -> EventGuest:
    """Invites the structure to the event; with `join`, also to become a member of the community (the
    communities app's invitation, accepted from its link: the membership then counts in `joined_after`)."""
    if event.community.memberships.current().filter(structure=structure).exists():
        raise CircleError(f"« {structure} » est déjà membre de la communauté : inutile de l'inviter.")
    if event.guests.filter(structure=structure).exists():
        raise CircleError(f"« {structure} » est déjà invitée à cet événement.")
    guest = EventGuest.objects.create(
        event=event, structure=structure, email=email.strip(), reasons=reasons[:6], invited_by=by
    )
    subject = f"Invitation : {event.title}"
    body = _invitation_text(event, structure, by)
    if guest.email:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [guest.email], fail_silently=False)
        )
    from cooperer.accounts.models import User

    accounts = User.objects.filter(role_assignments__structure=structure, is_active=True).distinct()
    notify(accounts, subject, body, url="")
    if join:
        from cooperer.communities import services as communities
        from cooperer.communities.enums import MemberRole

        communities.invite(event.community, structure, guest.email, MemberRole.MEMBER, by)
    return guest


def register(guest: EventGuest, registered: bool = True) -> None:
    guest.registered_at = timezone.now() if registered else None
    guest.save(update_fields=["registered_at"])


@dataclass
class Joined:
    structure: str
    joined_on: object
    registered: bool


def joined_after(event: CircleEvent) -> list[Joined]:
    """The invited structures that became members of the community on or after the event's day."""
    guests = {g.structure_id: g for g in event.guests.all()}
    memberships = (
        event.community.memberships.filter(structure_id__in=guests, joined_on__gte=event.held_on)
        .select_related("structure")
        .order_by("joined_on", "structure__name")
    )
    return [
        Joined(m.structure.name, m.joined_on, guests[m.structure_id].registered_at is not None)
        for m in memberships
    ]
