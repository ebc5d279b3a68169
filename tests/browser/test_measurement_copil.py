import pytest
from playwright.sync_api import expect

from cooperer.measurement.models import EvidenceCitation, OutcomeIndicator, Report
from cooperer.visions import services as visions
from tests.browser.test_journeys import log_in
from tests.conftest import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_animatrice_follows_the_vision_tests_an_assumption_and_generates_the_annual_report(
    page, followed, territory, assert_accessible
):
    OutcomeIndicator.objects.filter(vision=followed["vision"]).update(target=1000)
    log_in(page, "anim.se@exemple.fr")
    page.get_by_role("link", name="Mesure").click()
    page.get_by_role("link", name=territory["se_contract"].name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tableau de bord du COPIL")
    page.get_by_label("Colorer les quartiers selon").select_option(
        label="Personnes touchées (réalisation d'une action)"
    )
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("table", name="Personnes touchées (2025) par quartier")).to_be_visible()
    assert_accessible(page)
    alert = page.get_by_role("link", name="Les jeunes fréquentent des lieux encadrés")
    alert.click()
    expect(
        page.get_by_role("img", name="Jeunes qui fréquentent un lieu encadré", exact=False)
    ).to_be_visible()
    expect(
        page.get_by_role("table", name="Jeunes qui fréquentent un lieu encadré par année")
    ).to_contain_text("262")
    expect(page.get_by_text("En retard sur la trajectoire")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Un lieu co-géré attire les jeunes éloignés.").click()
    page.get_by_label("Nouveau statut").select_option(label="Infirmée")
    page.get_by_role("button", name="Enregistrer le changement de statut").click()
    expect(page.get_by_text("Dites sur quels éléments de preuve")).to_be_visible()
    assert_accessible(page)
    page.locator("#evidence").fill("262 jeunes en 2026 : loin des 1 000 visés.")
    page.get_by_label("Jeunes qui fréquentent un lieu encadré 2026", exact=False).check()
    page.get_by_label("Ce que ces mesures montrent").fill("Le lieu attire surtout des jeunes déjà suivis.")
    page.get_by_role("button", name="Enregistrer le changement de statut").click()
    expect(page.get_by_text("Le statut de l'hypothèse et ses preuves sont enregistrés.")).to_be_visible()
    expect(page.get_by_role("table", name="Mesures citées")).to_contain_text("Le lieu attire surtout")
    assert EvidenceCitation.objects.count() == 1

    page.get_by_role("link", name="Mesure").click()
    page.get_by_role("link", name=territory["se_contract"].name).click()
    page.get_by_label("Rapport").select_option(label="Rapport annuel du contrat de ville")
    page.get_by_label("Année").select_option("2025")
    page.get_by_role("button", name="Générer le rapport").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapport annuel")
    run_jobs()
    page.reload()
    page.get_by_role("link", name="Lire le rapport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport annuel du contrat de ville 2025")
    expect(page.get_by_role("table", name="Montants accordés par financeur dans l'année")).to_contain_text(
        "20000.00"
    )
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en PDF").click()
    assert download.value.suggested_filename == f"rapport-{territory['se_contract'].slug}-2025.pdf"
    assert Report.objects.get().year == 2025


def test_a_resident_reads_where_the_neighbourhood_stands_on_a_phone(
    browser, live_server, followed, users, territory, axe, assert_accessible
):
    version = followed["element"].version
    visions.save_statement(version, "En 2030, les jeunes du quartier ont des lieux à eux.")
    visions.adopt(version, body="Comité de pilotage", reference="CP-1", adopted_on=version.created_at.date(),
                  user=users["se_animator"])  # fmt: skip
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 375, "height": 740}, is_mobile=True,
        has_touch=True, device_scale_factor=2,
    )  # fmt: skip
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    phone.goto(f"/notre-quartier/{territory['sud_est'].code}/")
    phone.get_by_role("link", name="Où en est-on ?", exact=False).click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Où en est-on ?")
    expect(phone.get_by_text("Un local jeunes ouvert le soir").first).to_be_visible()
    expect(phone.get_by_role("heading", name="Nos objectifs : où en sommes-nous ?")).to_be_visible()
    expect(phone.get_by_text("ça avance comme prévu")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(phone)
    context.close()
