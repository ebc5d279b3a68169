"""Benchmark of the import of structures from the documented CSV template.

Issue target: importing 100,000 rows with validation in ≤ 30 s, i.e. `importers.preview()` (read and check
every row, write nothing) plus `importers.commit()` (write everything in one transaction: structures, their
themes, publics and QPVs, then their search text).

What is measured, each phase with its wall time and its own peak RSS (VmHWM reset before each phase):
1. `preview()` of a file where 1 % of the rows carry one deliberate error each (fifteen kinds: empty name,
   SIRET key, SIRET twice, INSEE code shape, unknown commune, postcode instead of the INSEE code, RNA format,
   RNA of a local-law association, court register of a plain association, unknown and malformed QPV codes,
   unknown offer, unknown need, public-listing value, unknown legal form). The errors found must be exactly
   the ones planted: same count, same (line, column) pairs; each postcode must be explained as one.
2. `preview()` of the clean file (no error expected), then 3. `commit()` of that preview. `meets_target` is
   preview + commit ≤ 30 s. The search text stored by the commit must be what `refresh_search_text`
   computes: checked on a sample of 2,000 structures (recomputed, compared, rolled back).
4. (Not part of the target.) `preview()` of the same clean file again, once the 100,000 structures are in the
   directory: rows with a SIRET or RNA become updates, the others are compared by name with the structures of
   their commune (possible duplicates).
Writing the CSV files is not measured.

Database: a throw-away SQLite file in a temporary folder (COOPERER_VAR_DIR), or, when DATABASE_URL is set,
that database (PostgreSQL): it must be an empty scratch database; the script migrates it, refuses to run if
it already holds structures, users or territories, and empties it at the end (`flush`) unless --keep.

Run: .venv/bin/python bench/import_structures.py [--rows 100000] [--seed 42] [--no-reimport] [--keep]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/cooperer_bench_import .venv/bin/python bench/import_structures.py
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import csv
import json
import os
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 30
ERROR_SHARE = 0.01

DEPARTEMENTS = ["42", "69", "13", "59", "93", "67", "68", "57"]
LOCAL_LAW_DEPARTEMENTS = {"57", "67", "68"}
COMMUNE_WORDS = [
    "Saint-Étienne", "Saint-Chamond", "Saint-Genest", "Saint-Priest", "Sainte-Foy", "Villeneuve", "Roche",
    "Montbrison", "Firminy", "Châteauneuf", "Fontaine", "Vaulx", "Vénissieux", "Bron", "Givors", "Aubagne",
    "Roubaix", "Tourcoing", "Stains", "Épinay", "Illzach", "Wittenheim", "Schiltigheim", "Forbach", "Behren",
]  # fmt: skip
COMMUNE_SUFFIXES = ["", "-sur-Loire", "-en-Jarez", "-le-Château", "-les-Bains", "-la-Rivière", "-lès-Metz"]
NEIGHBOURHOODS = [
    "Crêt de Roc", "Montreynaud", "Tarentaize", "Beaubrun", "Soleil", "La Cotonne", "Les Tilleuls",
    "Les Étoiles", "Bel Air", "Les Minguettes", "La Duchère", "Les Coteaux", "Bourtzwiller", "Le Neuhof",
    "Hautepierre", "Wiesberg", "Borny", "La Castellane", "Frais Vallon", "Les Francs-Moisins",
]  # fmt: skip
# (opening words, what the file says in forme_juridique)
KINDS = [
    ("Association", "association"), ("Amicale laïque", "Association loi 1901"),
    ("Comité des fêtes", "association"), ("Épicerie solidaire", "Association"), ("Régie de quartier", "association"),
    ("Club de football", "association sportive"), ("Jardins partagés", "association"),
    ("Centre social", "centre social"), ("Maison des jeunes et de la culture", "MJC"),
    ("Collectif des habitants", "collectif d'habitants"), ("École élémentaire", "établissement scolaire"),
    ("Agence", "bailleur social"), ("Service jeunesse", "commune"), ("Fondation", "fondation"),
    ("Entreprise d'insertion", "entreprise"),
]  # fmt: skip
QUALIFIERS = ["", "", "des habitants", "des locataires", "pour l'insertion", "culturelle", "La Ruche", "Le Lien",
              "Horizon", "Passerelle", "Cœur de quartier", "des jeunes", "d'éducation populaire"]  # fmt: skip
KNOWN_THEMES = [
    "Jeunesse", "Sport", "Culture", "Éducation populaire", "Insertion professionnelle", "Emploi", "Santé",
    "Logement", "Cadre de vie", "Alimentation", "Numérique", "Parentalité", "Accès aux droits", "Citoyenneté",
    "Mobilité", "Soutien scolaire", "Seniors", "Handicap", "Médiation", "Loisirs",
]  # fmt: skip
# How files write them: other case, no accents; plus themes unknown to the directory (created at commit).
FILE_THEMES = [*KNOWN_THEMES, "jeunesse", "SPORT", "education populaire", "sante", "Théâtre", "Musique",
               "Jardinage", "Transition écologique", "Lutte contre l'illettrisme"]  # fmt: skip
KNOWN_PUBLICS = ["11-17 ans", "Familles", "Femmes", "Seniors", "Habitants des QPV", "Demandeurs d'emploi"]
FILE_PUBLICS = [*KNOWN_PUBLICS, "familles", "habitants des qpv", "Enfants (6-11 ans)", "Jeunes adultes"]
# "Réseau, mise en relation" is a documented label, but its comma splits it in a comma-separated cell.
RESOURCE_TEXTS = ["locaux", "bénévoles", "Compétences", "financement", "matériel", "réseau", "accès aux publics",
                  "competences"]  # fmt: skip
STREETS = ["de la République", "Victor Hugo", "Jean Jaurès", "des Écoles", "du 8 Mai 1945", "Pasteur"]


def log(message: str) -> None:
    print(f"[bench import_structures] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Mesure l'import de structures (aperçu et écriture).")
    parser.add_argument("--rows", type=int, default=100_000, help="lignes du fichier (défaut 100 000)")
    parser.add_argument("--seed", type=int, default=42, help="graine du générateur aléatoire")
    parser.add_argument(
        "--no-reimport", action="store_true", help="ne pas mesurer le second aperçu (annuaire rempli)"
    )
    parser.add_argument("--keep", action="store_true", help="garder le dossier temporaire et la base")
    args = parser.parse_args()
    if args.rows < 200:
        parser.error("--rows doit valoir au moins 200.")
    return args


def setup_django(var_dir: str) -> None:
    os.environ["COOPERER_VAR_DIR"] = var_dir  # the SQLite file goes there unless DATABASE_URL is set
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cooperer.settings.test")
    import django

    django.setup()


def check_empty_database() -> None:
    from cooperer.accounts.models import User
    from cooperer.actors.models import Structure
    from cooperer.territories.models import Commune, Epci

    if any(model.objects.exists() for model in (Structure, User, Commune, Epci)):
        print(
            "La base indiquée par DATABASE_URL contient déjà des données (structures, comptes ou territoires) : "
            "pointez-la vers une base jetable vide (par exemple CREATE DATABASE cooperer_bench).",
            file=sys.stderr,
        )
        sys.exit(2)


# --- Peak memory of one phase ------------------------------------------------------------------------


def reset_peak_rss() -> bool:
    """Linux: writing 5 to clear_refs resets VmHWM, so that each phase reports its own peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    peak = _status_mb("VmHWM:")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    return _status_mb("VmRSS:") or 0.0


CPU_S: dict[str, float] = {}


def timed(label: str, function, *args):
    """(value, seconds, peak RSS of the phase in MB, RSS at its start in MB). Memory that Python kept from
    earlier phases counts in the peak: the start figure tells how much of it was already there. The
    process's CPU time goes to CPU_S[label]: on a machine shared with other jobs, wall time varies more
    (PostgreSQL's own work runs in its server processes and is not in it)."""
    reset_peak_rss()
    start_rss = rss_mb()
    began, began_cpu = time.perf_counter(), time.process_time()
    value = function(*args)
    elapsed = time.perf_counter() - began
    CPU_S[label] = round(time.process_time() - began_cpu, 2)
    peak = peak_rss_mb()
    log(
        f"  {label} : {elapsed:.2f} s (processeur {CPU_S[label]:.2f} s), mémoire {start_rss:.0f} Mo au début, "
        f"pic {peak:.0f} Mo"
    )
    return value, round(elapsed, 2), round(peak, 1), round(start_rss, 1)


# --- Reference data and files ------------------------------------------------------------------------


def luhn_digit(partial: str) -> str:
    """The digit that makes `partial + digit` pass the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(partial)):
        digit = int(char) * (2 if position % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return str((10 - total % 10) % 10)


def siret_number(index: int) -> str:
    base = str(40_000_000 + index * 7)
    siren = base + luhn_digit(base)
    nic = f"{index % 10_000:04d}"
    return siren + nic + luhn_digit(siren + nic)


def create_reference(rng: random.Random) -> tuple[list[str], dict[str, list[str]]]:
    """Communes (in Alsace-Moselle too), their EPCIs and QPVs, and part of the themes and publics."""
    from cooperer.actors.models import Public, Theme
    from cooperer.core.text import fold
    from cooperer.territories.models import Commune, Departement, Epci, Qpv

    departements = Departement.objects.bulk_create(
        [Departement(code=code, name=f"Département {code}", search_text=code) for code in DEPARTEMENTS]
    )
    epcis = []
    for index, code in enumerate(DEPARTEMENTS):
        base = str(20_000_000 + index * 13)
        name = f"Intercommunalité {code}"
        epcis.append(Epci(siren=base + luhn_digit(base), name=name, search_text=fold(name)))
    epcis = Epci.objects.bulk_create(epcis)
    names = sorted({word + suffix for word in COMMUNE_WORDS for suffix in COMMUNE_SUFFIXES})
    rng.shuffle(names)
    communes = []
    for index, name in enumerate(names[:160]):
        slot = index % len(DEPARTEMENTS)
        code = f"{DEPARTEMENTS[slot]}{100 + index // len(DEPARTEMENTS):03d}"
        communes.append(
            Commune(
                insee_code=code,
                name=name,
                departement=departements[slot],
                epci=epcis[slot],
                search_text=fold(name),
            )
        )
    communes = Commune.objects.bulk_create(communes)
    qpvs, qpv_codes = [], {}
    for index, commune in enumerate(communes[:48]):
        for number in range(2):
            code = f"QN{commune.insee_code[:2].zfill(3)}{index // len(DEPARTEMENTS) * 2 + number + 1:02d}M"
            name = NEIGHBOURHOODS[(index * 2 + number) % len(NEIGHBOURHOODS)]
            qpvs.append(Qpv(code=code, name=name, generation=2024, search_text=fold(f"{name} {code}")))
            qpv_codes.setdefault(commune.insee_code, []).append(code)
    Qpv.objects.bulk_create(qpvs)
    Theme.objects.bulk_create([Theme(name=name) for name in KNOWN_THEMES])
    Public.objects.bulk_create([Public(name=name) for name in KNOWN_PUBLICS])
    return [c.insee_code for c in communes], qpv_codes


class Rows:
    """Rows of the documented template (importers.TEMPLATE_COLUMNS), as dicts."""

    def __init__(self, rng: random.Random, communes: list[str], qpv_codes: dict[str, list[str]]):
        self.rng = rng
        self.communes = communes
        self.weights = [rng.paretovariate(1.2) for _ in communes]
        self.qpv_codes = qpv_codes
        self.serial = 0

    def new_siret(self) -> str:
        self.serial += 1
        return siret_number(self.serial)

    def new_rna(self) -> str:
        self.serial += 1
        return f"W{100_000_000 + self.serial}"

    def clean(self) -> dict:
        rng = self.rng
        commune = rng.choices(self.communes, weights=self.weights)[0]
        kind, form = rng.choice(KINDS)
        local_law = commune[:2] in LOCAL_LAW_DEPARTEMENTS and form.lower().startswith("association")
        if local_law and rng.random() < 0.7:
            form = "association de droit local"
        is_association = form.lower().startswith("association") and not form.endswith("droit local")
        place = rng.choice(NEIGHBOURHOODS)
        name = " ".join(part for part in (kind, rng.choice(QUALIFIERS), "de", place) if part)
        qpvs = self.qpv_codes.get(commune, [])
        return {
            "nom": name,
            "sigle": "".join(rng.choice("ABCDEFGHIJLMNOPRST") for _ in range(3))
            if rng.random() < 0.3
            else "",
            "forme_juridique": form,
            "siret": self.new_siret() if rng.random() < 0.7 else "",
            "rna": self.new_rna() if is_association and rng.random() < 0.6 else "",
            "registre_tribunal": f"TJ de Strasbourg, vol. {rng.randint(1, 90)}, folio {rng.randint(1, 400)}"
            if form.endswith("droit local")
            else "",
            "code_insee_commune": commune,
            "adresse": f"{rng.randint(1, 120)} rue {rng.choice(STREETS)}",
            "thematiques": ", ".join(rng.sample(FILE_THEMES, k=rng.randint(1, 3))),
            "publics": " | ".join(rng.sample(FILE_PUBLICS, k=rng.randint(0, 2))),
            "qpv": rng.choice(qpvs) if qpvs and rng.random() < 0.5 else "",
            "offre": ", ".join(rng.sample(RESOURCE_TEXTS, k=rng.randint(0, 2))),
            "besoins": ", ".join(rng.sample(RESOURCE_TEXTS, k=rng.randint(0, 2))),
            "site_web": f"www.structure-{self.serial}.fr" if rng.random() < 0.3 else "",
            "description": "Accueil, animations et accompagnement ; fiche fictive générée pour la mesure.",
            "annuaire_public": rng.choice(["oui", "non", "", "Oui"]),
        }

    def plain(self) -> dict:
        """A clean plain association with a SIRET and an RNA, the base of a row with one planted error."""
        row = self.clean()
        row.update(
            forme_juridique="association",
            siret=self.new_siret(),
            rna=self.new_rna(),
            registre_tribunal="",
            code_insee_commune=self.communes[0],
            qpv="",
        )
        return row


def plant_error(kind: int, row: dict, rows: Rows, earlier_siret: str) -> str:
    """Give `row` exactly one error; return the template column the importer must report."""
    match kind:
        case 0:
            row["nom"] = "   "
            return "nom"
        case 1:
            siret = row["siret"]
            row["siret"] = siret[:-1] + str((int(siret[-1]) + 1) % 10)  # Luhn key broken
            return "siret"
        case 2:
            row["siret"] = earlier_siret  # already on a clean line above
            return "siret"
        case 3:
            row["code_insee_commune"] = "4218"  # a lost leading zero, or a postcode cut short
            return "code_insee_commune"
        case 4:
            row["code_insee_commune"] = "75056"  # well formed, not imported
            return "code_insee_commune"
        case 5:
            row["rna"] = "W12-AB"
            return "rna"
        case 6:
            row["forme_juridique"] = "association de droit local"  # with an RNA: refused
            return "rna"
        case 7:
            row["registre_tribunal"] = "TJ de Metz, vol. 3, folio 12"  # plain association: refused
            return "registre_tribunal"
        case 8:
            row["qpv"] = "QN99999M"
            return "qpv"
        case 9:
            row["qpv"] = "QX-12"
            return "qpv"
        case 10:
            row["offre"] = "locaux, licornes"
            return "offre"
        case 11:
            row["besoins"] = "un peu de tout"
            return "besoins"
        case 12:
            row["annuaire_public"] = "peut-être"
            return "annuaire_public"
        case 13:
            row["forme_juridique"] = "groupement mystère"
            return "forme_juridique"
        case _:
            row["code_insee_commune"] = row["code_insee_commune"][:2] + "000"  # a main town's postcode
            return "code_insee_commune"


ERROR_KINDS = 15
POSTCODE_KIND = 14
POSTCODE_MESSAGE = "ressemble à un code postal"
SEARCH_TEXT_SAMPLE = 2000


def write_files(folder: Path, count: int, rows: Rows, rng: random.Random) -> tuple[Path, Path, set]:
    """The clean file, and the same file where 1 % of the rows (never the first 100) carry one error."""
    from cooperer.actors.importers import TEMPLATE_COLUMNS

    clean = [rows.clean() for _ in range(count)]
    planted = sorted(rng.sample(range(100, count), k=max(int(count * ERROR_SHARE), 1)))
    with_errors = list(clean)
    expected = set()
    planted_set = set(planted)
    for number, index in enumerate(planted):
        row = rows.plain()
        earlier = next(
            clean[i]["siret"] for i in range(index - 1, -1, -1) if clean[i]["siret"] and i not in planted_set
        )
        column = plant_error(number % ERROR_KINDS, row, rows, earlier)
        with_errors[index] = row
        expected.add((index + 2, column))  # the header is line 1
    paths = []
    for name, table in (("structures.csv", clean), ("structures_erreurs.csv", with_errors)):
        path = folder / name
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(TEMPLATE_COLUMNS)
            writer.writerows([row[column] for column in TEMPLATE_COLUMNS] for row in table)
        paths.append(path)
    return paths[0], paths[1], expected


def check_search_text(seed: int) -> dict:
    """Recompute the search text of a sample with `refresh_search_text`, compare, roll back."""
    from django.db import transaction

    from cooperer.actors.models import Structure
    from cooperer.actors.services import refresh_search_text

    ids = list(Structure.objects.values_list("pk", flat=True))
    sample = sorted(random.Random(seed).sample(ids, min(SEARCH_TEXT_SAMPLE, len(ids))))
    stored = dict(Structure.objects.filter(pk__in=sample).values_list("pk", "search_text"))
    with transaction.atomic():
        Structure.objects.filter(pk__in=sample).update(search_text="")
        refresh_search_text(sample)
        recomputed = dict(Structure.objects.filter(pk__in=sample).values_list("pk", "search_text"))
        transaction.set_rollback(True)
    different = [pk for pk in sample if stored[pk] != recomputed[pk]]
    return {
        "sample": len(sample),
        "identical": len(sample) - len(different),
        "first_difference": [stored[different[0]], recomputed[different[0]]] if different else None,
    }


def main() -> None:
    args = parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cooperer-bench-import-"))
    uses_database_url = bool(os.environ.get("DATABASE_URL"))
    setup_django(str(folder))

    from django.core.management import call_command
    from django.db import connection

    from cooperer.actors import importers
    from cooperer.actors.models import Public, Structure, Theme

    may_flush = False
    try:
        log(f"base : {connection.vendor} ({'DATABASE_URL' if uses_database_url else folder})")
        call_command("migrate", verbosity=0, interactive=False)
        if uses_database_url:
            check_empty_database()
            may_flush = not args.keep  # a database that held data before is never flushed
        rng = random.Random(args.seed)
        load_at_start = round(os.getloadavg()[0], 2)
        communes, qpv_codes = create_reference(rng)
        log(f"écriture de {args.rows} lignes (fichier propre et fichier avec 1 % d'erreurs)")
        clean_path, errors_path, expected = write_files(
            folder, args.rows, Rows(rng, communes, qpv_codes), rng
        )

        log("1. aperçu du fichier avec erreurs")
        flawed, errors_preview_s, errors_preview_rss, _ = timed(
            "aperçu (erreurs)", importers.preview, str(errors_path)
        )
        found = {(error.line, error.column) for error in flawed.errors}
        errors_found = len(flawed.errors)
        postcodes_explained = sum(POSTCODE_MESSAGE in error.message for error in flawed.errors)
        missed = sorted(expected - found)[:10]
        unexpected = sorted(found - expected)[:10]
        del flawed

        log("2. aperçu du fichier propre")
        clean, preview_s, preview_rss, preview_start_rss = timed("aperçu", importers.preview, str(clean_path))
        if clean.errors:
            raise SystemExit(f"Le fichier propre a {len(clean.errors)} erreur(s) : {clean.errors[:5]}")
        summary = {"rows": len(clean.rows), "creates": clean.creates, "updates": clean.updates,
                   "warnings": len(clean.warnings), "new_themes": len(clean.new_themes),
                   "new_publics": len(clean.new_publics)}  # fmt: skip

        log("3. écriture (commit)")
        written, commit_s, commit_rss, commit_start_rss = timed("écriture", importers.commit, clean)
        del clean
        stored = {
            "structures": Structure.objects.count(),
            "with_search_text": Structure.objects.exclude(search_text="").count(),
            "theme_links": Structure.themes.through.objects.count(),
            "public_links": Structure.publics.through.objects.count(),
            "qpv_links": Structure.qpvs.through.objects.count(),
            "themes": Theme.objects.count(),
            "publics": Public.objects.count(),
        }
        log("contrôle du texte de recherche (échantillon recalculé par refresh_search_text)")
        search_text_check = check_search_text(args.seed)

        reimport = None
        if not args.no_reimport:
            log("4. nouvel aperçu du même fichier, annuaire rempli (hors objectif)")
            again, again_s, again_rss, again_start_rss = timed(
                "aperçu (réimport)", importers.preview, str(clean_path)
            )
            reimport = {
                "preview_s": again_s,
                "cpu_s": CPU_S["aperçu (réimport)"],
                "peak_rss_mb": again_rss,
                "rss_at_start_mb": again_start_rss,
                "creates": again.creates,
                "updates": again.updates,
                "duplicate_warnings": sum(1 for w in again.warnings if "doublon possible" in w),
            }

        total = preview_s + commit_s
        result = {
            "bench": "import_structures",
            "rows": args.rows,
            "database": connection.vendor,
            "file_mb": round(clean_path.stat().st_size / 1024 / 1024, 1),
            "preview_s": preview_s,
            "commit_s": commit_s,
            "preview_plus_commit_s": round(total, 2),
            "preview_cpu_s": CPU_S["aperçu"],
            "commit_cpu_s": CPU_S["écriture"],
            "load_avg_1m": [load_at_start, round(os.getloadavg()[0], 2)],
            "rows_per_s": round(args.rows / total) if total else None,
            "preview_peak_rss_mb": preview_rss,
            "commit_peak_rss_mb": commit_rss,
            "preview_rss_at_start_mb": preview_start_rss,
            "commit_rss_at_start_mb": commit_start_rss,
            "peak_rss_per_phase": reset_peak_rss(),
            "preview_summary": summary,
            "written": written,
            "stored": stored,
            "errors_preview_s": errors_preview_s,
            "errors_preview_peak_rss_mb": errors_preview_rss,
            "errors_planted": len(expected),
            "errors_found": errors_found,
            "errors_match": errors_found == len(expected) and not missed and not unexpected,
            "errors_missed": missed,
            "errors_unexpected": unexpected,
            "postcode_errors_planted": sum(
                1 for number in range(len(expected)) if number % ERROR_KINDS == POSTCODE_KIND
            ),
            "postcode_errors_explained": postcodes_explained,
            "search_text_check": search_text_check,
            "reimport": reimport,
            "target_s": TARGET_S,
            "meets_target": total <= TARGET_S,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "seed": args.seed,
        }
        print(json.dumps(result, ensure_ascii=False))
    finally:
        if may_flush:
            log("vidage de la base DATABASE_URL (flush)")
            call_command("flush", interactive=False, verbosity=0)
        connection.close()
        if args.keep:
            log(f"dossier gardé : {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
