from django.template.loader import render_to_string

from cooperer.actors.network import LABELLED_NODES, NetworkData, drawing
from cooperer.analysis.network import Edge, Node


def two_groups_and_loners() -> NetworkData:
    """Two stars (hubs 1 and 20) joined through structure 40, a broker of degree 2, and 5 loners."""
    edges = [Edge(1, leaf) for leaf in range(2, 14)] + [Edge(20, leaf) for leaf in range(21, 30)]
    edges += [Edge(1, 40), Edge(40, 20), Edge(2, 3), Edge(21, 22)]
    ids = [1, *range(2, 14), 20, *range(21, 30), 40, *range(50, 55)]
    return NetworkData(
        nodes=[Node(pk, "associatif") for pk in ids],
        edges=edges,
        names={pk: f"Structure numéro {pk} du quartier des Essarts" for pk in ids},
    )


def test_the_main_structures_are_named_on_the_drawing():
    drawn = drawing(two_groups_and_loners(), width=640, height=420)
    labelled = {node.pk for node in drawn["nodes"] if node.labelled}
    assert len(labelled) == LABELLED_NODES
    assert {1, 20, 40} <= labelled  # the two hubs and the broker between them
    assert labelled.isdisjoint(range(50, 55))  # a structure without a tie is never a main one


def test_the_labels_are_written_in_the_svg_with_short_names():
    drawn = drawing(two_groups_and_loners(), width=640, height=420)
    svg = render_to_string("communities/_network_svg.html", {"drawing": drawn})
    assert svg.count('class="net-label"') == LABELLED_NODES
    assert 'data-label-for="40">Structure numéro 40 du qu…</text>' in svg
    hub = next(node for node in drawn["nodes"] if node.pk == 1)
    assert f'x="{hub.label_x}" y="{hub.label_y}" text-anchor="{hub.label_anchor}" data-label-for="1"' in svg


def test_the_names_stay_within_the_drawing():
    # Eight pairs packed in rows: some labelled structures sit by the right edge, their name goes to the left.
    pairs = NetworkData(
        nodes=[Node(pk, "associatif") for pk in range(16)],
        edges=[Edge(pk, pk + 1) for pk in range(0, 16, 2)],
        names={pk: f"Association des habitants n° {pk}" for pk in range(16)},
    )
    drawn = drawing(pairs, width=640, height=420)
    labelled = [node for node in drawn["nodes"] if node.labelled]
    assert {node.label_anchor for node in labelled} == {"start", "end"}
    for node in labelled:
        left = node.label_x - node.label_width if node.label_anchor == "end" else node.label_x
        assert left >= 0 and left + node.label_width <= 640, node.pk


def test_every_structure_sits_on_the_canvas():
    drawn = drawing(two_groups_and_loners(), width=640, height=420)
    for node in drawn["nodes"]:
        assert 0 < node.x < 640 and 0 < node.y < 420
