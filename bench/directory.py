"""Benchmark of the directory of structures: list, filters and search, server-side, on the national data set.

Issue target: directory list and search at 50,000 structures and 200,000 cooperation links with a p95 ≤ 100 ms
server-side, and a number of SQL queries that does not grow with the data.

What is measured: `django.test.Client.get()` on `actors:directory` as the animatrice of the national data set
(`animation` role), i.e. the whole server-side path run in-process (middleware, session and user lookup, role
check, form, queries, template rendering), without network or browser. Each case is requested once under
`CaptureQueriesContext` (`common.captured_get`: query count, SQL time, slowest query; it also warms the
template cache), then `--repeat` times (`common.timed_gets`) for the wall times. The cases, whose values are
looked up in the data rather than written here: the first page, a deep page (nine tenths of the way), the
filter by the EPCI with the most structures, the filter by the most used theme, and searches for a word of a
theme, a theme's name with its accents, the most frequent word of the names, their most frequent two words,
their most frequent accented word, a whole name, the commune with the most structures, the name and the code
of the QPV with the most structures, a SIRET, and words found nowhere.

Constant queries: the same cases restricted to one EPCI (`?epci=`), their values looked up in it, on a small
EPCI (the smallest with at least 10 active structures: less than a page) and on the largest one;
`queries_small_scope` and `queries_large_scope` must be equal case by case (an empty result page runs fewer
queries: the cases are chosen so that both scopes find something, or both nothing).

Data: the national data set (`cooperer generate-national`, docs/national-dataset.md): its structures, 50,000
at scale 1.0 (`at_target_size` says whether the database holds the 50,000 structures and 200,000 links of the
target), its communes, EPCIs, QPVs and cooperation links, the account of the animatrice. Its structures carry
no thematiques, which the directory shows on each row and filters by, so the script plants, on top of it
(timed apart, `generation_s`): the 10 thematiques of the demo data (`actors.demo.THEMES`) where they are
missing, 1 to 3 of them on every structure that has none, and the search texts of those structures recomputed
by `actors.services.refresh_search_text` (`search_text_s`), so that a theme's words find its structures. On
PostgreSQL it then runs `ANALYZE` on those tables, as autovacuum would. Everything planted, and every write of
the pages requested, is made in one transaction rolled back at the end (`common.planted`): the national
database is left as it was; on PostgreSQL the tables written are then vacuumed (`common.vacuum_planted`), so
that the dead rows of the rollback do not weigh on the next run.

Database: DATABASE_URL (PostgreSQL), or the SQLite file of COOPERER_VAR_DIR (`--var-dir`, by default
var/national), as bench/pages.py. An empty database is first filled with `generate-national --scale --seed`
(timed apart, `national_generation_s`); a filled one is used as it is.

Run: PYTHONPATH=. .venv/bin/python bench/directory.py --var-dir var/national [--repeat 30] [--seed 42]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/cooperer_national PYTHONPATH=. .venv/bin/python \
         bench/directory.py
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import json
import os
import random
import re
import sys
import time
from collections import Counter

from common import (
    ROOT,
    add_national_arguments,
    captured_get,
    database_version,
    machine,
    open_national,
    page_figures,
    percentile,
    planted,
    timed_gets,
    vacuum_planted,
)

TARGET_MS = 100
TARGET_STRUCTURES = 50_000
TARGET_LINKS = 200_000
PAGE_SIZE = 50  # actors.views: the directory's page
SMALL_SCOPE_LEAST = 10  # active structures of the small EPCI at least, so that every lookup finds something
NO_MATCH = "xylophone quantique"
COUNT_RE = re.compile(r"(\d[\d\s\u202f\u00a0]*) structures?\.")  # "49 757 structures." (French grouping)


def log(message: str) -> None:
    print(f"[bench directory] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Mesure l'annuaire des structures (liste, filtres, recherche) sur le jeu national."
    )
    parser.add_argument("--repeat", type=int, default=30, help="requêtes mesurées par cas (défaut 30)")
    parser.add_argument("--seed", type=int, default=42, help="graine du générateur aléatoire")
    add_national_arguments(parser, str(ROOT / "var" / "national"))
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat >= 1 est attendu.")
    return args


def plant_themes(rng: random.Random) -> dict:
    """The demo's thematiques, 1 to 3 on each structure that has none, and their search texts recomputed."""
    from cooperer.actors.demo import THEMES
    from cooperer.actors.models import Structure, Theme
    from cooperer.actors.services import refresh_search_text
    from cooperer.core import national

    known = set(Theme.objects.values_list("name", flat=True))
    Theme.objects.bulk_create(
        [Theme(name=name, description=text) for name, text in THEMES.items() if name not in known]
    )
    themes = list(Theme.objects.order_by("pk").values_list("pk", flat=True))
    bare = list(Structure.objects.filter(themes__isnull=True).order_by("pk").values_list("pk", flat=True))
    rows = [(pk, theme) for pk in bare for theme in rng.sample(themes, k=rng.randint(1, min(3, len(themes))))]
    national.Writer().insert(Structure.themes.through, ["structure_id", "theme_id"], rows)
    began = time.perf_counter()
    refresh_search_text(bare)
    return {
        "themes": len(themes),
        "themes_added": len(themes) - len(known),
        "structure_themes": len(rows),
        "structures_reindexed": len(bare),
        "search_text_s": round(time.perf_counter() - began, 1),
    }


def most_common(values, default=""):
    counted = Counter(values).most_common(1)
    return counted[0][0] if counted else default


def cases(scope=None) -> list[tuple[str, dict]]:
    """(name, query parameters) of each case, its values looked up among the active structures of `scope` (an
    EPCI, whose filter every case then carries) or of the whole directory."""
    from django.db.models import Count

    from cooperer.actors.models import Structure
    from cooperer.territories.models import Epci

    structures = Structure.objects.active()
    if scope is not None:
        structures = structures.in_epci(scope)
    rows = list(structures.order_by("pk").values_list("name", "siret", "commune__name"))
    names = [name for name, _siret, _commune in rows]
    name_words = [name.split() for name in names]
    through = Structure.themes.through.objects.filter(structure__in=structures)
    theme = most_common(through.values_list("theme__name", flat=True))
    theme_pk = through.filter(theme__name=theme).values_list("theme_id", flat=True).first()
    busiest = (
        Structure.qpvs.through.objects.filter(structure__in=structures)
        .values("qpv__name", "qpv__code")
        .annotate(n=Count("structure"))
        .order_by("-n", "qpv__code")
        .first()
    ) or {"qpv__name": "", "qpv__code": ""}
    qpv_name, qpv_code = busiest["qpv__name"], busiest["qpv__code"]
    sirets = [siret for _name, siret, _commune in rows if siret]
    listing = [
        ("liste_page_1", {}),
        ("liste_page_profonde", {"page": max(1, len(rows) * 9 // 10 // PAGE_SIZE)}),
    ]
    if scope is None:
        largest = (
            Epci.objects.annotate(n=Count("communes__structures"))
            .order_by("-n", "pk")
            .values_list("pk")
            .first()
        )
        listing.append(("filtre_epci", {"epci": largest[0]}))
    listing.append(("filtre_theme", {"theme": theme_pk}))
    searches = [
        ("mot_seul_theme", theme.split()[0].lower()),
        ("accents_theme", theme),
        ("mot_seul_nom", most_common(w[0] for w in name_words if len(w[0]) > 3)),
        (
            "deux_mots",
            most_common(" ".join(w[:2]) for w in name_words if len(w) > 2 and min(map(len, w[:2])) > 3),
        ),
        (
            "accents_nom",
            most_common(x.lower() for w in name_words for x in w if not x.isascii() and x.isalpha()),
        ),
        ("nom_complet", names[len(names) // 2]),
        ("commune", most_common(commune for _name, _siret, commune in rows if commune)),
        ("lieu_qpv", qpv_name),
        ("code_qpv", qpv_code),
        ("siret", sirets[len(sirets) // 2] if sirets else "00000000000000"),
        ("aucun_resultat", NO_MATCH),
    ]
    chosen = listing + [(f"recherche_{label}", {"q": query}) for label, query in searches]
    if scope is not None:
        chosen = [(name, {"epci": scope.pk, **params}) for name, params in chosen]
    return chosen


def results_of(html: str):
    found = COUNT_RE.search(html.replace("&nbsp;", " "))
    return int(re.sub(r"\D", "", found.group(1))) if found else None


def measure(client, url: str, name: str, params: dict, repeat: int) -> tuple[dict, list[float], str]:
    response, queries, _ = captured_get(client, url, params)
    times = timed_gets(client, url, params, repeat=repeat)
    html = response.content.decode()
    result = page_figures(response, queries, times)
    top = max(queries, key=lambda query: query["ms"], default={"ms": 0.0, "sql": ""})
    result.update(
        params=params,
        slowest_query_ms=round(top["ms"], 1),
        slowest_query=top["sql"][:100],
        results=results_of(html),
    )
    log(f"  {name}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, {result['queries']} requêtes SQL "
        f"({result['sql_ms']} ms), {result['results']} résultat(s)")  # fmt: skip
    return result, times, html


def scoped_counts(client, url: str, scope) -> dict:
    """Query count and results of each case restricted to `scope`, one request each."""
    counted = {}
    for name, params in cases(scope):
        response, queries, _ = captured_get(client, url, params)
        counted[name] = {"queries": len(queries), "results": results_of(response.content.decode())}
    return counted


def pooled_p95(samples: dict, prefixes: tuple[str, ...]) -> float:
    pooled = [t for name, times in samples.items() if name.startswith(prefixes) for t in times]
    return round(percentile(pooled, 0.95), 1)


def check_pages(per_case: dict, pages: dict, scope_epci) -> dict:
    """What the pages show is what the database holds."""
    from django.utils.html import escape

    from cooperer.actors.models import Structure

    active = Structure.objects.active()
    theme = per_case["filtre_theme"]["params"]["theme"]
    named = per_case["recherche_nom_complet"]["params"]["q"]
    searched = [
        name for name in per_case if name.startswith("recherche_") and name != "recherche_aucun_resultat"
    ]
    return {
        "list_count_is_active_structures": per_case["liste_page_1"]["results"] == active.count(),
        "epci_count_is_its_structures": per_case["filtre_epci"]["results"]
        == active.in_epci(scope_epci).count(),
        "theme_count_is_its_structures": per_case["filtre_theme"]["results"]
        == active.filter(themes=theme).count(),
        "theme_word_finds_its_structures": (per_case["recherche_mot_seul_theme"]["results"] or 0)
        >= active.filter(themes=theme).count(),
        "whole_name_finds_the_structure": escape(named) in pages["recherche_nom_complet"],
        "deep_page_rows": pages["liste_page_profonde"].count("<tr>") - 1,
        "searches_without_results": [name for name in searched if not per_case[name]["results"]],
        "no_match_results": per_case["recherche_aucun_resultat"]["results"],
    }


def main() -> None:
    args = parse_args()
    load_before = round(os.getloadavg()[0], 2)
    figures = open_national(args, log)

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from cooperer.accounts.models import User
    from cooperer.actors.models import CooperationLink, Structure, Theme
    from cooperer.core import national
    from cooperer.territories.models import Epci

    with planted():
        began = time.perf_counter()
        targets = national.bench_targets()
        user = User.objects.get(username=targets["accounts"]["animatrice"])
        log("objets plantés (annulés à la fin) : thématiques des structures qui n'en ont pas")
        plants = plant_themes(random.Random(args.seed))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # inside the transaction: it sees the planted rows
                cursor.execute("ANALYZE actors_structure, actors_structure_themes, actors_theme")
        generation_s = time.perf_counter() - began
        log(f"  objets plantés en {generation_s:.1f} s (texte de recherche {plants['search_text_s']} s)")

        client = Client(SERVER_NAME="localhost")  # an allowed host, no test environment needed
        client.force_login(user)
        url = reverse("actors:directory")
        structures = Structure.objects.count()
        links = CooperationLink.objects.count()
        log(f"annuaire entier ({structures} structures, {links} liens) : {args.repeat} requêtes par cas")
        per_case, samples, pages = {}, {}, {}
        for name, params in cases():
            per_case[name], samples[name], pages[name] = measure(client, url, name, params, args.repeat)

        by_size = (
            Epci.objects.filter(communes__structures__merged_into__isnull=True)
            .annotate(n=Count("communes__structures"))
            .order_by("n", "pk")
        )
        large = by_size.last()
        small = by_size.filter(n__gte=SMALL_SCOPE_LEAST).first() or large
        log(f"nombre de requêtes : petit EPCI ({small}, {small.n}) et grand EPCI ({large}, {large.n})")
        at_small = scoped_counts(client, url, small)
        at_large = scoped_counts(client, url, large)
        queries_small = {name: r["queries"] for name, r in at_small.items()}
        queries_large = {name: r["queries"] for name, r in at_large.items()}
        constant = queries_small == queries_large
        checks = check_pages(per_case, pages, Epci.objects.get(pk=per_case["filtre_epci"]["params"]["epci"]))

        worst_case = max(per_case, key=lambda name: per_case[name]["p95_ms"])
        worst_p95 = per_case[worst_case]["p95_ms"]
        at_target_size = structures >= TARGET_STRUCTURES and links >= TARGET_LINKS
        met = {
            "p95": worst_p95 <= TARGET_MS,
            "queries_constant": constant,
            "data_at_target_size": at_target_size,
        }
        result = {
            "bench": "directory",
            "database": connection.vendor,
            "database_version": database_version(connection),
            "page_cache": settings.COOPERER_PAGE_CACHE,
            "structures": structures,
            "structures_active": Structure.objects.active().count(),
            "links": links,
            "at_target_size": at_target_size,
            "list_p95_ms": pooled_p95(samples, ("liste_", "filtre_")),
            "search_p95_ms": pooled_p95(samples, ("recherche_",)),
            "worst_p95_ms": worst_p95,
            "worst_case": worst_case,
            "per_case": per_case,
            "small_scope": {"epci": small.name, "structures": small.n},
            "large_scope": {"epci": large.name, "structures": large.n},
            "queries_small_scope": queries_small,
            "queries_large_scope": queries_large,
            "queries_constant": constant,
            "results_small_scope": {name: r["results"] for name, r in at_small.items()},
            "results_large_scope": {name: r["results"] for name, r in at_large.items()},
            "checks": checks,
            "planted": {k: v for k, v in plants.items() if k != "search_text_s"},
            "repeat": args.repeat,
            "generation_s": round(generation_s, 1),
            "search_text_s": plants["search_text_s"],
            "targets": {"p95_ms": TARGET_MS, "structures": TARGET_STRUCTURES, "links": TARGET_LINKS},
            "target_ms": TARGET_MS,
            "met": met,
            "meets_target": all(met.values()),
            **figures,
            **machine(load_before, args.seed),
        }
        print(json.dumps(result, ensure_ascii=False))
    log("objets plantés annulés (rollback)")
    vacuum_planted(connection, [Structure, Structure.themes.through, Theme])


if __name__ == "__main__":
    main()
