import datetime

import pytest
from playwright.sync_api import expect

from cooperer.consultations.enums import TagOrigin
from cooperer.consultations.models import AnalysisRun, Contribution, ContributionTag, ModerationEvent
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)

SAID = [
    "Un local pour les jeunes près du château d'eau.",
    "La jeunesse du quartier n'a nulle part où aller.",
    "Plus de médecins généralistes le samedi.",
    "Des bancs à l'ombre sur la place.",
    "Du soutien scolaire pour les élèves du collège.",
]


def test_the_animatrice_searches_validates_and_hides_contributions_in_bulk(
    page, users, sessions, consultation, assert_accessible
):
    run = AnalysisRun.objects.create(consultation=consultation, contributions=0)
    session = sessions["habitants"]
    said = Contribution.objects.bulk_create(
        Contribution(consultation=consultation, session=session, qpv=session.qpv, audience="habitants",
                     kind="constat", text=text, source="saisie_assistee",
                     created_at=run.created_at + datetime.timedelta(minutes=1))
        for text in SAID
    )  # fmt: skip
    log_in(page, "anim.se@exemple.fr")
    page.goto(consultation.get_absolute_url() + "analyse/")
    expect(page.get_by_text("5 nouvelles contributions depuis l'analyse du")).to_be_visible()

    page.goto(consultation.get_absolute_url() + "contributions/")
    page.get_by_label("Rechercher dans le texte").fill("jeune")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("ol.contributions > li")).to_have_count(2)
    assert_accessible(page)
    select_page = page.get_by_role("button", name="Tout cocher sur cette page")
    select_page.click()
    expect(page.locator("input[name=ids]:checked")).to_have_count(2)
    select_page.click()
    expect(page.locator("input[name=ids]:checked")).to_have_count(0)
    for contribution in said[:2]:
        page.get_by_label(f"Sélectionner la contribution n° {contribution.pk}", exact=True).check()
    page.get_by_label("Thème pour la sélection").select_option(label="Jeunesse")
    page.get_by_role("button", name="Valider le thème de la sélection").click()
    expect(page.get_by_role("status")).to_contain_text("Thème fixé à « Jeunesse » pour 2 contributions")
    expect(page.get_by_label("Rechercher dans le texte")).to_have_value("jeune")  # back on the same search
    assert set(ContributionTag.objects.values_list("contribution_id", "theme__name", "origin")) == {
        (said[0].pk, "Jeunesse", TagOrigin.MANUAL),
        (said[1].pk, "Jeunesse", TagOrigin.MANUAL),
    }

    page.get_by_label("Rechercher dans le texte").fill("")
    page.get_by_label("Affichage").select_option(label="Compact (une ligne par contribution)")
    page.get_by_role("button", name="Filtrer").click()
    table = page.get_by_role("table", name="Contributions, une par ligne (page 1)")
    expect(table.get_by_role("row")).to_have_count(1 + len(SAID))
    assert_accessible(page)
    for contribution in said[2:4]:
        page.get_by_label(f"Sélectionner la contribution n° {contribution.pk}", exact=True).check()
    page.get_by_role("button", name="Masquer la sélection").click()
    expect(page.get_by_role("status")).to_contain_text("Indiquez le motif")
    assert not ModerationEvent.objects.exists()
    for contribution in said[2:4]:
        page.get_by_label(f"Sélectionner la contribution n° {contribution.pk}", exact=True).check()
    page.get_by_label("Motif du masquage de la sélection").fill("Hors sujet de la concertation")
    page.get_by_role("button", name="Masquer la sélection").click()
    expect(page.get_by_role("status")).to_contain_text("2 contributions masquées")
    expect(table.get_by_role("row")).to_have_count(1 + len(SAID) - 2)
    assert_accessible(page)
    assert set(ModerationEvent.objects.values_list("contribution_id", "reason")) == {
        (said[2].pk, "Hors sujet de la concertation"),
        (said[3].pk, "Hors sujet de la concertation"),
    }
