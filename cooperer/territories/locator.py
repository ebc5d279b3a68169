"""Which QPV contains a point: vectorised point-in-polygon against all QPV contours.

An STRtree of the contours answers all points in one call, testing each candidate pair against the
(prepared) contour. No Django import here, so the
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

    def __getstate__(self):
        return {"areas": self.areas}  # stored in the shared cache: the tree is rebuilt on load (≈ 10 ms)

    def __setstate__(self, state):
        self.__init__(state["areas"])

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Index into `areas` of the QPV containing each point, NOWHERE (-1) elsewhere.

        Points on a boundary count as inside; where contours overlap the lowest index wins."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        result = np.full(lon.shape[0], NOWHERE, dtype=np.int64)
        if lon.size == 0 or not self.areas:
            return result
        valid = np.isfinite(lon) & np.isfinite(lat)
        points = shapely.points(np.where(valid, lon, 0.0), np.where(valid, lat, 0.0))
        point_idx, area_idx = self.tree.query(points, predicate="intersects")
        keep = valid[point_idx]
        found = np.full(lon.shape[0], len(self.areas), dtype=np.int64)
        np.minimum.at(found, point_idx[keep], area_idx[keep])  # overlapping contours: lowest index wins
        result[found < len(self.areas)] = found[found < len(self.areas)]
        return result

    def locate_one(self, lon: float, lat: float) -> Area | None:
        index = int(self.locate(np.array([lon]), np.array([lat]))[0])
        return None if index == NOWHERE else self.areas[index]
