"""Similarity of contributions and themes in the space of French word vectors (`vectors.py`).

Each text and each theme becomes the mean of its lemmas' vectors, centred (minus the mean of the table's
vectors: the direction every French word shares says nothing about a theme) and of unit length; their cosine
is added to the taxonomy's prior (`tagging.fit`). A theme's lemmas are the words of its name, description and
related concepts, weighted as in the prior. A text's lemmas are all of them, also the words too rare for the
vocabulary (« canicule » said once): that is what the vectors are for.

Explainable like the rest: once a text's length is known the cosine is a sum of one term per word,
`(vector(word) − centre) · theme / (words × norm)`, so the words that carried a theme can be shown. A word
counts for a theme through its vector only when one of the theme's own words is close to it (cosine of the centred
vectors ≥ `MIN_NEIGHBOUR`) and the text as a whole is close to the theme (cosine ≥ `MIN_TEXT_SIMILARITY`), and
that word is named: « canicule (≈ climat) ». A text that no theme is close to (« Le Solidaribus est
formidable ») stays unclassified.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from cooperer.analysis.text.normalise import Token, accented_lemma, tokens
from cooperer.analysis.text.vectors import WordVectors

MIN_NEIGHBOUR = (
    0.35  # cosine of two words' centred vectors from which a theme word is "close" to a text's word
)
# Cosine of a text with a theme from which its words' vectors alone may carry that theme: below, the vectors
# still move the scores but neither classify nor explain (« Plus de Solidaribus le samedi matin » is 0.24 from
# « Mobilité » through « matin » ≈ « trajet »; texts about a theme are 0.35–0.65 from it).
MIN_TEXT_SIMILARITY = 0.3
NEIGHBOURS = 2  # theme words named beside a word that carried a tag through its vector
MAX_CACHED = 300_000
_BLOCK = 5_000


@dataclass
class Encoded:
    """The lemmas of a chunk of texts over the rows of the vector table, one entry per known occurrence."""

    counts: sp.csr_matrix  # texts × table rows (an entry per occurrence: repeated columns add up in products)
    lemmas: list[str]  # the lemma of each entry, in the order of `counts.data`
    norms: np.ndarray  # length of each text's centred mean vector (0: no known word)
    similarity: np.ndarray  # texts × themes: cosines

    def select(self, texts: np.ndarray) -> "Encoded":
        starts, ends = self.counts.indptr[texts], self.counts.indptr[texts + 1]
        lemmas = [lemma for start, end in zip(starts, ends, strict=True) for lemma in self.lemmas[start:end]]
        return Encoded(self.counts[texts], lemmas, self.norms[texts], self.similarity[texts])


@dataclass
class ThemeVectors:
    vectors: WordVectors
    centre: np.ndarray  # dimensions
    themes: np.ndarray  # themes × dimensions, unit rows (centred)
    contrast: np.ndarray  # each theme minus the mean of the others (for evidence), themes × dimensions
    theme_words: list[list[str]]  # per theme: its lemmas that have a vector
    theme_units: list[np.ndarray]  # per theme: their centred vectors, unit length (words × dimensions)
    # Folded lemma -> its row and its accented form, first met in this analysis (themes' names and
    # descriptions, then the sample's texts, then the rest): the same inputs always give the same rows,
    # whatever the process analysed before.
    _rows: dict[str, int] = field(default_factory=dict, repr=False)
    _accents: dict[str, str] = field(default_factory=dict, repr=False)
    word_centre: np.ndarray = field(
        default_factory=lambda: np.zeros(0)
    )  # the table's mean, for word closeness
    theme_means: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0))
    )  # uncentred, themes × dimensions
    _closest: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)  # rows × themes
    _projected: np.ndarray | None = field(default=None, repr=False)
    _neighbours: dict[tuple[str, int], list[str]] = field(default_factory=dict, repr=False)

    def learn(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Record the row of each lemma from the first word written with it (« École » → « école »):
        (surface, lemma) pairs."""
        rows = self._rows
        for surface, lemma in pairs:
            if lemma not in rows:
                self._learn(surface, lemma)

    def _learn(self, surface: str, lemma: str) -> int:
        accented = accented_lemma(surface)
        row = self.vectors.row(accented)
        if row < 0 and accented != lemma:
            row = self.vectors.row(lemma)
        if len(self._rows) < MAX_CACHED:
            self._rows[lemma] = row
            self._accents[lemma] = accented
        return row

    def row(self, lemma: str) -> int:
        """Row of a folded lemma: as first met in this analysis, else as written (lexicon words are folded)."""
        row = self._rows.get(lemma)
        return self.vectors.row(lemma) if row is None else row

    def shown(self, lemma: str) -> str:
        """A lemma as people read it: accented as first met in this analysis."""
        return self._accents.get(lemma, lemma)

    def encode(
        self, lemma_lists: Sequence[list[str]], token_lists: Sequence[list[Token]] | None = None
    ) -> Encoded:
        """The texts' lemmas over the table; `token_lists` (the same texts' tokens) teach the lemmas not met
        yet, as they are written."""
        if token_lists is not None:
            self.learn(token for words in token_lists for token in words)
        cache, row_of = self._rows, self.row
        indptr, indices, lemmas = [0], [], []
        for words in lemma_lists:
            for lemma in words:
                row = cache.get(lemma)
                if row is None:
                    row = row_of(lemma)
                if row >= 0:
                    indices.append(row)
                    lemmas.append(lemma)
            indptr.append(len(indices))
        counts = sp.csr_matrix(
            (
                np.ones(len(indices), dtype=np.float32),
                np.asarray(indices, dtype=np.int32),
                np.asarray(indptr),
            ),
            shape=(len(lemma_lists), self.vectors.table.shape[0]),
        )
        totals = np.diff(counts.indptr)
        norms = np.zeros(len(lemma_lists))
        similarity = np.zeros((len(lemma_lists), len(self.themes)))
        for start in range(0, len(lemma_lists), _BLOCK):  # the fit sample: 50,000 × 300 at once is 60 MB
            block = slice(start, start + _BLOCK)
            means = np.asarray(counts[block] @ self.vectors.table) / np.maximum(totals[block], 1)[:, None]
            means -= self.centre
            norms[block] = np.linalg.norm(means, axis=1)
            similarity[block] = means @ self.themes.T
        norms[totals == 0] = 0.0
        similarity /= np.where(norms > 0, norms, 1.0)[:, None]
        similarity[totals == 0] = 0.0
        return Encoded(counts, lemmas, norms, similarity)

    def _scale(self, encoded: Encoded, weight: float) -> tuple[np.ndarray, np.ndarray]:
        """Owner text of each entry, and the factor that turns a projection into its share of the cosine."""
        counts = encoded.counts
        lengths = np.diff(counts.indptr)
        owner = np.repeat(np.arange(counts.shape[0]), lengths)
        scale = weight / np.where(lengths > 0, lengths * np.where(encoded.norms > 0, encoded.norms, 1.0), 1.0)
        return owner, scale[owner]

    def support(self, encoded: Encoded, weight: float) -> np.ndarray:
        """Per text and theme, the strongest push of one word close to the theme (as `ThemeModel.support`)."""
        result = np.zeros(encoded.similarity.shape, dtype=np.float32)
        counts = encoded.counts
        rows = np.flatnonzero(np.diff(counts.indptr))
        if not len(rows):
            return result
        _, scale = self._scale(encoded, weight)
        push = self._projections()[counts.indices] * scale[:, None]
        push = np.where(self.close(counts.indices), np.maximum(push, 0), 0).astype(np.float32)
        result[rows] = np.maximum.reduceat(push, counts.indptr[rows], axis=0)
        result[encoded.similarity < MIN_TEXT_SIMILARITY] = 0.0
        return result

    def pushes(self, encoded: Encoded, best: np.ndarray, weight: float) -> np.ndarray:
        """For each entry, its push towards its text's theme `best` (its share of `weight × (cosine with the
        theme − mean cosine with the others)`), or 0 when the word is not close to the theme, the text not
        close enough to it, or the text has no theme (-1)."""
        counts = encoded.counts
        result = np.zeros(len(counts.indices))
        if not len(result):
            return result
        owner, scale = self._scale(encoded, weight)
        themes = best[owner]
        valid = themes >= 0
        rows, themes, owner = counts.indices[valid], themes[valid], owner[valid]
        push = self._projections()[rows, themes] * scale[valid]
        keep = (
            self.close(rows)[np.arange(len(rows)), themes]
            & (encoded.similarity[owner, themes] >= MIN_TEXT_SIMILARITY)
            & (push > 0)
        )
        result[np.flatnonzero(valid)[keep]] = push[keep]
        return result

    def neighbours(self, lemma: str, theme: int, limit: int = NEIGHBOURS) -> list[str]:
        """The theme's words closest to a word (as people read them), at least `MIN_NEIGHBOUR` close."""
        known = self._neighbours.get((lemma, theme))
        if known is None:
            known = self._closest_words(lemma, theme, limit)
            if len(self._neighbours) < MAX_CACHED:
                self._neighbours[(lemma, theme)] = known
        return known

    def _closest_words(self, lemma: str, theme: int, limit: int) -> list[str]:
        row = self.row(lemma)
        units = self.theme_units[theme]
        if row < 0 or not len(units):
            return []
        vector = np.asarray(self.vectors.table[row], dtype=np.float64) - self.word_centre
        cosines = units @ (vector / max(float(np.linalg.norm(vector)), 1e-9))
        order = np.argsort(-cosines, kind="stable")
        words = self.theme_words[theme]
        return [
            self.shown(words[i]) for i in order[:limit] if cosines[i] >= MIN_NEIGHBOUR and words[i] != lemma
        ]

    def close(self, rows: np.ndarray) -> np.ndarray:
        """rows × themes: is some word of the theme close to the word of that table row (computed lazily)."""
        if not self._closest.size:
            self._closest = np.full((self.vectors.table.shape[0], len(self.theme_units)), np.nan, np.float32)
        missing = np.unique(rows[np.isnan(self._closest[rows, 0])]) if len(rows) else rows
        if len(missing):
            vectors = np.asarray(self.vectors.table[missing], dtype=np.float64) - self.word_centre
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
            for theme, units in enumerate(self.theme_units):
                best = (vectors @ units.T).max(axis=1) if len(units) else np.zeros(len(missing))
                self._closest[missing, theme] = best
        return self._closest[rows] >= MIN_NEIGHBOUR

    def _projections(self) -> np.ndarray:
        """rows × themes: (vector − centre) · (theme − mean of the others), computed once."""
        if self._projected is None:
            table = np.asarray(self.vectors.table, dtype=np.float32)
            self._projected = ((table - self.centre) @ self.contrast.T).astype(np.float64)
        return self._projected


def add_examples(model: ThemeVectors, encoded: Encoded, themes: np.ndarray, share: float) -> None:
    """Labelled examples move each theme's vector towards theirs: unit theme vector + `share` × the unit mean
    of its examples' (unit) vectors, then unit length again. No example, no change."""
    if share <= 0 or not len(themes):
        return
    texts = (
        np.asarray(encoded.counts @ model.vectors.table)
        / np.maximum(np.asarray(encoded.counts.sum(axis=1)), 1)
        - model.centre
    )
    norms = np.linalg.norm(texts, axis=1, keepdims=True)
    texts = np.where(norms > 0, texts / np.where(norms > 0, norms, 1.0), 0.0)
    matrix = model.themes.astype(np.float64)
    for theme in np.unique(themes):
        mean = texts[themes == theme].mean(axis=0)
        length = float(np.linalg.norm(mean))
        if length > 0:
            moved = matrix[theme] + share * mean / length
            matrix[theme] = moved / max(float(np.linalg.norm(moved)), 1e-9)
    _set_themes(model, matrix)


def _set_themes(model: ThemeVectors, matrix: np.ndarray) -> None:
    count = len(matrix)
    contrast = (count * matrix - matrix.sum(axis=0)) / (count - 1) if count > 1 else matrix
    model.themes = matrix.astype(np.float32)
    model.contrast = contrast.astype(np.float32)
    model._projected = None


def fit(
    vectors: WordVectors,
    seeds: Sequence[dict[str, float]],
    theme_texts: Sequence[str],
    surfaces: dict[str, str],
    sample: Sequence[list[str]],
) -> ThemeVectors | None:
    """Theme vectors from the themes' weighted words (`tagging.theme_terms`; pairs of words are left out), their
        accents read from the themes' names and descriptions, then from the contributions (`surfaces`: each lemma
    as first written). None when no theme has
        a word the vectors know."""
    table = vectors.table
    centre = np.asarray(table).mean(axis=0, dtype=np.float64)
    model = ThemeVectors(
        vectors, centre, np.zeros((0, table.shape[1])), np.zeros((0, table.shape[1])), [], []
    )
    model.learn(token for text in theme_texts for token in tokens(text))
    model.learn((surfaces.get(lemma, lemma), lemma) for words in sample for lemma in words)
    themes, words_of, units_of = [], [], []
    for terms in seeds:
        known = [
            (term, weight, row)
            for term, weight in terms.items()
            if " " not in term and (row := model.row(term)) >= 0
        ]
        if not known:
            themes.append(centre)  # centred: zero
            words_of.append([])
            units_of.append(np.zeros((0, table.shape[1])))
            continue
        rows = np.array([row for _, _, row in known])
        weights = np.array([weight for _, weight, _ in known])
        raw = np.asarray(table[rows], dtype=np.float64)
        themes.append((weights @ raw) / weights.sum())
        words_of.append([term for term, _, _ in known])
        centred = raw - centre
        units_of.append(centred / np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-9))
    model.theme_means = np.vstack(themes)
    model.word_centre = centre.astype(np.float32)
    model.theme_words = words_of
    model.theme_units = units_of
    if not any(words_of) or not _centre_on(model, centre):
        return None
    return model


def _centre_on(model: ThemeVectors, centre: np.ndarray) -> bool:
    matrix = model.theme_means - centre
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    if not (norms > 1e-9).any():
        return False
    model.centre = np.asarray(centre, dtype=np.float32)
    _set_themes(model, matrix / np.where(norms > 1e-9, norms, 1.0))
    return True
