from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin
from cooperer.actors.models import Structure
from cooperer.calls import permissions, services
from cooperer.calls.enums import ApplicationStatus
from cooperer.calls.forms import CallForm, CallFunderForm, CriterionForm, ScdlImportForm
from cooperer.calls.home import open_calls
from cooperer.calls.models import Application, Call
from cooperer.core.uploads import store_upload
from cooperer.jobs.enums import JobStatus
from cooperer.jobs.models import Job
from cooperer.jobs.services import start_job
from cooperer.territories.models import Epci


def _managed_epci_ids(user) -> list[int]:
    if is_platform_admin(user):
        return list(Epci.objects.values_list("pk", flat=True))
    return list(animated_epci_ids(user))


def call_list(request):
    calls = Call.objects.select_related("epci", "contract").annotate(
        submitted=Count(
            "applications",
            filter=~Q(applications__status__in=[ApplicationStatus.DRAFT, ApplicationStatus.MERGED]),
        )
    )
    calls = permissions.readable_calls(request.user, calls)
    can_create = is_platform_admin(request.user) or bool(animated_epci_ids(request.user))
    only_open = request.GET.get("etat") == "ouverts"
    if only_open:
        calls = open_calls(calls)
    return render(
        request,
        "calls/list.html",
        {
            "calls": calls.order_by("-opens_on"),
            "can_create": can_create,
            "only_open": only_open,
            "nav": "calls",
        },
    )


@login_required
def call_create(request):
    epci_ids = _managed_epci_ids(request.user)
    if not epci_ids:
        raise PermissionDenied(permissions.NOT_MANAGER)
    form = CallForm(request.POST or None, epci_ids=epci_ids)
    if request.method == "POST" and form.is_valid():
        call = form.save(commit=False)
        call.created_by = request.user
        call.save()
        form.save_m2m()
        messages.success(request, "Appel créé : ajoutez ses financeurs et sa grille d'évaluation.")
        return redirect(call)
    return render(request, "calls/form.html", {"form": form, "nav": "calls"})


@login_required
def call_edit(request, pk):
    call = permissions.get_call(request, pk, permissions.can_manage, permissions.NOT_MANAGER)
    form = CallForm(request.POST or None, instance=call, epci_ids=_managed_epci_ids(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Appel mis à jour.")
        return redirect(call)
    return render(request, "calls/form.html", {"form": form, "call": call, "nav": "calls"})


def call_detail(request, pk):
    call = permissions.get_call(request, pk)
    can_manage = permissions.can_manage(request.user, call)
    funder_form = CallFunderForm(request.POST if "add_funder" in request.POST else None, prefix="financeur")
    criterion_form = CriterionForm(
        request.POST if "add_criterion" in request.POST else None, prefix="critere"
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(permissions.NOT_MANAGER)
        form = funder_form if "add_funder" in request.POST else criterion_form
        if form.is_valid():
            form.instance.call = call
            form.save()
            messages.success(request, "Financeur ajouté." if form is funder_form else "Critère ajouté.")
            return redirect(call)
    can_instruct = permissions.can_instruct(request.user, call)
    mine = permissions.member_structure_ids(request.user) if request.user.is_authenticated else set()
    return render(
        request,
        "calls/detail.html",
        {
            "call": call,
            "funders": list(call.funders.all()),
            "criteria": list(call.criteria.all()),
            "elements": list(call.elements.select_related("version__vision")),
            "envelopes": services.envelope_use(call),
            "can_manage": can_manage,
            "can_instruct": can_instruct,
            "my_structures": Structure.objects.filter(pk__in=mine).order_by("name") if mine else [],
            "my_applications": Application.objects.filter(call=call)
            .filter(Q(applicant__in=mine) | Q(partners__structure__in=mine))
            .distinct()
            .order_by("title")
            if mine
            else [],
            "funder_form": funder_form,
            "criterion_form": criterion_form,
            "is_open": call.is_open_at(timezone.now()),
            "nav": "calls",
        },
    )


def scdl_export(request, pk=None):
    """The grants as SCDL open data: public, like any publication of grants."""
    import io

    from cooperer.calls.opendata import export

    call = permissions.get_call(request, pk) if pk else None
    buffer = io.StringIO()
    export(buffer, call)
    name = f"subventions-appel-{call.pk}.csv" if call else "subventions.csv"
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


NOT_SCDL_IMPORTER = (
    "L'import des publications SCDL dans l'historique partagé des financements est réservé à l'animation des "
    "territoires et aux administrateur·rices."
)


def _require_scdl_importer(request):
    if not (is_platform_admin(request.user) or animated_epci_ids(request.user)):
        raise PermissionDenied(NOT_SCDL_IMPORTER)


@login_required
def scdl_import(request):
    _require_scdl_importer(request)
    form = ScdlImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = store_upload(upload, "scdl")
        job = start_job("scdl_preview", f"Lecture de la publication SCDL {upload.name}",
                        {"path": str(path), "name": upload.name}, request.user)  # fmt: skip
        return redirect(job)
    return render(request, "calls/scdl_import.html", {"form": form, "nav": "calls"})


@login_required
@require_POST
def scdl_commit(request, job_pk):
    _require_scdl_importer(request)
    preview = get_object_or_404(Job, pk=job_pk, kind="scdl_preview", created_by=request.user)
    if preview.status != JobStatus.SUCCEEDED or not preview.result.get("lignes lisibles"):
        messages.error(request, "Cette lecture n'a pas abouti : déposez à nouveau la publication.")
        return redirect(preview)
    job = start_job("scdl_commit", preview.label.replace("Lecture", "Import"), preview.params, request.user)
    return redirect(job)
