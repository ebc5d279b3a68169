"""Who may do what on a consultation (checked in every view; templates only mirror it).

Administrators and the animatrices of the consultation's EPCI set it up, moderate and analyse; members of a
structure of that EPCI may also type workshop post-its (mediators); anyone with a role on the EPCI reads the
contributions and the synthesis. Residents contribute through the public form, without an account."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from cooperer.accounts.enums import Role
from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin, roles_of


def can_manage(user, consultation) -> bool:
    return is_platform_admin(user) or consultation.epci_id in animated_epci_ids(user)


def can_enter(user, consultation) -> bool:
    return can_manage(user, consultation) or any(
        a.role == Role.STRUCTURE_MEMBER and a.epci_id == consultation.epci_id for a in roles_of(user)
    )


def can_read(user, consultation) -> bool:
    return is_platform_admin(user) or any(a.epci_id == consultation.epci_id for a in roles_of(user))


def visible_to(user, queryset):
    if is_platform_admin(user):
        return queryset
    return queryset.filter(epci__in={a.epci_id for a in roles_of(user)})


def get_consultation(request, pk, rule, message, queryset=None):
    from cooperer.consultations.models import Consultation

    consultation = get_object_or_404(queryset if queryset is not None else Consultation.objects, pk=pk)
    if not rule(request.user, consultation):
        raise PermissionDenied(message)
    return consultation
