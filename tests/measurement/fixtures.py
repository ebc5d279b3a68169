import datetime
from decimal import Decimal

import pytest

from cooperer.accounts.enums import Funder
from cooperer.calls import services as calls
from cooperer.calls.enums import Outcome
from cooperer.measurement import library

DECIDED_ON = datetime.date(2025, 1, 20)


def fund(application, users, amount="20000", outcome=Outcome.GRANTED):
    """Submits and decides an application (the État grants `amount`); returns the decision."""
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
    from cooperer.measurement.models import Indicator

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
