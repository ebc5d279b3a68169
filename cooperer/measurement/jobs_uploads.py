"""Background jobs of bulk measurement uploads: preview (nothing written), then commit all or nothing."""

from pathlib import Path

from django.urls import reverse

from cooperer.jobs.services import MAX_LISTED_ERRORS, JobFailure, job_handler, preview_outcome
from cooperer.measurement import uploads


def _preview(job) -> uploads.UploadPreview:
    name = job.params["name"]
    if job.created_by is None:  # the command line has no job: a job always acts for a person
        raise JobFailure("La personne qui a déposé ce fichier n'a plus de compte : l'import est annulé.")
    job.report(5, f"Lecture de « {name} »")
    try:
        result = uploads.preview(job.params["path"], uploader=uploads.Uploader(job.created_by), name=name)
    except uploads.UploadError as exc:
        raise JobFailure(str(exc), [e.as_dict() for e in exc.errors[:MAX_LISTED_ERRORS]]) from exc
    job.report(60, f"{len(result.rows)} mesure(s) vérifiée(s)")
    return result


@job_handler("measurements_preview")
def run_measurements_preview(job) -> dict:
    result = _preview(job)
    url = reverse("measurement:upload_commit", args=[job.pk])
    return preview_outcome(job, result.summary(), result.errors, len(result.rows), url, "mesures")


@job_handler("measurements_commit")
def run_measurements_commit(job) -> dict:
    result = _preview(job)
    job.report(70, f"Enregistrement des {len(result.rows)} mesures de « {result.source} »")
    try:
        written = uploads.commit(result, user=job.created_by)
    except uploads.UploadError as exc:
        raise JobFailure(str(exc), [e.as_dict() for e in exc.errors[:MAX_LISTED_ERRORS]]) from exc
    Path(job.params["path"]).unlink(missing_ok=True)
    return {"fichier": result.source, **written}
