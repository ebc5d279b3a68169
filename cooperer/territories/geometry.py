"""GeoJSON geometry: checks on import, bounding boxes, and SVG drawing for maps
(docs/adr/002-geometry.md). Coordinates are WGS84 longitude/latitude."""

import json
import math
from dataclasses import dataclass

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

POLYGONAL = {"Polygon", "MultiPolygon"}


class GeometryError(ValueError):
    """A geometry that cannot be used, with a French reason."""


@dataclass
class CheckedGeometry:
    geometry: BaseGeometry
    repaired: bool

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return tuple(self.geometry.bounds)

    def to_geojson(self) -> str:
        return json.dumps(shapely.geometry.mapping(self.geometry), separators=(",", ":"))

    @property
    def area_ha(self) -> float:
        """Approximate area in hectares (equirectangular at the centroid latitude; for display)."""
        _minx, miny, _maxx, maxy = self.bbox
        lat = math.radians((miny + maxy) / 2)
        metres_per_degree = 111_320.0
        return self.geometry.area * metres_per_degree * metres_per_degree * math.cos(lat) / 10_000


def _walk_positions(coordinates, depth: int):
    if depth == 0:
        yield coordinates
        return
    if not isinstance(coordinates, list):
        raise GeometryError("les coordonnées ne sont pas des listes de positions")
    for item in coordinates:
        yield from _walk_positions(item, depth - 1)


def check_polygonal(geojson: dict) -> CheckedGeometry:
    """Parse a GeoJSON Polygon/MultiPolygon; refuse what cannot be a WGS84 area, repair self-crossings."""
    if not isinstance(geojson, dict) or "type" not in geojson:
        raise GeometryError("géométrie absente")
    kind = geojson.get("type")
    if kind not in POLYGONAL:
        raise GeometryError(
            f"type de géométrie « {kind} » non pris en charge (attendu : Polygon ou MultiPolygon)"
        )
    depth = 2 if kind == "Polygon" else 3
    try:
        for position in _walk_positions(geojson.get("coordinates"), depth):
            if not isinstance(position, list) or len(position) < 2:
                raise GeometryError("une position n'a pas deux nombres (longitude, latitude)")
            lon, lat = position[0], position[1]
            if not isinstance(lon, int | float) or not isinstance(lat, int | float):
                raise GeometryError("une coordonnée n'est pas un nombre")
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise GeometryError(
                    f"coordonnées hors limites ({lon}, {lat}) : Coopérer attend du WGS84 en degrés "
                    "(longitude, latitude) ; le fichier est-il en Lambert 93 ?"
                )
    except RecursionError as exc:  # pragma: no cover - absurdly deep nesting
        raise GeometryError("coordonnées trop imbriquées") from exc
    try:
        geometry = shape(geojson)
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.GEOSException) as exc:
        raise GeometryError(f"géométrie illisible ({exc})") from exc
    if geometry.is_empty:
        raise GeometryError("géométrie vide")
    repaired = False
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
        geometry = _keep_polygons(geometry)
        repaired = True
        if geometry.is_empty:
            raise GeometryError("géométrie invalide et impossible à corriger")
    return CheckedGeometry(geometry=geometry, repaired=repaired)


def _keep_polygons(geometry: BaseGeometry) -> BaseGeometry:
    if geometry.geom_type in POLYGONAL:
        return geometry
    parts = [part for part in getattr(geometry, "geoms", []) if part.geom_type in POLYGONAL]
    polygons = []
    for part in parts:
        polygons.extend(part.geoms if part.geom_type == "MultiPolygon" else [part])
    return shapely.MultiPolygon(polygons) if polygons else shapely.MultiPolygon()


def load(geojson_text: str) -> BaseGeometry | None:
    if not geojson_text:
        return None
    return shape(json.loads(geojson_text))


@dataclass
class SvgShape:
    key: str
    label: str
    path: str
    href: str = ""
    css_class: str = ""


class SvgProjection:
    """Equirectangular projection scaled by the cosine of the mean latitude, fitted to a viewport.
    Good enough at the scale of an agglomeration, and needs no map tiles."""

    def __init__(self, bounds: tuple[float, float, float, float], width: int = 800, margin: int = 12):
        minx, miny, maxx, maxy = bounds
        self.kx = math.cos(math.radians((miny + maxy) / 2))
        span_x = max((maxx - minx) * self.kx, 1e-6)
        span_y = max(maxy - miny, 1e-6)
        self.scale = (width - 2 * margin) / span_x
        self.width = width
        self.height = round(span_y * self.scale + 2 * margin)
        self.minx, self.maxy, self.margin = minx, maxy, margin

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.minx) * self.kx * self.scale + self.margin
        y = (self.maxy - lat) * self.scale + self.margin
        return x, y

    def path(self, geometry: BaseGeometry) -> str:
        tolerance = 0.6 / self.scale  # below a pixel: invisible, drop it
        simplified = geometry.simplify(tolerance, preserve_topology=True)
        polygons = simplified.geoms if simplified.geom_type == "MultiPolygon" else [simplified]
        commands = []
        for polygon in polygons:
            if polygon.is_empty:
                continue
            for ring in [polygon.exterior, *polygon.interiors]:
                points = [self.point(lon, lat) for lon, lat in ring.coords]
                commands.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
        return "".join(commands)


# Labels are in viewBox units, like the font size in app.css (.map-label).
LABEL_FONT_SIZE = 11.0
_CHARACTER_WIDTH = 0.56  # average advance of a sans-serif character, in font sizes
_LABEL_PADDING = 2.0


@dataclass
class MapLabel:
    text: str
    x: float
    y: float
    css_class: str = "map-label"


@dataclass
class _LabelBox:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: "_LabelBox") -> bool:
        return not (
            self.right <= other.left
            or other.right <= self.left
            or self.bottom <= other.top
            or other.bottom <= self.top
        )


def place_labels(
    candidates: list[tuple[str, BaseGeometry, str]], projection: SvgProjection
) -> list[MapLabel]:
    """Names written at each shape's representative point (always inside it), in the order given (most
    important first). A name wider than twice its shape, or taller than it, is left out, and so is one that
    would overlap a name already placed or leave the map: the name stays in the shape's <title> and the table."""
    placed: list[MapLabel] = []
    boxes: list[_LabelBox] = []
    for text, geometry, css_class in candidates:
        if not text or geometry is None or geometry.is_empty:
            continue
        minx, miny, maxx, maxy = geometry.bounds
        shape_width = (maxx - minx) * projection.kx * projection.scale
        shape_height = (maxy - miny) * projection.scale
        text_width = len(text) * _CHARACTER_WIDTH * LABEL_FONT_SIZE
        if shape_width * 2 < text_width or shape_height < LABEL_FONT_SIZE:
            continue
        point = geometry.representative_point()
        x, y = projection.point(point.x, point.y)
        half = text_width / 2 + _LABEL_PADDING
        box = _LabelBox(x - half, y - LABEL_FONT_SIZE * 0.8, x + half, y + LABEL_FONT_SIZE * 0.4)
        inside = box.left >= 0 and box.top >= 0 and box.right <= projection.width
        if not inside or box.bottom > projection.height or any(box.overlaps(other) for other in boxes):
            continue
        boxes.append(box)
        # The baseline sits a third of the font below the point, so the text is centred on it.
        placed.append(MapLabel(text, round(x, 1), round(y + LABEL_FONT_SIZE / 3, 1), css_class))
    return placed


def union_bounds(geometries: list[BaseGeometry]) -> tuple[float, float, float, float] | None:
    boxes = [geometry.bounds for geometry in geometries if geometry is not None and not geometry.is_empty]
    if not boxes:
        return None
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )
