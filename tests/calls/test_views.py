import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperer.accounts.enums import Funder, Role
from cooperer.accounts.models import RoleAssignment
from cooperer.calls import services
from cooperer.calls.enums import ApplicationStatus
from cooperer.calls.models import Application, BudgetLine, PrivateNote
from tests.calls.fixtures import make_rival, make_structure
from tests.conftest import make_user


def _member_of(structure, name="porteur@exemple.fr"):
    user = make_user(name)
    RoleAssignment.objects.create(
        user=user, role=Role.STRUCTURE_MEMBER, epci=structure.commune.epci, structure=structure
    )
    return user


def _app_url(application, name="application"):
    return reverse(f"calls:{name}", args=[application.call_id, application.pk])


def _step_url(application, step):
    return reverse("calls:application_step", args=[application.call_id, application.pk, step])


def test_an_open_call_is_public_and_a_draft_call_is_not(client, call, users):
    assert client.get(call.get_absolute_url()).status_code == 200
    call.status = "draft"
    call.save()
    assert client.get(call.get_absolute_url()).status_code == 403
    client.force_login(users["se_animator"])
    assert client.get(call.get_absolute_url()).status_code == 200


def test_a_structure_member_writes_and_submits_an_application(client, application):
    client.force_login(_member_of(application.applicant))
    assert client.get(_app_url(application)).url == _step_url(application, "identite")
    page = client.get(_step_url(application, "recapitulatif")).content.decode()
    assert "La demande est complète." in page
    response = client.post(_app_url(application), {"action": "submit"}, follow=True)
    assert "Demande déposée" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    response = client.post(
        _app_url(application), {"action": "indicator", "indicateur-name": "x", "indicateur-target": "y"}
    )
    assert response.status_code == 403


def test_someone_else_cannot_write_the_application(client, application, users):
    other = _member_of(make_structure("Autre association (fictive)", 60), "autre@exemple.fr")
    client.force_login(other)
    assert client.get(_app_url(application)).status_code == 403
    client.force_login(users["m2a_animator"])
    assert client.post(_app_url(application), {"action": "submit"}).status_code == 403


def test_an_unbalanced_line_and_a_fake_pdf_are_refused_in_french_and_nothing_is_lost(client, application):
    client.force_login(_member_of(application.applicant))
    response = client.post(
        _app_url(application),
        {
            "action": "budget",
            "budget-year": 1,
            "budget-account": "74",
            "budget-amount": "1000",
            "budget-funder": "",
        },
    )
    assert response.status_code == 400
    assert (
        "Une subvention d&#x27;exploitation (compte 74) dit quel financeur la verse."
        in response.content.decode()
    )
    fake = SimpleUploadedFile("statuts.pdf", b"<html>pas un pdf</html>", content_type="application/pdf")
    response = client.post(
        _app_url(application), {"action": "attachment", "piece-kind": "Statuts", "piece-file": fake}
    )
    assert "n&#x27;est pas un vrai fichier PDF" in response.content.decode()
    real = SimpleUploadedFile("statuts.pdf", b"%PDF-1.7\n%\xe2\xe3\n%%EOF\n", content_type="application/pdf")
    response = client.post(
        _app_url(application),
        {"action": "attachment", "piece-kind": "Statuts", "piece-file": real},
        follow=True,
    )
    assert "Pièce ajoutée : statuts.pdf." in response.content.decode()
    assert application.budget.count() == 5


def test_a_100_mb_attachment_is_refused(client, application, settings):
    settings.COOPERER_MAX_UPLOAD_BYTES = 1024
    client.force_login(_member_of(application.applicant))
    big = SimpleUploadedFile("rapport.pdf", b"%PDF-" + b"0" * 2048, content_type="application/pdf")
    response = client.post(
        _app_url(application), {"action": "attachment", "piece-kind": "Autre", "piece-file": big}
    )
    assert "Fichier trop volumineux" in response.content.decode()
    assert not application.attachments.exists()


def test_a_late_submission_is_refused_on_the_page(client, application):
    call = application.call
    call.closes_at = call.closes_at - datetime.timedelta(days=60)
    call.opens_on = call.opens_on - datetime.timedelta(days=90)
    call.save()
    client.force_login(_member_of(application.applicant))
    response = client.post(_app_url(application), {"action": "submit"}, follow=True)
    assert "L&#x27;appel est clos depuis le" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_private_notes_stay_with_their_funder(client, application, users, territory):
    services.submit(application, users["member"])
    caf = make_user("caf@exemple.fr", Role.INSTRUCTION, territory["sem"], Funder.CAF)
    client.force_login(users["state_instructor"])
    client.post(
        _app_url(application, "private_note"),
        {"funder": Funder.STATE, "text": "Porteur fragile en trésorerie."},
    )
    assert PrivateNote.objects.get().funder == Funder.STATE
    assert (
        client.post(_app_url(application, "private_note"), {"funder": Funder.CAF, "text": "x"}).status_code
        == 403
    )
    assert "Porteur fragile" in client.get(_app_url(application, "instruction")).content.decode()
    for reader in (caf, users["se_animator"]):
        client.force_login(reader)
        page = client.get(_app_url(application, "instruction")).content.decode()
        assert "Porteur fragile" not in page
    client.force_login(_member_of(application.applicant))
    assert client.get(_app_url(application, "instruction")).status_code == 403


def test_the_report_flags_a_double_submission_and_suggests_a_consortium(
    client, application, call, users, territory
):
    services.submit(application, users["member"])
    rival = make_rival(call, territory, application.submitted_at)
    application.public_description = "jeunes"
    application.save()
    client.force_login(users["se_animator"])
    page = client.get(_app_url(application, "instruction")).content.decode()
    assert "Accueil des jeunes le soir" in page and "Consortium suggéré" in page
    response = client.post(_app_url(application, "consortium"), {"members": [rival.pk]}, follow=True)
    assert "Consortium formé" in response.content.decode()
    rival.refresh_from_db()
    assert rival.status == ApplicationStatus.MERGED


def test_the_committee_decides_with_a_motivation_and_its_screen_keeps_constant_queries(
    client, application, call, users
):
    services.submit(application, users["member"])
    client.force_login(users["se_animator"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("calls:committee", args=[call.pk])).status_code == 200
        return len(queries)

    small = count()
    for number in range(8):
        extra = Application.objects.create(
            call=call, applicant=make_structure(f"Association {number} (fictive)", 100 + number), title=f"Projet {number}",
            purpose="Un projet", starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2027, 6, 30),
            status=ApplicationStatus.SUBMITTED,
        )  # fmt: skip
        BudgetLine.objects.create(
            application=extra, account="74", amount=Decimal("1000"), funder=Funder.STATE
        )
    assert count() == small
    url = _app_url(application, "decide")
    response = client.post(url, {"outcome": "refusee", "motivation": "", "committee": "Comité"})
    assert "La décision doit être motivée" in response.content.decode()
    state = call.funders.get(funder=Funder.STATE)
    response = client.post(
        url,
        {"outcome": "partielle", "motivation": "Le projet sert l'élément sur les lieux des jeunes.",
         "elements": [call.youth.pk], "criteria": [call.criteria.first().pk], f"amount_{state.pk}": "20000",
         "committee": "Comité du 20 novembre"},
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    assert "Décision enregistrée" in page and "20\xa0000,00\xa0€" in page
    client.force_login(_member_of(application.applicant))
    page = client.get(_app_url(application), follow=True).content.decode()
    assert "Décision : accordée en partie" in page and "Le projet sert l&#x27;élément" in page


def test_the_funder_gives_its_opinion_and_complements_are_asked_in_batch(client, application, call, users):
    services.submit(application, users["member"])
    client.force_login(users["state_instructor"])
    response = client.post(
        _app_url(application, "opinion"),
        {
            "funder": Funder.STATE,
            "verdict": "reserve",
            "amount": "15000",
            "comment": "Réduire le budget matériel.",
        },
        follow=True,
    )
    assert "Avis enregistré" in response.content.decode()
    assert (
        client.post(
            _app_url(application, "opinion"), {"funder": Funder.CAF, "verdict": "favorable"}
        ).status_code
        == 403
    )
    page = client.get(reverse("calls:committee", args=[call.pk])).content.decode()
    assert "État (délégué·e du préfet) : favorable avec réserves" in page
    deadline = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        reverse("calls:batch", args=[call.pk]),
        {"applications": [application.pk], "message": "Le RIB manque.", "deadline": deadline},
        follow=True,
    )
    assert "Compléments demandés à 1 demande(s)" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMPLEMENTS
    client.force_login(_member_of(application.applicant))
    page = client.get(_step_url(application, "confirmation")).content.decode()
    assert "Le RIB manque." in page and "Déposer la demande" in page
    client.post(_app_url(application), {"action": "submit"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.complement_requests.get().answered_at is not None
