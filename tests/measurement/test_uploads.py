import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from cooperer.accounts.enums import Funder, Role
from cooperer.jobs.models import Job
from cooperer.measurement import uploads
from cooperer.measurement.enums import MeasurementSource
from cooperer.measurement.models import Measurement, Obligation, Rollup, UploadBatch
from cooperer.measurement.uploads import Uploader, UploadError
from cooperer.visions.enums import Horizon, Level
from cooperer.visions.services import add_outcome
from tests.calls.fixtures import make_structure
from tests.conftest import make_user, run_jobs
from tests.measurement.test_bilans_views import member_of

HEADER = "indicateur;action;qpv;debut;fin;valeur;femmes;hommes"


def write(tmp_path, text, name="mesures.csv", encoding="utf-8-sig"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def preview(path, user=None, epci_id=None):
    return uploads.preview(path, uploader=Uploader(user, epci_id), name="mesures.csv")


def reasons(result):
    return {(error.line, error.column): error.message for error in result.errors}


@pytest.fixture
def action(funded):
    return funded["application"]


def test_a_french_semicolon_file_is_read_and_committed_with_its_breakdown(tmp_path, action, territory):
    path = write(tmp_path, f"{HEADER}\npersonnes_touchees;{action.pk};;01/01/2025;31/12/2025;1 234;600;634\n"
                           f"taux_pauvrete;;QN04215M;2024-01-01;2024-12-31;41,5;;\n")  # fmt: skip
    result = preview(path)
    assert result.errors == [] and len(result.rows) == 2
    assert result.summary()["actions"] == 1 and result.summary()["QPV"] == 1
    written = uploads.commit(result)
    assert written == {"créées": 2, "mises à jour": 0, "inchangées": 0}
    touched = Measurement.objects.get(application=action)
    assert touched.value == Decimal("1234") and touched.breakdown == {"sexe": {"femmes": 600, "hommes": 634}}
    assert touched.source == MeasurementSource.UPLOAD and touched.source_label == "mesures.csv, ligne 2"
    assert Measurement.objects.get(qpv=territory["sud_est"]).value == Decimal("41.5")
    assert touched.batch == UploadBatch.objects.get() and touched.batch.rows == 2
    rollup = Rollup.objects.get(scope=f"contract:{action.call.contract_id}", indicator=touched.indicator)
    assert rollup.total == Decimal("1234")


def test_a_cp1252_comma_file_with_other_header_spellings_is_read(tmp_path, action):
    text = (
        "Code indicateur,N° de demande,Début de période,Fin de la période,Valeur,Femmes,Hommes,12-17 ans,18-25 ans,"
        "Commentaire,Total\n"
        f'Personnes touchées,D-{action.pk},01/03/2025,2025-06-30,"40",15,25,30,10,RAS,99\n'
    )
    result = preview(write(tmp_path, text, encoding="cp1252"))
    assert result.errors == []
    row = result.rows[0]
    assert (row.application, row.period_start, row.period_end) == (action, datetime.date(2025, 3, 1),
                                                                   datetime.date(2025, 6, 30))  # fmt: skip
    assert row.breakdown == {"sexe": {"femmes": 15, "hommes": 25}, "age": {"12-17": 30, "18-25": 10}}
    assert any("Windows-1252" in warning for warning in result.warnings)
    assert "Colonne « commentaire » ignorée : elle n'est pas une colonne connue." in result.warnings
    assert "Colonne « total » ignorée : « valeur » a déjà ce rôle." in result.warnings


def test_an_excel_file_is_read_with_its_dates(tmp_path, action):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Indicateur", "Action", "Début", "Fin", "Valeur"])
    sheet.append(
        ["personnes_touchees", action.pk, datetime.datetime(2025, 1, 1), datetime.datetime(2025, 12, 31), 52]
    )
    path = tmp_path / "mesures.xlsx"
    workbook.save(path)
    result = preview(str(path))
    assert result.errors == [] and result.rows[0].value == Decimal("52")
    assert result.rows[0].period_end == datetime.date(2025, 12, 31)


def test_every_bad_line_gets_its_line_column_and_french_reason_and_nothing_is_written(tmp_path, action):
    lines = [
        f"personnes_touchees;{action.pk};;01/01/2024;31/12/2024;10;;",  # 2: outside the action's period
        f"seances;{action.pk};;01/01/2025;31/12/2025;12;;",  # 3: not in the evaluation plan
        f"personnes_touchees;{action.pk};;01/02/2025;28/02/2025;-3;;",  # 4: negative
        "taux_pauvrete;;QN04215M;01/01/2024;31/12/2024;250;;",  # 5: wrong unit
        f"personnes_touchees;{action.pk};;01/03/2025;31/03/2025;20;5;5;",  # 6: breakdown off the total
        "personnes_touchees;99999;;01/01/2025;31/12/2025;4;;",  # 7: unknown action
        "taux_pauvrete;;QN99999X;01/01/2024;31/12/2024;20;;",  # 8: unknown QPV
        "nimporte_quoi;;QN04215M;01/01/2024;31/12/2024;20;;",  # 9: unknown indicator
        f"personnes_touchees;{action.pk};;32/13/2025;31/12/2025;4;;",  # 10: unreadable date
        f"personnes_touchees;{action.pk};;01/04/2025;30/04/2025;beaucoup;;",  # 11: unreadable number
        "personnes_touchees;;;01/04/2025;30/04/2025;4;;",  # 12: no scope
        f"personnes_touchees;{action.pk};;01/05/2025;31/05/2025;14;7;7",  # 13: a good line
    ]  # fmt: skip
    result = preview(write(tmp_path, HEADER + "\n" + "\n".join(lines) + "\n"))
    found = reasons(result)
    assert "sort de celle de l'action" in found[(2, "debut / fin")]
    assert "ne figure pas au plan d'évaluation" in found[(3, "indicateur")]
    assert found[(4, "valeur")] == "« Personnes touchées » ne peut pas être négatif."
    assert "bonne unité" in found[(5, "valeur")]
    assert found[(6, "ventilation")] == "La ventilation par sexe (10) ne fait pas le total (20)."
    assert found[(7, "action")].startswith("Action inconnue : « 99999 »")
    assert found[(8, "qpv")] == "QPV inconnu : « QN99999X »."
    assert found[(9, "indicateur")] == "Indicateur inconnu : « nimporte_quoi »."
    assert found[(10, "debut")].startswith("Date illisible : « 32/13/2025 »")
    assert found[(11, "valeur")] == "Nombre illisible : « beaucoup »."
    assert found[(12, "action")].startswith("Portée manquante")
    assert not any(error.line == 13 for error in result.errors)
    with pytest.raises(UploadError, match="11 erreur"):
        uploads.commit(result)
    assert not Measurement.objects.exists() and not UploadBatch.objects.exists()


def test_the_same_file_twice_is_refused_naming_when_it_was_first_imported(tmp_path, action):
    path = write(tmp_path, f"{HEADER}\npersonnes_touchees;{action.pk};;01/01/2025;31/12/2025;40;;\n")
    uploads.commit(preview(path))
    first = UploadBatch.objects.get()
    with pytest.raises(UploadError) as caught:
        preview(path)
    assert f"déjà été importé le {timezone.localtime(first.created_at):%d/%m/%Y à %H:%M}" in str(caught.value)
    assert "n'est pas compté deux fois" in str(caught.value)
    assert Measurement.objects.get().value == 40 and UploadBatch.objects.count() == 1


def test_a_commit_refused_at_the_last_moment_writes_nothing(tmp_path, action, indicators):
    planned = Obligation.objects.filter(bilan__application=action).exclude(
        indicator__code__in=["personnes_touchees", "habitants_qpv_touches"]
    )
    extra = planned.first().indicator
    path = write(tmp_path, f"{HEADER}\npersonnes_touchees;{action.pk};;01/01/2025;31/12/2025;40;;\n"
                           f"{extra.code};{action.pk};;01/01/2025;31/12/2025;70;;\n")  # fmt: skip
    result = preview(path)
    assert result.errors == []
    planned.delete()  # the plan changes between the preview and the commit
    with pytest.raises(UploadError) as caught:
        uploads.commit(result)
    assert caught.value.errors[0].line == 3 and "plan d'évaluation" in caught.value.errors[0].message
    assert (
        not Measurement.objects.exists() and not UploadBatch.objects.exists() and not Rollup.objects.exists()
    )


def test_an_outcome_of_a_vision_is_measured_by_its_key_or_its_words(tmp_path, sud_est_vision, indicators):
    outcome = add_outcome(sud_est_vision.versions.get(), text="Les jeunes trouvent un emploi",
                          horizon=Horizon.LONG, level=Level.POPULATION)  # fmt: skip
    text = (
        "indicateur;vision;changement;debut;fin;valeur\n"
        f"taux_emploi;{sud_est_vision.pk};{outcome.key};01/01/2024;31/12/2024;48\n"
        f"taux_emploi;{sud_est_vision.pk};les jeunes trouvent un emploi;01/01/2023;31/12/2023;45\n"
        f"taux_emploi;{sud_est_vision.pk};inconnu;01/01/2022;31/12/2022;45\n"
    )
    result = preview(write(tmp_path, text))
    assert [row.scope_key for row in result.rows] == [f"outcome:{sud_est_vision.pk}:{outcome.key}"] * 2
    assert "inconnu dans la vision" in reasons(result)[(4, "changement")]


def test_who_may_send_figures_for_which_scope(tmp_path, action, users, territory):
    path = write(tmp_path, f"{HEADER}\npersonnes_touchees;{action.pk};;01/01/2025;31/12/2025;40;;\n"
                           "taux_pauvrete;;QN04215M;01/01/2024;31/12/2024;41;;\n")  # fmt: skip
    other = member_of(make_structure("Autre association (fictive)", 40), "autre@exemple.fr")
    caf_elsewhere = make_user("caf.m2a@exemple.fr", Role.INSTRUCTION, territory["m2a"], Funder.CAF)
    refused = {
        name: sorted(error.line for error in preview(path, user).errors)
        for name, user in {
            "admin": users["admin"], "se_animator": users["se_animator"], "m2a_animator": users["m2a_animator"],
            "state_instructor": users["state_instructor"], "porteur": member_of(action.applicant),
            "other_structure": other, "caf_elsewhere": caf_elsewhere,
        }.items()
    }  # fmt: skip
    assert refused == {
        "admin": [], "se_animator": [], "m2a_animator": [2, 3], "state_instructor": [3], "porteur": [3],
        "other_structure": [2, 3], "caf_elsewhere": [2, 3],
    }  # fmt: skip
    assert uploads.NOT_ALLOWED_PLACE in reasons(preview(path, users["state_instructor"])).values()
    assert sorted(e.line for e in preview(path, epci_id=territory["m2a"].pk).errors) == [2, 3]


def test_the_command_previews_then_commits(tmp_path, action, territory):
    path = write(tmp_path, f"{HEADER}\npersonnes_touchees;{action.pk};;01/01/2025;31/12/2025;40;;\n")
    out = io.StringIO()
    call_command("import_measurements", path, stdout=out)
    assert "1 mesure(s) à enregistrer (1 action(s)" in out.getvalue() and not Measurement.objects.exists()
    with pytest.raises(CommandError) as caught:
        call_command("import_measurements", path, "--epci", territory["m2a"].siren, "--commit",
                     stdout=io.StringIO(), stderr=(err := io.StringIO()))  # fmt: skip
    assert caught.value.returncode == 1 and "ligne 2, colonne « action »" in err.getvalue()
    out = io.StringIO()
    call_command("import_measurements", path, "--epci", territory["sem"].siren, "--commit", stdout=out)
    assert "1 mesure(s) créée(s)" in out.getvalue()
    assert Measurement.objects.get().source == MeasurementSource.COMMAND
    with pytest.raises(CommandError, match="déjà été importé"):
        call_command("import_measurements", path, stdout=io.StringIO())


def test_the_command_refuses_an_unusable_file(tmp_path, db):
    with pytest.raises(CommandError, match="forme attendue"):
        call_command("import_measurements", write(tmp_path, "nom;adresse\nA;B\n"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="binaires"):
        call_command(
            "import_measurements", write(tmp_path, "\x00\x01\x02", name="x.csv"), stdout=io.StringIO()
        )
    broken = tmp_path / "mesures.xlsx"
    broken.write_bytes(b"PK\x03\x04 ceci n'est pas un classeur")
    with pytest.raises(CommandError, match="classeur Excel est illisible"):
        call_command("import_measurements", str(broken), stdout=io.StringIO())
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import_measurements", str(tmp_path / "absent.csv"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="EPCI inconnu"):
        call_command("import_measurements", str(broken), "--epci", "123", stdout=io.StringIO())


def test_the_upload_page_is_open_to_those_who_may_upload_and_linked_from_home(client, users, action):
    for user in (
        users["admin"],
        users["se_animator"],
        users["state_instructor"],
        member_of(action.applicant),
    ):
        client.force_login(user)
        assert client.get(reverse("measurement:uploads")).status_code == 200
        assert reverse("measurement:uploads") in client.get(reverse("measurement:home")).content.decode()
    client.force_login(make_user("sans.role@exemple.fr"))
    assert client.get(reverse("measurement:uploads")).status_code == 403
    assert reverse("measurement:uploads") not in client.get(reverse("measurement:home")).content.decode()
    client.logout()
    assert client.get(reverse("measurement:uploads")).status_code == 302


def test_the_upload_form_checks_type_and_size(client, users, settings):
    client.force_login(users["se_animator"])
    response = client.post(reverse("measurement:uploads"), {"file": SimpleUploadedFile("m.pdf", b"%PDF-1.4")})
    assert "Type de fichier refusé" in response.content.decode()
    settings.COOPERER_MAX_UPLOAD_BYTES = 10
    response = client.post(reverse("measurement:uploads"), {"file": SimpleUploadedFile("m.csv", b"x" * 100)})
    assert "Fichier trop volumineux" in response.content.decode() and not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_web_import_is_previewed_then_committed_by_the_worker(client, action, users):
    client.force_login(member_of(action.applicant))
    good = f"{HEADER}\npersonnes_touchees;{action.pk};;01/01/2025;31/12/2025;40;15;25\n".encode()
    client.post(reverse("measurement:uploads"), {"file": SimpleUploadedFile("bilan 2025.csv", good)})
    run_jobs()
    preview_job = Job.objects.get()
    html = client.get(preview_job.get_absolute_url()).content.decode()
    assert "Importer ces 1 mesures" in html and "bilan 2025.csv" in html and not Measurement.objects.exists()
    assert preview_job.result["mesures à enregistrer"] == 1 and preview_job.result["actions"] == 1
    assert 'id="barre-avancement"' in html
    client.force_login(users["se_animator"])  # someone else's preview cannot be committed
    assert client.post(reverse("measurement:upload_commit", args=[preview_job.pk])).status_code == 404
    client.force_login(preview_job.created_by)
    client.post(reverse("measurement:upload_commit", args=[preview_job.pk]))
    run_jobs()
    commit_job = Job.objects.exclude(pk=preview_job.pk).get()
    assert commit_job.result["créées"] == 1 and Measurement.objects.get().value == 40
    client.post(reverse("measurement:uploads"), {"file": SimpleUploadedFile("encore.csv", good)})
    run_jobs()
    again = Job.objects.order_by("-pk").first()
    assert again.status == "failed" and "déjà été importé" in again.message


@pytest.mark.django_db(transaction=True)
def test_a_preview_with_errors_lists_them_and_cannot_be_committed(client, action, users):
    client.force_login(users["state_instructor"])
    bad = f"{HEADER}\npersonnes_touchees;{action.pk};;01/01/2025;31/12/2025;-4;;\n".encode()
    client.post(reverse("measurement:uploads"), {"file": SimpleUploadedFile("m.csv", bad)})
    run_jobs()
    preview_job = Job.objects.get()
    html = client.get(preview_job.get_absolute_url()).content.decode()
    assert "ne peut pas être négatif" in html and "Importer ces" not in html
    client.post(reverse("measurement:upload_commit", args=[preview_job.pk]))
    assert Job.objects.count() == 1 and not Measurement.objects.exists()
