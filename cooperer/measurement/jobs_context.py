"""Background jobs of the web import of context tables: a preview (every cell checked, nothing written), then an
all-or-nothing commit of the same stored files. Both read the file through `importers.preview`."""

from datetime import date
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from cooperer.jobs.services import JobFailure, job_handler
from cooperer.measurement import importers
from cooperer.measurement.enums import MeasurementSource
from cooperer.measurement.models import Measurement, UploadBatch

MAX_LISTED_ERRORS = 1000


def _stored_files(job) -> list[tuple[str, str]]:
    """(stored path, uploaded name) of the table and of its dictionary, if any."""
    params = job.params
    files = [(params["path"], params["name"])]
    if params.get("dictionary_path"):
        files.append((params["dictionary_path"], params.get("dictionary_name") or "dictionnaire"))
    return files


def _failure(job, exc: importers.ContextImportError) -> JobFailure:
    """The job's failure, naming the uploaded files rather than their stored copies."""
    message = str(exc)
    for stored, name in _stored_files(job):
        message = message.replace(stored, name).replace(Path(stored).name, name)
    return JobFailure(message, [e.as_dict() for e in exc.errors[:MAX_LISTED_ERRORS]])


def _preview(job) -> importers.ContextPreview:
    params = job.params
    job.report(5, f"Lecture de « {params['name']} »")
    epci_ids = params.get("epci_ids")
    try:
        return importers.preview(
            params["path"],
            dictionary=params.get("dictionary_path") or None,
            year=params.get("year"),
            epci_ids=None if epci_ids is None else set(epci_ids),
            allow_new_indicators=bool(params.get("allow_new_indicators")),
            name=params["name"],
        )
    except importers.ContextImportError as exc:
        raise _failure(job, exc) from exc


def already_imported(sha256: str) -> UploadBatch | None:
    """The earlier import of the same file (same bytes), if any: its values are already counted."""
    return UploadBatch.objects.filter(sha256=sha256, kind=MeasurementSource.OFFICIAL_FILE).first()


def _already_said(batch: UploadBatch) -> str:
    when = timezone.localtime(batch.created_at).strftime("%d/%m/%Y à %H:%M")
    return (
        f"Ce fichier a déjà été importé le {when} (« {batch.file_name} », {batch.rows} lignes) : ses valeurs "
        "sont déjà enregistrées et ne seront pas comptées deux fois. Rien n'a été écrit."
    )


def _already_stored(result: importers.ContextPreview) -> int:
    """How many of the values to record already have a value for the same indicator, QPV and period (they will be
    updated if they changed, never added twice)."""
    indicator_ids = {value.indicator.pk for value in result.values if value.indicator.pk}
    stored = set(
        Measurement.objects.filter(
            indicator_id__in=indicator_ids, qpv_id__in=result.qpv_ids, application__isnull=True
        ).values_list("indicator_id", "qpv_id", "period_start", "period_end")
    )
    return sum(
        (value.indicator.pk, value.qpv_id, date(value.year, 1, 1), date(value.year, 12, 31)) in stored
        for value in result.values
    )


def _refuse_a_second_import(sha256: str | None) -> None:
    batch = already_imported(sha256) if sha256 else None
    if batch is not None:
        raise JobFailure(_already_said(batch))


@job_handler("context_preview")
def run_context_preview(job) -> dict:
    result = _preview(job)
    job.report(80, "Vérification terminée, préparation de l'aperçu")
    summary = result.summary()
    job.params["sha256"] = result.sha256  # carried to the commit job, which checks it before reading anything
    type(job).objects.filter(pk=job.pk).update(params=job.params)
    batch = already_imported(result.sha256)
    if result.errors:
        job.errors = [error.as_dict() for error in result.errors[:MAX_LISTED_ERRORS]]
        type(job).objects.filter(pk=job.pk).update(errors=job.errors)
        summary["à faire"] = (
            "Corrigez ces erreurs dans le fichier puis déposez-le à nouveau : rien n'a été écrit."
        )
    elif batch is not None:
        summary["déjà importé"] = _already_said(batch)
    elif result.values:
        summary["dont déjà enregistrées (mises à jour si elles changent)"] = _already_stored(result)
        summary["action"] = {
            "url": reverse("measurement:context_commit", args=[job.pk]),
            "label": f"Importer ces {len(result.values)} valeurs",
        }
    return summary


@job_handler("context_commit")
def run_context_commit(job) -> dict:
    _refuse_a_second_import(job.params.get("sha256"))  # before reading: a first commit deletes the files
    result = _preview(job)
    _refuse_a_second_import(result.sha256)
    job.report(50, f"Enregistrement des {len(result.values)} valeurs de « {result.source} »")
    epci_ids = job.params.get("epci_ids") or []
    try:
        written = importers.commit(
            result, user=job.created_by, epci_id=epci_ids[0] if len(epci_ids) == 1 else None
        )
    except importers.ContextImportError as exc:
        raise _failure(job, exc) from exc
    for stored, _ in _stored_files(job):
        Path(stored).unlink(missing_ok=True)
    return {"fichier": result.source, **written}
