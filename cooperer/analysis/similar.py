"""Short French texts that say nearly the same thing: vision elements of several neighbourhoods ("des lieux
pour les jeunes" / "un lieu où les jeunes se retrouvent"), a project's purpose and the vision it claims to serve.

Texts become sets of lemmas weighted by inverse document frequency; two texts are similar when the cosine of
those weights reaches a threshold. Groups are the connected parts of the similarity graph (single link), each
group listing only texts from at least `min_sources` different sources: a suggestion for a person to accept
or not, never a decision."""

import math
from collections import Counter
from dataclasses import dataclass, field

from cooperer.analysis.text.normalise import display, lemmas

DEFAULT_THRESHOLD = 0.3


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    source: str = ""  # e.g. the QPV the element comes from


@dataclass
class Group:
    ids: list[str]
    shared_terms: list[str] = field(default_factory=list)  # the words the texts have in common, as read
    score: float = 0.0  # the mean similarity of the linked pairs


def _weights(bags: list[set[str]]) -> list[dict[str, float]]:
    frequency = Counter(lemma for bag in bags for lemma in bag)
    total = len(bags)
    vectors = []
    for bag in bags:
        vector = {lemma: math.log((1 + total) / (1 + frequency[lemma])) + 1.0 for lemma in bag}
        norm = math.sqrt(sum(value * value for value in vector.values())) or 1.0
        vectors.append({lemma: value / norm for lemma, value in vector.items()})
    return vectors


def cosine(left: dict[str, float], right: dict[str, float]) -> float:
    if len(left) > len(right):
        left, right = right, left
    return sum(value * right.get(lemma, 0.0) for lemma, value in left.items())


def similarity_matrix(items: list[Item]) -> list[list[float]]:
    vectors = _weights([set(lemmas(item.text)) for item in items])
    return [[cosine(a, b) for b in vectors] for a in vectors]


def group_similar(
    items: list[Item], threshold: float = DEFAULT_THRESHOLD, min_sources: int = 2
) -> list[Group]:
    """Groups of similar texts, largest first; each text in one group at most."""
    bags = [set(lemmas(item.text)) for item in items]
    vectors = _weights(bags)
    # An inverted index keeps this near-linear for a few thousand short texts.
    postings: dict[str, list[int]] = {}
    for index, bag in enumerate(bags):
        for lemma in bag:
            postings.setdefault(lemma, []).append(index)
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    pair_scores: dict[tuple[int, int], float] = {}
    for i, bag in enumerate(bags):
        candidates = {j for lemma in bag for j in postings[lemma] if j > i}
        for j in sorted(candidates):
            if items[i].source and items[i].source == items[j].source:
                continue
            score = cosine(vectors[i], vectors[j])
            if score >= threshold:
                pair_scores[(i, j)] = score
                parent[root(j)] = root(i)
    members: dict[int, list[int]] = {}
    for index in range(len(items)):
        members.setdefault(root(index), []).append(index)
    groups = []
    for indexes in members.values():
        if len(indexes) < 2 or len({items[i].source or items[i].id for i in indexes}) < min_sources:
            continue
        inside = set(indexes)
        scores = [s for (i, j), s in pair_scores.items() if i in inside and j in inside]
        counts = Counter(lemma for i in indexes for lemma in bags[i])
        # Most shared first, ties in alphabetical order: the same words whatever the process.
        shared = sorted(
            (lemma for lemma, n in counts.items() if n >= 2), key=lambda lemma: (-counts[lemma], lemma)
        )[:6]
        groups.append(
            Group(
                ids=[items[i].id for i in indexes],
                shared_terms=[display(lemma) for lemma in shared],
                score=round(sum(scores) / len(scores), 3) if scores else 0.0,
            )
        )
    groups.sort(key=lambda group: (-len(group.ids), -group.score))
    return groups


def matched_terms(text: str, other: str) -> list[str]:
    """The words two texts share, as read (for "why these are similar")."""
    mine = lemmas(text)
    theirs = set(lemmas(other))
    seen: list[str] = []
    for lemma in mine:
        if lemma in theirs and lemma not in seen:
            seen.append(lemma)
    return [display(lemma) for lemma in seen]


# -- one text against many: « initiatives semblables ailleurs » ------------------------------------------------


@dataclass
class Match:
    id: str
    score: float
    terms: list[str]  # the query's words the other text shares, most telling first


def idf(term: str, frequency: dict[str, int], total: int) -> float:
    """Inverse document frequency from a count over `total` texts (a sample is enough: it only weighs)."""
    return math.log((1 + total) / (1 + frequency.get(term, 0))) + 1.0


def salient(
    terms: list[str], frequency: dict[str, int], total: int, k: int = 8, unseen: int = 4
) -> list[str]:
    """The terms of a text that say most about it: the `k` rarest of those the corpus (or its sample) holds,
    then up to `unseen` it does not hold (rare enough to be missing from a sample, or absent), longest first."""
    unique = list(dict.fromkeys(terms))
    seen = sorted((t for t in unique if frequency.get(t)), key=lambda t: (frequency[t], unique.index(t)))
    missing = sorted((t for t in unique if not frequency.get(t)), key=lambda t: (-len(t), unique.index(t)))
    return seen[:k] + missing[:unseen]


def rank_against(
    terms: list[str],
    candidates: dict[str, set[str]],
    frequency: dict[str, int],
    total: int,
    *,
    limit: int = 5,
    threshold: float = 0.05,
) -> list[Match]:
    """The candidates most similar to a text given by its `terms`: IDF-weighted cosine between the text's
    terms and each candidate's set of terms, best first, with the shared terms (rarest first)."""
    weights: dict[str, float] = {}  # idf squared, once per distinct term of all the candidates

    def weight(term: str) -> float:
        value = weights.get(term)
        if value is None:
            value = weights[term] = idf(term, frequency, total) ** 2
        return value

    query = list(dict.fromkeys(terms))
    query_norm = math.sqrt(sum(weight(term) for term in query)) or 1.0
    found = []
    for key, bag in candidates.items():
        shared = [term for term in query if term in bag]
        if not shared:
            continue
        bag_norm = math.sqrt(sum(weight(term) for term in bag)) or 1.0
        score = sum(weight(term) for term in shared) / (query_norm * bag_norm)
        if score >= threshold:
            shared.sort(key=lambda term: -weight(term))
            found.append(Match(id=key, score=round(score, 3), terms=shared))
    found.sort(key=lambda match: (-match.score, match.id))
    return found[:limit]
