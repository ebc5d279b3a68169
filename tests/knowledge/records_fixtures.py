"""Fixtures of initiative records, imported by the tests/knowledge/test_records*.py modules."""

import pytest

from cooperer.knowledge import services
from cooperer.knowledge.enums import FactorKind
from cooperer.knowledge.factors import ensure_defaults
from cooperer.knowledge.models import Factor


def factor(name):
    ensure_defaults()
    return Factor.objects.get(name=name)


def complete(record, **fields):
    """Fills what a record needs to be submitted: lessons and a lever and an obstacle."""
    for name, value in {"lessons": "Prendre le temps de se connaître avant d'agir.", **fields}.items():
        setattr(record, name, value)
    record.save()
    services.set_factors(
        record,
        [
            (factor("Interconnaissance").pk, FactorKind.LEVER, "Deux ans de réunions"),
            (factor("Turnover des professionnels").pk, FactorKind.OBSTACLE, ""),
        ],
    )
    services.refresh_search_text(record)
    return record


@pytest.fixture
def mulhouse_record(community, users):
    """The Mulhouse youth community's record, published by the m2A animation."""
    record = services.start_from_community(community["community"], users["m2a_animator"])
    record.title = "Deux ans d'interconnaissance pour l'engagement des jeunes"
    record.summary = "Des associations, la CAF et la ville se sont connues avant d'agir : animation de rue, tiers-lieu jeunesse."
    complete(record)
    services.submit(record, users["m2a_animator"])
    return services.publish(record, users["m2a_animator"])
