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


def test_a_coordinator_prepares_an_open_event_and_invites_a_suggested_structure(
    page, users, community, assert_accessible
):
    from cooperer.actors.models import Public
    from cooperer.territories.models import Commune
    from tests.actors.conftest import make_structure

    make_structure(
        "MJC de Bourtzwiller (fictive)", Commune.objects.get(insee_code="68224"), publics=["Jeunes"]
    )
    community["jeunes"].publics.set(Public.objects.filter(name="Jeunes"))
    log_in(page, "anim.m2a@exemple.fr")
    page.goto(community["community"].get_absolute_url())
    page.get_by_role("link", name="Ses événements ouverts (assises, forums…)").click()
    assert_accessible(page)
    page.get_by_label("Titre").fill("Assises de la jeunesse")
    page.get_by_label("Date").fill("2026-05-16")
    page.get_by_label("Jeunes").check()
    page.get_by_role("button", name="Créer l'événement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assises de la jeunesse")
    suggestions = page.get_by_role("table", name="Suggestions, avec leurs raisons")
    expect(suggestions.get_by_role("row", name="MJC de Bourtzwiller (fictive)")).to_contain_text(
        "mêmes publics : Jeunes"
    )
    expect(suggestions).not_to_contain_text("Jeunes de Bourtzwiller")  # already a member
    assert_accessible(page)
    page.get_by_label("Courriel de MJC de Bourtzwiller (fictive)").fill("mjc@exemple.fr")
    page.get_by_role("button", name="Inviter MJC de Bourtzwiller (fictive)").click()
    expect(page.get_by_role("status")).to_contain_text("« MJC de Bourtzwiller (fictive) » est invitée")
    page.get_by_role("button", name="Marquer inscrite : MJC de Bourtzwiller (fictive)").click()
    expect(page.get_by_role("table", name="Invitations et inscriptions")).to_contain_text("Inscrite le")
    assert_accessible(page)


def test_the_kit_pages_are_accessible(page, users, territory, assert_accessible):
    from cooperer.knowledge.models import KitTemplate

    template = KitTemplate.objects.create(
        kind="grille_appel", title="Grille QIC", status="publie", source_place="Saint-Étienne",
        content={"criteria": [{"kind": "cooperation", "label": "Coopération", "weight": 100}],
                 "funders": [{"funder": "caf", "name": "{{ financeur }}", "envelope": "{{ montant }}"}]},
    )  # fmt: skip
    page.goto("/capitalisation/kit/")
    assert_accessible(page)
    page.get_by_role("link", name="Grille QIC").click()
    expect(page.get_by_role("table", name="Repères à remplacer avant usage")).to_contain_text("un financeur")
    assert_accessible(page)
    log_in(page, "anim.se@exemple.fr")
    page.goto(template.get_absolute_url())
    expect(page.get_by_role("link", name="Modifier")).to_have_count(0)  # not its author
    expect(page.get_by_role("link", name="Essaimer sur un territoire")).to_be_visible()
    page.goto("/capitalisation/kit/nouveau/")
    assert_accessible(page)
