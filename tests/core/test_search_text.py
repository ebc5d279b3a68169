from cooperer.core.text import search_document, search_terms, word_terms


def test_the_search_document_lists_each_surface_form_and_lemma_once_in_order():
    assert search_document("Jeunes sportives", "", None, "Jeunesse et sport") == (
        " jeunes jeune sportives sportif jeunesse sport "
    )


def test_search_terms_drop_stop_words_and_fold_accents():
    assert search_terms("Éducation de la Jeunesse") == [("education",), ("jeunesse",)]
    assert search_terms("") == search_terms(None) == []


def test_words_are_lemmatised_once_however_often_they_come():
    search_terms("Maisons des habitants")
    before = word_terms.cache_info()
    search_terms("habitants des maisons, maisons des habitants")
    after = word_terms.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 6


def test_memoised_results_cannot_be_changed_by_a_caller():
    terms = search_terms("Jeunes sportives")
    terms.append(("intrus",))
    terms[0] = ("autre",)
    assert search_terms("Jeunes sportives") == [("jeunes", "jeune"), ("sportives", "sportif")]
