"""What goes in and what comes out of `analyse()`: plain dataclasses, serialisable with `as_dict()` (JSON-ready:
strings, numbers, lists and dicts only)."""

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from cooperer.analysis.text.tagging import Theme

__all__ = [
    "Comparison",
    "Contribution",
    "DuplicateGroup",
    "Quote",
    "Report",
    "Tag",
    "Term",
    "Theme",
    "ThemeScore",
    "ThemeSummary",
    "Topic",
    "Unit",
]


@dataclass(frozen=True)
class Contribution:
    """One thing someone said. `audience` (habitants, professionnels, jeunes…) and the places are optional."""

    id: str
    text: str
    audience: str = ""
    qpv: str = ""
    commune: str = ""
    contract: str = ""


@dataclass(frozen=True)
class ThemeScore:
    theme: str
    score: float


@dataclass
class Tag:
    """The themes of one contribution. `theme` is the best one ("" when the text has no word the analysis
    knows, e.g. empty or emoji only); `themes` are all those retained (multi-label), best first; `evidence` are
    the words of the text that carried the best theme, strongest first."""

    id: str
    theme: str
    score: float
    themes: list[ThemeScore] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    topic: str = ""
    labelled: bool = False  # the theme was given by a person (labelled example), not computed
    # DuplicateGroup.number of the text's group of near-duplicates (the report lists the largest groups only). In
    # the report's tags, None when the text has no near-duplicate; tags handed to a sink carry the number as soon
    # as the text starts or joins a group, which may stay a group of one.
    duplicate_group: int | None = None


@dataclass(frozen=True)
class Quote:
    id: str
    text: str


@dataclass
class ThemeSummary:
    theme: str
    description: str
    contributions: int  # contributions whose best theme it is
    share: float  # of the analysed (non-empty) contributions
    mentions: int  # contributions where it is among the retained themes
    words: list[str] = field(default_factory=list)  # the words that weigh most for it in this corpus


@dataclass
class Topic:
    """A sub-subject that emerges within a theme, named by its most characteristic words."""

    theme: str
    label: str
    terms: list[str]
    contributions: int
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class DuplicateGroup:
    """Contributions that say the same thing in substance (near-identical words): "34 contributions disent en
    substance : …"."""

    number: int  # what Tag.duplicate_group refers to
    size: int
    representative: Quote
    member_ids: list[str]  # the first 20
    theme: str = ""


@dataclass(frozen=True)
class Term:
    """A word or a theme over- (z > 0) or under-represented (z < 0) in one group compared with another:
    weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008)."""

    term: str
    z: float
    log_odds: float
    count: int  # contributions of the group that contain it
    other_count: int  # contributions of the other group that contain it


@dataclass
class Comparison:
    """What `audience` says more (over) and less (under) than `other`."""

    audience: str
    other: str
    contributions: int
    other_contributions: int
    over: list[Term] = field(default_factory=list)
    under: list[Term] = field(default_factory=list)
    themes_over: list[Term] = field(default_factory=list)
    themes_under: list[Term] = field(default_factory=list)


@dataclass
class Unit:
    """One QPV, commune or contract: its counts, and what sets it apart from the rest (`compared_with`)."""

    level: str  # "qpv", "commune" or "contrat"
    key: str
    parent: str  # the commune of a QPV, the contract of a commune, "" for a contract
    contributions: int
    themes: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)  # "theme — topic label" -> count
    compared_with: str = ""
    specific_themes: list[Term] = field(default_factory=list)
    specific_topics: list[Term] = field(default_factory=list)


@dataclass
class Report:
    contributions: int
    analysed: int  # with at least one word the analysis knows
    themes: list[ThemeSummary]
    tags: list[Tag]  # empty when a sink received them
    topics: list[Topic]
    duplicates: list[DuplicateGroup]
    comparisons: list[Comparison]
    units: list[Unit]
    warnings: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)  # sizes and seconds per step

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
