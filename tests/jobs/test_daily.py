import datetime

import pytest
from django.utils import timezone

from cooperer.actors.enums import LegalForm
from cooperer.actors.models import Person, Structure
from cooperer.audit.enums import Action
from cooperer.audit.models import AuditEntry
from cooperer.jobs.enums import JobStatus
from cooperer.jobs.models import DailyRun, Job
from cooperer.jobs.schedule import RETENTION, start_if_due
from tests.conftest import run_jobs

TODAY = datetime.date(2026, 12, 3)


@pytest.mark.django_db
def test_the_retention_job_starts_once_a_day():
    assert start_if_due(TODAY) is not None
    assert start_if_due(TODAY) is None
    assert Job.objects.filter(kind=RETENTION).count() == 1
    assert DailyRun.objects.get(name=RETENTION).last_run_on == TODAY
    assert start_if_due(TODAY + datetime.timedelta(days=1)) is not None
    assert Job.objects.filter(kind=RETENTION).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_first_request_of_the_day_starts_it_and_the_worker_purges_and_journals(client, settings):
    settings.DAILY_JOBS = True
    structure = Structure.objects.create(name="Centre social du Soleil", legal_form=LegalForm.SOCIAL_CENTRE)
    expired = Person.objects.create(
        structure=structure, first_name="Ancien", last_name="Contact", retain_until=datetime.date(2020, 1, 1)
    )
    client.get("/")
    client.get("/")
    assert Job.objects.filter(kind=RETENTION).count() == 1
    run_jobs()
    job = Job.objects.get(kind=RETENTION)
    assert job.status == JobStatus.SUCCEEDED
    assert not Person.objects.filter(pk=expired.pk).exists()
    entry = AuditEntry.objects.get(action=Action.RETENTION_APPLIED)
    assert "1 contact(s) supprimé(s)" in entry.after["purge-contacts"]
    assert "analyse(s) supprimée(s)" in entry.after["purge-analyses"]


def test_every_retention_command_is_in_the_register_and_the_readme():
    from pathlib import Path

    from cooperer.jobs.schedule import RETENTION_COMMANDS

    root = Path(__file__).resolve().parents[2]
    register, readme = (root / "docs/rgpd.md").read_text(), (root / "README.md").read_text()
    for name in RETENTION_COMMANDS:
        command = name.replace("_", "-")
        assert f"`{command}`" in register and f"cooperer {command}" in readme, command
    assert "docs/rgpd.md" in readme


def test_a_worker_starts_the_day_s_run_even_when_no_page_is_viewed(db, settings):
    from cooperer.jobs.workers import Heartbeat

    settings.DAILY_JOBS = True
    heartbeat = Heartbeat("exécuteur-nuit")  # not started: one beat, as its thread does
    heartbeat.beat_once()
    heartbeat.beat_once()  # the next check waits for schedule.CHECK_SECONDS, and the day is taken anyway
    assert Job.objects.filter(kind=RETENTION).count() == 1
    assert DailyRun.objects.get(name=RETENTION).last_run_on == timezone.localdate()
