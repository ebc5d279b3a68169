import datetime
import gzip
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cooperer.accounts.enums import Funder
from cooperer.calls import services
from cooperer.calls.enums import Outcome
from cooperer.calls.models import ExternalGrant
from cooperer.calls.opendata import export, import_file
from cooperer.calls.scdl import read_scdl
from cooperer.jobs.models import Job
from tests.calls.fixtures import luhn_siret
from tests.conftest import SHARED_DATA, run_jobs

HEADER = (
    "nomAttribuant;idAttribuant;dateConvention;referenceDecision;nomBeneficiaire;idBeneficiaire;rnaBeneficiaire;objet;"
    "montant;nature;conditionsVersement;datesPeriodeVersement;idRAE;notificationUE;pourcentageSubvention;dispositifAide"
)


@pytest.fixture
def decided(application, call, users):
    services.submit(application, users["member"])
    state, caf = call.funders.get(funder=Funder.STATE), call.funders.get(funder=Funder.CAF)
    for funder, number in ((state, 900), (caf, 901)):
        funder.siret = luhn_siret(number)
        funder.save()
    services.decide(
        application, outcome=Outcome.PARTIAL, motivation="Sert la vision.", elements=[call.youth],
        criteria=call.criteria.all()[:1], amounts={state: Decimal("20000"), caf: Decimal("5000")},
        committee="Comité", decided_on=datetime.date(2026, 11, 20), user=users["se_animator"],
    )  # fmt: skip
    return application


def test_the_grants_are_exported_as_scdl_and_read_back(decided):
    out = io.StringIO()
    result = export(out)
    assert (result.written, result.skipped) == (2, [])
    rows = read_scdl(out.getvalue().encode()).rows
    assert {(row.attributor_siret, row.montant) for row in rows} == {
        (luhn_siret(900), Decimal("20000.00")),
        (luhn_siret(901), Decimal("5000.00")),
    }
    # 20,000 € of 40,000 € of products: the share the schema asks for.
    assert {row.pourcentage for row in rows} == {Decimal("0.50"), Decimal("0.13")}
    assert rows[0].beneficiary_siret == decided.applicant.siret and rows[0].dispositif == decided.call.name


def test_a_grant_that_cannot_be_published_is_named_and_left_out(decided, call):
    call.funders.filter(funder=Funder.CAF).update(siret="")
    out = io.StringIO()
    result = export(out, call, "")
    assert result.written == 1
    assert len(result.skipped) == 1 and "CAF de la Loire" in result.skipped[0]


@pytest.mark.realdata
def test_the_export_passes_the_official_schema(decided, tmp_path):
    schema = SHARED_DATA / "subventions" / "scdl_schema" / "schema_subventions_v2.1.1.json"
    if not schema.exists():
        pytest.skip(f"Schéma SCDL officiel absent ({schema}) : validation frictionless ignorée.")
    from frictionless import Resource, Schema

    call_command("export_scdl", out=str(tmp_path / "subventions.csv"))
    descriptor = json.loads(schema.read_text(encoding="utf-8"))
    report = Resource(
        path="subventions.csv", basepath=str(tmp_path), schema=Schema.from_descriptor(descriptor)
    ).validate()
    assert report.valid, [error.message for task in report.tasks for error in task.errors]


def test_the_commands_import_a_messy_file_and_refuse_a_file_with_the_wrong_columns(tmp_path, capsys, db):
    good = tmp_path / "cd.csv"
    line = "Département;{siret};2024-03-01;D-1;Association (fictive);{beneficiary};;Fête de quartier;1 500,50;aide en numéraire;unique;2024-03-15;;non;0,5;"
    rows = [line.format(siret=luhn_siret(1), beneficiary=luhn_siret(2)), line.replace("2024-03-01", "hier").format(
        siret=luhn_siret(1), beneficiary=luhn_siret(2))]  # fmt: skip
    good.write_bytes(("\ufeff" + HEADER + "\n" + "\n".join(rows) + "\n").encode("utf-8"))
    call_command("import_scdl", str(good))
    out, err = capsys.readouterr()
    assert "1 ligne(s) lue(s) et importée(s), 1 refusée(s)" in out
    assert "ligne 3, colonne dateConvention" in err
    assert ExternalGrant.objects.get().amount == Decimal("1500.50")
    call_command("import_scdl", str(good))
    assert ExternalGrant.objects.count() == 1  # the same file again replaces its rows
    wrong = tmp_path / "autre.csv"
    wrong.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Colonnes manquantes"):
        call_command("import_scdl", str(wrong))


@pytest.mark.django_db(transaction=True)
def test_the_web_import_previews_then_imports(client, users, tmp_path):
    client.force_login(users["se_animator"])
    line = f"Ville;{luhn_siret(3)};2024-01-10;;Club (fictif);{luhn_siret(4)};;Sport;900;aide en numéraire;unique;2024-02-01;;non;1;"
    upload = SimpleUploadedFile(
        "ville.csv", (HEADER + "\n" + line + "\n").encode("cp1252"), content_type="text/csv"
    )
    response = client.post(reverse("calls:scdl_import"), {"file": upload})
    run_jobs()
    preview = Job.objects.get(kind="scdl_preview")
    assert response["Location"] == preview.get_absolute_url()
    assert preview.result.get("lignes lisibles") == 1, (preview.status, preview.result, preview.errors)
    assert not ExternalGrant.objects.exists()
    client.post(reverse("calls:scdl_commit", args=[preview.pk]))
    run_jobs()
    assert ExternalGrant.objects.get().beneficiary_name == "Club (fictif)"
    client.force_login(users["member"])
    assert client.get(reverse("calls:scdl_import")).status_code == 403


def test_the_scdl_file_of_a_call_is_public(client, decided, call):
    response = client.get(reverse("calls:scdl", args=[call.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith("nomAttribuant,idAttribuant")


def test_the_funder_records_its_convention_and_another_funder_cannot(client, decided, users, territory):
    from tests.conftest import make_user

    grant = decided.decision.grants.get(call_funder__funder=Funder.STATE)
    url = reverse("calls:convention", args=[decided.call_id, decided.pk, grant.pk])
    caf = make_user("caf@exemple.fr", "instruction", territory["sem"], Funder.CAF)
    client.force_login(caf)
    assert client.post(url, {"convention_reference": "X", "convention_date": "2026-11-21"}).status_code == 403
    client.force_login(users["state_instructor"])
    response = client.post(url, {"convention_reference": "", "convention_date": "2026-11-21"}, follow=True)
    assert "La convention a une référence et une date de signature." in response.content.decode()
    client.post(
        url,
        {
            "convention_reference": "CONV-147-12",
            "convention_date": "2026-11-21",
            "payment_conditions": "échelonné",
        },
    )
    grant.refresh_from_db()
    assert (grant.convention_reference, grant.convention_date) == ("CONV-147-12", datetime.date(2026, 11, 21))
    out = io.StringIO()
    export(out, decided.call, Funder.STATE)
    row = read_scdl(out.getvalue().encode()).rows[0]
    assert (row.decision_reference, row.convention_date, row.payment_conditions) == (
        "CONV-147-12", datetime.date(2026, 11, 21), "échelonné",
    )  # fmt: skip


def test_a_grant_published_twice_in_a_file_is_imported_once(db):
    line = f"Ville;{luhn_siret(3)};2024-01-10;;Club (fictif);{luhn_siret(4)};;Sport;900;aide en numéraire;unique;2024-02-01;;non;1;"
    result = import_file(f"{HEADER}\n{line}\n{line}\n".encode(), "ville.csv")
    assert result.read == 1 and ExternalGrant.objects.count() == 1
    assert [(r.line, r.reason) for r in result.rejected] == [
        (3, "Subvention en double : identique à la ligne 2, importée une seule fois.")
    ]


def test_the_command_reads_a_gzipped_publication_and_refuses_a_bomb(db, tmp_path, settings):
    line = f"Ville;{luhn_siret(3)};2024-01-10;;Club (fictif);{luhn_siret(4)};;Sport;900;aide en numéraire;unique;2024-02-01;;non;1;"
    path = tmp_path / "ville.csv.gz"
    path.write_bytes(gzip.compress(f"{HEADER}\n{line}\n".encode()))
    call_command("import_scdl", str(path))
    assert ExternalGrant.objects.get().source == "ville.csv"
    settings.COOPERER_MAX_INFLATED_BYTES = 1024 * 1024
    path.write_bytes(gzip.compress(f"{HEADER}\n".encode() + b" " * (4 * 1024 * 1024)))
    with pytest.raises(CommandError, match=r"^Le fichier décompressé dépasse 1 Mo\.$"):
        call_command("import_scdl", str(path))
    assert ExternalGrant.objects.count() == 1
