"""The project's URLs plus `/plancher/`, a bare view returning a short string: the floor `bench/pages.py` compares
every page with, served by the same server with the same settings and middleware. Benchmarks only."""

from django.http import HttpResponse
from django.urls import path

from cooperer.urls import urlpatterns as product_urls


def floor(request):
    return HttpResponse("plancher", content_type="text/plain; charset=utf-8")


urlpatterns = [path("plancher/", floor, name="floor"), *product_urls]
