"""French text analysis of consultations, in pure Python (no Django import): normalisation and lemmatisation,
theme tagging from a taxonomy (with or without labelled examples), topics within themes, near-duplicates,
audience comparison and roll-up by place. Entry point: `analyse()`; design and figures in docs/analysis.md."""

from cooperer.analysis.text.engine import PARTS, AnalysisError, Options, analyse
from cooperer.analysis.text.report import (
    Comparison,
    Contribution,
    DuplicateGroup,
    Quote,
    Report,
    Tag,
    Term,
    Theme,
    ThemeScore,
    ThemeSummary,
    Topic,
    Unit,
)

__all__ = [
    "PARTS",
    "AnalysisError",
    "Comparison",
    "Contribution",
    "DuplicateGroup",
    "Options",
    "Quote",
    "Report",
    "Tag",
    "Term",
    "Theme",
    "ThemeScore",
    "ThemeSummary",
    "Topic",
    "Unit",
    "analyse",
]
