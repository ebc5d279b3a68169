"""The theory-of-change drawing: placement, wrapping, arrows, SVG and text outline (no database)."""

import itertools
import random
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from cooperer.analysis.toc import (
    BOX_PADDING,
    EDGE_COLOUR,
    FONT_SIZE,
    HORIZONS,
    INK,
    LEVELS,
    PALETTES,
    Node,
    layout,
    outline,
    render_svg,
    text_width,
    wrap,
)

SVG = "{http://www.w3.org/2000/svg}"
SENTENCE = (
    "les jeunes du quartier accèdent à l'emploi réussite éducative des familles coopération entre structures "
    "accompagnement santé mobilité logement « participation » habitants : institutions partagent données"
)
WORDS = SENTENCE.split(" ")


def node(node_id, horizon="short", level="population", text=None, **extra):
    return Node(node_id, text or f"Résultat {node_id}", horizon, level, **extra)


def random_graph(seed, count=100, edge_count=300):
    rng = random.Random(seed)
    nodes = [
        Node(
            f"n{i}",
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30))),
            rng.choice(HORIZONS),
            rng.choice(LEVELS),
            rng.choice(["", "ODD 4, 8", "12 contributions"]),
        )
        for i in range(count)
    ]
    edges = [(f"n{rng.randrange(count)}", f"n{rng.randrange(count)}") for _ in range(edge_count)]
    return nodes, edges


def boxes_by_id(drawing):
    return {box.node.id: box for box in drawing.boxes}


def overlap(a, b):
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def contrast(foreground, background):
    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# Placement


def test_long_term_outcomes_are_right_of_short_term():
    drawing = layout([node("l", "long"), node("m", "intermediate"), node("s", "short")], [])
    boxes = boxes_by_id(drawing)
    assert boxes["s"].x + boxes["s"].w < boxes["m"].x
    assert boxes["m"].x + boxes["m"].w < boxes["l"].x


def test_each_level_sits_in_its_band_from_population_down_to_cooperation():
    nodes = [node(f"{level}-{horizon}", horizon, level) for level in LEVELS for horizon in HORIZONS]
    drawing = layout(nodes, [])
    assert [band.key for band in drawing.bands] == list(LEVELS)
    assert [band.y for band in drawing.bands] == sorted(band.y for band in drawing.bands)
    bands = {band.key: band for band in drawing.bands}
    for box in drawing.boxes:
        band = bands[box.node.level]
        assert band.y < box.y and box.y + box.h < band.y + band.h


def test_columns_and_bands_are_labelled_in_french():
    drawing = layout([], [])
    assert [column.label for column in drawing.columns] == ["Court terme", "Moyen terme", "Long terme"]
    assert [band.label for band in drawing.bands] == [
        "Population",
        "Pratiques et institutions",
        "Coopération",
    ]
    assert " ".join(run.text for band in drawing.bands for run in band.runs) == (
        "Population Pratiques et institutions Coopération"
    )


def test_no_nodes_gives_the_empty_frame():
    drawing = layout([], [])
    assert drawing.boxes == [] and drawing.edges == []
    assert len(drawing.columns) == 3 and len(drawing.bands) == 3
    assert drawing.width > 0 and drawing.height > 0


def test_boxes_never_overlap_and_stay_inside_the_drawing():
    drawing = layout(*random_graph(1))
    assert len(drawing.boxes) == 100
    for a, b in itertools.combinations(drawing.boxes, 2):
        assert not overlap(a, b), (a.node.id, b.node.id)
    for box in drawing.boxes:
        assert box.x > 0 and box.x + box.w < drawing.width
        assert box.y > 0 and box.y + box.h < drawing.height


def test_the_nodes_keep_their_identity_and_order():
    nodes, edges = random_graph(2, count=30, edge_count=40)
    assert [box.node for box in layout(nodes, edges).boxes] == nodes


def test_the_layout_is_deterministic():
    nodes, edges = random_graph(3)
    assert layout(nodes, edges) == layout(nodes, edges)
    assert render_svg(layout(nodes, edges), "T") == render_svg(layout(nodes, edges), "T")


def test_crossing_edges_are_untangled():
    # Given in the crossing order: a → y and b → x.
    nodes = [node("a"), node("b"), node("x", "intermediate"), node("y", "intermediate")]
    boxes = boxes_by_id(layout(nodes, [("a", "y"), ("b", "x")]))
    assert (boxes["a"].y < boxes["b"].y) == (boxes["y"].y < boxes["x"].y)


def test_a_hundred_outcomes_and_three_hundred_links_are_drawn():
    nodes, edges = random_graph(4)
    drawing = layout(nodes, edges)
    assert len(drawing.boxes) == 100
    assert len(drawing.edges) == len({(a, b) for a, b in edges if a != b})


# Text in the boxes


def test_a_long_text_wraps_and_its_box_grows():
    short = layout([node("a", text="Les jeunes s'engagent")], []).boxes[0]
    long = layout([node("a", text=" ".join(WORDS))], []).boxes[0]
    assert len(short.lines) == 1 and len(long.lines) > 3
    assert long.h > short.h
    assert " ".join(long.lines).replace("\u00a0", " ") == " ".join(WORDS)


def test_no_line_is_wider_than_its_box():
    drawing = layout(*random_graph(5))
    for box in drawing.boxes:
        for run in box.runs:
            assert run.x >= box.x + BOX_PADDING
            assert run.x + run.width <= box.x + box.w - BOX_PADDING + 0.01
            assert box.y < run.y < box.y + box.h


def test_a_long_word_is_cut_to_fit():
    word = "anticonstitutionnellement" * 4
    lines = wrap(word, 100)
    assert len(lines) > 1 and "".join(lines) == word
    assert all(text_width(line, FONT_SIZE) <= 100 for line in lines)


def test_a_long_compound_word_is_cut_after_a_hyphen():
    lines = wrap("intercommunalité-métropolitaine-et-départementale", 150)
    assert lines[0].endswith("-")


def test_french_punctuation_stays_with_its_word():
    text = "Les habitants disent « ensemble » : nous voulons agir ; et vous ?"
    for width in range(100, 400, 7):  # wide enough for « ensemble » :
        for line in wrap(text, width):
            assert not re.match(r"[:;?»]", line) and not line.endswith("«"), (width, line)


def test_a_very_long_text_ends_with_an_ellipsis():
    box = layout([node("a", text=" ".join(WORDS * 20))], [], max_lines=5).boxes[0]
    assert len(box.lines) == 5 and box.lines[-1].endswith("…")


def test_the_badge_is_a_line_of_its_own():
    box = layout([node("a", badge="ODD 4, 8")], []).boxes[0]
    assert box.badge_lines == ["ODD 4, 8"]
    assert [run.text for run in box.runs][-1] == "ODD 4, 8"


def test_control_characters_are_dropped_and_an_empty_text_still_gets_a_box():
    drawing = layout([node("a", text="Bonjour\x00\x07 les\x0bvoisins"), node("b", text="   ")], [])
    assert drawing.boxes[0].lines == ["Bonjour les voisins"]
    assert drawing.boxes[1].lines == ["—"]


# Arrows


def test_edges_leave_the_right_side_and_enter_the_left_side():
    nodes, edges = random_graph(6, count=40, edge_count=80)
    drawing = layout(nodes, edges)
    boxes = boxes_by_id(drawing)
    for edge in drawing.edges:
        source, target = boxes[edge.source], boxes[edge.target]
        (start_x, start_y), (end_x, end_y) = edge.points[0], edge.points[-1]
        assert start_x == source.x + source.w and source.y < start_y < source.y + source.h
        assert end_x == target.x and target.y < end_y < target.y + target.h


def test_an_edge_to_the_next_column_is_a_curve():
    drawing = layout([node("s"), node("m", "intermediate", "practices")], [("s", "m")])
    (edge,) = drawing.edges
    assert edge.curved and len(edge.points) == 4


def test_other_edges_go_round_the_boxes():
    nodes, edges = random_graph(7, count=40, edge_count=120)
    drawing = layout(nodes, edges)
    detours = [edge for edge in drawing.edges if not edge.curved]
    assert detours
    for edge in detours:
        for (x0, y0), (x1, y1) in itertools.pairwise(edge.points[1:-1]):
            assert x0 == x1 or y0 == y1, "orthogonal"
            for box in drawing.boxes:
                crosses_x = min(x0, x1) < box.x + box.w and box.x < max(x0, x1)
                crosses_y = min(y0, y1) < box.y + box.h and box.y < max(y0, y1)
                assert not (crosses_x and crosses_y), (edge.source, edge.target, box.node.id)


def test_edges_naming_unknown_ids_are_ignored():
    drawing = layout([node("a"), node("b", "long")], [("a", "ghost"), ("ghost", "b"), ("a", "b")])
    assert [(edge.source, edge.target) for edge in drawing.edges] == [("a", "b")]


def test_self_loops_and_repeated_edges_are_ignored():
    drawing = layout([node("a"), node("b", "long")], [("a", "a"), ("a", "b"), ("a", "b")])
    assert [(edge.source, edge.target) for edge in drawing.edges] == [("a", "b")]


def test_a_cycle_does_not_hang():
    nodes = [node("a"), node("b", "intermediate"), node("c", "long"), node("d", "long")]
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "c")]
    drawing = layout(nodes, edges)
    assert len(drawing.edges) == 5
    assert outline(nodes, edges)


def test_two_nodes_with_the_same_id_are_refused():
    with pytest.raises(ValueError, match="same id"):
        layout([node("a"), node("a", "long")], [])


def test_an_unknown_horizon_or_level_is_refused():
    with pytest.raises(ValueError, match="horizon"):
        Node("a", "x", "soon", "population")
    with pytest.raises(ValueError, match="level"):
        Node("a", "x", "short", "planet")


# SVG


def test_the_svg_is_an_image_named_by_its_title_and_description():
    svg = render_svg(layout([node("a")], []), "Théorie du changement", "Trois horizons")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("viewBox").startswith("0 0 ")
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Théorie du changement"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert root.find(f"{SVG}desc").text == "Trois horizons"


def test_a_missing_description_is_written_for_you():
    svg = render_svg(layout([node("a"), node("b", "long")], [("a", "b")]), "T")
    assert "2 résultats attendus et 1 liens" in ET.fromstring(svg).find(f"{SVG}desc").text


def test_text_is_escaped():
    nasty = '<script>alert("x")</script> & \'quotes\' "double" ]]>'
    drawing = layout(
        [Node(nasty, nasty, "short", "population", badge=nasty, href='/a?b=1&c="2"'), node("b", "long")],
        [(nasty, "b")],
    )
    svg = render_svg(drawing, title=nasty, description=nasty)
    root = ET.fromstring(svg)
    assert "<script" not in svg and list(root.iter(f"{SVG}script")) == []
    assert root.find(f"{SVG}title").text == nasty
    assert root.find(f"{SVG}desc").text == nasty
    texts = " ".join("".join(text.itertext()) for text in root.iter(f"{SVG}text"))
    assert "<script>alert(" in texts and "&" in texts
    (link,) = root.iter(f"{SVG}a")
    assert link.get("href") == '/a?b=1&c="2"'
    assert any(group.get("data-node-id") == nasty for group in root.iter(f"{SVG}g"))


def test_every_outcome_text_is_drawn():
    nodes, edges = random_graph(8, count=20, edge_count=30)
    drawing = layout(nodes, edges)
    root = ET.fromstring(render_svg(drawing, "T"))
    drawn = [text.text for text in root.iter(f"{SVG}text")]
    for box in drawing.boxes:
        for line in box.lines + box.badge_lines:
            assert line in drawn


def test_ids_carry_the_prefix_so_two_diagrams_can_share_a_page():
    drawing = layout(*random_graph(9, count=10, edge_count=10))
    ids = []
    for prefix in ("toc", "toc-autre"):
        svg = render_svg(drawing, "T", id_prefix=prefix)
        found = re.findall(r'\sid="([^"]+)"', svg)
        assert found and all(value.startswith(prefix + "-") for value in found)
        assert f"url(#{prefix}-arrow)" in svg and len(found) == len(set(found))
        ids.append(set(found))
    assert not ids[0] & ids[1]


def test_an_unsafe_id_prefix_is_refused():
    with pytest.raises(ValueError):
        render_svg(layout([], []), "T", id_prefix='x" onload="alert(1)')


def test_linked_boxes_are_links_and_the_svg_becomes_a_group():
    drawing = layout([node("a", href="/visions/3/#changement-1"), node("b", "long")], [])
    root = ET.fromstring(render_svg(drawing, "T"))
    assert root.get("role") == "group"  # an image would hide its links from screen readers
    (link,) = root.iter(f"{SVG}a")
    assert link.get("href") == "/visions/3/#changement-1"
    assert "Résultat a" in "".join(link.itertext())


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "vbscript:x"]
)
def test_script_links_are_dropped(href):
    root = ET.fromstring(render_svg(layout([node("a", href=href)], []), "T"))
    assert list(root.iter(f"{SVG}a")) == [] and root.get("role") == "img"


def test_arrows_have_a_marker():
    svg = render_svg(layout([node("a"), node("b", "intermediate")], [("a", "b")]), "T")
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}defs/{SVG}marker").get("id") == "toc-arrow"
    assert 'marker-end="url(#toc-arrow)"' in svg


def test_text_colours_contrast_with_their_fill():
    for palette in PALETTES.values():
        assert contrast(palette.text, palette.fill) >= 4.5
        assert contrast(palette.accent, palette.fill) >= 4.5
        assert contrast(palette.accent, palette.band) >= 4.5
        assert contrast(palette.stroke, palette.band) >= 3  # the box's edge, a graphical object
        assert contrast(EDGE_COLOUR, palette.band) >= 3
    assert contrast(INK, "#ffffff") >= 4.5


def test_each_level_has_its_own_hue():
    assert len({palette.fill for palette in PALETTES.values()}) == len(LEVELS)


# Outline


def test_outline_starts_from_long_term_outcomes():
    nodes = [node("s"), node("m", "intermediate"), node("l", "long"), node("l2", "long", "practices")]
    tree = outline(nodes, [("s", "m"), ("m", "l")])
    assert [item["node"].id for item in tree] == ["l", "l2"]
    (middle,) = tree[0]["children"]
    assert middle["node"].id == "m"
    assert [child["node"].id for child in middle["children"]] == ["s"]


def test_outline_lists_the_outcomes_that_lead_nowhere_at_the_end():
    nodes = [node("alone"), node("m", "intermediate"), node("l", "long")]
    tree = outline(nodes, [("m", "l")])
    assert [item["node"].id for item in tree] == ["l", "alone"]


def test_outline_children_are_the_outcomes_that_lead_to_it():
    nodes = [node("a"), node("b"), node("c"), node("l", "long")]
    tree = outline(nodes, [("c", "l"), ("a", "l")])
    assert [child["node"].id for child in tree[0]["children"]] == ["a", "c"]  # in the order given
    assert [item["node"].id for item in tree] == ["l", "b"]


def test_outline_cuts_cycles():
    nodes = [node("a"), node("b", "intermediate"), node("l", "long")]
    tree = outline(nodes, [("a", "b"), ("b", "a"), ("b", "l")])
    assert [item["node"].id for item in tree] == ["l"]
    (b,) = tree[0]["children"]
    (a,) = b["children"]
    assert a["node"].id == "a" and a["children"] == []


def test_an_outcome_is_detailed_once_then_marked_repeated():
    nodes = [node("s"), node("m", "intermediate"), node("l1", "long"), node("l2", "long")]
    tree = outline(nodes, [("s", "m"), ("m", "l1"), ("m", "l2")])
    first, second = tree[0]["children"][0], tree[1]["children"][0]
    assert first["node"].id == second["node"].id == "m"
    assert not first["repeated"] and [child["node"].id for child in first["children"]] == ["s"]
    assert second["repeated"] and second["children"] == []


def test_outline_shows_every_outcome_never_twice_in_a_branch():
    for seed in range(20):
        nodes, edges = random_graph(seed, count=30, edge_count=60)
        seen = set()
        stack = [(item, frozenset()) for item in outline(nodes, edges)]
        while stack:
            item, branch = stack.pop()
            assert item["node"].id not in branch
            seen.add(item["node"].id)
            stack.extend((child, branch | {item["node"].id}) for child in item["children"])
        assert seen == {n.id for n in nodes}


def test_outline_of_a_cycle_without_an_end_still_lists_it():
    nodes = [node("a"), node("b", "intermediate")]
    tree = outline(nodes, [("a", "b"), ("b", "a")])
    assert [item["node"].id for item in tree] == ["b"]
    assert [child["node"].id for child in tree[0]["children"]] == ["a"]


def test_outline_of_a_long_chain_does_not_exhaust_the_stack():
    nodes = [node(f"n{i}") for i in range(3000)] + [node("end", "long")]
    edges = [(f"n{i}", f"n{i + 1}") for i in range(2999)] + [("n2999", "end")]
    depth, items = 0, outline(nodes, edges)
    while items:
        depth, items = depth + 1, items[0]["children"]
    assert depth == 3001


def test_outline_of_nothing_is_empty():
    assert outline([], [("a", "b")]) == []


def test_the_drawing_and_its_files_need_no_django():
    code = (
        "import sys, cooperer.analysis.toc, cooperer.visions.diagram; "
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'django'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
