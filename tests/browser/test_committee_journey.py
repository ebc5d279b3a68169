import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cooperer.accounts.enums import Funder
from cooperer.calls.enums import ApplicationStatus
from cooperer.calls.models import Application, BudgetLine, Decision
from tests.browser.test_journeys import log_in
from tests.calls.fixtures import make_structure
from tests.conftest import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def _submitted(call, territory, title, seed, amounts):
    application = Application.objects.create(
        call=call, applicant=make_structure(f"Porteur de « {title} » (fictif)", seed), title=title,
        purpose="Un projet pour les jeunes du quartier.", starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31), status=ApplicationStatus.SUBMITTED,
    )  # fmt: skip
    application.qpvs.set([territory["sud_est"]])
    application.served.create(element=call.youth, justification="Des lieux pour les jeunes.")
    for funder, amount in amounts.items():
        BudgetLine.objects.create(
            application=application, account="74", amount=Decimal(amount), funder=funder
        )
    return application


def _decide(page, title, amounts):
    page.get_by_role("link", name=f"décider : {title}").click()
    page.get_by_label("Décision").select_option(label="Accordée")
    page.get_by_label("Motivation (publiée au porteur)").fill("Le projet donne aux jeunes un lieu à eux.")
    page.get_by_label("Les jeunes ont des lieux à eux et des adultes en qui ils ont confiance.").check()
    page.get_by_label("Coopération entre acteurs").check()
    for label, amount in amounts.items():
        page.get_by_label(f"Montant {label}").fill(amount)
    page.get_by_role("button", name="Enregistrer la décision").click()


def test_the_prefect_delegate_holds_a_committee_session_and_sends_the_letters(
    page, users, call, territory, assert_accessible
):
    state = call.funders.get(funder=Funder.STATE)
    state.envelope = Decimal("20000")
    state.save()
    _submitted(call, territory, "Local jeunes du soir", 10, {Funder.STATE: "16000"})
    _submitted(call, territory, "Sport en bas des immeubles", 20, {Funder.STATE: "10000", Funder.CAF: "5000"})
    _submitted(call, territory, "Aide aux devoirs", 30, {Funder.EPCI: "3000"})

    log_in(page, "etat@exemple.fr")
    page.goto(f"/appels/{call.pk}/comite/")
    page.get_by_text("Créer une séance").click()
    page.get_by_label("Nom").fill("Comité de programmation de décembre")
    page.locator("#id_held_on").fill("2026-12-04")
    page.get_by_label("Lieu").fill("Hôtel de métropole")
    page.get_by_role("button", name="Créer la séance").click()
    expect(
        page.get_by_text("Séance créée : Comité de programmation de décembre du 04/12/2026")
    ).to_be_visible()
    for title in ("Local jeunes du soir", "Sport en bas des immeubles"):
        page.get_by_label(f"Choisir « {title} »").check()
    page.get_by_role("button", name="Inscrire les demandes cochées à l'ordre du jour").click()
    expect(page.get_by_text("2 demande(s) inscrite(s) à l'ordre du jour")).to_be_visible()
    expect(page.get_by_role("link", name="Aide aux devoirs", exact=True)).to_have_count(
        0
    )  # not on this session's agenda

    page.locator("#id_financeur").select_option(label="CAF de la Loire")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("link", name="Sport en bas des immeubles", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Local jeunes du soir", exact=True)).to_have_count(0)
    envelopes = page.get_by_role("table", name="Enveloppes")
    expect(envelopes.get_by_role("row", name="Préfecture de la Loire (BOP 147)")).to_contain_text(
        re.compile(r"10\s000,00\s€")
    )
    assert_accessible(page)
    page.locator("#id_financeur").select_option(label="Tous")
    page.get_by_role("button", name="Filtrer").click()

    _decide(page, "Local jeunes du soir", {"Préfecture de la Loire (BOP 147)": "20000"})
    expect(
        page.get_by_text("20 000,00 € dépasse les 16 000,00 € demandés à Préfecture de la Loire")
    ).to_be_visible()
    assert_accessible(page)
    assert not Decision.objects.exists()
    page.get_by_label("Montant Préfecture de la Loire (BOP 147)").fill("16000")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée pour « Local jeunes du soir »")).to_be_visible()

    _decide(
        page,
        "Sport en bas des immeubles",
        {"Préfecture de la Loire (BOP 147)": "10000", "CAF de la Loire": "5000"},
    )
    expect(page.get_by_text("ce montant la dépasse de 6 000,00 €")).to_be_visible()
    page.get_by_label("Je confirme le dépassement de l'enveloppe").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée pour « Sport en bas des immeubles »")).to_be_visible()
    envelopes = page.get_by_role("table", name="Enveloppes")
    expect(envelopes.get_by_role("row", name="Préfecture de la Loire (BOP 147)")).to_contain_text(
        re.compile(r"-6\s000,00\s€")
    )

    page.get_by_role("button", name="Générer les courriers de notification").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Courriers de notification")
    run_jobs()
    page.reload()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger les 2 courriers (zip de PDF)").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    assert len(archive.namelist()) == 2
    assert all(archive.read(name).startswith(b"%PDF-") for name in archive.namelist())
