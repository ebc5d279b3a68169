"""Atomic fixed-window counters shared by every server process (docs/adr/014-audit-and-hardening.md).

A counter is one `RateCounter` row incremented by an `UPDATE … SET count = count + 1` inside a transaction,
then read back while the row is still locked by that update: two requests can never read the same value, on
PostgreSQL (row lock) as on SQLite (IMMEDIATE transactions lock the database). Django's default cache is
per process here, so it could not count across the workers of `cooperer serve` or gunicorn."""

import datetime
import hashlib

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cooperer.core.models import RateCounter


def _key(scope: str, ident: str) -> str:
    return hashlib.sha256(f"{scope}\x00{ident}".encode()).hexdigest()


def hit(scope: str, ident: str, window_seconds: int) -> int:
    """Counts one more event for (scope, ident) in the current window; returns the count including it."""
    key = _key(scope, ident)
    now = timezone.now()
    expires = now + datetime.timedelta(seconds=window_seconds)
    rows = RateCounter.objects.filter(key=key)
    with transaction.atomic():
        rows.filter(expires_at__lte=now).update(count=0, expires_at=expires)
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, count=1, expires_at=expires)
            except IntegrityError:  # another request created it meanwhile: count on its row
                rows.update(count=F("count") + 1)
            else:
                RateCounter.objects.filter(expires_at__lt=now - datetime.timedelta(days=1)).delete()
                return 1
        return rows.values_list("count", flat=True).get()


def current(scope: str, ident: str) -> int:
    """The count of the current window (0 once it has expired)."""
    row = RateCounter.objects.filter(key=_key(scope, ident), expires_at__gt=timezone.now()).first()
    return row.count if row else 0


def remaining_seconds(scope: str, ident: str) -> int:
    row = RateCounter.objects.filter(key=_key(scope, ident), expires_at__gt=timezone.now()).first()
    return max(0, int((row.expires_at - timezone.now()).total_seconds())) if row else 0


def reset(scope: str, ident: str) -> bool:
    """Forgets the counter (an administrator unlocks an account); True if there was one running."""
    rows = RateCounter.objects.filter(key=_key(scope, ident))
    running = rows.filter(expires_at__gt=timezone.now()).exists()
    rows.delete()
    return running
