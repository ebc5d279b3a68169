import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from cooperer.measurement import services
from cooperer.measurement.enums import MeasurementSource
from cooperer.measurement.models import Indicator
from tests.measurement.fixtures import indicators  # noqa: F401

pytestmark = pytest.mark.django_db

YEAR = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))


def _record(indicator, value, qpv, **extra):
    services.record(
        [services.Row(indicator=indicator, value=Decimal(value), period_start=YEAR[0], period_end=YEAR[1],
                      qpv_id=qpv.pk, **extra)],
        source=MeasurementSource.COMMAND, check_plan=False,
    )  # fmt: skip


def _body(response):
    return b"".join(response.streaming_content).decode("utf-8")


def test_measurements_csv_masks_small_counts_and_is_public(client, territory, indicators):  # noqa: F811
    people = next(i for i in indicators.values() if i.is_count)
    _record(people, "7", territory["sud_est"])
    qpvs = list(territory["se_contract"].qpvs.order_by("code"))
    _record(people, "1234", qpvs[0] if qpvs[0] != territory["sud_est"] else qpvs[1])
    response = client.get(reverse("measurement:opendata_measurements"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = _body(response)
    assert text.startswith("\ufeffindicateur;qpv;")
    line = next(row for row in text.splitlines() if territory["sud_est"].code in row)
    assert ";secret;" in line and ";7;" not in line
    assert ";1234;" in text


def test_dictionary_neutralises_formula_injection(client, territory, indicators):  # noqa: F811
    Indicator.objects.create(
        code="injection", name='=HYPERLINK("http://x")', kind="context", epci=territory["sem"]
    )
    text = _body(client.get(reverse("measurement:opendata_dictionary")))
    assert "'=HYPERLINK" in text
    assert ";=HYPERLINK" not in text
    assert "personnes_touchees" in text


def test_export_command_writes_both_files(tmp_path, territory, indicators):  # noqa: F811
    people = next(i for i in indicators.values() if i.is_count)
    _record(people, "5", territory["sud_est"])
    out, dictionary = tmp_path / "m.csv", tmp_path / "d.csv"
    call_command("export_measurements", out=str(out), dictionary=str(dictionary))
    assert "secret" in out.read_text(encoding="utf-8")
    assert ";5;" not in out.read_text(encoding="utf-8")
    assert "code;nom;type" in dictionary.read_text(encoding="utf-8")


def test_export_query_count_is_constant(client, territory, indicators, django_assert_max_num_queries):  # noqa: F811
    people = next(i for i in indicators.values() if i.is_count)
    for qpv in territory["se_contract"].qpvs.all():
        _record(people, "50", qpv)
    with django_assert_max_num_queries(3):
        _body(client.get(reverse("measurement:opendata_measurements")))
