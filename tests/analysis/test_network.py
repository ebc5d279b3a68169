"""Network measures and exports, on small graphs whose answers are known by hand (no database)."""

import datetime
import itertools
import json
import random
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import deque

import pytest

from cooperer.analysis.graph_export import GEXF_NS, GRAPHML_NS, to_gexf, to_graphml
from cooperer.analysis.network import (
    Edge,
    Node,
    as_dict,
    betweenness,
    compute_metrics,
    edges_active_between,
    metrics_over_time,
)

D = datetime.date


def nodes_of(count, sector="association"):
    return [Node(i, sector) for i in range(count)]


def clique_edges(members):
    return [Edge(a, b) for a, b in itertools.combinations(members, 2)]


def pair_counting_betweenness(count, edges):
    """Reference by definition: over every pair s < t, the share of s–t shortest paths through v."""
    neighbours = {i: set() for i in range(count)}
    for edge in edges:
        if edge.source != edge.target:
            neighbours[edge.source].add(edge.target)
            neighbours[edge.target].add(edge.source)

    def bfs(source):
        dist, paths, queue = {source: 0}, {source: 1}, deque([source])
        while queue:
            v = queue.popleft()
            for w in neighbours[v]:
                if w not in dist:
                    dist[w], paths[w] = dist[v] + 1, 0
                    queue.append(w)
                if dist[w] == dist[v] + 1:
                    paths[w] += paths[v]
        return dist, paths

    table = [bfs(i) for i in range(count)]
    scores = [0.0] * count
    for s, t in itertools.combinations(range(count), 2):
        dist_s, paths_s = table[s]
        if t not in dist_s:
            continue
        for v in range(count):
            dist_v, paths_v = table[v]
            if v not in (s, t) and v in dist_s and t in dist_v and dist_s[v] + dist_v[t] == dist_s[t]:
                scores[v] += paths_s[v] * paths_v[t] / paths_s[t]
    return [score * 2 / ((count - 1) * (count - 2)) for score in scores]


def test_a_star_has_its_centre_as_only_broker():
    metrics = compute_metrics(nodes_of(6), [Edge(0, leaf) for leaf in range(1, 6)])

    assert metrics.brokers == [(0, pytest.approx(1.0))]


def test_density_of_a_complete_graph_is_one():
    metrics = compute_metrics(nodes_of(7), clique_edges(range(7)))

    assert metrics.density == pytest.approx(1.0)
    assert metrics.edge_count == 21
    assert metrics.mean_degree == pytest.approx(6.0)
    assert metrics.brokers == []  # every pair is directly linked: nobody stands between


def test_isolated_structures_are_listed():
    nodes = [Node(node_id, "association") for node_id in (40, 10, 30, 20, 50)]
    metrics = compute_metrics(nodes, [Edge(10, 20), Edge(30, 30)])

    assert metrics.isolated == [30, 40, 50]  # a tie with oneself links to nobody
    assert metrics.components == 4
    assert metrics.largest_component == 2


def test_ties_across_sectors_are_counted_once():
    nodes = [Node(1, "association"), Node(2, "institution"), Node(3, "association"), Node(4, "habitants")]
    edges = [
        Edge(1, 2, "convention"),
        Edge(2, 1, "réunion"),  # same pair, other way round and other kind: still one tie
        Edge(1, 2, "convention"),
        Edge(1, 3),
        Edge(3, 4),
        Edge(4, 4),
    ]
    metrics = compute_metrics(nodes, edges)

    assert metrics.edge_count == 3
    assert metrics.cross_sector_share == pytest.approx(2 / 3)
    assert metrics.density == pytest.approx(3 / 6)


def test_sampled_betweenness_ranks_the_bridge_first():
    # Two communities of 150 structures each, joined only through structure 300, linked to 3 members of each.
    bridge = 300
    edges = clique_edges(range(150)) + clique_edges(range(150, 300))
    edges += [Edge(bridge, member) for member in (0, 1, 2, 150, 151, 152)]
    metrics = compute_metrics(nodes_of(301), edges, betweenness_samples=50, top_brokers=5, seed=7)

    assert metrics.brokers[0][0] == bridge
    # Exactly 150 × 150 pairs go through the bridge: 22,500 × 2 / (300 × 299) ≈ 0.5017.
    assert metrics.brokers[0][1] == pytest.approx(22_500 * 2 / (300 * 299), rel=0.05)
    assert metrics.brokers[1][1] < metrics.brokers[0][1] / 2
    assert compute_metrics(nodes_of(301), edges, betweenness_samples=50, seed=7) == compute_metrics(
        nodes_of(301), edges, betweenness_samples=50, seed=7
    )


def test_exact_betweenness_matches_known_values():
    # Path 0-1-2-3-4: node 1 lies on 3 of the 6 pairs it is not in, node 2 on 4; normalised by 2/((n-1)(n-2)).
    values = betweenness(nodes_of(5), [Edge(i, i + 1) for i in range(4)])

    assert [values[i] for i in range(5)] == pytest.approx([0, 3 * 2 / 12, 4 * 2 / 12, 3 * 2 / 12, 0])
    assert [values[i] for i in range(5)] == pytest.approx([0, 0.5, 0.667, 0.5, 0], abs=1e-3)
    metrics = compute_metrics(nodes_of(5), [Edge(i, i + 1) for i in range(4)])
    assert metrics.brokers == [(2, pytest.approx(2 / 3)), (1, pytest.approx(0.5)), (3, pytest.approx(0.5))]


@pytest.mark.parametrize("seed", range(5))
def test_exact_betweenness_agrees_with_counting_paths_pair_by_pair(seed):
    rng = random.Random(seed)
    count = 14
    edges = [Edge(rng.randrange(count), rng.randrange(count)) for _ in range(22)]

    values = betweenness(nodes_of(count), edges)

    assert [values[i] for i in range(count)] == pytest.approx(pair_counting_betweenness(count, edges))


def test_components_are_counted_with_their_isolated_members():
    edges = [Edge(0, 1), Edge(1, 2), Edge(3, 4), Edge(6, 5), Edge(5, 7), Edge(7, 8)]
    metrics = compute_metrics(nodes_of(11), edges)

    assert (metrics.components, metrics.largest_component, metrics.isolated) == (5, 4, [9, 10])


def test_tiny_and_empty_networks_have_zero_measures():
    empty = compute_metrics([], [])
    single = compute_metrics([Node(3, "autre")], [])
    pair = compute_metrics(nodes_of(2), [Edge(0, 1)])

    assert (empty.node_count, empty.density, empty.components, empty.brokers) == (0, 0.0, 0, [])
    assert (single.density, single.components, single.isolated) == (0.0, 1, [3])
    assert (pair.density, pair.cross_sector_share, pair.brokers) == (1.0, 0.0, [])


def test_edges_to_unknown_structures_are_refused():
    with pytest.raises(ValueError, match="unknown node ids: \\[9\\]"):
        compute_metrics(nodes_of(3), [Edge(0, 9)])
    with pytest.raises(ValueError, match="duplicate node ids"):
        compute_metrics([Node(1, "autre"), Node(1, "association")], [])


def test_edges_active_between_respects_dates():
    edges = [
        Edge(0, 1, "always"),
        Edge(0, 2, "ended before", end=D(2022, 12, 31)),
        Edge(0, 3, "ends on the first day", end=D(2023, 1, 1)),
        Edge(1, 2, "starts on the last day", start=D(2023, 12, 31)),
        Edge(1, 3, "starts after", start=D(2024, 1, 1)),
        Edge(2, 3, "spans it", start=D(2020, 5, 1), end=D(2025, 5, 1)),
        Edge(1, 4, "inside", start=D(2023, 3, 1), end=D(2023, 4, 1)),
    ]

    active = edges_active_between(edges, D(2023, 1, 1), D(2023, 12, 31))

    assert [edge.kind for edge in active] == [
        "always",
        "ends on the first day",
        "starts on the last day",
        "spans it",
        "inside",
    ]
    with pytest.raises(ValueError, match="starts after it ends"):
        edges_active_between(edges, D(2024, 1, 1), D(2023, 1, 1))


def test_metrics_over_time_grow_as_links_are_added():
    edges = [
        Edge(0, 1, start=D(2021, 3, 1)),
        Edge(1, 2, start=D(2022, 6, 1)),
        Edge(2, 3, start=D(2023, 1, 15)),
        Edge(3, 4, start=D(2023, 9, 1)),
        Edge(0, 4, start=D(2021, 1, 1), end=D(2021, 6, 30)),
    ]
    periods = [(str(year), D(year, 1, 1), D(year, 12, 31)) for year in (2021, 2022, 2023)]

    yearly = metrics_over_time(nodes_of(6), edges, periods)

    assert [label for label, _ in yearly] == ["2021", "2022", "2023"]
    assert [m.edge_count for _, m in yearly] == [2, 2, 4]  # the 0–4 tie ended in 2021
    assert [m.largest_component for _, m in yearly] == [3, 3, 5]
    assert [m.isolated for _, m in yearly] == [[2, 3, 5], [3, 4, 5], [5]]
    for (_, m), (_, start, end) in zip(yearly, periods, strict=True):
        assert m == compute_metrics(nodes_of(6), edges_active_between(edges, start, end))


def test_as_dict_is_ready_for_json():
    metrics = compute_metrics(nodes_of(4), [Edge(0, 1), Edge(1, 2)])

    data = json.loads(json.dumps(as_dict(metrics)))

    assert data["brokers"] == [{"node_id": 1, "betweenness": pytest.approx(1 / 3)}]
    assert data["isolated"] == [3]
    assert set(data) >= {"node_count", "edge_count", "density", "cross_sector_share", "components"}


NASTY = '<Assoc & "Co">'
EXPORT_NODES = [Node(1, "association"), Node(2, "institution"), Node(3, "habitants")]
EXPORT_EDGES = [
    Edge(1, 2, "convention & co", start=D(2021, 4, 1)),
    Edge(2, 3, "réunion", start=D(2022, 1, 10), end=D(2023, 6, 30)),
]
EXPORT_LABELS = {1: NASTY, 2: "Ville – service « jeunesse »", 3: "Collectif\x0b des habitants"}


def test_graphml_parses_back_with_escaped_names():
    text = to_graphml(EXPORT_NODES, EXPORT_EDGES, EXPORT_LABELS, {1: {"qpv": "QN04201M"}})

    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert '&lt;Assoc &amp; "Co"&gt;' in text  # text content: quotes need no escaping
    root = ET.fromstring(text.encode("utf-8"))
    ns = {"g": GRAPHML_NS}
    keys = {key.get("attr.name"): key.get("id") for key in root.findall("g:key[@for='node']", ns)}
    labels = {
        node.get("id"): node.find(f"g:data[@key='{keys['label']}']", ns).text
        for node in root.findall("g:graph/g:node", ns)
    }
    assert labels == {"n1": NASTY, "n2": "Ville – service « jeunesse »", "n3": "Collectif des habitants"}
    assert root.find(f"g:graph/g:node[@id='n1']/g:data[@key='{keys['qpv']}']", ns).text == "QN04201M"
    edges = root.findall("g:graph/g:edge", ns)
    assert [(e.get("source"), e.get("target")) for e in edges] == [("n1", "n2"), ("n2", "n3")]
    assert edges[1].find("g:data[@key='end']", ns).text == "2023-06-30"
    assert root.find("g:graph", ns).get("edgedefault") == "undirected"


def test_gexf_parses_back_with_escaped_names_and_dynamic_edges():
    text = to_gexf(EXPORT_NODES, EXPORT_EDGES, EXPORT_LABELS)

    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(text.encode("utf-8"))
    ns = {"x": GEXF_NS}
    assert root.get("version") == "1.3"
    graph = root.find("x:graph", ns)
    assert (graph.get("mode"), graph.get("timeformat"), graph.get("defaultedgetype")) == (
        "dynamic",
        "date",
        "undirected",
    )
    assert root.find("x:graph/x:nodes/x:node[@id='1']", ns).get("label") == NASTY
    first, second = root.findall("x:graph/x:edges/x:edge", ns)
    assert (first.get("start"), first.get("end"), first.get("label")) == (
        "2021-04-01",
        None,
        "convention & co",
    )
    assert (second.get("start"), second.get("end")) == ("2022-01-10", "2023-06-30")
    sector = root.find("x:graph/x:nodes/x:node[@id='2']/x:attvalues/x:attvalue[@for='sector']", ns)
    assert sector.get("value") == "institution"


def test_gexf_without_dates_is_static():
    root = ET.fromstring(to_gexf(EXPORT_NODES, [Edge(1, 2)], {}).encode("utf-8"))

    graph = root.find(f"{{{GEXF_NS}}}graph")
    assert (graph.get("mode"), graph.get("timeformat")) == ("static", None)
    assert root.find(f".//{{{GEXF_NS}}}node[@id='3']").get("label") == "3"


def test_exports_refuse_edges_to_unknown_structures():
    with pytest.raises(ValueError, match="unknown node ids"):
        to_graphml(EXPORT_NODES, [Edge(1, 99)], {})
    with pytest.raises(ValueError, match="unknown node ids"):
        to_gexf(EXPORT_NODES, [Edge(1, 99)], {})


def test_the_analysis_package_never_imports_django():
    code = (
        "import sys, cooperer.analysis.network, cooperer.analysis.graph_export; "
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'django'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"
