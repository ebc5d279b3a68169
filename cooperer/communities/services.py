"""Workflows of a community of action. Each function checks its own rule and raises CommunityError with a
French message; views turn that into a form error."""

import datetime
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from cooperer.audit.enums import Action
from cooperer.audit.services import record
from cooperer.communities.enums import PHASE_ORDER, CooperationLevel, MemberRole, RoadmapStatus
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
    WorkingGroup,
)
from cooperer.core.typography import count_of, long_date, names_list


class CommunityError(Exception):
    """A broken rule, in French; `field` names the form field it concerns, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class Notification:
    """Who an e-mail to the current members reached: structures with at least one address (the contact
    person's or the member account's), and those without any, who were not told."""

    reached: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)
    messages: int = 0

    def short(self) -> str:
        """« envoyée à 2 membres sur 3 », « envoyée aux 3 membres », « envoyée à personne »."""
        total = len(self.reached) + len(self.unreachable)
        if not self.reached:
            return "envoyée à personne"
        if self.unreachable:
            return f"envoyée à {count_of(len(self.reached), 'membre')} sur {total}"
        return "envoyée au seul membre" if total == 1 else f"envoyée aux {count_of(total, 'membre')}"

    def describe(self) -> str:
        """short(), and who was not told: « envoyée à 2 membres sur 3 ; sans adresse de courriel, non prévenue :
        CAF du Haut-Rhin »."""
        total = len(self.reached) + len(self.unreachable)
        if total == 0:
            return "envoyée à personne : la communauté n'a pas de membre"
        if not self.reached:
            if total == 1:
                return f"envoyée à personne : le seul membre, {self.unreachable[0]}, n'a pas d'adresse de courriel"
            return (
                f"envoyée à personne : aucun des {count_of(total, 'membre')} n'a d'adresse de courriel "
                f"({names_list(self.unreachable)})"
            )
        if not self.unreachable:
            return self.short()
        missing = "non prévenue" if len(self.unreachable) == 1 else "non prévenues"
        return f"{self.short()} ; sans adresse de courriel, {missing} : {names_list(self.unreachable)}"


def member_recipients(community: Community) -> list[tuple[str, list[str]]]:
    """Each current member (structure name) with its addresses, possibly none."""
    rows = community.memberships.current().values_list("structure__name", "person__email", "user__email")
    return [(name, sorted({email for email in emails if email})) for name, *emails in rows]


def _notify(community: Community, subject: str, body: str) -> Notification:
    recipients = member_recipients(community)
    emails = sorted({email for _, addresses in recipients for email in addresses})
    messages = [
        (f"[{community.name}] {subject}", body, settings.DEFAULT_FROM_EMAIL, [email]) for email in emails
    ]
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return Notification(
        reached=[name for name, addresses in recipients if addresses],
        unreachable=[name for name, addresses in recipients if not addresses],
        messages=len(messages),
    )


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


def leave(membership: Membership, on: datetime.date | None = None, reason: str = "") -> None:
    """Leaving keeps the history: the membership is closed, not deleted, and its reason shows in the
    community's chronology."""
    if membership.left_on:
        raise CommunityError("Ce membre a déjà quitté la communauté.")
    membership.left_on = on or timezone.localdate()
    membership.left_reason = reason.strip()[:300]
    membership.save(update_fields=["left_on", "left_reason"])


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


PAST_CONVOCATION = "Une convocation ne peut pas être envoyée pour une réunion déjà passée."


def schedule_meeting(instance: Instance, *, starts_at, place="", agenda="", convene=False) -> Meeting:
    """The meeting; when convened, `meeting.notification` says who the convocation reached."""
    if convene and starts_at <= timezone.now():
        raise CommunityError(PAST_CONVOCATION, field="starts_at")
    meeting = Meeting.objects.create(instance=instance, starts_at=starts_at, place=place, agenda=agenda)
    meeting.notification = convene_meeting(meeting) if convene else None
    return meeting


def convene_meeting(meeting: Meeting) -> Notification:
    if meeting.starts_at <= timezone.now():
        raise CommunityError(PAST_CONVOCATION, field="starts_at")
    community = meeting.instance.community
    when = timezone.localtime(meeting.starts_at)
    sent = _notify(
        community,
        f"Convocation : {meeting.instance.name} du {when:%d/%m/%Y à %H:%M}",
        f"Vous êtes convié·e à la réunion « {meeting.instance.name} » le {when:%d/%m/%Y à %H:%M}"
        f"{' — ' + meeting.place if meeting.place else ''}.\n\nOrdre du jour :\n{meeting.agenda or '(à venir)'}\n",
    )
    meeting.convened_at = timezone.now()
    meeting.convocation_reached, meeting.convocation_unreachable = sent.reached, sent.unreachable
    meeting.save(update_fields=["convened_at", "convocation_reached", "convocation_unreachable"])
    return sent


def attendance_opens_on(meeting: Meeting) -> datetime.date:
    """Attendance is taken from the day of the meeting on, never before."""
    return timezone.localdate(meeting.starts_at)


def record_attendance(meeting: Meeting, present_ids: set[int]) -> None:
    """Attendance of the members on the day of the meeting (joined by then, not yet left)."""
    day = attendance_opens_on(meeting)
    if day > timezone.localdate():
        raise CommunityError(
            f"Cette réunion n'a pas encore eu lieu (elle est prévue le {long_date(day)}) : "
            "les présences se notent à partir du jour de la réunion."
        )
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
    notify: bool = True,
) -> Decision:
    """The decision, mailed to the current members unless `notify` is false (history being entered
    afterwards); `decision.notification` says who it reached."""
    if instance is None:
        raise CommunityError("Une décision est prise par une instance : choisissez-la.", field="instance")
    if instance.community_id != community.pk:
        raise CommunityError("Cette instance appartient à une autre communauté.", field="instance")
    if meeting is not None and meeting.instance_id != instance.pk:
        raise CommunityError("Cette réunion n'est pas une réunion de l'instance choisie.", field="instance")
    if not text.strip():
        raise CommunityError("Le texte de la décision est vide.", field="text")
    if decided_on > timezone.localdate():
        raise CommunityError(
            f"Une décision ne peut pas être datée dans le futur ({long_date(decided_on)}) : "
            "enregistrez-la le jour où elle est prise.",
            field="decided_on",
        )
    decision = Decision.objects.create(
        community=community,
        instance=instance,
        meeting=meeting,
        decided_on=decided_on,
        text=text,
        roadmap=roadmap,
    )
    decision.actions.set(actions)
    decision.notification = (
        _notify(community, f"Décision du {decided_on:%d/%m/%Y} ({instance.name})", f"{text}\n")
        if notify
        else None
    )
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
    """A draft that starts as a copy of the latest version: axes, actions (lead, partners, dates, outcomes)
    and working groups (with those of their members who are still in the community)."""
    latest = community.roadmaps.order_by("-number").first()
    version = RoadmapVersion.objects.create(
        community=community,
        number=(latest.number + 1) if latest else 1,
        summary=summary or (latest.summary if latest else ""),
    )
    if latest:
        _copy_axes(latest, version)
    return version


def _copy_axes(source: RoadmapVersion, target: RoadmapVersion) -> None:
    # New objects, not the old ones with pk = None: a prefetched M2M cache would still point at the old rows.
    for axis in source.axes.prefetch_related("actions__partners", "working_groups__members"):
        copy = Axis.objects.create(
            roadmap=target, title=axis.title, description=axis.description, order=axis.order
        )
        for action in axis.actions.all():
            new_action = PlannedAction.objects.create(
                axis=copy, title=action.title, lead_id=action.lead_id, status=action.status,
                starts_on=action.starts_on, ends_on=action.ends_on, outcomes=action.outcomes,
            )  # fmt: skip
            new_action.partners.set([partner.pk for partner in action.partners.all()])
        for group in axis.working_groups.all():
            new_group = WorkingGroup.objects.create(axis=copy, name=group.name)
            new_group.members.set([m.pk for m in group.members.all() if m.left_on is None])


@transaction.atomic
def adopt_roadmap(
    version: RoadmapVersion, *, instance: Instance, on: datetime.date, notify: bool = True
) -> Decision:
    """Adopts a draft; the version adopted before it is marked as replaced. Recorded as a decision."""
    if version.status == RoadmapStatus.ADOPTED:
        raise CommunityError(f"La version {version.number} est déjà adoptée.")
    if version.status == RoadmapStatus.REPLACED:
        raise CommunityError(f"La version {version.number} a été adoptée puis remplacée.")
    if instance.community_id != version.community_id:
        raise CommunityError(
            "Une feuille de route est adoptée par une instance de sa propre communauté.", field="instance"
        )
    if not version.axes.exists():
        raise CommunityError("Une feuille de route sans axe ne peut pas être adoptée.")
    if on > timezone.localdate():
        raise CommunityError(
            f"Une feuille de route ne peut pas être adoptée à une date future ({long_date(on)}).", field="on"
        )
    adopted = RoadmapVersion.objects.filter(community_id=version.community_id, status=RoadmapStatus.ADOPTED)
    newer = adopted.filter(number__gt=version.number).order_by("-number").first()
    if newer is not None:
        raise CommunityError(
            f"La version {newer.number}, plus récente, est déjà adoptée : créez une nouvelle version à partir d'elle."
        )
    adopted.exclude(pk=version.pk).update(status=RoadmapStatus.REPLACED)
    version.status, version.adopted_on, version.adopted_by = RoadmapStatus.ADOPTED, on, instance
    version.save(update_fields=["status", "adopted_on", "adopted_by"])
    record(
        Action.ROADMAP_ADOPTED, version, epci_id=version.community.epci_id,
        label=f"{version.community} — feuille de route, version {version.number}",
        after={"version": version.number, "instance": str(instance), "adoptée le": on},
    )  # fmt: skip
    return record_decision(
        version.community, instance=instance, decided_on=on, roadmap=version, notify=notify,
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


@dataclass
class MemberRow:
    """A current member as the community page lists it: plain values, read without model instances."""

    pk: int
    structure_id: int
    name: str
    role: str
    level: str
    contribution: str
    joined_on: datetime.date
    offers: list = field(default_factory=list)
    joined: str = ""  # « 03/2022 », written once here rather than by a template filter per row
    url: str = ""  # filled by the view
    leave_url: str = ""


_ROLES, _LEVELS = dict(MemberRole.choices), dict(CooperationLevel.choices)


def member_rows(memberships: QuerySet) -> list[MemberRow]:
    fields = ["pk", "structure_id", "structure__name", "structure__acronym", "role", "level"]
    rows = []
    for (
        pk,
        structure_id,
        name,
        acronym,
        role,
        level,
        contribution,
        joined_on,
        offers,
    ) in memberships.values_list(*fields, "contribution", "joined_on", "structure__offers"):
        rows.append(
            MemberRow(
                pk=pk,
                structure_id=structure_id,
                name=f"{name} ({acronym})" if acronym else name,
                role=_ROLES.get(role, role),
                level=_LEVELS.get(level, level),
                contribution=contribution,
                joined_on=joined_on,
                offers=offers or [],
                joined=f"{joined_on:%m/%Y}",
            )
        )
    return rows


def complementarity_matrix(community: Community, members=None, all_offers=None) -> dict:
    """Needs of the objective × what the current members bring (from the directory).

    The columns are `members` (MemberRow, e.g. the page of the member table; all current members if None);
    the count of members offering each need, and the gaps, are over all current members (`all_offers`: the
    offers of each, read here if not given)."""
    from cooperer.actors.enums import Resource

    needs = [n for n in community.needs if n in Resource.values]
    if all_offers is None:
        all_offers = list(community.memberships.current().values_list("structure__offers", flat=True))
    if members is None:
        members = member_rows(community.memberships.current())
    rows = []
    for need in needs:
        cells = [need in m.offers for m in members]
        covered = sum(need in (offered or []) for offered in all_offers)
        rows.append({"need": Resource(need).label, "cells": cells, "covered": covered})
    return {
        "members": members,
        "rows": rows,
        "gaps": [r["need"] for r in rows if not r["covered"]],
        "member_count": len(all_offers),
    }


STRUCTURE_ROLES = ["trinome_state", "trinome_local_authority", "trinome_civil_society", "backbone"]


def structure_names(community: Community) -> dict[str, str]:
    """Trinôme and backbone by role (names only: one query, not four joins on the wide Structure row)."""
    from cooperer.actors.models import Structure

    ids = {role: getattr(community, f"{role}_id") for role in STRUCTURE_ROLES}
    rows = Structure.objects.filter(pk__in=[pk for pk in ids.values() if pk]).values_list(
        "pk", "name", "acronym"
    )
    names = {pk: f"{name} ({acronym})" if acronym else name for pk, name, acronym in rows}
    return {role: names.get(pk, "") for role, pk in ids.items()}


def meetings_around(community: Community, count: int = 5) -> tuple[list[Meeting], list[Meeting]]:
    """The next `count` meetings (soonest first) and the last `count` (latest first), in one query."""
    now = timezone.now()
    meetings = Meeting.objects.filter(instance__community=community)
    upcoming = meetings.filter(starts_at__gte=now).order_by("starts_at", "pk").values("pk")[:count]
    past = meetings.filter(starts_at__lt=now).order_by("-starts_at", "-pk").values("pk")[:count]
    rows = Meeting.objects.filter(Q(pk__in=Subquery(upcoming)) | Q(pk__in=Subquery(past))).select_related(
        "instance"
    )
    rows = sorted(rows, key=lambda m: (m.starts_at, m.pk))
    return [m for m in rows if m.starts_at >= now], [m for m in reversed(rows) if m.starts_at < now]
