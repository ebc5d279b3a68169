"""« Importer des mesures » : upload a long table of measurements, preview it in a job (every error with its line,
column and reason, nothing written), then commit it all or nothing in a second job."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from cooperer.core.exports import csv_download
from cooperer.jobs.models import Job
from cooperer.jobs.services import start_upload_job
from cooperer.jobs.views import commit_preview
from cooperer.measurement import uploads
from cooperer.measurement.enums import MeasurementSource
from cooperer.measurement.forms import MeasurementUploadForm
from cooperer.measurement.models import UploadBatch

NOT_ALLOWED = (
    "L'import de mesures est réservé à l'animation du territoire, aux financeurs, aux structures porteuses "
    "d'actions et aux administrateur·rices."
)


def _require_uploader(request) -> None:
    if not uploads.can_upload(request.user):
        raise PermissionDenied(NOT_ALLOWED)


@login_required
def upload(request):
    _require_uploader(request)
    form = MeasurementUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        received = form.cleaned_data["file"]
        label = f"Aperçu de l'import de mesures {received.name}"
        return redirect(
            start_upload_job("measurements_preview", label, received, "measurements", request.user)
        )
    batches = UploadBatch.objects.filter(created_by=request.user, kind=MeasurementSource.UPLOAD)[:20]
    context = {"form": form, "columns": uploads.TEMPLATE_COLUMNS, "batches": batches, "nav": "measurement"}
    return render(request, "measurement/uploads.html", context)


@login_required
def template(request):
    return csv_download(uploads.template_csv(), "modele-import-mesures.csv")


@login_required
@require_POST
def commit(request, job_pk):
    _require_uploader(request)
    preview = get_object_or_404(Job, pk=job_pk, kind="measurements_preview", created_by=request.user)
    return commit_preview(request, preview, "measurements_commit")


urlpatterns = [
    path("imports/", upload, name="uploads"),
    path("imports/modele.csv", template, name="upload_template"),
    path("imports/<int:job_pk>/importer/", commit, name="upload_commit"),
]
