"""Weighted log-odds with an informative Dirichlet prior: signs, symmetry, and small counts (no database)."""

import numpy as np

from cooperer.analysis.text.contrast import Z_THRESHOLD, log_odds, top_terms

NAMES = ["bus", "médecin", "partenariat", "soir", "rare"]


def test_a_word_said_more_by_a_group_has_a_positive_z_and_the_other_group_a_negative_one():
    a = np.array([50, 20, 2, 30, 0])
    b = np.array([5, 20, 40, 30, 0])

    delta, z = log_odds(a, b)

    assert z[0] > Z_THRESHOLD and delta[0] > 0  # bus: habitants
    assert z[2] < -Z_THRESHOLD and delta[2] < 0  # partenariat: professionnels
    assert abs(z[1]) < 1 and abs(z[3]) < 1  # said as often by both
    assert z[4] == 0 and delta[4] == 0  # said by nobody


def test_swapping_the_groups_flips_the_sign():
    a, b = np.array([50, 20, 2, 30]), np.array([5, 20, 40, 30])

    _, z_ab = log_odds(a, b)
    _, z_ba = log_odds(b, a)

    np.testing.assert_allclose(z_ab, -z_ba)


def test_a_word_said_once_or_twice_by_one_group_only_is_not_significant():
    a = np.array([1, 2, 3, 200, 150])
    b = np.array([0, 0, 0, 200, 150])

    _, z = log_odds(a, b)

    assert all(0 < value < Z_THRESHOLD for value in z[:3])
    assert z[0] < z[1] < z[2]


def test_the_same_ratio_is_more_significant_with_more_evidence():
    small_a, small_b = np.array([4, 100]), np.array([2, 100])
    large_a, large_b = np.array([400, 10_000]), np.array([200, 10_000])

    _, z_small = log_odds(small_a, small_b)
    _, z_large = log_odds(large_a, large_b)

    assert abs(z_small[0]) < Z_THRESHOLD < z_large[0]


def test_groups_of_very_different_sizes_are_compared_by_proportions():
    # 10 % of the small group and 10 % of the large one mention the word: no difference.
    a = np.array([10, 90])
    b = np.array([1000, 9000])

    _, z = log_odds(a, b)

    assert abs(z[0]) < 0.5


def test_top_terms_lists_over_and_under_represented_words_strongest_first():
    a = np.array([50, 20, 2, 30, 0])
    b = np.array([5, 20, 40, 30, 0])

    over, under = top_terms(NAMES, a, b)

    assert [row[0] for row in over] == ["bus"]
    assert [row[0] for row in under] == ["partenariat"]
    _, z, delta, count_a, count_b = over[0]
    assert (count_a, count_b) == (50, 5) and z > Z_THRESHOLD and delta > 0


def test_empty_groups_give_nothing():
    over, under = top_terms(NAMES, np.zeros(5), np.zeros(5))

    assert over == [] and under == []
