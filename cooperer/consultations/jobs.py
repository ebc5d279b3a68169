"""Background jobs of consultations: preview a contributions file (nothing written), then commit it."""

from pathlib import Path

from django.urls import reverse

from cooperer.audit.enums import Action
from cooperer.audit.services import record
from cooperer.consultations import importers
from cooperer.consultations.models import Session
from cooperer.jobs.services import MAX_LISTED_ERRORS, JobFailure, job_handler, preview_outcome


def _preview(job):
    job.report(5, f"Lecture de {job.params.get('name', 'fichier')}")
    session = Session.objects.select_related("consultation").get(pk=job.params["session"])
    try:
        return importers.preview(job.params["path"], session, job.params["kind"])
    except importers.ContributionImportError as exc:
        raise JobFailure(str(exc), [e.as_dict() for e in exc.errors[:MAX_LISTED_ERRORS]]) from exc


def _epci_of(session_id: int) -> int | None:
    return Session.objects.filter(pk=session_id).values_list("consultation__epci_id", flat=True).first()


@job_handler("contributions_preview")
def run_contributions_preview(job) -> dict:
    result = _preview(job)
    summary = result.summary()
    if result.warnings:
        summary["avertissements"] = result.warnings
    url = reverse("consultations:import_commit", args=[job.pk])
    return preview_outcome(job, summary, result.errors, len(result.rows), url, "contributions")


@job_handler("contributions_commit")
def run_contributions_commit(job) -> dict:
    result = _preview(job)
    job.report(50, "Enregistrement")
    try:
        written = importers.commit(result, job.created_by)
    except importers.ContributionImportError as exc:
        raise JobFailure(str(exc), [e.as_dict() for e in exc.errors[:MAX_LISTED_ERRORS]]) from exc
    Path(job.params["path"]).unlink(missing_ok=True)
    record(
        Action.DATA_IMPORTED, job, actor=job.created_by, epci_id=_epci_of(result.session_id),
        label=f"Contributions : {job.params.get('name', '')}", after=written, address=job.params.get("address", ""),
    )  # fmt: skip
    return written


@job_handler("consultation_analysis")
def run_consultation_analysis(job) -> dict:
    from cooperer.consultations import analysis
    from cooperer.consultations.models import Consultation

    consultation = Consultation.objects.get(pk=job.params["consultation"])
    try:
        result = analysis.run(consultation, job, lambda percent, message: job.report(percent, message))
    except analysis.AnalysisUnavailable as exc:
        raise JobFailure(str(exc)) from exc
    report = result.report
    return {
        "contributions analysées": result.contributions,
        "exemples confirmés ou corrigés": result.labelled,
        "thèmes": len(report.get("themes", [])),
        "sujets émergents": len(report.get("topics", [])),
        "groupes de quasi-doublons": len(report.get("duplicates", [])),
        "action": {
            "url": reverse("consultations:analysis", args=[consultation.pk]),
            "label": "Voir l'analyse",
            "method": "get",
        },
    }
