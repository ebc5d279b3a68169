"""Benchmark of a consultation's contributions list at scale, on the national data set: default list, search,
filters, deep pages.

Issue target: 100,000 contributions in one consultation; the list (default, searched, filtered by theme and by
state, deep page) with a p95 ≤ 150 ms server-side, and a number of SQL queries that does not grow with the
data.

What is measured: `django.test.Client.get()` on `consultations:contributions` as the animatrice of the
national data set, who animates the consultation's EPCI (so the page carries the bulk forms and a checkbox, a
theme form and a moderation form per contribution), i.e. the whole server-side path in-process (middleware,
session, permission check, form, queries, template). Cases: the first page, the compact list, a deep page
(nine tenths of the way), five searches (a common word, two accented words with a stop word, a word family
« associatives », a word found nowhere, a deep page of the common word), the theme filter alone and with a
search, and the states « masquées », « à relire » and « toutes » (deep page). Each case is requested once
under `CaptureQueriesContext` (`common.captured_get`: query count, SQL time), then `--repeat` times
(`common.timed_gets`) for the wall times; `cpu_mean_ms` is the process's CPU time per timed request (Python
and SQLite run in it).

Data: the national data set (`cooperer generate-national`, docs/national-dataset.md): the consultation of the
animatrice's EPCI (`national.bench_targets()`), its 12 themes and its sessions, her account, and for the
constant-queries check the consultation with the most contributions up to 5,000 among the others
(`SMALL_MOST`). The national consultations hold a few thousand contributions each (the animatrice's about
2,000 at scale 0.05, 40,000 at scale 1.0); none carries a theme and none was received in the last days. So the
script plants, on top of it (timed apart, `generation_s`), in both consultations: a theme proposed by the
analysis on 70 % of the contributions, and 1 % more contributions received in the last `RECENT_DAYS` days
through the public form, not moderated yet (what « à relire » lists); in the animatrice's consultation, the
contributions that bring it to `--contributions` (100,000), of the same shapes: the phrases of the national
generator (`national.OPENINGS`, `SUBJECTS`, `ENDINGS`, a third with a second sentence) with their search text
computed as it does, on the consultation's sessions with log-normal weights, dated over the 900 days before
the data set's date, 1 % hidden, 1 % received in the last days, 70 % with a theme; and an `animation` role for
the animatrice on the small consultation's EPCI (her roles are read in one query, whatever their number). The
cases run on the small consultation first (fewer requests, `per_case_small`), then on the 100,000:
`queries_small` and `queries_full` must be equal. The rows are written by `national.Writer` (COPY on
PostgreSQL, executemany on SQLite) with ids after the last one (nothing else writes contributions during the
run); the full-text index follows them as it follows the application's own writes (the FTS5 triggers on
SQLite, the generated `search_vector` and its GIN index on PostgreSQL), which
`checks.search_index_equals_scan` verifies (indexed matches of « Maison de santé » = matches of a scan of the
search texts). On PostgreSQL the script runs `ANALYZE` on the two tables, as autovacuum would; it cannot
`VACUUM` inside the transaction, so the planted rows are not in the visibility map and index-only scans over
them read the table too (deep pages are dearer than in a database in service). Everything planted, and every
write of the pages requested, is made in one transaction rolled back at the end (`common.planted`): the
national database is left as it was. On PostgreSQL the tables written are then vacuumed
(`common.vacuum_planted`): the rolled-back rows are dead, not gone, and would otherwise lengthen every scan of
the next run until autovacuum.

Database: DATABASE_URL (PostgreSQL), or the SQLite file of COOPERER_VAR_DIR (`--var-dir`, by default
var/national), as bench/pages.py. An empty database is first filled with `generate-national --scale --seed`
(timed apart, `national_generation_s`); a filled one is used as it is.

Run: PYTHONPATH=. .venv/bin/python bench/contributions_list.py --var-dir var/national [--contributions 100000]
         [--repeat 30] [--seed 42]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/cooperer_national PYTHONPATH=. .venv/bin/python \
         bench/contributions_list.py
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import datetime
import json
import os
import random
import re
import sys
import time

from common import (
    ROOT,
    add_national_arguments,
    captured_get,
    database_version,
    machine,
    open_national,
    page_figures,
    planted,
    timed_gets,
    vacuum_planted,
)

TARGET_MS = 150
TARGET_CONTRIBUTIONS = 100_000
HIDDEN_SHARE = 0.01
TAGGED_SHARE = 0.7
SMALL_MOST = 5000  # the consultation of the constant-queries check holds at most this many contributions
RECENT_SHARE = 0.01  # received in the last RECENT_DAYS days through the public form, not moderated yet
SPREAD_DAYS = 900  # the other contributions are dated over the days before national.NOW, as the national set
PAGE_SIZE = 50  # consultations.triage
COUNT_RE = re.compile(r"(\d[\d\s\u202f\u00a0]*) contributions?\.")  # "98 012 contributions."
CAPPED_RE = re.compile(r"Plus de (\d[\d\s\u202f\u00a0]*) contributions")  # a search counts up to 1 000
INDEX_CHECK = "Maison de santé"


def count_of(html: str):
    """The count the page shows: a number, or "> 1000" when a search stopped counting."""
    html = html.replace("&nbsp;", " ")
    if capped := CAPPED_RE.search(html):
        return "> " + re.sub(r"\D", "", capped.group(1))
    found = COUNT_RE.search(html)
    return int(re.sub(r"\D", "", found.group(1))) if found else None


def log(message: str) -> None:
    print(f"[bench contributions_list] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Mesure la liste des contributions d'une concertation sur le jeu national."
    )
    parser.add_argument(
        "--contributions",
        type=int,
        default=TARGET_CONTRIBUTIONS,
        help="contributions de la concertation une fois complétée (défaut 100 000)",
    )
    parser.add_argument("--repeat", type=int, default=30, help="requêtes mesurées par cas (défaut 30)")
    parser.add_argument("--seed", type=int, default=42, help="graine du générateur aléatoire")
    add_national_arguments(parser, str(ROOT / "var" / "national"))
    args = parser.parse_args()
    if args.contributions < 1 or args.repeat < 1:
        parser.error("--contributions >= 1 et --repeat >= 1 sont attendus.")
    return args


class Planter:
    """What a consultation of the national data set lacks, written with `national.Writer`."""

    def __init__(self, rng: random.Random, consultation):
        from django.utils import timezone

        from cooperer.core import national

        self.rng, self.consultation = rng, consultation
        self.now = timezone.now()
        self.writer = national.Writer()
        self.themes = list(consultation.themes.order_by("pk").values_list("pk", flat=True))
        self.sessions = list(consultation.sessions.order_by("pk").values_list("pk", "qpv_id", "audience"))
        self.weights = [rng.lognormvariate(0, 0.8) for _ in self.sessions]
        self.national = consultation.contributions.count()
        self.counts = {"contributions": 0, "recent": 0, "tags": 0}

    def complete(self, total: int) -> None:
        """Themes proposed on the contributions that have none; 1 % more contributions received in the last days;
        then as many more as bring the consultation to `total` (1 % of them recent too), with their themes."""
        self.tags(
            self.consultation.contributions.filter(tags__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        recent = max(1, round(self.national * RECENT_SHARE))
        self.tags(self.contributions(recent, recent))
        wanted = max(0, total - self.national - recent)
        self.tags(self.contributions(wanted, round(wanted * RECENT_SHARE)))

    def tags(self, ids) -> None:
        from cooperer.consultations.models import ContributionTag

        rng = self.rng
        rows = [
            (pk, rng.choice(self.themes), round(rng.uniform(0.3, 0.9), 2), "auto")
            for pk in ids
            if rng.random() < TAGGED_SHARE
        ]
        self.counts["tags"] += self.writer.insert(
            ContributionTag, ["contribution_id", "theme_id", "score", "origin"], rows
        )

    def contributions(self, count: int, recent: int) -> list[int]:
        """`count` contributions, the first `recent` of them received in the last days through the form."""
        from django.db.models import Max

        from cooperer.consultations.models import RECENT_DAYS, Contribution
        from cooperer.core import national
        from cooperer.core.text import search_document

        rng = self.rng
        start = (Contribution.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        ids = list(range(start, start + count))

        def rows():
            for number, pk in enumerate(ids):
                session, qpv, audience = rng.choices(self.sessions, weights=self.weights)[0]
                parts = [
                    rng.choice(national.OPENINGS),
                    rng.choice(national.SUBJECTS),
                    rng.choice(national.ENDINGS),
                ]
                text = f"{parts[0]} {parts[1]}{parts[2]}"
                if rng.random() < 0.35:
                    parts += [rng.choice(national.OPENINGS), "aussi", rng.choice(national.SUBJECTS), "."]
                    text += f" {parts[3]} aussi {parts[5]}."
                if number < recent:
                    created = self.now - datetime.timedelta(seconds=rng.randrange((RECENT_DAYS - 1) * 86400))
                    source, hidden = "formulaire", False
                else:
                    created = national.NOW - datetime.timedelta(seconds=rng.randrange(SPREAD_DAYS * 86400))
                    source = rng.choice(["formulaire", "saisie_assistee", "import"])
                    hidden = rng.random() < HIDDEN_SHARE
                yield (pk, self.consultation.pk, session, qpv, audience,
                       rng.choice(["constat", "aspiration", "proposition", "ressource"]), text, source, created,
                       created if hidden else None, "Propos injurieux (fictif)" if hidden else "", True,
                       search_document(*parts))  # fmt: skip

        self.counts["contributions"] += self.writer.insert(
            Contribution, ["id", "consultation_id", "session_id", "qpv_id", "audience", "kind", "text", "source",
                           "created_at", "hidden_at", "hidden_reason", "is_demo", "search_text"], rows(),
        )  # fmt: skip
        self.counts["recent"] += recent
        return ids


def small_consultation(large):
    """The consultation of the national set, other than `large`, with the most contributions up to SMALL_MOST."""
    from django.db.models import Count

    from cooperer.consultations.models import Consultation

    found = (
        Consultation.objects.exclude(pk=large.pk)
        .annotate(n=Count("contributions"))
        .filter(n__lte=SMALL_MOST)
        .order_by("-n", "pk")
        .first()
    )
    if found is None:
        raise SystemExit(
            f"Aucune autre concertation de {SMALL_MOST} contributions au plus dans le jeu national."
        )
    return found


def analyze(connection) -> None:
    """What autovacuum would do after such a load (PostgreSQL; inside the transaction, it sees the planted rows)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE consultations_contribution, consultations_contributiontag")


def cases(theme: int, total: int) -> list[tuple[str, dict]]:
    deep = max(1, int(total * 0.9) // PAGE_SIZE)
    return [
        ("liste_page_1", {}),
        ("liste_compacte", {"display": "compact"}),
        ("liste_page_profonde", {"page": deep}),
        ("recherche_mot", {"q": "jeunes"}),
        ("recherche_accents_deux_mots", {"q": "Maison de santé"}),
        ("recherche_famille", {"q": "associatives"}),
        ("recherche_aucun_resultat", {"q": "xylophone"}),
        ("recherche_page_profonde", {"q": "jeunes", "page": max(1, deep // 20)}),
        ("filtre_theme", {"theme": theme}),
        ("filtre_theme_recherche", {"theme": theme, "q": "bus"}),
        ("filtre_etat_masquees", {"state": "masquees"}),
        ("filtre_etat_a_relire", {"state": "a_relire"}),
        ("filtre_etat_toutes_page_profonde", {"state": "toutes", "page": deep}),
    ]


def measure(client, url: str, case_list, repeat: int) -> dict:
    results = {}
    for name, params in case_list:
        response, queries, _ = captured_get(client, url, params)
        began_cpu = time.process_time()
        times = timed_gets(client, url, params, repeat=repeat)
        cpu_ms = (time.process_time() - began_cpu) * 1000 / repeat
        html = response.content.decode()
        r = results[name] = page_figures(response, queries, times)
        r.update(
            params=params,
            cpu_mean_ms=round(cpu_ms, 1),
            results=count_of(html),
            rows_on_page=html.count("<blockquote>") + html.count('<td class="text">'),
        )
        log(f"  {name}: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms (CPU {r['cpu_mean_ms']}), "
            f"{r['queries']} requêtes, {r['results']} résultats")  # fmt: skip
    return results


def check(consultation, per_case: dict) -> dict:
    """What the pages show is what the database holds; the full-text index sees the planted rows."""
    from cooperer.core.text import query_terms

    items = consultation.contributions.all()
    theme = per_case["filtre_theme"]["params"]["theme"]
    scanned = items
    for alternatives in query_terms(INDEX_CHECK):
        scanned = scanned.filter(search_text__contains=f" {alternatives[0]}")
    indexed = items.matching(INDEX_CHECK).count()
    return {
        "list_count_is_visible": per_case["liste_page_1"]["results"] == items.visible().count(),
        "hidden_count": per_case["filtre_etat_masquees"]["results"]
        == items.filter(hidden_at__isnull=False).count(),
        "to_review_count": per_case["filtre_etat_a_relire"]["results"] == items.to_review().count(),
        "theme_count": per_case["filtre_theme"]["results"]
        == items.visible().filter(tags__theme=theme).count(),
        "all_count": per_case["filtre_etat_toutes_page_profonde"]["results"] == items.count(),
        "full_pages": sorted(
            {r["rows_on_page"] for n, r in per_case.items() if n != "recherche_aucun_resultat"}
        ),
        "search_index_matches": indexed,
        "search_index_equals_scan": indexed == scanned.count(),
    }


def main() -> None:
    args = parse_args()
    load_at_start = round(os.getloadavg()[0], 2)
    figures = open_national(args, log)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from cooperer.accounts.models import RoleAssignment, User
    from cooperer.consultations.models import Contribution, ContributionTag
    from cooperer.core import national

    with planted():
        began = time.perf_counter()
        targets = national.bench_targets()
        user = User.objects.get(username=targets["accounts"]["animatrice"])
        rng = random.Random(args.seed)
        large = Planter(rng, targets["consultation"])
        consultation = large.consultation
        small = Planter(rng, small_consultation(consultation))
        log(f"concertation « {consultation} » ({targets['epci']}) : {large.national} contributions du jeu "
            f"national ; concertation de comparaison « {small.consultation} » : {small.national}")  # fmt: skip
        log(f"objets plantés (annulés à la fin) : {args.contributions} contributions, thèmes proposés")
        # the animatrice animates the EPCI of the small consultation too (her roles are read in one query)
        RoleAssignment.objects.get_or_create(user=user, role="animation", epci=small.consultation.epci)
        small.complete(0)
        large.complete(args.contributions)
        analyze(connection)
        generation_s = time.perf_counter() - began
        log(f"  objets plantés en {generation_s:.1f} s")

        client = Client(SERVER_NAME="localhost")  # an allowed host, no test environment needed
        client.force_login(user)
        small_count = small.consultation.contributions.count()
        small_repeat = max(5, args.repeat // 3)
        log(f"{small_count} contributions : mesure ({small_repeat} requêtes par cas)")
        at_small = measure(
            client,
            reverse("consultations:contributions", args=[small.consultation.pk]),
            cases(small.themes[0], small_count),
            small_repeat,
        )
        total = consultation.contributions.count()
        log(f"{total} contributions : mesure ({args.repeat} requêtes par cas)")
        at_full = measure(
            client,
            reverse("consultations:contributions", args=[consultation.pk]),
            cases(large.themes[0], total),
            args.repeat,
        )
        checks = check(consultation, at_full)

        queries_small = {name: r["queries"] for name, r in at_small.items()}
        queries_full = {name: r["queries"] for name, r in at_full.items()}
        constant = queries_small == queries_full
        worst_case = max(at_full, key=lambda name: at_full[name]["p95_ms"])
        worst_p95 = at_full[worst_case]["p95_ms"]
        met = {
            "p95": worst_p95 <= TARGET_MS,
            "queries_constant": constant,
            "data_at_target_size": total >= TARGET_CONTRIBUTIONS,
        }
        result = {
            "bench": "contributions_list",
            "database": connection.vendor,
            "database_version": database_version(connection),
            "page_cache": settings.COOPERER_PAGE_CACHE,
            "epci": targets["epci"].name,
            "consultation": consultation.title,
            "contributions": total,
            "contributions_visible": consultation.contributions.visible().count(),
            "contributions_national": large.national,
            "planted": large.counts,
            "worst_p95_ms": worst_p95,
            "worst_case": worst_case,
            "worst_cpu_mean_ms": max(r["cpu_mean_ms"] for r in at_full.values()),
            "per_case": at_full,
            "queries_small": queries_small,
            "queries_full": queries_full,
            "queries_constant": constant,
            "consultation_small": small.consultation.title,
            "contributions_small": small_count,
            "contributions_small_national": small.national,
            "planted_small": small.counts,
            "per_case_small": {
                name: {k: r[k] for k in ("p50_ms", "p95_ms", "results")} for name, r in at_small.items()
            },
            "checks": checks,
            "repeat": args.repeat,
            "repeat_small": small_repeat,
            "generation_s": round(generation_s, 1),
            "targets": {"p95_ms": TARGET_MS, "contributions": TARGET_CONTRIBUTIONS},
            "target_ms": TARGET_MS,
            "met": met,
            "meets_target": all(met.values()),
            **figures,
            **machine(load_at_start, args.seed),
        }
        print(json.dumps(result, ensure_ascii=False))
    log("objets plantés annulés (rollback)")
    vacuum_planted(connection, [Contribution, ContributionTag, RoleAssignment])


if __name__ == "__main__":
    main()
