"""Benchmark of the directory of structures: list, filters and search, server-side.

Issue target: directory list and search at 50,000 structures and 200,000 cooperation links with a p95
≤ 100 ms server-side, and a number of SQL queries that does not grow with the data.

What is measured: `django.test.Client.get()` on `actors:directory`, i.e. the whole server-side path run
in-process (middleware, session and user lookup, form, queries, template rendering), without network or
browser. Each case is requested once with `CaptureQueriesContext` (query count, SQL time; it also warms the
template cache), then `--repeat` times without it for the wall times. The same cases are first measured at a
tenth of the data (5,000 structures, 20,000 links by default) to show that the query count stays the same.
Generating the data is timed apart and not part of the figures.

Database: a throw-away SQLite file in a temporary folder (COOPERER_VAR_DIR), or, when DATABASE_URL is set,
that database (PostgreSQL): it must be an empty scratch database; the script migrates it, refuses to run if
it already holds structures, users or territories, and empties it at the end (`flush`) unless --keep.

Run: .venv/bin/python bench/directory.py [--structures 50000] [--links 200000] [--repeat 30] [--seed 42]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/cooperer_bench .venv/bin/python bench/directory.py
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import datetime
import functools
import json
import os
import platform
import random
import re
import shutil
import sys
import tempfile
import time

TARGET_MS = 100
SMALL_SHARE = 10  # the first measurement is at structures // SMALL_SHARE
MERGED_SHARE = 0.005  # structures merged into another (hidden from the directory)

DEPARTEMENTS = ["42", "69", "13", "59", "93", "68", "67", "2A"]
EPCI_NAMES = [
    "Saint-Étienne Métropole",
    "Métropole de Lyon",
    "Aix-Marseille-Provence",
    "Métropole Européenne de Lille",
    "Plaine Commune",
    "Mulhouse Alsace Agglomération",
    "Eurométropole de Strasbourg",
    "CA du Pays Ajaccien",
]
COMMUNE_FIRST = [
    "Saint-Étienne", "Saint-Chamond", "Saint-Genest", "Saint-Priest", "Sainte-Foy", "Saint-Just",
    "Saint-Héand", "Sainte-Croix", "Villeneuve", "Villefranche", "Roche", "Montbrison", "Rive", "Firminy",
    "Bourg", "Châteauneuf", "Pont", "Fontaine", "Bois", "Champagne", "Vaulx", "Vénissieux", "Bron",
    "Givors", "Rillieux", "Oullins", "Aubagne", "Vitrolles", "Roubaix", "Tourcoing", "Wattrelos",
    "Stains", "Pierrefitte", "Épinay", "Illzach", "Wittenheim", "Schiltigheim", "Bischheim", "Porto",
]  # fmt: skip
COMMUNE_SECOND = [
    "", "-sur-Loire", "-en-Jarez", "-le-Château", "-les-Bains", "-la-Rivière", "-d'Azergues", "-du-Rhône",
    "-sur-Seine", "-en-Forez", "-lès-Lyon", "-le-Haut",
]  # fmt: skip
NEIGHBOURHOODS = [
    "Crêt de Roc", "Montreynaud", "Tarentaize", "Beaubrun", "Soleil", "La Cotonne", "Les Tilleuls",
    "Le Vieux Moulin", "Les Étoiles", "La Rivière", "Bel Air", "Les Minguettes", "La Duchère", "Le Mas du Taureau",
    "Les Coteaux", "Bourtzwiller", "Le Neuhof", "Hautepierre", "Les Aubiers", "Le Pile", "L'Alma",
    "Les Francs-Moisins", "Saint-Rambert", "Les Quartiers Nord", "La Castellane", "Frais Vallon",
    "Les Salins", "Le Bois l'Abbé", "La Grande Borne", "Les Pyramides", "Le Chêne Pointu", "La Noé",
    "Terraillon", "Les Buers", "La Sauvegarde", "Les Écrivains", "La Petite Hollande", "Le Grand Parc",
]  # fmt: skip
# (opening words, legal form)
KINDS = [
    ("Association", "association"), ("Amicale laïque", "association"), ("Comité des fêtes", "association"),
    ("Association sportive", "association"), ("Club de football", "association"), ("Boxing club", "association"),
    ("Épicerie solidaire", "association"), ("Jardins partagés", "association"), ("Régie de quartier", "association"),
    ("Atelier vélo", "association"), ("Compagnie théâtrale", "association"), ("Ludothèque", "association"),
    ("Accorderie", "association"), ("Maison de quartier", "association"), ("Union des familles", "association"),
    ("Centre social", "centre_social"), ("Espace de vie sociale", "centre_social"), ("MJC", "mjc"),
    ("Maison des jeunes et de la culture", "mjc"), ("Collectif des habitants", "collectif_habitants"),
    ("Conseil citoyen", "collectif_habitants"), ("École élémentaire", "ecole"), ("Collège", "ecole"),
    ("Lycée professionnel", "ecole"), ("Agence", "bailleur"), ("Mairie annexe", "commune"),
    ("Service jeunesse", "commune"), ("Médiathèque", "commune"), ("Fondation", "fondation"),
    ("Entreprise d'insertion", "entreprise"), ("Antenne CAF", "caf"), ("Maison départementale", "departement"),
]  # fmt: skip
QUALIFIERS = [
    "", "", "", "des habitants", "des locataires", "des parents d'élèves", "pour l'insertion", "culturelle",
    "interculturelle", "sportive et culturelle", "de prévention", "des jeunes", "des femmes", "solidaire",
    "d'éducation populaire", "Les Amis", "L'Envol", "La Ruche", "Le Lien", "Trait d'union", "Horizon",
    "Arc-en-ciel", "Passerelle", "Cœur de quartier", "Main dans la main", "Les Petits Débrouillards",
]  # fmt: skip
ACRONYM_LETTERS = "ABCDEFGHIJLMNOPRSTV"
THEMES = [
    "Jeunesse", "Sport", "Culture", "Éducation populaire", "Insertion professionnelle", "Emploi", "Santé",
    "Logement", "Cadre de vie", "Alimentation", "Environnement", "Numérique", "Parentalité", "Petite enfance",
    "Accès aux droits", "Lutte contre les discriminations", "Égalité femmes-hommes", "Citoyenneté",
    "Tranquillité publique", "Prévention spécialisée", "Mobilité", "Apprentissage du français",
    "Soutien scolaire", "Accompagnement social", "Seniors", "Handicap", "Économie sociale et solidaire",
    "Commerce de proximité", "Mémoire et patrimoine", "Arts plastiques", "Musique", "Théâtre",
    "Lecture publique", "Jardinage", "Solidarité internationale", "Laïcité", "Médiation",
    "Participation des habitants", "Transition écologique", "Loisirs",
]  # fmt: skip
PUBLICS = [
    "Petite enfance (0-5 ans)", "Enfants (6-11 ans)", "11-17 ans", "Jeunes adultes (18-25 ans)", "Familles",
    "Femmes", "Seniors", "Personnes en situation de handicap", "Habitants des QPV", "Demandeurs d'emploi",
]  # fmt: skip
RESOURCES = ["competences", "locaux", "benevoles", "financement", "materiel", "reseau", "publics"]
LINK_KINDS = ["partenariat", "orientation", "cofinancement", "mutualisation", "reseau", "coportage"]
FIRST_DAY = datetime.date(2020, 1, 1)
LAST_DAY = datetime.date(2026, 12, 31)
SEARCHES = [
    ("mot_seul_theme", "jeunesse"),
    ("mot_seul_nom", "amicale"),
    ("lieu", "montreynaud"),
    ("deux_mots", "centre social"),
    ("deux_mots_lemmes", "jeunes sportifs"),
    ("accents_deux_mots", "épicerie solidaire"),
    ("accents_mot_vide", "Crêt de Roc"),
    ("accents_theme", "éducation populaire"),
    ("code_qpv", "{qpv}"),  # the code of the QPV with the most structures
    ("aucun_resultat", "xylophone quantique"),
]


def log(message: str) -> None:
    print(f"[bench directory] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Mesure l'annuaire des structures (liste, filtres, recherche)."
    )
    parser.add_argument("--structures", type=int, default=50_000, help="nombre de structures (défaut 50 000)")
    parser.add_argument("--links", type=int, default=200_000, help="liens de coopération (défaut 200 000)")
    parser.add_argument("--repeat", type=int, default=30, help="requêtes mesurées par cas (défaut 30)")
    parser.add_argument("--seed", type=int, default=42, help="graine du générateur aléatoire")
    parser.add_argument(
        "--contour-kb",
        type=int,
        default=0,
        help="remplir le contour GeoJSON de chaque commune avec environ N Ko (défaut 0 : pas de contour)",
    )
    parser.add_argument("--keep", action="store_true", help="garder la base (SQLite : le dossier temporaire)")
    args = parser.parse_args()
    if args.structures < 2 * SMALL_SHARE or args.links < 0 or args.repeat < 1:
        parser.error(f"--structures >= {2 * SMALL_SHARE}, --links >= 0 et --repeat >= 1 sont attendus.")
    return args


def setup_django(var_dir: str) -> None:
    os.environ["COOPERER_VAR_DIR"] = var_dir  # the SQLite file goes there unless DATABASE_URL is set
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cooperer.settings.test")
    import django

    django.setup()


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


class Generator:
    """Synthetic but realistically shaped data, written with bulk_create in two rounds."""

    def __init__(self, seed: int, contour_kb: int = 0):
        self.rng = random.Random(seed)
        self.contour_kb = contour_kb
        self.epcis = []
        self.communes = []
        self.qpvs_of_commune: dict[int, list] = {}
        self.themes = []
        self.publics = []
        self.structure_ids: list[int] = []
        self.commune_weights: list[float] = []
        self.created = 0
        self.qpv_use: dict[str, int] = {}

    def territories(self) -> None:
        from cooperer.core.text import fold
        from cooperer.territories.models import Commune, Departement, Epci, Qpv

        rng = self.rng
        departements = Departement.objects.bulk_create(
            [
                Departement(code=code, name=f"Département {code}", search_text=fold(code))
                for code in DEPARTEMENTS
            ]
        )
        epcis = []
        for index, name in enumerate(EPCI_NAMES):
            base = str(20_000_000 + index * 13)
            epcis.append(Epci(siren=base + luhn_digit(base), name=name, search_text=fold(name)))
        self.epcis = Epci.objects.bulk_create(epcis)
        names = sorted({first + second for first in COMMUNE_FIRST for second in COMMUNE_SECOND})
        rng.shuffle(names)
        communes = []
        for index, name in enumerate(names[:300]):
            slot = index % len(DEPARTEMENTS)
            code = f"{DEPARTEMENTS[slot]}{100 + index // len(DEPARTEMENTS):03d}"
            communes.append(
                Commune(
                    insee_code=code,
                    name=name,
                    departement=departements[slot],
                    epci=self.epcis[slot],
                    search_text=fold(f"{name}"),
                )
            )
        if self.contour_kb:
            # About 21 bytes per vertex, like an imported commune contour (real ones: a few KB to 100s of KB).
            ring = [
                [round(4.3 + i * 1e-4, 6), round(45.4 + (i % 7) * 1e-4, 6)]
                for i in range(self.contour_kb * 48)
            ]
            contour = json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})
            for commune in communes:
                commune.contour = contour
        self.communes = Commune.objects.bulk_create(communes)
        # Big cities hold most structures: a heavy-tailed weight per commune.
        self.commune_weights = [rng.paretovariate(1.2) for _ in self.communes]
        qpvs = []
        homes = []
        per_departement: dict[str, int] = {}
        for index in range(150):
            commune = self.communes[index % 60]  # QPVs are in the first (and most weighted) communes
            departement = commune.insee_code[:2]
            number = per_departement.get(departement, 1)
            per_departement[departement] = number + 1
            code = f"QN{departement.zfill(3)}{number:02d}M"
            name = NEIGHBOURHOODS[index % len(NEIGHBOURHOODS)] + (
                f" {index // len(NEIGHBOURHOODS) + 1}" if index >= len(NEIGHBOURHOODS) else ""
            )
            qpvs.append(Qpv(code=code, name=name, generation=2024, search_text=fold(f"{name} {code}"),
                            commune_codes=[commune.insee_code]))  # fmt: skip
            homes.append(commune)
        qpvs = Qpv.objects.bulk_create(qpvs)
        Qpv.communes.through.objects.bulk_create(
            [
                Qpv.communes.through(qpv_id=qpv.pk, commune_id=commune.pk)
                for qpv, commune in zip(qpvs, homes, strict=True)
            ]
        )
        for qpv, commune in zip(qpvs, homes, strict=True):
            self.qpvs_of_commune.setdefault(commune.pk, []).append(qpv)

    def taxonomies(self) -> None:
        from cooperer.actors.models import Public, Theme

        self.themes = Theme.objects.bulk_create([Theme(name=name) for name in THEMES])
        self.publics = Public.objects.bulk_create([Public(name=name) for name in PUBLICS])

    def structure_name(self, commune) -> tuple[str, str, str]:
        rng = self.rng
        kind, form = rng.choice(KINDS)
        qualifier = rng.choice(QUALIFIERS)
        place = rng.choice(NEIGHBOURHOODS) if rng.random() < 0.6 else commune.name
        joiner = rng.choice(["de", "du quartier", "à", "—"])
        name = " ".join(part for part in (kind, qualifier, joiner, place) if part)
        acronym = ""
        if rng.random() < 0.3:
            acronym = "".join(rng.choice(ACRONYM_LETTERS) for _ in range(rng.randint(2, 5)))
        return name, acronym, form

    def structures(self, count: int) -> list[int]:
        """Create `count` structures with their themes, publics and QPVs; return their ids."""
        from cooperer.actors.models import Structure

        rng = self.rng
        communes = rng.choices(self.communes, weights=self.commune_weights, k=count)
        objects, relations = [], []
        for commune in communes:
            self.created += 1
            name, acronym, form = self.structure_name(commune)
            qpv_choices = self.qpvs_of_commune.get(commune.pk, [])
            qpvs = rng.sample(qpv_choices, k=min(len(qpv_choices), rng.choice([0, 0, 1, 1, 2])))
            for qpv in qpvs:
                self.qpv_use[qpv.code] = self.qpv_use.get(qpv.code, 0) + 1
            objects.append(
                Structure(
                    name=name,
                    acronym=acronym,
                    legal_form=form,
                    siret=siret_number(self.created) if rng.random() < 0.5 else "",
                    commune=commune,
                    address=f"{rng.randint(1, 120)} rue {rng.choice(['de la République', 'Victor Hugo', 'Jean Jaurès', 'des Écoles'])}",
                    offers=rng.sample(RESOURCES, k=rng.randint(0, 3)),
                    needs=rng.sample(RESOURCES, k=rng.randint(0, 2)),
                    public_listing=rng.random() < 0.4,
                    description="Structure fictive générée pour la mesure de performance.",
                )
            )
            relations.append(
                (
                    rng.sample(self.themes, k=rng.randint(1, 3)),
                    rng.sample(self.publics, k=rng.randint(0, 2)),
                    qpvs,
                )
            )
        Structure.objects.bulk_create(objects, batch_size=2000)
        through = {"themes": [], "publics": [], "qpvs": []}
        for structure, (themes, publics, qpvs) in zip(objects, relations, strict=True):
            through["themes"] += [
                Structure.themes.through(structure_id=structure.pk, theme_id=t.pk) for t in themes
            ]
            through["publics"] += [
                Structure.publics.through(structure_id=structure.pk, public_id=p.pk) for p in publics
            ]
            through["qpvs"] += [Structure.qpvs.through(structure_id=structure.pk, qpv_id=q.pk) for q in qpvs]
        for name, rows in through.items():
            getattr(Structure, name).through.objects.bulk_create(rows, batch_size=5000)
        ids = [structure.pk for structure in objects]
        merged = rng.sample(ids, k=int(len(ids) * MERGED_SHARE))
        kept = self.structure_ids[:1000] or ids[:1000]
        Structure.objects.bulk_update(
            [Structure(pk=pk, merged_into_id=rng.choice(kept)) for pk in merged if pk not in kept],
            ["merged_into"],
            batch_size=1000,
        )
        self.structure_ids += ids
        return ids

    def links(self, count: int) -> None:
        from cooperer.actors.models import CooperationLink

        rng = self.rng
        ids = self.structure_ids
        span = (LAST_DAY - FIRST_DAY).days
        batch = []
        for _ in range(count):
            source = rng.choice(ids)
            target = rng.choice(ids)
            while target == source:
                target = rng.choice(ids)
            start = FIRST_DAY + datetime.timedelta(days=int(rng.random() ** 0.5 * span))
            end = None
            if rng.random() < 0.35:
                end = min(start + datetime.timedelta(days=rng.randint(90, 3 * 365)), LAST_DAY)
            batch.append(
                CooperationLink(
                    source_id=source,
                    target_id=target,
                    kind=rng.choice(LINK_KINDS),
                    start=None if rng.random() < 0.05 else start,
                    end=end,
                )
            )
            if len(batch) == 20_000:
                CooperationLink.objects.bulk_create(batch, batch_size=5000)
                batch = []
        CooperationLink.objects.bulk_create(batch, batch_size=5000)


def fill_search_text(ids: list[int]) -> None:
    """What `refresh_search_text` computes, with the per-part term lists memoised (themes, communes and legal
    forms repeat a lot), then bulk_update. Checked against `refresh_search_text` on a sample afterwards."""
    from cooperer.actors.models import Structure
    from cooperer.core.text import search_terms

    terms_of = functools.lru_cache(maxsize=200_000)(search_terms)

    def document(*parts: str) -> str:
        tokens = [token for part in parts for term in terms_of(part or "") for token in term]
        return " " + " ".join(dict.fromkeys(tokens)) + " "

    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        structures = (
            Structure.objects.filter(pk__in=chunk)
            .select_related("commune")
            .prefetch_related("themes", "publics", "qpvs")
            .only("pk", "name", "acronym", "legal_form", "commune__name")
        )
        changed = []
        for s in structures:
            s.search_text = document(
                s.name,
                s.acronym,
                " ".join(theme.name for theme in s.themes.all()),
                " ".join(public.name for public in s.publics.all()),
                s.commune.name if s.commune else "",
                " ".join(f"{qpv.name} {qpv.code}" for qpv in s.qpvs.all()),
                s.get_legal_form_display(),
            )
            changed.append(s)
        Structure.objects.bulk_update(changed, ["search_text"], batch_size=1000)


def check_search_text(ids: list[int], rng: random.Random) -> dict:
    """Run the real `refresh_search_text` on a sample: it must find nothing to change."""
    from cooperer.actors.models import Structure
    from cooperer.actors.services import refresh_search_text

    sample = rng.sample(ids, k=min(1000, len(ids)))
    before = dict(Structure.objects.filter(pk__in=sample).values_list("pk", "search_text"))
    began = time.perf_counter()
    refresh_search_text(sample)
    elapsed = time.perf_counter() - began
    after = dict(Structure.objects.filter(pk__in=sample).values_list("pk", "search_text"))
    return {
        "sample": len(sample),
        "identical": sum(before[pk] == after[pk] for pk in sample),
        "refresh_search_text_ms_per_1000": round(elapsed * 1000 * 1000 / len(sample), 1),
    }


COUNT_RE = re.compile(r"(\d[\d\s\u202f\u00a0]*) structures?\.")  # "49 757 structures." (French grouping)


def cases(generator: Generator) -> list[tuple[str, str, dict]]:
    from django.urls import reverse

    url = reverse("actors:directory")
    biggest_epci = max(
        generator.epcis,
        key=lambda e: sum(
            w for c, w in zip(generator.communes, generator.commune_weights, strict=True) if c.epci_id == e.pk
        ),
    )
    listing = [
        ("liste_page_1", url, {}),
        ("liste_page_500", url, {"page": 500}),
        ("filtre_epci", url, {"epci": biggest_epci.pk}),
        ("filtre_theme", url, {"theme": generator.themes[0].pk}),
    ]
    busiest_qpv = max(generator.qpv_use, key=generator.qpv_use.get)
    searches = [
        (f"recherche_{label}", url, {"q": query.format(qpv=busiest_qpv)}) for label, query in SEARCHES
    ]
    return listing + searches


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def measure(client, case_list, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    for name, url, params in case_list:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        # Read now: captured_queries slices connection.queries, which the next request resets.
        sql = [float(query["time"]) * 1000 for query in captured.captured_queries]
        slowest = max(captured.captured_queries, key=lambda query: float(query["time"]), default={"sql": ""})
        if response.status_code != 200:
            raise SystemExit(f"{name}: HTTP {response.status_code}")
        found = COUNT_RE.search(response.content.decode().replace("&nbsp;", " "))
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            client.get(url, params)
            times.append((time.perf_counter() - began) * 1000)
        results[name] = {
            "p50_ms": round(percentile(times, 0.5), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1),
            "queries": len(sql),
            "sql_ms": round(sum(sql), 1),
            "slowest_query_ms": round(max(sql), 1) if sql else 0.0,
            "slowest_query": slowest["sql"][:100],
            "results": int(re.sub(r"\D", "", found.group(1))) if found else None,
            "samples": times,
        }
        log(f"  {name}: p50 {results[name]['p50_ms']} ms, p95 {results[name]['p95_ms']} ms, "
            f"{results[name]['queries']} requêtes SQL, {results[name]['results']} résultat(s)")  # fmt: skip
    return results


def pooled_p95(results: dict, prefixes: tuple[str, ...]) -> float:
    samples = [t for name, r in results.items() if name.startswith(prefixes) for t in r["samples"]]
    return round(percentile(samples, 0.95), 1)


def settle(connection) -> None:
    """What autovacuum does after a bulk load, so that the figures are those of a database in service:
    statistics (ANALYZE) and, on PostgreSQL, the visibility map that index-only scans rely on (VACUUM)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main() -> None:
    args = parse_args()
    var_dir = tempfile.mkdtemp(prefix="cooperer-bench-directory-")
    uses_database_url = bool(os.environ.get("DATABASE_URL"))
    setup_django(var_dir)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from cooperer.accounts.models import RoleAssignment, User

    may_flush = False
    try:
        log(f"base : {connection.vendor} ({'DATABASE_URL' if uses_database_url else var_dir})")
        call_command("migrate", verbosity=0, interactive=False)
        if uses_database_url:
            check_empty_database()
            may_flush = not args.keep  # a database that held data before is never flushed
        small = args.structures // SMALL_SHARE
        small_links = args.links // SMALL_SHARE
        generator = Generator(args.seed, args.contour_kb)
        began = time.perf_counter()
        generator.territories()
        generator.taxonomies()
        ids = generator.structures(small)
        generator.links(small_links)
        generation_s = time.perf_counter() - began
        began = time.perf_counter()
        fill_search_text(ids)
        search_text_s = time.perf_counter() - began
        settle(connection)

        user = User.objects.create(username="bench", email="bench@example.org", first_name="Bench")
        RoleAssignment.objects.create(user=user, role="animation", epci=generator.epcis[0])
        client = Client(SERVER_NAME="localhost")  # an allowed host, no test environment needed
        client.force_login(user)
        case_list = cases(generator)

        log(f"{small} structures, {small_links} liens : mesure ({max(5, args.repeat // 3)} requêtes par cas)")
        at_small = measure(client, case_list, max(5, args.repeat // 3))

        log(f"génération jusqu'à {args.structures} structures et {args.links} liens")
        began = time.perf_counter()
        ids = generator.structures(args.structures - small)
        generator.links(args.links - small_links)
        generation_s += time.perf_counter() - began
        began = time.perf_counter()
        fill_search_text(ids)
        search_text_s += time.perf_counter() - began
        settle(connection)
        log(f"  génération {generation_s:.1f} s, texte de recherche {search_text_s:.1f} s")
        search_text_check = check_search_text(generator.structure_ids, generator.rng)

        log(f"{args.structures} structures, {args.links} liens : mesure ({args.repeat} requêtes par cas)")
        at_full = measure(client, case_list, args.repeat)

        from cooperer.actors.models import CooperationLink, Structure

        queries_small = {name: r["queries"] for name, r in at_small.items()}
        queries_full = {name: r["queries"] for name, r in at_full.items()}
        list_p95 = pooled_p95(at_full, ("liste_", "filtre_"))
        search_p95 = pooled_p95(at_full, ("recherche_",))
        worst_p95 = max(r["p95_ms"] for r in at_full.values())
        worst_case = max(at_full, key=lambda name: at_full[name]["p95_ms"])
        for r in (*at_small.values(), *at_full.values()):
            del r["samples"]
        result = {
            "bench": "directory",
            "structures": Structure.objects.count(),
            "structures_active": Structure.objects.active().count(),
            "links": CooperationLink.objects.count(),
            "database": connection.vendor,
            "list_p95_ms": list_p95,
            "search_p95_ms": search_p95,
            "worst_p95_ms": worst_p95,
            "worst_case": worst_case,
            "per_case": at_full,
            "queries_at_5000": queries_small,
            "queries_at_50000": queries_full,
            "queries_constant": queries_small == queries_full,
            "structures_small": small,
            "per_case_small": {
                name: {k: r[k] for k in ("p50_ms", "p95_ms", "results")} for name, r in at_small.items()
            },
            "repeat": args.repeat,
            "generation_s": round(generation_s, 1),
            "search_text_s": round(search_text_s, 1),
            "search_text_check": search_text_check,
            "target_ms": TARGET_MS,
            "meets_target": worst_p95 <= TARGET_MS and queries_small == queries_full,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "seed": args.seed,
            "commune_contour_kb": args.contour_kb,
        }
        print(json.dumps(result, ensure_ascii=False))
    finally:
        if may_flush:
            log("vidage de la base DATABASE_URL (flush)")
            call_command("flush", interactive=False, verbosity=0)
        if not uses_database_url:
            connection.close()
            if args.keep:
                log(f"base gardée : {var_dir}")
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
