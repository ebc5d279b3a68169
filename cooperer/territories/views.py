from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from cooperer.accounts.permissions import (
    can_animate_contract,
    can_import_reference_data,
    get_contract_for_animator,
    has_any_role,
    is_platform_admin,
    roles_of,
)
from cooperer.core.home import qpv_links
from cooperer.core.pagecache import cached_page
from cooperer.jobs.services import start_upload_job
from cooperer.territories.forms import ContractForm, ReferenceFileForm, TargetAreaForm
from cooperer.territories.models import (
    Commune,
    ContratDeVille,
    Departement,
    Epci,
    Perimeter,
    Qpv,
    Region,
    TargetArea,
)
from cooperer.territories.services import contract_map, qpv_at, qpv_map

SEARCH_LIMIT = 20
PAGE_SIZE = 50


def index(request):
    regions = Region.objects.annotate(departement_count=Count("departements")).order_by("name")
    return render(
        request,
        "territories/index.html",
        {"regions": regions, "qpv_count": Qpv.objects.count(), "nav": "territories"},
    )


def search(request):
    query = request.GET.get("q", "").strip()[:100]
    results = {}
    if query:
        results = {
            "Quartiers prioritaires (QPV)": list(
                Qpv.objects.matching(query).only("code", "name")[:SEARCH_LIMIT]
            ),
            "Quartiers cibles locaux": list(
                TargetArea.objects.matching(query).only("pk", "name")[:SEARCH_LIMIT]
            ),
            "Communes": list(Commune.objects.matching(query).only("insee_code", "name")[:SEARCH_LIMIT]),
            "Intercommunalités": list(Epci.objects.matching(query).only("siren", "name")[:SEARCH_LIMIT]),
            "Contrats de ville": list(
                ContratDeVille.objects.matching(query).only("slug", "name")[:SEARCH_LIMIT]
            ),
            "Départements": list(Departement.objects.matching(query).only("code", "name")[:SEARCH_LIMIT]),
            "Régions": list(Region.objects.matching(query).only("code", "name")[:SEARCH_LIMIT]),
        }
    context = {
        "query": query,
        "results": {label: items for label, items in results.items() if items},
        "nav": "territories",
    }
    template = "territories/_search_results.html" if request.htmx else "territories/search.html"
    return render(request, template, context)


def region_detail(request, code):
    region = get_object_or_404(Region, code=code)
    departements = region.departements.annotate(qpv_count=Count("qpvs")).order_by("code")
    return render(
        request,
        "territories/region.html",
        {"region": region, "departements": departements, "nav": "territories"},
    )


def departement_detail(request, code):
    departement = get_object_or_404(Departement.objects.select_related("region"), code=code)
    epcis = (
        Epci.objects.filter(communes__departement=departement)
        .annotate(commune_count=Count("communes", distinct=True))
        .order_by("name")
    )
    qpvs = Paginator(departement.qpvs.prefetch_related("communes").order_by("code"), PAGE_SIZE)
    return render(
        request,
        "territories/departement.html",
        {
            "departement": departement,
            "epcis": epcis,
            "page": qpvs.get_page(request.GET.get("page")),
            "nav": "territories",
        },
    )


def epci_detail(request, siren):
    epci = get_object_or_404(Epci, siren=siren)
    communes = epci.communes.annotate(qpv_count=Count("qpvs")).order_by("name")
    qpvs = Qpv.objects.filter(communes__epci=epci).distinct().prefetch_related("communes").order_by("code")
    return render(
        request,
        "territories/epci.html",
        {
            "epci": epci,
            "communes": communes,
            "qpvs": qpvs,
            "contracts": epci.contracts.all(),
            "nav": "territories",
        },
    )


def commune_detail(request, insee_code):
    commune = get_object_or_404(Commune.objects.select_related("departement", "epci"), insee_code=insee_code)
    return render(
        request,
        "territories/commune.html",
        {
            "commune": commune,
            "qpvs": commune.qpvs.prefetch_related("communes").order_by("code"),
            "contracts": commune.contracts.all(),
            "target_areas": commune.target_areas.select_related("contract"),
            "nav": "territories",
        },
    )


def qpv_list(request):
    qpvs = Qpv.objects.select_related("departement").prefetch_related("communes").order_by("code")
    departement = request.GET.get("departement", "").strip()
    if departement:
        qpvs = qpvs.filter(departement__code=departement)
    page = Paginator(qpvs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "territories/qpv_list.html",
        {
            "page": page,
            "departement": departement,
            "departements": Departement.objects.filter(qpvs__isnull=False).distinct(),
            "nav": "territories",
        },
    )


ACTING_LIMIT = 20


def _acting_in(user, qpv) -> dict:
    """Structures and communities at work in a QPV, as far as this person may see them: the full
    directory for people with a role, structures listed publicly for everyone else."""
    from cooperer.actors.models import Structure
    from cooperer.communities.models import Community

    structures = Structure.objects.filter(qpvs=qpv)
    structures = structures.active() if has_any_role(user) else structures.listed_publicly()
    communities = Community.objects.filter(qpvs=qpv).only("pk", "name", "kind").order_by("name")
    if not is_platform_admin(user):
        epcis = {assignment.epci_id for assignment in roles_of(user)}
        communities = communities.filter(epci__in=epcis) if user.is_authenticated else communities.none()
    return {
        "structure_count": structures.count(),
        "structures": structures.only("pk", "name", "acronym", "is_demo").order_by("name")[:ACTING_LIMIT],
        "communities": communities[:ACTING_LIMIT],
        "full_directory": has_any_role(user),
    }


@cached_page()
def qpv_detail(request, code):
    qpv = get_object_or_404(
        Qpv.objects.select_related("departement__region").defer("search_text"), code=code.upper()
    )
    return render(
        request,
        "territories/qpv.html",
        {
            "qpv": qpv,
            "communes": qpv.communes.select_related("epci").order_by("name"),
            "contracts": qpv.contracts.select_related("pilot_epci"),
            "perimeters": qpv.perimeters.select_related("contract"),
            "target_areas": qpv.target_areas.select_related("contract"),
            "map": qpv_map(qpv),
            "acting": _acting_in(request.user, qpv),
            "links": qpv_links(qpv, request.user),
            "nav": "territories",
        },
    )


def contract_list(request):
    contracts = (
        ContratDeVille.objects.select_related("pilot_epci")
        .annotate(qpv_count=Count("qpvs", distinct=True), commune_count=Count("communes", distinct=True))
        .order_by("name")
    )
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "territories/contract_list.html", {"page": page, "nav": "contracts"})


def contract_detail(request, slug):
    contract = get_object_or_404(
        ContratDeVille.objects.select_related("pilot_epci").prefetch_related(
            "signatories",
            "governance_bodies",
            Prefetch("perimeters", queryset=Perimeter.objects.prefetch_related("qpvs")),
            Prefetch("target_areas", queryset=TargetArea.objects.prefetch_related("communes")),
        ),
        slug=slug,
    )
    perimeters = list(contract.perimeters.all())
    highlighted = {qpv.code for perimeter in perimeters for qpv in perimeter.qpvs.all()}
    qpvs = list(contract.qpvs.prefetch_related("communes").order_by("code"))
    return render(
        request,
        "territories/contract.html",
        {
            "contract": contract,
            "qpvs": qpvs,
            "highlighted": highlighted,
            "perimeters": perimeters,
            "map": contract_map(contract, highlighted),
            "can_animate": can_animate_contract(request.user, contract),
            "nav": "contracts",
        },
    )


@login_required
def contract_edit(request, slug):
    contract = get_contract_for_animator(request, slug)
    form = ContractForm(request.POST or None, instance=contract)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Le contrat de ville a été mis à jour.")
        return redirect(contract)
    return render(
        request, "territories/contract_edit.html", {"contract": contract, "form": form, "nav": "contracts"}
    )


@login_required
def target_area_create(request, slug):
    contract = get_contract_for_animator(request, slug)
    form = TargetAreaForm(request.POST or None, contract=contract)
    if request.method == "POST" and form.is_valid():
        area = form.save()
        messages.success(request, f"Le quartier cible « {area.name} » a été créé.")
        return redirect(area)
    return render(
        request, "territories/target_area_form.html", {"contract": contract, "form": form, "nav": "contracts"}
    )


def target_area_detail(request, pk):
    area = get_object_or_404(TargetArea.objects.select_related("contract"), pk=pk)
    return render(
        request,
        "territories/target_area.html",
        {"area": area, "communes": area.communes.all(), "qpvs": area.related_qpvs.all(), "nav": "contracts"},
    )


@login_required
def reference_import(request):
    if not can_import_reference_data(request.user):
        raise PermissionDenied("Seuls les administrateur·rices importent les données de référence.")
    form = ReferenceFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        label = f"Import de {upload.name}"
        return redirect(start_upload_job("import_reference", label, upload, "reference", request.user))
    return render(request, "territories/import.html", {"form": form, "nav": "jobs"})


def qpv_at_point(request):
    """The QPV of a point, as JSON (`?lon=4.40&lat=45.42`): the same answer as `cooperer qpv-at`, for other tools."""
    try:
        lon, lat = float(request.GET.get("lon", "")), float(request.GET.get("lat", ""))
    except ValueError:
        return JsonResponse(
            {"erreur": "Indiquez lon et lat en degrés décimaux, par exemple ?lon=4.40&lat=45.42."}, status=400
        )
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return JsonResponse({"erreur": "lon doit être entre -180 et 180, lat entre -90 et 90."}, status=400)
    area = qpv_at(lon, lat)
    return JsonResponse(
        {"lon": lon, "lat": lat, "qpv": {"code": area.code, "nom": area.name} if area else None}
    )
