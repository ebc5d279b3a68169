"""`analyse()`: themes, topics, near-duplicates, audience comparison and roll-up of a consultation in two passes.

Pass 1 reads every contribution once: a seeded sample (50,000 by default, plus every labelled contribution) is
kept to fit the vocabulary, the theme model and the topics; the MinHash band keys of every contribution go into
a fixed-size sketch for duplicate detection. Pass 2 reads them again chunk by chunk (5,000) and applies the fitted models:
tags (kept in the report, or handed to `sink` one chunk at a time), topic and theme counts per audience and
place, word counts per audience. Apart from the tags when they are kept, memory depends on the sample and chunk
sizes, the vocabulary, the numbers of audiences and places, the sketch (at most 64 MB) and the duplicate groups
(at most 100,000 held), not on the number of contributions (docs/analysis.md).
"""

import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice

import numpy as np
import scipy.sparse as sp

from cooperer.analysis.text import semantic, tagging, vectors
from cooperer.analysis.text.duplicates import DuplicateFinder
from cooperer.analysis.text.features import Vectoriser, binary
from cooperer.analysis.text.normalise import Token, clean, display, features, lemmas, tokens
from cooperer.analysis.text.report import Contribution, Report, Tag, ThemeScore
from cooperer.analysis.text.semantic import Encoded
from cooperer.analysis.text.summary import Accumulators, build_report
from cooperer.analysis.text.tagging import TaggingParams, Theme, ThemeModel
from cooperer.analysis.text.topics import ThemeTopics, fit_theme_topics

PARTS = ("tags", "topics", "duplicates", "comparisons", "units")
Progress = Callable[[float, str], None]
Source = Callable[[], Iterable[Contribution]]
_SEED = 2030
EVIDENCE_SHARE = 0.2
EXAMPLE_SIMILARITY = 0.7


class AnalysisError(ValueError):
    """Input the analysis cannot work with; the message is French and says why."""


@dataclass(frozen=True)
class Options:
    fit_sample: int = 50_000
    chunk_size: int = 5_000
    max_duplicate_groups: int = 200
    max_terms: int = 15
    evidence_words: int = 5
    params: TaggingParams = field(default_factory=TaggingParams)


@dataclass
class _Sample:
    positions: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    lemmas: list[list[str]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)  # theme index, -1 when not labelled
    # Each lemma as first written in the contributions (« École » for « ecole »), in order: where the word
    # vectors look it up. Filled only when the vectors are in use.
    surfaces: dict[str, str] = field(default_factory=dict)


@dataclass
class _Fitted:
    model: ThemeModel
    topics: dict[int, ThemeTopics]
    sample: _Sample
    examples: sp.csr_matrix  # TF-IDF rows of the labelled contributions
    example_themes: np.ndarray


def analyse(
    contributions: Sequence[Contribution] | Iterable[Contribution] | Source,
    themes: Sequence[Theme],
    labelled: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    *,
    parts: Iterable[str] = PARTS,
    sink: Callable[[list[Tag]], None] | None = None,
    total: int | None = None,
    options: Options | None = None,
) -> Report:
    """Analyse contributions against a taxonomy of themes.

    `contributions`: a sequence, or a function returning a fresh iterator each time it is called (read twice:
    a file too big for memory). `labelled`: contribution id -> theme name, the animatrice's examples.
    `progress(fraction, message)` is called with a non-decreasing fraction from 0 to 1. With `sink`, tags are
    handed over chunk by chunk and not kept in the report. `parts` limits the work (tags are always computed).
    """
    options = options or Options()
    wanted = set(parts) | {"tags"}
    themes = _check_themes(themes)
    names = [theme.name for theme in themes]
    labels = _check_labels(labelled or {}, names)
    source, total = _as_source(contributions, total)
    report_progress = _Monotone(progress)
    started = time.perf_counter()
    figures: dict[str, float | int] = {}

    report_progress(0.0, "Lecture des contributions")
    finder = DuplicateFinder(expected=total) if "duplicates" in wanted else None
    sample, count = _first_pass(source, total, labels, finder, options, report_progress)
    figures["pass_1_s"] = round(time.perf_counter() - started, 2)
    if finder is not None:
        finder.prepare()

    step = time.perf_counter()
    report_progress(0.30, "Apprentissage des thèmes")
    fitted = _fit(sample, themes, wanted, options, report_progress)
    figures["fit_s"] = round(time.perf_counter() - step, 2)
    figures["sample"] = len(sample.ids)
    figures["vocabulary"] = len(fitted.model.vectoriser)
    figures["word_vectors"] = fitted.model.semantic.vectors.name if fitted.model.semantic else ""

    step = time.perf_counter()
    report_progress(0.45, "Étiquetage des contributions")
    accumulators = Accumulators(names, fitted.topics, fitted.model.vectoriser)
    tags = _second_pass(source, count, labels, fitted, finder, accumulators, sink, options, report_progress)
    figures["pass_2_s"] = round(time.perf_counter() - step, 2)
    if finder is not None:
        figures["duplicate_candidates"] = finder.candidates
        figures["duplicate_groups_held"] = finder.held
        figures["duplicate_singletons_forgotten"] = finder.forgotten

    report_progress(0.95, "Synthèse")
    report = build_report(
        contributions=count,
        themes=themes,
        model=fitted.model,
        tags=tags,
        accumulators=accumulators,
        finder=finder,
        wanted=wanted,
        options=options,
    )
    unknown = sorted(set(labels) - accumulators.labelled_seen)
    if unknown:
        report.warnings.append(
            f"{len(unknown)} exemple(s) étiqueté(s) ne correspondent à aucune contribution "
            f"(identifiants : {', '.join(unknown[:10])}{' …' if len(unknown) > 10 else ''})."
        )
    figures["total_s"] = round(time.perf_counter() - started, 2)
    report.figures.update(figures)
    report_progress(1.0, "Analyse terminée")
    return report


# -- input ---------------------------------------------------------------------------------------------------


def _check_themes(themes: Sequence[Theme]) -> list[Theme]:
    themes = [Theme(theme.name.strip(), (theme.description or "").strip()) for theme in themes]
    if not themes:
        raise AnalysisError("Aucun thème : donnez au moins un thème (nom et description).")
    names = [theme.name for theme in themes]
    if any(not name for name in names):
        raise AnalysisError("Un thème n'a pas de nom.")
    repeated = sorted(name for name, number in Counter(names).items() if number > 1)
    if repeated:
        raise AnalysisError(f"Thème(s) en double : {', '.join(repeated)}.")
    return themes


def _check_labels(labelled: Mapping[str, str], names: list[str]) -> dict[str, int]:
    index = {name: i for i, name in enumerate(names)}
    unknown = sorted({theme for theme in labelled.values() if theme not in index})
    if unknown:
        raise AnalysisError(
            f"Thème(s) inconnu(s) dans les exemples étiquetés : {', '.join(unknown)} "
            f"(thèmes connus : {', '.join(names)})."
        )
    return {str(key): index[theme] for key, theme in labelled.items()}


def _as_source(contributions, total: int | None) -> tuple[Source, int | None]:
    if callable(contributions):
        return contributions, total
    if not isinstance(contributions, Sequence):
        contributions = list(contributions)
    items = contributions
    return (lambda: items), len(items)


def _chunks(iterable: Iterable[Contribution], size: int) -> Iterator[list[Contribution]]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Monotone:
    """Calls the caller's progress function with a fraction that never goes back."""

    def __init__(self, callback: Progress | None) -> None:
        self.callback = callback
        self.last = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        self.last = min(1.0, max(self.last, fraction))
        if self.callback is not None:
            self.callback(self.last, message)


# -- pass 1: sample, duplicate keys --------------------------------------------------------------------------


def _first_pass(
    source: Source,
    total: int | None,
    labels: dict[str, int],
    finder: DuplicateFinder | None,
    options: Options,
    progress: _Monotone,
) -> tuple[_Sample, int]:
    """Reservoir sample (algorithm R, seeded) of the unlabelled contributions, plus every labelled one."""
    rng = random.Random(_SEED)
    uses_vectors = options.params.vector_weight > 0 and vectors.load() is not None
    surfaces: dict[str, str] | None = {} if uses_vectors else None
    reservoir: list[tuple[int, str, str, list[str]]] = []
    labelled: list[tuple[int, str, str, list[str]]] = []
    seen = 0
    for chunk in _chunks(source(), options.chunk_size):
        if surfaces is None:
            chunk_lemmas = [lemmas(contribution.text) for contribution in chunk]
        else:
            chunk_tokens = [tokens(contribution.text) for contribution in chunk]
            chunk_lemmas = [[token.lemma for token in words] for words in chunk_tokens]
            if len(surfaces) < semantic.MAX_CACHED:
                for words in chunk_tokens:
                    for surface, lemma in words:
                        if lemma not in surfaces:
                            surfaces[lemma] = surface
        if finder is not None:
            finder.add(chunk_lemmas)
        for contribution, words in zip(chunk, chunk_lemmas, strict=True):
            item = (seen, contribution.id, contribution.text, words)
            if contribution.id in labels:
                labelled.append(item)
            elif len(reservoir) < options.fit_sample:
                reservoir.append(item)
            else:
                slot = rng.randrange(seen + 1)
                if slot < options.fit_sample:
                    reservoir[slot] = item
            seen += 1
        fraction = 0.30 * seen / total if total else 0.15
        progress(fraction, f"Lecture : {seen} contributions")
    sample = _Sample(surfaces=surfaces or {})
    for position, identifier, text, words in sorted(labelled + reservoir, key=lambda item: item[0]):
        sample.positions.append(position)
        sample.ids.append(identifier)
        sample.texts.append(clean(text))
        sample.lemmas.append(words)
        sample.labels.append(labels.get(identifier, -1))
    return sample, seen


# -- fitting -------------------------------------------------------------------------------------------------


def _fit(
    sample: _Sample, themes: list[Theme], wanted: set[str], options: Options, progress: _Monotone
) -> _Fitted:
    docs = [features(words) for words in sample.lemmas]
    keep = set().union(*(tagging.theme_terms(theme, options.params) for theme in themes))
    vectoriser = Vectoriser.fit(docs, keep=keep)
    X = vectoriser.transform(docs)
    labels = np.asarray(sample.labels, dtype=np.int64)
    rows = np.flatnonzero(labels >= 0)
    theme_vectors, encoded = _theme_vectors(themes, sample, options.params)
    sample.surfaces.clear()  # learnt: pass 2 learns the words it meets from its own tokens
    model = tagging.fit(
        themes,
        vectoriser,
        X,
        rows,
        labels[rows],
        options.params,
        semantic=theme_vectors,
        similarity=encoded.similarity if encoded is not None else None,
    )
    progress(0.40, "Recherche des sujets dans chaque thème")
    topics: dict[int, ThemeTopics] = {}
    if "topics" in wanted and X.shape[0]:
        similarity = encoded.similarity if encoded is not None else None
        support = _support(model, X, encoded)
        best = np.where(labels >= 0, labels, tagging.best_supported(model.logits(X, similarity), support))
        has_words = X.getnnz(axis=1) > 0
        for theme in range(len(themes)):
            members = np.flatnonzero((best == theme) & has_words)
            if len(members):
                topics[theme] = fit_theme_topics(
                    X[members],
                    vectoriser.terms,
                    [sample.ids[i] for i in members],
                    [sample.texts[i] for i in members],
                )
    return _Fitted(model, topics, sample, X[rows], labels[rows])


def _theme_vectors(
    themes: list[Theme], sample: _Sample, params: TaggingParams
) -> tuple[semantic.ThemeVectors | None, Encoded | None]:
    """The themes in the space of word vectors and the sample's texts encoded there; (None, None) when the
    vectors are not installed or switched off (`COOPERER_WORD_VECTORS=off`), or weigh nothing."""
    if params.vector_weight <= 0:
        return None, None
    word_vectors = vectors.load()
    if word_vectors is None:
        return None, None
    seeds = tagging.theme_seeds(themes, params)
    if not params.vector_related:
        named = [tagging.theme_terms(theme, params, related=False) for theme in themes]
        seeds = [
            {term: weight for term, weight in seed.items() if term in own}
            for seed, own in zip(seeds, named, strict=True)
        ]
    theme_texts = [f"{theme.name}. {theme.description}" for theme in themes]
    theme_vectors = semantic.fit(word_vectors, seeds, theme_texts, sample.surfaces, sample.lemmas)
    if theme_vectors is None:
        return None, None
    encoded = theme_vectors.encode(sample.lemmas)
    labels = np.asarray(sample.labels, dtype=np.int64)
    if (labels >= 0).any() and params.vector_example_share > 0:
        rows = np.flatnonzero(labels >= 0)
        semantic.add_examples(theme_vectors, encoded.select(rows), labels[rows], params.vector_example_share)
        encoded = theme_vectors.encode(sample.lemmas)
    return theme_vectors, encoded


def _support(model: ThemeModel, X: sp.csr_matrix, encoded: Encoded | None) -> np.ndarray:
    """Per text and theme, the strongest push of one of its words towards the theme: a TF-IDF term, or a
    word whose vector is close to the theme's words."""
    support = model.support(X)
    if encoded is None or model.semantic is None:
        return support
    return np.maximum(support, model.semantic.support(encoded, model.semantic_weight))


# -- pass 2: apply -------------------------------------------------------------------------------------------


def _second_pass(
    source: Source,
    count: int,
    labels: dict[str, int],
    fitted: _Fitted,
    finder: DuplicateFinder | None,
    accumulators: Accumulators,
    sink: Callable[[list[Tag]], None] | None,
    options: Options,
    progress: _Monotone,
) -> list[Tag]:
    kept: list[Tag] = []
    position = 0
    for chunk in _chunks(source(), options.chunk_size):
        chunk_tags = _tag_chunk(chunk, labels, fitted, finder, accumulators, options)
        position += len(chunk)
        if sink is not None:
            sink(chunk_tags)
        else:
            kept.extend(chunk_tags)
        progress(0.45 + 0.50 * position / max(count, 1), f"Étiquetage : {position} / {count} contributions")
    return kept


def _tag_chunk(
    chunk: list[Contribution],
    labels: dict[str, int],
    fitted: _Fitted,
    finder: DuplicateFinder | None,
    accumulators: Accumulators,
    options: Options,
) -> list[Tag]:
    model, params = fitted.model, options.params
    names = [theme.name for theme in model.themes]
    cleaned = [clean(contribution.text) for contribution in chunk]
    chunk_tokens = [tokens(text, cleaned=True) for text in cleaned]
    chunk_lemmas = [[token.lemma for token in words] for words in chunk_tokens]
    counts = model.vectoriser.counts(features(words) for words in chunk_lemmas)
    X = model.vectoriser.tfidf(counts)
    encoded = model.semantic.encode(chunk_lemmas, chunk_tokens) if model.semantic is not None else None
    probabilities = model.probabilities(X, encoded.similarity if encoded is not None else None)
    support = model.support(X)
    theme_support = _support(model, X, encoded) if encoded is not None else support
    given = np.array([labels.get(contribution.id, -1) for contribution in chunk], dtype=np.int64)
    best = np.where(given >= 0, given, tagging.best_supported(probabilities, theme_support))
    scores = probabilities[np.arange(len(chunk)), best]
    _follow_examples(fitted, X, probabilities, given, best, scores)
    if encoded is None:
        evidence = _chunk_evidence(model, X, best, chunk_tokens, options.evidence_words)
    else:
        evidence = _semantic_evidence(model, X, best, chunk_tokens, options.evidence_words, encoded)
    # A text is classified when some of its words point to its theme (or a person labelled it): a text whose
    # words no theme knows ("Le Solidaribus est formidable", before any example) is left unclassified rather
    # than given the most frequent theme by default.
    classified = np.array([bool(evidence[row]) or given[row] >= 0 for row in range(len(chunk))], dtype=bool)
    best = np.where(classified, best, -1)
    topic_of = np.full(len(chunk), -1, dtype=np.int64)
    for theme, theme_topics in fitted.topics.items():
        rows = np.flatnonzero(best == theme)
        if len(rows):
            topic_of[rows] = theme_topics.assign(X[rows])
    tags = []
    for row, contribution in enumerate(chunk):
        if given[row] >= 0:
            accumulators.labelled_seen.add(contribution.id)
        if not classified[row]:
            tags.append(Tag(contribution.id, "", 0.0))
            continue
        theme = int(best[row])
        tags.append(
            Tag(
                id=contribution.id,
                theme=names[theme],
                score=1.0 if given[row] >= 0 else round(float(scores[row]), 3),
                themes=_retained(probabilities[row], support[row], theme, names, params),
                evidence=evidence[row],
                topic=fitted.topics[theme].topics[topic_of[row]].label if topic_of[row] >= 0 else "",
                labelled=bool(given[row] >= 0),
            )
        )
    if finder is not None:
        groups = finder.observe(
            [contribution.id for contribution in chunk],
            cleaned,
            chunk_lemmas,
            [tag.theme for tag in tags],
        )
        for tag, group in zip(tags, groups, strict=True):
            tag.duplicate_group = group
    accumulators.add(chunk, binary(counts), best, topic_of, tags)
    return tags


def _follow_examples(
    fitted: _Fitted,
    X: sp.csr_matrix,
    probabilities: np.ndarray,
    given: np.ndarray,
    best: np.ndarray,
    scores: np.ndarray,
) -> None:
    """A text that says the same as a labelled example (cosine of TF-IDF vectors ≥ 0.7) takes its theme, even
    when the taxonomy's words point elsewhere: the animatrice filed "navettes vers la zone d'emploi" under
    mobility, the texts that repeat it follow. Its score is then at least the similarity."""
    if not fitted.examples.shape[0]:
        return
    similarity = (X @ fitted.examples.T).tocsr()
    nearest = np.asarray(similarity.argmax(axis=1)).ravel()
    closest = np.asarray(similarity.max(axis=1).todense()).ravel()
    follow = np.flatnonzero((closest >= EXAMPLE_SIMILARITY) & (given < 0))
    best[follow] = fitted.example_themes[nearest[follow]]
    scores[follow] = np.maximum(closest[follow], probabilities[follow, best[follow]])


def _retained(
    probabilities: np.ndarray, support: np.ndarray, best: int, names: list[str], params: TaggingParams
) -> list[ThemeScore]:
    """The best theme, then up to two others that the text's words also clearly speak of."""
    floor = params.multi_label_share * float(support[best])
    others = [
        i
        for i in np.argsort(-support, kind="stable")[:3].tolist()
        if i != best and support[i] > 0 and support[i] >= floor
    ]
    return [ThemeScore(names[i], round(float(probabilities[i]), 3)) for i in [best, *others][:3]]


def _chunk_evidence(
    model: ThemeModel, X: sp.csr_matrix, best: np.ndarray, chunk_tokens: list[list[Token]], limit: int
) -> list[list[str]]:
    """For each row, the terms that carried its best theme, as written in the text ("jeunes", "pistes
    cyclables"): ThemeModel.evidence for a whole chunk at once."""
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    contribution = model.contributions(X.indices, X.data, best[rows])
    order = np.lexsort((-contribution, rows))  # by row, strongest first
    result: list[list[str]] = []
    for row in range(X.shape[0]):
        start, end = X.indptr[row], X.indptr[row + 1]
        surface: dict[str, str] = {}
        for token in chunk_tokens[row]:
            surface.setdefault(token.lemma, token.surface)
        shown: list[str] = []
        covered: set[str] = set()
        # Words that weigh at least a fifth of the strongest one: the rest did not carry the tag.
        floor = EVIDENCE_SHARE * contribution[order[start]] if end > start else 0.0
        for position in order[start:end]:
            if contribution[position] <= 0 or contribution[position] < floor or len(shown) == limit:
                break
            parts = model.vectoriser.terms[X.indices[position]].split(" ")
            if covered.issuperset(parts):
                continue  # "médecins" already said it; "médecins quartier" adds nothing new
            covered.update(parts)
            shown.append(" ".join(surface.get(part, display(part)) for part in parts))
        result.append(shown)
    return result


def _semantic_evidence(
    model: ThemeModel,
    X: sp.csr_matrix,
    best: np.ndarray,
    chunk_tokens: list[list[Token]],
    limit: int,
    encoded: Encoded,
) -> list[list[str]]:
    """`_chunk_evidence` with word vectors: the terms and the words whose vectors raised the best theme, by one
    ranking of their contributions (same floor: a fifth of the strongest). A word carried by its vector more
    than by its own weight is shown with the theme's closest words: « canicule (≈ climat) »."""
    theme_vectors = model.semantic
    assert theme_vectors is not None
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    contribution = model.contributions(X.indices, X.data, best[rows]) if len(rows) else np.zeros(0)
    pushes = theme_vectors.pushes(encoded, best, model.semantic_weight)
    entries = encoded.counts.indptr
    terms, lemmas = model.vectoriser.terms, encoded.lemmas
    result: list[list[str]] = []
    for row in range(X.shape[0]):
        theme = int(best[row])
        start, end = X.indptr[row], X.indptr[row + 1]
        items: list[tuple[float, int, str]] = [  # (contribution, 0 for a term / 1 for a vector, term)
            (float(contribution[position]), 0, terms[X.indices[position]])
            for position in range(start, end)
            if contribution[position] > 0
        ]
        carried: dict[str, float] = {}
        for entry in range(entries[row], entries[row + 1]):
            if pushes[entry] > 0:
                carried[lemmas[entry]] = carried.get(lemmas[entry], 0.0) + float(pushes[entry])
        items += [(push, 1, lemma) for lemma, push in carried.items()]
        items.sort(key=lambda item: -item[0])
        own = theme_vectors.theme_words[theme] if carried else ()
        surface: dict[str, str] = {}
        for token in chunk_tokens[row]:
            surface.setdefault(token.lemma, token.surface)
        shown: list[str] = []
        covered: set[str] = set()
        floor = EVIDENCE_SHARE * items[0][0] if items else 0.0
        for value, kind, term in items:
            if value < floor or len(shown) == limit:
                break
            parts = term.split(" ")
            if covered.issuperset(parts):
                continue
            covered.update(parts)
            words = " ".join(surface.get(part, display(part)) for part in parts)
            if kind == 1 and term not in own:
                neighbours = theme_vectors.neighbours(term, theme)
                if neighbours:
                    words = f"{words} (≈ {', '.join(neighbours)})"
            shown.append(words)
        result.append(shown)
    return result
