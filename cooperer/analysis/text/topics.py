"""Sub-subjects within a theme: non-negative matrix factorisation of the TF-IDF rows of the theme's
contributions (fitted on the analysis sample), each topic named by its most characteristic words and
illustrated by the contributions closest to it. Every contribution of the theme is then assigned to the topic
whose word profile it matches best (cosine), so that topic sizes count the whole corpus."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from cooperer.analysis.text.normalise import display

MAX_TOPICS = 6
MIN_CONTRIBUTIONS = 8  # below, a theme is one topic: nothing to split
MAX_FIT_ROWS = 5_000
LABEL_TERMS = 3
QUOTES = 3
QUOTE_CHARS = 280
_SEED = 2030


@dataclass
class TopicFit:
    label: str
    terms: list[str]
    quotes: list[tuple[str, str]] = field(default_factory=list)  # (id, text)


@dataclass
class ThemeTopics:
    """The topics of one theme; `profiles` are unit rows over the whole vocabulary (topics × terms)."""

    topics: list[TopicFit]
    columns: np.ndarray  # vocabulary indices the profiles are defined on
    profiles: np.ndarray  # topics × len(columns)

    def assign(self, X: sp.csr_matrix) -> np.ndarray:
        """Topic of each row (index into `topics`); rows without any of the topic words go to the largest."""
        if len(self.topics) == 1:
            return np.zeros(X.shape[0], dtype=np.int64)
        similarity = np.asarray(X[:, self.columns] @ self.profiles.T)
        return similarity.argmax(axis=1)


def topic_count(documents: int) -> int:
    """Grows slowly with the theme's size: 8 → 1, 32 → 2, 72 → 3, 128 → 4, 200 → 5, 288+ → 6."""
    if documents < MIN_CONTRIBUTIONS:
        return 1
    return int(min(MAX_TOPICS, max(1, round(np.sqrt(documents / 8)))))


def fit_theme_topics(
    X: sp.csr_matrix, terms: Sequence[str], ids: Sequence[str], texts: Sequence[str]
) -> ThemeTopics:
    """X: TF-IDF rows of the theme's contributions in the sample; ids and texts in the same order."""
    from sklearn.decomposition import NMF  # imported here: importing the package stays quick

    rows = X.shape[0]
    if rows > MAX_FIT_ROWS:
        keep = np.sort(np.random.default_rng(_SEED).choice(rows, MAX_FIT_ROWS, replace=False))
        X, ids, texts = X[keep], [ids[i] for i in keep], [texts[i] for i in keep]
        rows = MAX_FIT_ROWS
    columns = np.unique(X.indices)
    X = X[:, columns]
    k = min(topic_count(rows), max(1, len(columns)))
    if k == 1 or rows < 2:
        weights = np.asarray(X.sum(axis=0)).ravel()
        profile = _unit(weights[None, :])
        topic = TopicFit("", [])
        topic.terms = _top_terms(profile[0], columns, terms, exclude=set())
        topic.label = " · ".join(topic.terms[:LABEL_TERMS])
        topic.quotes = _quotes(X, profile[0], np.arange(rows), ids, texts)
        return ThemeTopics([topic], columns, profile)
    model = NMF(n_components=k, init="nndsvda", random_state=_SEED, max_iter=300, tol=1e-3)
    document_topics = model.fit_transform(X)
    profiles = _unit(model.components_)
    assignment = document_topics.argmax(axis=1)
    shared = _shared_terms(profiles)
    topics = []
    for topic in range(k):
        words = _top_terms(profiles[topic], columns, terms, exclude=shared)
        members = np.flatnonzero(assignment == topic)
        topics.append(
            TopicFit(" · ".join(words[:LABEL_TERMS]), words, _quotes(X, profiles[topic], members, ids, texts))
        )
    return ThemeTopics(topics, columns, profiles)


def _shared_terms(profiles: np.ndarray, top: int = 8) -> set[int]:
    """Words among the strongest of more than half of the topics: the theme's own words, not a topic's."""
    counts = np.zeros(profiles.shape[1], dtype=np.int64)
    for row in profiles:
        counts[np.argsort(-row, kind="stable")[:top]] += 1
    return set(np.flatnonzero(counts > len(profiles) / 2).tolist())


def _top_terms(
    profile: np.ndarray, columns: np.ndarray, terms: Sequence[str], exclude: set[int]
) -> list[str]:
    """The six strongest single words, then up to three expressions of two words ("piste cyclable"). Labels
    use the single words: a pair seen a few times in a small theme is too often an accident of word order."""
    order = [i for i in np.argsort(-profile, kind="stable")[:40] if profile[i] > 0 and i not in exclude]
    words = [display(terms[columns[i]]) for i in order if " " not in terms[columns[i]]][:6]
    pairs = [display(terms[columns[i]]) for i in order if " " in terms[columns[i]]][:3]
    return words + pairs


def _quotes(
    X: sp.csr_matrix, profile: np.ndarray, members: np.ndarray, ids: Sequence[str], texts: Sequence[str]
) -> list[tuple[str, str]]:
    """Up to three distinct contributions closest to the topic; texts shortened for display."""
    if not len(members):
        return []
    similarity = np.asarray(X[members] @ profile).ravel()
    chosen: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i in members[np.argsort(-similarity, kind="stable")]:
        text = " ".join(texts[i].split())
        key = text.lower()
        if not text or key in seen:
            continue
        seen.add(key)
        chosen.append((ids[i], shorten(text)))
        if len(chosen) == QUOTES:
            break
    return chosen


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + " …"


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms
