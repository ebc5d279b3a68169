import datetime
from decimal import Decimal

import pytest

from cooperer.accounts.enums import Funder, Role
from cooperer.calls.enums import Outcome
from cooperer.measurement import followup
from cooperer.measurement.enums import BilanStatus
from cooperer.measurement.followup import BilanError
from cooperer.measurement.models import Measurement, Rollup
from tests.conftest import make_user
from tests.measurement.fixtures import fund


def fill(bilan, participants=60, qpv=50):
    bilan.narrative = "Le local a ouvert trois soirs par semaine, co-géré avec les jeunes."
    bilan.participants, bilan.participants_qpv = participants, qpv
    bilan.breakdown = {"sexe": {"femmes": 25, "hommes": 35}}
    bilan.save()
    for expense in bilan.expenses.all():
        expense.realised = expense.forecast
        expense.save()
    planned = bilan.obligations.exclude(indicator__code__in=followup.STANDARD_OBLIGATIONS).get()
    return {planned.pk: (Decimal("72"), {})}


def test_a_grant_turns_the_evaluation_plan_into_a_bilan_due_six_months_after_the_year(funded):
    bilan = funded["bilan"]
    assert (bilan.period_start, bilan.period_end) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert bilan.due_on == datetime.date(2026, 6, 30)
    codes = {o.indicator.code: o for o in bilan.obligations.select_related("indicator")}
    assert "personnes_touchees" in codes and "habitants_qpv_touches" in codes
    planned = [o for o in codes.values() if o.planned_as == "Jeunes accueillis"]
    assert planned and planned[0].target == Decimal("80") and planned[0].indicator.unit == "personnes"
    assert sorted(e.account for e in bilan.expenses.all()) == ["61", "64", "74", "74", "75"]


def test_a_refused_application_has_no_bilan(past_application, users, indicators):
    fund(past_application, users, outcome=Outcome.REFUSED)
    assert not past_application.bilans.exists()


def test_a_bilan_is_filed_returned_then_approved_and_only_then_counts(funded, users, territory):
    bilan, application = funded["bilan"], funded["application"]
    with pytest.raises(BilanError, match="Racontez"):
        followup.submit(bilan, users["member"], results={})
    results = fill(bilan)
    followup.submit(bilan, users["member"], results=results)
    bilan.refresh_from_db()
    assert bilan.status == BilanStatus.SUBMITTED
    assert Measurement.objects.filter(application=application, validated=False).count() == 3
    assert not Rollup.objects.exists()
    with pytest.raises(BilanError, match="commentaire est obligatoire"):
        followup.return_for_changes(bilan, users["state_instructor"], " ")
    followup.return_for_changes(bilan, users["state_instructor"], "Ajoutez les habitants des QPV par âge.")
    bilan.refresh_from_db()
    assert bilan.status == BilanStatus.RETURNED
    followup.submit(bilan, users["member"], results=results)
    bilan.refresh_from_db()
    followup.approve(bilan, users["state_instructor"])
    touched = Rollup.objects.get(
        scope=f"contract:{application.call.contract_id}", indicator__code="personnes_touchees"
    )
    assert (touched.total, touched.count, touched.year) == (Decimal("60"), 1, 2025)
    assert (
        Rollup.objects.get(scope=f"qpv:{territory['sud_est'].pk}", indicator__code="personnes_touchees").total
        == 60
    )
    element = application.call.youth
    assert Rollup.objects.filter(scope=f"element:{element.version.vision_id}:{element.key}").count() == 3


def test_only_an_instructor_of_a_granting_funder_approves(funded, users, territory):
    bilan = funded["bilan"]
    followup.submit(bilan, users["member"], results=fill(bilan))
    caf = make_user("caf@exemple.fr", Role.INSTRUCTION, territory["sem"], Funder.CAF)
    for user in (caf, users["se_animator"], users["member"], users["admin"]):
        with pytest.raises(BilanError, match="instructeur"):
            followup.approve(bilan, user)


def test_a_gap_in_the_financial_report_must_be_explained(funded, users):
    bilan = funded["bilan"]
    results = fill(bilan)
    staff = bilan.expenses.get(account="64")
    staff.realised = Decimal("22000")
    staff.save()
    with pytest.raises(BilanError, match="Expliquez l'écart du compte 64"):
        followup.submit(bilan, users["member"], results=results)
    staff.explanation = "Un poste d'animateur vacant trois mois."
    staff.save()
    followup.submit(bilan, users["member"], results=results)


def test_a_breakdown_that_does_not_sum_to_the_participants_is_refused(funded, users):
    bilan = funded["bilan"]
    results = fill(bilan)
    bilan.breakdown = {"sexe": {"femmes": 20, "hommes": 35}}
    bilan.save()
    with pytest.raises(BilanError, match=r"ventilation par sexe \(55\) ne fait pas le total \(60\)"):
        followup.submit(bilan, users["member"], results=results)
