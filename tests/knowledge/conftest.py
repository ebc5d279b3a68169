import pytest

from cooperer.accounts.enums import Role
from cooperer.accounts.models import RoleAssignment
from cooperer.territories.models import Qpv


@pytest.fixture
def both_animator(users, territory):
    """An animatrice of Saint-Étienne Métropole who also animates Mulhouse Alsace Agglomération."""
    user = users["se_animator"]
    RoleAssignment.objects.create(user=user, role=Role.ANIMATION, epci=territory["m2a"])
    return user


@pytest.fixture
def coteaux(territory):
    return Qpv.objects.get(code="QN06803M")
