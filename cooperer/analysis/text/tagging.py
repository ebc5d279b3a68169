"""Theme tagging from the names and one-line descriptions of the themes, improved by labelled examples.

Every step is linear in the TF-IDF vector of a contribution, so the final score of a theme is a sum of one
contribution per word, and the words that carried a tag can be shown (`evidence`):

1. **Prior from the taxonomy.** Each theme becomes a weighted bag of lemmas: the words of its name, of its
   description, and, with a lower weight, the related words of the public-policy concepts they name
   (`lexicon.RELATED_WORDS`); a word named by several themes counts less. Score of a contribution = dot product
   of its TF-IDF vector with that weighted bag.
2. **Self-training.** The contributions that the prior places most clearly in each theme (a share of each
   theme's best, so that a theme with a long description cannot absorb the others) train a logistic
   regression over all words, which learns the words that co-occur with the themes' words in *this*
   consultation ("potager" beside "jardin"); its predictions select the next training set; three rounds.
   (Latent semantic analysis of the corpus was tried for the same purpose and lowered the scores on the tuning
   set: short contributions give it too little co-occurrence to learn from.)
3. **Labelled examples**, when there are any, join every round with a high weight, and the prior's weight
   shrinks as labels accumulate (the animatrice's labels outweigh the descriptions).

Deterministic: logistic regression (lbfgs) is deterministic and the only sampling uses a fixed seed.
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from cooperer.analysis.text.features import Vectoriser
from cooperer.analysis.text.lexicon import RELATED_WORDS
from cooperer.analysis.text.normalise import features, lemmas

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression

    from cooperer.analysis.text.semantic import ThemeVectors

SEED = 2030
_EXPRESSION_BREAK = re.compile(r"[,;:/()·.!?]|\s(?:et|ou)\s", re.IGNORECASE)


@dataclass(frozen=True)
class TaggingParams:
    """Weights tuned on one dataset (bench/analysis_quality.py, Paris participatory budget), then frozen."""

    name_weight: float = 1.0
    description_weight: float = 0.6
    related_weight: float = 0.35
    expression_word_share: float = 0.5  # weight of each word of a several-word expression, relative to it
    rounds: int = 3
    pseudo_share: float = 0.6  # share of each theme's contributions (by the current ranking) used to train
    min_pseudo: int = 5
    max_training_rows: int = 20_000  # beyond, a seeded sample of the pseudo-labels: bounded time per round
    regularisation: float = 4.0  # inverse of the logistic regression's L2 penalty (C)
    prior_weight: float = 10.0  # weight of the prior's score beside the classifier's logits
    label_weight: float = 5.0  # sample weight of a labelled example relative to a pseudo-labelled one
    labels_half_life: float = 10.0  # labels per theme at which the prior's weight is halved
    # Softmax temperature without labels, falling towards 1 as labels accumulate (same half-life): chosen on the
    # tuning set so that a score of 0.5 is right about half of the time (lowest log-loss).
    temperature: float = 2.0
    balanced: bool = False  # weigh themes equally in each round, whatever their number of pseudo-labels
    multi_label_share: float = (
        0.5  # a second theme is kept when its probability is at least this × the best's
    )
    multi_label_min: float = 0.25
    # Weight of the cosine between a text and a theme in the space of French word vectors, beside the prior's
    # score (which is at most about 1 for a text made of one theme's name); nothing without the vectors.
    vector_weight: float = 0.3
    # Theme vectors from the related words of the lexicon too, not only from the name and description.
    vector_related: bool = True
    vector_example_share: float = 0.5  # labelled examples pull their theme's vector towards theirs


@dataclass(frozen=True)
class Theme:
    name: str
    description: str = ""


@dataclass
class ThemeModel:
    """The fitted tagger: `scores(X) = X @ weights.T + bias` (then softmax)."""

    themes: list[Theme]
    vectoriser: Vectoriser
    weights: np.ndarray  # themes × terms
    bias: np.ndarray
    seed_terms: list[dict[str, float]] = field(default_factory=list)
    temperature: float = 1.0
    semantic: "ThemeVectors | None" = None  # word vectors of the themes, when the vectors are installed
    semantic_weight: float = 0.0  # weight of the texts' cosines with the themes in the logits
    _totals: np.ndarray | None = field(default=None, repr=False)
    _favouring: np.ndarray | None = field(default=None, repr=False)

    def logits(self, X: sp.csr_matrix, similarity: np.ndarray | None = None) -> np.ndarray:
        """`similarity`: the rows' cosines with the themes (`semantic.Encoded.similarity`), when the model
        has word vectors."""
        logits = np.asarray(X @ self.weights.T) + self.bias
        if similarity is not None and self.semantic_weight:
            logits = logits + self.semantic_weight * similarity
        return logits

    def probabilities(self, X: sp.csr_matrix, similarity: np.ndarray | None = None) -> np.ndarray:
        return softmax(self.logits(X, similarity) / self.temperature)

    def support(self, X: sp.csr_matrix) -> np.ndarray:
        """For each row and theme, the strongest contribution of one word of the text favouring the theme over
        the average of the others: does the text speak of that theme at all, whatever else it speaks of."""
        if self._favouring is None:
            themes = len(self.themes)
            if themes > 1:
                contrast = (themes * self.weights - self.weights.sum(axis=0)) / (themes - 1)
            else:
                contrast = self.weights
            self._favouring = np.maximum(contrast, 0).T.astype(np.float32)  # terms × themes
        result = np.zeros((X.shape[0], len(self.themes)), dtype=np.float32)
        lengths = np.diff(X.indptr)
        rows = np.flatnonzero(lengths)
        if len(rows):
            values = X.data[:, None] * self._favouring[X.indices]
            result[rows] = np.maximum.reduceat(values, X.indptr[rows], axis=0)
        return result

    def contributions(self, columns: np.ndarray, values: np.ndarray, themes: np.ndarray) -> np.ndarray:
        """How much each (term, TF-IDF value) raises its theme above the average of the other themes."""
        if self._totals is None:
            self._totals = self.weights.sum(axis=0)
        own = self.weights[themes, columns]
        others = (self._totals[columns] - own) / max(len(self.themes) - 1, 1)
        return values * (own - others)

    def evidence(self, X: sp.csr_matrix, row: int, theme: int, limit: int = 5) -> list[tuple[str, float]]:
        """Terms of contribution `row` that raised `theme` above the average of the other themes, strongest
        first: the words that carried the tag."""
        start, end = X.indptr[row], X.indptr[row + 1]
        columns, values = X.indices[start:end], X.data[start:end]
        if not len(columns):
            return []
        contribution = self.contributions(columns, values, np.full(len(columns), theme))
        order = np.argsort(-contribution, kind="stable")[:limit]
        return [
            (self.vectoriser.terms[columns[i]], float(contribution[i])) for i in order if contribution[i] > 0
        ]


def theme_terms(theme: Theme, params: TaggingParams, related: bool = True) -> dict[str, float]:
    """The bag of lemmas that describes a theme before any example: name, description, related words.

    Names and descriptions are lists of expressions ("Logement et cadre de vie", "Sécurité, incivilités,
    trafics"). A one-word expression keeps its full weight; in a longer one ("cadre de vie", "centre social"),
    the expression as a pair of words keeps it and each word alone gets half: "cadre" alone is as likely to
    come from "dans le cadre du contrat de ville"."""
    terms: dict[str, float] = {}

    def add(text: str, weight: float) -> None:
        for expression in _EXPRESSION_BREAK.split(text):
            words = lemmas(expression)
            single = weight if len(words) == 1 else weight * params.expression_word_share
            for term in features(words):
                share = weight if " " in term else single
                terms[term] = max(terms.get(term, 0.0), share)

    add(theme.name, params.name_weight)
    add(theme.description, params.description_weight)
    own = set(terms)
    for heads, words in _concepts() if related else ():
        if own & heads:
            for term in sorted(heads | words):
                terms.setdefault(term, params.related_weight)
    return terms


def theme_seeds(themes: Sequence[Theme], params: TaggingParams) -> list[dict[str, float]]:
    """Each theme's weighted terms, a word shared by several themes divided by their number."""
    return _discriminative([theme_terms(theme, params) for theme in themes])


def _discriminative(seeds: list[dict[str, float]]) -> list[dict[str, float]]:
    """A word named by several themes ("rue" in "nettoyage des rues" and in "aménagement des rues") says
    little about which one a text belongs to: its weight is divided by the number of themes that use it."""
    shared: Counter[str] = Counter(term for terms in seeds for term in terms)
    return [{term: weight / shared[term] for term, weight in terms.items()} for terms in seeds]


def fit(
    themes: Sequence[Theme],
    vectoriser: Vectoriser,
    X: sp.csr_matrix,
    labelled_rows: np.ndarray | None = None,
    labelled_themes: np.ndarray | None = None,
    params: TaggingParams = TaggingParams(),
    semantic: "ThemeVectors | None" = None,
    similarity: np.ndarray | None = None,
) -> ThemeModel:
    """Fit on the TF-IDF rows of the corpus (or of a sample of it); labelled rows index into X. With word
    vectors, `similarity` holds the cosines of X's rows with the themes: added to the prior with
    `params.vector_weight`, the rest unchanged."""
    from sklearn.linear_model import LogisticRegression  # imported here: importing the package stays quick

    themes = list(themes)
    seeds = theme_seeds(themes, params)
    prior = _prior(seeds, vectoriser)
    if labelled_rows is None or labelled_themes is None:
        labelled_rows = np.zeros(0, dtype=np.int64)
        labelled_themes = np.zeros(0, dtype=np.int64)
    per_theme = len(labelled_rows) / max(len(themes), 1)
    prior_weight = params.prior_weight * params.labels_half_life / (params.labels_half_life + per_theme)
    scores = np.asarray(X @ prior.T)
    # Pseudo-labels only for contributions that share a word with some theme (their label may change from round
    # to round): a text made only of words no theme names would otherwise teach its words to whichever theme
    # the classifier's bias favours, and the next round would believe it.
    usable = scores.max(axis=1) > 0
    vector_weight = params.vector_weight if semantic is not None and similarity is not None else 0.0
    if vector_weight:
        scores = scores + vector_weight * similarity
    weights, bias = prior_weight * prior, np.zeros(len(themes))
    for _ in range(params.rounds):
        rows, targets, sample_weight = _training_set(scores, usable, labelled_rows, labelled_themes, params)
        if len(np.unique(targets)) < 2:
            break
        classifier = LogisticRegression(
            C=params.regularisation,
            max_iter=300,
            tol=1e-3,
            class_weight="balanced" if params.balanced else None,
        )
        classifier.fit(X[rows], targets, sample_weight=sample_weight)
        coef, intercept = _full_coefficients(classifier, len(themes), X.shape[1])
        weights = coef + prior_weight * prior
        bias = intercept
        scores = np.asarray(X @ weights.T) + bias
        if vector_weight:
            scores = scores + prior_weight * vector_weight * similarity
    shrink = params.labels_half_life / (params.labels_half_life + per_theme)
    temperature = 1.0 + (params.temperature - 1.0) * shrink
    return ThemeModel(
        themes,
        vectoriser,
        weights.astype(np.float32),
        bias.astype(np.float32),
        seeds,
        temperature=temperature,
        semantic=semantic if vector_weight else None,
        semantic_weight=prior_weight * vector_weight,
    )


def _prior(seeds: list[dict[str, float]], vectoriser: Vectoriser) -> np.ndarray:
    """Theme vectors over the vocabulary: each word's weight (name, description, related) × its idf.

    Not one unit vector per theme: a theme described by many words would give each a small weight and lose
    to a theme of three words. One scale for all themes keeps a word's weight what its role says."""
    prior = np.vstack([vectoriser.vector(terms) for terms in seeds])
    return prior / max(float(prior.max(initial=0.0)), 1e-9)


def _training_set(
    scores: np.ndarray,
    usable: np.ndarray,
    labelled_rows: np.ndarray,
    labelled_themes: np.ndarray,
    params: TaggingParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pseudo-labels: for each theme, the best-placed share of the contributions it wins (with a positive
    margin over the runner-up); then the labelled examples, which override any pseudo-label."""
    n, themes = scores.shape
    best = scores.argmax(axis=1)
    ordered = np.sort(scores, axis=1)
    margin = ordered[:, -1] - (ordered[:, -2] if themes > 1 else 0)
    is_labelled = np.zeros(n, dtype=bool)
    is_labelled[labelled_rows] = True
    rows, targets = [], []
    for theme in range(themes):
        candidates = np.flatnonzero((best == theme) & usable & ~is_labelled)
        if not len(candidates):
            continue
        take = max(params.min_pseudo, int(np.ceil(params.pseudo_share * len(candidates))))
        chosen = candidates[np.argsort(-margin[candidates], kind="stable")[:take]]
        rows.append(chosen)
        targets.append(np.full(len(chosen), theme))
    pseudo_rows, pseudo_targets = (
        np.concatenate(rows or [np.zeros(0)]),
        np.concatenate(targets or [np.zeros(0)]),
    )
    if len(pseudo_rows) > params.max_training_rows:
        keep = np.random.default_rng(SEED).choice(len(pseudo_rows), params.max_training_rows, replace=False)
        keep.sort()
        pseudo_rows, pseudo_targets = pseudo_rows[keep], pseudo_targets[keep]
    all_rows = np.concatenate([pseudo_rows, labelled_rows]).astype(np.int64)
    all_targets = np.concatenate([pseudo_targets, labelled_themes]).astype(np.int64)
    sample_weight = np.where(np.arange(len(all_rows)) >= len(pseudo_rows), params.label_weight, 1.0)
    return all_rows, all_targets, sample_weight


def _full_coefficients(
    classifier: "LogisticRegression", themes: int, terms: int
) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients for every theme, also those absent from the training set (which get a low bias)."""
    coef = np.zeros((themes, terms))
    intercept = np.full(themes, -5.0)
    classes = classifier.classes_.astype(int)
    if len(classes) == 2:  # binary problems have one row of coefficients
        coef[classes[1]], intercept[classes[1]] = classifier.coef_[0] / 2, classifier.intercept_[0] / 2
        coef[classes[0]], intercept[classes[0]] = -classifier.coef_[0] / 2, -classifier.intercept_[0] / 2
    else:
        coef[classes] = classifier.coef_
        intercept[classes] = classifier.intercept_
    return coef, intercept


def best_supported(scores: np.ndarray, support: np.ndarray) -> np.ndarray:
    """The best-scoring theme among those that some word of the text favours (`ThemeModel.support` > 0).

    The plain argmax also counts each theme's intercept: a text whose words the classifier barely knows
    ("un vide-grenier au printemps", when no theme names those words and self-training learnt them weakly)
    went to the theme with the largest intercept, for which none of its words speaks, and was then left
    unclassified for want of evidence. Which theme has the largest intercept depends on the fit sample: at
    2,000,000 synthetic contributions it made 10,082 texts unclassified, against 17 at 1,000,000. Texts with
    no supported theme keep the plain argmax (they are left unclassified anyway: no word to show)."""
    supported = support > 0
    masked = np.where(supported, scores, -np.inf)
    return np.where(supported.any(axis=1), masked.argmax(axis=1), scores.argmax(axis=1))


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


_CONCEPTS: list[tuple[frozenset[str], frozenset[str]]] = []


def _concepts() -> list[tuple[frozenset[str], frozenset[str]]]:
    """RELATED_WORDS as terms of the vocabulary (lemmas; two-word expressions as "lemma lemma"), computed once
    per process with the contributions' own pipeline."""
    if not _CONCEPTS:
        for line in RELATED_WORDS:
            heads, _, related = line.partition(":")
            _CONCEPTS.append((_terms_of(heads), _terms_of(related)))
    return _CONCEPTS


def _terms_of(words: str) -> frozenset[str]:
    terms = (" ".join(lemmas(word.replace("-", " "))) for word in words.split())
    return frozenset(term for term in terms if term)
