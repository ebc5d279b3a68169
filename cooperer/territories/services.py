"""Territory services used by other features: QPV lookup for points, contract maps."""

import csv
import gc
import io
import json
from pathlib import Path

import numpy as np
import shapely
from django.core.cache import cache
from django.db.models import Count, Max
from shapely.geometry import shape

from cooperer.core import stamps
from cooperer.core.sources import SourceError, decode
from cooperer.territories.geometry import SvgProjection, SvgShape, place_labels, union_bounds
from cooperer.territories.locator import NOWHERE, Area, QpvLocator
from cooperer.territories.models import Qpv

# Raised by every write to the QPVs (territories/receivers.py, and the importer's bulk upserts).
QPV_STAMP = "qpv-contours"
LOCATOR_SECONDS = 7 * 24 * 3600
# The process's memo of the shared locator: (key, locator), valid only while its key is the current one.
_locator_cache: dict[str, QpvLocator] = {}


def locator_key() -> str:
    """The stamp of the QPVs and their count and last id (which also follow bulk writes that send no signal)."""
    shape_of = Qpv.objects.exclude(geometry="").aggregate(n=Count("pk"), last=Max("pk"))
    return f"qpv-locator:{stamps.current(QPV_STAMP)}:{shape_of['n']}:{shape_of['last']}"


def qpv_locator() -> QpvLocator:
    """A locator over every QPV contour in the database, shared by every process through the cache under the
    QPVs' stamp, so that a contour imported by one process is found by all of them (ADR 016)."""
    key = locator_key()
    locator = _locator_cache.get(key)
    if locator is None:
        locator = cache.get(key)
        if locator is None:
            areas = [
                Area(code, name, shape(json.loads(geometry)))
                for code, name, geometry in Qpv.objects.exclude(geometry="")
                .order_by("code")
                .values_list("code", "name", "geometry")
            ]
            locator = QpvLocator(areas)
            cache.set(key, locator, LOCATOR_SECONDS)
        _locator_cache.clear()
        _locator_cache[key] = locator
    return locator


def qpv_at(lon: float, lat: float) -> Area | None:
    return qpv_locator().locate_one(lon, lat)


class PointFileError(Exception):
    pass


def annotate_points_file(in_path: str, out_path: str, locator: QpvLocator | None = None) -> dict:
    """Add `code_qpv` and `nom_qpv` to every row of a CSV with `lon`/`lat` columns."""
    locator = locator or qpv_locator()
    gc.disable()  # a million small row lists: the cyclic collector would rescan them for nothing
    try:
        return _annotate(in_path, out_path, locator)
    finally:
        gc.enable()


def _annotate(in_path: str, out_path: str, locator: QpvLocator) -> dict:
    raw = Path(in_path).read_bytes() if Path(in_path).is_file() else None
    if raw is None:
        raise PointFileError(f"Fichier introuvable : {in_path}.")
    try:
        text = decode(Path(in_path).name, raw).text
    except SourceError as exc:
        raise PointFileError(str(exc)) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise PointFileError("Le fichier est vide.")
    lowered = [column.strip().lower() for column in header]
    lon_col = _column(lowered, ("lon", "longitude", "lng", "x"))
    lat_col = _column(lowered, ("lat", "latitude", "y"))
    if lon_col is None or lat_col is None:
        raise PointFileError(
            f"Colonnes « lon » et « lat » introuvables (colonnes lues : {', '.join(header)})."
        )
    rows = list(reader)
    lon = _numbers([row[lon_col] if len(row) > lon_col else "" for row in rows], -180, 180)
    lat = _numbers([row[lat_col] if len(row) > lat_col else "" for row in rows], -90, 90)
    found = locator.locate(lon, lat)
    codes = np.array([area.code for area in locator.areas] + [""], dtype=object)
    names = np.array([area.name for area in locator.areas] + [""], dtype=object)
    found_or_last = np.where(found == NOWHERE, len(locator.areas), found)
    with open(out_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow([*header, "code_qpv", "nom_qpv"])
        writer.writerows(
            [*row, code, name]
            for row, code, name in zip(rows, codes[found_or_last], names[found_or_last], strict=True)
        )
    unreadable = int(np.count_nonzero(~np.isfinite(lon) | ~np.isfinite(lat)))
    inside = int(np.count_nonzero(found != NOWHERE))
    return {"lignes": len(rows), "en_qpv": inside, "hors_qpv": len(rows) - inside - unreadable,
            "coordonnees_illisibles": unreadable}  # fmt: skip


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _numbers(values: list[str], low: float, high: float) -> np.ndarray:
    """Parse coordinates (decimal point or comma); unreadable or out-of-range values become NaN."""
    # No coordinate is longer than 32 characters; longer cells would widen the whole array.
    cleaned = np.char.replace(np.asarray([v if len(v) <= 32 else "" for v in values], dtype=str), ",", ".")
    try:
        numbers = cleaned.astype(float)
    except ValueError:
        numbers = np.full(len(values), np.nan)
        for index, value in enumerate(cleaned):
            try:
                numbers[index] = float(value)
            except ValueError:
                continue
    numbers[(numbers < low) | (numbers > high)] = np.nan
    return numbers


def contract_map(contract, highlighted_codes: set[str], width: int = 800) -> dict | None:
    """SVG shapes of a contract's QPVs (and commune outlines when known) for the map template."""
    qpvs = list(contract.qpvs.exclude(geometry="").only("code", "name", "geometry"))
    if not qpvs:
        return None
    geometries = {qpv.code: shape(json.loads(qpv.geometry)) for qpv in qpvs}
    communes = list(contract.communes.exclude(contour="").only("insee_code", "name", "contour"))
    commune_geometries = {c.insee_code: shape(json.loads(c.contour)) for c in communes}
    bounds = union_bounds(list(geometries.values()))
    projection = SvgProjection(_padded(bounds), width=width)
    background = [
        SvgShape(key=c.insee_code, label=c.name, path=projection.path(commune_geometries[c.insee_code]))
        for c in communes
        if shapely.intersects(commune_geometries[c.insee_code], shapely.box(*bounds))
    ]
    shapes = [
        SvgShape(
            key=qpv.code,
            label=f"{qpv.name} ({qpv.code})",
            path=projection.path(geometries[qpv.code]),
            href=qpv.get_absolute_url(),
            css_class="map-qpv map-qpv--highlight" if qpv.code in highlighted_codes else "map-qpv",
        )
        for qpv in qpvs
    ]
    view = shapely.box(*_padded(bounds))
    labels = place_labels(
        [(qpv.name, geometries[qpv.code], "map-label") for qpv in _biggest_first(qpvs, geometries)]
        + [
            (
                c.name,
                shapely.intersection(commune_geometries[c.insee_code], view),
                "map-label map-label--commune",
            )
            for c in _biggest_first(communes, commune_geometries, key="insee_code")
        ],
        projection,
    )
    return {
        "width": projection.width,
        "height": projection.height,
        "shapes": shapes,
        "background": background,
        "labels": labels,
    }


def _biggest_first(places, geometries, key: str = "code"):
    """Bigger shapes first: when two names would overlap, the bigger shape keeps its name."""
    return sorted(places, key=lambda place: -geometries[getattr(place, key)].area)


def qpv_map(qpv, width: int = 480) -> dict | None:
    if not qpv.geometry:
        return None
    geometry = shape(json.loads(qpv.geometry))
    projection = SvgProjection(_padded(geometry.bounds, ratio=0.15), width=width)
    return {
        "width": projection.width,
        "height": projection.height,
        "shapes": [
            SvgShape(
                key=qpv.code,
                label=str(qpv),
                path=projection.path(geometry),
                css_class="map-qpv map-qpv--highlight",
            )
        ],
        "background": [],
        "labels": place_labels([(qpv.name, geometry, "map-label")], projection),
    }


def _padded(bounds, ratio: float = 0.04):
    minx, miny, maxx, maxy = bounds
    dx, dy = (maxx - minx) * ratio, (maxy - miny) * ratio
    return (minx - dx, miny - dy, maxx + dx, maxy + dy)
