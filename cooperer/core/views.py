from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from cooperer.accounts.permissions import roles_of
from cooperer.core.home import home_sections
from cooperer.territories.models import ContratDeVille, Qpv


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


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
