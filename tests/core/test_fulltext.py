import pytest
from django.db import connection

from cooperer.actors.models import Structure
from cooperer.actors.services import refresh_search_text
from cooperer.core import fulltext

pytestmark = pytest.mark.django_db


def names(query):
    return set(Structure.objects.matching(query).values_list("name", flat=True))


def make(name):
    structure = Structure.objects.create(name=name, legal_form="association")
    refresh_search_text([structure.pk])
    return structure


def test_the_index_follows_creations_renames_and_deletions():
    amicale = make("Amicale laïque du Crêt de Roc")
    make("Jeunesse et sports de Montreynaud")
    assert names("amicales") == {"Amicale laïque du Crêt de Roc"}
    assert names("cret roc") == {"Amicale laïque du Crêt de Roc"}
    assert names("jeunes sport") == {"Jeunesse et sports de Montreynaud"}

    amicale.name = "Maison de quartier Beaubrun"
    amicale.save()
    refresh_search_text([amicale.pk])
    assert names("amicale") == set()
    assert names("beaubrun") == {"Maison de quartier Beaubrun"}

    amicale.delete()
    assert names("maison") == set()


@pytest.mark.parametrize("query", ['"', 'jeu"nes OR *', "NEAR(a b)", "a:b", "-x", "()"])
def test_query_syntax_of_the_engine_cannot_be_injected(query):
    make("Jeunesse et sports de Montreynaud")
    names(query)  # no error: words are folded to letters and digits before reaching the engine


def test_lost_triggers_are_put_back_and_the_index_rebuilt():
    if connection.vendor != "sqlite":
        pytest.skip("Les déclencheurs FTS5 n'existent que sur SQLite ; PostgreSQL a son index GIN.")
    make("Centre social Beaulieu")
    with connection.cursor() as cursor:  # what a migration rebuilding the table does on SQLite
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER actors_structure_fts_{suffix}")
        cursor.execute("DROP TABLE actors_structure_fts")
    fulltext.install()
    assert names("beaulieu") == {"Centre social Beaulieu"}
    make("Régie de quartier Tarentaize")
    assert names("regie") == {"Régie de quartier Tarentaize"}


def test_sqlite_merges_its_small_segments_sixteen_at_a_time():
    if connection.vendor != "sqlite":
        pytest.skip("Les segments FTS5 n'existent que sur SQLite.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT v FROM actors_structure_fts_config WHERE k = 'automerge'")
        assert cursor.fetchone() == (fulltext.AUTOMERGE,) and fulltext.AUTOMERGE == 16
    for n in range(40):  # added one by one, as the public form does: every one still found
        make(f"Association de quartier numéro {n}")
    assert len(names("association quartier")) == 40


def test_postgresql_answers_from_its_text_search_index():
    if connection.vendor != "postgresql":
        pytest.skip("Index GIN tsvector propre à PostgreSQL ; SQLite utilise FTS5.")
    make("Centre social Beaulieu")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'actors_structure_search_fts'")
        assert "gin (search_vector)" in cursor.fetchone()[0]
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: show the index can answer
        cursor.execute(
            "EXPLAIN SELECT id FROM actors_structure WHERE search_vector @@ to_tsquery('simple', 'beaulieu:*')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "actors_structure_search_fts" in plan
    assert names("beaulieu centres") == {"Centre social Beaulieu"}


def test_refreshing_many_structures_goes_chunk_by_chunk():
    structures = Structure.objects.bulk_create(
        Structure(name=f"Association {i}", legal_form="association") for i in range(7)
    )
    refresh_search_text([s.pk for s in structures], chunk_size=3)
    assert names("association") == {f"Association {i}" for i in range(7)}


def test_a_query_reaches_the_family_of_its_words():
    make("Amicale des jeunes sportifs")
    make("Maison de la jeunesse et de la culture")
    make("Programme de réussite éducative")
    assert names("jeunes sportives") == {"Amicale des jeunes sportifs"}
    assert names("sport") == {"Amicale des jeunes sportifs"}
    assert names("jeunesse") == {"Amicale des jeunes sportifs", "Maison de la jeunesse et de la culture"}
    assert names("culturelle") == {"Maison de la jeunesse et de la culture"}
    assert names("éducatif") == {"Programme de réussite éducative"}
