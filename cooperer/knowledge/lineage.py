"""The spread of the method, shown: counts per source territory and kind, and a tree of places drawn as SVG on
the server (roots on the left, each copy one step to the right), with the same figures in a table."""

from collections import defaultdict
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.db.models import Count, Max

from cooperer.core.typography import count_of
from cooperer.knowledge.kit import KitKind
from cooperer.knowledge.models import Lineage

COLUMN, ROW, BOX_W, BOX_H, MARGIN = 320, 64, 200, 40, 16


@dataclass
class Edge:
    source: str
    target: str
    count: int
    kinds: list[str] = field(default_factory=list)
    last: object = None


@dataclass
class Node:
    name: str
    depth: int
    row: int
    sent: int = 0
    received: int = 0


def summary(queryset=None) -> dict:
    """Plain data for the page: the edges between places, the counts per source place and kind, the totals.
    Three grouped queries, whatever the number of copies."""
    queryset = Lineage.objects.all() if queryset is None else queryset
    grouped = (
        queryset.values("source_place", "target_place", "kind")
        .annotate(n=Count("pk"), last=Max("spread_on"))
        .order_by("source_place", "target_place", "kind")
    )
    edges: dict[tuple[str, str], Edge] = {}
    per_source: dict[str, dict[str, int]] = defaultdict(dict)
    for row in grouped:
        key = (row["source_place"], row["target_place"])
        edge = edges.setdefault(key, Edge(*key, 0))
        edge.count += row["n"]
        edge.kinds.append(KitKind(row["kind"]).label)
        edge.last = max(filter(None, [edge.last, row["last"]]))
        counts = per_source[row["source_place"]]
        counts[row["kind"]] = counts.get(row["kind"], 0) + row["n"]
    kinds = [kind for kind in KitKind if any(kind.value in counts for counts in per_source.values())]
    table = [
        {
            "place": place,
            "counts": [counts.get(kind.value, 0) for kind in kinds],
            "total": sum(counts.values()),
        }
        for place, counts in sorted(per_source.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    ]
    return {
        "edges": list(edges.values()),
        "kinds": kinds,
        "per_source": table,
        "total": sum(edge.count for edge in edges.values()),
        "places": len({p for edge in edges.values() for p in (edge.source, edge.target)}),
    }


def layout(edges: list[Edge]) -> list[Node]:
    """Places by depth: a place no copy came to is a root; each target sits one column right of its
    furthest source (a place copied from itself, e.g. a QPV of the same EPCI, still counts once)."""
    names = sorted({p for edge in edges for p in (edge.source, edge.target)})
    incoming: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        if edge.source != edge.target:
            incoming[edge.target].add(edge.source)
    depth: dict[str, int] = {}

    def depth_of(name: str, seen: frozenset = frozenset()) -> int:
        if name in depth:
            return depth[name]
        sources = incoming[name] - seen - {name}
        value = 0 if not sources else 1 + max(depth_of(s, seen | {name}) for s in sources)
        depth[name] = value
        return value

    rows: dict[int, int] = defaultdict(int)
    nodes = []
    for name in sorted(names, key=lambda n: (depth_of(n), n)):
        d = depth_of(name)
        nodes.append(Node(name, d, rows[d]))
        rows[d] += 1
    by_name = {node.name: node for node in nodes}
    for edge in edges:
        by_name[edge.source].sent += edge.count
        by_name[edge.target].received += edge.count
    return nodes


def _wrap(text: str, width: int = 26) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines[:2]


def render_svg(edges: list[Edge], title: str = "Essaimage de la méthode entre territoires") -> str:
    """The tree as an SVG (role img, named by its title and description); empty string without copies."""
    if not edges:
        return ""
    nodes = layout(edges)
    by_name = {node.name: node for node in nodes}
    width = MARGIN * 2 + (max(n.depth for n in nodes) + 1) * COLUMN
    height = MARGIN * 2 + max(n.row for n in nodes) * ROW + BOX_H

    def box(node: Node) -> tuple[int, int]:
        return MARGIN + node.depth * COLUMN, MARGIN + node.row * ROW

    description = "; ".join(
        f"{edge.source} vers {edge.target} : {count_of(edge.count, 'copie')}" for edge in edges
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="lineage-title lineage-desc" class="lineage-tree" '
        'font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="lineage-title">{escape(title)}</title>',
        f'<desc id="lineage-desc">{escape(description)}.</desc>',
        '<defs><marker id="lineage-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="10" '
        'markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#3a3a8c"/></marker></defs>',
    ]
    for edge in edges:
        source, target = by_name[edge.source], by_name[edge.target]
        sx, sy = box(source)
        tx, ty = box(target)
        if source is target:  # a copy inside the same place: a small loop above the box
            x, y = sx + BOX_W - 30, sy
            parts.append(
                f'<path d="M {x} {y} C {x} {y - 22}, {x + 30} {y - 22}, {x + 30} {y + 4}" fill="none" '
                'stroke="#3a3a8c" stroke-width="1.5" marker-end="url(#lineage-arrow)"/>'
            )
            continue
        x1, y1, x2, y2 = sx + BOX_W, sy + BOX_H // 2, tx, ty + BOX_H // 2
        middle = (x1 + x2) // 2
        parts.append(
            f'<path d="M {x1} {y1} C {middle} {y1}, {middle} {y2}, {x2 - 2} {y2}" fill="none" stroke="#3a3a8c" '
            f'stroke-width="{min(1.5 + edge.count, 6)}" marker-end="url(#lineage-arrow)"/>'
        )
        parts.append(
            f'<text x="{middle}" y="{(y1 + y2) // 2 - 6}" text-anchor="middle" fill="#1e1e1e" stroke="#ffffff" '
            f'stroke-width="4" paint-order="stroke">{edge.count}</text>'
        )
    for node in nodes:
        x, y = box(node)
        fill = "#e3e3fd" if node.depth == 0 else "#ffffff"
        parts.append(
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" stroke="#3a3a8c"/>'
        )
        lines = _wrap(node.name)
        for i, line in enumerate(lines):
            offset = y + BOX_H // 2 + 5 + (i * 15 - (len(lines) - 1) * 7)
            parts.append(
                f'<text x="{x + BOX_W // 2}" y="{offset}" text-anchor="middle" fill="#1e1e1e">{escape(line)}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts)
