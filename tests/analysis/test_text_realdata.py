"""On real French participation texts (../shared/data/consultation): tagging from the themes' names and
descriptions beats keyword matching. The full figures are in bench/analysis_quality.py and docs/analysis.md."""

import importlib.util
from pathlib import Path

import pytest

from cooperer.analysis.text import Contribution, Theme, analyse

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def consultation_data(shared_data):
    folder = shared_data / "consultation" / "decidim_mel_granddebat"
    if not folder.is_dir():
        pytest.skip(f"Textes de consultation réels absents ({folder}) : test sur données réelles ignoré.")
    return shared_data / "consultation"


def quality_bench():
    spec = importlib.util.spec_from_file_location("analysis_quality", ROOT / "bench" / "analysis_quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.realdata
def test_grand_debat_texts_are_tagged_from_the_theme_descriptions_alone(consultation_data):
    bench = quality_bench()
    texts, labels, themes = bench.load_decidim(consultation_data)

    report = analyse(
        [Contribution(str(i), text) for i, text in enumerate(texts)],
        [Theme(name, description) for name, description in themes.items()],
        parts=("tags",),
    )

    predicted = [tag.theme for tag in report.tags]
    engine = bench.macro_f1(labels, predicted, list(themes))
    keywords = bench.macro_f1(labels, bench.keyword_baseline(texts, themes), list(themes))
    assert len(texts) > 800
    assert engine >= 0.6
    assert engine > keywords + 0.05
