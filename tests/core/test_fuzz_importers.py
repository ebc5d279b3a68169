"""Mutated files fed to the importers (docs/importers.md): whatever the bytes, each importer answers with its own
French error or a result — never a traceback, never a hang, never a partial write.

The real files of ../shared/data (prefixes of the large ones) are broken in 45 ways each (tests/core/mutations.py)
when the folder is there; a smaller set built in code runs always."""

import gzip
import json
import signal
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from cooperer.actors import importers as structures
from cooperer.actors.models import Public, Structure, Theme
from cooperer.calls.models import ExternalGrant
from cooperer.calls.opendata import import_file
from cooperer.consultations import importers as contributions
from cooperer.consultations.models import Contribution
from cooperer.measurement import importers as context
from cooperer.measurement import uploads
from cooperer.measurement.models import Indicator, Measurement, Rollup, UploadBatch
from cooperer.territories.importers import ReferenceImportError, import_reference
from cooperer.territories.models import Commune, Departement, Epci, Qpv, Region
from tests.core.mutations import MUTATIONS, mutated

pytestmark = [pytest.mark.django_db]

SEED = 20261203
SECONDS_PER_FILE = 10  # a hang, not a slow file: the slowest mutated file reads in well under a second
KEPT_LINES = 40  # prefixes of the large real files keep the run short
TERRITORY_QPVS = ("QN04215M", "QN04214M", "QN04222N", "QN06803M")


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


READ, REFUSED = "lu", "refusé"


def counts(*models) -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in models}


class Fuzz:
    """Feeds mutated files to one importer; collects what went wrong instead of stopping at the first file."""

    def __init__(self, tmp_path: Path, run: Callable[[str, str], str]):
        self.tmp_path, self.run = tmp_path, run
        self.files = 0
        self.failures: list[str] = []
        self.outcomes: Counter[str] = Counter()

    def feed(self, name: str, data: bytes, only: list[str] | None = None) -> None:
        for label, file_name, mutated_data in mutated(name, data, SEED, only):
            self.files += 1
            path = self.tmp_path / f"{self.files:04d}-{file_name}"
            path.write_bytes(mutated_data)
            previous = signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, SECONDS_PER_FILE)
            started = time.perf_counter()
            try:
                self.outcomes[self.run(str(path), file_name)] += 1
            except Hang:
                self.failures.append(f"{name} / {label} : plus de {SECONDS_PER_FILE} s")
            except AssertionError as exc:
                self.failures.append(f"{name} / {label} : {exc}")
            except (
                Exception
            ) as exc:  # the point of the test: any other exception is a traceback shown to people
                self.failures.append(f"{name} / {label} : {exc.__class__.__name__}: {str(exc)[:200]}")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
            assert time.perf_counter() - started < SECONDS_PER_FILE
            path.unlink()

    def check(self, minimum: int) -> None:
        """No failure, enough files, and both outcomes: the mutations reach the importers' checks and beyond."""
        assert self.failures == []
        assert self.files >= minimum
        assert self.outcomes[READ] and self.outcomes[REFUSED], self.outcomes


# --- what each importer is asked, and what it may answer -------------------------------------------------------


def run_reference(path: str, name: str) -> str:
    models = (Region, Departement, Epci, Commune, Qpv)
    before = counts(*models)
    try:
        import_reference(path)
    except ReferenceImportError as exc:
        assert str(exc), "refus sans message"
        assert counts(*models) == before, "écriture partielle"
        return REFUSED
    return READ


def preview_then_commit(preview: Callable[[], object], commit: Callable, refusal: type, models: tuple) -> str:
    """The two steps of an import: the preview writes nothing, and a refused preview or commit neither."""
    before = counts(*models)
    try:
        result = preview()
        assert counts(*models) == before, "l'aperçu a écrit"
        commit(result)
    except refusal:
        assert counts(*models) == before, "écriture partielle"
        return REFUSED
    return READ


def run_structures(path: str, name: str) -> str:
    refusal = structures.StructureImportError
    return preview_then_commit(
        lambda: structures.preview(path), structures.commit, refusal, (Structure, Theme, Public)
    )


def run_scdl(path: str, name: str) -> str:
    before = ExternalGrant.objects.count()
    result = import_file(Path(path).read_bytes(), name)
    if result.unusable:
        assert ExternalGrant.objects.count() == before, "écriture partielle"
        return REFUSED
    assert ExternalGrant.objects.filter(source=name).count() == result.read
    return READ


MEASUREMENT_MODELS = (Measurement, Rollup, UploadBatch, Indicator)


def run_context(path: str, name: str) -> str:
    refusal = context.ContextImportError
    return preview_then_commit(
        lambda: context.preview(path, year=2020), context.commit, refusal, MEASUREMENT_MODELS
    )


def run_uploads(path: str, name: str) -> str:
    def preview():
        return uploads.preview(path, uploader=uploads.Uploader())

    return preview_then_commit(preview, uploads.commit, uploads.UploadError, MEASUREMENT_MODELS)


# --- the real files ----------------------------------------------------------------------------------------------


def head(path: Path, lines: int = KEPT_LINES, keep=()) -> bytes:
    """The header and first lines of a CSV, plus the lines that mention one of `keep`."""
    text = path.read_text(encoding="utf-8-sig").splitlines()
    kept = text[: lines + 1] + [line for line in text[lines + 1 :] if any(word in line for word in keep)]
    return ("\n".join(kept) + "\n").encode("utf-8")


def first_records(path: Path, count: int, key: str | None = None) -> bytes:
    """A JSON file cut to its first records (of the top-level list, or of the list under `key`)."""
    raw = path.read_bytes()
    document = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    if key is None:
        document = document[:count]
    else:
        document[key] = document[key][:count]
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


@pytest.mark.realdata
def test_mutated_reference_files_never_crash(shared_data, tmp_path):
    fuzz = Fuzz(tmp_path, run_reference)
    fuzz.feed("qpv2024_liste_nationale.csv", head(shared_data / "qpv" / "qpv2024_liste_nationale.csv"))
    fuzz.feed("communes_42_68_centroids.csv", head(shared_data / "communes" / "communes_42_68_centroids.csv"))
    api = shared_data / "communes" / "ds_api_geo"
    fuzz.feed("communes-42.json", first_records(api / "communes-42.json", 30))
    fuzz.feed("epcis-42.json", (api / "epcis-42.json").read_bytes())
    fuzz.feed("departements.json", (api / "departements.json").read_bytes())
    fuzz.feed(
        "qpv2024_42_68.geojson", first_records(shared_data / "qpv" / "qpv2024_42_68.geojson", 3, "features")
    )
    compact = first_records(shared_data / "qpv" / "qpv2024_contours_simplified.json.gz", 3, "qpvs")
    fuzz.feed("qpv2024_contours.json", compact)
    fuzz.check(minimum=7 * len(MUTATIONS))


def as_template(associations: Path) -> bytes:
    """The real associations of the Loire and the Haut-Rhin in the structures template."""
    lines = associations.read_text(encoding="utf-8").splitlines()[1 : KEPT_LINES + 1]
    rows = ["nom;forme_juridique;siret;code_insee_commune;thematiques;description"]
    for line in lines:
        siren, name, imputation, total, detail, departement = (line.split(";") + [""] * 6)[:6]
        commune = "42218" if departement == "42" else "68224"
        rows.append(f"{name};association;{siren}00012;{commune};{imputation};{total} {detail}")
    return ("\n".join(rows) + "\n").encode("utf-8")


@pytest.mark.realdata
def test_mutated_structure_files_never_crash(shared_data, territory, tmp_path):
    fuzz = Fuzz(tmp_path, run_structures)
    associations = shared_data / "associations" / "jaune2010_associations_dep42_68_utf8.csv"
    fuzz.feed("jaune2010_associations.csv", head(associations))
    fuzz.feed("structures.csv", as_template(associations))
    anct = shared_data / "subventions" / "anct_ci_ville"
    fuzz.feed("adulte-relais-2023.json", first_records(anct / "adulte-relais-2023.json", 30))
    fuzz.feed("postes-fonjep-2023.json", first_records(anct / "postes-fonjep-2023.json", 30))
    fuzz.check(minimum=4 * len(MUTATIONS))


@pytest.mark.realdata
def test_mutated_scdl_publications_never_crash(shared_data, tmp_path):
    fuzz = Fuzz(tmp_path, run_scdl)
    folder = shared_data / "subventions"
    for path in (
        folder / "scdl_publications" / "CD49_conventions_subventions_scdl.csv",
        folder / "scdl_schema" / "exemple_valide.csv",
        folder / "scdl_schema" / "exemple_invalide_erreurs_cellules.csv",
    ):
        fuzz.feed(path.name, path.read_bytes())
    cd85 = folder / "scdl_publications" / "CD85_2018_subventions_conventions.csv"
    fuzz.feed(cd85.name, b"\n".join(cd85.read_bytes().split(b"\n")[: KEPT_LINES + 1]))
    fuzz.check(minimum=4 * len(MUTATIONS))


def as_measurements(table: bytes) -> bytes:
    """The real poverty rates and populations of the table, as a long file of measurements."""
    lines = table.decode("utf-8").splitlines()
    header = lines[0].split(",")
    code, population, poverty = (
        header.index(name) for name in ("codeQPV", "popMuniQPV", "taux_pauvrete_60%")
    )
    rows = ["indicateur;qpv;debut;fin;valeur"]
    for line in lines[1:]:
        cells = line.split(",")
        rows.append(f"population;{cells[code]};2020-01-01;2020-12-31;{cells[population]}")
        rows.append(f"taux_pauvrete;{cells[code]};01/01/2020;31/12/2020;{cells[poverty]}")
    return ("\n".join(rows) + "\n").encode("utf-8")


@pytest.mark.realdata
def test_mutated_context_tables_and_measurement_files_never_crash(
    shared_data, territory, indicators, tmp_path
):
    table = head(shared_data / context.DEMO_FILE, lines=0, keep=TERRITORY_QPVS)
    fuzz = Fuzz(tmp_path, run_context)
    fuzz.feed("analyse_qpv_2024.csv", table)
    fuzz.check(minimum=len(MUTATIONS))
    fuzz = Fuzz(tmp_path, run_uploads)
    fuzz.feed("mesures.csv", as_measurements(table))
    fuzz.check(minimum=len(MUTATIONS))


@pytest.mark.realdata
def test_mutated_contribution_files_never_crash(shared_data, sessions, users, tmp_path):
    session, user = sessions["habitants"], users["se_animator"]

    def run(path: str, name: str) -> str:
        def preview():
            return contributions.preview(path, session)

        def commit(result):
            return contributions.commit(result, user)

        return preview_then_commit(preview, commit, contributions.ContributionImportError, (Contribution,))

    fuzz = Fuzz(tmp_path, run)
    decidim = shared_data / "consultation" / "decidim_mel_granddebat"
    fuzz.feed("propositions-libres.csv", head(decidim / "propositions-libres.csv"))
    fuzz.feed("commentaires_debats.csv", head(decidim / "commentaires_debats.csv"))
    fuzz.check(minimum=2 * len(MUTATIONS))


# --- always: files built in code ---------------------------------------------------------------------------------

BUILT_SCDL = (
    "nomAttribuant;idAttribuant;dateConvention;referenceDecision;nomBeneficiaire;idBeneficiaire;objet;montant;"
    "nature;conditionsVersement;datesPeriodeVersement;notificationUE;pourcentageSubvention\n"
    "Ville de Saint-Étienne;21420218600017;2024-03-01;D-2024-12;Amicale du Soleil;73282932000074;"
    "Accueil de loisirs;12 500,00;aide en numéraire;unique;2024-04-01;non;1\n"
    "Ville de Saint-Étienne;21420218600017;2024-31-09;D-2024-13;Café des Énergies;73282932000074;"
    "Atelier;3000;aide en numéraire;échelonné;2024-04-01/2024-12-31;non;0.5\n"
)
SOME = [label for label, _suffix, _mutation in MUTATIONS][::3]  # 15 of the 45 mutations


def test_mutated_built_files_never_crash(territory, indicators, tmp_path):
    reference = Fuzz(tmp_path, run_reference)
    reference.feed(
        "qpv.csv", "code_qp;lib_qp;insee_com;lib_com\nQN04215M;Sud-Est;42218;Saint-Étienne\n".encode(), SOME
    )
    reference.feed(
        "epci.json", json.dumps([{"code": "244200770", "nom": "Saint-Étienne Métropole"}]).encode(), SOME
    )
    directory = Fuzz(tmp_path, run_structures)
    directory.feed("structures.csv", b"nom;siret;code_insee_commune\nAmicale;73282932000074;42218\n", SOME)
    scdl = Fuzz(tmp_path, run_scdl)
    scdl.feed("subventions.csv", BUILT_SCDL.encode(), SOME)
    measurements = Fuzz(tmp_path, run_uploads)
    measurements.feed(
        "mesures.csv",
        b"indicateur;qpv;debut;fin;valeur\npopulation;QN04215M;2020-01-01;2020-12-31;4 500\n",
        SOME,
    )
    for fuzz in (reference, directory, scdl, measurements):
        fuzz.check(minimum=len(SOME))
