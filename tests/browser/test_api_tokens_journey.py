"""A person creates an API token from « Mon compte », copies it once, uses it, and revokes it; the API's
documentation page works offline (its scripts are served by the application)."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_animatrice_creates_then_revokes_a_token(page, users, assert_accessible):
    log_in(page, "anim.se@exemple.fr")
    page.goto("/comptes/moi/")
    page.get_by_role("link", name="Jetons d'accès à l'API").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jetons d'accès à l'API")
    assert_accessible(page)
    page.get_by_label("Nom du jeton").fill("Tableau de bord de la CAF")
    page.get_by_role("button", name="Créer le jeton").click()
    secret = page.get_by_label("Jeton", exact=True).input_value()
    assert secret.startswith("cop_")
    assert_accessible(page)
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get("/api/v1/decisions/").status_code == 200
    page.get_by_role("button", name="Révoquer le jeton Tableau de bord de la CAF").click()
    expect(page.get_by_text("Le jeton « Tableau de bord de la CAF » est révoqué")).to_be_visible()
    assert api.get("/api/v1/decisions/").status_code == 401


def test_the_documentation_page_lists_the_operations_without_the_network(page, territory):
    page.route(
        "**/*",
        lambda route: (
            route.abort()
            if "127.0.0.1" not in route.request.url and "localhost" not in route.request.url
            else route.continue_()
        ),
    )
    page.goto("/api/v1/docs/")
    # Our page's title, then Swagger UI's own (« API de Coopérer 1.0.0 OAS ») once it has read the schema.
    expect(page.get_by_role("heading", name="API de Coopérer", exact=True)).to_be_visible()
    expect(page.get_by_text("/api/v1/territoires/qpv/", exact=True)).to_be_visible()
