import pytest
from playwright.sync_api import expect

from cooperer.accounts.enums import Role
from cooperer.accounts.models import RoleAssignment
from cooperer.knowledge.models import Lineage
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_animatrice_essaime_a_consultation_design_adapts_it_and_sees_the_lineage(
    page, users, territory, sessions, consultation, assert_accessible
):
    RoleAssignment.objects.create(user=users["se_animator"], role=Role.ANIMATION, epci=territory["m2a"])
    log_in(page, "anim.se@exemple.fr")
    page.goto(consultation.get_absolute_url())
    page.get_by_role("link", name="Essaimer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Essaimer sur un autre territoire")
    assert_accessible(page)
    page.get_by_label("Territoire d'arrivée").select_option(label="CA Mulhouse Alsace Agglomération")
    page.get_by_label("Les Coteaux (QN06803M)").check()
    page.get_by_label("Nom du lieu d'arrivée").fill("Mulhouse")
    page.get_by_role("button", name="Essaimer").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("essaimé vers Mulhouse")
    expect(page.get_by_text("Fixer les dates de la concertation")).to_be_visible()
    expect(page.get_by_text("Dater 2 séances")).to_be_visible()
    assert_accessible(page)
    lineage = Lineage.objects.get()
    assert lineage.note.startswith("inspiré de Saint-Étienne")

    page.get_by_text("Fixer les dates de la concertation").get_by_role("link", name="Adapter").click()
    expect(page.get_by_text("À adapter avant usage")).to_be_visible()  # warned on the copy's own form
    assert_accessible(page)
    page.get_by_label("Début").fill("2027-03-01")
    page.get_by_label("Fin").fill("2027-06-30")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Concertation mise à jour")

    page.get_by_role("link", name="Voir ce qu'il reste à adapter").click()
    expect(page.get_by_text("Dater 2 séances")).to_be_visible()
    expect(page.get_by_text("Fixer les dates de la concertation")).to_have_count(0)
    page.get_by_role("link", name="Voir l'essaimage de la méthode entre territoires").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Essaimage de la méthode")
    table = page.get_by_role("table", name="Copies par lieu d'origine et par outil")
    expect(table.get_by_role("rowheader", name="Saint-Étienne")).to_be_visible()
    expect(page.get_by_role("img", name="Essaimage de la méthode entre territoires")).to_be_visible()
    assert_accessible(page)
