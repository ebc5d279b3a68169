"""Lemma counts as sparse matrices: a vocabulary fitted once (on the corpus, or a sample of it), then applied
to any number of chunks, so that the vocabulary and the inverse document frequencies stay fixed and the
memory used does not depend on how many contributions follow."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

MAX_FEATURES = 60_000


@dataclass
class Vectoriser:
    terms: list[str]
    index: dict[str, int]
    idf: np.ndarray  # float32, one per term
    documents: int  # how many documents the vocabulary was fitted on

    @classmethod
    def fit(
        cls,
        docs: Sequence[list[str]],
        *,
        keep: Iterable[str] = (),
        max_features: int = MAX_FEATURES,
    ) -> "Vectoriser":
        """Terms in at least two documents (one for a small corpus, or when listed in `keep`: the words of the
        themes), at most `max_features` of them, the most frequent first; ties broken alphabetically."""
        n = len(docs)
        frequency: Counter[str] = Counter()
        for doc in docs:
            frequency.update(set(doc))
        min_df = 1 if n < 200 else 2
        wanted = set(keep)
        chosen = [
            term
            for term, df in frequency.items()
            if df >= min_df or (term in wanted and (df >= 1 if " " not in term else df >= min_df))
        ]
        chosen.sort(key=lambda term: (-frequency[term], term))
        chosen = sorted(chosen[:max_features])
        df = np.array([frequency[term] for term in chosen], dtype=np.float64)
        idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        return cls(chosen, {term: i for i, term in enumerate(chosen)}, idf, n)

    def __len__(self) -> int:
        return len(self.terms)

    def counts(self, docs: Iterable[list[str]]) -> sp.csr_matrix:
        """Raw term counts, one row per document (documents without a known term give an empty row)."""
        index = self.index
        indptr = [0]
        indices: list[int] = []
        for doc in docs:
            positions = [i for term in doc if (i := index.get(term)) is not None]
            indices.extend(positions)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        matrix = sp.csr_matrix(
            (data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
            shape=(len(indptr) - 1, len(self.terms)),
        )
        matrix.sum_duplicates()
        return matrix

    def tfidf(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear term frequency × idf, each row of unit length (empty rows stay empty)."""
        weighted = counts.copy()
        weighted.data = (1 + np.log(weighted.data)) * self.idf[weighted.indices]
        return normalise_rows(weighted)

    def transform(self, docs: Iterable[list[str]]) -> sp.csr_matrix:
        return self.tfidf(self.counts(docs))

    def vector(self, weighted_terms: dict[str, float]) -> np.ndarray:
        """A dense vector over the vocabulary: each known term's weight × its idf (the words of a theme)."""
        vector = np.zeros(len(self.terms), dtype=np.float64)
        for term, weight in weighted_terms.items():
            if (i := self.index.get(term)) is not None:
                vector[i] = max(vector[i], weight * self.idf[i])
        return vector


def normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    squared = matrix.multiply(matrix).sum(axis=1).A1
    norms = np.sqrt(squared, dtype=np.float64)
    norms[norms == 0] = 1.0
    scale = sp.diags((1.0 / norms).astype(np.float32))
    return (scale @ matrix).tocsr().astype(np.float32)


def binary(counts: sp.csr_matrix) -> sp.csr_matrix:
    """1 where a document contains a term: counts of documents, not of repetitions, for comparisons."""
    result = counts.copy()
    result.data = np.ones_like(result.data)
    return result
