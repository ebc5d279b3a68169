"""Job handlers of the territories app (registered when the app is ready)."""

from pathlib import Path

from cooperer.jobs.services import JobFailure, job_handler
from cooperer.territories.importers import ReferenceImportError, import_reference


@job_handler("import_reference")
def run_reference_import(job) -> dict:
    path = job.params["path"]
    try:
        summary = import_reference(path, progress=job.report)
    except ReferenceImportError as exc:
        raise JobFailure(str(exc), [error.as_dict() for error in exc.errors[:500]]) from exc
    finally:
        Path(path).unlink(missing_ok=True)
    return summary.as_dict()
