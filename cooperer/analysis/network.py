"""Measures of the cooperation network: who cooperates with whom, and does it grow over time.

Structures are nodes, cooperation ties are undirected edges that may be dated. Everything works on
numpy arrays in CSR form (no dense n×n matrix) so that 50,000 structures and 200,000 ties fit in a few
seconds and a few tens of megabytes.
"""

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Dates become ordinals; open ends become sentinels beyond any real date.
_NO_START = np.iinfo(np.int64).min
_NO_END = np.iinfo(np.int64).max
# Betweenness values equal in exact arithmetic may differ by a few ulps: rank on rounded values.
_RANK_DECIMALS = 12


@dataclass(frozen=True)
class Node:
    id: int
    sector: str


@dataclass(frozen=True)
class Edge:
    """Undirected tie; active on d when (start is None or start <= d) and (end is None or d <= end)."""

    source: int
    target: int
    kind: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None


@dataclass(frozen=True)
class NetworkMetrics:
    node_count: int
    edge_count: int
    density: float
    cross_sector_share: float
    components: int
    largest_component: int
    isolated: list[int]
    brokers: list[tuple[int, float]]
    mean_degree: float


@dataclass(frozen=True)
class _Prepared:
    """Nodes and edges turned into index arrays once, so that several periods share the work."""

    ids: np.ndarray  # sorted node ids; a node's index is its position here
    sectors: np.ndarray  # sector code per node index
    source: np.ndarray  # node index of each edge end
    target: np.ndarray
    start: np.ndarray  # date ordinals, _NO_START / _NO_END for open ends
    end: np.ndarray


def edges_active_between(
    edges: Iterable[Edge], period_start: datetime.date, period_end: datetime.date
) -> list[Edge]:
    """Edges whose [start, end] overlaps [period_start, period_end], bounds included."""
    _check_period(period_start, period_end)
    return [
        edge
        for edge in edges
        if (edge.start is None or edge.start <= period_end) and (edge.end is None or edge.end >= period_start)
    ]


def compute_metrics(
    nodes: Sequence[Node],
    edges: Iterable[Edge],
    *,
    betweenness_samples: int = 200,
    top_brokers: int = 10,
    seed: int = 0,
) -> NetworkMetrics:
    """All edges given count, whatever their dates: filter them first with `edges_active_between`."""
    prepared = _prepare(nodes, edges)
    return _metrics(
        prepared,
        np.ones(prepared.source.size, dtype=bool),
        betweenness_samples=betweenness_samples,
        top_brokers=top_brokers,
        seed=seed,
    )


def metrics_over_time(
    nodes: Sequence[Node],
    edges: Iterable[Edge],
    periods: Sequence[tuple[str, datetime.date, datetime.date]],
    **kw: Any,
) -> list[tuple[str, NetworkMetrics]]:
    """Every node counts in every period (isolated when it has no active tie); `kw` go to compute_metrics."""
    prepared = _prepare(nodes, edges)
    results = []
    for label, period_start, period_end in periods:
        _check_period(period_start, period_end)
        active = (prepared.start <= period_end.toordinal()) & (prepared.end >= period_start.toordinal())
        results.append((label, _metrics(prepared, active, **kw)))
    return results


def betweenness(
    nodes: Sequence[Node], edges: Iterable[Edge], *, samples: int = 200, seed: int = 0
) -> dict[int, float]:
    """Normalised betweenness of every node, exact when len(nodes) <= samples, else sampled like networkx."""
    prepared = _prepare(nodes, edges)
    lo, hi = _distinct_pairs(prepared, np.ones(prepared.source.size, dtype=bool))
    values = _betweenness(prepared.ids.size, lo, hi, samples=samples, seed=seed)
    return dict(zip(prepared.ids.tolist(), values.tolist(), strict=True))


def as_dict(metrics: NetworkMetrics) -> dict[str, Any]:
    """Plain JSON-ready values; brokers become {"node_id", "betweenness"} objects."""
    data = dataclasses.asdict(metrics)
    data["brokers"] = [{"node_id": node_id, "betweenness": value} for node_id, value in metrics.brokers]
    return data


def _check_period(period_start: datetime.date, period_end: datetime.date) -> None:
    if period_start > period_end:
        raise ValueError(f"period starts after it ends: {period_start} > {period_end}")


def _prepare(nodes: Sequence[Node], edges: Iterable[Edge]) -> _Prepared:
    raw_ids = np.fromiter((node.id for node in nodes), dtype=np.int64, count=len(nodes))
    order = np.argsort(raw_ids, kind="stable")
    ids = raw_ids[order]
    if ids.size > 1 and (duplicated := ids[1:][ids[1:] == ids[:-1]]).size:
        raise ValueError(f"duplicate node ids: {sorted(set(duplicated.tolist()))[:10]}")
    sector_names = np.array([node.sector for node in nodes], dtype=object)
    _, sector_codes = np.unique(sector_names[order].astype(str), return_inverse=True)
    edges = list(edges)
    ends = np.fromiter((x for edge in edges for x in (edge.source, edge.target)), dtype=np.int64)
    positions = _positions(ids, ends)
    start = np.fromiter(
        (_NO_START if edge.start is None else edge.start.toordinal() for edge in edges), dtype=np.int64
    )
    end = np.fromiter(
        (_NO_END if edge.end is None else edge.end.toordinal() for edge in edges), dtype=np.int64
    )
    return _Prepared(ids, sector_codes.reshape(-1), positions[0::2], positions[1::2], start, end)


def _positions(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Index of each wanted id among the sorted ids; an edge to an unknown node is a caller's bug."""
    positions = np.searchsorted(ids, wanted)
    found = positions < ids.size
    found[found] = ids[positions[found]] == wanted[found]
    if not found.all():
        unknown = sorted(set(wanted[~found].tolist()))
        raise ValueError(f"edges refer to unknown node ids: {unknown[:10]}")
    return positions.astype(np.intp)


def _distinct_pairs(prepared: _Prepared, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Active ties as distinct (lo, hi) index pairs with lo < hi: self-loops and duplicates dropped."""
    source, target = prepared.source[active], prepared.target[active]
    real = source != target
    lo = np.minimum(source, target)[real].astype(np.int64)
    hi = np.maximum(source, target)[real].astype(np.int64)
    n = max(prepared.ids.size, 1)
    keys = np.unique(lo * n + hi)
    return (keys // n).astype(np.intp), (keys % n).astype(np.intp)


def _metrics(
    prepared: _Prepared,
    active: np.ndarray,
    *,
    betweenness_samples: int = 200,
    top_brokers: int = 10,
    seed: int = 0,
) -> NetworkMetrics:
    n = int(prepared.ids.size)
    lo, hi = _distinct_pairs(prepared, active)
    m = int(lo.size)
    degree = np.bincount(lo, minlength=n) + np.bincount(hi, minlength=n)
    labels = _component_labels(n, lo, hi)
    sizes = np.bincount(labels, minlength=n)
    values = _betweenness(n, lo, hi, samples=betweenness_samples, seed=seed)
    return NetworkMetrics(
        node_count=n,
        edge_count=m,
        density=2 * m / (n * (n - 1)) if n >= 2 else 0.0,
        cross_sector_share=float(np.count_nonzero(prepared.sectors[lo] != prepared.sectors[hi]) / m)
        if m
        else 0.0,
        components=int(np.count_nonzero(sizes)),
        largest_component=int(sizes.max()) if n else 0,
        isolated=prepared.ids[degree == 0].tolist(),
        brokers=_top_brokers(prepared.ids, values, top_brokers),
        mean_degree=2 * m / n if n else 0.0,
    )


def _top_brokers(ids: np.ndarray, values: np.ndarray, count: int) -> list[tuple[int, float]]:
    """Highest betweenness first, ties by id; a node on no shortest path is no broker."""
    candidates = np.flatnonzero(values > 0)
    order = np.lexsort((ids[candidates], -np.round(values[candidates], _RANK_DECIMALS)))
    chosen = candidates[order[: max(count, 0)]]
    return list(zip(ids[chosen].tolist(), values[chosen].tolist(), strict=True))


def _component_labels(n: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Label of each node = smallest index of its component (min-hooking then pointer jumping)."""
    labels = np.arange(n, dtype=np.intp)
    while True:
        a, b = labels[lo], labels[hi]
        differ = a != b
        if not differ.any():
            return labels
        a, b = a[differ], b[differ]
        # Both are roots: hook the larger under the smaller, so parents only decrease and no cycle forms.
        np.minimum.at(labels, np.maximum(a, b), np.minimum(a, b))
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped


def _csr(n: int, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = np.concatenate((lo, hi))
    cols = np.concatenate((hi, lo))
    order = np.argsort(rows, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.intp)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, cols[order].astype(np.intp)


def _betweenness(n: int, lo: np.ndarray, hi: np.ndarray, *, samples: int, seed: int) -> np.ndarray:
    """Brandes, exact or on `samples` seeded random pivots scaled by n/k; normalised like networkx."""
    if samples < 1:
        raise ValueError("betweenness_samples must be at least 1")
    totals = np.zeros(n)
    if n <= 2 or lo.size == 0:
        return totals
    indptr, indices = _csr(n, lo, hi)
    if n <= samples:
        sources, scale = np.arange(n), 1.0
    else:
        sources, scale = np.random.default_rng(seed).choice(n, size=samples, replace=False), n / samples
    work = _BrandesWork(n)
    for source in sources.tolist():
        if indptr[source + 1] > indptr[source]:
            totals += work.dependencies(int(source), indptr, indices)
    # Each unordered pair is counted from both ends: 1/((n-1)(n-2)) is networkx's 2/((n-1)(n-2)) halved.
    return totals * (scale / ((n - 1) * (n - 2)))


class _BrandesWork:
    """Per-node buffers reused from one source to the next."""

    def __init__(self, n: int) -> None:
        self.dist = np.empty(n, dtype=np.intp)
        self.sigma = np.empty(n)
        self.delta = np.empty(n)
        self.slot = np.empty(n, dtype=np.intp)  # scratch for deduplicating a level without sorting

    def dependencies(self, source: int, indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
        """Dependency of `source` on every node, by level-synchronous BFS then reverse accumulation."""
        dist, sigma, delta = self.dist, self.sigma, self.delta
        dist.fill(-1)
        sigma.fill(0.0)
        delta.fill(0.0)
        dist[source], sigma[source] = 0, 1.0
        frontier = np.array([source], dtype=np.intp)
        levels = []  # arcs (v, w) with dist[w] == dist[v] + 1, one pair of arrays per BFS level
        depth = 0
        while frontier.size:
            tails, heads = _expand(frontier, indptr, indices)
            # Nodes of the next level were all unseen before it: the forward arcs are the arcs to unseen nodes.
            forward = dist[heads] < 0
            if not forward.any():
                break
            tails, heads = tails[forward], heads[forward]
            depth += 1
            dist[heads] = depth
            np.add.at(sigma, heads, sigma[tails])
            levels.append((tails, heads))
            frontier = self._distinct(heads)
        for tails, heads in reversed(levels):
            np.add.at(delta, tails, sigma[tails] / sigma[heads] * (1.0 + delta[heads]))
        delta[source] = 0.0
        return delta

    def _distinct(self, values: np.ndarray) -> np.ndarray:
        """One occurrence of each value: whichever write wins a slot, exactly one position matches it."""
        positions = np.arange(values.size)
        self.slot[values] = positions
        return values[self.slot[values] == positions]


def _expand(frontier: np.ndarray, indptr: np.ndarray, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All arcs leaving the frontier as (tails, heads), without a Python loop over nodes."""
    starts = indptr[frontier]
    counts = indptr[frontier + 1] - starts
    total = int(counts.sum())
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)
    return np.repeat(frontier, counts), indices[offsets]
