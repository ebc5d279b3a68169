import datetime

import pytest

from cooperer.consultations.enums import Audience, SessionFormat
from cooperer.consultations.models import Consultation, Session
from cooperer.consultations.services import add_default_themes
from cooperer.territories.models import Qpv


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
