"""`cooperer import-reference`: official reference files in, idempotent upserts out.

Every file is read and checked whole before anything is written; any error aborts with the list of
problems (place, field, reason) and the database is left as it was (docs/importers.md)."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from cooperer.core import stamps, validators
from cooperer.core.sources import RowError, SourceError, Text, csv_rows, load_json, read_text
from cooperer.core.text import fold
from cooperer.territories.geometry import CheckedGeometry, GeometryError, check_polygonal
from cooperer.territories.models import Commune, Departement, Epci, Qpv, Region
from cooperer.territories.reference import (
    DEPARTEMENTS,
    REGIONS,
    departement_code_of_commune,
    departement_code_of_qpv,
)
from cooperer.territories.services import QPV_STAMP


class ReferenceImportError(Exception):
    def __init__(self, message: str, errors: list[RowError] | None = None):
        super().__init__(message)
        self.errors = errors or []


@dataclass
class Summary:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "type": self.kind,
            "créés": self.created,
            "mis à jour": self.updated,
            "inchangés": self.unchanged,
            "avertissements": self.warnings,
        }

    def __str__(self) -> str:
        return (
            f"{self.kind} : {self.created} créé(s), {self.updated} mis à jour, {self.unchanged} inchangé(s)."
        )


@dataclass
class QpvRecord:
    place: int
    code: str
    name: str
    commune_codes: list[str]
    commune_names: dict[str, str] = field(default_factory=dict)
    geometry: CheckedGeometry | None = None


@dataclass
class CommuneRecord:
    place: int
    insee_code: str
    name: str
    epci_siren: str = ""
    postal_code: str = ""
    longitude: float | None = None
    latitude: float | None = None
    contour: CheckedGeometry | None = None


# --- detection ------------------------------------------------------------------------------------


def import_reference(path_or_url: str, progress=None) -> Summary:
    """Read, check and load one reference file. Raises ReferenceImportError, changing nothing."""
    report = progress or (lambda percent, message: None)
    try:
        source = read_text(path_or_url)
    except SourceError as exc:
        raise ReferenceImportError(str(exc)) from exc
    report(10, f"Lecture de {source.name} ({source.encoding})")
    stripped = source.text.lstrip()
    if not stripped:
        raise ReferenceImportError(f"Le fichier {source.name} est vide.")
    summary = _import_json(source) if stripped[0] in "{[" else _import_csv(source)
    summary.warnings[:0] = source.warnings
    report(100, str(summary))
    return summary


def _import_json(source: Text) -> Summary:
    try:
        document = load_json(source.text)
    except SourceError as exc:
        raise ReferenceImportError(str(exc)) from exc
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list) or not features:
            raise ReferenceImportError("La collection GeoJSON ne contient aucun objet (« features » vide).")
        properties = _mapping(features[0].get("properties") if isinstance(features[0], dict) else None)
        if "code_qp" in properties or "code_quartier" in properties:
            return load_qpvs(_qpvs_from_features(features), "QPV (contours GeoJSON)")
        if "code" in properties and ("nom" in properties or "name" in properties):
            return load_communes(_communes_from_features(features), "Communes (contours GeoJSON)")
        raise ReferenceImportError(
            "GeoJSON non reconnu : les propriétés attendues sont code_qp/lib_qp (QPV) ou code/nom (communes)."
        )
    if isinstance(document, dict) and isinstance(document.get("qpvs"), list):
        return load_qpvs(_qpvs_from_compact(document["qpvs"]), "QPV (contours, JSON compact)")
    if isinstance(document, list) and document and all(isinstance(item, dict) for item in document):
        keys = set(document[0])
        code = str(document[0].get("code", ""))
        if keys & {"epci_code", "codeEpci", "departement_code", "codeDepartement", "codesPostaux"}:
            return load_communes(_communes_from_api(document), "Communes (geo.api.gouv.fr)")
        if len(code) == 9 and code.isdigit():
            return load_epcis(document)
        if keys & {"region_code", "codeRegion"}:
            return load_departements(document)
    raise ReferenceImportError(
        "Format JSON non reconnu : attendu un GeoJSON de QPV ou de communes, le JSON compact des QPV, "
        "ou une liste geo.api.gouv.fr de communes, d'EPCI ou de départements."
    )


def _import_csv(source: Text) -> Summary:
    try:
        header, rows = csv_rows(source.text)
    except SourceError as exc:
        raise ReferenceImportError(str(exc)) from exc
    columns = set(header)
    if "code_qp" in columns:
        return load_qpvs(_qpvs_from_csv(rows), "QPV (liste CSV)")
    if columns & {"insee", "code_insee", "code_commune_insee", "code"} and columns & {"lon", "longitude"}:
        return load_communes(_communes_from_csv(rows), "Communes (CSV avec coordonnées)")
    raise ReferenceImportError(
        "CSV non reconnu : colonnes attendues code_qp;lib_qp;insee_com;lib_com (liste des QPV) ou "
        f"insee,lon,lat,name (communes). Colonnes lues : {', '.join(header[:12])}."
    )


# --- parsing --------------------------------------------------------------------------------------


def _mapping(value) -> dict:
    """An object of the file where one is expected; anything else (a list, a text…) reads as empty."""
    return value if isinstance(value, dict) else {}


def _first(value):
    """The first of a list (geo.api.gouv.fr's `codesPostaux`), or the value itself."""
    if isinstance(value, list):
        return value[0] if value else ""
    return value


def _split_codes(value) -> list[str]:
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def _check_qpv_code(code: str, place: int, column: str, errors: list[RowError]) -> str:
    normalized = validators.normalize_qpv_code(code)
    try:
        validators.validate_qpv_code(normalized)
    except ValidationError as exc:
        errors.append(RowError(place, column, exc.messages[0]))
    return normalized


def _check_communes(codes: list[str], place: int, column: str, errors: list[RowError]) -> None:
    for code in codes:
        if not validators.is_valid_insee_commune_code(code):
            errors.append(RowError(place, column, f"code commune INSEE invalide : « {code} »"))


def _check_name(name: str, place: int, column: str, errors: list[RowError], missing: str, limit=200) -> None:
    if not name:
        errors.append(RowError(place, column, missing))
    elif len(name) > limit:
        errors.append(RowError(place, column, f"nom trop long ({len(name)} caractères, {limit} au plus)"))


def _fail_on(errors: list[RowError], what: str) -> None:
    if errors:
        raise ReferenceImportError(
            f"{len(errors)} erreur(s) dans le fichier ({what}) : rien n'a été importé.", errors
        )


def _geometry(raw, place: int, errors: list[RowError], warnings: list[str], code: str):
    try:
        checked = check_polygonal(raw)
    except GeometryError as exc:
        errors.append(RowError(place, "geometry", f"{code} : {exc}"))
        return None
    if checked.repaired:
        warnings.append(code)
    return checked


def _repair_warning(repaired: list[str]) -> list[str]:
    """One line for all contours repaired by make_valid (rounded official files have many)."""
    if not repaired:
        return []
    listed = ", ".join(repaired[:10]) + (" …" if len(repaired) > 10 else "")
    return [f"{len(repaired)} contour(s) auto-intersecté(s) corrigé(s) automatiquement : {listed}."]


def _qpvs_from_features(features: list) -> tuple[list[QpvRecord], list[str]]:
    records, errors, warnings = [], [], []
    for place, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            errors.append(RowError(place, "", "objet GeoJSON illisible"))
            continue
        props = _mapping(feature.get("properties"))
        raw_code = str(props.get("code_qp") or props.get("code_quartier") or "")
        code = _check_qpv_code(raw_code, place, "code_qp", errors)
        name = str(props.get("lib_qp") or props.get("nom_qp") or "").strip()
        _check_name(name, place, "lib_qp", errors, f"{code} : nom du quartier manquant")
        communes = _split_codes(props.get("insee_com"))
        _check_communes(communes, place, "insee_com", errors)
        names = dict(zip(communes, _split_codes(props.get("lib_com")), strict=False))
        geometry = _geometry(feature.get("geometry"), place, errors, warnings, code)
        records.append(QpvRecord(place, code, name, communes, names, geometry))
    _fail_on(errors, "contours des QPV")
    return records, _repair_warning(warnings)


def _qpvs_from_compact(items: list) -> tuple[list[QpvRecord], list[str]]:
    records, errors, warnings = [], [], []
    for place, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(RowError(place, "", "entrée illisible"))
            continue
        code = _check_qpv_code(str(item.get("code", "")), place, "code", errors)
        name = str(item.get("label", "")).strip()
        _check_name(name, place, "label", errors, f"{code} : nom du quartier manquant")
        communes = _split_codes(item.get("insee"))
        _check_communes(communes, place, "insee", errors)
        raw = item.get("g")
        geojson = raw if isinstance(raw, dict) else {"type": "MultiPolygon", "coordinates": raw}
        geometry = _geometry(geojson, place, errors, warnings, code)
        records.append(QpvRecord(place, code, name, communes, {}, geometry))
    _fail_on(errors, "contours des QPV")
    return records, _repair_warning(warnings)


def _qpvs_from_csv(rows: list[tuple[int, dict]]) -> tuple[list[QpvRecord], list[str]]:
    """One row per QPV (communes comma-separated) or one row per QPV × commune: both are merged."""
    by_code: dict[str, QpvRecord] = {}
    errors: list[RowError] = []
    for line, row in rows:
        code = _check_qpv_code(row.get("code_qp", ""), line, "code_qp", errors)
        name = row.get("lib_qp", "").strip()
        _check_name(name, line, "lib_qp", errors, "nom du quartier manquant")
        communes = _split_codes(row.get("insee_com", ""))
        if not communes:
            errors.append(RowError(line, "insee_com", "code commune manquant"))
        _check_communes(communes, line, "insee_com", errors)
        names = dict(zip(communes, _split_codes(row.get("lib_com", "")), strict=False))
        record = by_code.get(code)
        if record is None:
            by_code[code] = QpvRecord(line, code, name, communes, names)
        else:
            record.commune_codes += [c for c in communes if c not in record.commune_codes]
            record.commune_names.update(names)
    _fail_on(errors, "liste des QPV")
    return list(by_code.values()), []


def _float(value, line: int, column: str, errors: list[RowError], low: float, high: float):
    if value in (None, ""):
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        errors.append(RowError(line, column, f"nombre illisible : « {value} »"))
        return None
    if not low <= number <= high:
        errors.append(
            RowError(line, column, f"valeur hors limites ({number}) : attendu entre {low} et {high}")
        )
        return None
    return number


def _commune_record(line, code, name, errors, **extra) -> CommuneRecord:
    code = str(code or "").strip()
    if not validators.is_valid_insee_commune_code(code):
        errors.append(RowError(line, "code", f"code commune INSEE invalide : « {code} »"))
    name = str(name or "").strip()
    _check_name(name, line, "nom", errors, "nom de la commune manquant")
    postal_code = extra["postal_code"] = str(extra.get("postal_code") or "").strip()
    if postal_code and not (len(postal_code) == 5 and postal_code.isascii() and postal_code.isdigit()):
        errors.append(RowError(line, "code_postal", f"code postal invalide : « {postal_code[:20]} »"))
    return CommuneRecord(line, code, name, **extra)


def _communes_from_api(items: list[dict]) -> tuple[list[CommuneRecord], list[str]]:
    records, errors = [], []
    for place, item in enumerate(items, start=1):
        centre = _mapping(item.get("centre")).get("coordinates")
        centre = [*centre, None, None] if isinstance(centre, list) else [centre, None]
        postal = item.get("postal_code") or _first(item.get("codesPostaux"))
        epci = str(item.get("epci_code") or item.get("codeEpci") or "")
        if epci and not validators.is_valid_siren(epci):
            errors.append(RowError(place, "epci_code", f"SIREN d'EPCI invalide : « {epci} »"))
        records.append(
            _commune_record(
                place,
                item.get("code"),
                item.get("name") or item.get("nom"),
                errors,
                epci_siren=epci,
                postal_code=postal,
                longitude=_float(centre[0], place, "centre", errors, -180, 180),
                latitude=_float(centre[1], place, "centre", errors, -90, 90),
            )
        )
    _fail_on(errors, "communes")
    return records, []


def _communes_from_csv(rows: list[tuple[int, dict]]) -> tuple[list[CommuneRecord], list[str]]:
    records, errors = [], []
    for line, row in rows:
        code = row.get("insee") or row.get("code_insee") or row.get("code_commune_insee") or row.get("code")
        lon = row.get("lon", row.get("longitude"))
        lat = row.get("lat", row.get("latitude"))
        epci = row.get("epci_code_2026") or row.get("epci_code") or row.get("code_epci") or ""
        if epci and not validators.is_valid_siren(epci):
            errors.append(RowError(line, "epci_code", f"SIREN d'EPCI invalide : « {epci} »"))
        records.append(
            _commune_record(
                line,
                code,
                row.get("name") or row.get("nom") or row.get("nom_commune"),
                errors,
                epci_siren=epci,
                postal_code=row.get("code_postal_2026") or row.get("code_postal") or "",
                longitude=_float(lon, line, "lon", errors, -180, 180),
                latitude=_float(lat, line, "lat", errors, -90, 90),
            )
        )
    _fail_on(errors, "communes")
    return records, []


def _communes_from_features(features: list) -> tuple[list[CommuneRecord], list[str]]:
    records, errors, warnings = [], [], []
    for place, feature in enumerate(features, start=1):
        props = _mapping(feature.get("properties") if isinstance(feature, dict) else None)
        code = str(props.get("code", ""))
        contour = _geometry(
            feature.get("geometry") if isinstance(feature, dict) else None, place, errors, warnings, code
        )
        records.append(
            _commune_record(place, code, props.get("nom") or props.get("name"), errors, contour=contour)
        )
    _fail_on(errors, "contours des communes")
    return records, _repair_warning(warnings)


# --- loading --------------------------------------------------------------------------------------


def ensure_departements(codes: set[str]) -> dict[str, Departement]:
    """Régions and départements are facts of the COG: create the ones a file refers to."""
    existing = {d.code: d for d in Departement.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in existing and code in DEPARTEMENTS]
    if missing:
        regions = {r.code: r for r in Region.objects.all()}
        for code in missing:
            name, region_code = DEPARTEMENTS[code]
            region = regions.get(region_code)
            if region is None and region_code:
                region = Region.objects.create(code=region_code, name=REGIONS[region_code])
                regions[region_code] = region
            existing[code] = Departement.objects.create(code=code, name=name, region=region)
    return existing


def _upsert(model, key: str, records: dict[str, dict], summary: Summary) -> dict:
    """Create or update rows of `model` keyed by `key`; returns {key: instance}."""
    existing = {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": list(records)})}
    to_create, to_update, fields = [], [], set()
    for code, values in records.items():
        values = {**values, "search_text": fold(values.get("search_source", values["name"]))}
        values.pop("search_source", None)
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(**{key: code}, **values))
            continue
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            fields.update(changed)
            to_update.append(obj)
        else:
            summary.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields), batch_size=500)
    summary.created += len(to_create)
    summary.updated += len(to_update)
    return {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": list(records)})}


@transaction.atomic
def load_qpvs(parsed: tuple[list[QpvRecord], list[str]], kind: str) -> Summary:
    records, warnings = parsed
    summary = Summary(kind, warnings=list(warnings))
    departements = ensure_departements({departement_code_of_qpv(r.code) for r in records})
    named_communes = {code: name for r in records for code, name in r.commune_names.items() if name}
    _create_missing_communes(named_communes, summary)
    values = {}
    for record in records:
        row = {
            "name": record.name,
            "search_source": f"{record.name} {record.code}",
            "generation": validators.qpv_generation(record.code),
            "departement": departements.get(departement_code_of_qpv(record.code)),
            "commune_codes": record.commune_codes,
        }
        if record.geometry is not None:
            minx, miny, maxx, maxy = record.geometry.bbox
            row.update(
                geometry=record.geometry.to_geojson(),
                min_lon=minx, min_lat=miny, max_lon=maxx, max_lat=maxy,
                area_ha=round(record.geometry.area_ha, 1),
            )  # fmt: skip
        values[record.code] = row
    qpvs = _upsert(Qpv, "code", values, summary)
    link_qpvs_to_communes(list(qpvs.values()))
    stamps.bump(QPV_STAMP)  # bulk writes send no signal: every process's locator follows this import
    return summary


def _create_missing_communes(names: dict[str, str], summary: Summary) -> None:
    existing = set(Commune.objects.filter(insee_code__in=list(names)).values_list("insee_code", flat=True))
    missing = {code: name for code, name in names.items() if code not in existing}
    if not missing:
        return
    departements = ensure_departements({departement_code_of_commune(code) for code in missing})
    Commune.objects.bulk_create(
        [
            Commune(
                insee_code=code,
                name=name[:200],
                search_text=fold(name[:200]),
                departement=departements.get(departement_code_of_commune(code)),
            )
            for code, name in missing.items()
        ]
    )
    summary.warnings.append(f"{len(missing)} commune(s) créée(s) d'après les noms donnés par le fichier.")


def link_qpvs_to_communes(qpvs: list[Qpv]) -> None:
    """Make each QPV's commune links match its official commune codes (for the communes we know)."""
    codes = {code for qpv in qpvs for code in qpv.commune_codes}
    communes = dict(Commune.objects.filter(insee_code__in=codes).values_list("insee_code", "pk"))
    through = Qpv.communes.through
    wanted = {(qpv.pk, communes[code]) for qpv in qpvs for code in qpv.commune_codes if code in communes}
    current = set(through.objects.filter(qpv_id__in=[q.pk for q in qpvs]).values_list("qpv_id", "commune_id"))
    stale = current - wanted
    for qpv_id, commune_id in stale:
        through.objects.filter(qpv_id=qpv_id, commune_id=commune_id).delete()
    through.objects.bulk_create(
        [through(qpv_id=q, commune_id=c) for q, c in wanted - current], batch_size=1000
    )


@transaction.atomic
def load_communes(parsed: tuple[list[CommuneRecord], list[str]], kind: str) -> Summary:
    records, warnings = parsed
    summary = Summary(kind, warnings=list(warnings))
    departements = ensure_departements({departement_code_of_commune(r.insee_code) for r in records})
    epci_sirens = {r.epci_siren for r in records if r.epci_siren}
    epcis = {e.siren: e for e in Epci.objects.filter(siren__in=epci_sirens)}
    unknown_epcis = epci_sirens - set(epcis)
    if unknown_epcis:
        summary.warnings.append(
            f"{len(unknown_epcis)} EPCI inconnu(s) (importez la liste des EPCI puis réimportez les communes) : "
            + ", ".join(sorted(unknown_epcis)[:10])
        )
    values = {}
    for record in records:
        row = {
            "name": record.name,
            "departement": departements.get(departement_code_of_commune(record.insee_code)),
        }
        if record.epci_siren in epcis:
            row["epci"] = epcis[record.epci_siren]
        if record.postal_code:
            row["postal_code"] = record.postal_code
        if record.longitude is not None and record.latitude is not None:
            row.update(longitude=record.longitude, latitude=record.latitude)
        if record.contour is not None:
            row["contour"] = record.contour.to_geojson()
        values[record.insee_code] = row
    _upsert(Commune, "insee_code", values, summary)
    codes = set(values)
    link_qpvs_to_communes([q for q in Qpv.objects.all() if codes.intersection(q.commune_codes)])
    return summary


@transaction.atomic
def load_epcis(items: list[dict]) -> Summary:
    summary = Summary("EPCI (geo.api.gouv.fr)")
    errors, values = [], {}
    for place, item in enumerate(items, start=1):
        siren = str(item.get("code", "")).strip()
        name = str(item.get("name") or item.get("nom") or "").strip()
        if not validators.is_valid_siren(siren):
            errors.append(RowError(place, "code", f"SIREN d'EPCI invalide : « {siren} »"))
        _check_name(name, place, "nom", errors, "nom de l'EPCI manquant")
        values[siren] = {"name": name}
    _fail_on(errors, "EPCI")
    _upsert(Epci, "siren", values, summary)
    return summary


@transaction.atomic
def load_departements(items: list[dict]) -> Summary:
    summary = Summary("Départements (geo.api.gouv.fr)")
    errors, values = [], {}
    regions = {}
    for place, item in enumerate(items, start=1):
        code = str(item.get("code", "")).strip()
        region_code = str(item.get("region_code") or item.get("codeRegion") or "")
        if region_code == code or region_code.startswith("98"):
            region_code = ""  # overseas collectivities are their own "region" in geo.api.gouv.fr
        if code not in DEPARTEMENTS:
            errors.append(RowError(place, "code", f"code de département inconnu : « {code} »"))
            continue
        if region_code and region_code not in REGIONS:
            errors.append(RowError(place, "region_code", f"code de région inconnu : « {region_code} »"))
            continue
        if region_code and region_code not in regions:
            regions[region_code], _ = Region.objects.get_or_create(
                code=region_code,
                defaults={"name": REGIONS[region_code], "search_text": fold(REGIONS[region_code])},
            )
        name = str(item.get("name") or item.get("nom") or DEPARTEMENTS[code][0]).strip()
        _check_name(name, place, "nom", errors, "nom du département manquant", limit=120)
        values[code] = {"name": name, "region": regions.get(region_code)}
    _fail_on(errors, "départements")
    _upsert(Departement, "code", values, summary)
    return summary
