"""Version stamps kept in the database (see `core.models.Stamp`) and values cached under them.

`bump(name)` raises the stamp inside the writer's transaction: a reader sees the new stamp exactly when it sees
the new data. `cached(name, key, compute)` reads the stamp (one small query) and returns the value cached under
`key` and that stamp, computing it on a miss. A time limit bounds what a write that bypasses the signals (a bulk
insert) can leave unseen. `pagecache.py` raises one stamp per application from the writes themselves."""

from django.core.cache import cache
from django.db import connection

from cooperer.core.models import Stamp

TIMEOUT = 600


def current(name: str) -> int:
    return Stamp.objects.filter(name=name).values_list("value", flat=True).first() or 0


def bump(name: str) -> None:
    """One statement, no savepoint: it may run while another statement's rows are still being read (a write's
    RETURNING clause, when `pagecache` raises a stamp right after that write)."""
    table = connection.ops.quote_name(Stamp._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, value) VALUES (%s, 1) ON CONFLICT (name) DO UPDATE SET value = {table}.value + 1",
            [name],
        )


def cached(name: str, key: str, compute, timeout: int = TIMEOUT):
    return kept(f"{name}:{current(name)}:{key}", compute, timeout)


def kept(full_key: str, compute, timeout: int = TIMEOUT):
    """The value cached under `full_key` (a key that holds the stamps it depends on), computed on a miss."""
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    return value
