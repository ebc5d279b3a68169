"""Raises the QPVs' stamp on every saved or deleted QPV, so that every process's locator follows (services.py)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cooperer.core import stamps
from cooperer.territories.models import Qpv
from cooperer.territories.services import QPV_STAMP


@receiver(post_save, sender=Qpv)
@receiver(post_delete, sender=Qpv)
def qpv_changed(sender, raw=False, **kwargs):
    if not raw:
        stamps.bump(QPV_STAMP)
