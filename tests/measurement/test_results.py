"""Results rolled up to the vision: element, outcome and assumption pages, who may read and who may write."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperer.measurement import rollup, services
from cooperer.measurement.enums import IndicatorKind, MeasurementSource
from cooperer.measurement.models import EvidenceCitation, Indicator, OutcomeIndicator, Rollup
from cooperer.territories.models import Qpv
from cooperer.visions import services as visions
from cooperer.visions.enums import AssumptionStatus, Horizon, Level
from tests.measurement.fixtures import approve

pytestmark = pytest.mark.django_db


def test_the_vision_follow_up_shows_what_each_element_received(client, followed, users):
    client.force_login(users["se_animator"])
    vision = followed["vision"]
    text = client.get(reverse("measurement:vision_follow_up", args=[vision.pk])).content.decode()
    row = text.split(str(followed["element"]))[1].split("</tr>")[0]
    assert re.findall(r">(\d[\d\s\u202f\xa0]*)(?: €)?<", row) == ["1", "1", "20\xa0000", "60"]
    assert "262 personnes en 2026" in text and "En bonne voie" in text


def test_the_outcome_page_shows_baseline_target_actuals_and_contributing_actions(client, followed, users):
    client.force_login(users["state_instructor"])
    vision, outcome = followed["vision"], followed["outcome"]
    response = client.get(reverse("measurement:outcome", args=[vision.pk, outcome.key]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Référence : 120 personnes en 2023" in text and "Cible : 400 personnes en 2030" in text
    assert text.count("<polyline") == 2 and "<circle" in text
    assert re.search(r"2026</th>\s*<td class=\"num\">262<", text)
    assert "Un local jeunes ouvert le soir" in text and "Enquête du collectif" in text


def test_pages_read_a_constant_number_of_queries(client, followed, users):
    client.force_login(users["se_animator"])
    vision, outcome = followed["vision"], followed["outcome"]
    urls = [
        reverse("measurement:vision_follow_up", args=[vision.pk]),
        reverse("measurement:outcome", args=[vision.pk, outcome.key]),
        reverse("measurement:element", args=[vision.pk, followed["element"].key]),
    ]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    version = followed["element"].version
    for n in range(5):
        element = visions.add_element(version, f"Élément supplémentaire {n}")
        extra = visions.add_outcome(version, text=f"Changement {n}", horizon=Horizon.SHORT,
                                    level=Level.POPULATION, element=element)  # fmt: skip
        OutcomeIndicator.objects.create(vision=vision, outcome_key=extra.key, indicator=followed["survey"])
        visions.add_assumption(version, f"Hypothèse {n}", extra)
    assert counts() == before


def test_an_action_serving_a_wider_element_counts_in_the_neighbourhood_it_acts_in(funded, users, territory):
    application = funded["application"]
    child = application.call.youth
    contract_vision = child.version.vision.parent
    common = visions.add_element(
        visions.current_version(contract_vision), "Des lieux pour les jeunes partout."
    )
    visions.gather(common, [child])
    application.served.all().delete()
    application.served.create(element=common, justification="Un lieu pour les jeunes du quartier.")
    approve(funded, users)
    people = Rollup.objects.filter(indicator__code="personnes_touchees")
    assert people.get(scope=f"element:{contract_vision.pk}:{common.key}").total == 60
    assert people.get(scope=f"element:{child.version.vision_id}:{child.key}").total == 60
    data = rollup.vision_follow_up(child.version.vision)
    row = next(r for r in data["elements"] if r["element"].key == child.key)
    assert (row["actions"], row["granted_actions"], row["granted"], row["people"]) == (
        1,
        1,
        Decimal("20000"),
        60,
    )
    application.qpvs.set([Qpv.objects.get(code="QN04214M")])
    assert rollup.vision_follow_up(child.version.vision)["elements"][0]["actions"] == 0


def test_an_editor_refutes_an_assumption_citing_a_measurement(client, followed, users):
    client.force_login(users["se_animator"])
    vision, assumption = followed["vision"], followed["assumption"]
    measurement = followed["survey"].measurements.get(period_end__year=2025)
    url = reverse("measurement:assumption", args=[vision.pk, assumption.key])
    response = client.post(url, {"status": AssumptionStatus.REFUTED, "evidence": "205 jeunes, loin des 400.",
                                 "measurements": [measurement.pk], "note": "En dessous de la trajectoire."})  # fmt: skip
    assert response.status_code == 302
    assumption.refresh_from_db()
    assert assumption.status == AssumptionStatus.REFUTED
    citation = EvidenceCitation.objects.get()
    assert (citation.measurement, citation.note) == (measurement, "En dessous de la trajectoire.")
    text = client.get(url).content.decode()
    assert "205 jeunes, loin des 400." in text and "En dessous de la trajectoire." in text


def test_a_change_without_evidence_or_citing_a_foreign_measurement_changes_nothing(client, followed, users):
    client.force_login(users["se_animator"])
    vision, assumption = followed["vision"], followed["assumption"]
    url = reverse("measurement:assumption", args=[vision.pk, assumption.key])
    response = client.post(url, {"status": AssumptionStatus.REFUTED, "evidence": "  "})
    assert response.status_code == 200
    assert "Dites sur quels éléments de preuve" in response.content.decode()
    foreign = Indicator.objects.create(code="autre", name="Autre", kind=IndicatorKind.CONTEXT)
    services.record(
        [services.Row(indicator=foreign, value=Decimal(3), period_start=datetime.date(2025, 1, 1),
                      period_end=datetime.date(2025, 12, 31), qpv_id=followed["element"].version.vision.qpv_id)],
        source=MeasurementSource.COMMAND, check_plan=False,
    )  # fmt: skip
    response = client.post(url, {"status": AssumptionStatus.REFUTED, "evidence": "Une preuve.",
                                 "measurements": [foreign.measurements.get().pk]})  # fmt: skip
    assert response.status_code == 200
    assert "Choisissez des mesures de cette vision" in response.content.decode()
    assumption.refresh_from_db()
    assert assumption.status == AssumptionStatus.TO_TEST and not EvidenceCitation.objects.exists()


@pytest.mark.parametrize(
    "who,read,write",
    [
        ("se_animator", 200, 302),
        ("state_instructor", 200, 403),
        ("member", 200, 403),
        ("m2a_animator", 403, 403),
    ],
)
def test_who_may_read_and_who_may_change_an_assumption(client, followed, users, who, read, write):
    client.force_login(users[who])
    vision, assumption = followed["vision"], followed["assumption"]
    url = reverse("measurement:assumption", args=[vision.pk, assumption.key])
    assert client.get(url).status_code == read
    assert client.get(reverse("measurement:vision_follow_up", args=[vision.pk])).status_code == read
    response = client.post(url, {"status": AssumptionStatus.CONFIRMED, "evidence": "Confirmée."})
    assert response.status_code == write
    assumption.refresh_from_db()
    assert assumption.status == (AssumptionStatus.CONFIRMED if write == 302 else AssumptionStatus.TO_TEST)


def test_anonymous_visitors_are_sent_to_log_in_and_unknown_keys_are_not_found(client, followed, users):
    vision = followed["vision"]
    url = reverse("measurement:outcome", args=[vision.pk, followed["outcome"].key])
    assert client.get(url).status_code == 302
    client.force_login(users["se_animator"])
    assert client.get(reverse("measurement:outcome", args=[vision.pk, "inconnue"])).status_code == 404
    assert (
        client.get(reverse("measurement:element", args=[vision.pk, followed["outcome"].key])).status_code
        == 404
    )
