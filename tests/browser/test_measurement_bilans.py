import pytest
from playwright.sync_api import expect

from cooperer.accounts.enums import Role
from cooperer.accounts.models import RoleAssignment
from cooperer.measurement.models import Bilan
from tests.browser.test_journeys import log_in
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_structure_files_its_bilan_and_the_prefect_delegate_returns_then_approves_it(
    page, funded, territory, assert_accessible
):
    bilan = funded["bilan"]
    member = make_user("porteur@exemple.fr")
    RoleAssignment.objects.create(
        user=member,
        role=Role.STRUCTURE_MEMBER,
        epci=territory["sem"],
        structure=funded["application"].applicant,
    )
    log_in(page, "porteur@exemple.fr")
    page.get_by_role("link", name="Mesure").click()
    assert_accessible(page)
    page.get_by_role("link", name="1 bilan à déposer").click()
    assert_accessible(page)
    page.get_by_role("link", name="Un local jeunes ouvert le soir").click()
    page.get_by_label("Récit de l'année").fill(
        "Le local a ouvert trois soirs par semaine, co-géré avec les jeunes."
    )
    page.get_by_label("Participants (personnes différentes)").fill("60")
    page.get_by_label("dont habitants d'un QPV").fill("50")
    page.get_by_label("Femmes").fill("25")
    page.get_by_label("Hommes").fill("35")
    page.get_by_label("Jeunes accueillis").fill("72")
    for expense in bilan.expenses.all():
        realised = "22000" if expense.account == "64" else str(expense.forecast)
        page.get_by_label(f"Réalisé du compte {expense.account}", exact=False).first.fill(realised)
        if expense.account == "64":
            break
    for expense in bilan.expenses.exclude(account="64"):
        page.locator(f"#realised_{expense.pk}").fill(str(expense.forecast))
    page.get_by_role("button", name="Déposer le bilan").click()
    expect(page.get_by_role("alert")).to_contain_text("Expliquez l'écart du compte 64")
    expect(page.get_by_label("Récit de l'année")).to_have_value(
        "Le local a ouvert trois soirs par semaine, co-géré avec les jeunes."
    )
    assert_accessible(page)
    staff = bilan.expenses.get(account="64")
    page.locator(f"#explanation_{staff.pk}").fill("Un poste d'animateur vacant pendant trois mois.")
    page.get_by_role("button", name="Déposer le bilan").click()
    expect(page.get_by_text("Bilan déposé")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    log_in(page, "etat@exemple.fr")
    page.get_by_role("link", name="Mesure").click()
    page.get_by_role("link", name="1 bilan déposé attend votre examen").click()
    page.get_by_role("link", name="Un local jeunes ouvert le soir").click()
    assert_accessible(page)
    page.get_by_role("button", name="Renvoyer pour compléments").click()
    expect(page.get_by_text("le commentaire est obligatoire")).to_be_visible()
    page.get_by_label("Commentaire au porteur").fill("Précisez les habitants des QPV par tranche d'âge.")
    page.get_by_role("button", name="Renvoyer pour compléments").click()
    expect(page.get_by_text("Bilan renvoyé au porteur")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    log_in(page, "porteur@exemple.fr")
    page.goto(bilan.get_absolute_url())
    expect(page.get_by_role("status")).to_contain_text("Précisez les habitants des QPV par tranche d'âge.")
    page.get_by_label("18–25 ans").fill("40")
    page.get_by_label("12–17 ans").fill("20")
    page.get_by_role("button", name="Déposer le bilan").click()
    expect(page.get_by_text("Bilan déposé")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    log_in(page, "etat@exemple.fr")
    page.goto(bilan.get_absolute_url())
    page.get_by_role("button", name="Approuver le bilan").click()
    expect(page.get_by_text("Bilan approuvé")).to_be_visible()
    assert_accessible(page)
    assert Bilan.objects.get(pk=bilan.pk).status == "approved"
