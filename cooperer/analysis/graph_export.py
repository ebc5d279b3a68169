"""GraphML and GEXF exports of the cooperation network, for Gephi, Cytoscape, yEd or networkx.

Built with ElementTree so that names like `<Assoc & "Co">` are escaped; characters XML 1.0 forbids
(control characters pasted from other software) are dropped rather than producing an unreadable file.
"""

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence

from cooperer.analysis.network import Edge, Node

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://gexf.net/1.3"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def to_graphml(
    nodes: Sequence[Node],
    edges: Iterable[Edge],
    labels: dict[int, str],
    extra_node_attrs: dict[int, dict[str, str]] | None = None,
) -> str:
    """Undirected GraphML; every edge given is written, dates as ISO strings in `start` / `end`."""
    edges = _checked_edges(nodes, edges)
    extra_names = _extra_names(extra_node_attrs)
    root = ET.Element("graphml", {"xmlns": GRAPHML_NS})
    node_keys = {"label": "label", "sector": "sector"} | {
        name: f"extra{i}" for i, name in enumerate(extra_names)
    }
    for name, key in node_keys.items():
        ET.SubElement(
            root, "key", {"id": key, "for": "node", "attr.name": _clean(name), "attr.type": "string"}
        )
    for name in ("kind", "start", "end"):
        ET.SubElement(root, "key", {"id": name, "for": "edge", "attr.name": name, "attr.type": "string"})
    graph = ET.SubElement(root, "graph", {"id": "cooperation", "edgedefault": "undirected"})
    for node in nodes:
        element = ET.SubElement(graph, "node", {"id": _node_id(node.id)})
        values = {"label": labels.get(node.id, str(node.id)), "sector": node.sector}
        values |= (extra_node_attrs or {}).get(node.id, {})
        for name, value in values.items():
            ET.SubElement(element, "data", {"key": node_keys[name]}).text = _clean(value)
    for index, edge in enumerate(edges):
        element = ET.SubElement(
            graph,
            "edge",
            {"id": f"e{index}", "source": _node_id(edge.source), "target": _node_id(edge.target)},
        )
        for name, value in (("kind", edge.kind), ("start", edge.start), ("end", edge.end)):
            if value not in ("", None):
                ET.SubElement(element, "data", {"key": name}).text = _clean(str(value))
    return _serialise(root)


def to_gexf(
    nodes: Sequence[Node],
    edges: Iterable[Edge],
    labels: dict[int, str],
    extra_node_attrs: dict[int, dict[str, str]] | None = None,
) -> str:
    """GEXF 1.3; dynamic (edges carry start/end, timeformat "date") as soon as one edge is dated."""
    edges = _checked_edges(nodes, edges)
    extra_names = _extra_names(extra_node_attrs)
    root = ET.Element(
        "gexf",
        {
            "xmlns": GEXF_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{GEXF_NS} {GEXF_NS}/gexf.xsd",
            "version": "1.3",
        },
    )
    ET.SubElement(ET.SubElement(root, "meta"), "creator").text = "Coopérer"
    dynamic = any(edge.start is not None or edge.end is not None for edge in edges)
    graph_attrs = {"defaultedgetype": "undirected", "mode": "dynamic" if dynamic else "static"}
    if dynamic:
        graph_attrs["timeformat"] = "date"
    graph = ET.SubElement(root, "graph", graph_attrs)
    node_columns = {"sector": "sector"} | {name: f"extra{i}" for i, name in enumerate(extra_names)}
    _gexf_attributes(graph, "node", node_columns)
    _gexf_attributes(graph, "edge", {"kind": "kind"})
    node_list = ET.SubElement(graph, "nodes")
    for node in nodes:
        element = ET.SubElement(
            node_list, "node", {"id": str(node.id), "label": _clean(labels.get(node.id, str(node.id)))}
        )
        values = {"sector": node.sector} | (extra_node_attrs or {}).get(node.id, {})
        _gexf_values(element, {node_columns[name]: value for name, value in values.items()})
    edge_list = ET.SubElement(graph, "edges")
    for index, edge in enumerate(edges):
        attrs = {"id": str(index), "source": str(edge.source), "target": str(edge.target)}
        if edge.kind:
            attrs["label"] = _clean(edge.kind)
        if edge.start is not None:
            attrs["start"] = edge.start.isoformat()
        if edge.end is not None:
            attrs["end"] = edge.end.isoformat()
        _gexf_values(ET.SubElement(edge_list, "edge", attrs), {"kind": edge.kind} if edge.kind else {})
    return _serialise(root)


def _gexf_attributes(graph: ET.Element, kind: str, columns: dict[str, str]) -> None:
    block = ET.SubElement(graph, "attributes", {"class": kind, "mode": "static"})
    for title, column in columns.items():
        ET.SubElement(block, "attribute", {"id": column, "title": _clean(title), "type": "string"})


def _gexf_values(element: ET.Element, values: dict[str, str]) -> None:
    if values:
        holder = ET.SubElement(element, "attvalues")
        for column, value in values.items():
            ET.SubElement(holder, "attvalue", {"for": column, "value": _clean(value)})


def _checked_edges(nodes: Sequence[Node], edges: Iterable[Edge]) -> list[Edge]:
    """A file whose edges point to missing nodes is rejected by Gephi: fail here, with the ids."""
    edges = list(edges)
    known = {node.id for node in nodes}
    unknown = sorted({end for edge in edges for end in (edge.source, edge.target)} - known)
    if unknown:
        raise ValueError(f"edges refer to unknown node ids: {unknown[:10]}")
    return edges


def _extra_names(extra_node_attrs: dict[int, dict[str, str]] | None) -> list[str]:
    reserved = {"label", "sector"}
    names = sorted({name for attrs in (extra_node_attrs or {}).values() for name in attrs})
    if clash := reserved.intersection(names):
        raise ValueError(f"extra node attributes may not be named {sorted(clash)}")
    return names


def _node_id(node_id: int) -> str:
    """GraphML's customary "n<id>"; GEXF takes the bare id, which Gephi shows as is."""
    return f"n{node_id}"


def _clean(text: str) -> str:
    return _NOT_XML.sub("", str(text))


def _serialise(root: ET.Element) -> str:
    # ElementTree's own declaration would name the locale's encoding when asked for text: write ours.
    ET.indent(root)
    return _DECLARATION + ET.tostring(root, encoding="unicode") + "\n"
