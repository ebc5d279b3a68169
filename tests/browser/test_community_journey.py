import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from cooperer.communities.models import Meeting
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_animatrice_runs_a_comite_technique_and_adopts_roadmap_v2(
    page, users, community, assert_accessible
):
    log_in(page, "anim.m2a@exemple.fr")
    page.get_by_role("link", name="Communautés").click()
    assert_accessible(page)
    page.get_by_role("link", name="Communauté d'action jeunesse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Communauté d'action jeunesse")
    expect(page.locator("figure#reseau-membres svg")).to_be_visible()  # loaded by htmx
    assert_accessible(page)

    page.get_by_role("link", name="Programmer une réunion").click()
    page.get_by_label("Instance").select_option(label="Comité technique jeunesse")
    when = timezone.localtime(timezone.now() + datetime.timedelta(days=7)).strftime("%Y-%m-%dT18:00")
    page.get_by_label("Date et heure").fill(when)
    page.get_by_label("Ordre du jour").fill("Bilan de l'animation de rue ; suites")
    page.get_by_label("Envoyer la convocation aux membres par courriel").check()
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(
        page.get_by_text("La réunion est programmée ; convocation envoyée à 1 membre sur 3")
    ).to_be_visible()
    assert any("Convocation" in m.subject for m in mail.outbox)
    # The meeting takes place: attendance is only taken once it has begun.
    Meeting.objects.update(starts_at=timezone.now() - datetime.timedelta(minutes=1))
    page.reload()

    page.get_by_label("Carré des associations").check()
    page.get_by_label("CAF du Haut-Rhin").check()
    page.get_by_label("Compte rendu").fill("Tour de table ; l'idée d'assises de la jeunesse est proposée.")
    page.get_by_role("button", name="Enregistrer les présences et le compte rendu").click()
    expect(page.get_by_text("Présences et compte rendu enregistrés.")).to_be_visible()
    assert_accessible(page)

    for text in (
        "Lancer un groupe de travail sur le tiers-lieu",
        "Partager la définition de l'animation de rue",
    ):
        page.get_by_role("link", name="Enregistrer une décision").click()
        page.locator("#id_text").fill(text)
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_text(text)).to_be_visible()

    page.get_by_role("link", name="Noter une idée").click()
    page.locator("#id_text").fill("Organiser des assises de la jeunesse en élargissant le cercle")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Organiser des assises de la jeunesse en élargissant le cercle")).to_be_visible()

    page.goto(f"/communautes/{community['community'].pk}/")
    page.get_by_role("button", name="Nouvelle version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feuille de route v2")
    page.get_by_role("link", name="Ajouter un axe").click()
    page.locator("#id_title").fill("Assises de la jeunesse")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_label("Adoptée par").select_option(label="Comité technique jeunesse")
    assert_accessible(page)
    page.get_by_role("button", name="Adopter la version 2").click()
    expect(page.get_by_text("La version 2 est adoptée ; la version 1 est remplacée.")).to_be_visible()

    page.get_by_role("link", name="comparer").click()
    page.get_by_label("De la version").select_option("1")
    page.get_by_label("À la version").select_option("2")
    page.get_by_role("button", name="Comparer").click()
    expect(page.get_by_role("heading", name="Axes ajoutés")).to_be_visible()
    expect(page.get_by_text("Assises de la jeunesse")).to_be_visible()
    assert_accessible(page)
