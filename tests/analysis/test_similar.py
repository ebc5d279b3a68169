from cooperer.analysis.similar import Item, group_similar, matched_terms


def test_elements_saying_the_same_thing_in_two_neighbourhoods_are_grouped():
    groups = group_similar(
        [
            Item("1", "Un lieu pour les jeunes ouvert le soir", "Montreynaud"),
            Item("2", "Des lieux ouverts le soir pour les jeunes", "Quartiers Sud-Est"),
            Item("3", "Des ascenseurs qui fonctionnent", "Quartiers Sud-Est"),
            Item("4", "Des bus le dimanche", "Montreynaud"),
        ]
    )
    assert [group.ids for group in groups] == [["1", "2"]]
    assert "jeune" in groups[0].shared_terms and groups[0].score > 0.3


def test_texts_of_the_same_source_are_not_suggested_together():
    groups = group_similar(
        [Item("1", "Des lieux pour les jeunes", "A"), Item("2", "Un lieu pour les jeunes", "A")]
    )
    assert groups == []


def test_nothing_to_group_in_empty_or_stop_word_texts():
    assert group_similar([Item("1", "", "A"), Item("2", "le la les", "B")]) == []
    assert group_similar([]) == []


def test_matched_terms_say_why_two_texts_are_close():
    # How a lemma is shown depends on the first form met in the process (« partage » or « partagé »).
    terms = matched_terms("Des jardins partagés au pied des immeubles", "Un jardin partagé")
    assert len(terms) == 2 and terms[0] == "jardin" and terms[1].startswith("partag")
