"""Which QPV contains a point: vectorised point-in-polygon against all QPV contours.

An STRtree of the contours' bounding boxes picks candidate (point, QPV) pairs in one call; each
QPV's prepared contour then tests its candidates with `contains_xy`. No Django import here, so the
bench and the command-line tool share exactly this code."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

NOWHERE = -1


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    geometry: BaseGeometry


class QpvLocator:
    def __init__(self, areas: Sequence[Area]):
        self.areas = list(areas)
        self.geometries = np.array([area.geometry for area in self.areas], dtype=object)
        for geometry in self.geometries:
            shapely.prepare(geometry)
        self.tree = shapely.STRtree(self.geometries)

    def __len__(self) -> int:
        return len(self.areas)

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Index into `areas` of the QPV containing each point, NOWHERE (-1) elsewhere.

        Points on a boundary count as inside; where contours overlap the first area wins."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        result = np.full(lon.shape[0], NOWHERE, dtype=np.int64)
        if lon.size == 0 or not self.areas:
            return result
        valid = np.isfinite(lon) & np.isfinite(lat)
        points = shapely.points(np.where(valid, lon, 0.0), np.where(valid, lat, 0.0))
        point_idx, area_idx = self.tree.query(points)  # bounding-box candidates only
        keep = valid[point_idx]
        point_idx, area_idx = point_idx[keep], area_idx[keep]
        if point_idx.size == 0:
            return result
        order = np.argsort(area_idx, kind="stable")
        point_idx, area_idx = point_idx[order], area_idx[order]
        boundaries = np.flatnonzero(np.diff(area_idx)) + 1
        for points_of_area, areas_of_group in zip(
            np.split(point_idx, boundaries), np.split(area_idx, boundaries), strict=True
        ):
            area = areas_of_group[0]
            inside = shapely.intersects_xy(self.geometries[area], lon[points_of_area], lat[points_of_area])
            hits = points_of_area[inside]
            unset = result[hits] == NOWHERE
            result[hits[unset]] = area
        return result

    def locate_one(self, lon: float, lat: float) -> Area | None:
        index = int(self.locate(np.array([lon]), np.array([lat]))[0])
        return None if index == NOWHERE else self.areas[index]
