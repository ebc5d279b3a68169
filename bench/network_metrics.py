"""Benchmark of the cooperation-network measures.

Target: 50,000 structures and 200,000 ties for one period in ≤ 10 s on 2 cores, with bounded memory.
The graph is random but shaped like the real thing: four sectors, ~500 local clusters (a neighbourhood's
partners) holding most ties, a few hubs per cluster, some ties across clusters, dates over 2020–2026 with
about a third of the ties ended. Generating the graph is not measured.

Measured: `compute_metrics` on the ties active over 2020–2026 (all of them, date filtering included), then
`metrics_over_time` over the five years 2021–2025.

Run: .venv/bin/python bench/network_metrics.py [--nodes 50000] [--edges 200000] [--samples 200] [--seed 42]
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import sys
import time

import numpy as np

from cooperer.analysis.network import (
    Edge,
    Node,
    as_dict,
    compute_metrics,
    edges_active_between,
    metrics_over_time,
)

TARGET_S = 10
SECTORS = ["association", "institution", "habitants", "autre"]
SECTOR_WEIGHTS = [0.45, 0.25, 0.2, 0.1]
CLUSTERS = 500
CROSS_SHARE = 0.15  # ties between clusters
ENDED_SHARE = 0.35
FIRST_DAY = datetime.date(2020, 1, 1)
LAST_DAY = datetime.date(2026, 12, 31)


def log(message: str) -> None:
    print(f"[bench network_metrics] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Mesure les indicateurs du réseau de coopération.")
    parser.add_argument("--nodes", type=int, default=50_000, help="nombre de structures (défaut 50 000)")
    parser.add_argument("--edges", type=int, default=200_000, help="nombre de liens (défaut 200 000)")
    parser.add_argument("--samples", type=int, default=200, help="pivots pour l'intermédiarité (défaut 200)")
    parser.add_argument("--seed", type=int, default=42, help="graine du générateur aléatoire")
    args = parser.parse_args()
    if args.nodes < 2 or args.edges < 1 or args.samples < 1:
        parser.error("--nodes >= 2, --edges >= 1 and --samples >= 1 are required")
    return args


def generate(node_count: int, edge_count: int, seed: int) -> tuple[list[Node], list[Edge]]:
    """Clustered graph with heavy-tailed activity: hubs inside clusters are the natural brokers."""
    rng = np.random.default_rng(seed)
    clusters = min(CLUSTERS, node_count)
    # Cluster sizes vary (a large city's network next to a small town's); nodes are sorted by cluster.
    shares = rng.gamma(2.0, size=clusters)
    sizes = np.maximum(1, np.floor(shares / shares.sum() * node_count)).astype(np.int64)
    sizes[-1] += node_count - sizes.sum()
    while sizes[-1] < 1:  # rounding overshoot on tiny graphs: take from the largest cluster
        biggest = int(np.argmax(sizes[:-1]))
        sizes[biggest] -= 1
        sizes[-1] += 1
    cluster_start = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    cluster_of = np.repeat(np.arange(clusters), sizes)
    activity = rng.pareto(2.0, size=node_count) + 1.0
    weights = activity / activity.sum()

    tails = rng.choice(node_count, size=edge_count, p=weights)
    heads = np.empty(edge_count, dtype=np.int64)
    cross = rng.random(edge_count) < CROSS_SHARE
    heads[cross] = rng.choice(node_count, size=int(cross.sum()), p=weights)
    local = ~cross
    own = cluster_of[tails[local]]
    heads[local] = cluster_start[own] + (rng.random(int(local.sum())) * sizes[own]).astype(np.int64)

    span = (LAST_DAY - FIRST_DAY).days
    # More ties start late than early: the network grows.
    starts = FIRST_DAY.toordinal() + (np.sqrt(rng.random(edge_count)) * span).astype(np.int64)
    ended = rng.random(edge_count) < ENDED_SHARE
    ends = np.minimum(starts + rng.integers(90, 3 * 365, size=edge_count), LAST_DAY.toordinal())
    sectors = rng.choice(len(SECTORS), size=node_count, p=SECTOR_WEIGHTS)

    nodes = [Node(i, SECTORS[s]) for i, s in enumerate(sectors.tolist())]
    from_ordinal = datetime.date.fromordinal
    edges = [
        Edge(t, h, "partenariat", from_ordinal(s), from_ordinal(e) if is_ended else None)
        for t, h, s, e, is_ended in zip(
            tails.tolist(), heads.tolist(), starts.tolist(), ends.tolist(), ended.tolist(), strict=True
        )
    ]
    return nodes, edges


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    args = parse_args()
    log(f"generating {args.nodes} nodes and {args.edges} edges (seed {args.seed})")
    nodes, edges = generate(args.nodes, args.edges, args.seed)
    rss_after_generation = peak_rss_mb()

    log("compute_metrics, one period 2020–2026")
    began = time.perf_counter()
    metrics = compute_metrics(
        nodes,
        edges_active_between(edges, FIRST_DAY, LAST_DAY),
        betweenness_samples=args.samples,
        seed=args.seed,
    )
    one_period_s = time.perf_counter() - began
    log(f"  {one_period_s:.2f} s")

    periods = [
        (str(year), datetime.date(year, 1, 1), datetime.date(year, 12, 31)) for year in range(2021, 2026)
    ]
    log("metrics_over_time, five yearly periods 2021–2025")
    began = time.perf_counter()
    yearly = metrics_over_time(nodes, edges, periods, betweenness_samples=args.samples, seed=args.seed)
    five_periods_s = time.perf_counter() - began
    log(f"  {five_periods_s:.2f} s")

    summary = as_dict(metrics)
    result = {
        "bench": "network_metrics",
        "nodes": args.nodes,
        "edges": args.edges,
        "samples": args.samples,
        "seed": args.seed,
        "distinct_ties": summary["edge_count"],
        "components": summary["components"],
        "largest_component": summary["largest_component"],
        "isolated": len(summary["isolated"]),
        "cross_sector_share": round(summary["cross_sector_share"], 4),
        "top_broker": summary["brokers"][0] if summary["brokers"] else None,
        "ties_per_year": {label: m.edge_count for label, m in yearly},
        "one_period_s": round(one_period_s, 3),
        "five_periods_s": round(five_periods_s, 3),
        "rss_after_generation_mb": round(rss_after_generation, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "target_s": TARGET_S,
        "meets_target": one_period_s <= TARGET_S,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
