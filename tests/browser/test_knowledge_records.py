import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cooperer.accounts.enums import Role
from cooperer.calls.enums import ApplicationStatus
from cooperer.knowledge.models import Record
from tests.browser.test_journeys import log_in
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()


def test_an_animatrice_writes_a_record_from_her_community_and_a_colleague_publishes_it(
    page, users, community, territory, assert_accessible
):
    make_user("collegue.m2a@exemple.fr", Role.ANIMATION, territory["m2a"])
    log_in(page, "anim.m2a@exemple.fr")
    page.goto("/capitalisation/")
    assert_accessible(page)
    page.get_by_role("link", name="Écrire une fiche").click()
    assert_accessible(page)
    page.get_by_role("button", name="Écrire la fiche de Communauté d'action jeunesse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier la fiche d'expérience")
    expect(page.get_by_label("Acteurs et leurs rôles")).to_contain_text("Carré des associations")
    assert_accessible(page)
    page.get_by_label("Titre").fill("Un local jeunes ouvert le soir, né de deux ans d'interconnaissance")
    page.get_by_label("Résumé").fill("Les jeunes co-gèrent un local ouvert le soir avec des animateurs.")
    page.get_by_label("Enseignements").fill("Prendre le temps de se connaître avant d'agir.")
    page.get_by_label("Interconnaissance : levier").check()
    page.get_by_label("Interconnaissance : en quelques mots").fill("Deux ans de réunions")
    page.get_by_label("Turnover des professionnels : frein").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La fiche est enregistrée.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Soumettre à la relecture").click()
    expect(page.get_by_text("La fiche est soumise à la relecture")).to_be_visible()
    log_out(page)

    log_in(page, "collegue.m2a@exemple.fr")
    page.goto("/capitalisation/")
    page.get_by_role(
        "link", name="Un local jeunes ouvert le soir, né de deux ans d'interconnaissance"
    ).click()
    assert_accessible(page)
    page.get_by_role("button", name="Publier la fiche").click()
    expect(page.get_by_text("La fiche est publiée : tout le monde peut la lire.")).to_be_visible()
    assert Record.objects.get().status == "publiee"
    log_out(page)

    page.goto("/capitalisation/?q=interconnaissance")  # public, without an account
    page.get_by_role(
        "link", name="Un local jeunes ouvert le soir, né de deux ans d'interconnaissance"
    ).click()
    expect(page.get_by_role("cell", name="Deux ans de réunions")).to_be_visible()
    assert_accessible(page)
    page.goto("/capitalisation/leviers-et-freins/")
    expect(page.get_by_role("row", name="Interconnaissance 1 0 1")).to_be_visible()
    assert_accessible(page)


def test_an_instructor_of_another_territory_finds_it_from_an_application(
    page, users, application, territory, assert_accessible
):
    from cooperer.knowledge import services
    from tests.knowledge.records_fixtures import complete

    record = services.start_blank(
        territory["m2a"], users["m2a_animator"], "Un local jeunes co-géré à Mulhouse"
    )
    record.summary = "Les jeunes ouvrent un local le soir et le week-end avec des animateurs."
    complete(record)
    services.submit(record, users["m2a_animator"])
    services.publish(record, users["m2a_animator"])
    application.status, application.submitted_at = ApplicationStatus.SUBMITTED, timezone.now()
    application.save()

    log_in(page, "etat@exemple.fr")
    page.goto(f"/appels/{application.call_id}/demandes/{application.pk}/instruction/")
    expect(page.get_by_role("heading", name="Initiatives semblables ailleurs")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Un local jeunes co-géré à Mulhouse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Un local jeunes co-géré à Mulhouse")
    assert_accessible(page)
    page.get_by_role("link", name="Version imprimable").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Un local jeunes co-géré à Mulhouse")
    assert_accessible(page)
