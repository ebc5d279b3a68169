"""Read operations. Each list asks the same functions as the pages do which rows the person sees (the public
directory's queryset, `calls.permissions.readable_calls`, `readable_applications`, `visions.permissions`, the
open data of `calls.opendata` and `measurement.opendata`), then pages them by cursor in a constant number of
queries whatever the depth."""

from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics
from rest_framework.permissions import IsAuthenticated

from cooperer.accounts.enums import Funder
from cooperer.actors.models import Structure
from cooperer.api import params
from cooperer.api.serializers import (
    CallSerializer,
    DecisionSerializer,
    DirectoryStructureSerializer,
    EpciSerializer,
    IndicatorSerializer,
    MeasurementSerializer,
    QpvFeatureSerializer,
    QpvSerializer,
    ScdlGrantSerializer,
    VisionSerializer,
)
from cooperer.calls import opendata as calls_opendata
from cooperer.calls.models import Call, Decision, Grant
from cooperer.calls.permissions import readable_applications_condition, readable_calls
from cooperer.calls.scdl import check_grant
from cooperer.measurement.models import Indicator
from cooperer.measurement.opendata import public_measurements
from cooperer.territories.models import Epci, Qpv
from cooperer.visions import permissions as vision_permissions
from cooperer.visions.enums import ScopeKind
from cooperer.visions.models import Element, VisionVersion

EPCI_PARAM = OpenApiParameter("epci", str, description="SIREN de l'EPCI (9 chiffres).")


def _param(name, description, kind=str):
    return OpenApiParameter(name, kind, description=description)


@extend_schema_view(get=extend_schema(summary="Les intercommunalités (EPCI)", tags=["Territoires"]))
class EpciList(generics.ListAPIView):
    serializer_class = EpciSerializer

    def get_queryset(self):
        return Epci.objects.only("pk", "siren", "name")


@extend_schema_view(
    get=extend_schema(
        summary="Les quartiers prioritaires (QPV)",
        description="Sans contour ; le contour GeoJSON de chacun est donné par `/territoires/qpv/{code}/`.",
        tags=["Territoires"],
        parameters=[EPCI_PARAM, _param("departement", "Code du département (42, 2A, 974…).")],
    )
)
class QpvList(generics.ListAPIView):
    serializer_class = QpvSerializer

    def get_queryset(self):
        rows = Qpv.objects.select_related("departement").defer(
            "geometry", "search_text", "departement__search_text"
        )
        epci = params.text(self.request, "epci", params.SIREN, "un SIREN de 9 chiffres")
        if epci:
            rows = rows.filter(pk__in=Qpv.objects.filter(communes__epci__siren=epci).values("pk"))
        departement = params.text(
            self.request, "departement", params.INSEE_DEPARTEMENT, "un code de département"
        )
        if departement:
            rows = rows.filter(departement__code=departement)
        return rows


@extend_schema_view(
    get=extend_schema(summary="Un QPV et son contour (GeoJSON Feature)", tags=["Territoires"])
)
class QpvDetail(generics.RetrieveAPIView):
    serializer_class = QpvFeatureSerializer
    lookup_field = "code"

    def get_queryset(self):
        return Qpv.objects.select_related("departement")

    def get_object(self):
        code = self.kwargs["code"].strip().upper()
        if not params.CODE.fullmatch(code):  # never sent to the database as is (NUL characters, any length)
            raise exceptions.NotFound(f"Aucun QPV de code « {code[:20]} » : QN04215M ou QP042001 attendu.")
        self.kwargs["code"] = code
        return super().get_object()


@extend_schema_view(
    get=extend_schema(
        summary="L'annuaire public des structures",
        description="Les structures qui ont accepté d'y figurer, comme sur la page publique de l'annuaire.",
        tags=["Annuaire"],
        parameters=[EPCI_PARAM],
    )
)
class DirectoryList(generics.ListAPIView):
    serializer_class = DirectoryStructureSerializer

    def get_queryset(self):
        rows = (
            Structure.objects.listed_publicly()
            .select_related("commune")
            .defer("search_text", "description", "commune__contour", "commune__search_text")
            .prefetch_related(
                Prefetch("themes", to_attr="theme_list"),
                Prefetch("qpvs", queryset=Qpv.objects.only("pk", "code"), to_attr="qpv_list"),
            )
        )
        epci = params.text(self.request, "epci", params.SIREN, "un SIREN de 9 chiffres")
        if epci:
            rows = rows.filter(commune__epci__siren=epci)
        return rows


@extend_schema_view(
    get=extend_schema(
        summary="Les appels à projets (schéma Etalab « dispositif d'aide »)",
        description="Les appels publiés ; les appels en préparation pour qui les gère ou les finance.",
        tags=["Appels à projets"],
        parameters=[EPCI_PARAM],
    )
)
class CallList(generics.ListAPIView):
    serializer_class = CallSerializer

    def get_queryset(self):
        rows = readable_calls(
            self.request.user,
            Call.objects.select_related("epci", "contract").prefetch_related(
                Prefetch("funders", to_attr="funder_list")
            ),
        )
        epci = params.text(self.request, "epci", params.SIREN, "un SIREN de 9 chiffres")
        if epci:
            rows = rows.filter(epci__siren=epci)
        return rows


@extend_schema_view(
    get=extend_schema(
        summary="Les subventions attribuées (SCDL « subventions » 2.1.1)",
        description=(
            "Les mêmes lignes que la publication CSV : une subvention qui ne peut pas être publiée telle quelle "
            "(SIRET manquant…) n'y figure pas, et une page peut compter moins d'éléments que demandé."
        ),
        tags=["Subventions"],
        parameters=[
            _param("appel", "Numéro de l'appel à projets.", int),
            _param("financeur", "Financeur : " + ", ".join(Funder.values) + "."),
        ],
    )
)
class GrantList(generics.ListAPIView):
    serializer_class = ScdlGrantSerializer

    def get_queryset(self):
        call = params.number(self.request, "appel")
        funder = params.choice(self.request, "financeur", Funder)
        rows = calls_opendata.grants(funder=funder or "")
        if call is not None:
            rows = rows.filter(decision__application__call_id=call)
        return rows.values("pk", *calls_opendata.FIELDS)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        grants = [calls_opendata.as_scdl(row) for row in page]
        publishable = [grant for grant in grants if not check_grant(grant)]
        return self.get_paginated_response(self.get_serializer(publishable, many=True).data)


@extend_schema_view(
    get=extend_schema(
        summary="Les décisions du comité et leurs subventions",
        description=(
            "Les décisions des demandes que le titulaire du jeton peut lire : sa structure porteuse ou partenaire, "
            "l'animation du territoire de l'appel, les financeurs de l'appel."
        ),
        tags=["Subventions"],
        parameters=[_param("appel", "Numéro de l'appel à projets.", int)],
    )
)
class DecisionList(generics.ListAPIView):
    serializer_class = DecisionSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        rows = (
            Decision.objects.filter(readable_applications_condition(self.request.user, "application__"))
            .select_related("application__applicant")
            .only(
                "pk",
                "outcome",
                "motivation",
                "committee",
                "decided_on",
                "application_id",
                "application__call_id",
                "application__title",
                "application__purpose",
                "application__applicant__name",
                "application__applicant__siret",
                "application__applicant__rna",
            )
            .prefetch_related(
                Prefetch("grants", queryset=Grant.objects.select_related("call_funder"), to_attr="grant_list")
            )
        )
        call = params.number(self.request, "appel")
        if call is not None:
            rows = rows.filter(application__call_id=call)
        return rows


@extend_schema_view(
    get=extend_schema(
        summary="Les visions adoptées et leurs éléments",
        description=(
            "Sans jeton : les visions adoptées des quartiers (la page « Notre quartier en 2030 »). Avec un jeton : "
            "aussi les visions adoptées des autres échelles sur les territoires du titulaire."
        ),
        tags=["Visions"],
        parameters=[_param("qpv", "Code du QPV (QN04215M…)."), EPCI_PARAM],
    )
)
class VisionList(generics.ListAPIView):
    serializer_class = VisionSerializer

    def get_queryset(self):
        from cooperer.visions.models import Vision

        user = self.request.user
        visible = Q(vision__scope_kind=ScopeKind.QPV)
        if user.is_authenticated:
            visible |= Q(vision__in=vision_permissions.visible_to(user, Vision.objects.all()).values("pk"))
        rows = (
            VisionVersion.objects.adopted()
            .filter(visible)
            .select_related("vision__qpv", "vision__epci")
            .defer("vision__qpv__geometry", "vision__qpv__search_text", "vision__epci__search_text")
            .prefetch_related(
                Prefetch(
                    "elements",
                    queryset=Element.objects.only("pk", "version_id", "key", "position", "text"),
                    to_attr="element_list",
                )
            )
        )
        qpv = params.text(self.request, "qpv", params.QPV, "un code de QPV (QN04215M)")
        if qpv:
            rows = rows.filter(vision__qpv__code=qpv)
        epci = params.text(self.request, "epci", params.SIREN, "un SIREN de 9 chiffres")
        if epci:
            rows = rows.filter(vision__epci__siren=epci)
        return rows


@extend_schema_view(
    get=extend_schema(
        summary="Les indicateurs (dictionnaire des données)", tags=["Mesure"], parameters=[EPCI_PARAM]
    )
)
class IndicatorList(generics.ListAPIView):
    serializer_class = IndicatorSerializer

    def get_queryset(self):
        rows = Indicator.objects.select_related("epci").only(
            "pk", "code", "name", "kind", "definition", "unit", "polarity", "source", "periodicity",
            "comparability_note", "epci__siren",
        )  # fmt: skip
        epci = params.text(self.request, "epci", params.SIREN, "un SIREN de 9 chiffres")
        if epci:
            rows = rows.filter(Q(epci__siren=epci) | Q(epci__isnull=True))
        return rows


@extend_schema_view(
    get=extend_schema(
        summary="Les mesures publiques (secret statistique appliqué)",
        description=(
            "Les mesures validées d'un QPV ou d'un EPCI, comme l'open data : jamais celles d'une action, et un "
            "effectif de 1 à 10 personnes (ou une valeur secrète à la source) vaut « secret »."
        ),
        tags=["Mesure"],
        parameters=[
            _param("indicateur", "Code de l'indicateur."),
            _param("qpv", "Code du QPV (QN04215M…)."),
            EPCI_PARAM,
        ],
    )
)
class MeasurementList(generics.ListAPIView):
    serializer_class = MeasurementSerializer

    def get_queryset(self):
        rows = public_measurements().only(
            "pk", "period_start", "period_end", "value", "is_secret", "source", "indicator__code",
            "indicator__unit", "indicator__kind", "qpv__code", "epci__siren",
        )  # fmt: skip
        indicator = params.text(self.request, "indicateur", params.SLUG, "un code d'indicateur")
        if indicator:
            rows = rows.filter(indicator__code=indicator)
        qpv = params.text(self.request, "qpv", params.QPV, "un code de QPV (QN04215M)")
        if qpv:
            rows = rows.filter(qpv__code=qpv)
        epci = params.text(self.request, "epci", params.SIREN, "un SIREN de 9 chiffres")
        if epci:
            rows = rows.filter(epci__siren=epci)
        return rows
