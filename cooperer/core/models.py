"""Shared tables of the socle: only what several apps really share."""

from django.db import models


class RateCounter(models.Model):
    """One fixed-window counter (failed logins of an account, submissions from an address…); see `throttle.py`.

    The key is a digest: the table never holds an address or an account name in clear."""

    key = models.CharField("clé", max_length=64, unique=True)
    count = models.PositiveIntegerField("compte", default=0)
    expires_at = models.DateTimeField("fin de la fenêtre", db_index=True)

    class Meta:
        verbose_name = "compteur de limitation"
        verbose_name_plural = "compteurs de limitation"

    def __str__(self):
        return f"{self.key[:12]}… : {self.count}"


class Stamp(models.Model):
    """A number per family of data, raised by every write to that data (`stamps.py`), so that values computed
    from it can be cached under the current stamp by any process and never be served stale by a process that did
    not see the write."""

    name = models.CharField(max_length=60, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "tampon de version"

    def __str__(self):
        return f"{self.name} : {self.value}"
