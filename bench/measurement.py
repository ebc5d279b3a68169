"""Benchmark of shared measurement (`cooperer.measurement`) at national scale.

Issue targets: dashboards and outcome pages with 1,000,000 measurements, 20,000 applications and the 1,584 QPVs
answer in ≤ 100 ms p95 server-side on SQLite and on PostgreSQL with constant query counts; an import of 100,000
measurements takes ≤ 30 s; the annual report of a contract at that scale ≤ 30 s.

Data (generation not timed, bulk inserts): 1,584 QPVs (square contours on a grid; the bench contract holds
`--contract-qpvs` of them), the national indicator library, context values of every QPV for 10 indicators and 3
years, a contract vision with 20 elements and 40 outcomes (each with an outcome indicator, a baseline, a target
and yearly values), `--applications` applications on the contract (1 to 3 QPVs, one element served each), half of
them funded by the État with approved bilans, and monthly measurements of 3 indicators for each funded action
from January 2024 to September 2026 — about `--applications` × 50 measurements (1,000,000 by default), with
their running totals (`Rollup`) computed once as the incremental writes would have left them.

Measured: each page with `django.test.Client` (middleware, session, permission check, queries, template) as the
animatrice (or anonymously for public pages): a warm-up, one request under CaptureQueriesContext, then
`--repeat` timed requests (p50, p95, max, queries), then the slowest of three requests each made just after the
measurement stamp is raised (`after_change_max_ms`: the cached figures recomputed, as after any write); the same pages on a contract with 10 times fewer
applications for the query counts (`queries_constant`); `services.record` of `--import-rows` new measurements
(wall time); the annual report job's handler run directly (wall time).

Database: a throw-away SQLite file (COOPERER_VAR_DIR in a temporary folder), or DATABASE_URL (an empty scratch
PostgreSQL database, emptied at the end unless --keep).

Run: .venv/bin/python bench/measurement.py [--applications 20000] [--repeat 30]
     .venv/bin/python bench/measurement.py --quick
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

QUICK = {"applications": 1000, "repeat": 5, "import_rows": 5000}


def log(message: str) -> None:
    print(f"[bench measurement] {message}", file=sys.stderr, flush=True)


def parse_args():
    parser = argparse.ArgumentParser(
        description="Mesure les pages de la mesure partagée à l'échelle nationale."
    )
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--contract-qpvs", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    return args


def percentile(values, share):
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def square(lon, lat, size=0.01):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


class Builder:
    def __init__(self, args):
        self.args, self.rng = args, random.Random(args.seed)

    def build(self):
        from cooperer.measurement import library

        library.ensure_defaults()
        self.territory()
        self.context()
        self.vision()
        self.contracts = {}
        self.contracts["large"] = self.applications(self.contract, self.args.applications, "large")
        self.contracts["small"] = self.applications(
            self.small_contract, self.args.applications // 10, "small"
        )
        self.rollups()

    def territory(self):
        from cooperer.accounts.enums import Funder, Role
        from cooperer.accounts.models import RoleAssignment, User
        from cooperer.territories.models import Commune, ContratDeVille, Departement, Epci, Qpv, Region

        region = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
        dep = Departement.objects.create(code="42", name="Loire", region=region)
        self.epci = Epci.objects.create(siren="244200770", name="Métropole du banc d'essai (fictive)")
        self.other_epci = Epci.objects.create(siren="200066009", name="Agglomération témoin (fictive)")
        self.commune = Commune.objects.create(
            insee_code="42218", name="Ville A", departement=dep, epci=self.epci
        )
        other = Commune.objects.create(
            insee_code="42095", name="Ville B", departement=dep, epci=self.other_epci
        )
        qpvs = [
            Qpv(code=f"QN{42 + i // 1000:03d}{i % 1000:03d}M"[:8], name=f"Quartier {i} (fictif)", generation=2024,
                geometry=square(4 + (i % 40) * 0.02, 45 + (i // 40) * 0.02), min_lon=4 + (i % 40) * 0.02,
                min_lat=45 + (i // 40) * 0.02, max_lon=4.01 + (i % 40) * 0.02, max_lat=45.01 + (i // 40) * 0.02)
            for i in range(1584)
        ]  # fmt: skip
        Qpv.objects.bulk_create(qpvs, batch_size=500)
        self.qpvs = list(Qpv.objects.order_by("pk"))
        n = self.args.contract_qpvs
        self.contract = ContratDeVille.objects.create(slug="banc-essai", name="Contrat du banc d'essai",
                                                      pilot_epci=self.epci)  # fmt: skip
        self.contract.qpvs.set(self.qpvs[:n])
        self.contract.communes.set([self.commune])
        self.small_contract = ContratDeVille.objects.create(slug="banc-essai-petit", name="Petit contrat",
                                                            pilot_epci=self.other_epci)  # fmt: skip
        self.small_contract.qpvs.set(self.qpvs[n : n + 6])
        self.small_contract.communes.set([other])
        Qpv.communes.through.objects.bulk_create(
            [Qpv.communes.through(qpv_id=q.pk, commune_id=self.commune.pk) for q in self.qpvs[:n]]
            + [Qpv.communes.through(qpv_id=q.pk, commune_id=other.pk) for q in self.qpvs[n : n + 6]]
        )
        self.animator = User.objects.create_user("anim@bench.fr", "anim@bench.fr", "x")
        RoleAssignment.objects.create(user=self.animator, role=Role.ANIMATION, epci=self.epci)
        RoleAssignment.objects.create(user=self.animator, role=Role.ANIMATION, epci=self.other_epci)
        self.instructor = User.objects.create_user("etat@bench.fr", "etat@bench.fr", "x")
        RoleAssignment.objects.create(
            user=self.instructor, role=Role.INSTRUCTION, epci=self.epci, funder=Funder.STATE
        )

    def context(self):
        from cooperer.measurement.enums import IndicatorKind, MeasurementSource
        from cooperer.measurement.models import Indicator, Measurement

        rows = []
        for indicator in Indicator.objects.national().filter(kind=IndicatorKind.CONTEXT)[:10]:
            for year in (2020, 2021, 2022):
                for qpv in self.qpvs:
                    value = (
                        Decimal(self.rng.randrange(100, 9000))
                        if indicator.unit != "pourcent"
                        else Decimal(self.rng.randrange(5, 60))
                    )
                    rows.append(Measurement(
                        indicator=indicator, qpv=qpv, epci=self.epci, scope_key=f"qpv:{qpv.pk}", value=value,
                        period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
                        source=MeasurementSource.OFFICIAL_FILE, source_label="banc d'essai",
                    ))  # fmt: skip
        Measurement.objects.bulk_create(rows, batch_size=5000)
        log(f"contexte : {len(rows)} valeurs")

    def vision(self):
        from cooperer.measurement.enums import IndicatorKind, MeasurementSource, Unit
        from cooperer.measurement.models import Indicator, Measurement, OutcomeIndicator
        from cooperer.visions.enums import Horizon, Level, ScopeKind, VersionStatus
        from cooperer.visions.models import Element, Outcome, Vision, VisionVersion

        self.visions = {}
        for name, contract in (("large", self.contract), ("small", self.small_contract)):
            vision = Vision.objects.create(title=f"Vision {name}", scope_kind=ScopeKind.CONTRACT, contract=contract,
                                           epci=contract.pilot_epci)  # fmt: skip
            version = VisionVersion.objects.create(vision=vision, number=1, statement="En 2030…",
                                                   status=VersionStatus.ADOPTED, adopted_on=datetime.date(2024, 1, 1))  # fmt: skip
            elements = Element.objects.bulk_create(
                Element(version=version, position=i, text=f"Élément {i}") for i in range(20)
            )
            outcomes = Outcome.objects.bulk_create(
                Outcome(version=version, text=f"Changement {i}", horizon=Horizon.SHORT, level=Level.POPULATION,
                        element=elements[i % 20]) for i in range(40)
            )  # fmt: skip
            indicator = Indicator.objects.create(epci=contract.pilot_epci, code=f"resultat_{name}", name="Résultat",
                                                 kind=IndicatorKind.OUTCOME, unit=Unit.PERCENT, additive=False,
                                                 maximum=100)  # fmt: skip
            OutcomeIndicator.objects.bulk_create(
                OutcomeIndicator(vision=vision, outcome_key=o.key, indicator=indicator, baseline=40,
                                 baseline_year=2023, target=60, target_year=2030) for o in outcomes
            )  # fmt: skip
            Measurement.objects.bulk_create(
                Measurement(indicator=indicator, vision=vision, outcome_key=o.key, epci=contract.pilot_epci,
                            scope_key=f"outcome:{vision.pk}:{o.key}", value=40 + y, source=MeasurementSource.COMMAND,
                            period_start=datetime.date(2023 + y, 1, 1), period_end=datetime.date(2023 + y, 12, 31))
                for o in outcomes for y in (1, 2, 3)
            )  # fmt: skip
            self.visions[name] = (vision, elements, outcomes)

    def applications(self, contract, count, name):
        from cooperer.accounts.enums import Funder
        from cooperer.actors.models import Structure
        from cooperer.calls.enums import ApplicationStatus, CallStatus, Outcome
        from cooperer.calls.models import (
            Application,
            Call,
            CallFunder,
            Decision,
            Grant,
            Partner,
            ServedElement,
        )
        from cooperer.measurement.enums import BilanStatus, MeasurementSource
        from cooperer.measurement.models import Bilan, Indicator, Measurement, Obligation

        vision, elements, _ = self.visions[name]
        structures = Structure.objects.bulk_create(
            Structure(
                name=f"Association {name} {i} (fictive)", legal_form="association", commune=self.commune
            )
            for i in range(max(50, count // 20))
        )
        call = Call.objects.create(name=f"Appel {name}", epci=contract.pilot_epci, contract=contract,
                                   carrier_name="x", opens_on=datetime.date(2023, 9, 1), status=CallStatus.CLOSED,
                                   closes_at=datetime.datetime(2023, 11, 1, tzinfo=datetime.UTC))  # fmt: skip
        call.elements.set(elements)
        state = CallFunder.objects.create(call=call, funder=Funder.STATE, name="État", envelope=10**9)
        qpvs = list(contract.qpvs.all())
        applications = Application.objects.bulk_create([
            Application(call=call, applicant=structures[i % len(structures)], title=f"Action {i}", purpose="Agir",
                        starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2026, 12, 31), years=3,
                        status=ApplicationStatus.DECIDED if i % 2 == 0 else ApplicationStatus.SUBMITTED,
                        submitted_at=datetime.datetime(2023, 10, 1, tzinfo=datetime.UTC))
            for i in range(count)
        ], batch_size=2000)  # fmt: skip
        through = Application.qpvs.through
        through.objects.bulk_create(
            [through(application_id=a.pk, qpv_id=q.pk) for a in applications
             for q in self.rng.sample(qpvs, self.rng.randint(1, min(3, len(qpvs))))], batch_size=5000
        )  # fmt: skip
        ServedElement.objects.bulk_create(
            [ServedElement(application=a, element=elements[i % 20], justification="x") for i, a in enumerate(applications)],
            batch_size=5000,
        )  # fmt: skip
        Partner.objects.bulk_create(
            [Partner(application=a, structure=structures[(i + 1) % len(structures)], role="operationnel")
             for i, a in enumerate(applications) if i % 3 == 0], batch_size=5000,
        )  # fmt: skip
        funded = applications[::2]
        decisions = Decision.objects.bulk_create(
            [Decision(application=a, outcome=Outcome.GRANTED, motivation="x", committee="c",
                      decided_on=datetime.date(2023, 12, 10)) for a in funded], batch_size=5000,
        )  # fmt: skip
        Grant.objects.bulk_create(
            [Grant(decision=d, call_funder=state, amount=Decimal(self.rng.randrange(2000, 30000))) for d in decisions],
            batch_size=5000,
        )  # fmt: skip
        codes = ["personnes_touchees", "habitants_qpv_touches", "seances"]
        indicators = [Indicator.objects.get(code=c, epci__isnull=True) for c in codes]
        bilans = Bilan.objects.bulk_create(
            [Bilan(application=a, year_index=y, period_start=datetime.date(2023 + y, 1, 1),
                   period_end=datetime.date(2023 + y, 12, 31), due_on=datetime.date(2024 + y, 6, 30),
                   status=BilanStatus.APPROVED if y < 3 else BilanStatus.EXPECTED, participants=40,
                   submitted_at=datetime.datetime(2024 + y, 5, 1, tzinfo=datetime.UTC) if y < 3 else None)
             for a in funded for y in (1, 2, 3)], batch_size=5000,
        )  # fmt: skip
        Obligation.objects.bulk_create(
            [Obligation(bilan=b, indicator=i) for b in bilans for i in indicators], batch_size=10000
        )
        months = [(datetime.date(2024 + m // 12, m % 12 + 1, 1)) for m in range(33)]
        batch, written = [], 0
        for a in funded:
            for indicator in indicators:
                for start in months:
                    end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(
                        day=1
                    ) - datetime.timedelta(1)
                    batch.append(Measurement(
                        indicator=indicator, application=a, epci=contract.pilot_epci, scope_key=f"application:{a.pk}",
                        period_start=start, period_end=end, value=self.rng.randrange(1, 40),
                        source=MeasurementSource.BILAN, validated=True,
                    ))  # fmt: skip
            if len(batch) >= 20000:
                Measurement.objects.bulk_create(batch, batch_size=5000)
                written += len(batch)
                batch = []
        Measurement.objects.bulk_create(batch, batch_size=5000)
        written += len(batch)
        log(f"{name} : {count} demandes, {len(funded)} financées, {written} mesures des actions")
        return {"contract": contract, "call": call, "vision": vision, "funded": funded, "elements": elements}

    def rollups(self):
        from cooperer.core.national import rebuild_rollups

        started = time.perf_counter()
        written = rebuild_rollups()
        log(f"totaux cumulés : {written} en {time.perf_counter() - started:.1f} s")


def measure_page(client, url, repeat):
    from django.db import connection

    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - began) * 1000)
    from cooperer.core import pagecache, stamps

    after_change = []
    for _ in range(3):  # the first request after a write: the figures cached under the stamp are recomputed
        stamps.bump(pagecache.stamp_name("measurement"))
        began = time.perf_counter()
        client.get(url)
        after_change.append((time.perf_counter() - began) * 1000)
    return {
        "p50_ms": round(percentile(times, 0.5), 1), "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1), "queries": len(queries),
        "after_change_max_ms": round(max(after_change), 1),
    }  # fmt: skip


def pages(built) -> dict:
    """The pages measured, by name: (url, who) — who is "animator", "instructor" or None (public)."""
    from django.urls import NoReverseMatch, reverse

    contract, vision, elements = built["contract"], built["vision"], built["elements"]
    outcome = vision.versions.get().outcomes.order_by("pk").first()
    qpv = contract.qpvs.order_by("pk").first()
    candidates = {
        "home_animator": (("measurement:home", []), "animator"),
        "copil_dashboard": (("measurement:copil_dashboard", [contract.slug]), "animator"),
        "outcome_page": (("measurement:outcome", [vision.pk, outcome.key]), "animator"),
        "element_page": (("measurement:element", [vision.pk, elements[0].key]), "animator"),
        "vision_follow_up": (("measurement:vision_follow_up", [vision.pk]), "animator"),
        "proof_contract": (("measurement:proof_contract", [contract.slug]), None),
        "indicator_library": (("measurement:indicators", []), "animator"),
        "bilans_to_review": (("measurement:bilans", []), "instructor"),
        "bilans_all_states": (("measurement:bilans", [], "?liste=a_examiner&etat="), "instructor"),
        "home_instructor": (("measurement:home", []), "instructor"),
        "public_follow_up": (("public_follow_up", [qpv.code]), None),
    }
    resolved = {}
    for name, ((route, route_args, *query), who) in candidates.items():
        try:
            resolved[name] = (reverse(route, args=route_args) + "".join(query), who)
        except NoReverseMatch:
            log(f"page absente : {route}")
    return resolved


def main():
    args = parse_args()
    folder = tempfile.mkdtemp(prefix="cooperer-bench-measurement-")
    os.environ["COOPERER_VAR_DIR"] = folder
    os.environ["DJANGO_SETTINGS_MODULE"] = "cooperer.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    builder = Builder(args)
    builder.build()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would have done after such inserts
            cursor.execute("ANALYZE")
    from cooperer.measurement.models import Measurement

    figures = {
        "engine": connection.vendor, "measurements": Measurement.objects.count(),
        "applications": args.applications, "generation_s": round(time.perf_counter() - began, 1), "pages": {},
    }  # fmt: skip
    clients = {who: Client(SERVER_NAME="localhost") for who in ("animator", "instructor", None)}
    clients["animator"].force_login(builder.animator)
    clients["instructor"].force_login(builder.instructor)
    small = pages(builder.contracts["small"])
    for name, (url, who) in pages(builder.contracts["large"]).items():
        result = measure_page(clients[who], url, args.repeat)
        if name in small:
            result["queries_small"] = measure_page(clients[who], small[name][0], 1)["queries"]
            result["queries_constant"] = result["queries"] == result["queries_small"]
        figures["pages"][name] = result
        log(f"{name} : {result}")
    figures["import"] = measure_import(builder, args)
    figures["annual_report"] = measure_report(builder)
    print(json.dumps(figures, ensure_ascii=False))
    if not args.keep and connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)


def measure_import(builder, args) -> dict:
    from cooperer.measurement import services
    from cooperer.measurement.enums import MeasurementSource
    from cooperer.measurement.models import Indicator

    funded = builder.contracts["large"]["funded"]
    indicator = Indicator.objects.get(code="personnes_touchees", epci__isnull=True)
    rows = []
    for index in range(args.import_rows):
        application = funded[index % len(funded)]
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=index // len(funded))
        rows.append(services.Row(indicator=indicator, value=Decimal(5), period_start=day, period_end=day,
                                 application=application, line=index + 2))  # fmt: skip
    from cooperer.calls.models import Application

    loaded = {
        a.pk: a
        for a in Application.objects.select_related("call", "decision").filter(
            pk__in={r.application.pk for r in rows}
        )
    }
    for row in rows:
        row.application = loaded[row.application.pk]
    began = time.perf_counter()
    summary = services.record(rows, source=MeasurementSource.UPLOAD)
    return {"rows": len(rows), "seconds": round(time.perf_counter() - began, 1), **summary}


def measure_report(builder) -> dict:
    from cooperer.measurement import jobs_copil

    contract = builder.contracts["large"]["contract"]
    began = time.perf_counter()
    jobs_copil.build_report_data(contract, 2025)
    return {
        "contract_applications": builder.args.applications,
        "seconds": round(time.perf_counter() - began, 2),
    }


if __name__ == "__main__":
    main()
