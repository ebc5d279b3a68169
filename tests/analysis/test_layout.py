import numpy as np
import pytest

from cooperer.analysis.layout import connected_components, force_layout, pack_rows


def groups_network():
    """A big ring of 30, two triangles, a pair and 12 isolated structures: 50 nodes, 16 groups."""
    edges = [(i, (i + 1) % 30) for i in range(30)] + [(i, i + 15) for i in range(0, 15, 3)]
    edges += [(30, 31), (31, 32), (32, 30), (33, 34), (34, 35), (35, 33), (36, 37)]
    return 50, edges


def bounding_box(points):
    return points[:, 0].min(), points[:, 1].min(), points[:, 0].max(), points[:, 1].max()


def test_it_finds_the_groups_biggest_first():
    n, edges = groups_network()
    components = connected_components(n, edges)
    assert [len(c) for c in components[:4]] == [30, 3, 3, 2]
    assert len(components) == 16
    assert sorted(node for c in components for node in c) == list(range(n))


@pytest.mark.parametrize("aspect", [1.0, 640 / 420, 760 / 560])
def test_the_groups_do_not_overlap_and_stay_on_the_canvas(aspect):
    n, edges = groups_network()
    positions = force_layout(n, edges, aspect=aspect, seed=7)
    assert positions.shape == (n, 2)
    assert positions.min() >= 0 and positions.max() <= 1
    boxes = [bounding_box(positions[members]) for members in connected_components(n, edges)]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]
            assert apart, (a, b)


def test_the_groups_sit_side_by_side_rather_than_in_opposite_corners():
    # Two equal pairs: one force layout would throw them to opposite corners, packing puts them in a row.
    positions = force_layout(4, [(0, 1), (2, 3)], aspect=2.0)
    first, second = positions[[0, 1]].mean(axis=0), positions[[2, 3]].mean(axis=0)
    assert abs(first[1] - second[1]) < 0.05
    assert 0.3 < abs(first[0] - second[0]) < 0.7


@pytest.mark.parametrize("aspect", [1.0, 1.5, 2.0])
def test_the_packing_fills_the_canvas_without_large_gaps(aspect):
    n, edges = groups_network()
    sides = [np.sqrt(len(c)) + 1.2 for c in connected_components(n, edges)]
    boxes, (width, height) = pack_rows(sides, aspect=aspect)
    assert width / height == pytest.approx(aspect)
    filled = sum(box.width * box.height for box in boxes)
    assert filled / (width * height) > 0.65
    for box in boxes:
        assert box.x >= 0 and box.x + box.width <= width + 1e-9
        assert box.y >= 0 and box.y + box.height <= height + 1e-9


def test_a_single_structure_sits_in_the_middle():
    assert force_layout(1, []).tolist() == [[0.5, 0.5]]
    assert force_layout(0, []).shape == (0, 2)


def test_it_is_deterministic_for_a_seed():
    n, edges = groups_network()
    assert np.array_equal(force_layout(n, edges, seed=3), force_layout(n, edges, seed=3))
