"""Every error is application/problem+json (RFC 9457), in French."""

import pytest

pytestmark = pytest.mark.django_db


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["type"].startswith("/api/v1/problemes/")
    assert body["title"] and body["detail"]
    return body


def test_an_unknown_address_under_the_api_is_a_404_problem(client):
    body = assert_problem(client.get("/api/v1/rien-ici/"), 404)
    assert body["instance"] == "/api/v1/rien-ici/"


def test_a_method_not_allowed_is_a_405_problem(client):
    body = assert_problem(client.delete("/api/v1/territoires/epci/"), 405)
    assert "DELETE" in body["detail"]


def test_a_body_that_is_not_json_is_a_415_problem(as_user):
    assert_problem(
        as_user("se_animator").post("/api/v1/structures/", "nom=x", content_type="text/plain"), 415
    )


def test_broken_json_is_a_400_problem(as_user):
    assert_problem(
        as_user("se_animator").post("/api/v1/structures/", "{", content_type="application/json"), 400
    )


def test_a_validation_error_names_each_field(as_user):
    response = as_user("se_animator").post(
        "/api/v1/structures/", {"structures": "pas une liste"}, content_type="application/json"
    )
    body = assert_problem(response, 400)
    assert body["detail"] == "Les données envoyées sont invalides : rien n'a été enregistré."
    assert body["errors"][0]["field"] == "structures"


def test_the_api_answers_json_whatever_the_accept_header(client):
    response = client.get("/api/v1/territoires/epci/", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"


def test_the_schema_is_openapi_3_and_documents_every_problem(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert schema["openapi"].startswith("3.")
    assert "Probleme" in schema["components"]["schemas"]
    operation = schema["paths"]["/api/v1/territoires/qpv/"]["get"]
    assert operation["responses"]["429"]["content"]["application/problem+json"]
    assert schema["components"]["securitySchemes"]["jeton"]["scheme"] == "bearer"


def test_the_documentation_page_loads_nothing_from_outside(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert (
        'lang="fr"' in page and "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    )
    assert "http://" not in page and "https://" not in page


def test_an_unexpected_error_is_a_500_problem_without_details(caplog):
    from cooperer.api.problems import exception_handler

    response = exception_handler(RuntimeError("secret interne"), {"request": None})
    assert response.status_code == 500 and response.content_type == "application/problem+json"
    assert response.data["title"] == "Erreur du serveur" and "secret interne" not in response.data["detail"]
    assert "secret interne" in caplog.text
