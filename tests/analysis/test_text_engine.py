"""The single entry point: progress, streaming sources and sinks, topics, audiences, roll-up, JSON (no database)."""

import json

import pytest

from cooperer.analysis.text import Contribution, Options, Theme, analyse
from tests.analysis.test_text_fixtures import TEXTS, THEMES, contributions

HABITANTS = [
    "Le bus passe trop rarement le soir.",
    "Les poubelles débordent en bas de l'immeuble.",
    "Il n'y a plus de médecin dans le quartier.",
    "L'ascenseur est encore en panne.",
    "Les poubelles ne sont pas ramassées le lundi.",
    "On attend le bus trop longtemps le dimanche.",
]
PROFESSIONNELS = [
    "Renforcer le partenariat entre les acteurs du contrat de ville.",
    "Un partenariat durable avec les associations pour l'accès aux droits.",
    "Coordonner les dispositifs d'accompagnement vers l'emploi en partenariat.",
    "Des financements pluriannuels pour les associations partenaires.",
    "Il n'y a plus de médecin dans le quartier, le partenariat avec l'ARS est urgent.",
    "Un partenariat avec la CAF pour les démarches en ligne.",
]


def audiences_corpus(repeat: int = 6) -> list[Contribution]:
    items = []
    for copy in range(repeat):
        items += [
            Contribution(f"h{copy}-{i}", text, audience="habitants") for i, text in enumerate(HABITANTS)
        ]
        items += [
            Contribution(f"p{copy}-{i}", text, audience="professionnels")
            for i, text in enumerate(PROFESSIONNELS)
        ]
    return items


def test_progress_goes_from_zero_to_one_without_going_back():
    calls = []

    analyse(contributions(), THEMES, progress=lambda fraction, message: calls.append((fraction, message)))

    fractions = [fraction for fraction, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert len(calls) >= 6
    assert all(isinstance(message, str) and message for _, message in calls)


def test_progress_is_reported_for_every_chunk():
    calls = []
    items = contributions() * 5  # 240 contributions in chunks of 50
    items = [Contribution(f"x{i}", item.text) for i, item in enumerate(items)]

    analyse(items, THEMES, progress=lambda f, m: calls.append(f), options=Options(chunk_size=50))

    assert len(calls) >= 2 * len(items) // 50
    assert calls == sorted(calls)


def test_a_source_function_read_twice_and_a_sink_give_the_same_tags_as_a_list():
    items = contributions()
    received = []

    def source():
        return iter(items)

    streamed = analyse(source, THEMES, sink=received.extend, total=len(items), options=Options(chunk_size=7))
    in_memory = analyse(items, THEMES)

    assert streamed.tags == []
    assert [(t.id, t.theme, t.score) for t in received] == [(t.id, t.theme, t.score) for t in in_memory.tags]
    assert streamed.contributions == len(items)


def test_a_fit_sample_smaller_than_the_corpus_still_tags_everything():
    items = [Contribution(f"x{i}", text) for i, (_, text) in enumerate(TEXTS * 3)]

    report = analyse(items, THEMES, options=Options(fit_sample=60, chunk_size=40))

    assert len(report.tags) == len(items)
    assert report.figures["sample"] == 60
    assert sum(tag.theme != "" for tag in report.tags) >= 0.8 * len(
        items
    )  # words outside the sample are unknown


def test_topics_within_a_theme_are_named_by_their_words_and_quoted():
    report = analyse(audiences_corpus(), THEMES)

    assert report.topics
    for topic in report.topics:
        assert topic.theme in {theme.name for theme in THEMES}
        assert topic.terms and topic.label
        assert 1 <= len(topic.quotes) <= 3
        assert topic.contributions >= 1
    counted = sum(topic.contributions for topic in report.topics)
    assert counted == report.analysed


def test_what_habitants_say_and_professionnels_do_not():
    report = analyse(audiences_corpus(), THEMES)

    comparison = report.comparisons[0]
    assert {comparison.audience, comparison.other} == {"habitants", "professionnels"}
    habitants_side = comparison.over if comparison.audience == "habitants" else comparison.under
    professionals_side = comparison.under if comparison.audience == "habitants" else comparison.over
    assert "poubelle" in [term.term for term in habitants_side]
    assert "bus" in [term.term for term in habitants_side]
    assert "partenariat" in [term.term for term in professionals_side]
    assert "médecin" not in [term.term for term in habitants_side + professionals_side]  # both say it
    for term in comparison.over:
        assert term.z > 0
    for term in comparison.under:
        assert term.z < 0


def test_roll_up_keeps_each_qpv_specific_themes_and_sums_to_the_commune_and_contract():
    items = []
    for i, (_, text) in enumerate(TEXTS * 2):
        items.append(
            Contribution(
                f"a{i}", text, qpv="QN04215M", commune="Saint-Étienne", contract="Saint-Étienne Métropole"
            )
        )
    for i in range(30):  # Montreynaud speaks of its bus, again and again
        items.append(
            Contribution(
                f"b{i}",
                ["Le bus passe trop rarement.", "Prolonger le tram.", "Des pistes cyclables."][i % 3],
                qpv="QN04213M",
                commune="Saint-Étienne",
                contract="Saint-Étienne Métropole",
            )
        )
    items += [
        Contribution(f"c{i}", text, qpv="QN04222N", commune="Firminy", contract="Saint-Étienne Métropole")
        for i, (_, text) in enumerate(TEXTS)
    ]

    report = analyse(items, THEMES)

    units = {(unit.level, unit.key): unit for unit in report.units}
    montreynaud = units[("qpv", "QN04213M")]
    assert montreynaud.parent == "Saint-Étienne"
    assert montreynaud.themes == {"Mobilité": 30}
    assert [term.term for term in montreynaud.specific_themes][:1] == ["Mobilité"]
    assert montreynaud.compared_with == "le reste du contrat Saint-Étienne Métropole"
    saint_etienne = units[("commune", "Saint-Étienne")]
    assert saint_etienne.contributions == 2 * len(TEXTS) + 30
    contract = units[("contrat", "Saint-Étienne Métropole")]
    assert contract.contributions == len(items)
    for theme, count in contract.themes.items():
        parts = [units[("commune", name)].themes.get(theme, 0) for name in ("Saint-Étienne", "Firminy")]
        assert count == sum(parts)
    assert sum(units[("qpv", "QN04215M")].topics.values()) == units[("qpv", "QN04215M")].contributions


def test_the_report_is_plain_json():
    report = analyse(audiences_corpus(2), THEMES, labelled={"h0-0": "Mobilité"})

    data = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))

    assert data["contributions"] == 24
    assert {"themes", "tags", "topics", "duplicates", "comparisons", "units", "figures"} <= set(data)
    assert data["tags"][0]["labelled"] is True


def test_empty_and_strange_contributions_never_break_the_analysis():
    items = [
        Contribution("empty", ""),
        Contribution("emoji", "🎉🎉🎉"),
        Contribution("html", "<script>alert(1)</script>"),
        Contribution("long", "Il faut plus de bus. " * 3000),
        Contribution("arabic", "نريد حافلات أكثر"),
        *contributions(),
    ]

    report = analyse(items, THEMES)

    tags = {tag.id: tag for tag in report.tags}
    assert tags["empty"].theme == tags["emoji"].theme == tags["html"].theme == ""
    assert tags["long"].theme == "Mobilité"
    assert report.contributions == len(items)


@pytest.mark.parametrize("items", [[], [Contribution("only", "Le bus passe trop rarement.")]])
def test_an_empty_or_tiny_corpus_gives_a_report(items):
    report = analyse(items, [Theme("Mobilité", "Bus, tram"), Theme("Santé", "Médecins")])

    assert report.contributions == len(items)
    assert len(report.tags) == len(items)
