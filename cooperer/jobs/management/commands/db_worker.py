"""`cooperer db_worker`: django-tasks-db's worker, with a sign of life written from a thread and the tasks of
dead workers retried or failed (jobs/workers.py). Run as many as needed, on any machine that reaches the
database."""

import os

from django.conf import settings
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from cooperer.jobs.workers import Heartbeat, beat, reap


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
        beat(options["worker_id"])
        reap()  # what a worker killed before this one started left behind
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()
