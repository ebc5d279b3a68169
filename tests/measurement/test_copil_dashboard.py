import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperer.measurement import copil, services
from cooperer.measurement.enums import MeasurementSource, Polarity, ReportKind
from cooperer.measurement.models import OutcomeIndicator, Report

pytestmark = pytest.mark.django_db


def _url(territory):
    return reverse("measurement:copil_dashboard", args=[territory["se_contract"].slug])


def test_the_animatrice_sees_a_late_bilan(client, funded, users, territory):
    bilan = funded["bilan"]
    bilan.due_on = datetime.date(2020, 1, 1)
    bilan.save(update_fields=["due_on"])
    client.force_login(users["se_animator"])
    response = client.get(_url(territory))
    assert response.status_code == 200
    assert "Bilans en retard" in response.content.decode()
    assert funded["application"].title in response.content.decode()
    assert re.search(r"20\W000 €", response.content.decode())


def test_another_animatrice_is_refused(client, funded, users, territory):
    client.force_login(users["m2a_animator"])
    assert client.get(_url(territory)).status_code == 403


def test_an_anonymous_visitor_must_log_in(client, territory):
    assert client.get(_url(territory)).status_code == 302


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_dashboard_queries_do_not_grow(client, funded, users, territory, indicators):
    client.force_login(users["se_animator"])
    poverty = indicators["taux_pauvrete"]

    def publish(indicator, qpvs, year):
        services.record(
            [services.Row(indicator=indicator, value=Decimal(30 + n), period_start=datetime.date(year, 1, 1),
                          period_end=datetime.date(year, 12, 31), qpv_id=qpv.pk) for n, qpv in enumerate(qpvs)],
            source=MeasurementSource.OFFICIAL_FILE, check_plan=False,
        )  # fmt: skip

    qpvs = list(territory["se_contract"].qpvs.all())
    publish(poverty, qpvs[:1], 2020)
    before = _count(client, _url(territory))
    publish(poverty, qpvs, 2021)
    publish(indicators["part_moins_25"], qpvs, 2021)
    Report.objects.create(contract=territory["se_contract"], kind=ReportKind.ANNUAL, year=2025, data={})
    assert _count(client, _url(territory)) == before


def test_the_map_colours_each_qpv_by_the_chosen_indicator(client, users, territory, indicators):
    poverty = indicators["taux_pauvrete"]
    qpvs = list(territory["se_contract"].qpvs.order_by("code"))
    rows = [services.Row(indicator=poverty, value=Decimal(v), period_start=datetime.date(2021, 1, 1),
                         period_end=datetime.date(2021, 12, 31), qpv_id=q.pk)
            for q, v in zip(qpvs, ("22.5", "41"), strict=False)]  # fmt: skip
    services.record(rows, source=MeasurementSource.OFFICIAL_FILE, check_plan=False)
    client.force_login(users["state_instructor"])
    text = client.get(_url(territory), {"indicateur": poverty.pk}).content.decode()
    assert 'data-qpv="QN04214M"' in text or 'data-qpv="QN04215M"' in text
    assert "map-qpv--c1" in text and "map-qpv--c2" in text
    assert "Taux de pauvreté au seuil de 60 % (2021) par quartier" in text
    assert text.count("pas de valeur ou secret statistique") >= 1 + (len(qpvs) - 2)


def test_an_outcome_off_track_is_an_alert(client, users, territory, followed):
    client.force_login(users["se_animator"])
    assert "Aucun changement attendu n'est en retard" in client.get(_url(territory)).content.decode()
    OutcomeIndicator.objects.filter(vision=followed["vision"]).update(target=1000)
    text = client.get(_url(territory)).content.decode()
    alerts = text.split("en retard sur leur trajectoire")[1].split("</ul>")[0]
    assert "Les jeunes fréquentent des lieux encadrés" in alerts and "cible 1" in alerts
    assert reverse("measurement:outcome", args=[followed["vision"].pk, followed["outcome"].key]) in alerts


def _link(polarity, baseline="10", target="20"):
    return SimpleNamespace(
        baseline=Decimal(baseline), target=Decimal(target), baseline_year=2024, target_year=2030,
        indicator=SimpleNamespace(polarity=polarity),
    )  # fmt: skip


def test_outcome_status_follows_the_straight_path():
    assert copil.outcome_status(_link(Polarity.UP), Decimal("15"), 2027) == copil.ON_TRACK
    assert copil.outcome_status(_link(Polarity.UP), Decimal("11"), 2027) == copil.OFF_TRACK
    assert copil.outcome_status(_link(Polarity.UP), Decimal("21"), 2027) == copil.REACHED
    assert copil.outcome_status(_link(Polarity.DOWN, "20", "10"), Decimal("14"), 2027) == copil.ON_TRACK
    assert copil.outcome_status(_link(Polarity.DOWN, "20", "10"), Decimal("19"), 2027) == copil.OFF_TRACK
    assert copil.outcome_status(_link(Polarity.UP), None, 2027) == copil.UNKNOWN


def test_the_cached_trends_follow_an_approval_made_after_they_were_read(client, funded, users, territory):
    from tests.measurement.fixtures import approve

    client.force_login(users["se_animator"])
    before = (
        client.get(_url(territory)).content.decode().split("Personnes touchées</th>")[1].split("</table>")[0]
    )
    approve(funded, users)
    after = (
        client.get(_url(territory)).content.decode().split("Personnes touchées</th>")[1].split("</table>")[0]
    )
    assert before != after and re.search(r"<td>60</td>", after)
