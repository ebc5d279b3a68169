"""What the benchmarks share: Django set up on a throw-away database, the refusal of a database that is not empty,
percentiles and medians, the database version printed with the figures. The national data set they can share is
`cooperer generate-national` (docs/national-dataset.md)."""

import os
import sys
import time


def setup_django(var_dir: str) -> None:
    os.environ["COOPERER_VAR_DIR"] = var_dir  # the SQLite file goes there unless DATABASE_URL is set
    os.environ["DJANGO_SETTINGS_MODULE"] = "cooperer.settings.test"
    import django

    django.setup()


def refuse_unless_empty(models, holds: str, example: str) -> None:
    """Exit 2 with a French message if DATABASE_URL points to a database holding rows of `models`."""
    if any(model.objects.exists() for model in models):
        print(
            f"La base indiquée par DATABASE_URL contient déjà des données ({holds}) : pointez-la vers une base "
            f"jetable vide (par exemple CREATE DATABASE {example}).",
            file=sys.stderr,
        )
        sys.exit(2)


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


def database_version(connection) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    if connection.vendor == "postgresql":
        version = connection.pg_version
        return f"{version // 10000}.{version % 10000}"
    return ""
