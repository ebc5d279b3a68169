"""The application as a dossier in steps: each step its URL, fields that save themselves one at a time with their
own validation, the « Objet » refused beyond 256 characters, a recap that says what is missing, and the accusé de
réception of the deposit (page, PDF, e-mail)."""

import datetime
import re
import zoneinfo

from django.urls import reverse
from django.utils import timezone

from cooperer.calls import dossier, receipt, services
from cooperer.calls.enums import ApplicationStatus
from tests.calls.fixtures import make_structure
from tests.calls.test_committee import _pdf_text
from tests.calls.test_views import _member_of, _step_url

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _field_url(application, field):
    return reverse("calls:application_field", args=[application.call_id, application.pk, field])


def test_it_opens_the_former_page_at_the_first_step_and_marks_the_current_step(client, application):
    client.force_login(_member_of(application.applicant))
    response = client.get(reverse("calls:application", args=[application.call_id, application.pk]))
    assert response.url == _step_url(application, "identite")
    for number, (step, label) in enumerate(dossier.STEPS.items(), start=1):
        page = client.get(_step_url(application, step)).content.decode()
        assert f'aria-current="step">{number}. {label}</a>' in page
        assert page.count('aria-current="step"') == 1
    assert client.get(_step_url(application, "accuse-de-reception")).status_code == 404  # not deposited yet
    assert client.get(_step_url(application, "ailleurs")).status_code == 404


def test_the_autosave_saves_one_field_and_says_when(client, application):
    client.force_login(_member_of(application.applicant))
    response = client.post(_field_url(application, "description"), {"projet-description": "Un lieu à eux."})
    assert response.status_code == 200 and response["X-Enregistre"] == "oui"
    assert re.fullmatch(r"Enregistré à \d\d:\d\d", response.content.decode())
    application.refresh_from_db()
    assert application.description == "Un lieu à eux."
    assert application.title == "Un local jeunes ouvert le soir"  # the other fields are left as they were


def test_the_autosave_validates_the_field_and_keeps_the_saved_value(client, application):
    client.force_login(_member_of(application.applicant))
    response = client.post(_field_url(application, "title"), {"projet-title": ""})
    assert "X-Enregistre" not in response
    assert "Non enregistré : Ce champ est obligatoire." in response.content.decode()
    response = client.post(_field_url(application, "ends_on"), {"projet-ends_on": "2026-06-01"})
    assert "Non enregistré : La fin du projet ne peut pas précéder son début." in response.content.decode()
    application.refresh_from_db()
    assert application.title == "Un local jeunes ouvert le soir"
    assert application.ends_on == datetime.date(2027, 12, 31)
    assert client.post(_field_url(application, "status"), {"projet-status": "decided"}).status_code == 404


def test_the_autosave_refuses_who_may_not_write_the_application(client, application, users):
    url = _field_url(application, "description")
    assert client.post(url, {"projet-description": "x"}).status_code == 302  # to the login page
    client.force_login(_member_of(make_structure("Autre association (fictive)", 60), "autre@exemple.fr"))
    assert client.post(url, {"projet-description": "x"}).status_code == 403
    client.force_login(users["m2a_animator"])
    assert client.post(url, {"projet-description": "x"}).status_code == 403
    member = _member_of(application.applicant)
    services.submit(application, member)
    client.force_login(member)
    assert client.get(url).status_code == 405
    assert client.post(url, {"projet-description": "x"}).status_code == 403  # deposited: no longer written
    application.refresh_from_db()
    assert application.description == ""


def test_the_objet_shows_its_counter_and_is_refused_beyond_256_characters_not_cut(client, application):
    client.force_login(_member_of(application.applicant))
    page = client.get(_step_url(application, "projet")).content.decode()
    assert 'maxlength="256"' in page
    assert f"{len(application.purpose)} / 256" in page
    response = client.post(_field_url(application, "purpose"), {"projet-purpose": "é" * 300})
    assert "L&#x27;objet fait 300 caractères : 256 au plus. Raccourcissez-le, rien n&#x27;a été coupé." in (
        response.content.decode()
    )
    response = client.post(
        _step_url(application, "projet"), {"action": "project", "projet-purpose": "é" * 257, "projet-years": "1",
                                            "projet-starts_on": "2027-01-01", "projet-ends_on": "2027-12-31",
                                            "projet-public_count": "80", "projet-qpv_share": "90"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "L&#x27;objet fait 257 caractères : 256 au plus." in response.content.decode()
    application.refresh_from_db()
    assert application.purpose.startswith("Ouvrir un local")


def test_the_recap_shows_everything_and_lists_what_is_missing(client, application):
    application.indicators.all().delete()
    application.republican_commitment = False
    application.description = "Un lieu à eux, ouvert quand les autres ferment."
    application.save()
    client.force_login(_member_of(application.applicant))
    page = client.get(_step_url(application, "recapitulatif")).content.decode()
    assert "Ce qui manque avant de déposer" in page
    assert "Le plan d&#x27;évaluation n&#x27;a aucun indicateur." in page
    assert "Le Contrat d&#x27;engagement républicain doit être souscrit." in page
    assert "Un lieu à eux, ouvert quand les autres ferment." in page
    assert "Centre social des Quartiers Sud-Est (fictif)" in page
    assert "Ajouter le partenaire" not in page  # a summary, not the forms
    response = client.post(_step_url(application, "confirmation"), {"action": "submit"}, follow=True)
    assert "Le plan d&#x27;évaluation n&#x27;a aucun indicateur." in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_the_reference_carries_the_call_the_application_and_the_day_of_deposit_in_paris(application):
    application.submitted_at = datetime.datetime(2027, 3, 15, 23, 30, tzinfo=PARIS)  # 22:30 in UTC
    assert receipt.reference(application) == f"AAP-{application.call_id}-{application.pk}-20270315"
    assert receipt.deposited_at(application) == "15/03/2027 à 23:30"


def test_the_deposit_gives_a_receipt_on_the_page_in_pdf_and_in_the_e_mail(
    client, application, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(_member_of(application.applicant))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_step_url(application, "confirmation"), {"action": "submit"}, follow=True)
    application.refresh_from_db()
    deposited = timezone.localtime(application.submitted_at)
    reference = f"AAP-{application.call_id}-{application.pk}-{deposited:%Y%m%d}"
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == _step_url(application, "accuse-de-reception")
    assert "Demande déposée." in page and reference in page and f"{deposited:%d/%m/%Y à %H:%M}" in page
    pdf = client.get(reverse("calls:receipt", args=[application.call_id, application.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="{reference}.pdf"'
    text = _pdf_text(pdf.content)
    assert reference.encode() in text and b"Un local jeunes ouvert le soir" in text
    assert f"{deposited:%d/%m/%Y}".encode() in text
    [deposit] = mailoutbox
    assert f"Référence de l'accusé de réception : {reference}." in deposit.body
    assert f"/appels/{application.call_id}/demandes/{application.pk}/accuse-de-reception.pdf" in deposit.body
    assert f"le {deposited:%d/%m/%Y à %H:%M}." in deposit.body


def test_the_receipt_is_kept_from_who_may_not_read_the_application(client, application, users):
    services.submit(application, _member_of(application.applicant))
    url = reverse("calls:receipt", args=[application.call_id, application.pk])
    client.force_login(_member_of(make_structure("Autre association (fictive)", 60), "autre@exemple.fr"))
    assert client.get(url).status_code == 403
    client.force_login(users["state_instructor"])
    assert client.get(url).status_code == 200
