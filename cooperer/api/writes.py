"""Write operations, each all or nothing with every problem listed (row, field, French reason). Each goes
through the same checks as the file import it mirrors, so that the rules are the same whichever way data comes:
contributions as the Decidim import (`consultations.importers`), measurements as the upload
(`measurement.uploads`, then `services.record()`), structures as the template import (`actors.importers`).
Who may write is the same too, plus, for structures, only on the territories the person animates."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cooperer.accounts.permissions import (
    animated_epci_ids,
    can_edit_structure,
    can_manage_directory,
    is_platform_admin,
)
from cooperer.actors import importers as structure_importers
from cooperer.actors.models import Structure
from cooperer.api.problems import RowErrors
from cooperer.api.reads import MeasurementList
from cooperer.consultations import importers as contribution_importers
from cooperer.consultations import permissions as consultation_permissions
from cooperer.consultations.models import Consultation, Session
from cooperer.core.sources import ImportRefused, RowError
from cooperer.measurement import uploads
from cooperer.measurement.enums import MeasurementSource
from cooperer.measurement.importers import record_rows
from cooperer.territories.models import Commune

MAX_ROWS = 1000
MAX_ID = 2**63 - 1  # the largest id a database holds: beyond, a 404 rather than an overflow


def _row_errors(errors: list[RowError]) -> list[dict]:
    return [{"line": error.line, "field": error.column or None, "message": error.message} for error in errors]


def _refuse(detail: str, errors: list[RowError]):
    raise RowErrors(detail, _row_errors(errors))


def _table(items: list[dict], columns: list[str]) -> tuple[list[str], list[tuple[int, dict]]]:
    """The JSON rows as a file's table: (header, [(line, {column: text})]); line = position in the list, from 1."""
    rows = [
        (index, {key: _text(item.get(key)) for key in columns if key in item})
        for index, item in enumerate(items, 1)
    ]
    header = [column for column in columns if any(column in values for _, values in rows)]
    return header, rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


# --- Contributions from another participation tool -----------------------------------------------------


class DecidimContributionSerializer(serializers.Serializer):
    id = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text="Identifiant Decidim."
    )
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    body = serializers.CharField(max_length=20000, allow_blank=True)


class ContributionBatchSerializer(serializers.Serializer):
    session = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Numéro de la session (un QPV × un public)."
    )
    contributions = DecidimContributionSerializer(many=True, max_length=MAX_ROWS, min_length=1)


class ContributionResultSerializer(serializers.Serializer):
    importees = serializers.IntegerField()
    deja_importees = serializers.IntegerField()


DECIDIM_COLUMNS = ["id", "title", "body"]


class ContributionImport(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Importer des contributions d'un autre outil de participation (champs Decidim)",
        description=(
            "Les mêmes règles que l'import d'un export Decidim : texte non vide et pas trop long, un identifiant "
            "déjà importé est ignoré. Réservé à l'animation du territoire de la concertation et aux "
            "administrateur·rices. Tout ou rien."
        ),
        tags=["Concertations"],
        request=ContributionBatchSerializer,
        responses={201: ContributionResultSerializer},
    )
    def post(self, request, pk):
        consultation = Consultation.objects.filter(pk=pk).first() if pk <= MAX_ID else None
        if consultation is None or not consultation_permissions.can_read(request.user, consultation):
            raise exceptions.NotFound("Cette concertation n'existe pas, ou elle ne vous est pas accessible.")
        if not consultation_permissions.can_manage(request.user, consultation):
            raise exceptions.PermissionDenied(
                "Seules les animatrices du territoire et les administrateur·rices importent des contributions."
            )
        data = ContributionBatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = Session.objects.filter(pk=data.validated_data["session"], consultation=consultation).first()
        if session is None:
            raise exceptions.ValidationError(
                {"session": ["Cette session n'appartient pas à cette concertation."]}
            )
        _, rows = _table(data.validated_data["contributions"], DECIDIM_COLUMNS)
        header = DECIDIM_COLUMNS  # read as a Decidim export, whichever optional fields the rows carry
        try:
            preview = contribution_importers.preview_rows(header, rows, [], session)
            written = contribution_importers.commit(preview, request.user)
        except contribution_importers.ContributionImportError as exc:
            _refuse(str(exc), exc.errors)
        return Response(
            {
                "importees": written["contributions importées"],
                "deja_importees": written["déjà importées (ignorées)"],
            },
            status=status.HTTP_201_CREATED,
        )


# --- Measurements ------------------------------------------------------------------------------------


class MeasurementRowSerializer(serializers.Serializer):
    indicateur = serializers.CharField(max_length=200, help_text="Code de l'indicateur.")
    action = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="Numéro de l'action (demande financée) ou référence de sa convention.",
    )
    qpv = serializers.CharField(max_length=20, required=False, allow_blank=True)
    vision = serializers.CharField(max_length=20, required=False, allow_blank=True)
    changement = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Changement attendu de la vision (sa clé ou son texte).",
    )
    debut = serializers.CharField(max_length=30, help_text="Début de la période (aaaa-mm-jj ou jj/mm/aaaa).")
    fin = serializers.CharField(max_length=30)
    valeur = serializers.CharField(max_length=40, allow_blank=True, help_text="Nombre, ou « secret ».")
    ventilation = serializers.DictField(
        child=serializers.CharField(max_length=40), required=False,
        help_text="Par catégorie : femmes, hommes, 0-11, 12-17, 18-25, 26-59, 60+…",
    )  # fmt: skip


class MeasurementBatchSerializer(serializers.Serializer):
    mesures = MeasurementRowSerializer(many=True, max_length=MAX_ROWS, min_length=1)


class WriteResultSerializer(serializers.Serializer):
    creees = serializers.IntegerField()
    mises_a_jour = serializers.IntegerField()
    inchangees = serializers.IntegerField(required=False)


SCOPE_COLUMNS = ["indicateur", "action", "qpv", "vision", "changement", "debut", "fin", "valeur"]


class Measurements(MeasurementList):
    """GET: the public measurements (`reads.MeasurementList`); POST: record measurements, with a token."""

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else super().get_permissions()

    @extend_schema(
        summary="Enregistrer des mesures",
        description=(
            "Chaque mesure est vérifiée comme dans l'import de fichier puis écrite par le même service : une "
            "action seulement par sa structure porteuse (et ses co-porteurs), les financeurs de son appel ou "
            "l'animation ; un QPV ou un changement attendu par l'animation de son territoire. Une mesure déjà "
            "enregistrée (même indicateur, même portée, même période) est mise à jour. Tout ou rien."
        ),
        tags=["Mesure"],
        request=MeasurementBatchSerializer,
        responses={201: WriteResultSerializer},
    )
    def post(self, request):
        if not uploads.can_upload(request.user):
            raise exceptions.PermissionDenied(
                "L'enregistrement de mesures est réservé à l'animation du territoire, aux financeurs, aux "
                "structures porteuses d'actions et aux administrateur·rices."
            )
        data = MeasurementBatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items, breakdown = [], set()
        for item in data.validated_data["mesures"]:
            extra = item.pop("ventilation", {}) or {}
            unknown = sorted(key for key in extra if uploads.header_key(key) not in uploads.BREAKDOWN_HEADERS)
            if unknown:
                raise exceptions.ValidationError(
                    {"ventilation": [f"Catégorie inconnue : « {key[:40]} »." for key in unknown]}
                )
            breakdown.update(extra)
            items.append({**item, **extra})
        header, rows = _table(items, SCOPE_COLUMNS + sorted(breakdown))
        for required in ("indicateur", "debut", "fin", "valeur"):
            if required not in header:
                header.append(required)
        if not any(column in header for column in ("action", "qpv", "vision")):
            header.append("action")
        if "vision" in header and "changement" not in header:
            header.append("changement")
        source = f"API, jeton « {getattr(request.auth, 'name', 'session')} »"
        result = uploads.UploadPreview(source=source, lines=len(rows))
        try:
            uploads.check_rows(header, rows, [], uploader=uploads.Uploader(user=request.user), result=result)
            if result.errors:
                _refuse(f"{len(result.errors)} problème(s) : rien n'a été enregistré.", result.errors)
            with transaction.atomic():
                written = record_rows(
                    result.rows, uploads.UploadError, source=MeasurementSource.UPLOAD, user=request.user
                )
        except ImportRefused as exc:
            _refuse(str(exc), exc.errors)
        return Response(
            {
                "creees": written["créées"],
                "mises_a_jour": written["mises à jour"],
                "inchangees": written["inchangées"],
            },
            status=status.HTTP_201_CREATED,
        )


# --- Structures ------------------------------------------------------------------------------------


class StructureRowSerializer(serializers.Serializer):
    nom = serializers.CharField(max_length=400)
    sigle = serializers.CharField(max_length=60, required=False, allow_blank=True)
    forme_juridique = serializers.CharField(max_length=80, required=False, allow_blank=True)
    siret = serializers.CharField(max_length=30, required=False, allow_blank=True)
    rna = serializers.CharField(max_length=20, required=False, allow_blank=True)
    registre_tribunal = serializers.CharField(max_length=120, required=False, allow_blank=True)
    code_insee_commune = serializers.CharField(max_length=10, help_text="Code INSEE (pas le code postal).")
    adresse = serializers.CharField(max_length=300, required=False, allow_blank=True)
    thematiques = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, max_length=50
    )
    publics = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, max_length=50
    )
    qpv = serializers.ListField(child=serializers.CharField(max_length=20), required=False, max_length=50)
    offre = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=20)
    besoins = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=20)
    site_web = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    annuaire_public = serializers.BooleanField(required=False, default=False)


class StructureBatchSerializer(serializers.Serializer):
    structures = StructureRowSerializer(many=True, max_length=MAX_ROWS, min_length=1)


class StructureImport(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Créer ou mettre à jour des structures",
        description=(
            "Les mêmes vérifications que l'import de l'annuaire (SIRET et sa clé, RNA, associations de droit "
            "local, code INSEE et non postal, QPV…) ; une structure dont le SIRET ou le RNA est connu est mise à "
            "jour. Réservé aux animatrices, pour les communes de leur territoire, et aux administrateur·rices. "
            "Tout ou rien."
        ),
        tags=["Annuaire"],
        request=StructureBatchSerializer,
        responses={201: WriteResultSerializer},
    )
    def post(self, request):
        if not can_manage_directory(request.user):
            raise exceptions.PermissionDenied(
                "Seules les animatrices et les administrateur·rices enregistrent des structures."
            )
        data = StructureBatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        header, rows = _table(data.validated_data["structures"], structure_importers.TEMPLATE_COLUMNS)
        result = structure_importers.Preview(source="API")
        try:
            structure_importers.preview_rows(header, rows, result)
            result.errors.extend(_outside_territory(request.user, result))
            if result.errors:
                result.errors.sort(key=lambda error: error.line or 0)
                _refuse(f"{len(result.errors)} erreur(s) : rien n'a été écrit.", result.errors)
            with transaction.atomic():
                written = structure_importers.commit(result)
        except structure_importers.StructureImportError as exc:
            _refuse(str(exc), exc.errors)
        return Response({"creees": written["créées"], "mises_a_jour": written["mises à jour"]}, status=201)


def _outside_territory(user, result) -> list[RowError]:
    """A person who animates some territories writes structures of their communes only, and updates only the
    structures they may edit."""
    if is_platform_admin(user):
        return []
    epcis = animated_epci_ids(user)
    communes = {row.values["commune_id"] for row in result.rows if row.values["commune_id"]}
    inside = set(Commune.objects.filter(pk__in=communes, epci__in=epcis).values_list("pk", flat=True))
    existing = Structure.objects.select_related("commune").in_bulk(
        {row.existing_id for row in result.rows if row.existing_id}
    )
    errors = []
    for row in result.rows:
        if row.values["commune_id"] and row.values["commune_id"] not in inside:
            errors.append(
                RowError(
                    row.line,
                    "code_insee_commune",
                    "Cette commune n'est pas sur un territoire que vous animez.",
                )
            )
        if row.existing_id and not can_edit_structure(user, existing[row.existing_id]):
            errors.append(
                RowError(
                    row.line,
                    "siret",
                    "Une structure de même SIRET ou RNA existe hors de votre territoire : vous ne pouvez pas la modifier.",
                )
            )
    return errors
