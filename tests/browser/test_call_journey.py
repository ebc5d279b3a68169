import datetime
import re

import pytest
from playwright.sync_api import expect

from cooperer.accounts.enums import Role
from cooperer.accounts.models import RoleAssignment
from cooperer.actors.enums import LegalForm
from cooperer.calls.enums import ApplicationStatus
from cooperer.calls.models import Application
from tests.browser.test_journeys import log_in
from tests.calls.fixtures import make_structure
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_association_applies_with_two_partners_and_the_prefect_delegate_decides(
    page, users, call, territory, assert_accessible
):
    applicant = make_structure("Association Jeunesse Sud-Est (fictive)", 10)
    social_centre = make_structure("Centre social Sud-Est (fictif)", 20, form=LegalForm.SOCIAL_CENTRE)
    city = make_structure("Service jeunesse de la Ville (fictif)", 30, form=LegalForm.COMMUNE)
    member = make_user("porteur@exemple.fr")
    RoleAssignment.objects.create(
        user=member, role=Role.STRUCTURE_MEMBER, epci=territory["sem"], structure=applicant
    )
    rival = Application.objects.create(
        call=call, applicant=make_structure("Club de boxe Sud-Est (fictif)", 40), title="Accueil des jeunes le soir",
        purpose="Ouvrir un local pour les jeunes le soir et le week-end avec des animateurs.",
        description="Un local co-géré par les jeunes du quartier, ouvert le soir.", public_description="jeunes",
        starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2027, 12, 31),
        status=ApplicationStatus.SUBMITTED, submitted_at=call.opens_on and call.closes_at - datetime.timedelta(days=5),
    )  # fmt: skip
    rival.qpvs.set([territory["sud_est"]])

    log_in(page, "porteur@exemple.fr")
    page.get_by_role("link", name="Appels à projets").click()
    page.get_by_role("link", name="Quartiers 2030 – coopérer pour la jeunesse").click()
    assert_accessible(page)
    page.get_by_role("button", name="Commencer une demande").click()
    expect(page.get_by_text("Demande commencée")).to_be_visible()
    expect(page.get_by_role("link", name="1. Identité")).to_have_attribute("aria-current", "step")
    page.get_by_label("Intitulé du projet").fill("Un local jeunes ouvert le soir")
    expect(page.locator("#id_projet-title-enregistrement")).to_contain_text("Enregistré à")
    page.get_by_label("Contrat d'engagement républicain souscrit").check()
    page.get_by_role("button", name="Enregistrer l'identité").click()
    expect(page.get_by_text("Identité enregistrée.")).to_be_visible()

    # The project's words save themselves: leaving the step and coming back loses none of them.
    page.get_by_role("link", name="3. Projet").click()
    purpose = "Ouvrir un local co-géré avec les jeunes, le soir et le week-end, avec des animateurs."
    page.get_by_label("Objet").fill(purpose)
    expect(page.locator("#id_projet-purpose-compteur")).to_have_text(f"{len(purpose)} / 256")
    expect(page.locator("#id_projet-purpose-enregistrement")).to_contain_text("Enregistré à")
    page.get_by_label("Description").fill("Un lieu à eux, ouvert quand les autres ferment.")
    expect(page.locator("#id_projet-description-enregistrement")).to_contain_text("Enregistré à")
    too_long = "x" * 300
    page.get_by_label("Objet").evaluate(
        """(field, text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            field.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        too_long,
    )
    expect(page.locator("#id_projet-purpose-compteur")).to_contain_text("le texte collé fait 300 caractères")
    expect(page.get_by_label("Objet")).to_have_value(purpose)
    page.get_by_role("link", name="2. Partenaires").click()
    # A word typed and not yet added: leaving asks first, and staying keeps it.
    page.get_by_label("Apport").fill("Une salle le mercredi")
    page.once("dialog", lambda dialog: dialog.dismiss())
    with page.expect_event("dialog") as asked:
        page.get_by_role("link", name="3. Projet").click()
    assert asked.value.type == "beforeunload"
    expect(page.get_by_label("Apport")).to_have_value("Une salle le mercredi")
    for structure, role in ((social_centre, "Partenaire opérationnel"), (city, "Orienteur")):
        page.get_by_label("SIRET du partenaire").fill(structure.siret)
        page.get_by_label("Rôle").select_option(label=role)
        page.get_by_role("button", name="Ajouter le partenaire").click()
        expect(page.get_by_text(f"Partenaire ajouté : {structure.name}.")).to_be_visible()
    page.get_by_role("link", name="3. Projet").click()
    expect(page.get_by_label("Objet")).to_have_value(purpose)
    expect(page.get_by_label("Description")).to_have_value("Un lieu à eux, ouvert quand les autres ferment.")
    page.get_by_label("Public visé").fill("jeunes")
    page.locator("#id_projet-starts_on").fill("2027-01-01")
    page.locator("#id_projet-ends_on").fill("2027-12-31")
    expect(page.locator("#id_projet-ends_on-enregistrement")).to_contain_text("Enregistré à")
    page.get_by_role("listbox", name="QPV").select_option(label="Quartiers Sud-Est (QN04215M)")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer le projet").click()
    expect(page.get_by_text("Projet enregistré.")).to_be_visible()

    page.get_by_role("link", name="4. Budget").click()
    for account, amount, funder in (("64 – Charges de personnel", "10000", ""),
                                    ("74 – Subventions d'exploitation", "8000", "État (délégué·e du préfet)"),
                                    ("75 – Autres produits de gestion courante", "2000", "")):  # fmt: skip
        page.locator("#id_budget-account").select_option(label=account)
        page.locator("#id_budget-amount").fill(amount)
        if funder:
            page.get_by_label("Financeur (compte 74)").select_option(label=funder)
        page.get_by_role("button", name="Ajouter la ligne").click()
        expect(page.get_by_text("Ligne de budget ajoutée.")).to_be_visible()
    expect(page.get_by_text("équilibré", exact=True)).to_be_visible()
    page.get_by_role("link", name="5. Vision").click()
    page.get_by_label("Élément de la vision").select_option(index=1)
    page.get_by_label("En quoi le projet le sert").fill(
        "Le local est un lieu à eux, avec des adultes de confiance."
    )
    page.get_by_role("button", name="Ajouter l'élément servi").click()
    expect(page.get_by_text("Élément de vision ajouté.")).to_be_visible()
    page.get_by_role("link", name="6. Évaluation").click()
    page.get_by_label("Indicateur").fill("Jeunes accueillis")
    page.get_by_label("Cible").fill("80 par an")
    page.get_by_role("button", name="Ajouter l'indicateur").click()
    expect(page.get_by_text("Indicateur ajouté.")).to_be_visible()
    page.get_by_role("link", name="8. Récapitulatif").click()
    expect(page.get_by_text("La demande est complète.")).to_be_visible()
    expect(page.get_by_text("Un lieu à eux, ouvert quand les autres ferment.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="9. Confirmation").click()
    page.get_by_role("button", name="Déposer la demande").click()
    expect(page.get_by_text("Demande déposée.")).to_be_visible()
    reference = page.get_by_text(re.compile(r"^AAP-\d+-\d+-\d{8}$"))
    expect(reference).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as receipt:
        page.get_by_role("link", name="Télécharger l'accusé de réception (PDF)").click()
    assert receipt.value.suggested_filename == f"{reference.inner_text()}.pdf"

    # The délégué du préfet instructs: the report brings the rival together, the consortium is accepted.
    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, "etat@exemple.fr")
    page.goto(f"/appels/{call.pk}/comite/")
    assert_accessible(page)
    page.get_by_role("link", name="Un local jeunes ouvert le soir", exact=True).click()
    expect(page.get_by_role("heading", name="Consortium suggéré")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Accepter le consortium").click()
    expect(page.get_by_text("Consortium formé : Club de boxe Sud-Est (fictif) rejoignent")).to_be_visible()
    page.get_by_label("Cohérence avec la vision du quartier (30 %)").fill("4")
    page.get_by_label("Coopération entre acteurs (30 %)").fill("5")
    page.get_by_role("button", name="Enregistrer mes notes").click()
    expect(page.get_by_text("2 notes enregistrées.")).to_be_visible()
    page.get_by_role("link", name="Enregistrer la décision du comité").click()
    page.get_by_label("Décision").select_option(label="Accordée")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("La décision doit être motivée")).to_be_visible()
    page.get_by_label("Décision").select_option(label="Accordée")
    page.get_by_label("Motivation (publiée au porteur)").fill(
        "Le local sert la vision : des lieux pour les jeunes."
    )
    page.get_by_label("Les jeunes ont des lieux à eux et des adultes en qui ils ont confiance.").check()
    page.get_by_label("Coopération entre acteurs").check()
    page.get_by_label("Montant Préfecture de la Loire (BOP 147)").fill("8000")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée pour « Un local jeunes ouvert le soir »")).to_be_visible()
    expect(page.get_by_role("cell", name="Accordée")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger les subventions (SCDL)").click()
    assert download.value.suggested_filename.endswith(".csv")
