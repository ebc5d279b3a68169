import pytest
from playwright.sync_api import expect

from cooperer.visions.enums import VersionStatus
from cooperer.visions.models import Grounding, Vision
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_animatrice_builds_grounds_adopts_and_revises_a_neighbourhood_vision(
    page, users, consultation, sud_est_said, contract_vision, assert_accessible
):
    log_in(page, "anim.se@exemple.fr")
    page.get_by_role("link", name="Visions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Visions partagées")
    assert_accessible(page)

    page.get_by_role("link", name="Nouvelle vision").click()
    page.get_by_label("Titre").fill("Quartiers Sud-Est en 2030")
    page.get_by_label("Échelle").select_option(label="Quartier prioritaire")
    page.get_by_label("QPV").select_option(label="Quartiers Sud-Est (QN04215M)")
    page.get_by_label("S'assemble dans la vision").select_option(label=contract_vision.title)
    page.get_by_label("Concertation d'appui").select_option(label=consultation.title)
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Vision créée")).to_be_visible()

    page.get_by_label("Énoncé de la vision").fill("Un quartier où chacun trouve sa place.")
    page.get_by_role("button", name="Enregistrer l'énoncé").click()
    expect(page.get_by_text("Énoncé enregistré.")).to_be_visible()
    for text in ("Les jeunes ont des lieux à eux et des adultes en qui ils ont confiance.", ""):
        page.get_by_label("Nouvel élément").fill(text)
        page.get_by_role("button", name="Ajouter l'élément").click()
        expect(page.get_by_text("Élément ajouté.")).to_be_visible()
    assert_accessible(page)

    # Grounded in what the young people said.
    page.get_by_role("link", name="Fonder sur la concertation").click()
    page.get_by_label("Public").select_option(label="Jeunes")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_text("Un terrain de foot éclairé et un local à nous.").click()
    page.get_by_label("Lier les contributions cochées à").select_option(
        label="Les jeunes ont des lieux à eux et des adultes en qui ils ont confiance."
    )
    page.get_by_role("button", name="Lier les contributions cochées").click()
    expect(page.get_by_text("1 contribution(s) liée(s)")).to_be_visible()
    expect(page.get_by_text("jeunes : 1").first).to_be_visible()
    assert_accessible(page)

    # Its theory of change; a loop is refused.
    page.get_by_role("link", name="Théorie du changement").first.click()
    for text, horizon, level in (
        ("Un local jeunesse ouvre le soir", "Court terme", "Pratiques et institutions"),
        ("Les jeunes s'engagent dans le quartier", "Long terme", "Population"),
    ):
        page.get_by_role("textbox", name="Changement attendu").fill(text)
        page.get_by_label("Horizon").select_option(label=horizon)
        page.get_by_role("combobox", name="Niveau").select_option(label=level)
        page.get_by_role("button", name="Ajouter le changement").click()
        expect(page.get_by_text("Changement attendu ajouté.")).to_be_visible()
    page.get_by_label("Ce changement").select_option(label="Un local jeunesse ouvre le soir")
    page.get_by_label("mène à").select_option(label="Les jeunes s'engagent dans le quartier")
    page.get_by_role("button", name="Relier").click()
    expect(page.get_by_text("Lien ajouté.")).to_be_visible()
    page.get_by_label("Ce changement").select_option(label="Les jeunes s'engagent dans le quartier")
    page.get_by_label("mène à").select_option(label="Un local jeunesse ouvre le soir")
    page.get_by_role("button", name="Relier").click()
    expect(page.get_by_text("ce lien ferait une boucle")).to_be_visible()
    expect(page.locator("figure.toc-figure svg")).to_be_visible()
    page.get_by_text("Plan en texte de la théorie du changement").click()
    assert_accessible(page)

    # Adoption: refused while an element is empty, then recorded.
    vision = Vision.objects.get(title="Quartiers Sud-Est en 2030")
    page.goto(f"/visions/{vision.pk}/adopter/")
    page.get_by_label("Instance qui adopte").fill("Comité de pilotage du contrat de ville")
    page.get_by_role("button", name="Enregistrer l'adoption").click()
    expect(page.get_by_text("L'élément n° 2 est vide")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/visions/{vision.pk}/brouillon/")
    page.get_by_role("button", name="Supprimer l'élément n° 2").click()
    expect(page.get_by_text("Élément supprimé.")).to_be_visible()
    page.goto(f"/visions/{vision.pk}/adopter/")
    page.get_by_label("Instance qui adopte").fill("Comité de pilotage du contrat de ville")
    page.get_by_label("Référence de la décision").fill("CP-2026-11")
    page.get_by_role("button", name="Enregistrer l'adoption").click()
    expect(page.get_by_text("Version 1 adoptée : elle est désormais figée.")).to_be_visible()
    assert vision.versions.get().status == VersionStatus.ADOPTED

    # Everyone reads « Notre quartier en 2030 ».
    page.goto("/notre-quartier/QN04215M/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notre quartier en 2030 : Quartiers Sud-Est")
    expect(page.get_by_text("Les jeunes ont des lieux à eux")).to_be_visible()
    assert_accessible(page)

    # A revision, compared word by word with the adopted version.
    page.goto(vision.get_absolute_url())
    page.get_by_role("button", name="Commencer une révision").click()
    expect(page.get_by_text("la version 2 est un brouillon")).to_be_visible()
    page.get_by_role("textbox", name="Élément n° 1").fill(
        "Les jeunes ont des lieux à eux, ouverts le soir, et des adultes de confiance."
    )
    page.get_by_role("button", name="Enregistrer", exact=True).first.click()
    expect(page.get_by_text("Élément enregistré.")).to_be_visible()
    page.goto(f"/visions/{vision.pk}/comparer/")
    expect(page.locator("ins").first).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.goto(vision.get_absolute_url())
        page.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Grounding.objects.filter(element__version__vision=vision).count() == 2  # v1 and its copy in v2
