"""Results rolled up to the vision: the follow-up of a vision, one page per vision element (grants, actions and
people reached), per outcome (indicators with baseline, target and actuals, contributing actions) and per
assumption (its status history and the measurements cited as evidence). Anyone with a role on the vision's
territory reads them; those who write the vision change an assumption's status and cite measurements."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse

from cooperer.measurement import rollup
from cooperer.measurement.models import EvidenceCitation
from cooperer.measurement.trajectory import trajectory_chart
from cooperer.visions import permissions, services
from cooperer.visions.enums import AssumptionStatus
from cooperer.visions.services import VisionError

PAGE = 30


def _follow(request, pk, kind, key):
    vision = permissions.get_vision(request, pk)
    version = rollup.followed_version(vision)
    item = rollup.find(version, kind, key) if version else None
    if item is None:
        raise Http404("Cet élément ne figure pas dans la version suivie de la vision.")
    return vision, version, item


@login_required
def vision_follow_up(request, pk):
    vision = permissions.get_vision(request, pk)
    data = rollup.vision_follow_up(vision)
    return render(
        request, "measurement/results/vision.html", {"vision": vision, "nav": "measurement", **data}
    )


@login_required
def element(request, pk, key):
    vision, version, item = _follow(request, pk, "element", key)
    actions = rollup.contributing_actions(vision, key)
    page = Paginator(actions, PAGE).get_page(request.GET.get("page"))
    page.object_list = rollup.with_people(page.object_list)
    context = {
        "vision": vision, "version": version, "element": item, "page": page, "nav": "measurement",
        "years": rollup.element_years(vision, key), "outcomes": list(version.outcomes.filter(element=item)),
    }  # fmt: skip
    return render(request, "measurement/results/element.html", context)


@login_required
def outcome(request, pk, key):
    vision, version, item = _follow(request, pk, "outcome", key)
    indicators = rollup.outcome_detail(vision, item)["indicators"]
    for row in indicators:
        row["chart"] = trajectory_chart(row)
    page = None
    if item.element_id:
        page = Paginator(rollup.contributing_actions(vision, item.element.key), PAGE).get_page(
            request.GET.get("page")
        )
        page.object_list = rollup.with_people(page.object_list)
    context = {
        "vision": vision, "version": version, "outcome": item, "indicators": indicators, "page": page,
        "assumptions": list(item.assumptions.all()), "nav": "measurement",
    }  # fmt: skip
    return render(request, "measurement/results/outcome.html", context)


def _change(request, vision, assumption) -> dict:
    """Changes the status with its evidence and the measurements cited, all or nothing; the errors otherwise."""
    if not permissions.can_edit(request.user, vision):
        raise PermissionDenied(permissions.NOT_EDITOR)
    citable = {str(m.pk): m for m in rollup.citable_measurements(vision, assumption)}
    chosen = request.POST.getlist("measurements")
    errors = {}
    unknown = [pk for pk in chosen if pk not in citable]
    if unknown:
        errors["measurements"] = "Choisissez des mesures de cette vision ou des actions qui la servent."
    status, evidence = request.POST.get("status", ""), request.POST.get("evidence", "")
    if not errors:
        try:
            with transaction.atomic():
                services.change_assumption_status(assumption, status, evidence, request.user)
                for pk in chosen:
                    EvidenceCitation.objects.get_or_create(
                        vision=vision, assumption_key=assumption.key, measurement=citable[pk],
                        defaults={"note": request.POST.get("note", "")[:300], "by": request.user},
                    )  # fmt: skip
        except VisionError as error:
            errors["evidence" if "preuve" in str(error) else "status"] = str(error)
    return errors


@login_required
def assumption(request, pk, key):
    vision, version, item = _follow(request, pk, "assumption", key)
    errors = {}
    if request.method == "POST":
        errors = _change(request, vision, item)
        if not errors:
            messages.success(request, "Le statut de l'hypothèse et ses preuves sont enregistrés.")
            return redirect(reverse("measurement:assumption", args=[vision.pk, key]))
    citations = list(
        EvidenceCitation.objects.filter(vision=vision, assumption_key=key).select_related(
            "measurement__indicator", "measurement__application", "by"
        )
    )
    can_edit = permissions.can_edit(request.user, vision)
    context = {
        "vision": vision, "version": version, "assumption": item, "changes": list(item.changes.select_related("by")),
        "citations": citations, "can_edit": can_edit, "errors": errors, "posted": request.POST,
        "chosen": request.POST.getlist("measurements"),
        "citable": rollup.citable_measurements(vision, item) if can_edit else [],
        "statuses": [c for c in AssumptionStatus.choices if c[0] != item.status], "nav": "measurement",
    }  # fmt: skip
    return render(request, "measurement/results/assumption.html", context)


urlpatterns = [
    path("visions/<int:pk>/", vision_follow_up, name="vision_follow_up"),
    path("visions/<int:pk>/elements/<str:key>/", element, name="element"),
    path("visions/<int:pk>/changements/<str:key>/", outcome, name="outcome"),
    path("visions/<int:pk>/hypotheses/<str:key>/", assumption, name="assumption"),
]
