"""COPIL area: the dashboard of a contract, and the open-data export of the indicators and measurements (public, Licence Ouverte 2.0)."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from cooperer.measurement import copil, opendata
from cooperer.territories.models import ContratDeVille


def _csv_response(rows, filename):
    response = StreamingHttpResponse(opendata.stream_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


def measurements_csv(request):
    return _csv_response(opendata.measurement_rows(), "mesures.csv")


def dictionary_csv(request):
    return _csv_response(opendata.dictionary_rows(), "dictionnaire.csv")


urlpatterns = [
    path("donnees/mesures.csv", measurements_csv, name="opendata_measurements"),
    path("donnees/dictionnaire.csv", dictionary_csv, name="opendata_dictionary"),
]


def dashboard(request, slug):
    """The COPIL dashboard of a contract: trends per year and alerts."""
    contract = get_object_or_404(ContratDeVille, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not copil.can_read_dashboard(request.user, contract):
        raise PermissionDenied("Vous ne suivez pas ce contrat de ville.")
    context = {"contract": contract, "trends": copil.trends(contract), **copil.alerts(contract)}
    return render(request, "measurement/copil_dashboard.html", context)


urlpatterns.append(path("copil/<slug:slug>/", dashboard, name="copil_dashboard"))
