import datetime
from decimal import Decimal

import pytest

from cooperer.measurement import secrecy, services
from cooperer.measurement.enums import MeasurementSource
from cooperer.measurement.models import Measurement, Rollup
from cooperer.measurement.services import MeasurementError, Row

Y2025 = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def row(indicator, value, application=None, period=Y2025, **extra):
    return Row(indicator=indicator, value=None if value is None else Decimal(value), period_start=period[0],
               period_end=period[1], application=application, **extra)  # fmt: skip


def test_every_problem_of_a_batch_is_listed_and_nothing_is_written(funded, indicators, territory):
    application = funded["application"]
    rows = [
        row(indicators["personnes_touchees"], "-3", application),
        row(indicators["seances"], "12", application),
        row(indicators["personnes_touchees"], "10", application, period=(datetime.date(2024, 1, 1),
                                                                         datetime.date(2024, 12, 31))),
        row(indicators["taux_pauvrete"], "250", qpv_id=territory["sud_est"].pk),
        row(indicators["personnes_touchees"], "12,5".replace(",", "."), application,
            period=(datetime.date(2025, 2, 1), datetime.date(2025, 2, 28))),
        row(indicators["personnes_touchees"], "20", application, period=(datetime.date(2025, 3, 1),
            datetime.date(2025, 3, 31)), breakdown={"sexe": {"femmes": 5, "hommes": 5}}),
    ]  # fmt: skip
    with pytest.raises(MeasurementError) as caught:
        services.record(rows, source=MeasurementSource.UPLOAD)
    reasons = {(e["line"], e["column"]): e["reason"] for e in caught.value.errors}
    assert reasons[(1, "valeur")] == "« Personnes touchées » ne peut pas être négatif."
    assert "ne figure pas au plan d'évaluation" in reasons[(2, "indicateur")]
    assert "sort de celle de l'action" in reasons[(3, "periode")]
    assert "bonne unité" in reasons[(4, "valeur")]
    assert "nombres entiers" in reasons[(5, "valeur")]
    assert reasons[(6, "ventilation")] == "La ventilation par sexe (10) ne fait pas le total (20)."
    assert not Measurement.objects.exists()


def test_the_same_figures_twice_update_rather_than_add(funded, indicators):
    application = funded["application"]
    touched = indicators["personnes_touchees"]
    assert services.record([row(touched, "40", application)], source=MeasurementSource.UPLOAD)["created"] == 1
    assert (
        services.record([row(touched, "40", application)], source=MeasurementSource.UPLOAD)["unchanged"] == 1
    )
    services.record([row(touched, "45", application)], source=MeasurementSource.UPLOAD)
    assert Measurement.objects.get().value == 45
    contract = Rollup.objects.get(scope=f"contract:{application.call.contract_id}", indicator=touched)
    assert (contract.total, contract.count) == (Decimal("45"), 1)
    services.delete_measurements(Measurement.objects.all())
    contract.refresh_from_db()
    assert (contract.total, contract.count) == (Decimal("0"), 0)


def test_a_measurement_for_a_refused_action_is_refused(past_application, users, indicators):
    from tests.measurement.fixtures import fund

    fund(past_application, users, outcome="refusee")
    with pytest.raises(MeasurementError) as caught:
        services.record([row(indicators["personnes_touchees"], "4", past_application)], source="upload",
                        check_plan=False)  # fmt: skip
    assert "n'a pas été financée" in caught.value.errors[0]["reason"]


def test_the_future_is_not_measured(indicators, territory):
    future = (
        datetime.date.today() + datetime.timedelta(days=30),
        datetime.date.today() + datetime.timedelta(days=60),
    )
    with pytest.raises(MeasurementError, match="problème"):
        services.record([row(indicators["taux_emploi"], "50", period=future, qpv_id=territory["sud_est"].pk)],
                        source="upload")  # fmt: skip


def test_small_counts_are_masked_and_cannot_be_recomputed_from_the_total():
    assert secrecy.mask_value(Decimal("7"), is_count=True) == secrecy.SECRET
    assert secrecy.mask_value(Decimal("0"), is_count=True) == 0
    assert secrecy.mask_value(Decimal("7"), is_count=False) == 7
    assert secrecy.mask_value(None, is_count=False) == secrecy.SECRET
    masked = secrecy.mask_breakdown({"femmes": 4, "hommes": 30, "non_precise": 15})
    assert masked == {"femmes": "secret", "hommes": 30, "non_precise": "secret"}


def test_french_numbers_are_read():
    assert services.parse_decimal("1 234,5") == Decimal("1234.5")
    assert services.parse_decimal("1.234,5") == Decimal("1234.5")
    assert services.parse_decimal("12 %") == Decimal("12")
    assert services.parse_decimal("n.d.") is None
    assert services.parse_decimal("inf") is None
