"""Force-directed layout (Fruchterman-Reingold) for drawing small networks server-side as SVG.
Deterministic for a given seed; O(n²) per step, meant for the few hundred nodes shown on a page.

Separate groups (connected components) are laid out one by one, each in a square whose area grows with its
number of nodes, and the squares are packed in rows (biggest first) to fill a canvas of the requested aspect
ratio: a single force layout would push the groups into opposite corners and leave the middle empty."""

from dataclasses import dataclass

import numpy as np

# Empty border around each group, in node spacings: groups never touch.
_GAP = 0.4
# A lone structure needs less room than a group's node spacing: loners line up closely.
_LONER_SIDE = 0.4


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float


def force_layout(
    n: int,
    edges: list[tuple[int, int]],
    *,
    iterations: int = 120,
    seed: int = 0,
    aspect: float = 1.0,
) -> np.ndarray:
    """Positions in [0, 1]² for nodes 0..n-1, for a canvas `aspect` times wider than high."""
    if n == 0:
        return np.zeros((0, 2))
    components = connected_components(n, edges)
    sides = [_inner_side(len(members)) + 2 * _GAP for members in components]
    boxes, (total_width, total_height) = pack_rows(sides, aspect=aspect)
    local = {node: i for members in components for i, node in enumerate(members)}
    positions = np.zeros((n, 2))
    for number, (members, box, side) in enumerate(zip(components, boxes, sides, strict=True)):
        member_set = set(members)
        inner = [(local[a], local[b]) for a, b in edges if a in member_set and b in member_set and a != b]
        spring = _spring(len(members), inner, iterations=iterations, seed=seed + number)
        positions[members] = np.array([box.x, box.y]) + _GAP + spring * (side - 2 * _GAP)
    return positions / np.array([total_width, total_height])


def _inner_side(size: int) -> float:
    """Side of the square a group is drawn in: its area grows with its number of nodes."""
    return _LONER_SIDE if size == 1 else float(np.sqrt(size))


def connected_components(n: int, edges: list[tuple[int, int]]) -> list[list[int]]:
    """Node lists of each component, biggest first (ties by smallest node)."""
    parent = list(range(n))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for node in range(n):
        groups.setdefault(root(node), []).append(node)
    return sorted(groups.values(), key=lambda members: (-len(members), members[0]))


def pack_rows(sides: list[float], *, aspect: float = 1.0) -> tuple[list[Box], tuple[float, float]]:
    """Squares of the given sides (biggest first) placed left to right in rows, and the canvas holding them
    with the requested aspect ratio. Several row widths are tried; the one filling the canvas best wins."""
    if not sides:
        return [], (1.0, 1.0)
    area = sum(side * side for side in sides)
    widest = max(sides)
    best: tuple[float, list[Box], tuple[float, float]] | None = None
    for factor in np.linspace(0.7, 1.6, 19):
        row_width = max(widest, float(np.sqrt(area * aspect)) * factor)
        boxes, used_width, used_height = _shelves(sides, row_width)
        canvas = (max(used_width, used_height * aspect), max(used_height, used_width / aspect))
        fill = area / (canvas[0] * canvas[1])
        if best is None or fill > best[0] + 1e-9:
            best = (fill, boxes, canvas)
    assert best is not None
    _, boxes, (width, height) = best
    used_width = max(box.x + box.width for box in boxes)
    used_height = max(box.y + box.height for box in boxes)
    # Centre the packing on the canvas: the spare room goes to the borders, not to one side.
    dx, dy = (width - used_width) / 2, (height - used_height) / 2
    return [Box(box.x + dx, box.y + dy, box.width, box.height) for box in boxes], (width, height)


def _shelves(sides: list[float], row_width: float) -> tuple[list[Box], float, float]:
    """Rows as high as their first (biggest) square; smaller squares stack in columns within the row."""
    boxes: list[Box] = []
    row_y = row_height = 0.0
    column_x = column_y = column_width = 0.0
    used_width = 0.0
    for side in sides:
        if boxes and column_y + side <= row_height + 1e-9:
            pass  # fits under the previous square of this column
        elif boxes and column_x + column_width + side <= row_width + 1e-9:
            column_x, column_y, column_width = column_x + column_width, 0.0, 0.0
        else:
            row_y, row_height = row_y + row_height, side
            column_x, column_y, column_width = 0.0, 0.0, 0.0
        boxes.append(Box(column_x, row_y + column_y, side, side))
        column_y += side
        column_width = max(column_width, side)
        used_width = max(used_width, column_x + column_width)
    return boxes, used_width, row_y + row_height


def _spring(n: int, edges: list[tuple[int, int]], *, iterations: int, seed: int) -> np.ndarray:
    """Fruchterman-Reingold positions of one connected group, stretched to [0, 1]²."""
    if n == 1:
        return np.array([[0.5, 0.5]])
    rng = np.random.default_rng(seed)
    positions = rng.random((n, 2))
    k = np.sqrt(1.0 / n)
    temperature = 0.1
    pairs = np.array(edges, dtype=np.int64).reshape(-1, 2)
    for _ in range(iterations):
        delta = positions[:, None, :] - positions[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=2), 1e-4)
        np.fill_diagonal(distance, np.inf)
        displacement = (delta / distance[..., None] * (k * k / distance)[..., None]).sum(axis=1)
        if len(pairs):
            edge_delta = positions[pairs[:, 0]] - positions[pairs[:, 1]]
            edge_distance = np.maximum(np.linalg.norm(edge_delta, axis=1), 1e-4)
            pull = edge_delta * (edge_distance / k)[:, None]
            np.add.at(displacement, pairs[:, 0], -pull)
            np.add.at(displacement, pairs[:, 1], pull)
        length = np.maximum(np.linalg.norm(displacement, axis=1), 1e-9)
        positions += displacement / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature *= 0.97
    positions -= positions.min(axis=0)
    span = positions.max(axis=0)
    return positions / np.where(span > 0, span, 1)
