"""The committee: the decision form, sessions and their agenda, the filtered screen, the notification letters."""

import base64
import datetime
import io
import re
import zipfile
import zlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperer.accounts.enums import Funder
from cooperer.calls import services
from cooperer.calls.enums import ApplicationStatus, Outcome
from cooperer.calls.models import Application, BudgetLine, CommitteeSession, Decision, Review
from cooperer.jobs.enums import JobStatus
from cooperer.jobs.models import Job
from tests.calls.fixtures import make_rival, make_structure
from tests.conftest import run_jobs

DAY = datetime.date(2026, 11, 20)


@pytest.fixture
def submitted(application, users):
    services.submit(application, users["member"])
    return application


def _decide_url(application):
    return reverse("calls:decide", args=[application.call_id, application.pk])


def _post(call, **amounts):
    return {
        "committee": "Comité du 20 novembre", "outcome": "accordee", "motivation": "Sert les lieux des jeunes.",
        "elements": [call.youth.pk], "criteria": [call.criteria.first().pk],
        **{f"amount_{call.funders.get(funder=f).pk}": a for f, a in amounts.items()},
    }  # fmt: skip


def test_the_decision_form_marks_required_fields_and_puts_each_error_on_its_field(client, submitted, users):
    client.force_login(users["state_instructor"])
    page = client.get(_decide_url(submitted)).content.decode()
    assert re.search(
        r'Motivation \(publiée au porteur\)\s*<span aria-hidden="true">\*</span><span class="visually-hidden">'
        r"\(obligatoire\)</span>",
        page,
    )
    assert (
        page.count('<span class="visually-hidden">(obligatoire)</span>') == 5
    )  # comité, décision, motivation, cités
    response = client.post(_decide_url(submitted), {"committee": "Comité", "outcome": "refusee"})
    page = response.content.decode()
    assert response.status_code == 200 and not Decision.objects.exists()
    assert 'id="id_motivation_erreurs"' in page and "La décision doit être motivée" in page
    assert '<div role="alert">' not in page  # nothing above « Décision »


def test_an_over_request_is_refused_on_the_field_and_the_envelope_is_untouched(
    client, submitted, call, users
):
    client.force_login(users["state_instructor"])
    response = client.post(
        _decide_url(submitted), _post(call, **{Funder.STATE: "20000", Funder.CAF: "10000"})
    )
    state = call.funders.get(funder=Funder.STATE)
    page = response.content.decode()
    assert response.status_code == 200 and not Decision.objects.exists()
    assert f'id="id_amount_{state.pk}_erreurs"' in page and "choisissez « Accordée en partie »" in page
    body = _post(call, **{Funder.STATE: "30000", Funder.CAF: "10000"})
    page = client.post(_decide_url(submitted), body).content.decode()
    assert "30 000,00 € dépasse les 25 000,00 € demandés à Préfecture de la Loire (BOP 147)" in page
    assert not Decision.objects.exists()
    body["exception_reason"] = "Ouverture le dimanche ajoutée par le comité."
    assert client.post(_decide_url(submitted), body).status_code == 302
    assert Decision.objects.get().exception_reason == "Ouverture le dimanche ajoutée par le comité."


def test_an_envelope_overrun_shows_its_amount_and_passes_once_confirmed(client, submitted, call, users):
    caf = call.funders.get(funder=Funder.CAF)
    caf.envelope = Decimal("4000")
    caf.save()
    client.force_login(users["state_instructor"])
    body = _post(call, **{Funder.STATE: "25000", Funder.CAF: "10000"})
    page = client.post(_decide_url(submitted), body).content.decode()
    assert "ce montant la dépasse de 6 000,00 €" in page
    body["confirm_overrun"] = "on"
    assert client.post(_decide_url(submitted), body).status_code == 302
    assert Decision.objects.get().overrun_confirmed


def test_only_instructors_of_the_call_decide(client, submitted, users):
    client.force_login(users["m2a_animator"])
    assert client.get(_decide_url(submitted)).status_code == 403
    client.force_login(users["member"])
    assert client.post(_decide_url(submitted), {}).status_code == 403


def test_a_decided_application_is_not_offered_nor_merged_into_a_consortium(
    client, submitted, call, users, territory
):
    rival = make_rival(call, territory, submitted.submitted_at)
    submitted.public_description = "jeunes"
    submitted.save()
    services.decide(
        submitted, outcome=Outcome.REFUSED, motivation="Hors vision.", elements=[call.youth],
        criteria=call.criteria.all()[:1], amounts={}, committee="Comité", decided_on=DAY, user=users["se_animator"],
    )  # fmt: skip
    client.force_login(users["se_animator"])
    for application in (submitted, rival):
        url = reverse("calls:instruction", args=[call.pk, application.pk])
        page = client.get(url).content.decode()
        assert "Accueil des jeunes le soir" in page or "Un local jeunes" in page
        assert "Consortium suggéré" not in page
    url = reverse("calls:consortium", args=[call.pk, submitted.pk])
    response = client.post(url, {"members": [rival.pk]}, follow=True)
    assert "« Un local jeunes ouvert le soir » est déjà décidée" in response.content.decode()
    rival.refresh_from_db()
    assert rival.status == ApplicationStatus.SUBMITTED and rival.merged_into is None
    with pytest.raises(services.CallError, match="déjà décidée"):
        services.merge_into_consortium(rival, [submitted])


def _extra(call, number, funder=Funder.STATE, status=ApplicationStatus.SUBMITTED):
    application = Application.objects.create(
        call=call, applicant=make_structure(f"Association {number} (fictive)", 100 + number), title=f"Projet {number}",
        purpose="Un projet", starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2027, 6, 30), status=status,
    )  # fmt: skip
    BudgetLine.objects.create(application=application, account="74", amount=Decimal("1000"), funder=funder)
    return application


def test_the_committee_screen_filters_sorts_and_totals_what_it_shows(
    client, submitted, call, users, territory
):
    caf_only = _extra(call, 1, funder=Funder.CAF)
    caf_only.qpvs.set([territory["sud_est"]])
    other = _extra(call, 2)
    Review.objects.create(
        application=other, criterion=call.criteria.first(), reviewer=users["se_animator"], score=5
    )
    Review.objects.create(application=submitted, criterion=call.criteria.first(), reviewer=users["se_animator"],
                          score=2)  # fmt: skip
    client.force_login(users["state_instructor"])
    url = reverse("calls:committee", args=[call.pk])
    response = client.get(url, {"financeur": Funder.CAF})
    rows = [row[0].title for row in response.context["rows"]]
    assert rows == ["Projet 1", "Un local jeunes ouvert le soir"]
    totals = {t[0].funder: t[1] for t in response.context["totals"]}
    assert totals[Funder.CAF] == Decimal("11000") and totals[Funder.STATE] == Decimal("25000")
    response = client.get(url, {"tri": "note"})
    assert [row[0].title for row in response.context["rows"]] == ["Projet 2", "Un local jeunes ouvert le soir",
                                                                  "Projet 1"]  # fmt: skip
    response = client.get(url, {"note_min": "4"})
    assert [row[0].title for row in response.context["rows"]] == ["Projet 2"]
    response = client.get(url, {"qpv": territory["sud_est"].pk, "etat": ApplicationStatus.SUBMITTED})
    assert [row[0].title for row in response.context["rows"]] == [
        "Projet 1",
        "Un local jeunes ouvert le soir",
    ]
    response = client.get(url, {"element": call.youth.pk})
    assert [row[0].title for row in response.context["rows"]] == ["Un local jeunes ouvert le soir"]
    assert "5,0" in client.get(url).content.decode() or "5.0" in client.get(url).content.decode()


def test_only_the_calls_instructors_see_the_committee_screen(client, submitted, call, users):
    url = reverse("calls:committee", args=[call.pk])
    for user in (users["member"], users["m2a_animator"]):
        client.force_login(user)
        assert client.get(url, {"financeur": Funder.STATE}).status_code == 403
    client.force_login(users["se_animator"])
    response = client.get(url, {"financeur": "inconnu", "note_min": "douze"})  # wrong filters are dropped
    assert [row[0] for row in response.context["rows"]] == [submitted]


def test_the_filtered_screen_keeps_constant_queries(client, submitted, call, users):
    session = CommitteeSession.objects.create(call=call, name="Comité", held_on=DAY, place="Salle 1")
    session.agenda.add(submitted)
    Review.objects.create(application=submitted, criterion=call.criteria.first(), reviewer=users["se_animator"],
                          score=4)  # fmt: skip
    client.force_login(users["se_animator"])
    params = {"seance": session.pk, "financeur": Funder.STATE, "tri": "note", "note_min": "0"}

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("calls:committee", args=[call.pk]), params).status_code == 200
        return len(queries)

    small = count()
    for number in range(8):
        extra = _extra(call, number)
        session.agenda.add(extra)
        Review.objects.create(application=extra, criterion=call.criteria.first(), reviewer=users["se_animator"],
                              score=3)  # fmt: skip
    assert count() == small


def test_a_session_is_created_its_agenda_filled_and_its_decision_dated(client, submitted, call, users):
    client.force_login(users["state_instructor"])
    url = reverse("calls:session_create", args=[call.pk])
    response = client.post(url, {"name": "", "held_on": "", "place": ""})
    assert response.status_code == 400 and "Donnez un nom à la séance." in response.content.decode()
    response = client.post(url, {"name": "Comité de décembre", "held_on": "2026-12-04", "place": "Métropole"})
    session = CommitteeSession.objects.get()
    batch = reverse("calls:batch", args=[call.pk])
    client.post(batch, {"applications": [submitted.pk], "action": "agenda", "session": session.pk})
    assert list(session.agenda.all()) == [submitted]
    body = _post(call, **{Funder.STATE: "25000", Funder.CAF: "10000"})
    response = client.post(f"{_decide_url(submitted)}?seance={session.pk}", body)
    assert response.status_code == 302 and response["Location"].endswith(f"?seance={session.pk}")
    decision = Decision.objects.get()
    assert decision.session == session and decision.decided_on == datetime.date(2026, 12, 4)
    client.force_login(users["m2a_animator"])
    assert client.post(url, {"name": "x", "held_on": "2026-12-04", "place": "y"}).status_code == 403


def _pdf_text(document: bytes) -> bytes:
    """The page streams of a PDF, inflated: enough to find the words reportlab wrote in Helvetica."""
    text = b""
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", document, re.S):
        stream = stream.strip()
        if stream.endswith(b"~>"):  # reportlab writes ASCII85 over Flate
            stream = base64.a85decode(stream[:-2])
        try:
            text += zlib.decompress(stream)
        except zlib.error:
            continue  # a font or an image
    return text


@pytest.mark.django_db(transaction=True)
def test_the_letters_are_generated_by_a_job_and_downloaded_as_a_zip_of_pdfs(client, submitted, call, users):
    session = CommitteeSession.objects.create(
        call=call, name="Comité de décembre", held_on=DAY, place="Métropole"
    )
    session.agenda.add(submitted)
    services.decide(
        submitted, outcome=Outcome.PARTIAL, motivation="Sert les lieux des jeunes.", elements=[call.youth],
        criteria=call.criteria.all()[:1], amounts={call.funders.get(funder=Funder.STATE): Decimal("20000")},
        committee="Comité", decided_on=DAY, user=users["state_instructor"], session=session,
    )  # fmt: skip
    client.force_login(users["state_instructor"])
    response = client.post(reverse("calls:letters", args=[call.pk, session.pk]))
    job = Job.objects.get(kind="committee_letters")
    assert response["Location"] == job.get_absolute_url()
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["courriers de notification"] == 1
    download = client.get(job.result["action"]["url"])
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    [name] = archive.namelist()
    letter = archive.read(name)
    assert name.endswith(".pdf") and letter.startswith(b"%PDF-")
    text = _pdf_text(letter)
    assert b"Notification de la d" in text and b"Sert les lieux des jeunes." in text
    assert b"fecture de la Loire" in text and b"20 000,00" in text  # the funder and its amount
    client.force_login(users["m2a_animator"])
    assert client.get(job.result["action"]["url"]).status_code == 403
    assert client.post(reverse("calls:letters", args=[call.pk, session.pk])).status_code == 403
