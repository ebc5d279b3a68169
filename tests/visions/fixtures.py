import datetime

import pytest

from cooperer.consultations.enums import Audience, ContributionKind, ContributionSource
from cooperer.consultations.models import Contribution
from cooperer.visions.enums import ScopeKind
from cooperer.visions.models import Vision
from cooperer.visions.services import create_vision

SUD_EST_SAID = [
    (Audience.RESIDENTS, "Un local pour les jeunes ouvert le soir avec des animateurs."),
    (Audience.RESIDENTS, "Des adultes de confiance pour les jeunes du quartier."),
    (Audience.RESIDENTS, "Des bancs et de l'ombre sur la place pour se retrouver."),
    (Audience.PROFESSIONALS, "Coordonner les éducateurs et les clubs pour les jeunes."),
    (Audience.YOUTH, "Un terrain de foot éclairé et un local à nous."),
]


@pytest.fixture
def sud_est_said(consultation, territory):
    """Five contributions in Quartiers Sud-Est: residents, a professional, a young person."""
    return Contribution.objects.bulk_create(
        Contribution(
            consultation=consultation, qpv=territory["sud_est"], audience=audience, kind=ContributionKind.ASPIRATION,
            text=text, source=ContributionSource.ASSISTED,
        )
        for audience, text in SUD_EST_SAID
    )  # fmt: skip


@pytest.fixture
def contract_vision(territory, users, consultation):
    vision = Vision(
        title="Saint-Étienne Métropole en 2030",
        scope_kind=ScopeKind.CONTRACT,
        contract=territory["se_contract"],
        epci=territory["sem"],
        consultation=consultation,
    )
    create_vision(vision, users["se_animator"])
    return vision


@pytest.fixture
def sud_est_vision(territory, users, consultation, contract_vision):
    vision = Vision(
        title="Quartiers Sud-Est en 2030",
        scope_kind=ScopeKind.QPV,
        qpv=territory["sud_est"],
        epci=territory["sem"],
        consultation=consultation,
        parent=contract_vision,
    )
    create_vision(vision, users["se_animator"])
    return vision


TODAY = datetime.date(2026, 11, 20)
