"""Workers that die are noticed: no task stays « en cours » after its worker was killed.

django-tasks-db marks a task RUNNING when a worker claims it and finished when the worker returns; a worker killed
in between (kill -9, out of memory, a machine lost) leaves it RUNNING forever. So every `cooperer db_worker`
(jobs/management/commands/db_worker.py) writes a sign of life (`WorkerBeat`) every `lease / 6` seconds from a
thread, and on each beat looks for RUNNING tasks whose worker has given none for the lease
(`COOPERER_WORKER_LEASE_SECONDS`): an idempotent internal task (the overlap index) is put back in the queue, any
other is marked failed, and the person's `Job` gets a French message saying what happened and what to do. Among
several workers the reaping is claimed row by row under a lock (skip locked), so each task is reaped once."""

import contextlib
import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cooperer.jobs import schedule
from cooperer.jobs.enums import JobStatus
from cooperer.jobs.models import Job, WorkerBeat

logger = logging.getLogger(__name__)
# Tasks that can run again from the start with no harm: rebuilt from the database, stored under a key.
RETRYABLE = {"cooperer.calls.tasks.rebuild_overlap_index"}
LOST_MESSAGE = (
    "Traitement interrompu : l'exécuteur qui le menait s'est arrêté avant la fin (processus tué ou machine "
    "perdue). Rien n'a été enregistré à moitié ; relancez-le."
)


def lease() -> timedelta:
    return timedelta(seconds=settings.COOPERER_WORKER_LEASE_SECONDS)


def beat(worker_id: str) -> None:
    updated = WorkerBeat.objects.filter(worker_id=worker_id).update(beat_at=timezone.now())
    if not updated:
        WorkerBeat.objects.create(worker_id=worker_id, host=socket.gethostname()[:255], pid=os.getpid())


def reap(now=None, dead: str = "") -> list[str]:
    """Retries or fails the RUNNING tasks whose worker gave no sign of life for the lease (or is `dead`: a worker
    that lost its database in the middle of a task and runs none now); returns their ids."""
    now = now or timezone.now()
    alive = set(WorkerBeat.objects.filter(beat_at__gte=now - lease()).values_list("worker_id", flat=True))
    alive.discard(dead)
    suspects = [
        pk
        for pk, workers in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
            "pk", "worker_ids"
        )
        if not workers or workers[-1] not in alive
    ]
    reaped = []
    for pk in suspects:
        with transaction.atomic():
            locked = DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING)
            if connection.features.has_select_for_update_skip_locked:
                locked = locked.select_for_update(skip_locked=True)
            task = locked.first()
            if task is None:  # finished meanwhile, or another worker reaps it
                continue
            _settle(task, now)
            reaped.append(str(pk))
    WorkerBeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return reaped


def _settle(task: DBTaskResult, now) -> None:
    worker = task.worker_ids[-1] if task.worker_ids else "?"
    if task.task_path in RETRYABLE:
        task.status = TaskResultStatus.READY
        task.started_at = None
        task.save(update_fields=["status", "started_at"])
        logger.warning("Tâche %s reprise : son exécuteur %s s'est arrêté", task.pk, worker)
        return
    task.status = TaskResultStatus.FAILED
    task.finished_at = now
    task.exception_class_path = "cooperer.jobs.workers.WorkerLost"
    task.traceback = f"{LOST_MESSAGE} (exécuteur {worker})"
    task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
    if task.task_path == "cooperer.jobs.services.run_job":
        job_id = (task.args_kwargs.get("args") or [None])[0]
        Job.objects.filter(pk=job_id).exclude(status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).update(
            status=JobStatus.FAILED, message=LOST_MESSAGE[:300], finished_at=now
        )
    logger.warning("Tâche %s marquée en échec : son exécuteur %s s'est arrêté", task.pk, worker)


class Heartbeat(threading.Thread):
    """Beats and reaps every lease / 6 seconds until stopped; a database error is logged and tried again."""

    def __init__(self, worker_id: str):
        super().__init__(name="cooperer-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()
        self.next_daily_check = 0.0

    def run(self) -> None:
        every = max(0.5, settings.COOPERER_WORKER_LEASE_SECONDS / 6)
        while not self.stopped.is_set():
            try:
                close_old_connections()
                self.beat_once()
            except DatabaseError:
                logger.warning("Signe de vie de l'exécuteur non écrit (base injoignable), nouvel essai")
                connection.close()
            self.stopped.wait(every)
        connection.close()

    def beat_once(self) -> None:
        """A sign of life, the reaping of dead workers' tasks, and, at most once every `schedule.CHECK_SECONDS`,
        today's retention job if it has not started: a day without any page viewed still gets its run."""
        beat(self.worker_id)
        reap()
        if settings.DAILY_JOBS and time.monotonic() >= self.next_daily_check:
            self.next_daily_check = time.monotonic() + schedule.CHECK_SECONDS
            schedule.start_if_due()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)
        with contextlib.suppress(DatabaseError):
            WorkerBeat.objects.filter(worker_id=self.worker_id).delete()
