"""« Preuves » : does cooperation produce results? The figures of a contract, of one of its QPVs or of one of its
communities of action, year by year, drawn as SVG bar charts each followed by its table, with the territories
that do not use the method beside them when they have data.

Who reads what (docs/measurement.md, « Preuves »): the figures of a contract and of a QPV are public aggregates
(« on prouve que ça marche »), with counts of people from 1 to 10 masked; a community of action's are reserved to
the users of its territory, as the communities themselves are; the animatrices and instructors of the territory,
and administrators, see exact counts."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import path

from cooperer.accounts.permissions import is_platform_admin, roles_of
from cooperer.communities.models import Community
from cooperer.measurement import proof, secrecy
from cooperer.territories.models import ContratDeVille

# The figures drawn, each as one chart with its table (the full table of every figure follows the charts).
CHARTS = [
    "density", "cross_sector_links", "with_partners_share", "consortium_share", "merged", "co_led_share",
    "resident_contributions", "aligned_share", "median_days", "on_time_share",
]  # fmt: skip
FIGURE = {key: (label, kind) for key, label, kind in proof.FIGURES}
SERIES_CLASSES = ["chart-bar", "chart-bar--comparison"]
HEIGHT, BAR, GAP, GROUP_GAP, LEFT = 140, 22, 4, 18, 10


def bar_chart(key: str, series: list[tuple[str, list[dict]]]) -> dict:
    """Bars of one figure per year, one bar per series (the scope, then the comparison), scaled to the largest
    value (percentages to 100 %); a masked or unmeasured value has no bar and says so."""
    label, kind = FIGURE[key]
    years = [row["year"] for row in series[0][1]]
    by_year = [{row["year"]: row[key] for row in rows} for _, rows in series]
    values = [v for values in by_year for v in values.values() if v not in (None, secrecy.SECRET)]
    top = 1.0 if kind.startswith("percent") else max([float(v) for v in values] + [1.0])
    group = len(series) * (BAR + GAP) + GROUP_GAP
    groups = []
    for index, year in enumerate(years):
        x = LEFT + index * group
        bars = []
        for number, values_of in enumerate(by_year):
            value = values_of.get(year)
            drawn = value not in (None, secrecy.SECRET)
            h = round(float(value) / top * (HEIGHT - 20), 1) if drawn else 0
            bx = x + number * (BAR + GAP)
            bars.append({"x": bx, "cx": bx + BAR / 2, "y": round(HEIGHT - h, 1), "h": h, "css": SERIES_CLASSES[number],
                         "text": proof.formatted(value, kind), "series": series[number][0]})  # fmt: skip
        groups.append({"year": year, "bars": bars, "cx": x + (group - GROUP_GAP) / 2})
    said = [
        ", ".join(b["text"] if len(series) == 1 else f"{b['series']} : {b['text']}" for b in g["bars"])
        for g in groups
    ]
    return {
        "id": f"preuve-{key.replace('_', '-')}",
        "title": label,
        "caption": f"{label}, par année",
        "desc": " ; ".join(f"{g['year']} : {text}" for g, text in zip(groups, said, strict=True)) + ".",
        "series": [name for name, _ in series],
        "groups": groups,
        "rows": [{"label": g["year"], "cells": [b["text"] for b in g["bars"]]} for g in groups],
        "width": LEFT * 2 + len(years) * group,
        "height": HEIGHT + 30,
        "bar": BAR,
        "base": HEIGHT + 18,
    }


def _page(request, scope, context):
    exact = proof.follows(request.user, scope)
    rows = proof.masked(proof.yearly(scope), exact)
    other = proof.comparison(scope)
    theirs = proof.masked(other["rows"], exact=False)
    series = [(scope.label, rows)] + ([(other["label"], theirs)] if theirs else [])
    table = [
        {"label": label, "cells": [proof.formatted(row[key], kind) for row in rows]}
        for key, label, kind in proof.FIGURES
    ]
    context |= {
        "scope": scope,
        "exact": exact,
        "years": [row["year"] for row in rows],
        "table": table,
        "table_caption": f"{scope.label} : tous les chiffres par année (« — » : rien à mesurer cette année-là)",
        "charts": [bar_chart(key, series) for key in CHARTS],
        "comparison": other,
        "secret": secrecy.SECRET,
        "nav": "measurement",
    }
    response = render(request, "measurement/proof.html", context)
    response["Cache-Control"] = "private, no-store" if exact else "public, max-age=300"
    return response


def proof_index(request):
    """Every contract of the platform, each leading to its proof page."""
    return render(
        request, "measurement/proof_index.html", {"contracts": ContratDeVille.objects.order_by("name")}
    )


def proof_contract(request, slug):
    contract = get_object_or_404(ContratDeVille, slug=slug)
    context = {
        "contract": contract,
        "qpvs": list(contract.qpvs.order_by("name")),
        "communities": _readable_communities(request.user, contract),
    }
    return _page(request, proof.contract_scope(contract), context)


def proof_qpv(request, slug, code):
    contract = get_object_or_404(ContratDeVille, slug=slug)
    qpv = get_object_or_404(contract.qpvs, code=code)
    return _page(request, proof.qpv_scope(qpv), {"contract": contract, "qpv": qpv})


def proof_community(request, slug, pk):
    contract = get_object_or_404(ContratDeVille, slug=slug)
    community = get_object_or_404(_communities_of(contract), pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_read_community_proof(request.user, community):
        raise PermissionDenied(
            "Les chiffres d'une communauté d'action sont réservés aux personnes de son territoire."
        )
    return _page(request, proof.community_scope(community), {"contract": contract, "community": community})


def _communities_of(contract):
    return Community.objects.filter(Q(contract=contract) | Q(epci=contract.pilot_epci))


def can_read_community_proof(user, community) -> bool:
    """Administrators, anyone with a role on the community's EPCI, and the community's members."""
    if is_platform_admin(user) or any(a.epci_id == community.epci_id for a in roles_of(user)):
        return True
    return community.memberships.current().filter(user=user).exists()


def _readable_communities(user, contract) -> list:
    if not user.is_authenticated:
        return []
    return [c for c in _communities_of(contract).order_by("name") if can_read_community_proof(user, c)]


urlpatterns = [
    path("preuves/", proof_index, name="proof_index"),
    path("preuves/<slug:slug>/", proof_contract, name="proof_contract"),
    path("preuves/<slug:slug>/qpv/<str:code>/", proof_qpv, name="proof_qpv"),
    path("preuves/<slug:slug>/communaute/<int:pk>/", proof_community, name="proof_community"),
]
