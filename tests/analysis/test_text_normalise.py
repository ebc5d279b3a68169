"""French normalisation: what reaches the analysis from messy contributions (no database)."""

import subprocess
import sys
import time

from cooperer.analysis.text.normalise import MAX_ANALYSED_CHARS, clean, features, fold, lemmas, tokens


def test_it_strips_tags_scripts_styles_comments_and_decodes_entities():
    text = (
        "<div><p>Des bancs&nbsp;au <b>square</b></p><script>alert('piscine')</script>"
        "<style>p { color: red }</style><!-- gymnase --> &amp; des arbres</div>"
    )

    cleaned = clean(text)

    assert cleaned == "Des bancs au square & des arbres"
    assert lemmas(text) == ["banc", "square", "arbre"]


def test_an_unclosed_script_hides_nothing_but_itself():
    assert lemmas("Plus de médecins <script>document.write('x')") == ["medecin"]


def test_it_lemmatises_and_folds_french_words_and_drops_stop_words():
    assert lemmas("Les jeunes sportives aimeraient des écoles ouvertes l'hiver") == [
        "jeune",
        "sportif",
        "aimer",
        "ecole",
        "ouvert",
        "hiver",
    ]


def test_elided_words_and_typographic_apostrophes_fall_apart():
    assert lemmas("L’école d'à côté, qu'il faudrait rénover aujourd'hui") == ["ecole", "cote", "renover"]


def test_emoji_digits_and_urls_are_not_words():
    assert lemmas("🚌🚌 Le bus 12 passe à 21h 😡 https://exemple.fr/horaires www.tan.fr") == ["bus", "passe"]


def test_shouted_and_stretched_words_meet_their_dictionary_form():
    assert lemmas("SÉCURITÉ !!! c'est suuuuper important") == ["securite", "suuper", "important"]


def test_words_of_other_scripts_are_kept_as_written():
    found = tokens("Cours d'arabe العربية et de russe русский")

    assert [token.lemma for token in found] == ["cours", "arabe", "العربية", "russe", "русскии"]
    assert found[2].surface == "العربية"


def test_empty_and_missing_texts_give_no_word():
    for text in ("", None, "   ", "🎉🎉🎉", "<p></p>", "!!! ??? ...", "12 34"):
        assert lemmas(text) == []
        assert tokens(text) == []


def test_a_50000_character_text_is_cut_at_a_word_boundary_quickly():
    text = "Il faudrait des jardins partagés pour les familles. " * 1000  # 52,000 characters

    started = time.perf_counter()
    cleaned = clean(text)
    words = lemmas(text)
    elapsed = time.perf_counter() - started

    assert len(text) > 50_000
    assert len(cleaned) <= MAX_ANALYSED_CHARS
    assert not cleaned.endswith(" ")
    assert cleaned.split()[-1] in text.split()
    assert words[:4] == ["jardin", "partage", "famille", "jardin"]
    assert elapsed < 1.0


def test_pairs_of_consecutive_lemmas_are_features_too():
    assert features(["piste", "cyclable", "securiser"]) == [
        "piste",
        "cyclable",
        "securiser",
        "piste cyclable",
        "cyclable securiser",
    ]
    assert features(["bus"]) == ["bus"]


def test_fold_removes_accents_and_case():
    assert fold("Éducation ÉLÈVES œuvre") == "education eleves œuvre"


def test_importing_the_text_package_imports_neither_django_nor_simplemma():
    code = (
        "import sys, cooperer.analysis.text, cooperer.analysis.text.engine; "
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'django', 'simplemma'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"
