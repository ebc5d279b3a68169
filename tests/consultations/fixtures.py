import datetime

import pytest

from cooperer.consultations.enums import Audience, ContributionKind, ContributionSource, SessionFormat
from cooperer.consultations.models import Consultation, Contribution, Session
from cooperer.consultations.services import add_default_themes
from cooperer.territories.models import Commune, Qpv


@pytest.fixture
def consultation(territory, users):
    consultation = Consultation.objects.create(
        title="Quartiers à Impact Collectif 2030",
        epci=territory["sem"],
        contract=territory["se_contract"],
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2026, 12, 31),
        status="ouverte",
        created_by=users["se_animator"],
    )
    consultation.qpvs.set(Qpv.objects.filter(code__in=["QN04215M", "QN04214M"]))
    add_default_themes(consultation)
    return consultation


@pytest.fixture
def sessions(consultation, territory):
    sud_est = territory["sud_est"]
    return {
        "habitants": Session.objects.create(
            consultation=consultation, qpv=sud_est, audience=Audience.RESIDENTS,
            format=SessionFormat.WORKSHOP, date=datetime.date(2026, 10, 3), place="Centre social",
        ),
        "professionnels": Session.objects.create(
            consultation=consultation, qpv=sud_est, audience=Audience.PROFESSIONALS,
            format=SessionFormat.WORKSHOP, date=datetime.date(2026, 10, 5),
        ),
    }  # fmt: skip


# Montreynaud (Saint-Étienne): residents speak of the bus up the hill, doctors, lifts and the young;
# professionals of partners, coordination, access to rights and funding. Each said three times (a workshop's
# post-its repeat), so that each side has words frequent enough to stand out.
MONTREYNAUD_RESIDENTS = [
    "Le bus ne monte plus à Montreynaud après 20 h.",
    "Un bus direct vers le centre-ville et l'hôpital Nord.",
    "Le bus du samedi est toujours plein.",
    "Plus de bus le soir pour rentrer du travail.",
    "Plus de médecin généraliste, il faut descendre en ville.",
    "Une maison de santé avec un médecin le samedi.",
    "L'ascenseur de la tour est en panne tout l'hiver.",
    "Un local pour les jeunes près du château d'eau.",
]
MONTREYNAUD_PROFESSIONALS = [
    "Les dispositifs se superposent sans coordination entre partenaires.",
    "Un comité technique pour coordonner les partenaires du quartier.",
    "Le non-recours aux droits reste fort, il faut accompagner les démarches.",
    "Une permanence France services pour l'accès aux droits.",
    "Les financements annuels fragilisent les associations partenaires.",
    "Des conventions pluriannuelles pour stabiliser les associations.",
]


@pytest.fixture
def montreynaud(consultation, territory):
    """Montreynaud (QN04213M) in the consultation, with a habitants and a professionnels workshop whose
    contributions differ (well above MIN_PER_AUDIENCE on each side). Asked for by name only: the tests that
    count contributions or sessions of the plain fixtures do not see it."""
    from tests.conftest import make_qpv

    saint_etienne = Commune.objects.get(insee_code="42218")
    qpv = make_qpv("QN04213M", "Montreynaud", 4.41, 45.46, [saint_etienne])
    territory["se_contract"].qpvs.add(qpv)
    consultation.qpvs.add(qpv)
    said = {}
    for audience, texts, day in (
        (Audience.RESIDENTS, MONTREYNAUD_RESIDENTS, datetime.date(2026, 11, 7)),
        (Audience.PROFESSIONALS, MONTREYNAUD_PROFESSIONALS, datetime.date(2026, 11, 10)),
    ):
        session = Session.objects.create(
            consultation=consultation, qpv=qpv, audience=audience, format=SessionFormat.WORKSHOP, date=day,
            place="Maison de quartier de Montreynaud",
        )  # fmt: skip
        said[audience.value] = Contribution.objects.bulk_create(
            Contribution(consultation=consultation, session=session, qpv=qpv, audience=audience,
                         kind=ContributionKind.NEED, text=text, source=ContributionSource.ASSISTED)
            for text in texts * 3
        )  # fmt: skip
    return {"qpv": qpv, **said}
