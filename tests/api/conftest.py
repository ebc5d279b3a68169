import pytest
from django.test import Client

from cooperer.api.models import ApiToken


def token_client(user, name="outil de test") -> Client:
    """A client that calls the API with a new personal token of `user`."""
    _, secret = ApiToken.issue(user, name)
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    client.secret = secret
    return client


@pytest.fixture
def as_user(users):
    """as_user("se_animator") → a client with a token of that user."""
    return lambda who: token_client(users[who])


@pytest.fixture
def decided(application, call, users):
    """The application of tests/calls submitted and decided: the État and the CAF grant part of it."""
    import datetime
    from decimal import Decimal

    from cooperer.accounts.enums import Funder
    from cooperer.calls import services
    from cooperer.calls.enums import Outcome
    from tests.calls.fixtures import luhn_siret

    services.submit(application, users["member"])
    state, caf = call.funders.get(funder=Funder.STATE), call.funders.get(funder=Funder.CAF)
    for funder, number in ((state, 900), (caf, 901)):
        funder.siret = luhn_siret(number)
        funder.save()
    services.decide(
        application, outcome=Outcome.PARTIAL, motivation="Sert la vision.", elements=[call.youth],
        criteria=call.criteria.all()[:1], amounts={state: Decimal("20000"), caf: Decimal("5000")},
        committee="Comité", decided_on=datetime.date(2026, 11, 20), user=users["se_animator"],
    )  # fmt: skip
    return application
