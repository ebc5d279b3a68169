"""Background jobs of the directory: preview an import (nothing written), then commit it."""

from pathlib import Path

from django.urls import reverse

from cooperer.actors import importers
from cooperer.jobs.services import JobFailure, job_handler

MAX_LISTED_ERRORS = 1000


def _preview(job):
    job.report(5, "Lecture du fichier")
    try:
        return importers.preview(job.params["path"])
    except importers.StructureImportError as exc:
        raise JobFailure(str(exc), [e.as_dict() for e in exc.errors[:MAX_LISTED_ERRORS]]) from exc


@job_handler("structures_preview")
def run_structures_preview(job) -> dict:
    result = _preview(job)
    summary = result.summary()
    if result.errors:
        job.errors = [error.as_dict() for error in result.errors[:MAX_LISTED_ERRORS]]
        type(job).objects.filter(pk=job.pk).update(errors=job.errors)
        summary["à faire"] = (
            "Corrigez ces erreurs dans le fichier puis déposez-le à nouveau : rien n'a été écrit."
        )
    else:
        summary["action"] = {
            "url": reverse("actors:import_commit", args=[job.pk]),
            "label": f"Importer ces {len(result.rows)} structures",
        }
    return summary


@job_handler("structures_commit")
def run_structures_commit(job) -> dict:
    result = _preview(job)
    job.report(50, "Enregistrement")
    try:
        written = importers.commit(result)
    except importers.StructureImportError as exc:
        raise JobFailure(str(exc), [e.as_dict() for e in exc.errors[:MAX_LISTED_ERRORS]]) from exc
    Path(job.params["path"]).unlink(missing_ok=True)
    return written
