"""From the directory to the pure-Python network analysis (cooperer.analysis): filtering, metrics per
period, SVG drawing and exports."""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from cooperer.actors.enums import SECTOR_OF_FORM, Sector
from cooperer.actors.models import CooperationLink, Structure
from cooperer.analysis.layout import force_layout
from cooperer.analysis.network import Edge, Node, betweenness, compute_metrics, metrics_over_time

DRAWN_NODES = 150
LABELLED_NODES = 10  # the main structures get their name written beside them
LABEL_CHARACTERS = 26
FIRST_YEAR = 2020


@dataclass
class NetworkData:
    nodes: list[Node]
    edges: list[Edge]
    names: dict[int, str]


def load_network(
    *, epci=None, theme=None, kind: str = "", year: int | None = None, structure_ids=None
) -> NetworkData:
    """Active structures and their links, filtered. Two queries whatever the size."""
    structures = Structure.objects.active()
    if structure_ids is not None:
        structures = structures.filter(pk__in=structure_ids)
    if epci is not None:
        structures = structures.filter(commune__epci=epci)
    if theme is not None:
        structures = structures.filter(themes=theme)
    rows = list(structures.distinct().values_list("pk", "name", "legal_form"))
    ids = {pk for pk, _, _ in rows}
    links = CooperationLink.objects.filter(source__merged_into__isnull=True, target__merged_into__isnull=True)
    if kind:
        links = links.filter(kind=kind)
    if year:
        links = links.active_between(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    if epci is not None or theme is not None or structure_ids is not None:
        links = links.filter(Q(source__in=structures) & Q(target__in=structures))
    edges = [
        Edge(source, target, kind, start, end)
        for source, target, kind, start, end in links.values_list("source", "target", "kind", "start", "end")
        if source in ids and target in ids
    ]
    nodes = [Node(pk, SECTOR_OF_FORM.get(form, Sector.OTHER)) for pk, _, form in rows]
    return NetworkData(nodes=nodes, edges=edges, names={pk: name for pk, name, _ in rows})


def yearly_metrics(data: NetworkData, until: int | None = None):
    last = until or datetime.date.today().year
    periods = [
        (str(y), datetime.date(y, 1, 1), datetime.date(y, 12, 31)) for y in range(FIRST_YEAR, last + 1)
    ]
    return metrics_over_time(data.nodes, data.edges, periods)


def current_metrics(data: NetworkData):
    return compute_metrics(data.nodes, data.edges)


@dataclass
class DrawnNode:
    pk: int
    name: str
    sector: str
    x: float
    y: float
    r: float
    degree: int
    labelled: bool = False
    label_before: bool = False  # near the right edge the name is written to the left of the node

    @property
    def short_name(self) -> str:
        name = self.name
        return name if len(name) <= LABEL_CHARACTERS else name[: LABEL_CHARACTERS - 1].rstrip() + "…"

    @property
    def label_width(self) -> float:
        """Estimated width of the written name (11 px sans-serif, as .net-label in app.css)."""
        return len(self.short_name) * 6.2

    @property
    def label_x(self) -> float:
        return round(self.x - self.r - 3 if self.label_before else self.x + self.r + 3, 1)

    @property
    def label_anchor(self) -> str:
        return "end" if self.label_before else "start"

    @property
    def label_y(self) -> float:
        return round(self.y + 4, 1)

    @property
    def diamond(self) -> str:
        r = self.r * 1.25
        return f"{self.x},{self.y - r} {self.x + r},{self.y} {self.x},{self.y + r} {self.x - r},{self.y}"

    @property
    def square_x(self) -> float:
        return round(self.x - self.r, 1)

    @property
    def square_y(self) -> float:
        return round(self.y - self.r, 1)

    @property
    def size(self) -> float:
        return round(2 * self.r, 1)


def drawing(data: NetworkData, width: int = 760, height: int = 560) -> dict:
    """The most connected structures (up to DRAWN_NODES) laid out for SVG, with their ties."""
    degree: dict[int, int] = {node.id: 0 for node in data.nodes}
    pairs = set()
    for edge in data.edges:
        pair = (min(edge.source, edge.target), max(edge.source, edge.target))
        if pair[0] != pair[1] and pair not in pairs:
            pairs.add(pair)
            degree[pair[0]] += 1
            degree[pair[1]] += 1
    shown = sorted(degree, key=lambda pk: (-degree[pk], data.names[pk]))[:DRAWN_NODES]
    index = {pk: i for i, pk in enumerate(shown)}
    drawn_pairs = [(index[a], index[b]) for a, b in pairs if a in index and b in index]
    positions = force_layout(len(shown), drawn_pairs, seed=7, aspect=width / height)
    margin = 24
    sector = {node.id: node.sector for node in data.nodes}
    nodes = [
        DrawnNode(
            pk=pk,
            name=data.names[pk],
            sector=sector[pk],
            x=round(margin + positions[i, 0] * (width - 2 * margin), 1),
            y=round(margin + positions[i, 1] * (height - 2 * margin), 1),
            r=round(5 + min(degree[pk], 12) * 0.8, 1),
            degree=degree[pk],
        )
        for i, pk in enumerate(shown)
    ]
    labelled = main_structures(data, shown, degree)
    for node in nodes:
        node.labelled = node.pk in labelled
        node.label_before = node.x + node.r + 3 + node.label_width > width
    lines = [(nodes[a].x, nodes[a].y, nodes[b].x, nodes[b].y) for a, b in drawn_pairs]
    return {
        "width": width,
        "height": height,
        "nodes": nodes,
        "lines": lines,
        "hidden": len(data.nodes) - len(shown),
    }


def main_structures(data: NetworkData, shown: list[int], degree: dict[int, int]) -> set[int]:
    """The LABELLED_NODES structures worth naming on the drawing: half the brokers (highest betweenness,
    they hold the groups together), the rest the most connected; a structure without a tie is never one."""
    drawn = set(shown)
    values = betweenness(
        [node for node in data.nodes if node.id in drawn],
        [edge for edge in data.edges if edge.source in drawn and edge.target in drawn],
    )
    brokers = sorted((pk for pk in shown if values[pk] > 0), key=lambda pk: (-values[pk], data.names[pk]))
    chosen = brokers[: LABELLED_NODES // 2]
    for pk in shown:  # already sorted by degree
        if len(chosen) >= LABELLED_NODES or not degree[pk]:
            break
        if pk not in chosen:
            chosen.append(pk)
    return set(chosen)


def evolution_chart(evolution, height: int = 150, bar: int = 36, gap: int = 14) -> dict:
    """Bars of active links per period, for an SVG chart (the table beside it carries the same figures)."""
    top = max([metrics.edge_count for _, metrics in evolution] + [1])
    bars = []
    for i, (label, metrics) in enumerate(evolution):
        h = round(metrics.edge_count / top * (height - 20), 1)
        x = 10 + i * (bar + gap)
        bars.append(
            {
                "label": label,
                "value": metrics.edge_count,
                "x": x,
                "cx": x + bar / 2,
                "y": round(height - h, 1),
                "h": h,
            }
        )
    return {
        "width": 20 + len(bars) * (bar + gap),
        "height": height + 30,
        "bars": bars,
        "bar": bar,
        "base": height + 22,
    }
