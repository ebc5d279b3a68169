"""Web import of a context table (one row per QPV, one column per indicator): the upload starts a preview job that
lists every problem; the commit job writes every value or none (`jobs_context`). Same people as for creating a
territory's indicator: its animation and administrators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin
from cooperer.core.uploads import store_upload
from cooperer.jobs.enums import JobStatus
from cooperer.jobs.models import Job
from cooperer.jobs.services import start_job
from cooperer.measurement.indicator_forms import ContextUploadForm, can_manage_indicators

DENIED = "Seules l'animation d'un territoire et les administrateur·rices importent des données de contexte."


def _scope(user) -> dict:
    """What the importer accepts from this person: an animatrice, the QPVs of her territories and their own
    indicators; an administrator, every QPV and new national indicators described by a dictionary."""
    if is_platform_admin(user):
        return {"epci_ids": None, "allow_new_indicators": True}
    return {"epci_ids": sorted(animated_epci_ids(user)), "allow_new_indicators": False}


@login_required
def context_import(request):
    if not can_manage_indicators(request.user):
        raise PermissionDenied(DENIED)
    form = ContextUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, dictionary = form.cleaned_data["file"], form.cleaned_data["dictionary"]
        params = {"path": str(store_upload(upload, "context")), "name": upload.name,
                  "year": form.cleaned_data["year"], **_scope(request.user)}  # fmt: skip
        if dictionary:
            params["dictionary_path"] = str(store_upload(dictionary, "context"))
            params["dictionary_name"] = dictionary.name
        job = start_job("context_preview", f"Aperçu de l'import de {upload.name}", params, request.user)
        return redirect(job)
    return render(request, "measurement/indicators/import.html", {"form": form, "nav": "measurement"})


@login_required
@require_POST
def context_commit(request, job_pk):
    if not can_manage_indicators(request.user):
        raise PermissionDenied(DENIED)
    preview_job = get_object_or_404(Job.objects.visible_to(request.user), pk=job_pk, kind="context_preview")
    if preview_job.errors or preview_job.status != JobStatus.SUCCEEDED or "action" not in preview_job.result:
        messages.error(
            request, "Cet aperçu ne peut pas être importé : corrigez le fichier et relancez l'import."
        )
        return redirect(preview_job)
    job = start_job(
        "context_commit",
        preview_job.label.replace("Aperçu de l'import", "Import"),
        {**preview_job.params, **_scope(request.user)},
        request.user,
    )
    return redirect(job)


urlpatterns = [
    path("indicateurs/import/", context_import, name="context_import"),
    path("indicateurs/import/<int:job_pk>/importer/", context_commit, name="context_commit"),
]
