"""Benchmark of the open API (`cooperer.api`): every list endpoint at national scale, server-side.

Issue target: API list endpoints p95 ≤ 100 ms with constant queries at national scale.

Data (generation not timed): the national-scale data of `bench/measurement.py` (its `Builder`: 1,584 QPVs with
contours, the national indicator library and 47,520 public context values, 20,000 + 2,000 applications of which
half decided with a grant, about 1,000,000 measurements of actions — not public —, two adopted contract visions
of 20 elements), plus `--structures` structures listed in the public directory (themes, one QPV for a third),
the funders' and beneficiaries' SIRETs filled so that grants are publishable as SCDL, and one adopted QPV
vision per QPV of the large contract. The bench's animatrice (animation role on both EPCIs) calls the API with a
personal token, as any client would (`Authorization: Bearer`): authentication, the shared rate-limit counter
(a real write per request, the limit set high enough not to refuse), permission querysets, cursor pagination.

Measured for each list: the first page and a deep page (the `next` link followed `--depth` times) with
`django.test.Client` in-process (no network): a warm-up, one request with its SQL queries counted (an execute wrapper), then
`--repeat` timed requests each (p50, p95, max). `queries_constant` says whether the deep page costs the same
queries as the first.

Database: a throw-away SQLite file (COOPERER_VAR_DIR in a temporary folder), or DATABASE_URL (an empty scratch
PostgreSQL database, emptied at the end unless --keep).

Run: .venv/bin/python bench/api.py [--applications 20000] [--structures 50000] [--repeat 30]
     .venv/bin/python bench/api.py --quick
     .venv/bin/python bench/api.py --reuse /tmp/cooperer-bench-api-XXXX   # measure a previous run's SQLite again
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import gc
import json
import os
import platform
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.calls import fictional_siret
from bench.measurement import Builder, percentile

TARGET_MS = 100
QUICK = {"applications": 1000, "structures": 3000, "repeat": 5, "depth": 3}
PAGE = 100


def log(message: str) -> None:
    print(f"[bench api] {message}", file=sys.stderr, flush=True)


def parse_args():
    parser = argparse.ArgumentParser(description="Mesure les listes de l'API ouverte à l'échelle nationale.")
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--contract-qpvs", type=int, default=60)
    parser.add_argument("--structures", type=int, default=50_000, help="structures de l'annuaire public")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--depth", type=int, default=20, help="pages suivies pour la page profonde")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--quick", action="store_true", help="petites tailles : " + json.dumps(QUICK))
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--reuse", metavar="DOSSIER",
        help="mesurer la base SQLite d'un passage précédent (son dossier COOPERER_VAR_DIR), sans rien générer",
    )  # fmt: skip
    args = parser.parse_args()
    if args.quick:  # small sizes, except those given on the command line
        given = {word[2:].split("=")[0].replace("-", "_") for word in sys.argv[1:] if word.startswith("--")}
        for name, value in QUICK.items():
            if name not in given:
                setattr(args, name, value)
    return args


def add_directory(builder, count: int) -> None:
    """Public structures all over the bench territory, with themes and, for a third, a QPV."""
    from cooperer.actors.models import Structure, Theme
    from cooperer.core.text import fold

    themes = Theme.objects.bulk_create(
        Theme(name=name) for name in ("jeunesse", "sport", "santé", "emploi", "culture")
    )
    rng = builder.rng
    structures = Structure.objects.bulk_create(
        (
            Structure(name=f"Association {i} du quartier (fictive)", legal_form="association",
                      siret=fictional_siret(200_000 + i), commune=builder.commune, public_listing=True,
                      website="https://exemple.org", search_text=fold(f"association {i}"))
            for i in range(count)
        ),
        batch_size=2000,
    )  # fmt: skip
    Structure.themes.through.objects.bulk_create(
        (Structure.themes.through(structure_id=s.pk, theme_id=rng.choice(themes).pk) for s in structures),
        batch_size=5000,
    )
    Structure.qpvs.through.objects.bulk_create(
        (
            Structure.qpvs.through(structure_id=s.pk, qpv_id=rng.choice(builder.qpvs).pk)
            for s in structures[::3]
        ),
        batch_size=5000,
    )


def publishable_grants() -> None:
    """SIRETs for the funders and the applicant structures, as a real publication needs them."""
    from cooperer.actors.models import Structure
    from cooperer.calls.models import CallFunder

    CallFunder.objects.update(siret=fictional_siret(1))
    applicants = list(Structure.objects.filter(siret="").only("pk"))
    for index, structure in enumerate(applicants):
        structure.siret = fictional_siret(500_000 + index)
    Structure.objects.bulk_update(applicants, ["siret"], batch_size=2000)


def qpv_visions(builder) -> None:
    from cooperer.visions.enums import ScopeKind, VersionStatus
    from cooperer.visions.models import Element, Vision, VisionVersion

    qpvs = list(builder.contract.qpvs.all())
    visions = Vision.objects.bulk_create(
        Vision(title=f"{qpv.name} en 2030", scope_kind=ScopeKind.QPV, qpv=qpv, epci=builder.epci)
        for qpv in qpvs
    )
    versions = VisionVersion.objects.bulk_create(
        VisionVersion(vision=v, number=1, statement="En 2030…", status=VersionStatus.ADOPTED,
                      adopted_on=builder.contracts["large"]["call"].opens_on)
        for v in visions
    )  # fmt: skip
    Element.objects.bulk_create(
        Element(version=v, position=i, text=f"Élément {i}") for v in versions for i in range(8)
    )


def measure(client, url: str, repeat: int, depth: int) -> dict:
    from django.db import connection

    result = {}
    deep = url
    for _ in range(depth):
        following = client.get(deep).json().get("next")
        if not following:
            break
        deep = following
    for name, address in (("first", url), ("deep", deep)):
        response = client.get(address)
        if response.status_code != 200:
            raise SystemExit(f"{address}: HTTP {response.status_code} {response.content[:300]!r}")
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(address)
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            client.get(address)
            times.append((time.perf_counter() - began) * 1000)
        body = response.json()
        result[name] = {
            "p50_ms": round(percentile(times, 0.5), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1),
            "queries": len(queries),
            "rows": len(body["results"]) if "results" in body else 1,
        }
    result["queries_constant"] = result["first"]["queries"] == result["deep"]["queries"]
    result["met"] = max(result["first"]["p95_ms"], result["deep"]["p95_ms"]) <= TARGET_MS
    log(f"{url} : {result}")
    return result


def generate(args, connection):
    """The national-scale data; returns (animatrice, code of a QPV, generation seconds)."""
    began = time.perf_counter()
    builder = Builder(args)
    builder.build()
    add_directory(builder, args.structures)
    publishable_grants()
    qpv_visions(builder)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would have done after such inserts
            cursor.execute("VACUUM ANALYZE")
    generation_s = round(time.perf_counter() - began, 1)
    log(f"génération : {generation_s} s")
    return builder.animator, builder.qpvs[0].code, generation_s


def reused():
    from cooperer.accounts.models import User
    from cooperer.territories.models import Qpv

    return User.objects.get(username="anim@bench.fr"), Qpv.objects.order_by("pk").first().code, None


def main():
    args = parse_args()
    folder = args.reuse or tempfile.mkdtemp(prefix="cooperer-bench-api-")
    os.environ["COOPERER_VAR_DIR"] = folder
    os.environ["DJANGO_SETTINGS_MODULE"] = "cooperer.settings.test"
    os.environ["COOPERER_API_TOKEN_PER_MINUTE"] = "10000000"  # counted, never refused
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from cooperer.api.models import ApiToken

    call_command("migrate", verbosity=0)
    may_flush = not args.keep and not args.reuse and connection.vendor == "postgresql"
    try:
        if args.reuse:
            animator, first_qpv, generation_s = reused()
        else:
            animator, first_qpv, generation_s = generate(args, connection)
        # A server process does not hold the million objects the generation left: out of the collector's way, so
        # that its full collections do not land in the timed requests.
        gc.collect()
        gc.freeze()
        _, secret = ApiToken.issue(animator, "banc d'essai")
        client = Client(SERVER_NAME="localhost", headers={"Authorization": f"Bearer {secret}"})
        lists = {
            "epci": "/api/v1/territoires/epci/",
            "qpv": f"/api/v1/territoires/qpv/?taille={PAGE}",
            "annuaire": f"/api/v1/annuaire/?taille={PAGE}",
            "appels": f"/api/v1/appels/?taille={PAGE}",
            "subventions": f"/api/v1/subventions/?taille={PAGE}",
            "decisions": f"/api/v1/decisions/?taille={PAGE}",
            "visions": f"/api/v1/visions/?taille={PAGE}",
            "indicateurs": f"/api/v1/indicateurs/?taille={PAGE}",
            "mesures": f"/api/v1/mesures/?taille={PAGE}",
        }
        endpoints = {name: measure(client, url, args.repeat, args.depth) for name, url in lists.items()}
        endpoints["qpv_contour"] = measure(client, f"/api/v1/territoires/qpv/{first_qpv}/", args.repeat, 0)
        from cooperer.actors.models import Structure
        from cooperer.calls.models import Application, Grant
        from cooperer.measurement.models import Measurement
        from cooperer.territories.models import Qpv

        figures = {
            "bench": "api",
            "engine": connection.vendor,
            "data": {
                "qpvs": Qpv.objects.count(),
                "public_structures": Structure.objects.filter(public_listing=True).count(),
                "grants": Grant.objects.count(),
                "measurements": Measurement.objects.count(),
                "applications": Application.objects.count(),
            },
            "page_size": PAGE,
            "depth": args.depth,
            "repeat": args.repeat,
            "generation_s": generation_s,
            "reused_database": bool(args.reuse),
            "endpoints": endpoints,
            "all_met": all(e["met"] for e in endpoints.values()),
            "all_queries_constant": all(e["queries_constant"] for e in endpoints.values()),
            "worst_p95_ms": max(max(e["first"]["p95_ms"], e["deep"]["p95_ms"]) for e in endpoints.values()),
            "cpus": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
            "django": django.get_version(),
        }
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        if may_flush:
            call_command("flush", interactive=False, verbosity=0)


if __name__ == "__main__":
    main()
