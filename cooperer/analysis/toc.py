"""The drawing of a theory of change: outcomes in three horizons (columns) and three levels (bands).

`layout` places the boxes and routes the arrows once, as plain numbers (SVG user units, which are PDF points);
`render_svg` draws it for the page, `cooperer.visions.diagram` draws the same `Layout` as PDF and PNG, and
`outline` is the text alternative. Text is measured with Helvetica's metrics (Arial's are the same), so the
PDF matches exactly and browsers closely; the SVG also fixes each line's length so no font can overflow a box.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

HORIZONS = ("short", "intermediate", "long")
HORIZON_LABELS = {"short": "Court terme", "intermediate": "Moyen terme", "long": "Long terme"}
LEVELS = ("population", "practices", "cooperation")
LEVEL_LABELS = {
    "population": "Population",
    "practices": "Pratiques et institutions",
    "cooperation": "Coopération",
}


@dataclass(frozen=True)
class Palette:
    fill: str  # box background
    stroke: str  # box border
    text: str  # outcome text, on `fill`
    accent: str  # badge (on `fill`) and band label (on `band`)
    band: str  # band background


# One hue per level; every text colour has a contrast of at least 7:1 on the fill it is drawn on.
PALETTES = {
    "population": Palette("#e3edf8", "#2d5b8a", "#13263a", "#1f4d7a", "#f3f7fc"),
    "practices": Palette("#e2f1e7", "#2e6a44", "#122f1d", "#22573a", "#f2f8f4"),
    "cooperation": Palette("#f7ebdc", "#8a5a1c", "#38230a", "#6e440e", "#fcf7f0"),
}
INK = "#1b1b1b"
EDGE_COLOUR = "#595959"
GRID_COLOUR = "#8c8c8c"

FONT_SIZE = 12.0
LINE_HEIGHT = 15.0
BADGE_SIZE = 10.5
BADGE_LINE_HEIGHT = 13.5
HEADER_SIZE = 13.0
BOX_WIDTH = 190.0
BOX_PADDING = 8.0
BOX_GAP = 12.0
COLUMN_GAP = 70.0
COLUMN_WIDTH = BOX_WIDTH + COLUMN_GAP
MARGIN = 16.0
BAND_LABEL_WIDTH = 120.0
HEADER_HEIGHT = 34.0
BAND_PAD_TOP = 20.0  # arrows that cannot go straight run here, above the boxes
BAND_PAD_BOTTOM = 12.0
MIN_BAND_HEIGHT = 56.0
MAX_LINES = 12  # a longer text ends with "…" in the drawing; the outline keeps it whole
_SWEEPS = 8

# Helvetica advance widths (Adobe metrics, 1/1000 em) of the WinAnsi characters, in this order.
_CODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0xAD),
    *range(0xAE, 0x100),
    *map(ord, "ŒœŠšŸŽž€‚ƒ„…†‡ˆ‰‹›‘’“”•–—˜™"),
]
_REGULAR = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 "
    "556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 "
    "722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 "
    "500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584 278 333 556 556 556 "
    "556 260 556 333 737 370 556 584 737 333 400 584 333 333 333 556 537 278 333 333 365 556 834 834 834 "
    "611 667 667 667 667 667 667 1000 722 667 667 667 667 278 278 278 278 722 722 778 778 778 778 778 584 "
    "778 722 722 722 722 667 667 611 556 556 556 556 556 556 889 500 556 556 556 556 278 278 278 278 556 "
    "556 556 556 556 556 556 584 611 556 556 556 556 500 556 500 1000 944 667 500 667 611 500 556 222 556 "
    "333 1000 556 556 333 1000 333 333 222 222 333 333 350 556 1000 333 1000"
)
_BOLD = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 "
    "556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 "
    "722 667 611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 611 278 278 "
    "556 278 889 611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584 278 333 556 556 556 "
    "556 280 556 333 737 370 556 584 737 333 400 584 333 333 333 611 556 278 333 333 365 556 834 834 834 "
    "611 722 722 722 722 722 722 1000 722 667 667 667 667 278 278 278 278 722 722 778 778 778 778 778 584 "
    "778 722 722 722 722 667 667 611 556 556 556 556 556 556 889 556 556 556 556 556 278 278 278 278 611 "
    "611 611 611 611 611 611 584 611 611 611 611 611 556 611 556 1000 944 667 556 667 611 500 556 278 556 "
    "500 1000 556 556 333 1000 333 333 278 278 500 500 350 556 1000 333 1000"
)
_WIDTHS = {
    False: dict(zip(map(chr, _CODES), map(int, _REGULAR.split()), strict=True)),
    True: dict(zip(map(chr, _CODES), map(int, _BOLD.split()), strict=True)),
}
_WIDTHS[False]["\u202f"] = _WIDTHS[True]["\u202f"] = 278  # French narrow no-break space
# Break lines at ordinary spaces only: a no-break space (« texte », 10 %) keeps its neighbours together.
_SPACES = re.compile("[ \t\n\r\f\v]+")
# French spacing: the space before : ; ! ? » % and the one after « never start or end a line.
_GLUED_SPACE = re.compile(r"(?<=«) +| +(?=[:;!?»%])")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONTROL_SPACE = re.compile("[\t\n\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_ID_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_SAFE_HREF = re.compile(r"(?:https?:|mailto:|/|\.|#|\?|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)
_FONT_FAMILY = "Helvetica, Arial, 'Liberation Sans', sans-serif"


@dataclass(frozen=True)
class Node:
    id: str
    text: str
    horizon: str  # one of HORIZONS
    level: str  # one of LEVELS
    badge: str = ""  # a short extra line: "ODD 4, 8", "12 contributions"
    href: str = ""  # the box links there in the SVG (and in the PDF when absolute)

    def __post_init__(self) -> None:
        if self.horizon not in HORIZONS:
            raise ValueError(f"horizon must be one of {HORIZONS}, not {self.horizon!r}")
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, not {self.level!r}")


@dataclass(frozen=True)
class TextRun:
    """One line of text: (x, y) is the start of its baseline, or its middle when anchor is "middle"."""

    x: float
    y: float
    text: str
    size: float
    width: float  # measured with Helvetica; renderers with another font shrink the line to it
    colour: str
    bold: bool = False
    anchor: str = "start"


@dataclass(frozen=True)
class Box:
    node: Node
    x: float  # top-left corner, y downwards
    y: float
    w: float
    h: float
    lines: list[str]  # the outcome's text, wrapped
    badge_lines: list[str]
    runs: list[TextRun]  # lines and badge lines placed in the box
    palette: Palette


@dataclass(frozen=True)
class EdgePath:
    """From the right side of the source box to the left side of the target box.

    curved: `points` are the start, two control points and the end of a cubic Bézier (target in the next
    column); otherwise an orthogonal polyline that runs through the gaps between columns and along the top of
    the target's band, where there is no box.
    """

    source: str
    target: str
    points: list[tuple[float, float]]
    curved: bool


@dataclass(frozen=True)
class Region:
    """A column (header and full height) or a band (full width), with its label placed."""

    key: str
    label: str
    x: float
    y: float
    w: float
    h: float
    runs: list[TextRun]


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    columns: list[Region]
    bands: list[Region]
    boxes: list[Box]
    edges: list[EdgePath]


def text_width(text: str, size: float, bold: bool = False) -> float:
    widths = _WIDTHS[bold]
    return sum(widths.get(char, _fallback_width(char)) for char in text) * size / 1000


def wrap(
    text: str, width: float, size: float = FONT_SIZE, bold: bool = False, max_lines: int = 0
) -> list[str]:
    """Greedy wrapping at spaces; a word wider than `width` is cut (after a hyphen or slash when possible).
    With max_lines, stops there and ends the last line with "…"."""
    lines: list[str] = []
    current, current_width = "", 0.0
    space = text_width(" ", size, bold)
    for word in _SPACES.split(_GLUED_SPACE.sub("\u00a0", clean_text(text))):
        if not word:
            continue
        word_width = text_width(word, size, bold)
        if current and current_width + space + word_width <= width:
            current, current_width = f"{current} {word}", current_width + space + word_width
            continue
        if current:
            lines.append(current)
        while word_width > width:
            head, word = _cut_word(word, width, size, bold)
            lines.append(head)
            word_width = text_width(word, size, bold)
        current, current_width = word, word_width
        if max_lines and len(lines) > max_lines:
            break
    if current:
        lines.append(current)
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + "…", size, bold) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def clean_text(text: str) -> str:
    """NFC; line breaks, tabs and other separators as spaces; other control characters (and any XML cannot
    hold) dropped."""
    text = _CONTROL_SPACE.sub(" ", unicodedata.normalize("NFC", str(text)))
    return _NOT_XML.sub("", _CONTROL.sub("", text))


def layout(nodes: Sequence[Node], edges: Iterable[tuple[str, str]], *, max_lines: int = MAX_LINES) -> Layout:
    """Deterministic for the same input. Edges naming unknown ids, repeated edges and self-loops are ignored;
    cycles are drawn like any other edge. Raises ValueError on two nodes with the same id."""
    nodes = list(nodes)
    links = _known_links(edges, _index(nodes))
    cells = _order_cells(nodes, links)
    wrapped = [_wrap_node(node, max_lines) for node in nodes]
    heights = [_box_height(lines, badge) for lines, badge in wrapped]
    boxes: list[Box | None] = [None] * len(nodes)
    bands: list[Region] = []
    y = MARGIN + HEADER_HEIGHT
    for band, level in enumerate(LEVELS):
        stacks = [_stack_height([heights[i] for i in cells.get((band, col), [])]) for col in range(3)]
        region = _band(level, y, max(stacks))
        bands.append(region)
        inner = region.h - BAND_PAD_TOP - BAND_PAD_BOTTOM
        for col in range(3):
            top = y + BAND_PAD_TOP + (inner - stacks[col]) / 2  # each cell centred in its band
            for i in cells.get((band, col), []):
                boxes[i] = _box(nodes[i], _column_x(col) + COLUMN_GAP / 2, top, heights[i], *wrapped[i])
                top += heights[i] + BOX_GAP
        y += region.h
    columns = [_column(col, y - MARGIN) for col in range(len(HORIZONS))]
    placed = [box for box in boxes if box is not None]  # every node has a cell: in node order
    return Layout(_column_x(3) + MARGIN, y + MARGIN, columns, bands, placed, _route(placed, links, bands))


def render_svg(layout: Layout, title: str, description: str = "", *, id_prefix: str = "toc") -> str:
    """A standalone SVG that can also be inlined in a page (ids start with `id_prefix`).

    role="img" named by its <title> and <desc>; when a box has a link the role is "group" instead, since an
    image hides its content (links included) from assistive technologies."""
    if not _ID_PREFIX.fullmatch(id_prefix):
        raise ValueError("id_prefix must be letters, digits, '-' or '_', starting with a letter")
    p = id_prefix
    linked = any(_safe_href(box.node.href) for box in layout.boxes)
    if not description:
        description = (
            f"{len(layout.boxes)} résultats attendus et {len(layout.edges)} liens « mène à », "
            "du court terme (à gauche) au long terme (à droite), par niveau : "
            + ", ".join(LEVEL_LABELS[level].lower() for level in LEVELS)
            + "."
        )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(layout.width)} {_n(layout.height)}" '
        f'width="{_n(layout.width)}" height="{_n(layout.height)}" role="{"group" if linked else "img"}" '
        f'aria-labelledby="{p}-title {p}-desc" class="toc-diagram" font-family="{_FONT_FAMILY}">',
        f'<title id="{p}-title">{_xml(title)}</title>',
        f'<desc id="{p}-desc">{_xml(description)}</desc>',
        f'<defs><marker id="{p}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        f'markerUnits="userSpaceOnUse" orient="auto"><path d="M0 0L10 5L0 10z" fill="{EDGE_COLOUR}"/></marker></defs>',
        f'<rect width="{_n(layout.width)}" height="{_n(layout.height)}" fill="#ffffff"/>',
    ]
    for band in layout.bands:
        parts.append(
            f'<rect x="{_n(band.x)}" y="{_n(band.y)}" width="{_n(band.w)}" height="{_n(band.h)}" '
            f'fill="{PALETTES[band.key].band}"/>'
        )
        parts.extend(_svg_run(run) for run in band.runs)
    if layout.bands:
        top, bottom = layout.bands[0].y, layout.bands[-1].y + layout.bands[-1].h
        for column in layout.columns:
            parts.append(
                f'<path d="M{_n(column.x)} {_n(top)}V{_n(bottom)}" stroke="{GRID_COLOUR}" stroke-dasharray="4 4"/>'
            )
    parts.extend(_svg_run(run) for column in layout.columns for run in column.runs)
    parts.append(f'<g fill="none" stroke="{EDGE_COLOUR}" stroke-width="1.5" marker-end="url(#{p}-arrow)">')
    parts.extend(f'<path d="{_svg_path(edge)}"/>' for edge in layout.edges)
    parts.append("</g>")
    for number, box in enumerate(layout.boxes):
        group = (
            f'<g id="{p}-node-{number}" data-node-id={quoteattr(clean_text(box.node.id))}>'
            f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.w)}" height="{_n(box.h)}" rx="6" '
            f'fill="{box.palette.fill}" stroke="{box.palette.stroke}" stroke-width="1.2"/>'
            + "".join(_svg_run(run, fit=True) for run in box.runs)
            + "</g>"
        )
        href = _safe_href(box.node.href)
        parts.append(f"<a href={quoteattr(href)}>{group}</a>" if href else group)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def outline(nodes: Sequence[Node], edges: Iterable[tuple[str, str]]) -> list[dict]:
    """The text alternative, as nested {"node", "children", "repeated"} from the ends of the chains.

    Roots: the long-term outcomes (except those leading to another long-term one), then the other outcomes that
    lead nowhere, then (cycles) any outcome not shown yet. Children: the outcomes that lead to it, in the order given. An outcome is
    detailed once; met again elsewhere it is listed with `repeated` and no children; never twice in one branch.
    """
    nodes = list(nodes)
    links = _known_links(edges, _index(nodes))
    leads_to: list[list[int]] = [[] for _ in nodes]
    led_from: list[list[int]] = [[] for _ in nodes]
    for a, b in links:
        leads_to[a].append(b)
        led_from[b].append(a)
    for sources in led_from:
        sources.sort()  # in the order the nodes were given
    long_term = [node.horizon == "long" for node in nodes]
    roots = [i for i in range(len(nodes)) if long_term[i] and not any(long_term[j] for j in leads_to[i])]
    roots += [i for i in range(len(nodes)) if not long_term[i] and not leads_to[i]]
    shown = set(roots)  # detailed at the top level, so listed as repeated wherever else they appear
    tree = [_expand(root, nodes, led_from, shown) for root in roots]
    for horizon in reversed(HORIZONS):  # outcomes only reachable through a cycle
        for i, node in enumerate(nodes):
            if node.horizon == horizon and i not in shown:
                tree.append(_expand(i, nodes, led_from, shown))
    return tree


def _expand(root: int, nodes: list[Node], led_from: list[list[int]], shown: set[int]) -> dict:
    """Depth-first without recursion, so that a long chain cannot exceed Python's recursion limit."""
    shown.add(root)
    top: dict = {"node": nodes[root], "children": [], "repeated": False}
    stack = [(top["children"], iter(led_from[root]), frozenset([root]))]
    while stack:
        children, sources, branch = stack[-1]
        source = next(sources, None)
        if source is None:
            stack.pop()
            continue
        if source in branch:
            continue
        repeated = source in shown
        children.append({"node": nodes[source], "children": [], "repeated": repeated})
        if not repeated:
            shown.add(source)
            stack.append((children[-1]["children"], iter(led_from[source]), branch | {source}))
    return top


def _index(nodes: list[Node]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, node in enumerate(nodes):
        if node.id in index:
            raise ValueError(f"two nodes have the same id {node.id!r}")
        index[node.id] = i
    return index


def _known_links(edges: Iterable[tuple[str, str]], index: dict[str, int]) -> list[tuple[int, int]]:
    links: dict[tuple[int, int], None] = {}
    for source, target in edges:
        a, b = index.get(source), index.get(target)
        if a is not None and b is not None and a != b:
            links[(a, b)] = None
    return list(links)


def _order_cells(nodes: list[Node], links: list[tuple[int, int]]) -> dict[tuple[int, int], list[int]]:
    """Barycentre ordering: each cell sorted by the mean position of its neighbours in the columns already
    placed, sweeping left to right then right to left."""
    column = [HORIZONS.index(node.horizon) for node in nodes]
    cells: dict[tuple[int, int], list[int]] = {}
    for i, node in enumerate(nodes):
        cells.setdefault((LEVELS.index(node.level), column[i]), []).append(i)
    neighbours: list[list[int]] = [[] for _ in nodes]
    for a, b in links:
        neighbours[a].append(b)
        neighbours[b].append(a)
    position = [0.0] * len(nodes)

    def place(band: int, members: list[int]) -> None:
        for rank, i in enumerate(members):
            position[i] = band + (rank + 0.5) / len(members)

    for (band, _), members in cells.items():
        place(band, members)
    for sweep in range(_SWEEPS):
        rightwards = sweep % 2 == 0
        for col in range(3) if rightwards else range(2, -1, -1):
            for band in range(3):
                members = cells.get((band, col), [])
                keys = {}
                for i in members:
                    done = [j for j in neighbours[i] if (column[j] < col if rightwards else column[j] > col)]
                    near = done or neighbours[i]
                    barycentre = sum(position[j] for j in near) / len(near) if near else position[i]
                    keys[i] = (barycentre, position[i])
                members.sort(key=keys.__getitem__)
                place(band, members)
    return cells


def _column_x(col: int) -> float:
    return MARGIN + BAND_LABEL_WIDTH + col * COLUMN_WIDTH


def _column(col: int, height: float) -> Region:
    label = HORIZON_LABELS[HORIZONS[col]]
    centre = _column_x(col) + COLUMN_WIDTH / 2
    header = _run(centre, MARGIN + 21, label, HEADER_SIZE, INK, "middle")
    return Region(HORIZONS[col], label, _column_x(col), MARGIN, COLUMN_WIDTH, height, [header])


def _band(level: str, y: float, tallest_stack: float) -> Region:
    """Tall enough for its tallest cell and its own label."""
    lines = wrap(LEVEL_LABELS[level], BAND_LABEL_WIDTH - 16, HEADER_SIZE, True)
    inner = max(tallest_stack, len(lines) * LINE_HEIGHT + 8, MIN_BAND_HEIGHT - BAND_PAD_TOP - BAND_PAD_BOTTOM)
    runs = [
        _run(MARGIN + 8, y + BAND_PAD_TOP + 11 + k * LINE_HEIGHT, line, HEADER_SIZE, PALETTES[level].accent)
        for k, line in enumerate(lines)
    ]
    width = _column_x(3) - MARGIN
    return Region(level, LEVEL_LABELS[level], MARGIN, y, width, BAND_PAD_TOP + inner + BAND_PAD_BOTTOM, runs)


def _wrap_node(node: Node, max_lines: int) -> tuple[list[str], list[str]]:
    inner = BOX_WIDTH - 2 * BOX_PADDING
    lines = wrap(node.text, inner, FONT_SIZE, False, max_lines) or ["—"]
    badge = wrap(node.badge, inner, BADGE_SIZE, True, 2) if node.badge.strip() else []
    return lines, badge


def _box_height(lines: list[str], badge: list[str]) -> float:
    return 2 * BOX_PADDING + len(lines) * LINE_HEIGHT + (4 + len(badge) * BADGE_LINE_HEIGHT if badge else 0)


def _stack_height(heights: list[float]) -> float:
    return sum(heights) + BOX_GAP * max(len(heights) - 1, 0)


def _box(node: Node, x: float, y: float, h: float, lines: list[str], badge: list[str]) -> Box:
    palette = PALETTES[node.level]
    left = x + BOX_PADDING
    runs = [
        _run(left, y + BOX_PADDING + 11.1 + k * LINE_HEIGHT, line, FONT_SIZE, palette.text, bold=False)
        for k, line in enumerate(lines)
    ]
    badge_top = y + BOX_PADDING + len(lines) * LINE_HEIGHT + 4
    runs += [
        _run(left, badge_top + 10 + k * BADGE_LINE_HEIGHT, line, BADGE_SIZE, palette.accent)
        for k, line in enumerate(badge)
    ]
    return Box(node, x, y, BOX_WIDTH, h, lines, badge, runs, palette)


def _run(
    x: float, y: float, text: str, size: float, colour: str, anchor: str = "start", bold: bool = True
) -> TextRun:
    return TextRun(x, y, text, size, text_width(text, size, bold), colour, bold, anchor)


def _route(boxes: list[Box], links: list[tuple[int, int]], bands: list[Region]) -> list[EdgePath]:
    """`boxes` in node order. Ports are spread along each side in the order of the boxes at the other end, so
    that the arrows leaving or entering one box do not cross there."""
    exits = _ports(boxes, links, leaving=True)
    entries = _ports(boxes, links, leaving=False)
    band_top = {band.key: band.y for band in bands}
    lanes: dict[tuple[str, str], int] = {}
    paths = []
    for number, (a, b) in enumerate(links):
        source, target = boxes[a], boxes[b]
        start, end = (source.x + source.w, exits[number]), (target.x, entries[number])
        source_col, target_col = HORIZONS.index(source.node.horizon), HORIZONS.index(target.node.horizon)
        if target_col == source_col + 1:
            middle = (end[0] - start[0]) / 2
            points = [start, (start[0] + middle, start[1]), (end[0] - middle, end[1]), end]
            paths.append(EdgePath(source.node.id, target.node.id, points, True))
            continue
        # Lanes a few units apart keep parallel detours apart.
        out_x = start[0] + 8 + 4 * (_next_lane(lanes, ("right", source.node.horizon)) % 5)
        in_x = end[0] - 8 - 4 * (_next_lane(lanes, ("left", target.node.horizon)) % 5)
        channel = band_top[target.node.level] + 4 + 3 * (_next_lane(lanes, ("band", target.node.level)) % 4)
        points = [start, (out_x, start[1]), (out_x, channel), (in_x, channel), (in_x, end[1]), end]
        paths.append(EdgePath(source.node.id, target.node.id, points, False))
    return paths


def _ports(boxes: list[Box], links: list[tuple[int, int]], *, leaving: bool) -> list[float]:
    sides: dict[int, list[int]] = {}
    for number, (a, b) in enumerate(links):
        sides.setdefault(a if leaving else b, []).append(number)
    ports = [0.0] * len(links)
    for own, numbers in sides.items():
        numbers.sort(key=lambda n: (_middle(boxes[links[n][1] if leaving else links[n][0]]), n))
        box = boxes[own]
        for k, number in enumerate(numbers):
            ports[number] = box.y + box.h * (k + 1) / (len(numbers) + 1)
    return ports


def _middle(box: Box) -> float:
    return box.y + box.h / 2


def _next_lane(lanes: dict[tuple[str, str], int], key: tuple[str, str]) -> int:
    lanes[key] = lanes.get(key, -1) + 1
    return lanes[key]


def _fallback_width(char: str) -> float:
    if unicodedata.combining(char):
        return 0
    return 1000 if unicodedata.east_asian_width(char) in "WF" else 600


def _cut_word(word: str, width: float, size: float, bold: bool) -> tuple[str, str]:
    """The longest head that fits (at least one character), ending after a hyphen or slash in its second half
    when there is one."""
    fits, total = 1, text_width(word[0], size, bold)
    while fits < len(word) and total + text_width(word[fits], size, bold) <= width:
        total += text_width(word[fits], size, bold)
        fits += 1
    head = word[:fits]
    cut = max(head.rfind("-"), head.rfind("/"))
    if cut + 1 > fits // 2 and cut + 1 < len(word):
        fits = cut + 1
    return word[:fits], word[fits:]


def _safe_href(href: str) -> str:
    """Relative, http(s) and mailto links only: a `javascript:` address must not reach the page."""
    href = clean_text(href).strip()
    return href if href and _SAFE_HREF.match(href) else ""


def _xml(text: str) -> str:
    return escape(clean_text(text), {'"': "&quot;", "'": "&#x27;"})


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg_run(run: TextRun, fit: bool = False) -> str:
    attrs = f'x="{_n(run.x)}" y="{_n(run.y)}" font-size="{_n(run.size)}" fill="{run.colour}"'
    if run.bold:
        attrs += ' font-weight="bold"'
    if run.anchor != "start":
        attrs += f' text-anchor="{run.anchor}"'
    if fit and run.width > 0:
        # Fixes the line to its Helvetica length: a wider fallback font is squeezed rather than overflowing.
        attrs += f' textLength="{_n(run.width)}" lengthAdjust="spacingAndGlyphs"'
    return f"<text {attrs}>{_xml(run.text)}</text>"


def _svg_path(edge: EdgePath) -> str:
    first, *rest = edge.points
    if edge.curved:
        return f"M{_n(first[0])} {_n(first[1])}C" + " ".join(f"{_n(x)} {_n(y)}" for x, y in rest)
    return f"M{_n(first[0])} {_n(first[1])}" + "".join(f"L{_n(x)} {_n(y)}" for x, y in rest)
