"""The pure-Python ranking of « semblables ailleurs » (cooperer/analysis/similar.py: no database)."""

from cooperer.analysis.similar import rank_against, salient


def test_the_most_telling_words_are_the_rarest_the_corpus_holds_then_a_few_unseen():
    frequency = {"jeune": 900, "local": 40, "soir": 300, "consortium": 3}
    words = salient(["jeune", "local", "soir", "consortium", "cogerer", "le"], frequency, 1000, k=3, unseen=1)
    assert words == ["consortium", "local", "soir", "cogerer"]


def test_candidates_are_ranked_by_weighted_cosine_with_the_words_they_share_rarest_first():
    frequency = {"jeune": 900, "local": 40, "soir": 300, "jardin": 50}
    candidates = {
        "1": {"jeune", "local", "soir"},
        "2": {"jeune", "jardin"},
        "3": {"jardin", "potager"},
    }
    found = rank_against(["jeune", "local", "soir"], candidates, frequency, 1000)
    assert [m.id for m in found] == ["1", "2"]
    assert found[0].terms == ["local", "soir", "jeune"] and found[0].score > found[1].score
    assert rank_against(["piscine"], candidates, frequency, 1000) == []
