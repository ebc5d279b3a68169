import datetime
from decimal import Decimal

import pytest

from cooperer.accounts.enums import Funder
from cooperer.calls import services as calls
from cooperer.calls.enums import Outcome
from cooperer.measurement import library, services
from cooperer.measurement.enums import IndicatorKind, MeasurementSource, Polarity, Unit
from cooperer.measurement.models import Indicator, OutcomeIndicator
from cooperer.visions import services as visions
from cooperer.visions.enums import Horizon, Level

DECIDED_ON = datetime.date(2025, 1, 20)


def fund(application, users, amount="20000", outcome=Outcome.PARTIAL):
    """Submits and decides an application (the État grants `amount`, part of what was asked); returns the decision."""
    calls.submit(application, users["member"], now=_during_call(application))
    state = application.call.funders.get(funder=Funder.STATE)
    amounts = {state: Decimal(amount)} if outcome in (Outcome.GRANTED, Outcome.PARTIAL) else {}
    return calls.decide(
        application, outcome=outcome, motivation="Sert l'élément « lieux pour les jeunes ».",
        elements=[application.call.youth], criteria=application.call.criteria.all()[:2], amounts=amounts,
        committee="Comité de programmation", decided_on=DECIDED_ON, user=users["state_instructor"],
    )  # fmt: skip


def _during_call(application):
    from django.utils import timezone

    return timezone.now()


@pytest.fixture
def indicators(db):
    library.ensure_defaults()
    return {i.code: i for i in Indicator.objects.national()}


@pytest.fixture
def past_application(application):
    """The application of tests/calls, moved to 2025 so that its bilan can be filed today."""
    application.starts_on, application.ends_on = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    application.save(update_fields=["starts_on", "ends_on"])
    return application


@pytest.fixture
def funded(past_application, users, indicators):
    """A funded action of 2025 with its bilan to file."""
    decision = fund(past_application, users)
    return {"application": past_application, "decision": decision, "bilan": past_application.bilans.get()}


def approve(funded, users):
    from cooperer.measurement import followup
    from tests.measurement.test_followup import fill

    bilan = funded["bilan"]
    followup.submit(bilan, users["member"], results=fill(bilan))
    followup.approve(bilan, users["state_instructor"])


@pytest.fixture
def followed(funded, users):
    """The Sud-Est vision with an outcome on the youth element, followed by a survey indicator measured in
    2024–2026 (baseline 2023, target 2030), and an assumption on that outcome."""
    youth = funded["application"].call.youth
    vision = youth.version.vision
    outcome = visions.add_outcome(
        youth.version, text="Les jeunes fréquentent des lieux encadrés", horizon=Horizon.INTERMEDIATE,
        level=Level.POPULATION, element=youth,
    )  # fmt: skip
    assumption = visions.add_assumption(youth.version, "Un lieu co-géré attire les jeunes éloignés.", outcome)
    survey = Indicator.objects.create(
        epci=vision.epci, code="jeunes_lieux", name="Jeunes qui fréquentent un lieu encadré",
        kind=IndicatorKind.OUTCOME, unit=Unit.PEOPLE, polarity=Polarity.UP, source="Enquête du collectif",
    )  # fmt: skip
    OutcomeIndicator.objects.create(
        vision=vision, outcome_key=outcome.key, indicator=survey, baseline=120, baseline_year=2023,
        target=400, target_year=2030,
    )  # fmt: skip
    rows = [
        services.Row(indicator=survey, value=Decimal(v), period_start=datetime.date(y, 1, 1),
                     period_end=datetime.date(y, 12, 31), vision_id=vision.pk, outcome_key=outcome.key,
                     epci_id=vision.epci_id)
        for y, v in ((2024, 150), (2025, 205), (2026, 262))
    ]  # fmt: skip
    services.record(rows, source=MeasurementSource.COMMAND, check_plan=False)
    approve(funded, users)
    return {
        "vision": vision,
        "element": youth,
        "outcome": outcome,
        "assumption": assumption,
        "survey": survey,
    }
