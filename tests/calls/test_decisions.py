"""The committee's decision is checked funder by funder against the request and the envelope."""

import datetime
from decimal import Decimal

import pytest

from cooperer.accounts.enums import Funder
from cooperer.calls import services
from cooperer.calls.enums import ApplicationStatus, Outcome
from cooperer.calls.models import Decision, Grant
from cooperer.calls.services import CallError, DecisionRefused

DAY = datetime.date(2026, 11, 20)


@pytest.fixture
def submitted(application, users):
    services.submit(application, users["member"])
    return application


@pytest.fixture
def funders(call):
    return {f.funder: f for f in call.funders.all()}


def _decide(application, call, users, outcome, amounts, **extra):
    return services.decide(
        application, outcome=outcome, motivation="Sert l'élément « lieux pour les jeunes ».", elements=[call.youth],
        criteria=call.criteria.all()[:1], amounts=amounts, committee="Comité", decided_on=DAY,
        user=users["state_instructor"], **extra,
    )  # fmt: skip


def test_more_than_requested_is_refused_on_the_funders_field_and_nothing_is_written(
    submitted, call, users, funders
):
    state = funders[Funder.STATE]
    with pytest.raises(DecisionRefused) as refused:
        _decide(
            submitted,
            call,
            users,
            Outcome.GRANTED,
            {state: Decimal("30000"), funders[Funder.CAF]: Decimal("10000")},
        )
    assert refused.value.problems[f"amount_{state.pk}"] == [
        "30 000,00 € dépasse les 25 000,00 € demandés à Préfecture de la Loire (BOP 147) : accorder plus que la "
        "demande est une exception, dont le motif doit être écrit."
    ]
    assert not Decision.objects.exists() and not Grant.objects.exists()
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_more_than_requested_is_accepted_with_a_documented_exception(submitted, call, users, funders):
    decision = _decide(
        submitted, call, users, Outcome.GRANTED,
        {funders[Funder.STATE]: Decimal("30000"), funders[Funder.CAF]: Decimal("10000")},
        exception_reason="Le comité ajoute 5 000 € pour l'ouverture le dimanche, demandée par les habitants.",
    )  # fmt: skip
    assert decision.exception_reason.startswith("Le comité ajoute 5 000 €")
    assert decision.grants.get(call_funder=funders[Funder.STATE]).amount == Decimal("30000")


def test_granted_means_what_was_requested_and_partial_less(submitted, call, users, funders):
    state, caf = funders[Funder.STATE], funders[Funder.CAF]
    with pytest.raises(DecisionRefused) as refused:
        _decide(submitted, call, users, Outcome.GRANTED, {state: Decimal("20000"), caf: Decimal("10000")})
    assert list(refused.value.problems) == [f"amount_{state.pk}"]
    assert "choisissez « Accordée en partie »" in refused.value.problems[f"amount_{state.pk}"][0]
    with pytest.raises(DecisionRefused) as refused:
        _decide(submitted, call, users, Outcome.PARTIAL, {state: Decimal("25000"), caf: Decimal("10000")})
    assert refused.value.problems["outcome"] == [
        "« Accordée en partie » donne moins que la demande (35 000,00 €) : pour le montant demandé, choisissez "
        "« Accordée »."
    ]
    decision = _decide(
        submitted, call, users, Outcome.GRANTED, {state: Decimal("25000"), caf: Decimal("10000")}
    )
    assert sorted(g.amount for g in decision.grants.all()) == [Decimal("10000"), Decimal("25000")]


def test_an_envelope_overrun_is_refused_with_its_amount_unless_confirmed(submitted, call, users, funders):
    caf = funders[Funder.CAF]
    caf.envelope = Decimal("6000")
    caf.save()
    amounts = {funders[Funder.STATE]: Decimal("25000"), caf: Decimal("10000")}
    with pytest.raises(DecisionRefused) as refused:
        _decide(submitted, call, users, Outcome.GRANTED, amounts)
    assert refused.value.problems[f"amount_{caf.pk}"] == [
        "L'enveloppe de CAF de la Loire n'a plus que 6 000,00 € : ce montant la dépasse de 4 000,00 €. Confirmez le "
        "dépassement pour l'accepter."
    ]
    decision = _decide(submitted, call, users, Outcome.GRANTED, amounts, confirm_overrun=True)
    assert decision.overrun_confirmed
    use = {row["funder"].funder: row["remaining"] for row in services.envelope_use(call)}
    assert use[Funder.CAF] == Decimal("-4000")


def test_the_rest_of_the_envelope_counts_earlier_decisions(submitted, call, users, funders):
    state = funders[Funder.STATE]
    state.envelope = Decimal("30000")
    state.save()
    problems = services.decision_problems(
        submitted, outcome=Outcome.PARTIAL, motivation="x", elements=[call.youth], criteria=call.criteria.all()[:1],
        amounts={state: Decimal("20000")}, remaining={state: Decimal("10000"), funders[Funder.CAF]: Decimal("1")},
    )  # fmt: skip
    assert "dépasse de 10 000,00 €" in problems[f"amount_{state.pk}"][0]


def test_an_exception_or_a_confirmation_without_cause_is_refused(submitted, call, users, funders):
    with pytest.raises(DecisionRefused) as refused:
        _decide(submitted, call, users, Outcome.PARTIAL, {funders[Funder.STATE]: Decimal("20000")},
                exception_reason="Par principe", confirm_overrun=True)  # fmt: skip
    assert set(refused.value.problems) == {"exception_reason", "confirm_overrun"}


def test_every_problem_is_given_at_once(submitted, call, users):
    with pytest.raises(DecisionRefused) as refused:
        services.decide(submitted, outcome=Outcome.GRANTED, motivation=" ", elements=[], criteria=[], amounts={},
                        committee="Comité", decided_on=DAY, user=users["state_instructor"])  # fmt: skip
    assert set(refused.value.problems) == {"motivation", "elements", "criteria", "outcome"}
    assert isinstance(refused.value, CallError)
