"""Benchmark of a consultation's contributions list at scale: default list, search, filters, deep pages.

Issue target: 100,000 contributions in one consultation; the list (default, searched, filtered by theme and by
state, deep page) with a p95 ≤ 150 ms server-side on SQLite (and on PostgreSQL when DATABASE_URL is given),
and a number of SQL queries that does not grow with the data.

What is measured: `django.test.Client.get()` on `consultations:contributions` as an animatrice of the
consultation's EPCI (so the page carries the bulk forms and a checkbox per contribution), i.e. the whole
server-side path in-process (middleware, session, permission check, form, queries, template). Each case is
requested once under `CaptureQueriesContext` (query count, SQL time), then `--repeat` times for the wall times.
The same cases are first measured at a tenth of the data, to show that the query count stays the same.
Generating the data is timed apart and not part of the figures.

Database: a throw-away SQLite file in a temporary folder (COOPERER_VAR_DIR), or, when DATABASE_URL is set,
that database: it must be an empty scratch database; the script migrates it, refuses to run if it already
holds consultations, users or territories, and empties it at the end (`flush`) unless --keep.

Run: .venv/bin/python bench/contributions_list.py [--contributions 100000] [--repeat 30] [--seed 42]
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import sys
import tempfile
import time

TARGET_MS = 150
SMALL_SHARE = 10
HIDDEN_SHARE = 0.02
TAGGED_SHARE = 0.7
PAGE_SIZE = 50

OPENINGS = [
    "Il faudrait", "Nous voulons", "Ce serait bien d'avoir", "Il manque", "Les habitants demandent",
    "On aimerait", "Le quartier a besoin de", "Pourquoi pas", "Il n'y a plus", "Les jeunes veulent",
]  # fmt: skip
SUBJECTS = [
    "un médecin généraliste le samedi", "des bus le soir après 20 h", "un local pour les jeunes",
    "des jardins partagés au pied des tours", "une aire de jeux pour les enfants", "un ascenseur qui marche",
    "des activités sportives pour les filles", "une permanence pour l'accès aux droits", "des bancs à l'ombre",
    "une épicerie solidaire", "du soutien scolaire au collège", "un éclairage de la place le soir",
    "des associations mieux financées", "une fête de quartier chaque été", "une école rénovée",
    "des formations vers l'emploi", "une maison de santé", "moins de voitures devant l'école",
    "un terrain de football éclairé", "des cours de français pour adultes", "une bibliothèque ouverte le dimanche",
]  # fmt: skip
ENDINGS = [
    "", ".", " pour tout le monde.", " près du centre social.", " comme avant.", " vite, s'il vous plaît.",
    " avec les voisins.", " à Montreynaud.", " dans notre rue.", " et c'est urgent.",
]  # fmt: skip
QPVS = [
    ("QN04213M", "Montreynaud"), ("QN04214M", "Crêt De Roc - Soleil"), ("QN04215M", "Quartiers Sud-Est"),
    ("QN04216M", "Tarentaize - Beaubrun"), ("QN04217M", "La Cotonne"), ("QN04218M", "Marais"),
    ("QN04219M", "Solaure"), ("QN04220M", "Terrenoire"),
]  # fmt: skip
COUNT_RE = re.compile(r"(\d[\d\s\u202f\u00a0]*) contributions?\.")  # "98 012 contributions."
CAPPED_RE = re.compile(r"Plus de (\d[\d\s\u202f\u00a0]*) contributions")  # a search counts up to 1 000


def count_of(html: str):
    """The count the page shows: a number, or "> 1000" when a search stopped counting."""
    if capped := CAPPED_RE.search(html):
        return "> " + re.sub(r"\D", "", capped.group(1))
    found = COUNT_RE.search(html)
    return int(re.sub(r"\D", "", found.group(1))) if found else None


FIRST_DAY = datetime.datetime(2026, 9, 1, 9, tzinfo=datetime.UTC)
DAYS = 120


def log(message: str) -> None:
    print(f"[bench contributions_list] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Mesure la liste des contributions d'une concertation.")
    parser.add_argument("--contributions", type=int, default=100_000, help="nombre de contributions")
    parser.add_argument("--repeat", type=int, default=30, help="requêtes mesurées par cas (défaut 30)")
    parser.add_argument("--seed", type=int, default=42, help="graine du générateur aléatoire")
    parser.add_argument("--keep", action="store_true", help="garder la base (SQLite : le dossier temporaire)")
    args = parser.parse_args()
    if args.contributions < 100 * SMALL_SHARE or args.repeat < 1:
        parser.error(f"--contributions >= {100 * SMALL_SHARE} et --repeat >= 1 sont attendus.")
    return args


def setup_django(var_dir: str) -> None:
    os.environ["COOPERER_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cooperer.settings.test")
    import django

    django.setup()


def check_empty_database() -> None:
    from cooperer.accounts.models import User
    from cooperer.consultations.models import Consultation
    from cooperer.territories.models import Epci

    if any(model.objects.exists() for model in (Consultation, User, Epci)):
        print(
            "La base indiquée par DATABASE_URL contient déjà des données : pointez-la vers une base jetable vide.",
            file=sys.stderr,
        )
        sys.exit(2)


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.made = 0

    def setting(self):
        from cooperer.accounts.models import RoleAssignment, User
        from cooperer.consultations.models import Consultation, Session
        from cooperer.consultations.services import add_default_themes
        from cooperer.territories.models import Epci, Qpv

        self.epci = Epci.objects.create(siren="244200770", name="Saint-Étienne Métropole")
        qpvs = [Qpv.objects.create(code=code, name=name, generation=2024) for code, name in QPVS]
        self.consultation = Consultation.objects.create(
            title="Quartiers 2030", epci=self.epci, starts_on=FIRST_DAY.date(),
            ends_on=FIRST_DAY.date() + datetime.timedelta(days=DAYS), status="ouverte",
        )  # fmt: skip
        self.consultation.qpvs.set(qpvs)
        add_default_themes(self.consultation)
        self.themes = list(self.consultation.themes.all())
        self.sessions = [
            Session.objects.create(consultation=self.consultation, qpv=qpv, audience=audience, format="atelier",
                                   date=FIRST_DAY.date())
            for qpv in qpvs
            for audience in ("habitants", "professionnels", "jeunes")
        ]  # fmt: skip
        self.user = User.objects.create(username="bench", email="bench@example.org", first_name="Bench")
        RoleAssignment.objects.create(user=self.user, role="animation", epci=self.epci)

    def text(self) -> str:
        rng = self.rng
        parts = [f"{rng.choice(OPENINGS)} {rng.choice(SUBJECTS)}{rng.choice(ENDINGS)}"]
        if rng.random() < 0.4:
            parts.append(f"{rng.choice(OPENINGS)} aussi {rng.choice(SUBJECTS)}.")
        return " ".join(parts)

    def contributions(self, count: int) -> None:
        from cooperer.consultations.models import Contribution, ContributionTag

        rng = self.rng
        for start in range(0, count, 5000):
            batch = []
            for _ in range(min(5000, count - start)):
                session = rng.choice(self.sessions)
                created = FIRST_DAY + datetime.timedelta(seconds=rng.randrange(DAYS * 86400))
                hidden = rng.random() < HIDDEN_SHARE
                batch.append(
                    Contribution(
                        consultation=self.consultation, session=session, qpv_id=session.qpv_id,
                        audience=session.audience, kind=rng.choice(["constat", "aspiration", "proposition"]),
                        text=self.text(), source=rng.choice(["formulaire", "saisie_assistee", "import"]),
                        created_at=created, hidden_at=created if hidden else None,
                        hidden_reason="Propos injurieux" if hidden else "",
                    )
                )  # fmt: skip
            created = Contribution.objects.bulk_create(batch)
            ContributionTag.objects.bulk_create(
                ContributionTag(contribution=c, theme=rng.choice(self.themes), score=0.5, origin="auto")
                for c in created
                if rng.random() < TAGGED_SHARE
            )
            self.made += len(batch)
            log(f"  {self.made} contributions")


def cases(generator: Generator, total: int) -> list[tuple[str, dict]]:
    theme = generator.themes[0].pk
    deep = max(1, int(total * 0.9) // PAGE_SIZE)
    return [
        ("liste_page_1", {}),
        ("liste_compacte", {"display": "compact"}),
        ("liste_page_profonde", {"page": deep}),
        ("recherche_mot", {"q": "jeunes"}),
        ("recherche_accents_deux_mots", {"q": "Médecin généraliste"}),
        ("recherche_famille", {"q": "sportives"}),
        ("recherche_aucun_resultat", {"q": "xylophone"}),
        ("recherche_page_profonde", {"q": "jeunes", "page": max(1, deep // 20)}),
        ("filtre_theme", {"theme": theme}),
        ("filtre_theme_recherche", {"theme": theme, "q": "bus"}),
        ("filtre_etat_masquees", {"state": "masquees"}),
        ("filtre_etat_a_relire", {"state": "a_relire"}),
        ("filtre_etat_toutes_page_profonde", {"state": "toutes", "page": deep}),
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def measure(client, url: str, case_list, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    for name, params in case_list:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        sql = [float(query["time"]) * 1000 for query in captured.captured_queries]
        if response.status_code != 200:
            raise SystemExit(f"{name}: HTTP {response.status_code}")
        html = response.content.decode().replace("&nbsp;", " ")
        times, cpu = [], []
        for _ in range(repeat):
            began, began_cpu = time.perf_counter(), time.process_time()
            client.get(url, params)
            times.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
        results[name] = {
            "p50_ms": round(percentile(times, 0.5), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            # The process's CPU time (Python and SQLite run in it): what the page costs whatever the load.
            "cpu_p95_ms": round(percentile(cpu, 0.95), 1),
            "queries": len(sql),
            "sql_ms": round(sum(sql), 1),
            "results": count_of(html),
            "rows_on_page": html.count("<blockquote>") + html.count('<td class="text">'),
        }
        r = results[name]
        log(
            f"  {name}: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms (CPU {r['cpu_p95_ms']}), {r['queries']} requêtes, {r['results']} résultats"
        )
    return results


def settle(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main() -> None:
    args = parse_args()
    load_at_start = round(os.getloadavg()[0], 2)
    var_dir = tempfile.mkdtemp(prefix="cooperer-bench-contributions-")
    uses_database_url = bool(os.environ.get("DATABASE_URL"))
    setup_django(var_dir)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    may_flush = False
    try:
        log(f"base : {connection.vendor} ({'DATABASE_URL' if uses_database_url else var_dir})")
        call_command("migrate", verbosity=0, interactive=False)
        if uses_database_url:
            check_empty_database()
            may_flush = not args.keep
        generator = Generator(args.seed)
        generator.setting()
        small = args.contributions // SMALL_SHARE
        began = time.perf_counter()
        generator.contributions(small)
        generation_s = time.perf_counter() - began
        settle(connection)
        client = Client(SERVER_NAME="localhost")
        client.force_login(generator.user)
        url = reverse("consultations:contributions", args=[generator.consultation.pk])
        log(f"{small} contributions : mesure")
        at_small = measure(client, url, cases(generator, small), max(5, args.repeat // 3))
        began = time.perf_counter()
        generator.contributions(args.contributions - small)
        generation_s += time.perf_counter() - began
        settle(connection)
        log(f"{args.contributions} contributions : mesure ({args.repeat} requêtes par cas)")
        at_full = measure(client, url, cases(generator, args.contributions), args.repeat)
        queries_small = {name: r["queries"] for name, r in at_small.items()}
        queries_full = {name: r["queries"] for name, r in at_full.items()}
        worst_case = max(at_full, key=lambda name: at_full[name]["p95_ms"])
        worst_p95 = at_full[worst_case]["p95_ms"]
        result = {
            "bench": "contributions_list",
            "database": connection.vendor,
            "contributions": generator.made,
            "worst_p95_ms": worst_p95,
            "worst_case": worst_case,
            "worst_cpu_p95_ms": max(r["cpu_p95_ms"] for r in at_full.values()),
            "per_case": at_full,
            "queries_small": queries_small,
            "queries_full": queries_full,
            "queries_constant": queries_small == queries_full,
            "contributions_small": small,
            "per_case_small": {name: {k: r[k] for k in ("p50_ms", "p95_ms")} for name, r in at_small.items()},
            "repeat": args.repeat,
            "generation_s": round(generation_s, 1),
            "target_ms": TARGET_MS,
            "meets_target": worst_p95 <= TARGET_MS and queries_small == queries_full,
            "cpus": os.cpu_count(),
            "load_avg_1m_start_end": [load_at_start, round(os.getloadavg()[0], 2)],
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
            if args.keep:
                log(f"base gardée : {var_dir}")
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
