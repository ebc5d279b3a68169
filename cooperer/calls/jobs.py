"""Background jobs of calls: read another funder's SCDL publication (nothing written), then import what was read."""

from pathlib import Path

from django.urls import reverse

from cooperer.calls.opendata import import_file, read_publication
from cooperer.jobs.services import JobFailure, job_handler

MAX_LISTED = 200


def _rejected(reading) -> list[str]:
    lines = [
        f"ligne {row.line}" + (f", colonne {row.column}" if row.column else "") + f" : {row.reason}"
        for row in reading.rejected[:MAX_LISTED]
    ]
    if len(reading.rejected) > MAX_LISTED:
        lines.append(f"… et {len(reading.rejected) - MAX_LISTED} autres")
    return lines


@job_handler("scdl_preview")
def run_scdl_preview(job) -> dict:
    job.report(10, f"Lecture de {job.params['name']}")
    reading = read_publication(Path(job.params["path"]).read_bytes())
    if reading.unusable:
        raise JobFailure(reading.unusable)
    summary = {
        "lignes lisibles": len(reading.rows),
        "lignes refusées (non importées)": len(reading.rejected_lines),
        "encodage": reading.encoding,
        "séparateur": reading.delimiter,
    }
    if reading.rejected:
        summary["détail des lignes refusées"] = _rejected(reading)
    if reading.rows:
        summary["action"] = {
            "url": reverse("calls:scdl_commit", args=[job.pk]),
            "label": f"Importer ces {len(reading.rows)} subventions",
        }
    return summary


@job_handler("scdl_commit")
def run_scdl_commit(job) -> dict:
    job.report(10, f"Import de {job.params['name']}")
    result = import_file(Path(job.params["path"]).read_bytes(), job.params["name"])
    if result.unusable:
        raise JobFailure(result.unusable)
    Path(job.params["path"]).unlink(missing_ok=True)
    return {
        "subventions importées": result.read,
        "lignes refusées (non importées)": len({row.line for row in result.rejected}),
        "lignes d'un import précédent de ce fichier remplacées": result.replaced,
    }


@job_handler("committee_letters")
def run_committee_letters(job) -> dict:
    from cooperer.calls import letters
    from cooperer.calls.models import CommitteeSession

    session = CommitteeSession.objects.select_related("call").get(pk=job.params["session"])
    job.report(5, f"Décisions de la séance {session}")
    count = letters.write_archive(job, session, job.report)
    if not count:
        raise JobFailure(
            "Aucune demande de l'ordre du jour de cette séance n'est encore décidée : pas de courrier."
        )
    url = reverse("calls:letters_download", args=[session.call_id, session.pk, job.pk])
    return {
        "courriers de notification": count,
        "action": {"method": "get", "url": url, "label": f"Télécharger les {count} courriers (zip de PDF)"},
    }
