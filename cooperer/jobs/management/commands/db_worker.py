"""`cooperer db_worker`: django-tasks-db's worker, with a sign of life written from a thread and the tasks of
dead workers retried or failed (jobs/workers.py). Run as many as needed, on any machine that reaches the
database."""

import contextlib
import logging
import os
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from cooperer.jobs.workers import Heartbeat, beat, reap

logger = logging.getLogger("cooperer.jobs.workers")
RETRY_SECONDS = 2.0


class Command(DatabaseWorkerCommand):
    help = (
        "Exécute les traitements en attente (file de tâches en base). Autant d'exécuteurs que voulu, sur toute "
        "machine qui joint la base ; la tâche d'un exécuteur arrêté brutalement est reprise ou marquée en échec."
    )

    def handle(self, *args, **options):
        if not settings.WORKER_HEARTBEAT:  # the test settings: tests run the worker inside their transaction
            return super().handle(*args, **options)
        if options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)  # the reloader's parent runs no task: no heartbeat
        worker_id = options["worker_id"]
        beat(worker_id)
        reap()  # what a worker killed before this one started left behind
        heartbeat = Heartbeat(worker_id)
        heartbeat.start()
        try:
            while True:
                try:
                    return super().handle(*args, **options)
                except (OperationalError, InterfaceError) as exc:  # the database restarted or is unreachable
                    logger.warning("Base injoignable, l'exécuteur reprend dans %s s : %s", RETRY_SECONDS, exc)
                    connections.close_all()
                    time.sleep(RETRY_SECONDS)
                    with contextlib.suppress(DatabaseError):
                        reap(dead=worker_id)  # the task it was running when the database went away
        finally:
            heartbeat.stop()
