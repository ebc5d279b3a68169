import datetime
import random
import subprocess
import sys

import pytest

from cooperer.analysis.overlaps import OverlapIndex, Project, coherence, suggest_consortium

MONTREYNAUD, SUD_EST = "QN04213M", "QN04215M"


def application(id, applicant, text, *, qpvs=(MONTREYNAUD,), publics=("jeunes 16-25",), **changes):
    values = {
        "id": id,
        "call": "Contrat de ville 2026",
        "applicant": applicant,
        "partners": frozenset(),
        "funders": frozenset({"ANCT"}),
        "qpvs": frozenset(qpvs),
        "publics": frozenset(publics),
        "starts": datetime.date(2026, 1, 1),
        "ends": datetime.date(2026, 12, 31),
        "text": text,
        "elements": frozenset(),
    }
    values.update(changes)
    return Project(**values)


LOCAL_JEUNES = (
    "Un local pour les jeunes ouvert le soir. Nous accueillons les jeunes de 16 à 25 ans de Montreynaud "
    "dans un local animé par deux animateurs, trois soirs par semaine et le samedi : jeux, écoute, aide pour "
    "les projets et le permis de conduire."
)
ESPACE_JEUNES = (
    "Ouverture d'un espace jeunes en soirée. Les animateurs du centre social accueillent les jeunes du "
    "quartier le soir dans un local rénové, pour des activités, de l'écoute et des projets qu'ils portent."
)
JARDINS = (
    "Jardins partagés au pied des immeubles. Création de parcelles cultivées par les habitants âgés, avec un "
    "composteur collectif et des ateliers de jardinage chaque semaine."
)


@pytest.fixture
def index():
    return OverlapIndex(
        [
            application("rebonds", "Association Rebonds", LOCAL_JEUNES, elements=frozenset({"J1"})),
            application(
                "centre-social",
                "Centre social Montreynaud",
                ESPACE_JEUNES,
                publics=("jeunes 16-25", "familles"),
                call="Quartiers d'été 2026",
                starts=datetime.date(2026, 6, 1),
                ends=datetime.date(2027, 5, 31),
                partners=frozenset({"Association Rebonds"}),
                elements=frozenset({"J1"}),
            ),
            application(
                "rebonds-bis",
                "Association Rebonds",
                LOCAL_JEUNES.replace("deux animateurs", "des animateurs") + " Un bilan sera fait en juin.",
                call="Cités éducatives 2026",
                funders=frozenset({"CAF"}),
                starts=datetime.date(2026, 3, 1),
                elements=frozenset({"J1"}),
            ),
            application("jardins", "Jardins de Cocagne", JARDINS, qpvs=(SUD_EST,), publics=("seniors",)),
        ],
        qpv_names={MONTREYNAUD: "Montreynaud"},
    )


def test_two_applications_for_the_same_public_in_the_same_qpv_overlap_with_reasons(index):
    overlap = next(o for o in index.overlaps("rebonds") if o.other == "centre-social")

    assert overlap.same_qpvs == [MONTREYNAUD] and overlap.same_publics == ["jeunes 16-25"]
    assert overlap.period_overlap_days == 214 and not overlap.same_applicant and not overlap.duplicate
    assert {"jeune", "local", "soir"} <= set(overlap.shared_terms)
    assert overlap.reasons[:3] == [
        "même quartier : Montreynaud (QN04213M)",
        "même public : jeunes 16-25",
        "périodes qui se chevauchent (214 jours)",
    ]
    assert overlap.reasons[3].startswith("textes proches (0,")
    assert "déjà partenaires : Association Rebonds" in overlap.reasons
    assert 0.5 < overlap.score < 1


def test_an_unrelated_application_in_another_qpv_is_not_an_overlap(index):
    assert "jardins" not in {o.other for o in index.overlaps("rebonds")}
    assert index.overlaps("jardins") == []
    assert index.compare("rebonds", "jardins") is None


def test_the_same_place_and_time_with_nothing_else_in_common_is_not_an_overlap():
    index = OverlapIndex(
        [
            application("a", "A", LOCAL_JEUNES),
            application("b", "B", JARDINS, publics=("seniors",)),
            application(
                "c", "C", ESPACE_JEUNES, starts=datetime.date(2027, 1, 1), ends=datetime.date(2027, 6, 30)
            ),
        ]
    )
    assert index.overlaps("a") == []  # b: another public and another action; c: another period


def test_a_double_submission_by_the_same_structure_is_flagged_first(index):
    overlaps = index.overlaps("rebonds")

    assert [o.other for o in overlaps] == ["rebonds-bis", "centre-social"]
    double = overlaps[0]
    assert double.duplicate and double.same_applicant and not double.same_call
    assert double.text_similarity > 0.8
    assert double.reasons[0] == "même structure, même action : dépôt en double ?"


def test_a_new_application_not_yet_indexed_is_screened_as_it_is(index):
    draft = application("nouveau", "MJC", "Un local jeunes ouvert le soir et le week-end, avec un animateur.")

    assert [o.other for o in index.overlaps(draft)][:2] == ["rebonds", "rebonds-bis"]
    with pytest.raises(KeyError):
        index.overlaps("inconnu")


def test_the_consortium_groups_the_competitors_and_leaves_the_double_submission_aside(index):
    consortium = suggest_consortium("rebonds", index.overlaps("rebonds"), index=index)

    assert sorted(consortium.members) == ["centre-social", "rebonds"]
    assert consortium.lead == consortium.members[0]
    assert consortium.rationale[0].startswith("2 candidatures visent le même public (jeunes 16-25)")
    assert any("rebonds-bis : dépôt en double" in line for line in consortium.rationale)
    assert consortium.rationale[-1].startswith(f"Chef de file proposé : {consortium.lead}")


def test_the_consortium_leaves_out_the_same_public_served_by_another_action():
    homework = (
        "Aide aux devoirs et soutien scolaire pour les lycéens, deux fois par semaine à la médiathèque."
    )
    index = OverlapIndex([application("a", "A", LOCAL_JEUNES), application("b", "B", homework)])

    assert [o.other for o in index.overlaps("a")] == ["b"]  # same public, same place: shown to the instructor
    assert suggest_consortium("a", index.overlaps("a"), index=index).members == ["a"]


def test_no_consortium_is_proposed_without_competitors(index):
    consortium = suggest_consortium("jardins", index.overlaps("jardins"))

    assert consortium.members == ["jardins"] and consortium.lead == "jardins"
    assert consortium.rationale[0].startswith("Aucune candidature concurrente")


ELEMENTS = {
    "J1": "Des lieux pour les jeunes, ouverts le soir et le week-end",
    "CV1": "Des espaces publics apaisés et agréables",
    "CV2": "Un quartier plus vert, avec des jardins",
    "EM1": "Favoriser l'emploi des habitants",
    "SA1": "Un meilleur accès aux soins",
}


def test_coherence_finds_the_supported_element_with_its_words():
    result = coherence(LOCAL_JEUNES, ELEMENTS, {"J1"})

    assert [match.id for match in result.matched] == ["J1"]
    assert {"jeunes", "ouvert", "soir"} <= set(result.matched[0].terms)
    assert result.unsupported == [] and result.undeclared == []


def test_coherence_flags_a_declared_element_the_text_does_not_support():
    result = coherence(LOCAL_JEUNES, ELEMENTS, {"J1", "SA1"})

    assert result.unsupported == ["SA1"]
    assert result.scores["SA1"] < 0.4 <= result.scores["J1"]


def test_coherence_reads_concrete_works_as_support_for_a_general_element():
    text = (
        "Réaménagement de la place Jean-Jaurès avec les habitants : de nouveaux bancs, un meilleur éclairage, "
        "la suppression du stationnement sauvage et des plantations pour faire de l'ombre l'été."
    )
    result = coherence(text, ELEMENTS, {"CV1"})

    assert result.matched[0].id == "CV1" and result.unsupported == []
    assert {"bancs", "éclairage"} <= set(result.matched[0].terms)
    assert "J1" not in {match.id for match in result.matched}


def test_coherence_on_employment_reads_the_words_of_the_trade():
    text = (
        "Chantier d'insertion : six demandeurs d'emploi du quartier sont embauchés pour repeindre les halls. "
        "Formation aux métiers du bâtiment, préparation aux entretiens d'embauche avec la mission locale."
    )
    result = coherence(text, ELEMENTS, set())

    assert [match.id for match in result.matched] == ["EM1"]
    assert result.undeclared == ["EM1"]  # supported by the text, not declared: suggested
    assert "emploi" in result.matched[0].terms


def test_coherence_of_an_empty_text_supports_nothing():
    result = coherence("", ELEMENTS, {"J1"})

    assert result.matched == [] and result.unsupported == ["J1"]


def test_coherence_with_the_index_weighs_words_by_their_rarity_among_applications(index):
    result = coherence(JARDINS, ELEMENTS, {"CV2"}, index=index)

    assert result.matched[0].id == "CV2" and "jardins" in result.matched[0].terms


WORDS = [
    "jeunes",
    "soir",
    "local",
    "animateur",
    "jardin",
    "parcelle",
    "compost",
    "emploi",
    "chantier",
    "insertion",
    "formation",
    "école",
    "devoirs",
    "parents",
    "santé",
    "médecin",
    "prévention",
    "place",
    "bancs",
    "éclairage",
    "sport",
    "club",
    "vélo",
    "atelier",
    "fête",
    "voisins",
    "numérique",
]


def random_projects(count, seed):
    rng = random.Random(seed)
    qpvs = [f"QN0{n}M" for n in range(6)]
    projects = []
    for n in range(count):
        starts = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(700))
        projects.append(
            Project(
                id=f"p{n}",
                call=rng.choice(["A", "B"]),
                applicant=f"s{rng.randrange(15)}",
                partners=frozenset(f"s{rng.randrange(15)}" for _ in range(rng.randrange(3))),
                funders=frozenset(rng.sample(["ANCT", "CAF", "Ville"], rng.randrange(1, 3))),
                qpvs=frozenset(rng.sample(qpvs, rng.choice([1, 1, 2, 3]))),
                publics=frozenset(
                    rng.sample(["jeunes", "familles", "seniors", "femmes", "enfants"], rng.randrange(0, 3))
                ),
                starts=starts,
                ends=starts + datetime.timedelta(days=rng.randrange(30, 400)),
                text=" ".join(rng.choices(WORDS, k=rng.randrange(3, 15))),
                elements=frozenset(rng.sample(["E1", "E2", "E3", "E4"], rng.randrange(0, 2))),
            )
        )
    return projects


@pytest.fixture(scope="module")
def random_set():
    projects = random_projects(120, seed=7)
    index = OverlapIndex(projects)
    brute = {}
    for i, a in enumerate(projects):
        for b in projects[i + 1 :]:
            if (overlap := index.compare(a.id, b.id)) is not None:
                brute[(a.id, b.id)] = overlap
    return index, brute


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.6])
def test_all_pairs_equals_the_pair_by_pair_rule_on_a_random_set(random_set, threshold):
    index, brute = random_set
    expected = {pair: overlap for pair, overlap in brute.items() if overlap.score >= threshold}

    found = {(a, b): overlap for a, b, overlap in index.all_pairs(threshold, chunk=16)}

    assert found.keys() == expected.keys()
    assert len(found) >= 10
    for pair, overlap in found.items():
        assert overlap.score == pytest.approx(expected[pair].score, abs=1e-6)
        assert overlap.reasons == expected[pair].reasons
        assert overlap.duplicate == expected[pair].duplicate


def test_overlaps_of_one_application_are_those_of_the_pair_by_pair_rule():
    projects = random_projects(80, seed=3)
    index = OverlapIndex(projects)
    for project in projects[:20]:
        expected = {b.id for b in projects if index.compare(project.id, b.id) is not None}
        assert {o.other for o in index.overlaps(project.id, limit=1000)} == expected


def test_bad_input_is_refused_in_french():
    with pytest.raises(ValueError, match="finit"):
        application("a", "A", "", starts=datetime.date(2026, 2, 1), ends=datetime.date(2026, 1, 1))
    with pytest.raises(ValueError, match="même identifiant"):
        OverlapIndex([application("a", "A", ""), application("a", "B", "")])


def test_the_overlaps_module_imports_no_django():
    code = (
        "import sys, cooperer.analysis.overlaps; "
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'django'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
