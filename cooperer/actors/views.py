import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperer.accounts.permissions import (
    can_edit_structure,
    can_manage_directory,
    can_see_people,
    has_any_role,
    roles_of,
)
from cooperer.actors import importers
from cooperer.actors.duplicates import duplicate_candidates
from cooperer.actors.forms import (
    DirectoryFilterForm,
    LinkForm,
    NeedForm,
    NetworkFilterForm,
    PersonForm,
    StructureForm,
    ThemeForm,
    UploadForm,
    epcis_with_structures,
)
from cooperer.actors.models import CooperationLink, Structure, Theme
from cooperer.actors.network import current_metrics, drawing, evolution_chart, load_network, yearly_metrics
from cooperer.actors.services import (
    complementary_partners,
    merge_structures,
    partners_for_need,
    refresh_search_text,
    suggested_qpvs,
)
from cooperer.analysis.graph_export import to_gexf, to_graphml
from cooperer.analysis.network import as_dict
from cooperer.audit.enums import Action
from cooperer.audit.services import record
from cooperer.core.caching import public_page
from cooperer.core.exports import csv_download, csv_text
from cooperer.core.home import partner_invitations
from cooperer.core.pagecache import cached_page, cached_value
from cooperer.core.pagination import IdFirstPaginator
from cooperer.core.params import id_param
from cooperer.jobs.models import Job
from cooperer.jobs.services import start_upload_job
from cooperer.jobs.views import commit_preview
from cooperer.territories.models import Epci, Qpv

PAGE_SIZE = 50


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _require_role(request):
    if not has_any_role(request.user):
        raise PermissionDenied(
            "L'annuaire complet est réservé aux personnes qui ont un rôle sur la plateforme."
        )


def _filtered_structures(form):
    structures = Structure.objects.active()
    if form.is_valid():
        if form.cleaned_data["q"]:
            structures = structures.matching(form.cleaned_data["q"])
        if form.cleaned_data["epci"]:
            structures = structures.in_epci(form.cleaned_data["epci"])
        if form.cleaned_data["theme"]:
            structures = structures.filter(themes=form.cleaned_data["theme"])
    return structures.order_by("name", "pk")


@login_required
@cached_page()
def directory(request):
    _require_role(request)
    form = DirectoryFilterForm(request.GET or None)
    # A list row shows little: long texts and contours stay in the database.
    rows = (
        Structure.objects.select_related("commune")
        .only("pk", "name", "acronym", "legal_form", "is_demo", "commune__name")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.only("pk", "name"), to_attr="theme_list"),
            Prefetch("qpvs", queryset=Qpv.objects.only("pk", "name"), to_attr="qpv_list"),
        )
    )  # the page's rows, loaded by their ids: the search and filters are not run again for them
    page = IdFirstPaginator(_filtered_structures(form), PAGE_SIZE, rows=rows).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "query_string": _without_page(request),
        "can_manage": can_manage_directory(request.user),
        "nav": "actors",
    }
    template = "actors/_directory_results.html" if request.htmx else "actors/directory.html"
    return render(request, template, context)


@login_required
def directory_export(request):
    _require_role(request)
    structures = (
        _filtered_structures(DirectoryFilterForm(request.GET or None))
        .select_related("commune")
        .defer("search_text", "description", "commune__contour", "commune__search_text")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.only("pk", "name")),
            Prefetch("qpvs", queryset=Qpv.objects.only("pk", "code")),
        )
    )
    header = [
        "nom",
        "sigle",
        "forme_juridique",
        "siret",
        "rna",
        "code_insee_commune",
        "commune",
        "adresse",
        "thematiques",
        "qpv",
        "site_web",
    ]
    rows = (
        [s.name, s.acronym, s.get_legal_form_display(), s.siret, s.rna, s.commune.insee_code if s.commune else "",
         s.commune.name if s.commune else "", s.address, ", ".join(t.name for t in s.themes.all()),
         ", ".join(q.code for q in s.qpvs.all()), s.website]
        for s in structures.iterator(chunk_size=2000)
    )  # fmt: skip
    filters = {key: value for key, value in request.GET.items() if value}
    record(Action.DATA_EXPORTED, label="Annuaire des structures", after={"format": "csv", "filtres": filters})
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="annuaire-structures.csv"'
    return response


@login_required
def structure_detail(request, pk):
    _require_role(request)
    structure = get_object_or_404(
        Structure.objects.select_related("commune__epci", "merged_into")
        .defer("search_text", "commune__contour", "commune__search_text")
        .prefetch_related("themes", "publics", Prefetch("qpvs", queryset=Qpv.objects.defer("geometry"))),
        pk=pk,
    )
    links = CooperationLink.objects.filter(Q(source=structure) | Q(target=structure)).select_related(
        "source", "target"
    )
    return render(
        request,
        "actors/structure.html",
        {
            "structure": structure,
            "links": links,
            "people": structure.people.all() if can_see_people(request.user) else None,
            "can_edit": can_edit_structure(request.user, structure),
            "merges": structure.merges.select_related("merged_by"),
            "nav": "actors",
        },
    )


def _save_structure(form):
    with transaction.atomic():
        structure = form.save()
        if not structure.qpvs.exists():
            structure.qpvs.set(suggested_qpvs(structure))
        refresh_search_text([structure.pk])
    return structure


@login_required
def structure_create(request):
    if not can_manage_directory(request.user):
        raise PermissionDenied("Seules les animatrices et les administrateur·rices ajoutent des structures.")
    form = StructureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        structure = _save_structure(form)
        messages.success(request, f"« {structure.name} » a été ajoutée à l'annuaire.")
        return redirect(structure)
    return render(request, "actors/structure_form.html", {"form": form, "nav": "actors"})


@login_required
def structure_edit(request, pk):
    structure = get_object_or_404(Structure.objects.select_related("commune"), pk=pk)
    if not can_edit_structure(request.user, structure):
        raise PermissionDenied("Vous ne pouvez pas modifier cette structure.")
    form = StructureForm(request.POST or None, instance=structure)
    if request.method == "POST" and form.is_valid():
        _save_structure(form)
        messages.success(request, "La fiche a été mise à jour.")
        return redirect(structure)
    return render(
        request, "actors/structure_form.html", {"form": form, "structure": structure, "nav": "actors"}
    )


@login_required
def person_create(request, pk):
    structure = get_object_or_404(Structure.objects.active().select_related("commune"), pk=pk)
    if not can_edit_structure(request.user, structure):
        raise PermissionDenied("Vous ne pouvez pas ajouter de contact à cette structure.")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = form.save(commit=False)
        person.structure = structure
        person.consent_at = timezone.now()
        person.retain_until = person.retain_until or (timezone.localdate() + datetime.timedelta(days=3 * 365))
        person.save()
        messages.success(request, f"Le contact {person} a été ajouté.")
        return redirect(structure)
    return render(request, "actors/person_form.html", {"form": form, "structure": structure, "nav": "actors"})


@login_required
def partners(request, pk):
    _require_role(request)
    structure = get_object_or_404(Structure.objects.active().select_related("commune"), pk=pk)
    return render(request, "actors/partners.html", {
        "structure": structure, "suggestions": complementary_partners(structure),
        "can_link": can_edit_structure(request.user, structure), "invitations": partner_invitations(request.user),
        "nav": "actors",
    })  # fmt: skip


@login_required
def partner_search(request):
    _require_role(request)
    form = NeedForm(request.GET or None)
    suggestions = None
    if form.is_valid():
        data = form.cleaned_data
        suggestions = partners_for_need(
            data["needs"], data["publics"], data["qpvs"], data["themes"], epci=data["epci"]
        )
    return render(request, "actors/partner_search.html", {
        "form": form, "suggestions": suggestions, "invitations": partner_invitations(request.user), "nav": "actors",
    })  # fmt: skip


@login_required
def themes(request):
    if not can_manage_directory(request.user):
        raise PermissionDenied(
            "Seules les animatrices et les administrateur·rices modifient les thématiques."
        )
    theme = (
        get_object_or_404(Theme, pk=id_param(request.GET["modifier"]))
        if request.GET.get("modifier")
        else None
    )
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        refresh_search_text(saved.structures.values_list("pk", flat=True))
        messages.success(request, f"Thématique « {saved.name} » enregistrée.")
        return redirect("actors:themes")
    listing = Theme.objects.annotate(structure_count=Count("structures")).order_by("name")
    return render(
        request, "actors/themes.html", {"form": form, "theme": theme, "themes": listing, "nav": "actors"}
    )


@login_required
def link_create(request, pk):
    source = get_object_or_404(Structure.objects.active().select_related("commune"), pk=pk)
    if not can_edit_structure(request.user, source):
        raise PermissionDenied("Vous ne pouvez pas déclarer de lien pour cette structure.")
    form = LinkForm(request.POST or None, source=source, initial={"target": request.GET.get("partenaire")})
    if request.method == "POST" and form.is_valid():
        link = form.save(commit=False)
        link.created_by = request.user
        link.save()
        messages.success(request, "Le lien de coopération a été enregistré.")
        return redirect(source)
    return render(request, "actors/link_form.html", {"form": form, "structure": source, "nav": "actors"})


@login_required
def import_upload(request):
    if not can_manage_directory(request.user):
        raise PermissionDenied("Seules les animatrices et les administrateur·rices importent des structures.")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        label = f"Aperçu de l'import de {upload.name}"
        return redirect(start_upload_job("structures_preview", label, upload, "structures", request.user))
    return render(
        request, "actors/import.html", {"form": form, "columns": importers.TEMPLATE_COLUMNS, "nav": "actors"}
    )


def import_template(request):
    return csv_download(importers.template_csv(), "modele-import-structures.csv")


@login_required
@require_POST
def import_commit(request, job_pk):
    if not can_manage_directory(request.user):
        raise PermissionDenied("Seules les animatrices et les administrateur·rices importent des structures.")
    preview_job = get_object_or_404(
        Job.objects.visible_to(request.user), pk=job_pk, kind="structures_preview"
    )
    return commit_preview(request, preview_job, "structures_commit")


@login_required
def duplicates(request):
    if not can_manage_directory(request.user):
        raise PermissionDenied("Seules les animatrices et les administrateur·rices fusionnent des doublons.")
    return render(
        request, "actors/duplicates.html", {"pairs": duplicate_candidates(limit=100), "nav": "actors"}
    )


@login_required
@require_POST
def merge(request):
    if not can_manage_directory(request.user):
        raise PermissionDenied("Seules les animatrices et les administrateur·rices fusionnent des doublons.")
    kept = get_object_or_404(Structure.objects.active(), pk=request.POST.get("kept"))
    duplicate = get_object_or_404(Structure.objects.active(), pk=request.POST.get("duplicate"))
    if not (can_edit_structure(request.user, kept) and can_edit_structure(request.user, duplicate)):
        raise PermissionDenied("Ces structures ne sont pas sur votre territoire.")
    if kept.pk == duplicate.pk:
        messages.error(request, "Choisissez deux structures différentes.")
        return redirect("actors:duplicates")
    merge_structures(kept, duplicate, request.user)
    messages.success(
        request, f"« {duplicate.name} » a été fusionnée dans « {kept.name} » ; l'historique est conservé."
    )
    return redirect(kept)


def _network_filters(request):
    """The filters of the network page and its exports. Opened with no filter, it shows the person's own territory
    (their first EPCI by name): that is where they work, and the whole country's graph is not read for nothing;
    « Tous » chosen in the form shows everything."""
    if not request.GET:
        epci_ids = {a.epci_id for a in roles_of(request.user) if a.epci_id}
        own = epcis_with_structures().filter(pk__in=epci_ids).order_by("name").first() if epci_ids else None
        if own is not None:
            return NetworkFilterForm(initial={"epci": own.pk}), {
                "epci": own,
                "theme": None,
                "kind": "",
                "year": None,
            }
    form = NetworkFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {
            "epci": form.cleaned_data["epci"],
            "theme": form.cleaned_data["theme"],
            "kind": form.cleaned_data["kind"],
            "year": form.cleaned_data["year"],
        }
    return form, filters


@login_required
@cached_page()
def network(request):
    _require_role(request)
    form, filters = _network_filters(request)
    chosen = ":".join(str(getattr(value, "pk", value)) for value in filters.values())
    key = f"reseau:{timezone.localdate().isoformat()}:{chosen}"  # the evolution runs to the current year
    figures = cached_value(NETWORK_DATA, key, lambda: _network_figures(filters))
    context = {**figures, "form": form, "query_string": request.GET.urlencode(), "nav": "network"}
    return render(request, "actors/network.html", context)


NETWORK_DATA = ("actors", "territories")


def _network_figures(filters) -> dict:
    """What the network page draws and counts: the same for everyone who opens it with these filters, so it is
    computed once per change of the directory and kept for every process (metrics and layout of a few thousand
    structures take seconds)."""
    data = load_network(**filters)
    metrics = current_metrics(data)
    evolution = yearly_metrics(load_network(**{**filters, "year": None})) if data.nodes else []
    return {
        "metrics": metrics,
        "evolution": evolution,
        "chart": evolution_chart(evolution),
        "brokers": [(data.names[pk], pk, score) for pk, score in metrics.brokers],
        "drawing": drawing(data),
        "isolated": [(data.names[pk], pk) for pk in metrics.isolated[:50]],
    }


@login_required
def network_metrics_csv(request):
    _require_role(request)
    _, filters = _network_filters(request)
    evolution = yearly_metrics(load_network(**{**filters, "year": None}))
    header = [
        "periode",
        "structures",
        "liens",
        "densite",
        "part_liens_intersectoriels",
        "composantes",
        "plus_grande_composante",
        "isoles",
    ]
    rows = []
    for label, m in evolution:
        values = as_dict(m)
        rows.append([label, values["node_count"], values["edge_count"], f"{values['density']:.6f}", f"{values['cross_sector_share']:.4f}",
                     values["components"], values["largest_component"], len(values["isolated"])])  # fmt: skip
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reseau-indicateurs.csv"'
    return response


@login_required
def network_graph_export(request, fmt):
    _require_role(request)
    if fmt not in {"graphml", "gexf"}:
        raise PermissionDenied("Format inconnu : graphml ou gexf.")
    _, filters = _network_filters(request)
    data = load_network(**filters)
    sectors = {node.id: {"secteur": node.sector} for node in data.nodes}
    writer = to_graphml if fmt == "graphml" else to_gexf
    body = writer(data.nodes, data.edges, data.names, sectors)
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reseau-cooperation.{fmt}"'
    return response


@public_page
def public_directory(request, siren):
    epci = get_object_or_404(Epci, siren=siren)
    structures = (
        Structure.objects.listed_publicly()
        .in_epci(epci)
        .select_related("commune")
        .defer("search_text", "commune__contour", "commune__search_text")
        .prefetch_related("themes", Prefetch("qpvs", queryset=Qpv.objects.only("pk", "code", "name")))
        .order_by("name", "pk")
    )
    page = IdFirstPaginator(structures, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "actors/public_directory.html", {"epci": epci, "page": page, "nav": "actors"})
