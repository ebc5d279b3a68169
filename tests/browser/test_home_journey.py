"""Each role starts from its own home page: a count leads to its filtered list; every page is accessible."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cooperer.accounts.enums import Role
from cooperer.accounts.models import RoleAssignment
from cooperer.calls import services as calls
from cooperer.consultations.models import Contribution
from cooperer.jobs.enums import JobStatus
from cooperer.jobs.models import Job
from tests.browser.test_journeys import log_in
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_structure_member_goes_from_home_to_the_application_waiting_for_complements(
    page, application, assert_accessible
):
    application.status = "complements"
    application.save(update_fields=["status"])
    member = make_user("porteur@exemple.fr")
    RoleAssignment.objects.create(
        user=member, role=Role.STRUCTURE_MEMBER, epci=application.call.epci, structure=application.applicant
    )
    log_in(page, "porteur@exemple.fr")
    expect(page.get_by_role("heading", name="Vos demandes de subvention")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="1 demande attend vos compléments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les demandes de vos structures")
    expect(page.get_by_role("link", name="Un local jeunes ouvert le soir")).to_be_visible()
    assert_accessible(page)


def test_an_instructor_goes_from_home_to_what_lacks_the_opinion_of_their_funder(
    page, application, users, assert_accessible
):
    calls.submit(application, users["member"], now=timezone.now())
    log_in(page, "etat@exemple.fr")
    expect(page.get_by_role("heading", name="À instruire")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="1 demande sans l'avis de votre financeur").click()
    expect(page.get_by_text("Seules les demandes sur lesquelles votre financeur")).to_be_visible()
    page.get_by_role("link", name="Un local jeunes ouvert le soir").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rapport d'instruction : Un local jeunes ouvert le soir"
    )
    assert_accessible(page)


def test_the_animatrice_goes_from_home_to_the_contributions_to_read(
    page, consultation, sessions, assert_accessible
):
    Contribution.objects.create(
        consultation=consultation, session=sessions["habitants"], qpv=sessions["habitants"].qpv,
        audience="habitants", kind="constat", text="Le bus passe trop rarement le soir.", source="formulaire",
        created_at=timezone.now() - datetime.timedelta(hours=3),
    )  # fmt: skip
    log_in(page, "anim.se@exemple.fr")
    expect(page.get_by_role("heading", name="Concertations")).to_be_visible()
    expect(page.get_by_role("heading", name="Prochaines réunions")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="1 contribution à relire avant modération").click()
    expect(page.get_by_text("Le bus passe trop rarement le soir.")).to_be_visible()
    expect(page.get_by_label("État")).to_have_value("a_relire")
    assert_accessible(page)


def test_the_administrator_goes_from_home_to_the_failed_jobs(page, users, assert_accessible):
    Job.objects.create(kind="import_reference", label="Import des QPV", status=JobStatus.FAILED)
    Job.objects.create(kind="import_reference", label="Import des communes", status=JobStatus.SUCCEEDED)
    log_in(page, "admin@exemple.fr")
    expect(page.get_by_role("heading", name="Imports et traitements")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="1 traitement en échec").click()
    expect(page.get_by_role("link", name="Import des QPV")).to_be_visible()
    expect(page.get_by_role("link", name="Import des communes")).to_have_count(0)
    assert_accessible(page)


def test_the_complementarity_matrix_scrolls_in_its_own_box(page, users, community):
    from cooperer.communities import services
    from cooperer.territories.models import Commune
    from tests.actors.conftest import make_structure

    mulhouse = Commune.objects.get(insee_code="68224")
    for number in range(14):
        structure = make_structure(
            f"Association de quartier numéro {number} de Mulhouse", mulhouse, offers=["locaux"]
        )
        services.add_member(community["community"], structure, role="membre")
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, "anim.m2a@exemple.fr")
    page.goto(f"/communautes/{community['community'].pk}/")
    expect(page.get_by_role("region", name="Matrice des complémentarités")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366


def test_table_headers_wrap_between_words_on_a_phone(page, users, community):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, "anim.m2a@exemple.fr")
    page.goto(f"/communautes/{community['community'].pk}/")
    header = page.locator("th").first
    assert header.evaluate("th => [getComputedStyle(th).overflowWrap, getComputedStyle(th).wordBreak]") == [
        "normal",
        "normal",
    ]


def test_a_resident_goes_from_the_neighbourhood_page_to_its_open_form(page, sessions, assert_accessible):
    page.goto("/notre-quartier/QN04215M/")
    expect(page.get_by_role("heading", name="Donner votre avis")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Donner votre avis en ligne (formulaire des habitants)").click()
    expect(page.get_by_role("textbox", name="Votre contribution")).to_be_visible()
    page.goto("/territoires/qpv/QN04215M/")
    expect(page.get_by_role("heading", name="Participer et suivre")).to_be_visible()
    assert_accessible(page)


def test_the_animatrice_confirms_a_departure_with_its_reason(page, users, community, assert_accessible):
    log_in(page, "anim.m2a@exemple.fr")
    page.goto(f"/communautes/{community['community'].pk}/")
    page.get_by_role("link", name="Départ de CAF du Haut-Rhin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Départ de CAF du Haut-Rhin")
    assert_accessible(page)
    page.get_by_label("Motif du départ").fill("Ses missions ont changé")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("« CAF du Haut-Rhin » a quitté la communauté")).to_be_visible()
    page.get_by_role("link", name="Chronologie").first.click()
    expect(
        page.get_by_text("CAF du Haut-Rhin quitte la communauté : Ses missions ont changé")
    ).to_be_visible()
    assert_accessible(page)
