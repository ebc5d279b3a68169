from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from cooperer.accounts.permissions import can_import_reference_data
from cooperer.audit.context import client_address
from cooperer.jobs.enums import JobStatus
from cooperer.jobs.models import Job
from cooperer.jobs.services import start_job


@login_required
def job_list(request):
    jobs = Job.objects.visible_to(request.user).select_related("created_by")
    state = request.GET.get("etat", "")
    if state == "en_cours":
        jobs = jobs.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    elif state in JobStatus.values:
        jobs = jobs.filter(status=state)
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/list.html",
        {"page": page, "state": state, "can_import": can_import_reference_data(request.user), "nav": "jobs"},
    )


@login_required
def job_detail(request, pk):
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    template = "jobs/_progress.html" if request.htmx else "jobs/detail.html"
    return render(request, template, {"job": job, "nav": "jobs"})


def commit_preview(request, preview_job, kind: str):
    """The response of an import's « Importer » button: the commit job started from an error-free preview (same
    file, same parameters), or back to the preview with a message."""
    if preview_job.errors or preview_job.status != JobStatus.SUCCEEDED:
        messages.error(request, "Cet aperçu contient des erreurs : corrigez le fichier et relancez l'import.")
        return redirect(preview_job)
    label = preview_job.label.replace("Aperçu de l'import", "Import")
    # The address of the person who asked for the import, for the journal (the job runs elsewhere).
    params = {**preview_job.params, "address": client_address(request)}
    return redirect(start_job(kind, label, params, request.user))
