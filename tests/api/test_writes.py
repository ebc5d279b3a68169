"""Writes: all or nothing, with the rules of the matching file import, for those who may only."""

import pytest

from cooperer.accounts.enums import Role
from cooperer.accounts.models import RoleAssignment
from cooperer.actors.models import Structure
from cooperer.consultations.enums import ContributionSource
from cooperer.consultations.models import Contribution
from cooperer.measurement.models import Measurement
from tests.api.conftest import token_client
from tests.calls.fixtures import luhn_siret, make_structure
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


# --- Contributions -------------------------------------------------------------------------------------


def contributions_url(consultation):
    return f"/api/v1/concertations/{consultation.pk}/contributions/"


def test_the_animation_imports_decidim_contributions_once(as_user, consultation, sessions):
    body = {
        "session": sessions["habitants"].pk,
        "contributions": [
            {"id": "101", "title": "Un local jeunes", "body": "Ouvert le soir."},
            {"id": "102", "body": "Plus de bus après 20 h."},
        ],
    }
    client = as_user("se_animator")
    response = post(client, contributions_url(consultation), body)
    assert response.status_code == 201 and response.json() == {"importees": 2, "deja_importees": 0}
    texts = set(Contribution.objects.filter(source=ContributionSource.DECIDIM).values_list("text", flat=True))
    assert texts == {"Un local jeunes. Ouvert le soir.", "Plus de bus après 20 h."}
    assert post(client, contributions_url(consultation), body).json() == {"importees": 0, "deja_importees": 2}


def test_a_wrong_contribution_writes_nothing_and_says_which_line(as_user, consultation, sessions):
    body = {
        "session": sessions["habitants"].pk,
        "contributions": [{"id": "1", "body": "Bien."}, {"id": "2", "body": ""}],
    }
    response = post(as_user("se_animator"), contributions_url(consultation), body)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [{"line": 2, "field": "body", "message": "La contribution est vide."}]
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("who, status", [("member", 403), ("m2a_animator", 404), ("state_instructor", 403)])
def test_only_the_animation_of_the_territory_imports_contributions(
    as_user, consultation, sessions, who, status
):
    body = {"session": sessions["habitants"].pk, "contributions": [{"id": "1", "body": "Bien."}]}
    assert post(as_user(who), contributions_url(consultation), body).status_code == status
    assert not Contribution.objects.exists()


def test_a_session_of_another_consultation_is_refused(as_user, consultation, sessions):
    body = {"session": 999999, "contributions": [{"body": "Bien."}]}
    response = post(as_user("se_animator"), contributions_url(consultation), body)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "session", "message": "Cette session n'appartient pas à cette concertation."}
    ]


# --- Measurements --------------------------------------------------------------------------------------


def measurement(application, **extra):
    return {"indicateur": "personnes_touchees", "action": str(application.pk), "debut": "2025-01-01",
            "fin": "2025-12-31", "valeur": 60, "ventilation": {"femmes": 25, "hommes": 35}, **extra}  # fmt: skip


def test_the_applicant_structure_records_the_measurements_of_its_action(funded):
    application = funded["application"]
    member = make_user("porteur@exemple.fr")
    RoleAssignment.objects.create(user=member, role=Role.STRUCTURE_MEMBER, epci=application.call.epci,
                                  structure=application.applicant)  # fmt: skip
    response = post(token_client(member), "/api/v1/mesures/", {"mesures": [measurement(application)]})
    assert response.status_code == 201, response.content
    assert response.json() == {"creees": 1, "mises_a_jour": 0, "inchangees": 0}
    recorded = Measurement.objects.get(application=application)
    assert recorded.value == 60 and recorded.breakdown == {"sexe": {"femmes": 25, "hommes": 35}}
    assert recorded.recorded_by == member


def test_a_structure_member_cannot_measure_an_action_that_is_not_theirs(funded, territory):
    other = make_structure("Autre association (fictive)", 77)
    member = make_user("autre@exemple.fr")
    RoleAssignment.objects.create(
        user=member, role=Role.STRUCTURE_MEMBER, epci=territory["sem"], structure=other
    )
    response = post(
        token_client(member),
        "/api/v1/mesures/",
        {"mesures": [measurement(funded["application"])]},
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (
        error["line"] == 1
        and error["field"] == "action"
        and "réservé à sa structure porteuse" in error["message"]
    )
    assert not Measurement.objects.filter(application=funded["application"]).exists()


def test_one_wrong_measurement_writes_none(funded, as_user):
    application = funded["application"]
    rows = [measurement(application), measurement(application, indicateur="inconnu", valeur="beaucoup")]
    response = post(as_user("se_animator"), "/api/v1/mesures/", {"mesures": rows})
    assert response.status_code == 400
    assert {(e["line"], e["field"]) for e in response.json()["errors"]} == {(2, "indicateur"), (2, "valeur")}
    assert not Measurement.objects.filter(application=application).exists()


def test_a_person_without_a_role_cannot_record_measurements(funded):
    response = post(token_client(make_user("sans-role@exemple.fr")), "/api/v1/mesures/",
                    {"mesures": [measurement(funded["application"])]})  # fmt: skip
    assert response.status_code == 403 and response.json()["title"] == "Accès refusé"


# --- Structures ----------------------------------------------------------------------------------------


def structure(**extra):
    return {"nom": "Amicale du Soleil (fictive)", "forme_juridique": "association", "siret": luhn_siret(555),
            "code_insee_commune": "42218", "thematiques": ["jeunesse", "sport"], "qpv": ["QN04214M"],
            "annuaire_public": True, **extra}  # fmt: skip


def test_an_animatrice_creates_structures_of_her_territory(as_user):
    response = post(as_user("se_animator"), "/api/v1/structures/", {"structures": [structure()]})
    assert response.status_code == 201, response.content
    created = Structure.objects.get(siret=luhn_siret(555))
    assert created.public_listing and [q.code for q in created.qpvs.all()] == ["QN04214M"]
    assert sorted(t.name for t in created.themes.all()) == ["jeunesse", "sport"]


def test_an_animatrice_cannot_create_a_structure_in_another_territory(as_user):
    response = post(as_user("m2a_animator"), "/api/v1/structures/", {"structures": [structure()]})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "code_insee_commune"
    assert not Structure.objects.exists()


def test_a_wrong_siret_is_refused_with_the_importer_message_and_nothing_is_written(as_user):
    rows = [structure(), structure(nom="Autre", siret="12345678901234")]
    response = post(as_user("se_animator"), "/api/v1/structures/", {"structures": rows})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["line"], error["field"]) == (2, "siret") and "clé" in error["message"]
    assert not Structure.objects.exists()


def test_a_structure_member_cannot_create_structures(as_user):
    assert post(as_user("member"), "/api/v1/structures/", {"structures": [structure()]}).status_code == 403


def test_a_missing_field_is_named_in_french(as_user):
    response = post(as_user("se_animator"), "/api/v1/structures/", {"structures": [{"nom": "Sans commune"}]})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "structures[0].code_insee_commune", "message": "Ce champ est obligatoire."}
    ]
