"""Start jobs and run them. A job kind is a plain function `handler(job) -> dict` registered with
`@job_handler("kind")`; it reports progress with `job.report(percent, message)`."""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from cooperer.core.uploads import discard_upload, store_upload
from cooperer.jobs.enums import JobStatus
from cooperer.jobs.models import Job

HANDLERS: dict[str, Callable[[Job], dict]] = {}


class JobFailure(Exception):
    """Raised by a handler to fail a job with French messages shown to the user."""

    def __init__(self, message: str, errors: list | None = None):
        super().__init__(message)
        self.errors = errors or []


def job_handler(kind: str):
    def register(func: Callable[[Job], dict]) -> Callable[[Job], dict]:
        HANDLERS[kind] = func
        return func

    return register


MAX_LISTED_ERRORS = 1000
FIX_THE_FILE = "Corrigez ces erreurs dans le fichier puis déposez-le à nouveau : rien n'a été écrit."


def start_upload_job(job_kind: str, label: str, upload, folder: str, user, **params) -> Job:
    """Keeps an uploaded file under a generated name and starts the job that reads it (params `path`, `name`)."""
    path = store_upload(upload, folder)
    return start_job(job_kind, label, {"path": str(path), "name": upload.name, **params}, user)


def preview_outcome(job: Job, summary: dict, errors: list, count: int, commit_url: str, noun: str) -> dict:
    """The result of an import's preview job: its errors recorded on the job with what to do, or else the button
    that starts the commit (« Importer ces N … »)."""
    if errors:
        job.errors = [error.as_dict() for error in errors[:MAX_LISTED_ERRORS]]
        Job.objects.filter(pk=job.pk).update(errors=job.errors)
        summary["à faire"] = FIX_THE_FILE
        discard_upload(job.params.get("path"))  # it will not be imported: a corrected file is uploaded again
    elif count:
        summary["action"] = {"url": commit_url, "label": f"Importer ces {count} {noun}"}
    return summary


def start_job(kind: str, label: str, params: dict, user=None) -> Job:
    if kind not in HANDLERS:
        raise ValueError(f"Unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, label=label, params=params, created_by=user)
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


@task()
def run_job(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        result = HANDLERS[job.kind](job)
    except JobFailure as failure:
        _finish(job, JobStatus.FAILED, message=str(failure), errors=failure.errors)
        _discard_preview_file(job)
    except Exception as exc:
        _finish(job, JobStatus.FAILED, message=f"Erreur inattendue : {exc.__class__.__name__}.")
        _discard_preview_file(job)
        raise
    else:
        _finish(job, JobStatus.SUCCEEDED, message="", result=result or {}, progress=100)


def _discard_preview_file(job: Job) -> None:
    """A failed preview's file will never be imported; a failed import keeps its file, so that it can be retried
    from its (successful) preview."""
    if job.kind.endswith("_preview"):
        discard_upload(job.params.get("path"))


def _finish(job: Job, status: str, message: str, result=None, errors=None, progress=None) -> None:
    fields = {"status": status, "message": message[:300], "finished_at": timezone.now()}
    if result is not None:
        fields["result"] = result
    if errors is not None:
        fields["errors"] = errors
    if progress is not None:
        fields["progress"] = progress
    Job.objects.filter(pk=job.pk).update(**fields)
