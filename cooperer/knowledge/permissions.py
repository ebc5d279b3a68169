"""Who may do what with initiative records (checked in every view; templates only mirror it).

A published record is public, to anyone, signed in or not. A draft (or a record under review) is read and
written by its writers: the person who started it, the current members of its community who have an account,
the members of the structure that carries its action, and the animation of its territory. The animation of
the record's territory (the backbone) reviews: it publishes or returns with a comment; administrators too."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from cooperer.accounts.enums import Role
from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin, roles_of
from cooperer.knowledge.enums import RecordStatus

NOT_REVIEWER = "Seule l'animation du territoire de la fiche la relit et la publie."
NOT_WRITER = (
    "Cette fiche n'est pas encore publiée : seuls ses rédacteurs et l'animation de son territoire la lisent."
)


def can_review(user, record) -> bool:
    return is_platform_admin(user) or record.epci_id in animated_epci_ids(user)


def _structure_ids(user) -> set[int]:
    return {a.structure_id for a in roles_of(user) if a.role == Role.STRUCTURE_MEMBER and a.structure_id}


def can_write(user, record) -> bool:
    """Writers edit a record while it is a draft; the reviewers also under review (before publishing)."""
    if not user.is_authenticated or record.status == RecordStatus.PUBLISHED:
        return False
    if can_review(user, record):
        return True
    if record.status != RecordStatus.DRAFT:
        return False
    return is_writer(user, record)


def is_writer(user, record) -> bool:
    if not user.is_authenticated:
        return False
    if record.created_by_id == user.pk or can_review(user, record):
        return True
    if (
        record.community_id
        and record.community.memberships.filter(user_id=user.pk, left_on__isnull=True).exists()
    ):
        return True
    return bool(record.application_id and record.application.applicant_id in _structure_ids(user))


def can_read(user, record) -> bool:
    return record.status == RecordStatus.PUBLISHED or is_writer(user, record)


def writable_epci_ids(user) -> set[int]:
    """The territories where the user may start a record from scratch: those where they have a role."""
    return {
        a.epci_id for a in roles_of(user) if a.epci_id and a.role in (Role.ANIMATION, Role.STRUCTURE_MEMBER)
    }


def get_record_for(request, pk, *, write=False, queryset=None):
    from cooperer.knowledge.models import Record

    record = get_object_or_404(
        queryset if queryset is not None else Record.objects.select_related("epci"), pk=pk
    )
    if write:
        if not can_write(request.user, record):
            raise PermissionDenied(
                "Cette fiche est publiée : elle ne se modifie plus." if record.is_published else NOT_WRITER
            )
    elif not can_read(request.user, record):
        raise PermissionDenied(NOT_WRITER)
    return record


def drafts_visible_to(user, queryset):
    """The unpublished records `user` may read: theirs, their communities', their structures', their territory's."""
    from django.db.models import Q

    from cooperer.communities.models import Membership

    if not user.is_authenticated:
        return queryset.none()
    queryset = queryset.exclude(status=RecordStatus.PUBLISHED)
    if is_platform_admin(user):
        return queryset
    communities = Membership.objects.filter(user_id=user.pk, left_on__isnull=True).values("community_id")
    rule = (
        Q(created_by_id=user.pk)
        | Q(epci_id__in=animated_epci_ids(user))
        | Q(status=RecordStatus.DRAFT, community_id__in=communities)
        | Q(status=RecordStatus.DRAFT, application__applicant_id__in=_structure_ids(user))
    )
    return queryset.filter(rule)
