"""Raises an EPCI's « overlaps » stamp when what its overlap index is made of changes, and asks a worker to
build the new index (calls/report.py). Drafts are not in the index: their autosaves raise nothing; a change of
state alone (a decision, a request for complements) changes nothing the index reads."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django_tasks.base import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from cooperer.calls.enums import ApplicationStatus
from cooperer.calls.models import Application, BudgetLine, Partner, ServedElement
from cooperer.calls.report import stamp_name
from cooperer.calls.tasks import rebuild_overlap_index
from cooperer.core import stamps


def application_changed(epci_id: int) -> None:
    stamps.bump(stamp_name(epci_id))
    transaction.on_commit(lambda: _enqueue(epci_id))


def _enqueue(epci_id: int) -> None:
    """One rebuild waiting per EPCI is enough: it builds the index of the stamp current when it runs."""
    if isinstance(rebuild_overlap_index.get_backend(), DatabaseBackend):
        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY,
            task_path=rebuild_overlap_index.module_path,
            args_kwargs={"args": [epci_id], "kwargs": {}},
        )
        if waiting.exists():
            return
    rebuild_overlap_index.enqueue(epci_id)


def _epci_if_indexed(application_id) -> int | None:
    """The EPCI whose index holds this application, or None while it is a draft."""
    return (
        Application.objects.filter(pk=application_id)
        .exclude(status=ApplicationStatus.DRAFT)
        .values_list("call__epci_id", flat=True)
        .first()
    )


@receiver(post_save, sender=Application)
def application_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw or instance.status == ApplicationStatus.DRAFT:
        return
    if update_fields is not None and set(update_fields) <= {"status"}:
        return
    epci_id = _epci_if_indexed(instance.pk)
    if epci_id:
        application_changed(epci_id)


@receiver(post_delete, sender=Application)
def application_deleted(sender, instance, **kwargs):
    if instance.status != ApplicationStatus.DRAFT:
        epci_id = instance.call.epci_id if instance.call_id else None
        if epci_id:
            application_changed(epci_id)


@receiver(post_save, sender=Partner)
@receiver(post_delete, sender=Partner)
@receiver(post_save, sender=BudgetLine)
@receiver(post_delete, sender=BudgetLine)
@receiver(post_save, sender=ServedElement)
@receiver(post_delete, sender=ServedElement)
def part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    epci_id = _epci_if_indexed(instance.application_id)
    if epci_id:
        application_changed(epci_id)


@receiver(m2m_changed, sender=Application.qpvs.through)
def qpvs_changed(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, Application):
        epci_id = _epci_if_indexed(instance.pk)
        if epci_id:
            application_changed(epci_id)
