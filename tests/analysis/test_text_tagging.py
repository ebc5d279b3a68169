"""Theme tagging on a small hand-written consultation: from the themes' names and descriptions alone, then
with a few labelled examples (no database)."""

import numpy as np
import pytest

from cooperer.analysis.text import AnalysisError, Contribution, analyse, tagging
from cooperer.analysis.text.normalise import fold
from tests.analysis.test_text_fixtures import THEMES, contributions, expected

ACCESS = "Accès aux droits et services publics"
# A local name nobody wrote in the taxonomy: the social-services bus that stops in the neighbourhood.
SOLIDARIBUS = [
    "Le Solidaribus devrait venir chaque mardi.",
    "Le Solidaribus est formidable.",
    "On attend le Solidaribus avec impatience.",
    "Le Solidaribus a disparu depuis l'hiver.",
    "Plus de Solidaribus le samedi matin.",
    "Le Solidaribus, c'est notre bouée.",
]


@pytest.fixture(scope="module")
def zero_label_report():
    return analyse(contributions(), THEMES)


def test_it_tags_every_contribution_from_the_names_and_descriptions_alone(zero_label_report):
    truth = expected()

    right = sum(tag.theme == truth[tag.id] for tag in zero_label_report.tags)

    assert right / len(truth) >= 0.9
    assert {tag.theme for tag in zero_label_report.tags} == {theme.name for theme in THEMES}


def test_each_tag_gives_a_score_and_the_words_of_the_text_that_carried_it(zero_label_report):
    texts = {item.id: fold(item.text) for item in contributions()}

    for tag in zero_label_report.tags:
        assert 0 < tag.score <= 1
        assert tag.themes[0].theme == tag.theme
        assert tag.evidence, tag
        for evidence in tag.evidence:
            # « diplômés (≈ formation) »: a word of the text, then the theme's words its vector is close to
            for word in evidence.split(" (≈ ")[0].split(" "):
                assert fold(word) in texts[tag.id], (evidence, texts[tag.id])


def test_the_evidence_names_what_the_text_is_about(zero_label_report):
    tags = {tag.id: tag for tag in zero_label_report.tags}

    assert "médecin" in tags["c12"].evidence  # « Il n'y a plus de médecin généraliste dans le quartier. »
    assert "bus" in tags["c24"].evidence  # « Le bus passe trop rarement le soir et le dimanche. »


def test_a_text_on_two_themes_keeps_both(zero_label_report):
    report = analyse(
        [*contributions(), Contribution("both", "Plus de médecins, et plus de bus le soir.")],
        THEMES,
    )
    tag = next(tag for tag in report.tags if tag.id == "both")

    assert {score.theme for score in tag.themes} == {"Santé", "Mobilité"}
    assert tag.themes[0].score >= tag.themes[1].score


def test_labelled_examples_teach_words_the_taxonomy_does_not_know():
    items = [*contributions(), *(Contribution(f"s{i}", text) for i, text in enumerate(SOLIDARIBUS))]
    labelled = {"s0": ACCESS, "s1": ACCESS}

    without = {tag.id: tag for tag in analyse(items, THEMES).tags}
    with_labels = {tag.id: tag for tag in analyse(items, THEMES, labelled=labelled).tags}

    others = [f"s{i}" for i in range(2, len(SOLIDARIBUS))]
    assert [without[i].theme for i in others] == [""] * len(others)  # no known word: left unclassified
    assert [with_labels[i].theme for i in others] == [ACCESS] * len(others)
    assert all("solidaribus" in with_labels[i].evidence for i in others)
    assert with_labels["s0"].labelled and with_labels["s0"].score == 1.0
    truth = expected()
    assert sum(with_labels[i].theme == theme for i, theme in truth.items()) >= sum(
        without[i].theme == theme for i, theme in truth.items()
    )


def test_a_label_outweighs_the_description_for_an_ambiguous_word():
    # « navettes vers la zone d'emploi » reads as employment; the animatrice files such texts under mobility.
    shuttles = [
        Contribution(f"n{i}", text)
        for i, text in enumerate(
            [
                "Des navettes vers la zone d'emploi le matin.",
                "Des navettes vers la zone d'emploi pour les salariés.",
                "des navettes vers la zone d’emploi !",
                "DES NAVETTES VERS LA ZONE D'EMPLOI SVP",
            ]
        )
    ]
    items = [*contributions(), *shuttles]

    report = analyse(items, THEMES, labelled={"n0": "Mobilité", "n1": "Mobilité"})

    tags = {tag.id: tag.theme for tag in report.tags}
    assert tags["n2"] == tags["n3"] == "Mobilité"


def test_it_is_deterministic(zero_label_report):
    again = analyse(contributions(), THEMES)

    assert [(t.theme, t.score, t.evidence) for t in again.tags] == [
        (t.theme, t.score, t.evidence) for t in zero_label_report.tags
    ]


def test_it_refuses_a_label_with_an_unknown_theme_and_duplicate_themes():
    with pytest.raises(AnalysisError, match=r"Thème\(s\) inconnu\(s\).*Voirie"):
        analyse(contributions(), THEMES, labelled={"c0": "Voirie"})
    with pytest.raises(AnalysisError, match="en double : Santé"):
        analyse(contributions(), [*THEMES, THEMES[3]])
    with pytest.raises(AnalysisError, match="Aucun thème"):
        analyse(contributions(), [])


def test_labels_of_unknown_contributions_are_reported_not_fatal():
    report = analyse(contributions(), THEMES, labelled={"absent": "Santé"})

    assert any("absent" in warning for warning in report.warnings)


def test_the_best_theme_is_one_that_a_word_of_the_text_favours_not_the_largest_intercept():
    # Scores of two texts over three themes: the first theme wins on its intercept alone.
    scores = np.array([[2.0, 1.0, 0.5], [2.0, 1.0, 0.5]])
    support = np.array([[0.0, 0.0, 0.3], [0.0, 0.0, 0.0]])

    best = tagging.best_supported(scores, support)

    assert best.tolist() == [2, 0]  # the second text has no word for any theme: unclassified downstream
