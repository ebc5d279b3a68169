import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperer.consultations.models import Consultation, Contribution, Session
from tests.conftest import run_jobs


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "read", "manage"),
    [
        ("admin", 200, 200),
        ("se_animator", 200, 200),
        ("state_instructor", 200, 403),
        ("member", 200, 403),
        ("m2a_animator", 403, 403),
    ],
)
def test_who_may_read_and_who_may_manage(client, users, consultation, who, read, manage):
    client.force_login(users[who])
    assert client.get(reverse("consultations:detail", args=[consultation.pk])).status_code == read
    assert client.get(reverse("consultations:contributions", args=[consultation.pk])).status_code == read
    assert client.get(reverse("consultations:themes", args=[consultation.pk])).status_code == manage
    assert client.get(reverse("consultations:import", args=[consultation.pk])).status_code == manage


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client, consultation):
    response = client.get(reverse("consultations:detail", args=[consultation.pk]))
    assert response.status_code == 302 and "/comptes/" in response["Location"]


@pytest.mark.django_db
def test_an_animatrice_creates_a_consultation_with_the_default_themes(client, users, territory):
    client.force_login(users["se_animator"])
    sud_est = territory["sud_est"]
    response = client.post(
        reverse("consultations:create"),
        {
            "title": "Sud-Est 2030", "question": "Comment voulons-nous que notre quartier soit en 2030 ?",
            "epci": territory["sem"].pk, "qpvs": [sud_est.pk], "starts_on": "2026-09-01", "ends_on": "2026-12-31",
            "status": "ouverte", "consent_text": "Texte.", "default_themes": "on",
        },
    )  # fmt: skip
    consultation = Consultation.objects.get()
    assert response["Location"] == consultation.get_absolute_url()
    assert consultation.themes.count() == 12
    assert "Jeunesse" in set(consultation.themes.values_list("name", flat=True))


@pytest.mark.django_db
def test_a_consultation_cannot_take_qpvs_of_another_territory_nor_end_before_it_starts(
    client, users, territory
):
    from cooperer.territories.models import Qpv

    client.force_login(users["admin"])
    response = client.post(
        reverse("consultations:create"),
        {
            "title": "Mauvaise", "question": "?", "epci": territory["sem"].pk,
            "qpvs": [Qpv.objects.get(code="QN06803M").pk], "starts_on": "2026-09-01", "ends_on": "2026-01-01",
            "status": "brouillon", "consent_text": "Texte.",
        },
    )  # fmt: skip
    html = response.content.decode()
    assert "ne sont pas sur le territoire choisi : QN06803M" in html
    assert "La fin de la concertation ne peut pas précéder son début." in html
    assert not Consultation.objects.exists()


@pytest.mark.django_db
def test_attendance_is_counted_by_sex_and_age_never_by_name(client, users, sessions):
    session = sessions["habitants"]
    client.force_login(users["se_animator"])
    client.post(
        session.get_absolute_url(),
        {"presence": "1", "presence-femmes:25_59": "12", "presence-hommes:15_24": "5"},
    )
    session.refresh_from_db()
    assert session.attendance_total == 17
    bad = client.post(session.get_absolute_url(), {"presence": "1", "presence-femmes:25_59": "-3"})
    assert "supérieure ou égale à 0" in bad.content.decode()
    client.force_login(users["state_instructor"])
    assert client.post(session.get_absolute_url(), {"presence": "1"}).status_code == 403


@pytest.mark.django_db
def test_the_contributions_list_uses_a_constant_number_of_queries(client, users, consultation, sessions):
    client.force_login(users["se_animator"])
    url = reverse("consultations:contributions", args=[consultation.pk])

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    Contribution.objects.create(consultation=consultation, session=sessions["habitants"], qpv=sessions["habitants"].qpv,
                                audience="habitants", kind="constat", text="un", source="import")  # fmt: skip
    few = queries()
    Contribution.objects.bulk_create(
        Contribution(consultation=consultation, session=sessions["professionnels"], qpv=sessions["habitants"].qpv,
                     audience="professionnels", kind="proposition", text=f"texte {i}", source="import")
        for i in range(120)
    )  # fmt: skip
    assert queries() == few
    detail = reverse("consultations:detail", args=[consultation.pk])
    with CaptureQueriesContext(connection) as context:
        client.get(detail)
    Session.objects.create(
        consultation=consultation, audience="jeunes", format="stand", date=datetime.date(2026, 10, 9)
    )
    with CaptureQueriesContext(connection) as again:
        client.get(detail)
    assert len(again.captured_queries) == len(context.captured_queries)


CSV = (
    "texte;nature;public;qpv;reference\n"
    "Un local pour les jeunes;proposition;jeunes;QN04215M;A1\n"
    ";proposition;;;A2\n"
    "Des bancs;réclamation;;;A3\n"
    "Plus de bus le soir;constat;martiens;QN06803M;A4\n"
)


@pytest.mark.django_db(transaction=True)
def test_a_workshop_file_is_previewed_with_every_row_error_then_committed_all_or_nothing(
    client, users, consultation, sessions
):
    from cooperer.jobs.models import Job

    client.force_login(users["se_animator"])
    url = reverse("consultations:import", args=[consultation.pk])
    upload = SimpleUploadedFile("atelier.csv", CSV.encode("cp1252"), content_type="text/csv")
    client.post(url, {"session": sessions["habitants"].pk, "default_kind": "proposition", "file": upload})
    run_jobs()
    job = Job.objects.get(kind="contributions_preview")
    assert {(e["ligne"], e["colonne"]) for e in job.errors} == {
        (3, "texte"),
        (4, "nature"),
        (5, "public"),
        (5, "qpv"),
    }
    assert "La contribution est vide." in {e["raison"] for e in job.errors}
    page = client.get(job.get_absolute_url()).content.decode()
    assert "réclamation" in page and "atelier.csv" in page
    assert client.post(reverse("consultations:import_commit", args=[job.pk])).status_code == 302
    run_jobs()
    assert not Contribution.objects.exists()

    fixed = "texte;nature;public;qpv;reference\nUn local pour les jeunes;proposition;jeunes;QN04215M;A1\nDes bancs;;;;A3\n"
    client.post(url, {"session": sessions["habitants"].pk, "default_kind": "aspiration",
                      "file": SimpleUploadedFile("atelier.csv", fixed.encode(), content_type="text/csv")})  # fmt: skip
    run_jobs()
    preview = Job.objects.filter(kind="contributions_preview").latest("pk")
    assert not preview.errors
    client.post(reverse("consultations:import_commit", args=[preview.pk]))
    run_jobs()
    assert sorted(Contribution.objects.values_list("text", "kind", "audience")) == [
        ("Des bancs", "aspiration", "habitants"),
        ("Un local pour les jeunes", "proposition", "jeunes"),
    ]
    # Imported again: the references are known, nothing is added twice.
    client.post(url, {"session": sessions["habitants"].pk, "default_kind": "aspiration",
                      "file": SimpleUploadedFile("atelier.csv", fixed.encode(), content_type="text/csv")})  # fmt: skip
    run_jobs()
    again = Job.objects.filter(kind="contributions_preview").latest("pk")
    assert again.result["déjà importées (ignorées)"] == 2
    assert again.result["contributions à importer"] == 0


DECIDIM = (
    "id;category/id;category/name/en;category/name/fr;scope/id;scope/name/en;scope/name/fr;title;body;votes;comments;"
    "created_at;url;component/id;meeting_urls\n"
    '418;39;;Autre sujet;;"";"";Non au compteur forcé;<p>Le choix <b>doit</b> rester libre</p>;3;0;'
    '2019-01-24 22:29:15 +0100;http://x/418;111;""\n'
)


@pytest.mark.django_db
def test_a_decidim_export_is_recognised(consultation, sessions):
    import tempfile
    from pathlib import Path

    from cooperer.consultations import importers

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "propositions.csv"
        path.write_text(DECIDIM, encoding="utf-8")
        preview = importers.preview(str(path), sessions["habitants"])
    assert preview.source == "decidim" and not preview.errors
    assert [(r.text, r.reference) for r in preview.rows] == [
        ("Non au compteur forcé. Le choix doit rester libre", "418")
    ]


@pytest.mark.django_db
def test_a_decidim_export_without_body_is_refused_clearly(consultation, sessions, tmp_path):
    from cooperer.consultations import importers

    path = tmp_path / "debats.csv"
    path.write_text("id;title/fr;description/fr\n1;Débat;Texte\n", encoding="utf-8")
    with pytest.raises(importers.ContributionImportError, match="Colonne « texte » introuvable"):
        importers.preview(str(path), sessions["habitants"])


@pytest.mark.realdata
@pytest.mark.django_db
def test_the_real_decidim_exports_of_lille_import_without_errors(shared_data, consultation, sessions):
    from cooperer.consultations import importers

    folder = shared_data / "consultation" / "decidim_mel_granddebat"
    proposals = importers.preview(str(folder / "propositions-libres.csv"), sessions["habitants"])
    comments = importers.preview(str(folder / "commentaires_debats.csv"), sessions["habitants"])
    assert proposals.source == comments.source == "decidim"
    assert (len(proposals.rows), len(comments.rows)) == (196, 693)
    assert not proposals.errors and not comments.errors


@pytest.mark.django_db
def test_exports_neutralise_formulas_and_leave_out_names_and_hidden_contributions(
    client, users, consultation, sessions
):
    import io

    from openpyxl import load_workbook

    session = sessions["habitants"]
    common = {"consultation": consultation, "session": session, "qpv": session.qpv, "audience": "habitants",
              "kind": "proposition", "source": "formulaire"}  # fmt: skip
    Contribution.objects.create(text='=HYPERLINK("http://x")', author_name="Samia", **common)
    Contribution.objects.create(text="Caché", hidden_at=datetime.datetime.now(datetime.UTC), **common)
    client.force_login(users["state_instructor"])
    csv_text = client.get(reverse("consultations:export_csv", args=[consultation.pk])).content.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in csv_text and "Samia" not in csv_text and "Caché" not in csv_text
    response = client.get(reverse("consultations:export_xlsx", args=[consultation.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][5] == '\'=HYPERLINK("http://x")' and len(rows) == 2
    client.force_login(users["m2a_animator"])
    assert client.get(reverse("consultations:export_csv", args=[consultation.pk])).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("atelier.exe", 10, "seuls .csv et .xlsx sont acceptés"),
        ("atelier.csv", 60 * 1024 * 1024, "Fichier trop volumineux"),
    ],
)
def test_workshop_files_are_checked_for_type_and_size(
    client, users, consultation, sessions, name, size, message
):
    from cooperer.jobs.models import Job

    client.force_login(users["se_animator"])
    upload = SimpleUploadedFile(name, b"x" * size)
    data = {"session": sessions["habitants"].pk, "default_kind": "proposition", "file": upload}
    assert (
        message in client.post(reverse("consultations:import", args=[consultation.pk]), data).content.decode()
    )
    assert not Job.objects.exists()
