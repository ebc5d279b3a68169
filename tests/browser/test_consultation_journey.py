import pytest
from playwright.sync_api import expect

from cooperer.consultations.models import Contribution
from tests.browser.test_journeys import log_in
from tests.conftest import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)

WORKSHOP = "texte;nature;public\nUn local pour les jeunes ouvert le soir;proposition;jeunes\nPlus de bus le dimanche;constat;\n"


def test_a_resident_contributes_from_a_phone(browser, live_server, sessions, assert_accessible):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 375, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    page.goto(sessions["habitants"].public_url())
    assert_accessible(page)
    page.get_by_label("Proposition").check()
    page.get_by_role("textbox", name="Votre contribution").fill("Un jardin partagé au pied des immeubles.")
    page.get_by_role("button", name="Envoyer ma contribution").click()
    expect(page.get_by_role("alert")).to_contain_text("Cochez la case de consentement")
    expect(page.get_by_role("textbox", name="Votre contribution")).to_have_value(
        "Un jardin partagé au pied des immeubles."
    )
    assert_accessible(page)
    page.get_by_label("J'ai lu le texte ci-dessus").check()
    page.get_by_role("button", name="Envoyer ma contribution").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("votre contribution est bien enregistrée")
    assert_accessible(page)
    assert Contribution.objects.get().text == "Un jardin partagé au pied des immeubles."
    context.close()


def test_the_animatrice_types_post_its_imports_a_workshop_and_moderates(
    page, users, sessions, consultation, assert_accessible, tmp_path
):
    workshop = tmp_path / "atelier.csv"
    workshop.write_text(WORKSHOP, encoding="utf-8")
    log_in(page, "anim.se@exemple.fr")
    page.get_by_role("link", name="Concertations").click()
    assert_accessible(page)
    page.get_by_role("link", name=consultation.title).click()
    assert_accessible(page)
    page.get_by_role("link", name="Quartiers Sud-Est").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Saisir des post-its").click()
    assert_accessible(page)
    lines = page.get_by_label("Post-its, un par ligne")
    lines.fill("p: une fête de quartier en juin\nc: pas assez de bancs")
    lines.press("Control+Enter")
    expect(page.get_by_role("status")).to_contain_text("2 contributions enregistrées")
    expect(page.get_by_label("Post-its, un par ligne")).to_be_focused()

    page.goto(consultation.get_absolute_url())
    page.get_by_role("link", name="Importer un fichier").click()
    assert_accessible(page)
    page.get_by_label("Séance").select_option(label=str(sessions["habitants"]))
    page.locator("input[type=file]").set_input_files(str(workshop))
    page.get_by_role("button", name="Voir l'aperçu").click()
    run_jobs()
    page.reload()
    page.get_by_role("button", name="Importer ces 2 contributions").click()
    run_jobs()
    page.reload()
    expect(page.get_by_text("Contributions importées")).to_be_visible()
    assert Contribution.objects.count() == 4

    page.goto(consultation.get_absolute_url())
    page.get_by_role("link", name="Lire les contributions").click()
    assert_accessible(page)
    item = page.get_by_role("listitem").filter(has_text="pas assez de bancs")
    item.get_by_label("Motif du masquage").fill("Doublon d'un autre post-it")
    item.get_by_role("button", name="Masquer").click()
    expect(page.get_by_role("status")).to_contain_text("Contribution masquée")
    expect(page.get_by_text("pas assez de bancs")).to_have_count(0)
    assert Contribution.objects.count() == 4


def test_the_animatrice_runs_the_analysis_corrects_tags_and_exports_the_synthesis_of_montreynaud(
    page, users, sessions, consultation, montreynaud, assert_accessible
):
    from tests.consultations.test_analysis import PROFESSIONALS, RESIDENTS

    for audience, texts in (("habitants", RESIDENTS), ("professionnels", PROFESSIONALS)):
        session = sessions[audience]
        Contribution.objects.bulk_create(
            Contribution(consultation=consultation, session=session, qpv=session.qpv, audience=audience,
                         kind="constat", text=text, source="saisie_assistee")
            for text in texts * 2
        )  # fmt: skip
    log_in(page, "anim.se@exemple.fr")
    page.goto(consultation.get_absolute_url())
    page.get_by_role("link", name="Analyse et synthèse").click()
    assert_accessible(page)
    page.get_by_role("button", name="Lancer l'analyse").click()
    run_jobs()
    page.reload()
    page.get_by_role("link", name="Voir l'analyse").click()
    expect(page.get_by_role("heading", name="Habitants et professionnels")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="les contributions").first.click()
    assert_accessible(page)
    for _ in range(3):
        item = page.get_by_role("listitem").filter(has_text="Proposé par l'analyse".lower()).first
        item.get_by_label("Thème").select_option(label="Santé")
        item.get_by_role("button", name="Valider le thème").click()
        expect(page.get_by_role("status")).to_contain_text("Thème corrigé : Santé")
    page.goto(consultation.get_absolute_url() + "analyse/")
    page.get_by_role("button", name="Relancer l'analyse").click()
    run_jobs()
    page.reload()
    page.get_by_role("link", name="Voir l'analyse").click()
    expect(page.get_by_text("l'équipe a confirmé ou corrigé le thème de 3 d'entre elles")).to_be_visible()
    trend = page.get_by_role("table", name="Contributions du territoire par thème, par semaine")
    expect(trend.get_by_role("rowheader")).to_have_text(
        ["semaine du 28 septembre", "semaine du 5 octobre", *[f"semaine du {d} octobre" for d in (12, 19, 26)],
         "semaine du 2 novembre", "semaine du 9 novembre"]
    )  # fmt: skip

    page.get_by_role("link", name="Montreynaud", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Montreynaud : ce que le quartier a dit")
    expect(page.get_by_role("heading", name="Habitants et professionnels dans le quartier")).to_be_visible()
    residents = page.locator("section").filter(
        has=page.get_by_role(
            "heading", name="Ce que disent les habitants et que les professionnels ne disent pas"
        )
    )
    professionals = page.locator("section").filter(
        has=page.get_by_role(
            "heading", name="Ce que disent les professionnels et que les habitants ne disent pas"
        )
    )
    expect(residents.get_by_role("listitem").filter(has_text="« bus »")).to_have_text("« bus » — 12 contre 0")
    expect(residents).not_to_contain_text("partenaire")
    expect(professionals.get_by_role("listitem").filter(has_text="« partenaire »")).to_have_text(
        "« partenaire » — 9 contre 0"
    )
    expect(professionals).not_to_contain_text("bus")
    trend = page.get_by_role("table", name="Contributions du quartier par thème, par semaine")
    expect(trend.get_by_role("rowheader")).to_have_text(["semaine du 2 novembre", "semaine du 9 novembre"])
    assert_accessible(page)

    page.get_by_label("Texte de la synthèse").fill(
        "À Montreynaud, les habitants parlent du bus et des médecins ; les professionnels des partenaires."
    )
    page.get_by_role("button", name="Enregistrer la synthèse").click()
    expect(page.get_by_role("status")).to_contain_text("Synthèse enregistrée")
    page.get_by_role("link", name="Version imprimable").click()
    expect(page.get_by_text("les habitants parlent du bus")).to_be_visible()
    expect(page.get_by_role("table", name="Contributions du quartier par thème, par semaine")).to_be_visible()
    assert_accessible(page)
    page.go_back()
    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF", exact=True).click()
    assert pdf.value.suggested_filename == "synthese-QN04213M.pdf"
    assert pdf.value.path().read_bytes().startswith(b"%PDF")
    page.get_by_role("link", name="Toutes les contributions du quartier").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    with page.expect_download() as csv:
        page.get_by_role("link", name="CSV", exact=True).click()
    assert csv.value.suggested_filename == f"contributions-concertation-{consultation.pk}.csv"
    exported = csv.value.path().read_text(encoding="utf-8-sig")
    assert "QN04213M" in exported and "Le bus ne monte plus à Montreynaud après 20 h." in exported
