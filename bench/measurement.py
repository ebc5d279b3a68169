"""Benchmark of shared measurement (`cooperer.measurement`) on the national data set, server-side.

Issue targets: dashboards and outcome pages with 1,000,000 measurements, 20,000 applications and the 1,584 QPVs
answer in ≤ 100 ms p95 server-side on SQLite and on PostgreSQL with constant query counts; an import of 100,000
measurements takes ≤ 30 s; the annual report of a contract at that scale ≤ 30 s.

Data: the national data set (`cooperer generate-national`, docs/national-dataset.md), which holds at scale 1.0 the
1,584 real QPVs with their context indicators, 20,000 applications, the bilans of the funded actions, 1,000,000
measurements and their running totals (`Rollup`). The large contract is the one of `national.bench_targets()`
(the contract of the real EPCI with the most QPVs, its contract vision, the accounts of the animatrice and of the
délégué du préfet); the small one is the contract of another EPCI, with a contract vision and funded actions,
whose number of applications is nearest to a tenth of the large one's (ties: the first by id). The public page of
each is that of its QPV with the most funded actions (ties: the first by code), so that its lists are not empty.
The national visions have elements but no theory of change, so the script plants on top of it (not timed,
bulk_create): `OUTCOMES` outcomes on each of the two contract visions, attached to its elements in turn, and
`QPV_OUTCOMES` on the vision of each public page's QPV, each followed by an outcome indicator of the EPCI (baseline
2023, target 2030) with a value for 2023, 2024 and 2025; the running totals of those outcomes, computed from the
measurements of the actions whose scopes include them (`services.application_scopes`), as `services.record` would
have left them; an animatrice and an instructor (État) of the small contract's EPCI. Everything planted, every
write of the pages requested, the import and the annual report are made in one transaction rolled back at the end
(`common.planted`): the national database is left as it was.

Measured: each page with `django.test.Client` (middleware, session, permission check, queries, template) as the
animatrice, the délégué du préfet, or anonymously for public pages: a warm-up (it fills the figures cached under
the applications' write stamps, `measurement.services.cached`), one request under CaptureQueriesContext (queries,
SQL time), then `--repeat` timed requests (p50, p95, max); then `after_change_max_ms`, the slowest of
`AFTER_CHANGE` requests each made just after the measurement application's write stamp is raised (the cached
figures recomputed, as after any write; `after_change_queries`: the queries of such a request). The page cache
(ADR 017) is off (`open_national`): what stays warm is the measurement figures' own cache. The same pages of the
small contract, as its own accounts, give the query counts compared (`queries_small`, `queries_constant`). Then,
in the same transaction: `services.record` of `--import-rows` new daily values of the three bilan indicators of
the large contract's funded actions (of every funded action of the national set when the contract's cannot hold
that many up to today), wall time, judged against the target only at 100,000 rows and more (the running totals it
moves do not grow with the rows); then the annual report job of the large contract (`copil_report`, started with
`start_job` as the dashboard starts it, run in-process by its task), wall time.

Database: DATABASE_URL (PostgreSQL), or the SQLite file of COOPERER_VAR_DIR (`--var-dir`, by default
var/national), as bench/pages.py. An empty database is first filled with `generate-national --scale --seed`
(timed apart, `national_generation_s`); a filled one is used as it is. On PostgreSQL the script runs `ANALYZE`
after planting, inside the transaction (it sees the planted rows), as autovacuum would.

Run: PYTHONPATH=. .venv/bin/python bench/measurement.py --var-dir var/national [--repeat 30] [--import-rows 100000]
         [--seed 42]
     PYTHONPATH=. .venv/bin/python bench/measurement.py --var-dir var/national --quick     # small sizes
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/cooperer_national PYTHONPATH=. .venv/bin/python \
         bench/measurement.py
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from collections import defaultdict
from decimal import Decimal

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
)

TARGET_PAGE_MS = 100
TARGET_IMPORT_S = 30
TARGET_IMPORT_ROWS = 100_000
TARGET_REPORT_S = 30
REPORT_YEAR = 2025
OUTCOMES = 40  # on each contract vision, attached to its elements in turn
QPV_OUTCOMES = 10  # on the vision of the QPV of the public page
AFTER_CHANGE = 3  # requests each made just after a write stamp is raised
OUTCOME_YEARS = (2023, 2024, 2025)
BILAN_INDICATORS = ["personnes_touchees", "habitants_qpv_touches", "seances"]
QUICK = {"repeat": 5, "import_rows": 5000}
ACCOUNT_DOMAIN = "banc-essai.cooperer.fr"


def log(message: str) -> None:
    print(f"[bench measurement] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Mesure les pages de la mesure partagée, l'import de mesures et le rapport annuel sur le jeu "
        "national."
    )
    parser.add_argument("--repeat", type=int, default=30, help="requêtes mesurées par page (défaut 30)")
    parser.add_argument(
        "--import-rows", type=int, default=TARGET_IMPORT_ROWS, help="mesures importées (défaut 100 000)"
    )
    parser.add_argument("--seed", type=int, default=42, help="graine du générateur aléatoire")
    parser.add_argument("--quick", action="store_true", help="petites tailles : " + json.dumps(QUICK))
    add_national_arguments(parser, str(ROOT / "var" / "national"))
    args = parser.parse_args()
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    if args.repeat < 1 or args.import_rows < 1:
        parser.error("--repeat >= 1 et --import-rows >= 1 sont attendus.")
    return args


class Builder:
    """What the benchmark reads of the national data set, and what it plants on top of it."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.contracts: dict[str, dict] = {}

    # --- What the national data set gives -------------------------------------------------------------

    def national(self) -> None:
        from django.db.models import Count, Q

        from cooperer.accounts.models import User
        from cooperer.core import national
        from cooperer.territories.models import ContratDeVille
        from cooperer.visions.models import Vision

        targets = national.bench_targets()
        self.animator = User.objects.get(username=targets["accounts"]["animatrice"])
        self.instructor = User.objects.get(username=targets["accounts"]["delegue.prefet"])
        large = targets["contract"]
        with_counts = ContratDeVille.objects.annotate(
            n=Count("calls__applications", distinct=True),
            funded=Count(
                "calls__applications", filter=Q(calls__applications__bilans__isnull=False), distinct=True
            ),
        )
        large_counts = with_counts.get(pk=large.pk)
        wanted = max(1, large_counts.n // 10)
        candidates = (
            with_counts.exclude(pilot_epci=targets["epci"])
            .filter(funded__gt=0, visions__scope_kind="contrat")
            .distinct()
            .order_by("pk")
        )
        small = min(candidates, key=lambda c: (abs(c.n - wanted), c.pk), default=None)
        if small is None:
            raise SystemExit(
                "Aucun autre contrat de ville n'a d'actions financées ni de vision : générez le jeu national à "
                "une échelle plus grande (--scale)."
            )
        for name, contract, counts, vision in (
            ("large", large, large_counts, targets["vision"]),
            ("small", small, small, None),
        ):
            vision = (
                vision
                or Vision.objects.filter(contract=contract, scope_kind="contrat").order_by("pk").first()
            )
            qpv = (  # the public page of the QPV with the most funded actions: its lists are not empty
                contract.qpvs.annotate(
                    funded=Count("applications", filter=Q(applications__bilans__isnull=False), distinct=True)
                )
                .order_by("-funded", "code")
                .first()
            )
            self.contracts[name] = {
                "contract": contract, "vision": vision, "qpv": qpv, "applications": counts.n,
                "funded": counts.funded, "qpvs": contract.qpvs.count(),
                "qpv_vision": Vision.objects.filter(qpv=qpv, scope_kind="qpv").order_by("pk").first(),
            }  # fmt: skip

    # --- Planted ----------------------------------------------------------------------------------------

    def accounts(self) -> None:
        """An animatrice and an instructor (État) of the small contract's EPCI, who read its pages."""
        from cooperer.accounts.enums import Funder, Role
        from cooperer.accounts.models import RoleAssignment, User

        epci = self.contracts["small"]["contract"].pilot_epci
        self.small_animator = User.objects.create_user(
            f"animation.petit-contrat@{ACCOUNT_DOMAIN}",
            f"animation.petit-contrat@{ACCOUNT_DOMAIN}",
            None,
            is_demo=True,
        )
        RoleAssignment.objects.create(user=self.small_animator, role=Role.ANIMATION, epci=epci)
        self.small_instructor = User.objects.create_user(
            f"etat.petit-contrat@{ACCOUNT_DOMAIN}", f"etat.petit-contrat@{ACCOUNT_DOMAIN}", None, is_demo=True
        )
        RoleAssignment.objects.create(
            user=self.small_instructor, role=Role.INSTRUCTION, epci=epci, funder=Funder.STATE
        )

    def outcomes(self) -> int:
        """Outcomes with an outcome indicator, its baseline, target and yearly values on the followed version of
        each contract vision and of each public page's QPV vision. Returns how many measurements were written."""
        from cooperer.measurement.enums import IndicatorKind, MeasurementSource, Polarity, Unit
        from cooperer.measurement.models import Indicator, Measurement, OutcomeIndicator
        from cooperer.measurement.rollup import followed_version
        from cooperer.visions.enums import Horizon, Level
        from cooperer.visions.models import Outcome

        horizons = [Horizon.SHORT, Horizon.INTERMEDIATE, Horizon.LONG]
        levels = [Level.POPULATION, Level.PRACTICES, Level.COOPERATION]
        measurements = []
        for name, data in self.contracts.items():
            epci = data["contract"].pilot_epci
            indicator = Indicator.objects.create(
                epci=epci, code=f"resultat_banc_essai_{name}", name="Part des habitants qui se sentent écoutés",
                kind=IndicatorKind.OUTCOME, unit=Unit.PERCENT, polarity=Polarity.UP, additive=False, maximum=100,
                is_demo=True,
            )  # fmt: skip
            data["outcomes"] = {}
            theories = [("contract", data["vision"], OUTCOMES), ("qpv", data["qpv_vision"], QPV_OUTCOMES)]
            for kind, vision, count in theories:
                if vision is None:
                    continue
                version = followed_version(vision)
                elements = list(version.elements.order_by("position", "pk"))
                outcomes = Outcome.objects.bulk_create(
                    Outcome(version=version, key=f"{self.rng.getrandbits(48):012x}", text=f"Changement attendu n° {i + 1} (fictif)",
                            horizon=horizons[i % 3], level=levels[(i // 3) % 3], element=elements[i % len(elements)])
                    for i in range(count)
                )  # fmt: skip
                OutcomeIndicator.objects.bulk_create(
                    OutcomeIndicator(vision=vision, outcome_key=o.key, indicator=indicator, baseline=40,
                                     baseline_year=OUTCOME_YEARS[0], target=60, target_year=2030)
                    for o in outcomes
                )  # fmt: skip
                for o in outcomes:
                    value = 40
                    for year in OUTCOME_YEARS:
                        measurements.append(Measurement(
                            indicator=indicator, vision=vision, outcome_key=o.key, epci=epci,
                            scope_key=Measurement.scope_for(vision_id=vision.pk, outcome_key=o.key),
                            value=Decimal(value), source=MeasurementSource.COMMAND,
                            source_label="banc d'essai (fictif)",
                            period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
                        ))  # fmt: skip
                        value += self.rng.randint(0, 4)
                data["outcomes"][kind] = outcomes
        Measurement.objects.bulk_create(measurements, batch_size=2000)
        return len(measurements)

    def outcome_rollups(self) -> int:
        """The running totals of the planted outcomes, as `services.record` would have left them: the validated
        values of additive indicators of every action whose scopes (`services.application_scopes`) include them."""
        from cooperer.calls.models import Application
        from cooperer.measurement.models import Indicator, Measurement, Rollup
        from cooperer.measurement.services import application_scopes

        planted = {
            f"outcome:{o.version.vision_id}:{o.key}"
            for data in self.contracts.values()
            for outcomes in data["outcomes"].values()
            for o in outcomes
        }
        ids = list(
            Application.objects.filter(
                call__contract__in=[d["contract"] for d in self.contracts.values()],
                measurements__isnull=False,
            )
            .values_list("pk", flat=True)
            .distinct()
        )
        scopes = {}
        for start in range(0, len(ids), 2000):
            for pk, keys in application_scopes(ids[start : start + 2000]).items():
                scopes[pk] = [key for key in keys if key in planted]
        additive = set(Indicator.objects.filter(additive=True).values_list("pk", flat=True))
        totals = defaultdict(lambda: [Decimal(0), 0])
        rows = (
            Measurement.objects.filter(
                application_id__in=[pk for pk, keys in scopes.items() if keys],
                validated=True,
                value__isnull=False,
                indicator_id__in=additive,
            )
            .values_list("application_id", "indicator_id", "period_end", "value")
            .iterator(chunk_size=20000)
        )
        for application_id, indicator_id, end, value in rows:
            for scope in scopes[application_id]:
                cell = totals[(scope, indicator_id, end.year)]
                cell[0] += value
                cell[1] += 1
        Rollup.objects.bulk_create(
            (Rollup(scope=s, indicator_id=i, year=y, total=t, count=c) for (s, i, y), (t, c) in sorted(totals.items())),
            batch_size=2000,
        )  # fmt: skip
        return len(totals)


def pages(data: dict, animator, instructor) -> dict:
    """The pages measured, by name: (url, user) — user None for a public page."""
    from django.urls import reverse

    contract, vision = data["contract"], data["vision"]
    version_elements = list(vision.versions.get().elements.order_by("position", "pk"))
    outcome = data["outcomes"]["contract"][0]
    return {
        "home_animator": (reverse("measurement:home"), animator),
        "copil_dashboard": (reverse("measurement:copil_dashboard", args=[contract.slug]), animator),
        "outcome_page": (reverse("measurement:outcome", args=[vision.pk, outcome.key]), animator),
        "element_page": (reverse("measurement:element", args=[vision.pk, version_elements[0].key]), animator),
        "vision_follow_up": (reverse("measurement:vision_follow_up", args=[vision.pk]), animator),
        "proof_contract": (reverse("measurement:proof_contract", args=[contract.slug]), None),
        "indicator_library": (reverse("measurement:indicators"), animator),
        "bilans_to_review": (reverse("measurement:bilans"), instructor),
        "bilans_all_states": (reverse("measurement:bilans") + "?liste=a_examiner&etat=", instructor),
        "home_instructor": (reverse("measurement:home"), instructor),
        "public_follow_up": (reverse("public_follow_up", args=[data["qpv"].code]), None),
    }


def measure_page(client, url: str, repeat: int) -> dict:
    from cooperer.core import pagecache, stamps

    client.get(url)  # warm-up: templates, query plans, the figures cached under the write stamps
    response, queries, _ = captured_get(client, url)
    result = page_figures(response, queries, timed_gets(client, url, repeat=repeat))
    after_change = []
    for _ in range(
        AFTER_CHANGE
    ):  # the first request after a write: the figures cached under the stamp recomputed
        stamps.bump(pagecache.stamp_name("measurement"))
        after_change.extend(timed_gets(client, url))
    stamps.bump(pagecache.stamp_name("measurement"))
    result["after_change_queries"] = len(captured_get(client, url)[1])
    result["after_change_max_ms"] = round(max(after_change), 1)
    return result


def query_count(client, url: str) -> int:
    client.get(url)
    return len(captured_get(client, url)[1])


def measure_import(import_rows: int, contract) -> dict:
    """`services.record` of new daily values of the three bilan indicators of the contract's funded actions (those
    with an evaluation plan), spread over the actions, then the indicators, then the days; over the funded actions
    of the whole national set when the contract's cannot hold that many values up to today."""
    from django.utils import timezone

    from cooperer.calls.models import Application
    from cooperer.measurement import services
    from cooperer.measurement.enums import MeasurementSource
    from cooperer.measurement.models import Indicator, Rollup

    indicators = [Indicator.objects.get(code=code, epci__isnull=True) for code in BILAN_INDICATORS]
    planned = (
        Application.objects.filter(bilans__obligations__indicator=indicators[0])
        .select_related("call", "decision")
        .distinct()
        .order_by("pk")
    )
    today = timezone.localdate()
    spread, funded, capacity = None, [], 0
    for name, query in (("contract", planned.filter(call__contract=contract)), ("national", planned)):
        funded = list(query)
        per_day = len(funded) * len(indicators)
        capacity = per_day * min((min(a.ends_on, today) - a.starts_on).days + 1 for a in funded)
        if import_rows <= capacity:
            spread = name
            break
    if spread is None:
        raise SystemExit(
            f"--import-rows {import_rows} : au plus {capacity} valeurs nouvelles jusqu'à aujourd'hui sur les "
            f"{len(funded)} actions financées du jeu national."
        )
    rows = []
    for index in range(import_rows):
        application = funded[index % len(funded)]
        indicator = indicators[(index // len(funded)) % len(indicators)]
        day = application.starts_on + datetime.timedelta(days=index // per_day)
        rows.append(services.Row(indicator=indicator, value=Decimal(5), period_start=day, period_end=day,
                                 application=application, line=index + 2))  # fmt: skip
    rollups = Rollup.objects.count()
    began = time.perf_counter()
    summary = services.record(rows, source=MeasurementSource.UPLOAD)
    seconds = time.perf_counter() - began
    at_size = len(rows) >= TARGET_IMPORT_ROWS
    return {
        "rows": len(rows), "actions": len(funded), "spread": spread, "seconds": round(seconds, 1),
        "rows_per_s": round(len(rows) / seconds), "rollups_created": Rollup.objects.count() - rollups,
        **summary, "target_rows": TARGET_IMPORT_ROWS, "target_s": TARGET_IMPORT_S,
        # Below the target's size nothing is judged: the running totals touched do not grow with the rows.
        "met": seconds <= TARGET_IMPORT_S if at_size else None,
    }  # fmt: skip


def measure_report(data: dict, user) -> dict:
    """The annual report job of the contract, started as the dashboard starts it and run by its task here."""
    from cooperer.jobs.enums import JobStatus
    from cooperer.jobs.models import Job
    from cooperer.jobs.services import run_job, start_job
    from cooperer.measurement import jobs_copil  # noqa: F401  (registers the job's handler)
    from cooperer.measurement.enums import ReportKind
    from cooperer.measurement.models import Report

    contract = data["contract"]
    job = start_job(
        "copil_report", f"Rapport annuel {REPORT_YEAR} — {contract.name}",
        {"contract": contract.pk, "year": REPORT_YEAR, "kind": ReportKind.ANNUAL}, user,
    )  # fmt: skip
    began = time.perf_counter()
    run_job.call(job.pk)
    seconds = time.perf_counter() - began
    job = Job.objects.get(pk=job.pk)
    report = Report.objects.filter(job=job).first()
    return {
        "contract_applications": data["applications"], "year": REPORT_YEAR, "status": job.status,
        "seconds": round(seconds, 2), "outcomes": len(report.data["outcomes"]) if report else None,
        "target_s": TARGET_REPORT_S, "met": job.status == JobStatus.SUCCEEDED and seconds <= TARGET_REPORT_S,
    }  # fmt: skip


def main() -> None:
    args = parse_args()
    load_before = round(os.getloadavg()[0], 2)
    figures = open_national(args, log)

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from cooperer.calls.models import Application
    from cooperer.measurement.models import Measurement
    from cooperer.territories.models import Qpv

    with planted():
        began = time.perf_counter()
        builder = Builder(args.seed)
        builder.national()
        for name, data in builder.contracts.items():
            log(
                f"contrat {name} : {data['contract']} ({data['applications']} demandes, {data['funded']} financées)"
            )
        builder.accounts()
        outcome_values = builder.outcomes()
        outcome_rollups = builder.outcome_rollups()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # inside the transaction: it sees the planted rows
        generation_s = time.perf_counter() - began
        log(f"objets plantés en {generation_s:.1f} s (annulés à la fin)")

        large = builder.contracts["large"]
        small = builder.contracts["small"]
        large_pages = pages(large, builder.animator, builder.instructor)
        small_pages = pages(small, builder.small_animator, builder.small_instructor)
        clients = {}
        for user in (
            builder.animator,
            builder.instructor,
            builder.small_animator,
            builder.small_instructor,
            None,
        ):
            clients[user] = Client(SERVER_NAME="localhost")  # an allowed host, no test environment needed
            if user is not None:
                clients[user].force_login(user)
        per_page = {}
        for name, (url, user) in large_pages.items():
            result = measure_page(clients[user], url, args.repeat)
            small_url, small_user = small_pages[name]
            result["queries_small"] = query_count(clients[small_user], small_url)
            result["queries_constant"] = result["queries"] == result["queries_small"]
            per_page[name] = result
            log(f"  {name} : p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, après écriture "
                f"{result['after_change_max_ms']} ms, {result['queries']} requêtes SQL "
                f"({result['queries_small']} sur le petit contrat)")  # fmt: skip
        worst_page = max(per_page, key=lambda page: per_page[page]["p95_ms"])
        worst_after = max(per_page, key=lambda page: per_page[page]["after_change_max_ms"])
        constant = all(result["queries_constant"] for result in per_page.values())
        measurements = Measurement.objects.count()
        log(f"import de {args.import_rows} mesures")
        imported = measure_import(args.import_rows, large["contract"])
        log(f"  {imported['seconds']} s")
        log("rapport annuel du grand contrat")
        report = measure_report(large, builder.animator)
        log(f"  {report['seconds']} s")
        met = {
            "pages_p95": per_page[worst_page]["p95_ms"] <= TARGET_PAGE_MS,
            "queries_constant": constant,
            "import": imported["met"],
            "annual_report": report["met"],
        }
        result = {
            "bench": "measurement",
            "engine": connection.vendor,
            "database": connection.vendor,
            "database_version": database_version(connection),
            "page_cache": settings.COOPERER_PAGE_CACHE,
            "measurements": measurements,
            "applications": Application.objects.count(),
            "qpvs": Qpv.objects.count(),
            "contracts": {
                name: {
                    "name": data["contract"].name,
                    "slug": data["contract"].slug,
                    "qpvs": data["qpvs"],
                    "applications": data["applications"],
                    "funded": data["funded"],
                    "vision_outcomes": len(data["outcomes"]["contract"]),
                    "qpv_vision_outcomes": len(data["outcomes"].get("qpv", [])),
                }
                for name, data in builder.contracts.items()
            },
            "planted": {"outcome_values": outcome_values, "outcome_rollups": outcome_rollups},
            "pages": per_page,
            "queries_constant": constant,
            "worst_p95_ms": per_page[worst_page]["p95_ms"],
            "worst_page": worst_page,
            "worst_after_change_ms": per_page[worst_after]["after_change_max_ms"],
            "worst_after_change_page": worst_after,
            "import": imported,
            "annual_report": report,
            "targets": {
                "page_p95_ms": TARGET_PAGE_MS,
                "import_100k_s": TARGET_IMPORT_S,
                "annual_report_s": TARGET_REPORT_S,
            },
            "met": met,
            "all_met": all(value is not False for value in met.values()),
            "repeat": args.repeat,
            "after_change_requests": AFTER_CHANGE,
            "generation_s": round(generation_s, 1),
            **figures,
            **machine(load_before, args.seed),
        }
        print(json.dumps(result, ensure_ascii=False))
    log("objets plantés, import et rapport annulés (rollback)")


if __name__ == "__main__":
    main()
