"""A killed worker leaves no task « en cours »: its task is retried (idempotent ones) or failed with a French
message on the person's job, once, by whichever worker is alive. The real kill -9 is in tests/production/."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cooperer.calls.tasks import rebuild_overlap_index
from cooperer.jobs import workers
from cooperer.jobs.enums import JobStatus
from cooperer.jobs.models import Job, WorkerBeat
from cooperer.jobs.probe import start_probes


@pytest.fixture
def claimed(db, django_capture_on_commit_callbacks):
    """A probe job claimed by worker « mort », whose last sign of life is older than the lease."""
    with django_capture_on_commit_callbacks(execute=True):
        (job,) = start_probes(1, seconds=60)
    task = DBTaskResult.objects.get()
    task.claim("mort")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    WorkerBeat.objects.create(worker_id="mort", beat_at=timezone.now() - timedelta(minutes=5))
    return job, task


def test_the_task_of_a_dead_worker_is_failed_with_its_french_message(claimed):
    job, task = claimed
    assert workers.reap() == [str(task.pk)]
    task.refresh_from_db()
    job.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert job.status == JobStatus.FAILED and job.finished_at
    assert job.message.startswith("Traitement interrompu : l'exécuteur qui le menait s'est arrêté")
    assert workers.reap() == []  # once


def test_the_task_of_a_live_worker_is_left_running(claimed):
    _job, task = claimed
    workers.beat("mort")  # it was only slow to beat
    assert workers.reap() == []
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_an_idempotent_task_of_a_dead_worker_runs_again(db):
    result = rebuild_overlap_index.enqueue(1)
    task = DBTaskResult.objects.get(pk=result.id)
    task.claim("disparu")  # a worker that never gave a sign of life
    workers.reap()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY and task.worker_ids == ["disparu"]


def test_a_worker_says_it_is_alive_and_old_signs_are_forgotten(db):
    workers.beat("vivant")
    first = WorkerBeat.objects.get(worker_id="vivant").beat_at
    workers.beat("vivant")
    assert WorkerBeat.objects.get(worker_id="vivant").beat_at >= first
    WorkerBeat.objects.create(worker_id="ancien", beat_at=timezone.now() - timedelta(days=2))
    workers.reap()
    assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["vivant"]


def test_the_probe_job_runs_and_says_where(db, django_capture_on_commit_callbacks, capsys):
    call_command("check_workers", "--jobs", "2")
    assert "2 traitements de vérification en file" in capsys.readouterr().out
    job = Job.objects.filter(kind="probe").first()
    from cooperer.jobs.services import run_job

    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["processus"] > 0
