"""What the API reads: the same rows as the pages, for the same people."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cooperer.accounts.enums import Funder, Role
from cooperer.accounts.models import RoleAssignment
from cooperer.actors.enums import LegalForm
from cooperer.calls.enums import CallStatus
from cooperer.calls.models import Call
from cooperer.measurement import services
from cooperer.measurement.enums import MeasurementSource
from cooperer.visions import services as visions
from tests.api.conftest import token_client
from tests.calls.fixtures import make_structure
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def results(response) -> list:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


def test_it_lists_the_qpvs_without_their_contours_and_filters_them_by_epci(client, territory):
    rows = results(client.get("/api/v1/territoires/qpv/", {"epci": "200066009"}))
    assert [row["code"] for row in rows] == ["QN06803M"]
    assert rows[0]["communes"] == ["68224"] and rows[0]["bbox"] == [7.3, 47.74, 7.31, 47.75]
    assert "geometry" not in rows[0]


def test_it_gives_a_qpv_as_a_geojson_feature_whatever_the_case_of_its_code(client, territory):
    feature = client.get("/api/v1/territoires/qpv/qn04215m/").json()
    assert feature["type"] == "Feature" and feature["id"] == "QN04215M"
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["nom"] == "Quartiers Sud-Est"


def test_an_unknown_qpv_is_a_french_problem(client, territory):
    response = client.get("/api/v1/territoires/qpv/QN99999M/")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Ressource introuvable"


def test_the_directory_lists_only_the_structures_that_accepted_to_appear(client, territory):
    listed = make_structure("Amicale du Soleil <b>(fictive)</b>", 40, public_listing=True)
    make_structure("Association discrète (fictive)", 41)
    listed.qpvs.set([territory["sud_est"]])
    rows = results(client.get("/api/v1/annuaire/", {"epci": "244200770"}))
    assert [(row["nom"], row["qpv"], row["commune"]) for row in rows] == [
        ("Amicale du Soleil <b>(fictive)</b>", ["QN04215M"], "42218")
    ]
    assert results(client.get("/api/v1/annuaire/", {"epci": "200066009"})) == []


def test_calls_have_the_etalab_fields_and_a_draft_is_read_only_by_those_who_manage_it(
    call, users, as_user, client
):
    rows = results(client.get("/api/v1/appels/"))
    assert rows[0]["nom_aide_normalise"] == call.name and rows[0]["porteur_siren"] == "244200770"
    assert rows[0]["beneficiaires_aide"] == "Associations" and rows[0]["types_aides"] == "Subvention"
    assert rows[0]["id_aide"] == f"cooperer-appel-{call.pk}" and len(rows[0]["financeurs"]) == 3
    assert rows[0]["instructeurs_aide"].split(",") == [f.name for f in call.funders.all()]
    assert rows[0]["date_cloture"] == timezone.localdate(call.closes_at).isoformat()
    Call.objects.filter(pk=call.pk).update(status=CallStatus.DRAFT)
    assert results(client.get("/api/v1/appels/")) == []
    assert results(as_user("m2a_animator").get("/api/v1/appels/")) == []
    assert [row["id_aide"] for row in results(as_user("se_animator").get("/api/v1/appels/"))] == [
        f"cooperer-appel-{call.pk}"
    ]


def test_grants_are_public_scdl_rows(client, decided):
    rows = results(client.get("/api/v1/subventions/"))
    assert sorted(row["montant"] for row in rows) == [5000, 20000]
    state = next(row for row in rows if row["montant"] == 20000)
    assert state["nomBeneficiaire"] == "Association Jeunesse Sud-Est (fictive)"
    assert state["notificationUE"] == "non" and state["nature"] == "aide en numéraire"
    assert state["datesPeriodeVersement"] == state["dateConvention"] == "2026-11-20"
    assert results(client.get("/api/v1/subventions/", {"financeur": Funder.CAF}))[0]["montant"] == 5000


def test_decisions_are_read_by_the_territory_and_the_funders_of_the_call_only(
    decided, users, territory, as_user
):
    assert (
        as_user("se_animator").get("/api/v1/decisions/").json()["results"][0]["motivation"]
        == "Sert la vision."
    )
    assert len(results(as_user("state_instructor").get("/api/v1/decisions/"))) == 1
    assert results(as_user("m2a_animator").get("/api/v1/decisions/")) == []
    make_user("caf.m2a@exemple.fr", Role.INSTRUCTION, territory["m2a"], Funder.CAF)
    other_funder = make_user("dept@exemple.fr", Role.INSTRUCTION, territory["sem"], Funder.DEPARTEMENT)
    assert results(token_client(other_funder).get("/api/v1/decisions/")) == []
    member = make_user("porteur@exemple.fr")
    RoleAssignment.objects.create(
        user=member, role=Role.STRUCTURE_MEMBER, epci=territory["sem"], structure=decided.applicant
    )
    assert len(results(token_client(member).get("/api/v1/decisions/"))) == 1


def test_decisions_need_a_token(client, decided):
    response = client.get("/api/v1/decisions/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"] == "Informations d'authentification non fournies."


def test_only_adopted_visions_are_read_and_drafts_never(client, sud_est_vision, users, as_user):
    version = visions.current_version(sud_est_vision)
    visions.add_element(version, "Des jeunes qui ont des lieux à eux.")
    assert results(client.get("/api/v1/visions/")) == []
    version.statement = "Un quartier où les jeunes ont leur place."
    version.save()
    visions.adopt(
        version,
        body="COPIL",
        reference="D-1",
        adopted_on=datetime.date(2026, 11, 1),
        user=users["se_animator"],
    )
    rows = results(client.get("/api/v1/visions/", {"qpv": "QN04215M"}))
    assert [element["texte"] for element in rows[0]["elements"]] == ["Des jeunes qui ont des lieux à eux."]
    assert rows[0]["statut"] == "adopted" and rows[0]["qpv"] == "QN04215M"


def test_measurements_are_public_under_statistical_secrecy(client, territory, indicators):
    indicator = indicators["personnes_touchees"]
    rows = [
        services.Row(indicator=indicator, value=Decimal(value), period_start=datetime.date(2025, 1, 1),
                     period_end=datetime.date(2025, 12, 31), qpv_id=qpv.pk, epci_id=territory["sem"].pk)
        for qpv, value in ((territory["sud_est"], "7"), (territory["sud_est"].__class__.objects.get(code="QN04214M"), "120"))
    ]  # fmt: skip
    services.record(rows, source=MeasurementSource.COMMAND)
    values = {
        row["qpv"]: row["valeur"]
        for row in results(client.get("/api/v1/mesures/", {"indicateur": indicator.code}))
    }
    assert values == {"QN04215M": "secret", "QN04214M": "120"}
    codes = [row["code"] for row in results(client.get("/api/v1/indicateurs/", {"taille": "200"}))]
    assert indicator.code in codes


def test_lists_page_by_cursor_without_losing_or_repeating_a_row(client, territory):
    seen, url = [], "/api/v1/territoires/qpv/?taille=1"
    while url:
        page = client.get(url).json()
        seen += [row["code"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 4  # ordered by id: each once


@pytest.mark.parametrize(
    "query, message",
    [
        ({"curseur": "pas-un-curseur"}, "Curseur invalide"),
        ({"taille": "0"}, "« taille »"),
        ({"taille": "abc"}, "« taille »"),
        ({"epci": "12"}, "SIREN"),
        ({"departement": "<script>"}, "département"),
    ],
)
def test_a_malformed_parameter_is_a_400_in_french(client, territory, query, message):
    response = client.get("/api/v1/territoires/qpv/", query)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert message in response.json()["detail"]


def _grow_directory(territory, start, count):
    for seed in range(start, start + count):
        structure = make_structure(
            f"Structure {seed} (fictive)", 1000 + seed, public_listing=True, form=LegalForm.ASSOCIATION
        )
        structure.qpvs.set([territory["sud_est"]])


@pytest.mark.parametrize(
    "url",
    ["/api/v1/annuaire/", "/api/v1/territoires/qpv/", "/api/v1/appels/", "/api/v1/subventions/",
     "/api/v1/decisions/", "/api/v1/visions/", "/api/v1/indicateurs/", "/api/v1/mesures/"],
)  # fmt: skip
def test_a_page_costs_the_same_queries_whatever_the_data(
    url, territory, users, django_assert_max_num_queries, decided
):
    client = token_client(users["se_animator"])
    client.get(url)  # first request of the token (last use written)
    _grow_directory(territory, 0, 3)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    _grow_directory(territory, 3, 30)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(url).status_code == 200
    print(url, len(small.captured_queries), len(large.captured_queries))


def test_an_adopted_contract_vision_is_read_on_its_territory_only(contract_vision, users, as_user, client):
    version = visions.current_version(contract_vision)
    visions.add_element(version, "Des quartiers reliés au centre.")
    version.statement = "En 2030, la métropole coopère."
    version.save()
    visions.adopt(
        version,
        body="COPIL",
        reference="D-2",
        adopted_on=datetime.date(2026, 11, 1),
        user=users["se_animator"],
    )
    assert [row["echelle"] for row in results(as_user("se_animator").get("/api/v1/visions/"))] == ["contrat"]
    assert [row["echelle"] for row in results(as_user("member").get("/api/v1/visions/"))] == ["contrat"]
    assert results(as_user("m2a_animator").get("/api/v1/visions/")) == []
    assert results(client.get("/api/v1/visions/")) == []


def test_a_token_reads_no_more_than_its_owner_a_draft_call_stays_hidden_from_a_structure_member(
    call, as_user
):
    Call.objects.filter(pk=call.pk).update(status=CallStatus.DRAFT)
    assert results(as_user("member").get("/api/v1/appels/")) == []
    assert results(as_user("state_instructor").get("/api/v1/appels/"))[0]["statut"] == "draft"
