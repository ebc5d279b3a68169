"""Counts gathered chunk by chunk during the second pass, and the report built from them: theme summaries,
topics, duplicate groups, audience comparisons and the roll-up QPV → commune → contract."""

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from cooperer.analysis.text.contrast import top_terms
from cooperer.analysis.text.duplicates import DuplicateFinder
from cooperer.analysis.text.features import Vectoriser
from cooperer.analysis.text.normalise import display
from cooperer.analysis.text.report import (
    Comparison,
    Contribution,
    DuplicateGroup,
    Quote,
    Report,
    Tag,
    Term,
    ThemeSummary,
    Topic,
    Unit,
)
from cooperer.analysis.text.tagging import Theme, ThemeModel
from cooperer.analysis.text.topics import ThemeTopics, shorten

if TYPE_CHECKING:
    from cooperer.analysis.text.engine import Options

MAX_AUDIENCES = 12  # beyond, the smallest audiences are pooled: a comparison needs enough texts on each side
PAIRWISE_UP_TO = 5  # up to 5 audiences, every pair is compared; beyond, each audience against all the others
OTHER_AUDIENCES = "autres publics"
LEVELS = ("qpv", "commune", "contrat")


@dataclass
class _UnitCounts:
    level: str
    key: str
    parent: str
    contract: str
    contributions: int = 0
    themes: np.ndarray = field(default_factory=lambda: np.zeros(0))
    topics: Counter = field(default_factory=Counter)


class Accumulators:
    def __init__(self, names: list[str], topics: dict[int, ThemeTopics], vectoriser: Vectoriser) -> None:
        self.names = names
        self.topics = topics
        self.terms = vectoriser.terms
        self.themes = np.zeros(len(names), dtype=np.int64)
        self.mentions = np.zeros(len(names), dtype=np.int64)
        self.topic_counts = {
            theme: np.zeros(len(fit.topics), dtype=np.int64) for theme, fit in topics.items()
        }
        self.analysed = 0
        self.audiences: dict[str, int] = {}
        self.audience_terms: list[np.ndarray] = []
        self.audience_themes: list[np.ndarray] = []
        self.audience_sizes: list[int] = []
        self.units: dict[tuple[str, str], _UnitCounts] = {}
        self.labelled_seen: set[str] = set()

    def add(
        self,
        chunk: list[Contribution],
        term_presence: sp.csr_matrix,
        best: np.ndarray,
        topic_of: np.ndarray,
        tags: list[Tag],
    ) -> None:
        """One chunk: best theme per row (-1 when the text has no known word), topic per row (-1: none)."""
        analysed = best >= 0
        self.analysed += int(analysed.sum())
        self.themes += np.bincount(best[analysed], minlength=len(self.names))
        index = {name: i for i, name in enumerate(self.names)}
        for tag in tags:
            for retained in tag.themes:
                self.mentions[index[retained.theme]] += 1
        for theme, counts in self.topic_counts.items():
            rows = (best == theme) & (topic_of >= 0)
            counts += np.bincount(topic_of[rows], minlength=len(counts))
        audience_rows: dict[int, list[int]] = {}
        for row, contribution in enumerate(chunk):
            if analysed[row] and contribution.audience.strip():
                audience_rows.setdefault(self._audience(contribution.audience.strip()), []).append(row)
            self._add_to_units(contribution, int(best[row]), int(topic_of[row]))
        for audience, rows in audience_rows.items():
            self.audience_terms[audience] += np.asarray(term_presence[rows].sum(axis=0)).ravel()
            self.audience_themes[audience] += np.bincount(best[rows], minlength=len(self.names))
            self.audience_sizes[audience] += len(rows)

    def _audience(self, name: str) -> int:
        if name not in self.audiences:
            if len(self.audiences) >= MAX_AUDIENCES:
                name = OTHER_AUDIENCES
                if name in self.audiences:
                    return self.audiences[name]
            self.audiences[name] = len(self.audiences)
            self.audience_terms.append(np.zeros(len(self.terms)))
            self.audience_themes.append(np.zeros(len(self.names), dtype=np.int64))
            self.audience_sizes.append(0)
        return self.audiences[name]

    def _add_to_units(self, contribution: Contribution, theme: int, topic: int) -> None:
        qpv, commune, contract = (
            value.strip() for value in (contribution.qpv, contribution.commune, contribution.contract)
        )
        places = [
            ("qpv", qpv, commune or contract),
            ("commune", commune, contract),
            ("contrat", contract, ""),
        ]
        for level, key, parent in places:
            if not key:
                continue
            unit = self.units.get((level, key))
            if unit is None:
                unit = _UnitCounts(
                    level, key, parent, contract, themes=np.zeros(len(self.names), dtype=np.int64)
                )
                self.units[(level, key)] = unit
            unit.contributions += 1
            if theme >= 0:
                unit.themes[theme] += 1
                if topic >= 0 and theme in self.topics:
                    unit.topics[_topic_key(self.names[theme], self.topics[theme].topics[topic].label)] += 1


def _topic_key(theme: str, label: str) -> str:
    return f"{theme} — {label}" if label else theme


def build_report(
    *,
    contributions: int,
    themes: list[Theme],
    model: ThemeModel,
    tags: list[Tag],
    accumulators: Accumulators,
    finder: DuplicateFinder | None,
    wanted: set[str],
    options: "Options",
) -> Report:
    report = Report(
        contributions=contributions,
        analysed=accumulators.analysed,
        themes=_theme_summaries(themes, model, accumulators),
        tags=tags,
        topics=_topics(accumulators) if "topics" in wanted else [],
        duplicates=[],
        comparisons=_comparisons(accumulators, options.max_terms) if "comparisons" in wanted else [],
        units=_units(accumulators, options.max_terms) if "units" in wanted else [],
    )
    if finder is not None:
        found = finder.groups()
        grouped = {group.number for group in found}
        found = found[: options.max_duplicate_groups]
        report.duplicates = [
            DuplicateGroup(
                number=group.number,
                size=group.size,
                representative=Quote(group.representative_id, shorten(group.representative_text)),
                member_ids=group.member_ids,
                theme=group.theme,
            )
            for group in found
        ]
        for tag in tags:
            if tag.duplicate_group not in grouped:
                tag.duplicate_group = None  # it started a group that nobody joined
    return report


def _theme_summaries(
    themes: list[Theme], model: ThemeModel, accumulators: Accumulators
) -> list[ThemeSummary]:
    weights = model.weights.astype(np.float64)
    summaries = []
    for i, theme in enumerate(themes):
        own = weights[i] - (weights.sum(axis=0) - weights[i]) / max(len(themes) - 1, 1)
        top = np.argsort(-own, kind="stable")[:8]
        summaries.append(
            ThemeSummary(
                theme=theme.name,
                description=theme.description,
                contributions=int(accumulators.themes[i]),
                share=round(float(accumulators.themes[i]) / max(accumulators.analysed, 1), 4),
                mentions=int(accumulators.mentions[i]),
                words=[display(model.vectoriser.terms[j]) for j in top if own[j] > 0],
            )
        )
    return summaries


def _topics(accumulators: Accumulators) -> list[Topic]:
    result = []
    for theme, fit in sorted(accumulators.topics.items()):
        counts = accumulators.topic_counts[theme]
        for topic in np.argsort(-counts, kind="stable"):
            if counts[topic] == 0:
                continue
            found = fit.topics[topic]
            result.append(
                Topic(
                    theme=accumulators.names[theme],
                    label=found.label,
                    terms=found.terms,
                    contributions=int(counts[topic]),
                    quotes=[Quote(identifier, text) for identifier, text in found.quotes],
                )
            )
    return result


def _terms(rows: list[tuple[str, float, float, int, int]], shown: bool = True) -> list[Term]:
    return [Term(display(name) if shown else name, z, delta, a, b) for name, z, delta, a, b in rows]


def _comparisons(accumulators: Accumulators, limit: int) -> list[Comparison]:
    names = list(accumulators.audiences)
    if len(names) < 2:
        return []
    order = sorted(range(len(names)), key=lambda i: (-accumulators.audience_sizes[i], names[i]))
    if len(names) <= PAIRWISE_UP_TO:
        pairs = [
            (
                names[a],
                accumulators.audience_terms[a],
                accumulators.audience_themes[a],
                accumulators.audience_sizes[a],
                names[b],
                accumulators.audience_terms[b],
                accumulators.audience_themes[b],
                accumulators.audience_sizes[b],
            )
            for a, b in combinations(order, 2)
        ]
    else:
        all_terms = np.sum(accumulators.audience_terms, axis=0)
        all_themes = np.sum(accumulators.audience_themes, axis=0)
        everyone = sum(accumulators.audience_sizes)
        pairs = [
            (
                names[a],
                accumulators.audience_terms[a],
                accumulators.audience_themes[a],
                accumulators.audience_sizes[a],
                "les autres publics",
                all_terms - accumulators.audience_terms[a],
                all_themes - accumulators.audience_themes[a],
                everyone - accumulators.audience_sizes[a],
            )
            for a in order
        ]
    comparisons = []
    for name, terms, themes, size, other, other_terms, other_themes, other_size in pairs:
        over, under = top_terms(accumulators.terms, terms, other_terms, limit=limit)
        themes_over, themes_under = top_terms(accumulators.names, themes, other_themes, limit=limit)
        comparisons.append(
            Comparison(
                audience=name,
                other=other,
                contributions=size,
                other_contributions=other_size,
                over=_terms(over),
                under=_terms(under),
                themes_over=_terms(themes_over, shown=False),
                themes_under=_terms(themes_under, shown=False),
            )
        )
    return comparisons


def _units(accumulators: Accumulators, limit: int) -> list[Unit]:
    topic_keys = sorted({key for unit in accumulators.units.values() for key in unit.topics})
    totals = _totals(accumulators, topic_keys)
    result = []
    for level in LEVELS:
        for (unit_level, _key), unit in sorted(accumulators.units.items()):
            if unit_level != level:
                continue
            themes, topics = unit.themes, np.array([unit.topics[k] for k in topic_keys], dtype=np.float64)
            scope = accumulators.units.get(("contrat", unit.contract)) if level != "contrat" else None
            if scope is not None and scope.contributions > unit.contributions:
                compared_with = f"le reste du contrat {unit.contract}"
                scope_themes = scope.themes
                scope_topics = np.array([scope.topics[k] for k in topic_keys], dtype=np.float64)
            else:
                compared_with = "le reste des contributions"
                scope_themes, scope_topics = totals
            result.append(
                _unit(
                    unit,
                    themes,
                    topics,
                    scope_themes,
                    scope_topics,
                    compared_with,
                    accumulators,
                    topic_keys,
                    limit,
                )
            )
    return result


def _totals(accumulators: Accumulators, topic_keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    topic_totals: Counter = Counter()
    for theme, fit in accumulators.topics.items():
        for topic, count in enumerate(accumulators.topic_counts[theme]):
            topic_totals[_topic_key(accumulators.names[theme], fit.topics[topic].label)] += int(count)
    return accumulators.themes, np.array([topic_totals[k] for k in topic_keys], dtype=np.float64)


def _unit(
    unit: _UnitCounts,
    themes: np.ndarray,
    topics: np.ndarray,
    scope_themes: np.ndarray,
    scope_topics: np.ndarray,
    compared_with: str,
    accumulators: Accumulators,
    topic_keys: list[str],
    limit: int,
) -> Unit:
    rest_themes = np.maximum(scope_themes - themes, 0)
    rest_topics = np.maximum(scope_topics - topics, 0)
    specific_themes: list[Any] = []
    specific_topics: list[Any] = []
    if rest_themes.sum() > 0:
        specific_themes, _ = top_terms(accumulators.names, themes, rest_themes, limit=limit)
    if len(topic_keys) and rest_topics.sum() > 0:
        specific_topics, _ = top_terms(topic_keys, topics, rest_topics, limit=limit)
    return Unit(
        level=unit.level,
        key=unit.key,
        parent=unit.parent,
        contributions=unit.contributions,
        themes={accumulators.names[i]: int(count) for i, count in enumerate(themes) if count},
        topics={key: int(count) for key, count in zip(topic_keys, topics, strict=True) if count},
        compared_with=compared_with if specific_themes or specific_topics else "",
        specific_themes=_terms(specific_themes, shown=False),
        specific_topics=_terms(specific_topics, shown=False),
    )
