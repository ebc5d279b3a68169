"""What the benchmarks share: Django set up on a throw-away database or on the national data set
(`cooperer generate-national`, docs/national-dataset.md), the refusal of a database that is not empty, planted
objects rolled back at the end, the test client's captured and timed requests, percentiles and medians, the
settling of a freshly loaded database, the database version printed with the figures."""

import contextlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(var_dir: str) -> None:
    os.environ["COOPERER_VAR_DIR"] = var_dir  # the SQLite file goes there unless DATABASE_URL is set
    os.environ["DJANGO_SETTINGS_MODULE"] = "cooperer.settings.test"
    import django

    django.setup()


def add_national_arguments(parser, default_var_dir: str) -> None:
    """The options of a benchmark run on the national data set (as bench/pages.py): where the database is, and
    how to fill it when it is empty."""
    parser.add_argument(
        "--var-dir",
        default=default_var_dir,
        help="dossier de cooperer.sqlite3 (COOPERER_VAR_DIR) ; ignoré si DATABASE_URL est défini",
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="échelle du jeu national si la base est vide"
    )
    parser.add_argument(
        "--reference-dir", default=None, help="fichiers officiels (sinon COOPERER_REFERENCE_DIR)"
    )
    parser.add_argument("--squares", action="store_true", help="jeu national sans fichiers officiels")


def open_national(args, log) -> dict:
    """Django on the national data set: DATABASE_URL, or the SQLite file of `--var-dir`. Migrates, and fills an
    empty database with `generate-national` (`--scale`, `--seed`); returns `national_generation_s` when it did.

    The page cache (ADR 017) is off unless COOPERER_PAGE_CACHE says otherwise: these benchmarks time what a page
    costs to compute, which a cached answer would hide after the first request."""
    os.environ.setdefault("COOPERER_PAGE_CACHE", "false")
    Path(args.var_dir).mkdir(parents=True, exist_ok=True)
    setup_django(args.var_dir)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from cooperer.core import national

    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else f"{args.var_dir}/cooperer.sqlite3"
    log(f"base : {connection.vendor} ({where})")
    call_command("migrate", verbosity=0, interactive=False)
    if not national.is_empty():
        return {}
    folder = (
        ""
        if args.squares
        else (settings.COOPERER_REFERENCE_DIR if args.reference_dir is None else args.reference_dir)
    )
    log(f"base vide : génération du jeu national, échelle {args.scale}, graine {args.seed}")
    began = time.perf_counter()
    national.NationalDataset(scale=args.scale, seed=args.seed, reference_dir=folder, log=log).generate()
    return {"national_generation_s": round(time.perf_counter() - began, 1)}


@contextlib.contextmanager
def planted():
    """A transaction rolled back at the end: what a benchmark adds to the national data set (and every write of
    the pages it requests) goes away, so the database is left as it was. The test client runs the views on the
    same connection, so they see the planted objects."""
    from django.db import transaction

    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


def vacuum_planted(connection, models) -> None:
    """After `planted()`, on PostgreSQL: VACUUM (ANALYZE) the tables of `models`. The rows a rolled-back
    transaction wrote are dead, not gone: until a vacuum they make every table scan and index of the next run
    longer, and autovacuum may be late or off. Nothing on SQLite, whose rollback leaves no trace."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


def refuse_unless_empty(models, holds: str, example: str) -> None:
    """Exit 2 with a French message if DATABASE_URL points to a database holding rows of `models`."""
    if any(model.objects.exists() for model in models):
        print(
            f"La base indiquée par DATABASE_URL contient déjà des données ({holds}) : pointez-la vers une base "
            f"jetable vide (par exemple CREATE DATABASE {example}).",
            file=sys.stderr,
        )
        sys.exit(2)


def captured_get(client, url: str, params: dict | None = None, headers: dict | None = None):
    """One request of the test client under CaptureQueriesContext: the response, its queries ({"ms", "sql"}) and
    its wall time in ms. Exits with a French message unless the answer is a 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        response = client.get(url, params or {}, headers=headers or {})
        elapsed = (time.perf_counter() - began) * 1000
    # Read now: captured_queries slices connection.queries, which the next request resets.
    queries = [{"ms": float(q["time"]) * 1000, "sql": q["sql"]} for q in captured.captured_queries]
    if response.status_code != 200:
        raise SystemExit(f"{url} {params or ''} : réponse HTTP {response.status_code}, 200 attendu")
    return response, queries, elapsed


def timed_gets(client, url: str, params: dict | None = None, headers: dict | None = None, repeat: int = 1):
    """The wall times in ms of `repeat` requests of the test client, without query capture."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        client.get(url, params or {}, headers=headers or {})
        times.append((time.perf_counter() - began) * 1000)
    return times


def page_figures(response, queries: list[dict], times: list[float]) -> dict:
    """What every page benchmark prints: p50, p95 and max of `times`, the queries of the captured request, its size."""
    return {
        "p50_ms": round(percentile(times, 0.5), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "queries": len(queries),
        "sql_ms": round(sum(q["ms"] for q in queries), 1),
        "kb": round(len(response.content) / 1024, 1),
        "requests": len(times),
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median_ms(function, runs: int = 10) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    return round(percentile(times, 0.5), 1)


def settle(connection) -> None:
    """What autovacuum does after a bulk load, so that the figures are those of a database in service:
    statistics (ANALYZE) and, on PostgreSQL, the visibility map that index-only scans rely on (VACUUM). Outside a
    transaction only (VACUUM refuses one): for rows planted in `planted()`, run ANALYZE alone."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def machine(load_before: float, seed: int) -> dict:
    """What every benchmark prints of the run: cores, load average at its start and end, versions, seed."""
    import platform

    import django

    return {
        "cpus": os.cpu_count(), "load_avg_1m": [load_before, round(os.getloadavg()[0], 2)],
        "python": platform.python_version(), "django": django.get_version(), "seed": seed,
    }  # fmt: skip


def database_version(connection) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    if connection.vendor == "postgresql":
        version = connection.pg_version
        return f"{version // 10000}.{version % 10000}"
    return ""
