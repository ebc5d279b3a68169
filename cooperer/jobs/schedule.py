"""Daily work with no cron to set up: the retention commands run as one job, started at most once a day.

Every web process (DueJobsMiddleware) and every worker (its heartbeat, jobs/workers.py) checks, at most once every
CHECK_SECONDS, whether today's run is due, so a day without any request still gets its run; the claim is one
conditional UPDATE of the DailyRun row, so among all processes and machines only one starts it.
The job runs in `cooperer db_worker`, like every other job, and its outcome is recorded in the journal."""

import io
import logging
import time

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cooperer.audit.enums import Action
from cooperer.audit.services import record
from cooperer.jobs.models import DailyRun, Job
from cooperer.jobs.services import job_handler, start_job

RETENTION = "retention"
# The commands that apply the retention periods of docs/rgpd.md, in this order.
RETENTION_COMMANDS = ("purge_contacts", "purge_analyses")
CHECK_SECONDS = 3600
logger = logging.getLogger(__name__)


def start_if_due(today=None) -> Job | None:
    """Starts today's retention job unless it already started today; returns it, or None."""
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            DailyRun.objects.get_or_create(name=RETENTION)
    except IntegrityError:  # another process created it at the same instant
        pass
    with transaction.atomic():
        due = DailyRun.objects.filter(name=RETENTION).filter(
            Q(last_run_on__isnull=True) | Q(last_run_on__lt=today)
        )
        if not due.update(last_run_on=today):
            return None
        return start_job(
            RETENTION, "Durées de conservation (traitement quotidien)", {"jour": today.isoformat()}
        )


@job_handler(RETENTION)
def apply_retention(job: Job) -> dict:
    result = {}
    for number, name in enumerate(RETENTION_COMMANDS):
        job.report(int(100 * number / len(RETENTION_COMMANDS)), f"Commande {name.replace('_', '-')}")
        out = io.StringIO()
        call_command(name, stdout=out)
        result[name.replace("_", "-")] = out.getvalue().strip()
    record(
        Action.RETENTION_APPLIED, job, label="Traitement quotidien des durées de conservation", after=result
    )
    return result


class DueJobsMiddleware:
    """Checks, at most once every CHECK_SECONDS per process, whether the daily job is due."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.next_check = 0.0

    def __call__(self, request):
        if settings.DAILY_JOBS and time.monotonic() >= self.next_check:
            self.next_check = time.monotonic() + CHECK_SECONDS
            try:
                start_if_due()
            except DatabaseError:  # a busy database must not fail the page; the next check tries again
                logger.exception("Daily retention job not started")
                self.next_check = time.monotonic() + 60
        return self.get_response(request)
