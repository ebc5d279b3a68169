"""Server-side access rules. Views call these helpers; templates only mirror them."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from cooperer.accounts.enums import Role


def roles_of(user) -> list:
    """The user's role assignments, cached on the user object for the request."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_cooperer_roles"):
        user._cooperer_roles = list(user.role_assignments.all())
    return user._cooperer_roles


def is_platform_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or any(a.role == Role.ADMIN for a in roles_of(user)))


def can_animate_contract(user, contract) -> bool:
    """Backbone work on a contract (edit its bodies, perimeters, target areas): administrators, and
    animatrices of the contract's pilot EPCI."""
    if is_platform_admin(user):
        return True
    return any(a.role == Role.ANIMATION and a.epci_id == contract.pilot_epci_id for a in roles_of(user))


def can_import_reference_data(user) -> bool:
    return is_platform_admin(user)


def get_contract_for_animator(request, slug):
    from cooperer.territories.models import ContratDeVille

    contract = get_object_or_404(ContratDeVille, slug=slug)
    if not can_animate_contract(request.user, contract):
        raise PermissionDenied("Vous n'animez pas ce contrat de ville.")
    return contract


def has_any_role(user) -> bool:
    return bool(roles_of(user)) or is_platform_admin(user)


def animated_epci_ids(user) -> set[int]:
    return {a.epci_id for a in roles_of(user) if a.role == Role.ANIMATION}


def can_manage_directory(user) -> bool:
    """Import structures, record links, merge duplicates: administrators and animatrices."""
    return is_platform_admin(user) or bool(animated_epci_ids(user))


def can_edit_structure(user, structure) -> bool:
    if is_platform_admin(user):
        return True
    epci_id = structure.commune.epci_id if structure.commune_id else None
    if epci_id is not None and epci_id in animated_epci_ids(user):
        return True
    if structure.commune_id is None and animated_epci_ids(user):
        return True
    return any(a.role == Role.STRUCTURE_MEMBER and a.structure_id == structure.pk for a in roles_of(user))


def can_see_people(user) -> bool:
    """Contacts of people are professional but personal data: only for people with a role."""
    return has_any_role(user)


def community_role(user, community) -> str:
    """ "soutien" (animates), "membre" (contributes), "observateur" (reads) or "" (no access).

    Administrators and the animatrices of the community's territory animate; structure members of the
    community contribute; anyone with a role on the same territory reads. At most one query: the user's own
    current membership, looked up only when the roles do not already make them animate."""
    from cooperer.communities.enums import MemberRole

    if is_platform_admin(user) or community.epci_id in animated_epci_ids(user):
        return MemberRole.BACKBONE
    if not user.is_authenticated:
        return ""
    role = (
        community.memberships.filter(user_id=user.pk, left_on__isnull=True)
        .order_by()
        .values_list("role", flat=True)
        .first()
    )
    if role is not None:
        return role
    if any(a.epci_id == community.epci_id for a in roles_of(user)):
        return MemberRole.OBSERVER
    return ""


def get_community_for(request, pk, needed: str, queryset=None):
    """The community, if the user's role on it is at least `needed` (observateur < membre < soutien).

    `queryset` lets a page load the community with what it shows (select_related…) in the same query."""
    from cooperer.communities.enums import MemberRole
    from cooperer.communities.models import Community

    if queryset is None:
        queryset = Community.objects.select_related("epci")
    community = get_object_or_404(queryset, pk=pk)
    rank = {"": 0, MemberRole.OBSERVER: 1, MemberRole.MEMBER: 2, MemberRole.BACKBONE: 3}
    role = community_role(request.user, community)
    if rank[role] < rank[needed]:
        raise PermissionDenied(
            "Cette action est réservée à la fonction de soutien de la communauté."
            if needed == MemberRole.BACKBONE
            else "Vous ne faites pas partie de cette communauté."
        )
    community.user_role = role
    return community
