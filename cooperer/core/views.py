import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from cooperer.accounts.permissions import roles_of
from cooperer.core import cache as shared_cache
from cooperer.core.home import home_sections
from cooperer.core.pagecache import cached_page
from cooperer.territories.models import ContratDeVille, Qpv


@cached_page()
def home(request):
    """Everyone sees the contracts; after login, each role starts from its own work (core/home.py)."""
    sections = home_sections(request.user)
    contracts = ContratDeVille.objects.select_related("pilot_epci").order_by("name")[:10]
    return render(
        request,
        "core/home.html",
        {
            "sections": sections,
            "contracts": contracts,
            "qpv_count": Qpv.objects.count(),
            "roles": roles_of(request.user),
        },
    )


logger = logging.getLogger(__name__)


@require_safe
def health(request):
    """200 when the database and the cache both answer, 503 otherwise; what failed is named, never why."""
    state = {"base": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure of the database is an unhealthy process
        logger.warning("Santé : la base ne répond pas (%s)", exc.__class__.__name__)
        state["base"] = "erreur"
    try:
        shared_cache.check()
    except Exception as exc:
        logger.warning("Santé : le cache ne répond pas (%s)", exc.__class__.__name__)
        state["cache"] = "erreur"
    healthy = set(state.values()) == {"ok"}
    response = JsonResponse(state, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response
