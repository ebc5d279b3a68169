"""Quality of theme tagging on real labelled French texts, with 0 and 20 labelled examples per theme.

Datasets (../shared/data/consultation/, see its PROVENANCE.md):
- paris: Paris participatory budget, 1,341 winning projects (short titles), 11 « thématiques ». TUNING SET: the
  weights of `tagging.TaggingParams` were chosen on it; its figures are not evidence of generalisation.
- anct: ANCT/DGCL 2019 investment grants (DETR/DSIL/DSID), 24,811 project descriptions, 8 categories (label
  variants merged). Held out.
- decidim: Grand Débat 2019 on the Decidim platform of the Lille metropolis: free proposals (title + body) with
  their category, and the comments on the 29 debates joined to their debate's theme (replies follow their
  parent), 4 themes ("Autre sujet" and uncategorised proposals left out). Held out.

Each theme gets a one-line French description written as an animatrice would, from the category name and
general knowledge of the field, not from the texts. The whole dataset is the corpus (as in a real consultation,
every contribution is analysed at once); scores are computed on the contributions that were not given as
labels. Compared with:
- keyword baseline: the lemmas of the theme's name and description, the theme with the most matches wins
  (no match: no theme, counted as a miss);
- TF-IDF + logistic regression baseline: scikit-learn defaults (word unigrams, accents stripped), trained on the
  same labelled examples.
And, for context, `supervised_reference_macro_f1`: the same plain model trained on 80 % of all the dataset's
labels (5-fold cross-validation), i.e. how far the dataset's own categories can be learnt from its words.
With labels: 20 per theme drawn at random (half of a theme's texts when it has fewer than 40), three draws
(seeds 1, 2, 3), mean macro-F1 reported with each draw's figure.

Run: .venv/bin/python bench/analysis_quality.py [--datasets paris,anct,decidim] [--labels 20] [--draws 3]
Prints one JSON object on stdout; progress on stderr. Exit code 2 if the reference data are absent.
"""

import argparse
import csv
import json
import os
import re
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline

from cooperer.analysis.text import Contribution, Theme, analyse
from cooperer.analysis.text.normalise import fold, lemmas

ROOT = Path(__file__).resolve().parent.parent
CONSULTATION = Path("consultation")
TUNING_SET = "paris"
TARGET_ZERO = 0.75
TARGET_TWENTY = 0.88

PARIS_THEMES = {
    "Cadre de vie": "Aménagement des rues et des places, embellissement, mobilier urbain, éclairage, équipements de proximité",
    "Education et jeunesse": "Écoles, collèges, activités pour les enfants et les jeunes, soutien scolaire",
    "Environnement": "Nature en ville, espaces verts, arbres, jardins, biodiversité, climat et énergie",
    "Culture et patrimoine": "Bibliothèques, musique, arts, spectacles, fresques et mise en valeur du patrimoine",
    "Solidarités": "Aide aux personnes en difficulté, sans-abri, précarité, handicap, personnes âgées, entraide",
    "Sport": "Équipements sportifs, terrains, gymnases, piscines, sport en accès libre",
    "Mobilités": "Déplacements à pied et à vélo, pistes cyclables, circulation, stationnement",
    "Prévention et sécurité": "Sécurité des rues et des traversées, prévention, tranquillité publique",
    "Propreté": "Déchets, poubelles, tri, recyclage, nettoyage des rues",
    "Santé": "Accès aux soins, prévention santé, bien-être",
    "Attractivité et emploi": "Commerces, emploi, entreprises, insertion professionnelle, économie locale",
}

ANCT_THEMES = {
    "1 - Santé, sanitaire et social": "Équipements de santé et d'action sociale : maisons de santé, établissements pour personnes âgées, aide sociale",
    "2 - Economie et emploi": "Développement économique, commerce, tourisme, numérique, soutien à l'emploi et aux entreprises",
    "3 - Environnement, transition énergétique et écologie": "Rénovation énergétique des bâtiments, énergies renouvelables, eau, assainissement, biodiversité",
    "4 - Education": "Construction et rénovation d'écoles, de collèges et d'équipements scolaires et périscolaires",
    "5 - Actions et services publics": "Mairies, services publics de proximité, équipements communaux et administration",
    "6 - Mise aux normes et sécurisation": "Mise aux normes, accessibilité des bâtiments publics, sécurité incendie et sécurisation des équipements",
    "7 - Construction, habitat, urbanisme et transport": "Voirie, aménagement des bourgs, logement, urbanisme, transports et déplacements",
    "8 - Contrat de Ruralité": "Projets inscrits dans un contrat de ruralité pour revitaliser les petites communes rurales",
}

DECIDIM_THEMES = {
    "Transition écologique": "Climat, énergie, pollution, transports propres, agriculture et alimentation, biodiversité",
    "Impôts, dépenses, action publique": "Impôts et taxes, justice fiscale, dépenses publiques, économies budgétaires, services publics",
    "Démocratie et citoyenneté": "Vote, élections, référendum, participation des citoyens, laïcité, immigration et intégration",
    "Organisation de l'État et des collectivités publiques": "Administration, fonctionnaires, décentralisation, rôle des communes, départements et régions, élus locaux",
}


def log(message: str) -> None:
    print(f"[bench analysis_quality] {message}", file=sys.stderr, flush=True)


def reference_dir() -> Path:
    """$COOPERER_REFERENCE_DIR, else ../shared/data next to the project; exit 2 when neither holds the texts."""
    candidates = []
    if os.environ.get("COOPERER_REFERENCE_DIR"):
        candidates.append(Path(os.environ["COOPERER_REFERENCE_DIR"]))
    candidates.append(ROOT.parent / "shared" / "data")
    for candidate in candidates:
        if (candidate / CONSULTATION).is_dir():
            return candidate / CONSULTATION
    tried = ", ".join(str(candidate / CONSULTATION) for candidate in candidates)
    print(
        f"Textes de consultation étiquetés introuvables (cherché : {tried}). Définissez COOPERER_REFERENCE_DIR "
        "(dossier contenant consultation/) pour mesurer la qualité de l'analyse.",
        file=sys.stderr,
    )
    sys.exit(2)


def load_paris(folder: Path) -> tuple[list[str], list[str], dict[str, str]]:
    database = folder / "paris_budget_participatif_laureats" / "bp_projects.db"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT titre_projet_gagnant, thematique FROM projects").fetchall()
    texts, labels = [], []
    for title, theme in rows:
        if title and theme in PARIS_THEMES:
            texts.append(title)
            labels.append(theme)
    return texts, labels, PARIS_THEMES


def load_anct(folder: Path) -> tuple[list[str], list[str], dict[str, str]]:
    path = folder / "anct_dotations_investissement_2019" / "projets_dotations_investissement_2019.csv"
    canonical = {_label_key(name): name for name in ANCT_THEMES}
    texts, labels = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            theme = canonical.get(_label_key(row["categorie"]))
            if theme and row["description"].strip():
                texts.append(row["description"])
                labels.append(theme)
    return texts, labels, ANCT_THEMES


def _label_key(label: str) -> str:
    """ "5 - Actions et Services publics " and "7 - … transports" are the same categories as their variants."""
    return re.sub(r"s\b", "", label.strip().lower())


def load_decidim(folder: Path) -> tuple[list[str], list[str], dict[str, str]]:
    base = folder / "decidim_mel_granddebat"

    def rows(name: str) -> list[dict[str, str]]:
        with open(base / name, encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle, delimiter=";"))

    by_key = {_theme_key(name): name for name in DECIDIM_THEMES}
    texts, labels = [], []
    for row in rows("propositions-libres.csv"):
        theme = by_key.get(_theme_key(row["category/name/fr"]))
        if theme:
            texts.append(f"{row['title']}. {row['body']}")
            labels.append(theme)
    debate_theme = {}
    for row in rows("debats.csv"):
        heading = re.sub(r"<[^>]+>|&nbsp;", " ", row["description/fr"])
        theme = next((name for key, name in by_key.items() if key in _theme_key(heading)), None)
        if theme:
            debate_theme[row["id"]] = theme
    comments = rows("commentaires_debats.csv")
    parent = {row["id"]: row["commentable_id"] for row in comments}
    for row in comments:
        target, hops = row["commentable_id"], 0
        while target not in debate_theme and target in parent and hops < 20:
            target, hops = parent[target], hops + 1
        if target in debate_theme and row["body"].strip():
            texts.append(row["body"])
            labels.append(debate_theme[target])
    return texts, labels, DECIDIM_THEMES


def _theme_key(name: str) -> str:
    return re.sub(r"\W+", " ", fold(name)).strip()[:25]


LOADERS = {"paris": load_paris, "anct": load_anct, "decidim": load_decidim}


def draw_labels(labels: list[str], per_theme: int, seed: int) -> dict[int, str]:
    rng = np.random.default_rng(seed)
    chosen = {}
    for theme in sorted(set(labels)):
        rows = np.flatnonzero(np.array(labels) == theme)
        take = min(per_theme, len(rows) // 2) if len(rows) < 2 * per_theme else per_theme
        for row in rng.choice(rows, size=take, replace=False):
            chosen[int(row)] = theme
    return chosen


def macro_f1(truth: list[str], predicted: list[str], themes: list[str]) -> float:
    return float(f1_score(truth, predicted, labels=themes, average="macro", zero_division=0))


def keyword_baseline(texts: list[str], themes: dict[str, str]) -> list[str]:
    keywords = {name: set(lemmas(f"{name} {description}")) for name, description in themes.items()}
    predictions = []
    for text in texts:
        words = Counter(lemmas(text))
        hits = {name: sum(words[word] for word in words_of) for name, words_of in keywords.items()}
        best = max(hits, key=lambda name: hits[name])
        predictions.append(best if hits[best] else "")
    return predictions


def tfidf_baseline(texts: list[str], chosen: dict[int, str]) -> list[str]:
    vectoriser = TfidfVectorizer(strip_accents="unicode", lowercase=True)
    matrix = vectoriser.fit_transform(texts)
    rows = sorted(chosen)
    model = LogisticRegression(max_iter=1000)
    model.fit(matrix[rows], [chosen[row] for row in rows])
    return list(model.predict(matrix))


def supervised_reference(texts: list[str], labels: list[str], themes: list[str]) -> float:
    """What the labels allow at best with a plain model: TF-IDF + logistic regression trained on 80 % of *all*
    labelled texts, 5-fold cross-validated. Not a baseline (it uses thousands of labels): a ceiling that says
    how consistent the dataset's own categories are."""
    pipeline = make_pipeline(TfidfVectorizer(strip_accents="unicode"), LogisticRegression(max_iter=1000))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    predicted = cross_val_predict(pipeline, texts, labels, cv=folds)
    return macro_f1(labels, list(predicted), themes)


def engine(
    texts: list[str], themes: dict[str, str], chosen: dict[int, str] | None
) -> tuple[list[str], float]:
    contributions = [Contribution(id=str(i), text=text) for i, text in enumerate(texts)]
    theme_list = [Theme(name, description) for name, description in themes.items()]
    labelled = {str(row): theme for row, theme in (chosen or {}).items()}
    started = time.perf_counter()
    report = analyse(contributions, theme_list, labelled=labelled or None, parts=("tags",))
    elapsed = time.perf_counter() - started
    return [tag.theme for tag in report.tags], elapsed


def evaluate(name: str, folder: Path, per_theme: int, draws: int) -> dict:
    texts, labels, themes = LOADERS[name](folder)
    names = list(themes)
    log(f"{name} : {len(texts)} textes, {len(names)} thèmes")
    predicted, seconds = engine(texts, themes, None)
    result = {
        "texts": len(texts),
        "themes": len(names),
        "tuned_on": name == TUNING_SET,
        "class_counts": dict(Counter(labels).most_common()),
        "supervised_reference_macro_f1": round(supervised_reference(texts, labels, names), 3),
        "zero_labels": {
            "engine_macro_f1": round(macro_f1(labels, predicted, names), 3),
            "engine_accuracy": round(float(np.mean(np.array(predicted) == np.array(labels))), 3),
            "keyword_macro_f1": round(macro_f1(labels, keyword_baseline(texts, themes), names), 3),
            "engine_seconds": round(seconds, 2),
        },
    }
    rows = []
    for seed in range(1, draws + 1):
        chosen = draw_labels(labels, per_theme, seed)
        test = [i for i in range(len(texts)) if i not in chosen]
        truth = [labels[i] for i in test]
        predicted, seconds = engine(texts, themes, chosen)
        baseline = tfidf_baseline(texts, chosen)
        rows.append(
            {
                "seed": seed,
                "labelled": len(chosen),
                "engine_macro_f1": macro_f1(truth, [predicted[i] for i in test], names),
                "tfidf_logreg_macro_f1": macro_f1(truth, [baseline[i] for i in test], names),
                "engine_seconds": seconds,
            }
        )
        log(
            f"{name} tirage {seed} : moteur {rows[-1]['engine_macro_f1']:.3f}, TF-IDF+LR {rows[-1]['tfidf_logreg_macro_f1']:.3f}"
        )
    result[f"{per_theme}_labels_per_theme"] = {
        "engine_macro_f1": round(float(np.mean([row["engine_macro_f1"] for row in rows])), 3),
        "tfidf_logreg_macro_f1": round(float(np.mean([row["tfidf_logreg_macro_f1"] for row in rows])), 3),
        "draws": [
            {key: round(value, 3) if isinstance(value, float) else value for key, value in row.items()}
            for row in rows
        ],
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Mesure la qualité de l'étiquetage par thème.")
    parser.add_argument(
        "--datasets", default="paris,anct,decidim", help="jeux à mesurer, séparés par des virgules"
    )
    parser.add_argument("--labels", type=int, default=20, help="exemples étiquetés par thème (défaut 20)")
    parser.add_argument("--draws", type=int, default=3, help="tirages des exemples étiquetés (défaut 3)")
    args = parser.parse_args()
    folder = reference_dir()
    names = [name.strip() for name in args.datasets.split(",") if name.strip()]
    unknown = [name for name in names if name not in LOADERS]
    if unknown:
        parser.error(f"jeux inconnus : {', '.join(unknown)} (connus : {', '.join(LOADERS)})")
    started = time.perf_counter()
    datasets = {name: evaluate(name, folder, args.labels, args.draws) for name in names}
    held_out = [datasets[name] for name in names if name != TUNING_SET]
    result = {
        "bench": "analysis_quality",
        "tuning_set": TUNING_SET,
        "datasets": datasets,
        "held_out_mean": {
            "zero_labels_macro_f1": round(
                float(np.mean([d["zero_labels"]["engine_macro_f1"] for d in held_out])), 3
            )
            if held_out
            else None,
            "labelled_macro_f1": round(
                float(np.mean([d[f"{args.labels}_labels_per_theme"]["engine_macro_f1"] for d in held_out])), 3
            )
            if held_out
            else None,
        },
        "targets": {"zero_labels": TARGET_ZERO, "twenty_labels": TARGET_TWENTY},
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
