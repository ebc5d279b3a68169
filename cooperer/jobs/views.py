from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from cooperer.accounts.permissions import can_import_reference_data
from cooperer.jobs.models import Job


@login_required
def job_list(request):
    jobs = Job.objects.visible_to(request.user).select_related("created_by")
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/list.html",
        {"page": page, "can_import": can_import_reference_data(request.user), "nav": "jobs"},
    )


@login_required
def job_detail(request, pk):
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    template = "jobs/_progress.html" if request.htmx else "jobs/detail.html"
    return render(request, template, {"job": job, "nav": "jobs"})
