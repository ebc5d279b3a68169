"""The journal of the acts partners must be able to trust (docs/adr/014-audit-and-hardening.md).

Append-only: an entry is written once and never changed or removed, by the application (this module refuses
it), by the admin (no change or delete permission) or, on PostgreSQL, by anyone (a trigger refuses UPDATE and
DELETE). No foreign key either: an entry outlives the account, the territory and the object it names, so it
keeps their ids and a label as they were at the time."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from cooperer.audit.enums import Action

APPEND_ONLY = "Le journal n'accepte que des ajouts : une entrée ne se modifie ni ne se supprime."


def _as_text(value) -> str:
    return (
        "" if value is None else json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder, sort_keys=True)
    )


class AppendOnlyError(Exception):
    """An attempt to change or remove an entry of the journal."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(APPEND_ONLY)

    def delete(self):
        raise AppendOnlyError(APPEND_ONLY)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(APPEND_ONLY)

    def visible_to_epcis(self, epci_ids):
        return self.filter(epci_id__in=epci_ids)


class AuditEntry(models.Model):
    created_at = models.DateTimeField("date", default=timezone.now, db_index=True)
    actor_id = models.PositiveBigIntegerField(
        "identifiant de la personne", null=True, blank=True, db_index=True
    )
    actor_label = models.CharField("personne", max_length=254, blank=True, default="")
    action = models.CharField("acte", max_length=40, choices=Action.choices, db_index=True)
    object_type = models.CharField("type d'objet", max_length=100, blank=True, default="")
    object_id = models.CharField("identifiant de l'objet", max_length=64, blank=True, default="")
    object_label = models.CharField("objet", max_length=300, blank=True, default="")
    epci_id = models.PositiveBigIntegerField("territoire (EPCI)", null=True, blank=True)
    before = models.JSONField("avant", null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField("après", null=True, blank=True, encoder=DjangoJSONEncoder)
    address = models.CharField("adresse de la requête", max_length=45, blank=True, default="")

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal des actes"
        indexes = [models.Index(fields=["epci_id", "-created_at"], name="audit_epci_date")]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} — {self.get_action_display()} — {self.object_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(APPEND_ONLY)

    @property
    def before_text(self) -> str:
        return _as_text(self.before)

    @property
    def after_text(self) -> str:
        return _as_text(self.after)
