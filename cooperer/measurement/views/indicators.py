"""The indicator library: the national defaults and each territory's own indicators, their definitions, the latest
context values of the viewer's QPVs (statistical secrecy applied), and a territory's own indicators created and
edited by its animation (administrators too). National indicators come from `library.py`, never from a form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from cooperer.accounts.permissions import is_platform_admin, roles_of
from cooperer.measurement import secrecy
from cooperer.measurement.enums import Disaggregation, IndicatorKind
from cooperer.measurement.indicator_forms import (
    IndicatorForm,
    LibraryFilterForm,
    can_manage_indicators,
    managed_epcis,
)
from cooperer.measurement.models import Indicator, Measurement
from cooperer.territories.models import Epci, Qpv

PER_PAGE = 50
DENIED = "Seules l'animation du territoire et les administrateur·rices gèrent ses indicateurs."


def visible_indicators(user):
    """National indicators, and the own indicators of the territories where the user has a role (every
    territory's for an administrator)."""
    queryset = Indicator.objects.select_related("epci")
    if is_platform_admin(user):
        return queryset
    return queryset.filter(epci__isnull=True) | queryset.filter(epci_id__in=_viewer_epci_ids(user))


def _viewer_epci_ids(user) -> set[int]:
    return {role.epci_id for role in roles_of(user) if role.epci_id}


def get_indicator_for_user(request, pk) -> Indicator:
    return get_object_or_404(visible_indicators(request.user), pk=pk)


@login_required
def indicator_list(request):
    form = LibraryFilterForm(request.GET or None)
    indicators = visible_indicators(request.user).order_by(
        "kind", F("epci__name").asc(nulls_first=True), "name", "pk"
    )
    kind = form.cleaned_data["type"] if form.is_valid() else ""
    if kind:
        indicators = indicators.filter(kind=kind)
    page = Paginator(indicators, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "measurement/indicators/list.html", {
        "form": form, "page": page, "kind": kind, "can_create": can_manage_indicators(request.user),
        "nav": "measurement",
    })  # fmt: skip


def _territory(request, indicator):
    """The EPCIs whose QPVs the detail page shows: the viewer's; an administrator picks one (« territoire »)."""
    if not is_platform_admin(request.user):
        return _viewer_epci_ids(request.user), None
    choices = list(managed_epcis(request.user).only("pk", "name"))
    wanted = request.GET.get("territoire") or indicator.epci_id
    chosen = next((e for e in choices if str(e.pk) == str(wanted)), choices[0] if choices else None)
    return ({chosen.pk} if chosen else set()), {"choices": choices, "chosen": chosen}


def latest_values(indicator, epci_ids) -> list[dict]:
    """For each QPV of the EPCIs, its latest validated value of `indicator`, masked as publicly (secrecy)."""
    qpvs = list(
        Qpv.objects.filter(communes__epci_id__in=epci_ids)
        .distinct()
        .only("pk", "code", "name")
        .order_by("name")
    )
    latest = {}
    for measurement in (
        Measurement.objects.validated()
        .filter(indicator=indicator, qpv_id__in=[q.pk for q in qpvs], application__isnull=True)
        .only("qpv_id", "period_start", "period_end", "value", "is_secret", "source_label")
        .order_by("qpv_id", "-period_end")
    ):
        latest.setdefault(measurement.qpv_id, measurement)
    rows = []
    for qpv in qpvs:
        measurement = latest.get(qpv.pk)
        if measurement is None:
            continue
        figure = secrecy.public_figure(
            measurement.value, is_count=indicator.is_count, is_secret=measurement.is_secret
        )
        rows.append({"qpv": qpv, "measurement": measurement, **figure})
    return rows


@login_required
def indicator_detail(request, pk):
    indicator = get_indicator_for_user(request, pk)
    context = {
        "indicator": indicator,
        "can_edit": can_manage_indicators(request.user, indicator),
        "disaggregations": [Disaggregation(axis).label for axis in indicator.disaggregations
                            if axis in Disaggregation.values],
    }  # fmt: skip
    if indicator.kind == IndicatorKind.CONTEXT:
        epci_ids, territory = _territory(request, indicator)
        context["territory"] = territory
        context["epcis"] = list(Epci.objects.filter(pk__in=epci_ids).order_by("name"))
        context["rows"] = latest_values(indicator, epci_ids)
    context["nav"] = "measurement"
    return render(request, "measurement/indicators/detail.html", context)


def _save(request, form, indicator=None):
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Indicateur « {saved.name} » enregistré.")
        return redirect(saved)
    return render(request, "measurement/indicators/form.html", {
        "form": form, "indicator": indicator, "nav": "measurement",
    })  # fmt: skip


@login_required
def indicator_create(request):
    if not can_manage_indicators(request.user):
        raise PermissionDenied(DENIED)
    form = IndicatorForm(request.POST or None, epcis=managed_epcis(request.user))
    return _save(request, form)


@login_required
def indicator_edit(request, pk):
    indicator = get_indicator_for_user(request, pk)
    if not can_manage_indicators(request.user, indicator):
        raise PermissionDenied(
            "Un indicateur national ne se modifie pas ici." if indicator.epci_id is None else DENIED
        )
    form = IndicatorForm(request.POST or None, instance=indicator, epcis=managed_epcis(request.user))
    return _save(request, form, indicator)


urlpatterns = [
    path("indicateurs/", indicator_list, name="indicators"),
    path("indicateurs/nouveau/", indicator_create, name="indicator_create"),
    path("indicateurs/<int:pk>/", indicator_detail, name="indicator"),
    path("indicateurs/<int:pk>/modifier/", indicator_edit, name="indicator_edit"),
]
