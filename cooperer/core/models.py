"""Stamps: a number per family of data, raised by every write to that data, so that values computed from it can
be cached under the current stamp by any process (Django's cache framework: local memory in the embedded
default, Redis in production) and never be served stale by a process that did not see the write."""

from django.db import models


class Stamp(models.Model):
    name = models.CharField(max_length=60, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "tampon de version"

    def __str__(self):
        return f"{self.name} : {self.value}"
