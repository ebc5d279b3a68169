"""/api/v1/: the OpenAPI 3 schema (/api/v1/schema/, stable), its documentation page (Swagger UI, served from the pinned
drf-spectacular-sidecar package: nothing from a CDN), the read and write operations; any other
address under /api/ answers a problem+json 404."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.negotiation import DefaultContentNegotiation

from cooperer.api import reads, writes
from cooperer.api.views import not_found

app_name = "api"
urlpatterns = [
    # The schema alone honours Accept and ?format= (YAML by default, JSON on request).
    path(
        "v1/schema/",
        SpectacularAPIView.as_view(content_negotiation_class=DefaultContentNegotiation),
        name="schema",
    ),
    path("v1/openapi.json", SpectacularJSONAPIView.as_view(), name="schema_json"),
    path(
        "v1/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("v1/territoires/epci/", reads.EpciList.as_view(), name="epci_list"),
    path("v1/territoires/qpv/", reads.QpvList.as_view(), name="qpv_list"),
    path("v1/territoires/qpv/<str:code>/", reads.QpvDetail.as_view(), name="qpv_detail"),
    path("v1/annuaire/", reads.DirectoryList.as_view(), name="directory"),
    path("v1/structures/", writes.StructureImport.as_view(), name="structures"),
    path("v1/appels/", reads.CallList.as_view(), name="calls"),
    path("v1/subventions/", reads.GrantList.as_view(), name="grants"),
    path("v1/decisions/", reads.DecisionList.as_view(), name="decisions"),
    path("v1/visions/", reads.VisionList.as_view(), name="visions"),
    path("v1/indicateurs/", reads.IndicatorList.as_view(), name="indicators"),
    path("v1/mesures/", writes.Measurements.as_view(), name="measurements"),
    path(
        "v1/concertations/<int:pk>/contributions/",
        writes.ContributionImport.as_view(),
        name="contributions_write",
    ),
    re_path(r"^.*$", not_found, name="not_found"),
]
