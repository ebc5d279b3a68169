"""The web import of context tables: upload, preview job, all-or-nothing commit job, and who may do it."""

from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperer.jobs.models import Job
from cooperer.measurement import importers
from cooperer.measurement.enums import IndicatorKind, Unit
from cooperer.measurement.models import Indicator, Measurement, UploadBatch
from tests.conftest import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = (
    "code_qp;lib_qp;Population;Taux de pauvreté\n"
    "QN04215M;Quartiers Sud-Est;2 857;54,0\n"
    "QN04214M;Crêt de Roc;7 739;s\n"
).encode()


def upload(client, data=GOOD, name="contexte.csv", dictionary=None, year="2020"):
    fields = {"file": SimpleUploadedFile(name, data), "year": year}
    if dictionary is not None:
        fields["dictionary"] = SimpleUploadedFile("dictionnaire.csv", dictionary)
    response = client.post(reverse("measurement:context_import"), fields)
    run_jobs()
    return response


def commit(client, preview):
    response = client.post(reverse("measurement:context_commit", args=[preview.pk]))
    run_jobs()
    return response


def test_a_context_table_is_previewed_then_committed_all_at_once(client, users, territory, indicators):
    client.force_login(users["se_animator"])
    response = upload(client)
    preview = Job.objects.get(kind="context_preview")
    assert response["Location"] == preview.get_absolute_url()
    assert preview.status == "succeeded" and preview.result["valeurs à enregistrer"] == 4
    html = unescape(client.get(preview.get_absolute_url()).content.decode())
    assert "population → Population municipale : 2 valeur(s)" in html
    assert "taux de pauvreté → Taux de pauvreté au seuil de 60 % : 1 valeur(s), 1 non publiée(s)" in html
    assert "Importer ces 4 valeurs" in html and Measurement.objects.count() == 0
    assert str(preview.params["path"]) not in html
    commit(client, preview)
    done = Job.objects.get(kind="context_commit")
    assert done.status == "succeeded", done.message
    assert (done.result["créées"], done.result["fichier"]) == (4, "contexte.csv")
    sud_est = Measurement.objects.get(qpv=territory["sud_est"], indicator=indicators["population"])
    assert (sud_est.value, sud_est.period_end.year) == (Decimal("2857"), 2020)
    assert Measurement.objects.get(qpv__code="QN04214M", indicator=indicators["taux_pauvrete"]).is_secret
    batch = UploadBatch.objects.get()
    assert batch.created_by == users["se_animator"] and batch.epci == territory["sem"]
    assert not Path(preview.params["path"]).exists()


def test_row_errors_and_unknown_qpvs_are_listed_with_line_column_and_reason(
    client, users, territory, indicators
):
    client.force_login(users["admin"])
    upload(client, "code_qp;Population;Taux de pauvreté\nQN04215M;2857;154\nQN09999M;12;10\n".encode())
    preview = Job.objects.get()
    errors = {(e["ligne"], e["colonne"]): e["raison"] for e in preview.errors}
    assert "100" in errors[(2, "taux de pauvreté")]
    assert "QPV « QN09999M » inconnu" in errors[(3, "code_qp")]
    assert preview.result["codes QPV inconnus"] == ["QN09999M (ligne 3)"]
    html = unescape(client.get(preview.get_absolute_url()).content.decode())
    assert '<th scope="col">Raison</th>' in html and "QN09999M (ligne 3)" in html
    assert "Importer ces" not in html
    assert commit(client, preview).status_code == 302
    assert not Job.objects.filter(kind="context_commit").exists() and Measurement.objects.count() == 0


def test_an_animatrice_imports_only_the_qpvs_of_her_territory(client, users, territory, indicators):
    client.force_login(users["m2a_animator"])
    upload(client)
    preview = Job.objects.get()
    assert {e["raison"] for e in preview.errors} == {
        "Le QPV « QN04215M » n'est pas sur votre territoire : seul·e un·e administrateur·rice importe un fichier "
        "national.",
        "Le QPV « QN04214M » n'est pas sur votre territoire : seul·e un·e administrateur·rice importe un fichier "
        "national.",
    }


def test_a_dictionary_names_the_territorys_own_indicator(client, users, territory, indicators):
    own = Indicator.objects.create(
        code="jardins_partages", name="Jardins partagés", kind=IndicatorKind.CONTEXT, unit=Unit.COUNT,
        epci=territory["sem"],
    )  # fmt: skip
    client.force_login(users["se_animator"])
    upload(
        client,
        b"code_qp;nb_jardins;autre\nQN04215M;3;x\n",
        dictionary=b"colonne;libelle;unite;code\nnb_jardins;Jardins;nombre;jardins_partages\n",
    )
    preview = Job.objects.get(kind="context_preview")
    assert preview.status == "succeeded" and not preview.errors, (preview.message, preview.errors)
    assert "autre" in " ".join(preview.result["colonnes ignorées"])
    commit(client, preview)
    assert Measurement.objects.get(indicator=own).value == 3


def test_a_new_national_indicator_from_a_dictionary_is_refused_to_an_animatrice(
    client, users, territory, indicators
):
    client.force_login(users["se_animator"])
    upload(
        client,
        b"code_qp;velos\nQN04215M;3\n",
        dictionary=b"colonne;libelle;unite\nvelos;Velos en libre service;nombre\n",
    )
    preview = Job.objects.get()
    assert preview.errors[0]["colonne"] == "dictionnaire › velos"
    assert "seul·e un·e administrateur·rice" in preview.errors[0]["raison"]


def test_the_same_file_twice_is_not_counted_twice(client, users, territory, indicators):
    client.force_login(users["se_animator"])
    upload(client)
    commit(client, Job.objects.get(kind="context_preview"))
    upload(client, name="le-meme.csv")
    second = Job.objects.filter(kind="context_preview").first()
    assert "déjà été importé" in second.result["déjà importé"] and "action" not in second.result
    assert commit(client, second).status_code == 302
    assert Job.objects.filter(kind="context_commit").count() == 1
    assert Measurement.objects.count() == 4 and UploadBatch.objects.count() == 1


def test_a_corrected_file_updates_the_values_already_stored(client, users, territory, indicators):
    client.force_login(users["se_animator"])
    upload(client)
    commit(client, Job.objects.get(kind="context_preview"))
    assert (
        Job.objects.get(kind="context_preview").result[
            "dont déjà enregistrées (mises à jour si elles changent)"
        ]
        == 0
    )
    upload(client, GOOD.replace(b"2 857", b"2 860"))  # same name, one value corrected
    second = Job.objects.filter(kind="context_preview").first()
    assert second.result["dont déjà enregistrées (mises à jour si elles changent)"] == 4
    commit(client, second)
    done = Job.objects.filter(kind="context_commit").first()
    assert (done.result["créées"], done.result["mises à jour"], done.result["inchangées"]) == (0, 1, 3)
    assert Measurement.objects.count() == 4
    assert Measurement.objects.get(qpv=territory["sud_est"], indicator=indicators["population"]).value == 2860


def test_two_commits_of_one_preview_write_once(client, users, territory, indicators):
    client.force_login(users["se_animator"])
    upload(client)
    preview = Job.objects.get(kind="context_preview")
    for _ in range(2):
        client.post(reverse("measurement:context_commit", args=[preview.pk]))
    run_jobs()
    outcomes = sorted(Job.objects.filter(kind="context_commit").values_list("status", flat=True))
    assert outcomes == ["failed", "succeeded"]
    assert "déjà été importé" in Job.objects.get(kind="context_commit", status="failed").message
    assert Measurement.objects.count() == 4


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("contexte.pdf", b"%PDF-1.4", "Type de fichier refusé"),
        ("contexte.csv", b"x" * 2048, "trop volumineux"),
    ],
)
def test_a_file_of_the_wrong_type_or_too_big_is_refused_beside_its_field(
    client, users, territory, settings, name, data, message
):
    settings.COOPERER_MAX_UPLOAD_BYTES = 1024
    client.force_login(users["se_animator"])
    response = client.post(reverse("measurement:context_import"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200 and message in response.context["form"].errors["file"][0]
    assert 'id="id_file_erreurs"' in response.content.decode() and not Job.objects.exists()


def test_a_file_of_another_layout_fails_with_a_french_reason_naming_the_uploaded_file(
    client, users, territory
):
    client.force_login(users["se_animator"])
    upload(client, b"nom;adresse\nA;1 rue\n", name="annuaire.csv")
    preview = Job.objects.get()
    assert preview.status == "failed" and "Colonne du code QPV introuvable" in preview.message
    assert Path(preview.params["path"]).name not in preview.message


@pytest.mark.parametrize("who", ["member", "state_instructor"])
def test_only_the_animation_and_administrators_import(client, users, territory, who):
    client.force_login(users[who])
    assert client.get(reverse("measurement:context_import")).status_code == 403
    assert (
        client.post(
            reverse("measurement:context_import"), {"file": SimpleUploadedFile("c.csv", GOOD)}
        ).status_code
        == 403
    )
    assert not Job.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in_and_others_cannot_commit_a_preview(
    client, users, territory, indicators
):
    assert client.get(reverse("measurement:context_import")).status_code == 302
    client.force_login(users["se_animator"])
    upload(client)
    preview = Job.objects.get()
    client.logout()
    assert client.post(reverse("measurement:context_commit", args=[preview.pk])).status_code == 302
    client.force_login(users["m2a_animator"])
    assert client.post(reverse("measurement:context_commit", args=[preview.pk])).status_code == 404
    client.force_login(users["member"])
    assert client.post(reverse("measurement:context_commit", args=[preview.pk])).status_code == 403
    assert not Job.objects.filter(kind="context_commit").exists()


def test_the_real_national_file_is_previewed_through_the_web(
    client, users, territory, indicators, shared_data
):
    client.force_login(users["admin"])
    path = shared_data / importers.DEMO_FILE
    upload(client, path.read_bytes(), name=path.name)
    preview = Job.objects.get()
    assert preview.status == "succeeded"
    assert preview.result["lignes lues"] == 1713 and preview.result["QPV"] == 4
    assert len(preview.result["codes QPV inconnus"]) == 200  # listed up to 200, every one in the errors
    assert len(preview.errors) == 1000 and preview.errors[0]["ligne"] == 2
    assert "action" not in preview.result and Measurement.objects.count() == 0
