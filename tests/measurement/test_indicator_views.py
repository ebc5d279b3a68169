import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse

from cooperer.measurement import services
from cooperer.measurement.enums import IndicatorKind, MeasurementSource, Unit
from cooperer.measurement.models import Indicator

pytestmark = pytest.mark.django_db

NEW = {
    "code": "acces_droits", "name": "Personnes accompagnées vers leurs droits", "kind": IndicatorKind.OUTPUT,
    "definition": "Personnes reçues pour ouvrir un droit.", "unit": Unit.PEOPLE, "polarity": "up",
    "source": "Bilans", "periodicity": "annual", "disaggregations": ["sexe"], "comparability_note": "",
    "additive": "on", "minimum": "0", "maximum": "",
}  # fmt: skip


@pytest.fixture
def own(territory, indicators):
    """A context indicator of Saint-Étienne Métropole, and one of Mulhouse."""
    sem = Indicator.objects.create(
        code="jardins_partages", name="Jardins partagés", kind=IndicatorKind.CONTEXT, unit=Unit.COUNT,
        epci=territory["sem"], definition="Jardins ouverts aux habitants.",
    )  # fmt: skip
    m2a = Indicator.objects.create(
        code="jardins_m2a", name="Jardins de m2A", kind=IndicatorKind.CONTEXT, unit=Unit.COUNT,
        epci=territory["m2a"],
    )  # fmt: skip
    return {"sem": sem, "m2a": m2a}


def context_value(indicator, qpv, year, value=None, is_secret=False):
    row = services.Row(
        indicator=indicator, value=None if value is None else Decimal(value), is_secret=is_secret,
        period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31), qpv_id=qpv.pk,
        source_label=f"fichier test, {year}",
    )  # fmt: skip
    services.record([row], source=MeasurementSource.OFFICIAL_FILE)


def test_the_library_lists_national_indicators_and_the_territorys_own_only(client, users, own):
    client.force_login(users["member"])
    html = client.get(reverse("measurement:indicators")).content.decode()
    assert "Taux de pauvreté au seuil de 60 %" in html and "Jardins partagés" in html
    assert "Jardins de m2A" not in html
    assert "Ajouter un indicateur du territoire" not in html


def test_the_library_filters_by_kind(client, users, own):
    client.force_login(users["se_animator"])
    response = client.get(reverse("measurement:indicators"), {"type": IndicatorKind.COOPERATION})
    names = [i.name for i in response.context["page"].object_list]
    assert names and set(names) == {
        i.name for i in Indicator.objects.national().filter(kind=IndicatorKind.COOPERATION)
    }
    assert "Ajouter un indicateur du territoire" in response.content.decode()


def test_the_library_keeps_constant_queries_and_pages(
    client, users, territory, indicators, django_assert_max_num_queries
):
    client.force_login(users["se_animator"])
    with django_assert_max_num_queries(8):
        client.get(reverse("measurement:indicators"))
    Indicator.objects.bulk_create(
        Indicator(code=f"maison_{n}", name=f"Maison {n:03}", kind=IndicatorKind.OUTPUT, epci=territory["sem"])
        for n in range(120)
    )  # fmt: skip
    with django_assert_max_num_queries(8):
        response = client.get(reverse("measurement:indicators"), {"type": IndicatorKind.OUTPUT, "page": 2})
    outputs = sum(1 for i in indicators.values() if i.kind == IndicatorKind.OUTPUT)
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == outputs + 120
    assert '<a href="?type=output&amp;page=3">Page suivante</a>' in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, own):
    for url in (
        reverse("measurement:indicators"), own["sem"].get_absolute_url(),
        reverse("measurement:indicator_create"), reverse("measurement:indicator_edit", args=[own["sem"].pk]),
    ):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_an_indicator_of_another_territory_is_not_found(client, users, own):
    client.force_login(users["m2a_animator"])
    assert client.get(own["sem"].get_absolute_url()).status_code == 404
    assert client.get(reverse("measurement:indicator_edit", args=[own["sem"].pk])).status_code == 404
    assert client.get(own["m2a"].get_absolute_url()).status_code == 200


def test_the_detail_shows_the_definition_and_the_latest_values_of_the_viewers_qpvs_with_secrecy(
    client, users, territory, indicators
):
    population, sud_est = indicators["population"], territory["sud_est"]
    cret = territory["se_contract"].qpvs.get(code="QN04214M")
    coteaux = territory["m2a_contract"].qpvs.get()
    context_value(population, sud_est, 2018, "2700")
    context_value(population, sud_est, 2020, "2800")
    context_value(population, cret, 2020, "7")  # a count of 1 to 10 people: never shown
    context_value(population, territory["se_contract"].qpvs.get(code="QN04222N"), 2020, is_secret=True)
    context_value(population, coteaux, 2020, "5000")
    client.force_login(users["member"])
    response = client.get(population.get_absolute_url())
    html = unescape(response.content.decode())
    assert "Nombre d'habitants du quartier" in html and "À chaque recensement ou millésime" in html
    assert "Périmètres QPV 2024" in html and "INSEE" in html
    rows = {row["qpv"].code: row for row in response.context["rows"]}
    assert set(rows) == {"QN04215M", "QN04214M", "QN04222N"}  # not Mulhouse's
    assert (rows["QN04215M"]["value"], rows["QN04215M"]["measurement"].period_end.year) == (
        Decimal(2800),
        2020,
    )
    assert "2800" in html.replace("\u202f", "").replace("\xa0", "").replace(" ", "") and "2.8E" not in html
    assert rows["QN04214M"]["secret"] and rows["QN04214M"]["value"] is None
    assert rows["QN04222N"]["secret"]
    assert "fichier test, 2020" in html
    assert "Modifier cet indicateur" not in html


def test_the_administrator_picks_the_territory_whose_qpvs_are_shown(client, users, territory, indicators):
    context_value(indicators["population"], territory["m2a_contract"].qpvs.get(), 2020, "5000")
    client.force_login(users["admin"])
    response = client.get(indicators["population"].get_absolute_url(), {"territoire": territory["m2a"].pk})
    assert [row["qpv"].code for row in response.context["rows"]] == ["QN06803M"]
    assert 'name="territoire"' in response.content.decode()


def test_the_animation_creates_an_indicator_of_its_territory(client, users, territory, indicators):
    client.force_login(users["se_animator"])
    response = client.post(reverse("measurement:indicator_create"), NEW)
    indicator = Indicator.objects.get(code="acces_droits")
    assert response.status_code == 302 and response["Location"] == indicator.get_absolute_url()
    assert indicator.epci == territory["sem"] and indicator.disaggregations == ["sexe"]
    assert client.get(indicator.get_absolute_url()).status_code == 200
    assert "Modifier cet indicateur" in client.get(indicator.get_absolute_url()).content.decode()


def test_a_code_of_the_national_library_or_a_maximum_below_the_minimum_is_refused_beside_its_field(
    client, users, indicators
):
    client.force_login(users["se_animator"])
    response = client.post(
        reverse("measurement:indicator_create"),
        {**NEW, "code": "taux_pauvrete", "minimum": "10", "maximum": "5"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "indicateur national" in form.errors["code"][0]
    assert "inférieure à la valeur minimale" in form.errors["maximum"][0]
    assert 'id="id_code_erreurs"' in response.content.decode()
    assert not Indicator.objects.filter(epci__isnull=False).exists()


def test_the_administrator_chooses_the_territory_of_a_new_indicator(client, users, territory, indicators):
    client.force_login(users["admin"])
    client.post(reverse("measurement:indicator_create"), {**NEW, "epci": territory["m2a"].pk})
    assert Indicator.objects.get(code="acces_droits").epci == territory["m2a"]


@pytest.mark.parametrize("who", ["member", "state_instructor"])
def test_a_structure_member_or_an_instructor_creates_no_indicator(client, users, indicators, who):
    client.force_login(users[who])
    assert client.get(reverse("measurement:indicator_create")).status_code == 403
    assert client.post(reverse("measurement:indicator_create"), NEW).status_code == 403
    assert not Indicator.objects.filter(code="acces_droits").exists()


@pytest.mark.parametrize("who", ["member", "state_instructor", "m2a_animator"])
def test_others_do_not_edit_a_territorys_indicator(client, users, own, who):
    client.force_login(users[who])
    edit = client.post(reverse("measurement:indicator_edit", args=[own["sem"].pk]), {**NEW, "name": "Changé"})
    assert edit.status_code == (404 if who == "m2a_animator" else 403)
    own["sem"].refresh_from_db()
    assert own["sem"].name == "Jardins partagés"


def test_an_animatrice_creates_indicators_for_her_own_territory_only(client, users, territory, indicators):
    client.force_login(users["m2a_animator"])
    client.post(reverse("measurement:indicator_create"), {**NEW, "epci": territory["sem"].pk})
    assert Indicator.objects.get(code="acces_droits").epci == territory["m2a"]


def test_the_animation_and_the_administrator_edit_the_territorys_indicator(client, users, territory, own):
    for who in ("se_animator", "admin"):
        client.force_login(users[who])
        data = {**NEW, "code": "jardins_partages", "kind": IndicatorKind.CONTEXT, "unit": Unit.COUNT,
                "disaggregations": [], "name": f"Jardins ({who})", "epci": territory["m2a"].pk}  # fmt: skip
        assert (
            client.post(reverse("measurement:indicator_edit", args=[own["sem"].pk]), data).status_code == 302
        )
        own["sem"].refresh_from_db()
        assert own["sem"].name == f"Jardins ({who})" and own["sem"].epci == territory["sem"]


def test_a_national_indicator_is_not_editable_even_by_an_administrator(client, users, indicators):
    client.force_login(users["admin"])
    response = client.post(reverse("measurement:indicator_edit", args=[indicators["population"].pk]), NEW)
    assert response.status_code == 403
    indicators["population"].refresh_from_db()
    assert indicators["population"].name == "Population municipale"


def test_the_unit_of_an_indicator_with_values_does_not_change(client, users, territory, own):
    context_value(own["sem"], territory["sud_est"], 2024, "3")
    client.force_login(users["se_animator"])
    data = {**NEW, "code": "autre", "kind": IndicatorKind.OUTPUT, "unit": Unit.PERCENT, "disaggregations": []}
    assert client.post(reverse("measurement:indicator_edit", args=[own["sem"].pk]), data).status_code == 302
    own["sem"].refresh_from_db()
    assert (own["sem"].code, own["sem"].kind, own["sem"].unit) == (
        "jardins_partages",
        IndicatorKind.CONTEXT,
        Unit.COUNT,
    )
    assert own["sem"].name == NEW["name"]


def test_the_measurement_home_links_to_the_library(client, users):
    client.force_login(users["member"])
    assert reverse("measurement:indicators") in client.get(reverse("measurement:home")).content.decode()
