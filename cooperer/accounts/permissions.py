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
