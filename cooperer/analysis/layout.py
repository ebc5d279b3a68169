"""Force-directed layout (Fruchterman-Reingold) for drawing small networks server-side as SVG.
Deterministic for a given seed; O(n²) per step, meant for the few hundred nodes shown on a page."""

import numpy as np


def force_layout(n: int, edges: list[tuple[int, int]], *, iterations: int = 120, seed: int = 0) -> np.ndarray:
    """Positions in [0, 1]² for nodes 0..n-1."""
    rng = np.random.default_rng(seed)
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.array([[0.5, 0.5]])
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
