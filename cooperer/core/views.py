from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from cooperer.accounts.permissions import roles_of
from cooperer.territories.models import ContratDeVille, Qpv


def home(request):
    contracts = ContratDeVille.objects.select_related("pilot_epci").order_by("name")[:10]
    return render(
        request,
        "core/home.html",
        {"contracts": contracts, "qpv_count": Qpv.objects.count(), "roles": roles_of(request.user)},
    )


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
