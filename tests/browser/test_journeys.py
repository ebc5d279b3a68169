import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_qpv

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username):
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant (adresse électronique)").fill(username)
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide-42")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_the_animatrice_opens_her_contract_and_a_qic_neighbourhood(page, users, assert_accessible):
    log_in(page, "anim.se@exemple.fr")
    assert_accessible(page)
    page.get_by_role("link", name="Contrats de ville").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Contrat de ville de Saint-Étienne Métropole").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contrat de ville de Saint-Étienne Métropole")
    rows = page.locator("tr[data-qpv-row]")
    expect(rows).to_have_count(3)
    expect(page.locator("svg.map a[data-qpv]")).to_have_count(3)
    expect(page.locator("svg.map .map-qpv--highlight")).to_have_count(2)
    expect(page.get_by_text("Quartiers à Impact Collectif (2 QPV)")).to_be_visible()
    expect(page.get_by_role("link", name="Modifier le contrat")).to_be_visible()
    assert_accessible(page)
    page.locator('svg.map a[data-qpv="QN04215M"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quartiers Sud-Est")
    expect(page.get_by_text("QN04215M", exact=True)).to_be_visible()
    assert_accessible(page)


def test_a_visitor_searches_a_neighbourhood_without_accents(page, territory, assert_accessible):
    make_qpv("QN04213M", "Montreynaud", 4.39, 45.46)
    page.goto("/territoires/")
    page.get_by_label("Rechercher un territoire").fill("cret de roc")
    expect(page.get_by_role("link", name="Crêt De Roc - Soleil (QN04214M)")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=cret"))
    assert_accessible(page)
    page.get_by_label("Rechercher un territoire").fill("MONTREYNAUD")
    page.get_by_role("link", name="Montreynaud (QN04213M)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Montreynaud")


def test_an_administrator_follows_an_import_job(page, users, assert_accessible, tmp_path):
    path = tmp_path / "qpv.csv"
    path.write_text(
        "code_qp;lib_qp;insee_com;lib_com\nQN04213M;Montreynaud;42218;Saint-Étienne\nQN9;Mauvais;42218;Saint-Étienne\n"
    )
    page.goto("/comptes/connexion/")
    log_in(page, "admin@exemple.fr")
    page.goto("/territoires/import/")
    assert_accessible(page)
    page.get_by_label("Fichier de référence").set_input_files(str(path))
    page.get_by_role("button", name="Lancer l'import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import de qpv.csv")
    expect(page.get_by_role("status").first).to_contain_text("En attente")
    assert_accessible(page)
