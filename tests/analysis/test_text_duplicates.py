"""Near-duplicate contributions grouped with their counts (no database)."""

import random

from cooperer.analysis.text import Contribution, Theme, analyse
from cooperer.analysis.text.duplicates import DuplicateFinder
from cooperer.analysis.text.normalise import lemmas

THEMES = [
    Theme("Santé", "Accès aux soins, médecins"),
    Theme("Mobilité", "Bus, tram, vélo"),
    Theme("Logement et cadre de vie", "Logements, immeubles, propreté"),
]
SAME_THING = [
    "Il faut plus de médecins généralistes dans le quartier.",
    "il faut plus de médecins généralistes dans le quartier !!",
    "IL FAUT PLUS DE MÉDECINS GÉNÉRALISTES DANS LE QUARTIER",
    "Il faut plus de médecins généralistes dans le quartier svp 🙏",
    "Plus de médecins généralistes dans le quartier",
    "Il faut vraiment plus de médecins généralistes dans notre quartier.",
    "<p>Il faut plus de médecins généralistes dans le quartier.</p>",
]
OTHERS = [
    "Le bus passe trop rarement le soir.",
    "L'ascenseur de notre immeuble est en panne.",
    "Des pistes cyclables jusqu'au centre-ville.",
    "Les poubelles débordent tous les lundis.",
    "Un dentiste qui accepte les nouveaux patients.",
    "",
    "🎉🎉",
    "",
]


def analysed(texts):
    return analyse([Contribution(f"c{i}", text) for i, text in enumerate(texts)], THEMES)


def test_texts_that_say_the_same_thing_form_one_group_with_its_count():
    report = analysed(SAME_THING + OTHERS)

    assert len(report.duplicates) == 1
    group = report.duplicates[0]
    assert group.size == len(SAME_THING)
    assert sorted(group.member_ids) == sorted(f"c{i}" for i in range(len(SAME_THING)))
    assert group.representative.id in group.member_ids
    assert "médecins généralistes" in group.representative.text.lower()
    assert group.theme == "Santé"
    tags = {tag.id: tag for tag in report.tags}
    assert {tags[f"c{i}"].duplicate_group for i in range(len(SAME_THING))} == {group.number}
    assert all(tags[f"c{i}"].duplicate_group is None for i in range(len(SAME_THING), len(SAME_THING) + 5))


def test_empty_texts_and_texts_without_words_are_never_grouped():
    report = analysed(["", "", "🎉", "🎉", "!!!", "Le bus passe trop rarement le soir."])

    assert report.duplicates == []


def test_texts_sharing_a_few_words_are_not_duplicates():
    report = analysed(
        [
            "Plus de bus le soir.",
            "Plus de médecins le soir.",
            "Plus de bancs dans le parc le soir.",
            "Des bus plus propres.",
        ]
    )

    assert report.duplicates == []


def test_planted_groups_are_recovered_among_many_texts():
    rng = random.Random(7)
    words = [f"mot{chr(97 + i)}{chr(97 + j)}" for i in range(26) for j in range(26)]
    texts, planted = [], []
    for _ in range(30):
        base = rng.sample(words, 12)
        size = rng.randint(2, 12)
        planted.append(list(range(len(texts), len(texts) + size)))
        for _ in range(size):
            variant = list(base)
            if rng.random() < 0.5:
                variant[rng.randrange(len(variant))] = rng.choice(words)  # one word changed
            texts.append(" ".join(variant))
    texts += [" ".join(rng.sample(words, 12)) for _ in range(1500)]
    finder = DuplicateFinder()
    lemma_lists = [lemmas(text) for text in texts]
    for start in range(0, len(texts), 400):
        finder.add(lemma_lists[start : start + 400])
    finder.prepare()
    numbers = []
    for start in range(0, len(texts), 400):
        chunk = range(start, min(start + 400, len(texts)))
        numbers += finder.observe(
            [str(i) for i in chunk],
            [texts[i] for i in chunk],
            [lemma_lists[i] for i in chunk],
            [""] * len(chunk),
        )

    found_whole = sum(
        len({numbers[i] for i in members}) == 1 and numbers[members[0]] is not None for members in planted
    )
    grouped = {group.number for group in finder.groups()}
    stray = [i for i in range(planted[-1][-1] + 1, len(texts)) if numbers[i] in grouped]
    assert found_whole >= 28
    assert len(stray) <= 3  # random texts sharing two or three words are candidates, then rejected
    assert sorted(group.size for group in finder.groups())[-1] == max(len(members) for members in planted)
