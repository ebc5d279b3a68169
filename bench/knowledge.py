"""Benchmark of initiative records: the public list with search and filters, and « semblables ailleurs ».

Issue targets: search and filters over 100,000 records with a p95 ≤ 100 ms server-side on SQLite and
PostgreSQL, a number of SQL queries that does not grow with the data; « initiatives semblables ailleurs » for
one application against 100,000 records ≤ 200 ms.

What is measured: `django.test.Client.get()` on `knowledge:home` (middleware, session, form, queries, template),
each case once with `CaptureQueriesContext` (query count) then `--repeat` times for the wall times; the same
cases first at a tenth of the records, to show the query count stays the same. « Semblables ailleurs » is
`knowledge.similar.similar_records()` for application texts of one territory against the records of the
others, as the instruction page calls it: the first call of the process (which samples the document
frequencies) is reported apart (`similar_first_call_ms`), then `--repeat` calls per text. Generating the data
is timed apart.

Database: a throw-away SQLite file (COOPERER_VAR_DIR in a temporary folder) or, with DATABASE_URL, that
database, which must be an empty scratch database (the script migrates it, refuses one that holds records or
territories, and empties it at the end unless --keep).

Run: .venv/bin/python bench/knowledge.py [--records 100000] [--repeat 30] [--seed 42]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/cooperer_bench .venv/bin/python bench/knowledge.py
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import json
import os
import platform
import random
import re
import shutil
import sys
import tempfile
import time

from common import percentile, settle, setup_django

LIST_TARGET_MS = 100
SIMILAR_TARGET_MS = 200
SMALL_SHARE = 10
EPCIS = 24

SUBJECTS = [
    "l'engagement des jeunes", "l'accueil des jeunes le soir", "un tiers-lieu jeunesse", "l'animation de rue",
    "l'accès aux droits", "la santé des habitants", "les jardins partagés", "l'insertion professionnelle",
    "la réussite éducative", "la parentalité", "le sport au pied des immeubles", "la tranquillité publique",
    "la médiation sociale", "l'apprentissage du français", "la mobilité des femmes", "le numérique pour tous",
    "la culture hors les murs", "l'alimentation durable", "le logement et le cadre de vie", "les seniors isolés",
    "la participation des habitants", "la transition écologique", "la prévention spécialisée", "les vacances apprenantes",
]  # fmt: skip
METHODS = [
    "Deux ans d'interconnaissance avant d'agir ensemble.", "Un diagnostic partagé avec les habitants et les professionnels.",
    "Des séances de concertation séparées puis communes.", "Un comité technique qui se réunit chaque mois.",
    "Une charte de coopération signée par les membres.", "Un trinôme État, collectivité et association.",
    "Une définition partagée de l'action, écrite ensemble.", "Des ateliers de co-construction avec les jeunes.",
    "Une fonction de soutien portée par le centre social.", "Des associations concurrentes réunies en consortium.",
    "Une évaluation partagée avec des indicateurs communs.", "Des permanences dans les halls d'immeubles.",
    "Un groupe de travail par axe de la feuille de route.", "Des maraudes avec les éducateurs de prévention.",
    "Une mutualisation des locaux et du matériel.", "Des assises pour élargir le cercle des acteurs.",
]  # fmt: skip
LESSONS = [
    "Prendre le temps de se connaître.", "Aller chercher les publics concernés.", "Ne pas décider seul dans son bureau.",
    "Écrire la méthode pour qu'elle dure.", "Financer sur plusieurs années.", "Une boussole commune évite la dispersion.",
    "Les départs de professionnels fragilisent tout.", "La confiance se gagne pas à pas.",
    "La concurrence pour les crédits empêche de coopérer.", "Associer les habitants comme partie de la solution.",
]  # fmt: skip
PLACES = ["Montreynaud", "Bourtzwiller", "Les Coteaux", "Crêt de Roc", "Tarentaize", "La Duchère", "Hautepierre",
          "Les Minguettes", "Le Neuhof", "La Castellane", "Frais Vallon", "Terraillon", "Le Pile", "L'Alma"]  # fmt: skip
THEMES = ["Jeunesse", "Sport", "Culture", "Santé", "Emploi", "Éducation", "Parentalité", "Cadre de vie",
          "Alimentation", "Accès aux droits", "Numérique", "Citoyenneté"]  # fmt: skip
PUBLICS = ["11-17 ans", "Jeunes adultes (18-25 ans)", "Familles", "Femmes", "Seniors", "Habitants des QPV"]
SEARCHES = [
    ("recherche_mot", "jeunesse"),
    ("recherche_famille", "concertations"),
    ("recherche_deux_mots", "interconnaissance confiance"),
    ("recherche_lieu", "Bourtzwiller"),
    ("recherche_accents", "évaluation partagée"),
    ("recherche_aucun", "xylophone quantique"),
]
APPLICATIONS = [
    "Ouvrir un local co-géré avec les jeunes, le soir et le week-end, avec des animateurs et des éducateurs.",
    "Des jardins partagés au pied des immeubles pour l'alimentation durable des familles.",
    "Un consortium d'associations pour l'insertion professionnelle des femmes du quartier.",
    "Des ateliers de français et d'accès aux droits avec une permanence dans les halls.",
]
COUNT_RE = re.compile(r"(\d[\d\s\u202f\u00a0]*) fiches? publiées?")


def log(message: str) -> None:
    print(f"[bench knowledge] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Mesure la recherche des fiches d'expérience et « semblables ailleurs »."
    )
    parser.add_argument(
        "--records", type=int, default=100_000, help="nombre de fiches publiées (défaut 100 000)"
    )
    parser.add_argument("--repeat", type=int, default=30, help="requêtes mesurées par cas (défaut 30)")
    parser.add_argument("--seed", type=int, default=42, help="graine du générateur aléatoire")
    parser.add_argument("--keep", action="store_true", help="garder la base (SQLite : le dossier temporaire)")
    args = parser.parse_args()
    if args.records < 2 * SMALL_SHARE or args.repeat < 1:
        parser.error(f"--records >= {2 * SMALL_SHARE} et --repeat >= 1 sont attendus.")
    return args


class Generator:
    def __init__(self, seed: int):
        from cooperer.actors.models import Public, Theme
        from cooperer.knowledge.factors import ensure_defaults
        from cooperer.knowledge.models import Factor
        from cooperer.territories.models import Epci

        self.rng = random.Random(seed)
        self.epcis = [
            Epci.objects.create(siren=f"2{i:08d}", name=f"Agglomération fictive n° {i + 1}")
            for i in range(EPCIS)
        ]
        self.themes = [Theme.objects.get_or_create(name=n)[0] for n in THEMES]
        self.publics = [Public.objects.get_or_create(name=n)[0] for n in PUBLICS]
        ensure_defaults()
        self.factors = list(Factor.objects.all())
        self.made = 0

    def records(self, count: int) -> None:
        from django.db import transaction
        from django.utils import timezone

        from cooperer.core.text import search_document
        from cooperer.knowledge.enums import FactorKind, RecordStatus
        from cooperer.knowledge.models import Record, RecordFactor
        from cooperer.knowledge.services import filter_tokens

        rng, now = self.rng, timezone.now()
        for start in range(0, count, 2000):
            batch, extras = [], []
            for _ in range(min(2000, count - start)):
                self.made += 1
                subject, place = rng.choice(SUBJECTS), rng.choice(PLACES)
                methods, lessons = rng.sample(METHODS, 3), rng.sample(LESSONS, 2)
                title = f"{subject[0].upper()}{subject[1:]} à {place}"
                summary = f"Comment {subject} a réuni les acteurs de {place}. {methods[0]}"
                factors = rng.sample(self.factors, 3)
                kinds = [FactorKind.LEVER, FactorKind.LEVER, FactorKind.OBSTACLE]
                chosen, public = rng.sample(self.themes, 2), rng.choice(self.publics)
                record = Record(
                    title=title, summary=summary, method=" ".join(methods), lessons=" ".join(lessons),
                    epci=rng.choice(self.epcis), status=RecordStatus.PUBLISHED,
                    published_at=now - timezone.timedelta(minutes=self.made), licence="licence_ouverte",
                )  # fmt: skip
                # Each fragment is a separate part: search_document memoises parts, as the loaders' data repeat.
                record.search_text = search_document(
                    title, f"Comment {subject} a réuni les acteurs de", place, *methods, *lessons,
                    record.epci.name, *(f.name for f in factors),
                ) + filter_tokens([t.pk for t in chosen], [public.pk], [f.pk for f in factors[:2]], [factors[2].pk])  # fmt: skip
                batch.append(record)
                extras.append((factors, kinds, chosen, public))
            with transaction.atomic():
                Record.objects.bulk_create(batch, batch_size=1000)
                rows, themes, publics = [], [], []
                for record, (factors, kinds, chosen, public) in zip(batch, extras, strict=True):
                    rows += [
                        RecordFactor(record=record, factor=f, kind=k)
                        for f, k in zip(factors, kinds, strict=True)
                    ]
                    themes += [Record.themes.through(record=record, theme=t) for t in chosen]
                    publics.append(Record.publics.through(record=record, public=public))
                RecordFactor.objects.bulk_create(rows, batch_size=2000)
                Record.themes.through.objects.bulk_create(themes, batch_size=2000)
                Record.publics.through.objects.bulk_create(publics, batch_size=2000)
            if (start // 2000) % 10 == 0:
                log(f"  {self.made} fiches")


def cases(generator: Generator) -> list[tuple[str, dict]]:
    from cooperer.knowledge.models import Factor

    trust = Factor.objects.get(name="Confiance")
    turnover = Factor.objects.get(name="Turnover des professionnels")
    out = [("liste", {}), ("liste_page_profonde", {"page": 400})]
    out += [(name, {"q": q}) for name, q in SEARCHES]
    out += [
        ("filtre_theme", {"theme": generator.themes[0].pk}),
        ("filtre_public", {"public": generator.publics[1].pk}),
        ("filtre_territoire", {"territoire": generator.epcis[3].pk}),
        ("filtre_levier", {"levier": trust.pk}),
        ("filtre_frein", {"frein": turnover.pk}),
        ("filtre_combine", {"q": "jeunes", "levier": trust.pk, "theme": generator.themes[0].pk}),
        (
            "filtre_combine_territoire",
            {"q": "confiance", "territoire": generator.epcis[5].pk, "frein": turnover.pk},
        ),
    ]
    return out


def measure(client, case_list, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("knowledge:home")
    results = {}
    for name, params in case_list:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        sql = [float(q["time"]) * 1000 for q in captured.captured_queries]
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
            "queries": len(sql),
            "sql_ms": round(sum(sql), 1),
            "results": int(re.sub(r"\D", "", found.group(1))) if found else 0,
            "samples": times,
        }
        log(
            f"  {name}: p95 {results[name]['p95_ms']} ms, {len(sql)} requêtes, {results[name]['results']} fiches"
        )
    return results


def measure_similar(generator: Generator, repeat: int) -> dict:
    from cooperer.knowledge import similar

    similar._stats.clear()
    epci = generator.epcis[0].pk
    began = time.perf_counter()
    similar.similar_records(APPLICATIONS[0], exclude_epci_id=epci)
    first = (time.perf_counter() - began) * 1000
    times, found = [], {}
    for text in APPLICATIONS:
        for _ in range(repeat):
            began = time.perf_counter()
            result = similar.similar_records(text, exclude_epci_id=epci)
            times.append((time.perf_counter() - began) * 1000)
        found[text[:40]] = [
            {"titre": r["title"], "mots": r["words"], "score": r["score"]} for r in result[:2]
        ]
        assert all(r["id"] for r in result)
    return {
        "similar_first_call_ms": round(first, 1),
        "similar_p50_ms": round(percentile(times, 0.5), 1),
        "similar_p95_ms": round(percentile(times, 0.95), 1),
        "similar_max_ms": round(max(times), 1),
        "similar_examples": found,
    }


def main() -> None:
    args = parse_args()
    var_dir = tempfile.mkdtemp(prefix="cooperer-bench-knowledge-")
    uses_database_url = bool(os.environ.get("DATABASE_URL"))
    setup_django(var_dir)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from cooperer.knowledge.models import Record
    from cooperer.territories.models import Epci

    may_flush = False
    try:
        log(f"base : {connection.vendor} ({'DATABASE_URL' if uses_database_url else var_dir})")
        call_command("migrate", verbosity=0, interactive=False)
        if uses_database_url:
            if Record.objects.exists() or Epci.objects.exists():
                print("La base indiquée par DATABASE_URL contient déjà des données : pointez-la vers une base "
                      "jetable vide (par exemple CREATE DATABASE cooperer_bench).", file=sys.stderr)  # fmt: skip
                sys.exit(2)
            may_flush = not args.keep
        generator = Generator(args.seed)
        small = args.records // SMALL_SHARE
        began = time.perf_counter()
        generator.records(small)
        generation_s = time.perf_counter() - began
        settle(connection)
        client = Client(SERVER_NAME="localhost")
        case_list = cases(generator)
        log(f"{small} fiches : mesure")
        at_small = measure(client, case_list, max(5, args.repeat // 3))
        log(f"génération jusqu'à {args.records} fiches")
        began = time.perf_counter()
        generator.records(args.records - small)
        generation_s += time.perf_counter() - began
        settle(connection)
        log(f"{args.records} fiches : mesure ({args.repeat} requêtes par cas)")
        at_full = measure(client, case_list, args.repeat)
        log("semblables ailleurs")
        similar_figures = measure_similar(generator, args.repeat)
        samples = [t for r in at_full.values() for t in r["samples"]]
        worst_case = max(at_full, key=lambda name: at_full[name]["p95_ms"])
        # A case that finds nothing at the small size (no page to load) is left out of the comparison.
        compared = [name for name in at_full if at_small[name]["results"] and at_full[name]["results"]]
        queries_small = {name: at_small[name]["queries"] for name in compared}
        queries_full = {name: at_full[name]["queries"] for name in compared}
        for r in (*at_small.values(), *at_full.values()):
            del r["samples"]
        result = {
            "bench": "knowledge",
            "records": Record.objects.count(),
            "database": connection.vendor,
            "list_and_search_p95_ms": round(percentile(samples, 0.95), 1),
            "worst_p95_ms": at_full[worst_case]["p95_ms"],
            "worst_case": worst_case,
            **similar_figures,
            "per_case": at_full,
            "queries_small": queries_small,
            "queries_full": queries_full,
            "queries_constant": queries_small == queries_full,
            "records_small": small,
            "repeat": args.repeat,
            "generation_s": round(generation_s, 1),
            "list_target_ms": LIST_TARGET_MS,
            "similar_target_ms": SIMILAR_TARGET_MS,
            "meets_target": at_full[worst_case]["p95_ms"] <= LIST_TARGET_MS
            and similar_figures["similar_p95_ms"] <= SIMILAR_TARGET_MS
            and queries_small == queries_full,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "seed": args.seed,
        }
        print(json.dumps(result, ensure_ascii=False))
    finally:
        if may_flush:
            log("vidage de la base DATABASE_URL (flush)")
            call_command("flush", interactive=False, verbosity=0)
        if not uses_database_url:
            connection.close()
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
