"""What one group says more than another: weighted log-odds ratio with an informative Dirichlet prior
(Monroe, Colaresi & Quinn, "Fightin' Words", Political Analysis 16(4), 2008, section 3.5).

For a word w with counts y_a, y_b in groups of sizes n_a, n_b and prior counts α_w (α_0 = Σ α_w):

    δ_w = log((y_a + α_w) / (n_a + α_0 − y_a − α_w)) − log((y_b + α_w) / (n_b + α_0 − y_b − α_w))
    σ²_w ≈ 1 / (y_a + α_w) + 1 / (y_b + α_w)            z_w = δ_w / σ_w

The prior is the background frequency of w (both groups together, or a given background) times `strength`:
it shrinks rare words towards "no difference", so a word said twice by one audience and never by the other
is not reported as its signature (z stays small), while the variance keeps frequent words' small differences
in proportion. |z| ≥ 1.96 is the usual threshold (95 %).

Counts are counts of *contributions* containing the word, not of repetitions: one long text repeating a word
does not make it an audience's word.
"""

from collections.abc import Sequence

import numpy as np

Z_THRESHOLD = 1.96
PRIOR_STRENGTH = 0.1


def log_odds(
    counts_a: np.ndarray,
    counts_b: np.ndarray,
    background: np.ndarray | None = None,
    strength: float = PRIOR_STRENGTH,
) -> tuple[np.ndarray, np.ndarray]:
    """(δ, z) per word; positive when the word is more frequent in group a. Words absent from both groups and
    from the background get δ = z = 0."""
    a = np.asarray(counts_a, dtype=np.float64)
    b = np.asarray(counts_b, dtype=np.float64)
    prior = (a + b) if background is None else np.asarray(background, dtype=np.float64)
    prior_total = prior.sum()
    if prior_total <= 0:
        return np.zeros_like(a), np.zeros_like(a)
    # α_0 = strength × size of the background, shared out by the background's frequencies.
    alpha = strength * prior
    alpha_0 = alpha.sum()
    present = alpha > 0
    delta = np.zeros_like(a)
    z = np.zeros_like(a)
    n_a, n_b = a.sum(), b.sum()
    al, ya, yb = alpha[present], a[present], b[present]
    delta[present] = np.log((ya + al) / (n_a + alpha_0 - ya - al)) - np.log(
        (yb + al) / (n_b + alpha_0 - yb - al)
    )
    z[present] = delta[present] / np.sqrt(1 / (ya + al) + 1 / (yb + al))
    return delta, z


def top_terms(
    names: Sequence[str],
    counts_a: np.ndarray,
    counts_b: np.ndarray,
    *,
    background: np.ndarray | None = None,
    limit: int = 15,
    threshold: float = Z_THRESHOLD,
) -> tuple[list[tuple[str, float, float, int, int]], list[tuple[str, float, float, int, int]]]:
    """Words over-represented in a (z ≥ threshold, strongest first) and under-represented (z ≤ −threshold)."""
    delta, z = log_odds(counts_a, counts_b, background)
    over = np.flatnonzero(z >= threshold)
    under = np.flatnonzero(z <= -threshold)
    over = over[np.argsort(-z[over], kind="stable")][:limit]
    under = under[np.argsort(z[under], kind="stable")][:limit]

    def rows(indices: np.ndarray) -> list[tuple[str, float, float, int, int]]:
        return [
            (names[i], round(float(z[i]), 2), round(float(delta[i]), 3), int(counts_a[i]), int(counts_b[i]))
            for i in indices
        ]

    return rows(over), rows(under)
