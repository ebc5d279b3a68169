import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_animatrice_reads_the_proof_of_her_contract_then_of_a_neighbourhood(
    page, funded, assert_accessible
):
    log_in(page, "anim.se@exemple.fr")
    page.get_by_role("link", name="Mesure").click()
    page.get_by_role("link", name="pour chaque contrat", exact=False).click()
    assert_accessible(page)
    page.get_by_role("link", name="Contrat de ville de Saint-Étienne Métropole").click()
    expect(
        page.get_by_role("heading", name="Preuves : Contrat de ville de Saint-Étienne Métropole")
    ).to_be_visible()
    expect(page.get_by_role("img", name="Densité du réseau, par année")).to_be_visible()
    expect(page.get_by_role("table", name="Part des bilans déposés à temps, par année")).to_be_visible()
    assert_accessible(page)
    page.get_by_text("Un quartier prioritaire du contrat").click()
    page.get_by_role("link", name="Quartiers Sud-Est").click()
    expect(page.get_by_role("heading", name="Preuves : Quartiers Sud-Est")).to_be_visible()
    assert_accessible(page)
