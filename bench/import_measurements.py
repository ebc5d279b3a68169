"""Benchmark of the bulk import of measurements (`cooperer.measurement.uploads`, `cooperer import-measurements`).

Issue target: an import of 100,000 measurements takes ≤ 30 s.

Data (not timed): one EPCI, one call funded by the État, `--applications` funded actions from January 2022 to
November 2026, each with « personnes touchées » in its evaluation plan. A CSV of `--rows` lines (the file a
funder or an animatrice would send: `;`, UTF-8 with BOM, French dates and numbers such as « 1 234 »), one
monthly value per action with its breakdown by sex.

Measured, on the path the command takes: `preview_s` (read, decode, resolve every code, check every row with
`services.problems`), `commit_s` (`services.record` in one transaction with the running totals and the
`UploadBatch`), `total_s`; then checked: every row written once, the contract's running total equal to the sum of
the file, and the same file refused a second time.

Database: a throw-away SQLite file (COOPERER_VAR_DIR in a temporary folder), or DATABASE_URL (an empty scratch
PostgreSQL database, emptied at the end).

Run: .venv/bin/python bench/import_measurements.py [--rows 100000] [--applications 2000]
"""

import argparse
import datetime
import json
import os
import random
import sys
import tempfile
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def log(message: str) -> None:
    print(f"[bench import-measurements] {message}", file=sys.stderr, flush=True)


def parse_args():
    parser = argparse.ArgumentParser(description="Mesure l'import de mesures en masse.")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--applications", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args()


def build(count: int) -> list:
    """Funded actions of one call, each with « personnes touchées » to report; returns them."""
    from cooperer.accounts.enums import Funder
    from cooperer.actors.models import Structure
    from cooperer.calls.enums import ApplicationStatus, CallStatus, Outcome
    from cooperer.calls.models import Application, Call, CallFunder, Decision
    from cooperer.measurement import library
    from cooperer.measurement.models import Bilan, Indicator, Obligation
    from cooperer.territories.models import Commune, ContratDeVille, Departement, Epci, Region

    library.ensure_defaults()
    region = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    departement = Departement.objects.create(code="42", name="Loire", region=region)
    epci = Epci.objects.create(siren="244200770", name="Métropole du banc d'essai (fictive)")
    commune = Commune.objects.create(insee_code="42218", name="Ville A", departement=departement, epci=epci)
    contract = ContratDeVille.objects.create(
        slug="banc-essai", name="Contrat du banc d'essai", pilot_epci=epci
    )
    structure = Structure.objects.create(
        name="Association (fictive)", legal_form="association", commune=commune
    )
    call = Call.objects.create(
        name="Appel du banc d'essai", epci=epci, contract=contract, carrier_name="x", status=CallStatus.CLOSED,
        opens_on=datetime.date(2021, 9, 1), closes_at=datetime.datetime(2021, 11, 1, tzinfo=datetime.UTC),
    )  # fmt: skip
    CallFunder.objects.create(call=call, funder=Funder.STATE, name="État", envelope=10**9)
    applications = Application.objects.bulk_create(
        [Application(call=call, applicant=structure, title=f"Action {i}", purpose="Agir", years=5,
                     starts_on=datetime.date(2022, 1, 1), ends_on=datetime.date(2026, 11, 30),
                     status=ApplicationStatus.DECIDED) for i in range(count)],
        batch_size=2000,
    )  # fmt: skip
    Decision.objects.bulk_create(
        [Decision(application=a, outcome=Outcome.GRANTED, motivation="x", committee="c",
                  decided_on=datetime.date(2021, 12, 10)) for a in applications], batch_size=2000,
    )  # fmt: skip
    bilans = Bilan.objects.bulk_create(
        [Bilan(application=a, period_start=datetime.date(2022, 1, 1), period_end=datetime.date(2022, 12, 31),
               due_on=datetime.date(2023, 6, 30)) for a in applications], batch_size=2000,
    )  # fmt: skip
    touched = Indicator.objects.get(code="personnes_touchees", epci__isnull=True)
    Obligation.objects.bulk_create([Obligation(bilan=b, indicator=touched) for b in bilans], batch_size=5000)
    return applications


def write_file(path: str, applications: list, rows: int, rng: random.Random) -> Decimal:
    """The CSV to import; returns the sum of its values."""
    total = Decimal(0)
    months = [datetime.date(2022 + m // 12, m % 12 + 1, 1) for m in range(59)]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        handle.write("Indicateur;N° de demande;Début de période;Fin de période;Valeur;Femmes;Hommes\n")
        for index in range(rows):
            application = applications[index % len(applications)]
            start = months[(index // len(applications)) % len(months)]
            end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
                days=1
            )
            value = rng.randrange(10, 2500)
            women = rng.randrange(0, value + 1)
            total += value
            french = f"{value:,}".replace(",", " ")  # « 1 234 »
            handle.write(
                f"personnes_touchees;{application.pk};{start:%d/%m/%Y};{end:%d/%m/%Y};{french};{women};{value - women}\n"
            )
    return total


def main():
    args = parse_args()
    folder = tempfile.mkdtemp(prefix="cooperer-bench-import-measurements-")
    os.environ["COOPERER_VAR_DIR"] = folder
    os.environ["DJANGO_SETTINGS_MODULE"] = "cooperer.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cooperer.measurement import uploads
    from cooperer.measurement.enums import MeasurementSource
    from cooperer.measurement.models import Measurement, Rollup

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    applications = build(args.applications)
    path = os.path.join(folder, "mesures.csv")
    expected = write_file(path, applications, args.rows, random.Random(args.seed))
    figures = {
        "engine": connection.vendor, "rows": args.rows, "applications": args.applications,
        "file_mb": round(os.path.getsize(path) / 1024 / 1024, 1), "generation_s": round(time.perf_counter() - began, 1),
    }  # fmt: skip
    log(f"fichier de {args.rows} lignes écrit ({figures['file_mb']} Mo)")
    began = time.perf_counter()
    result = uploads.preview(path, uploader=uploads.Uploader())
    figures["preview_s"] = round(time.perf_counter() - began, 1)
    log(f"aperçu : {figures['preview_s']} s, {len(result.errors)} erreur(s)")
    middle = time.perf_counter()
    written = uploads.commit(result, source=MeasurementSource.COMMAND)
    figures["commit_s"] = round(time.perf_counter() - middle, 1)
    figures["total_s"] = round(time.perf_counter() - began, 1)
    figures["target_s"] = 30
    contract_total = Rollup.objects.filter(scope__startswith="contract:").values_list("total", flat=True)
    try:
        uploads.preview(path, uploader=uploads.Uploader())
        refused_twice = False
    except uploads.UploadError:
        refused_twice = True
    figures["checks"] = {
        "errors": len(result.errors), "created": written["créées"],
        "measurements": Measurement.objects.count(), "contract_total_matches": sum(contract_total) == expected,
        "same_file_refused": refused_twice,
    }  # fmt: skip
    print(json.dumps(figures, ensure_ascii=False))
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)


if __name__ == "__main__":
    main()
