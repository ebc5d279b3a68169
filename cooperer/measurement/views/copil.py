"""COPIL area: open-data export of the indicators and measurements (public, Licence Ouverte 2.0)."""

from django.http import StreamingHttpResponse
from django.urls import path

from cooperer.measurement import opendata


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
