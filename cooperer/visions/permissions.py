"""Who may do what on a shared vision (checked in every view; templates only mirror it).

Administrators and the animatrices of the vision's EPCI write it, ground it and record its adoption; for a
community of action, its backbone (fonction de soutien) does too. Anyone with a role on the EPCI reads the full
vision and its theory of change. The public page of a neighbourhood shows adopted versions only, to everyone."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from cooperer.accounts.permissions import animated_epci_ids, community_role, is_platform_admin, roles_of

NOT_EDITOR = (
    "Seules les animatrices du territoire (ou la fonction de soutien de la communauté) écrivent cette vision."
)
NOT_READER = "Cette vision est réservée aux personnes qui ont un rôle sur son territoire."


def can_edit(user, vision) -> bool:
    if is_platform_admin(user) or vision.epci_id in animated_epci_ids(user):
        return True
    if vision.community_id:
        from cooperer.communities.enums import MemberRole

        return community_role(user, vision.community) == MemberRole.BACKBONE
    return False


def can_read(user, vision) -> bool:
    return is_platform_admin(user) or any(a.epci_id == vision.epci_id for a in roles_of(user))


def visible_to(user, queryset):
    if is_platform_admin(user):
        return queryset
    return queryset.filter(epci__in={a.epci_id for a in roles_of(user)})


def get_vision(request, pk, rule=can_read, queryset=None):
    from cooperer.visions.models import Vision

    if queryset is None:
        queryset = Vision.objects.select_related("epci", "qpv", "commune", "contract", "community", "parent")
    vision = get_object_or_404(queryset, pk=pk)
    if not rule(request.user, vision):
        raise PermissionDenied(NOT_EDITOR if rule is can_edit else NOT_READER)
    return vision
