"""Version stamps kept in the database (see `core.models.Stamp`) and values cached under them.

`bump(name)` raises the stamp inside the writer's transaction: a reader sees the new stamp exactly when it sees
the new data. `cached(name, key, compute)` reads the stamp (one small query) and returns the value cached under
`key` and that stamp, computing it on a miss. A time limit bounds what a write that bypasses the signals (a bulk
insert) can leave unseen."""

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F

from cooperer.core.models import Stamp

TIMEOUT = 600


def current(name: str) -> int:
    return Stamp.objects.filter(name=name).values_list("value", flat=True).first() or 0


def bump(name: str) -> None:
    if Stamp.objects.filter(name=name).update(value=F("value") + 1):
        return
    try:
        with transaction.atomic():
            Stamp.objects.create(name=name, value=1)
    except IntegrityError:
        Stamp.objects.filter(name=name).update(value=F("value") + 1)


def cached(name: str, key: str, compute, timeout: int = TIMEOUT):
    full_key = f"{name}:{current(name)}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    return value
