"""« Essaimer » a tool to another territory, the copy's checklist, and the lineage of the method across
territories (a drawing and its table)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from cooperer.knowledge import lineage as drawing
from cooperer.knowledge.kit_forms import SpreadForm
from cooperer.knowledge.models import Lineage
from cooperer.knowledge.spreading import (
    SpreadError,
    can_read_source,
    checklist,
    source_object,
    spread,
    target_epcis,
    target_of,
)
from cooperer.knowledge.views.kit import _template

PAGE_SIZE = 25
NOT_ANIMATOR = "Essaimer est réservé aux animatrices d'au moins un territoire et aux administrateur·rices."


def spreading_index(request):
    """Public: which places the method went from and to, with counts (no person, no content of the copies)."""
    data = drawing.summary()
    copies = Lineage.objects.select_related("source_epci", "target_epci").order_by("-spread_on", "-pk")
    page = Paginator(copies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/spreading/index.html",
        {**data, "svg": drawing.render_svg(data["edges"]), "page": page},
    )


def _spread_page(request, *, source=None, template=None, label: str):
    epcis = target_epcis(request.user)
    if not epcis.exists():
        raise PermissionDenied(NOT_ANIMATOR)
    form = SpreadForm(request.POST or None, epcis=epcis)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lineage = spread(
                user=request.user, target_epci=data["target_epci"], source=source, template=template,
                qpvs=data["qpvs"], place=data["place"], note=data["note"], spread_on=data["spread_on"],
            )  # fmt: skip
        except SpreadError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(
                request,
                f"Copie créée en brouillon sur « {lineage.target_epci.name} » : voici ce qu'il reste à adapter.",
            )
            return redirect(lineage)
    return render(
        request, "knowledge/spreading/form.html", {"form": form, "label": label, "source": source or template}
    )


@login_required
def spread_from(request, word, pk):
    source = source_object(word, pk)
    if source is None:
        raise Http404("Cet outil n'existe pas.")
    if not can_read_source(request.user, source.epci_id):
        raise PermissionDenied("Vous n'avez pas accès à cet outil : demandez-en un modèle publié du kit.")
    return _spread_page(
        request, source=source, label=f"{source._meta.verbose_name.capitalize()} « {source} »"
    )


@login_required
def spread_template(request, pk):
    template = _template(request, pk)
    return _spread_page(request, template=template, label=f"Modèle « {template.title} »")


@login_required
def spreading_detail(request, pk):
    lineage = get_object_or_404(
        Lineage.objects.select_related("source_epci", "target_epci", "template"), pk=pk
    )
    if not can_read_source(request.user, lineage.target_epci_id):
        raise PermissionDenied("Cette copie est réservée aux personnes qui ont un rôle sur son territoire.")
    target = target_of(lineage)
    return render(
        request,
        "knowledge/spreading/detail.html",
        {"lineage": lineage, "target": target, "checks": checklist(lineage, target)},
    )
