"""Workflows of a community of action. Each function checks its own rule and raises CommunityError with a
French message; views turn that into a form error."""

import datetime
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cooperer.communities.enums import PHASE_ORDER, RoadmapStatus
from cooperer.communities.models import (
    Attendance,
    Axis,
    Community,
    Decision,
    Idea,
    Instance,
    Invitation,
    Meeting,
    Membership,
    PhaseTransition,
    PlannedAction,
    RoadmapVersion,
)


class CommunityError(Exception):
    pass


def member_emails(community: Community) -> list[str]:
    rows = community.memberships.current().values_list("person__email", "user__email")
    return sorted({email for pair in rows for email in pair if email})


def _notify(community: Community, subject: str, body: str) -> int:
    recipients = member_emails(community)
    messages = [
        (f"[{community.name}] {subject}", body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients
    ]
    return send_mass_mail(messages, fail_silently=False) if messages else 0


def add_member(
    community: Community,
    structure,
    *,
    role,
    contribution="",
    level=None,
    person=None,
    user=None,
    joined_on=None,
):
    if community.memberships.current().filter(structure=structure).exists():
        raise CommunityError(f"« {structure} » est déjà membre de la communauté.")
    values = {"role": role, "contribution": contribution, "person": person, "user": user}
    if level:
        values["level"] = level
    if joined_on:
        values["joined_on"] = joined_on
    return Membership.objects.create(community=community, structure=structure, **values)


def leave(membership: Membership, on: datetime.date | None = None) -> None:
    """Leaving keeps the history: the membership is closed, not deleted."""
    if membership.left_on:
        raise CommunityError("Ce membre a déjà quitté la communauté.")
    membership.left_on = on or timezone.localdate()
    membership.save(update_fields=["left_on"])


def invite(community: Community, structure, email: str, role, by) -> Invitation:
    if community.memberships.current().filter(structure=structure).exists():
        raise CommunityError(f"« {structure} » est déjà membre de la communauté.")
    invitation = Invitation.objects.create(
        community=community,
        structure=structure,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=by,
    )
    link = settings.COOPERER_SITE_URL + reverse("communities:accept", args=[invitation.token])
    send_mass_mail(
        [(
            f"Invitation à rejoindre « {community.name} »",
            f"Bonjour,\n\n{by} vous invite, au nom de « {structure} », à rejoindre la communauté « {community.name} » "
            f"(objectif : {community.objective}).\n\nPour accepter, connectez-vous à Coopérer puis ouvrez ce lien :\n{link}\n",
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )]
    )  # fmt: skip
    return invitation


@transaction.atomic
def accept_invitation(token: str, user) -> Membership:
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None:
        raise CommunityError("Cette invitation n'existe pas.")
    if invitation.accepted_at:
        raise CommunityError("Cette invitation a déjà été acceptée.")
    if invitation.sent_at < timezone.now() - datetime.timedelta(days=30):
        raise CommunityError("Cette invitation a expiré (30 jours) : demandez-en une nouvelle.")
    membership = add_member(invitation.community, invitation.structure, role=invitation.role, user=user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def change_phase(
    community: Community, phase: str, on: datetime.date, justification: str, user
) -> PhaseTransition:
    if phase == community.phase:
        raise CommunityError("La communauté est déjà dans cette phase.")
    if not justification.strip():
        raise CommunityError("Dites ce qui justifie ce changement de phase.")
    last = community.transitions.order_by("-on").first()
    if last and on < last.on:
        raise CommunityError(f"Ce changement ne peut pas précéder le précédent ({last.on:%d/%m/%Y}).")
    transition = PhaseTransition.objects.create(
        community=community, phase=phase, on=on, justification=justification, recorded_by=user
    )
    community.phase = phase
    community.save(update_fields=["phase"])
    return transition


def phase_progress(community: Community) -> list[dict]:
    current = PHASE_ORDER.index(community.phase)
    return [
        {"phase": phase, "label": phase.label, "done": i < current, "current": i == current}
        for i, phase in enumerate(PHASE_ORDER)
    ]


def schedule_meeting(instance: Instance, *, starts_at, place="", agenda="", convene=False) -> Meeting:
    if convene and starts_at <= timezone.now():
        raise CommunityError("Une convocation ne peut pas être envoyée pour une réunion déjà passée.")
    meeting = Meeting.objects.create(instance=instance, starts_at=starts_at, place=place, agenda=agenda)
    if convene:
        convene_meeting(meeting)
    return meeting


def convene_meeting(meeting: Meeting) -> int:
    if meeting.starts_at <= timezone.now():
        raise CommunityError("Une convocation ne peut pas être envoyée pour une réunion déjà passée.")
    community = meeting.instance.community
    when = timezone.localtime(meeting.starts_at)
    sent = _notify(
        community,
        f"Convocation : {meeting.instance.name} du {when:%d/%m/%Y à %H:%M}",
        f"Vous êtes convié·e à la réunion « {meeting.instance.name} » le {when:%d/%m/%Y à %H:%M}"
        f"{' — ' + meeting.place if meeting.place else ''}.\n\nOrdre du jour :\n{meeting.agenda or '(à venir)'}\n",
    )
    meeting.convened_at = timezone.now()
    meeting.save(update_fields=["convened_at"])
    return sent


def record_attendance(meeting: Meeting, present_ids: set[int]) -> None:
    """Attendance of the members on the day of the meeting (joined by then, not yet left)."""
    day = timezone.localdate(meeting.starts_at)
    memberships = list(
        meeting.instance.community.memberships.filter(joined_on__lte=day).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=day)
        )
    )
    unknown = present_ids - {m.pk for m in memberships}
    if unknown:
        raise CommunityError("Seuls les membres de la communauté peuvent être notés présents.")
    with transaction.atomic():
        meeting.attendances.all().delete()
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, membership=m, present=m.pk in present_ids) for m in memberships]
        )


def record_decision(
    community: Community,
    *,
    instance: Instance | None,
    text: str,
    decided_on,
    meeting=None,
    actions=(),
    roadmap=None,
) -> Decision:
    if instance is None:
        raise CommunityError("Une décision est prise par une instance : choisissez-la.")
    if instance.community_id != community.pk:
        raise CommunityError("Cette instance appartient à une autre communauté.")
    if meeting is not None and meeting.instance_id != instance.pk:
        raise CommunityError("Cette réunion n'est pas une réunion de l'instance choisie.")
    if not text.strip():
        raise CommunityError("Le texte de la décision est vide.")
    decision = Decision.objects.create(
        community=community,
        instance=instance,
        meeting=meeting,
        decided_on=decided_on,
        text=text,
        roadmap=roadmap,
    )
    decision.actions.set(actions)
    _notify(community, f"Décision du {decided_on:%d/%m/%Y} ({instance.name})", f"{text}\n")
    return decision


def log_idea(community: Community, text: str, *, meeting=None, raised_on=None) -> Idea:
    if not text.strip():
        raise CommunityError("L'idée est vide.")
    if meeting is not None and meeting.instance.community_id != community.pk:
        raise CommunityError("Cette réunion appartient à une autre communauté.")
    return Idea.objects.create(
        community=community, text=text, raised_at=meeting, raised_on=raised_on or timezone.localdate()
    )


@transaction.atomic
def new_roadmap_version(community: Community, summary: str = "") -> RoadmapVersion:
    """A draft that starts as a copy of the latest version (axes, actions, partners)."""
    latest = community.roadmaps.order_by("-number").first()
    version = RoadmapVersion.objects.create(
        community=community,
        number=(latest.number + 1) if latest else 1,
        summary=summary or (latest.summary if latest else ""),
    )
    if latest:
        for axis in latest.axes.prefetch_related("actions__partners"):
            copy = Axis.objects.create(
                roadmap=version, title=axis.title, description=axis.description, order=axis.order
            )
            for action in axis.actions.all():
                partners = list(action.partners.all())
                action.pk, action.axis = None, copy
                action.save()
                action.partners.set(partners)
    return version


@transaction.atomic
def adopt_roadmap(version: RoadmapVersion, *, instance: Instance, on: datetime.date) -> Decision:
    if version.status == RoadmapStatus.ADOPTED:
        raise CommunityError(f"La version {version.number} est déjà adoptée.")
    if instance.community_id != version.community_id:
        raise CommunityError("Une feuille de route est adoptée par une instance de sa propre communauté.")
    if not version.axes.exists():
        raise CommunityError("Une feuille de route sans axe ne peut pas être adoptée.")
    version.status, version.adopted_on, version.adopted_by = RoadmapStatus.ADOPTED, on, instance
    version.save(update_fields=["status", "adopted_on", "adopted_by"])
    return record_decision(
        version.community, instance=instance, decided_on=on, roadmap=version,
        text=f"Adoption de la feuille de route, version {version.number}.",
    )  # fmt: skip


@dataclass
class RoadmapDiff:
    added_axes: list[str] = field(default_factory=list)
    removed_axes: list[str] = field(default_factory=list)
    added_actions: list[tuple[str, str]] = field(default_factory=list)
    removed_actions: list[tuple[str, str]] = field(default_factory=list)
    changed_actions: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())


def compare_roadmaps(old: RoadmapVersion, new: RoadmapVersion) -> RoadmapDiff:
    def index(version):
        actions = PlannedAction.objects.filter(axis__roadmap=version).select_related("axis", "lead")
        return [a.title for a in version.axes.all()], {(a.axis.title, a.title): a for a in actions}

    old_axes, old_actions = index(old)
    new_axes, new_actions = index(new)
    diff = RoadmapDiff(
        added_axes=[a for a in new_axes if a not in old_axes], removed_axes=[a for a in old_axes if a not in new_axes],
        added_actions=[k for k in new_actions if k not in old_actions], removed_actions=[k for k in old_actions if k not in new_actions],
    )  # fmt: skip
    for key, action in new_actions.items():
        before = old_actions.get(key)
        if before is None:
            continue
        changes = []
        if before.status != action.status:
            changes.append(f"état : {before.get_status_display()} → {action.get_status_display()}")
        if before.lead_id != action.lead_id:
            changes.append(f"pilote : {before.lead or '—'} → {action.lead or '—'}")
        if before.outcomes != action.outcomes:
            changes.append("résultats visés modifiés")
        if changes:
            diff.changed_actions.append((key[0], key[1], " ; ".join(changes)))
    return diff


def complementarity_matrix(community: Community) -> dict:
    """Needs of the objective × what each current member brings (from the directory)."""
    from cooperer.actors.enums import Resource

    needs = [n for n in community.needs if n in Resource.values]
    members = list(community.memberships.current().select_related("structure"))
    rows = []
    for need in needs:
        cells = [need in m.structure.offers for m in members]
        rows.append({"need": Resource(need).label, "cells": cells, "covered": sum(cells)})
    return {"members": members, "rows": rows, "gaps": [r["need"] for r in rows if not r["covered"]]}


def timeline(community: Community, limit: int = 200) -> list[dict]:
    """Phases, meetings, decisions, roadmap versions and arrivals, newest first (a fixed number of queries)."""
    events = []
    for t in community.transitions.all():
        events.append(
            {
                "on": t.on,
                "kind": "Phase",
                "text": f"Passage en phase « {t.get_phase_display()} » : {t.justification}",
            }
        )
    for m in (
        Meeting.objects.filter(instance__community=community)
        .select_related("instance")
        .order_by("-starts_at")[:limit]
    ):
        events.append(
            {
                "on": timezone.localdate(m.starts_at),
                "kind": "Réunion",
                "text": str(m.instance),
                "url": m.get_absolute_url(),
            }
        )
    for d in community.decisions.select_related("instance")[:limit]:
        events.append({"on": d.decided_on, "kind": "Décision", "text": f"{d.text} ({d.instance})"})
    for r in community.roadmaps.filter(adopted_on__isnull=False):
        events.append(
            {
                "on": r.adopted_on,
                "kind": "Feuille de route",
                "text": f"Version {r.number} adoptée",
                "url": r.get_absolute_url(),
            }
        )
    for m in community.memberships.select_related("structure").order_by("-joined_on")[:limit]:
        events.append({"on": m.joined_on, "kind": "Arrivée", "text": f"{m.structure} rejoint la communauté"})
    for i in community.ideas.all()[:limit]:
        events.append({"on": i.raised_on, "kind": "Idée", "text": i.text})
    events.sort(key=lambda e: e["on"], reverse=True)
    return events[:limit]
