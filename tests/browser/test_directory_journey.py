import datetime

import pytest
from playwright.sync_api import expect

from cooperer.actors.enums import LegalForm
from cooperer.actors.models import CooperationLink
from cooperer.territories.models import Commune
from tests.actors.conftest import make_structure
from tests.browser.test_journeys import log_in
from tests.conftest import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)

BAD = "nom;forme_juridique;code_insee_commune;thematiques;publics\nJeunes du Drouot;association de droit local;68224;Jeunesse;11-17 ans\nSans commune;association;99999;Sport;\n;association;68224;;\n"
GOOD = "nom;forme_juridique;code_insee_commune;thematiques;publics\nJeunes du Drouot;association de droit local;68224;Jeunesse;11-17 ans\nSport Coteaux;association;68224;Sport;11-17 ans\nLoisirs Illzach;association;68224;Jeunesse;Familles\n"


def mulhouse_network():
    mulhouse = Commune.objects.get(insee_code="68224")
    carre = make_structure(
        "Carré des associations de Mulhouse",
        mulhouse,
        LegalForm.COMMUNE,
        ["Jeunesse"],
        ["11-17 ans"],
        offers=["locaux"],
    )
    field = [
        make_structure(
            f"Association de quartier {i}",
            mulhouse,
            themes=["Jeunesse"],
            publics=["11-17 ans"],
            needs=["locaux"],
        )
        for i in range(4)
    ]
    for i, structure in enumerate(field):
        CooperationLink.objects.create(
            source=carre, target=structure, kind="partenariat", start=datetime.date(2023 + i % 2, 3, 1)
        )
    CooperationLink.objects.create(
        source=field[0], target=field[1], kind="coportage", start=datetime.date(2024, 6, 1)
    )


def test_the_coordinator_imports_structures_then_explores_the_network(
    page, users, assert_accessible, tmp_path
):
    mulhouse_network()
    bad, good = tmp_path / "structures.csv", tmp_path / "structures-corrige.csv"
    bad.write_text(BAD, encoding="utf-8")
    good.write_text(GOOD, encoding="utf-8")
    log_in(page, "anim.m2a@exemple.fr")
    page.get_by_role("link", name="Acteurs").click()
    assert_accessible(page)
    page.get_by_role("link", name="Importer un fichier").click()
    assert_accessible(page)
    page.get_by_label("Fichier").set_input_files(str(bad))
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aperçu de l'import")
    run_jobs()
    errors = page.locator("table", has_text="Erreurs par ligne").locator("tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.first).to_contain_text("commune inconnue")
    expect(page.get_by_role("button", name="Importer ces")).to_have_count(0)
    assert_accessible(page)

    page.goto("/acteurs/import/")
    page.get_by_label("Fichier").set_input_files(str(good))
    page.get_by_role("button", name="Voir l'aperçu").click()
    run_jobs()
    page.get_by_role("button", name="Importer ces 3 structures").click()
    run_jobs()
    expect(page.get_by_role("status").first).to_contain_text("Terminé")
    assert_accessible(page)

    page.get_by_role("link", name="Réseau").click()
    page.get_by_label("Territoire", exact=True).select_option(label="CA Mulhouse Alsace Agglomération")
    page.get_by_label("Année", exact=True).select_option("2024")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", name="Structures charnières")).to_be_visible()
    assert_accessible(page)
    page.locator("ol li a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carré des associations de Mulhouse")
    assert_accessible(page)
    page.get_by_role("link", name="Trouver des partenaires complémentaires").click()
    # New partners on the same territory; the four associations it already works with are on its page.
    expect(page.get_by_text("Travaille avec les mêmes publics : 11-17 ans").first).to_be_visible()
    expect(page.get_by_role("link", name="Association de quartier 0")).to_have_count(0)
    assert_accessible(page)
