"""Background jobs of the directory: preview an import (nothing written), then commit it."""

from pathlib import Path

from django.urls import reverse

from cooperer.actors import importers
from cooperer.audit.enums import Action
from cooperer.audit.services import record
from cooperer.jobs.services import MAX_LISTED_ERRORS, JobFailure, job_handler, preview_outcome


def _uploaded_name(job) -> str:
    """The file's name as the person uploaded it: the stored copy has a generated name."""
    return job.params.get("name") or Path(job.params["path"]).name


def _preview(job):
    name = _uploaded_name(job)
    job.report(5, f"Lecture de « {name} »")
    try:
        result = importers.preview(job.params["path"])
    except importers.StructureImportError as exc:
        raise _failure(job, exc) from exc
    result.source = name
    return result


def _failure(job, exc: importers.StructureImportError) -> JobFailure:
    """The job's failure, naming the uploaded file rather than the stored copy."""
    message, name = str(exc), _uploaded_name(job)
    for stored in (job.params["path"], Path(job.params["path"]).name):
        if stored:
            message = message.replace(stored, name)
    return JobFailure(message, [e.as_dict() for e in exc.errors[:MAX_LISTED_ERRORS]])


@job_handler("structures_preview")
def run_structures_preview(job) -> dict:
    result = _preview(job)
    url = reverse("actors:import_commit", args=[job.pk])
    return preview_outcome(job, result.summary(), result.errors, len(result.rows), url, "structures")


@job_handler("structures_commit")
def run_structures_commit(job) -> dict:
    result = _preview(job)
    job.report(50, f"Enregistrement des {len(result.rows)} structures de « {result.source} »")
    try:
        written = importers.commit(result)
    except importers.StructureImportError as exc:
        raise _failure(job, exc) from exc
    Path(job.params["path"]).unlink(missing_ok=True)
    record(
        Action.DATA_IMPORTED, job, actor=job.created_by, label=f"Structures et contacts : {result.source}",
        after=written, address=job.params.get("address", ""),
    )  # fmt: skip
    return {"fichier": result.source, **written}
