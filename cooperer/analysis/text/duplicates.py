"""Contributions that say the same thing: MinHash signatures of their lemma sets, locality-sensitive hashing
to find candidates without comparing all pairs, then a check of each candidate against its group's first text.

Two passes over the contributions, as the rest of the analysis:
1. `add()`: each contribution's 10 band keys (10 bands of 3 MinHash values over its set of lemmas) are
   recorded in a fixed-size sketch (two bitsets: key seen once, seen twice or more). Nothing is kept per
   contribution.
2. `observe()`: a contribution with a band key seen twice is a candidate; it joins the first group (in order of creation) that shares one of its band keys and
   whose first text has an estimated Jaccard similarity of at least 0.6 with it (30 MinHash values), or starts a
   new group. Members do not drift: they are always compared with the group's first text. Only groups' first
   texts are indexed (10 keys each), and when 100,000 groups are held, the oldest texts that nobody repeated
   are forgotten: memory is bounded, whatever the number of contributions; the price is that two identical
   texts more than ~100,000 different texts apart in the stream may not meet.

With 10 bands of 3, two texts of similarity 0.6 become candidates with probability 0.91, 0.8: 0.99997, 0.3:
0.24 (then rejected by the check). Texts without any content word are never grouped.
"""

import zlib
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BANDS = 10
ROWS = 3
HASHES = BANDS * ROWS
THRESHOLD = 0.6
MAX_TRIED = 8  # candidate groups checked per contribution: the ones sharing most band keys
# A band key shared by many different groups (frequent words that often hold the minimum) says little: it keeps
# its first groups only, so that the work per contribution stays bounded however large the corpus.
MAX_LEADERS_PER_KEY = 16
SAMPLE_MEMBERS = 20
SKETCH_MAX_SLOTS = 2**28  # bits per bitset of the pass-1 sketch: 32 MB each at most
# Groups held at once. Beyond, the oldest texts that nobody has repeated are forgotten (see _forget_old_singletons):
# the memory of duplicate detection stops growing with the corpus.
MAX_GROUPS = 100_000  # members kept per group to choose its representative and list ids
_EMPTY = np.uint32(0xFFFFFFFF)
_SEED = 2030


class _Group:
    """A group of near-duplicates: its first text's signature (bytes: compact) and up to SAMPLE_MEMBERS members."""

    __slots__ = ("members", "signature", "size", "themes")

    def __init__(self, signature: np.ndarray, member: tuple[str, str, bytes], theme: str) -> None:
        self.signature = signature.tobytes()
        self.size = 1
        self.members: list[tuple[str, str, bytes]] = [member]  # (id, text, signature)
        self.themes: Counter[str] | str = theme  # a plain string while the group has one member

    def add(self, member: tuple[str, str, bytes], theme: str) -> None:
        if isinstance(self.themes, str):
            self.themes = Counter({self.themes: 1})
        self.themes[theme] += 1
        self.size += 1
        if len(self.members) < SAMPLE_MEMBERS:
            self.members.append(member)

    def theme(self) -> str:
        return self.themes if isinstance(self.themes, str) else self.themes.most_common(1)[0][0]


@dataclass
class FoundGroup:
    number: int  # as returned by observe()
    size: int
    representative_id: str
    representative_text: str
    member_ids: list[str]
    theme: str


class DuplicateFinder:
    def __init__(self, seed: int = _SEED, expected: int | None = None) -> None:
        """`expected`: how many contributions will be added (None: unknown), to size the sketch of pass 1."""
        rng = np.random.default_rng(seed)
        # One seed per MinHash function; the word's hash is mixed with it by splitmix64's finaliser, which
        # behaves like a random permutation far better than affine hashing does.
        self._seeds = rng.integers(0, 2**63, size=HASHES, dtype=np.uint64)[None, :]
        self._mix = (rng.integers(1, 2**63, size=ROWS, dtype=np.uint64) * np.uint64(2) + np.uint64(1))[
            None, :
        ]
        # Pass 1 sketch: one bit per slot for "a band key fell here", one for "…at least twice". Fixed size (at
        # most 2 × 32 MB), whatever the number of contributions: a collision only makes a text a candidate for
        # nothing, which costs a look-up in pass 2, never a wrong group.
        wanted = (expected or SKETCH_MAX_SLOTS) * BANDS * 16
        self._slots = int(min(SKETCH_MAX_SLOTS, max(2**16, 1 << (wanted - 1).bit_length())))
        self._seen_once = np.zeros(self._slots // 8, dtype=np.uint8)
        self._seen_twice = np.zeros(self._slots // 8, dtype=np.uint8)
        self._groups: dict[int, _Group] = {}
        self._next = 0
        self._order: deque[int] = deque()  # group numbers in order of creation, to forget old singletons
        self._leaders: dict[int, list[int]] = {}  # (band << 32 | key) -> groups whose first text has that key
        self.candidates = 0
        self.forgotten = 0

    # -- pass 1 ---------------------------------------------------------------------------------------------
    def add(self, lemma_lists: Sequence[list[str]]) -> None:
        """Record the band keys of a chunk of contributions in the sketch."""
        signatures = self.signatures(lemma_lists)
        slots = self._slot(self._band_keys(signatures)[signatures[:, 0] != _EMPTY])
        if not slots.size:
            return
        unique, counts = np.unique(slots, return_counts=True)
        byte, bit = unique >> 3, (np.uint8(1) << (unique & 7).astype(np.uint8))
        again = (counts > 1) | ((self._seen_once[byte] & bit) != 0)
        np.bitwise_or.at(self._seen_twice, byte[again], bit[again])
        np.bitwise_or.at(self._seen_once, byte, bit)

    def prepare(self) -> None:
        """Between the passes: the first-seen bits are no longer needed."""
        self._seen_once = np.zeros(0, dtype=np.uint8)

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        """Sketch slot of each (band, key): the band number is mixed in, so that bands do not collide."""
        bands = np.arange(keys.shape[1], dtype=np.uint64)[None, :] << np.uint64(32)
        mixed = _mix64(keys.astype(np.uint64) | bands)
        return (mixed & np.uint64(self._slots - 1)).ravel()

    def _candidates(self, keys: np.ndarray, empty: np.ndarray) -> np.ndarray:
        """Rows having a band key seen at least twice in pass 1 (theirs and another's, or a collision)."""
        slots = self._slot(keys).reshape(keys.shape)
        seen = (self._seen_twice[slots >> 3] & (np.uint8(1) << (slots & 7).astype(np.uint8))) != 0
        return seen.any(axis=1) & ~empty

    # -- pass 2 ---------------------------------------------------------------------------------------------
    def observe(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        lemma_lists: Sequence[list[str]],
        themes: Sequence[str],
    ) -> list[int | None]:
        """Place each contribution of a chunk in a group; returns the group number of each (None when none of
        its band keys was seen twice in pass 1: no other contribution can be like it)."""
        result: list[int | None] = [None] * len(ids)
        all_signatures = self.signatures(lemma_lists)
        all_keys = self._band_keys(all_signatures)
        rows = np.flatnonzero(self._candidates(all_keys, all_signatures[:, 0] == _EMPTY))
        self.candidates += len(rows)
        if not len(rows):
            return result
        signatures = all_signatures[rows]
        keys = all_keys[rows].astype(np.int64) | (np.arange(BANDS, dtype=np.int64) << 32)[None, :]
        for row, signature, row_keys in zip(rows.tolist(), signatures, keys.tolist(), strict=True):
            member = (ids[row], texts[row], signature.tobytes())
            number = self._find(signature, row_keys)
            if number is None:
                number = self._create(signature, row_keys, member, themes[row])
            else:
                self._groups[number].add(member, themes[row])
            result[row] = number
        return result

    def _find(self, signature: np.ndarray, keys: list[int]) -> int | None:
        """A group sharing band keys whose first text is similar enough: the groups sharing the most keys are
        tried first (at most MAX_TRIED), earliest first on a tie."""
        shared: Counter[int] = Counter()
        for key in keys:
            leaders = self._leaders.get(key)
            if leaders is not None:
                shared.update(leaders)
        for number in sorted(shared, key=lambda number: (-shared[number], number))[:MAX_TRIED]:
            first = np.frombuffer(self._groups[number].signature, dtype=np.uint32)
            if np.count_nonzero(first == signature) >= THRESHOLD * HASHES:
                return number
        return None

    def _create(
        self, signature: np.ndarray, keys: list[int], member: tuple[str, str, bytes], theme: str
    ) -> int:
        number = self._next
        self._next += 1
        self._groups[number] = _Group(signature, member, theme)
        self._order.append(number)
        for key in keys:
            leaders = self._leaders.setdefault(key, [])
            if len(leaders) < MAX_LEADERS_PER_KEY:
                leaders.append(number)
        if len(self._groups) > MAX_GROUPS:
            self._forget_old_singletons()
        return number

    def _forget_old_singletons(self) -> None:
        """Bounded memory: the oldest texts still alone leave the index (a tenth of the table at a time). A
        near-duplicate arriving after them starts a new group; groups of two or more are always kept."""
        target = MAX_GROUPS - MAX_GROUPS // 10
        while len(self._groups) > target and self._order:
            number = self._order.popleft()
            group = self._groups.get(number)
            if group is None or group.size > 1:
                continue
            del self._groups[number]
            signature = np.frombuffer(group.signature, dtype=np.uint32)[None, :]
            keys = (
                self._band_keys(signature).astype(np.int64)
                | (np.arange(BANDS, dtype=np.int64) << 32)[None, :]
            )
            for key in keys[0].tolist():
                leaders = self._leaders.get(key)
                if leaders is not None and number in leaders:
                    leaders.remove(number)
                    if not leaders:
                        del self._leaders[key]
            self.forgotten += 1

    def groups(self, min_size: int = 2) -> list[FoundGroup]:
        """Groups of at least `min_size`, largest first."""
        order = sorted(
            (number for number, group in self._groups.items() if group.size >= min_size),
            key=lambda number: (-self._groups[number].size, number),
        )
        found = []
        for number in order:
            group = self._groups[number]
            representative = _medoid(group.members)
            theme = group.theme()
            found.append(
                FoundGroup(
                    number=number,
                    size=group.size,
                    representative_id=representative[0],
                    representative_text=representative[1],
                    member_ids=[member[0] for member in group.members],
                    theme=theme,
                )
            )
        return found

    @property
    def held(self) -> int:
        """Groups in memory now (of one member or more)."""
        return len(self._groups)

    # -- hashing --------------------------------------------------------------------------------------------
    def signatures(self, lemma_lists: Sequence[list[str]]) -> np.ndarray:
        """MinHash of each set of lemmas: HASHES uint32 values (all 0xFFFFFFFF for an empty set)."""
        result = np.full((len(lemma_lists), HASHES), _EMPTY, dtype=np.uint32)
        cache = _HASHES
        flat = [cache.get(word) or _hash(word) for words in lemma_lists for word in words]
        if not flat:
            return result
        lengths = np.fromiter((len(words) for words in lemma_lists), dtype=np.int64, count=len(lemma_lists))
        owner = np.repeat(np.arange(len(lemma_lists), dtype=np.uint64), lengths)
        # One sort gives each document's distinct word hashes, grouped by document.
        pairs = np.unique((owner << np.uint64(32)) | np.asarray(flat, dtype=np.uint64))
        documents = (pairs >> np.uint64(32)).astype(np.int64)
        words = (pairs & np.uint64(0xFFFFFFFF))[:, None]
        starts = np.flatnonzero(np.concatenate([[True], documents[1:] != documents[:-1]]))
        values = (_mix64(words + self._seeds) >> np.uint64(32)).astype(np.uint32)
        result[documents[starts]] = np.minimum.reduceat(values, starts, axis=0)
        return result

    def _band_keys(self, signatures: np.ndarray) -> np.ndarray:
        bands = signatures.reshape(len(signatures), BANDS, ROWS).astype(np.uint64)
        keys = ((bands * self._mix[:, None, :]).sum(axis=2) >> np.uint64(32)).astype(np.uint32)
        keys[keys == _EMPTY] = _EMPTY - 1  # a real key never looks like an empty text's
        keys[signatures[:, 0] == _EMPTY] = _EMPTY
        return keys


def _mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, on uint64 arrays (wrapping arithmetic is intended)."""
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


_HASHES: dict[str, int] = {}
_MAX_CACHED_HASHES = 300_000


def _hash(word: str) -> int:
    """A stable 32-bit hash (Python's own hash changes from one process to the next), remembered per word."""
    value = zlib.crc32(word.encode("utf-8")) or 1
    if len(_HASHES) < _MAX_CACHED_HASHES:
        _HASHES[word] = value
    return value


def _medoid(members: list[tuple[str, str, bytes]]) -> tuple[str, str, bytes]:
    """The member closest to all the others (by agreement of signatures); the shorter text on a tie."""
    if len(members) <= 2:
        return min(members, key=lambda member: len(member[1]))
    signatures = np.stack([np.frombuffer(member[2], dtype=np.uint32) for member in members])
    agreement = (signatures[:, None, :] == signatures[None, :, :]).sum(axis=(1, 2))
    best = max(range(len(members)), key=lambda i: (int(agreement[i]), -len(members[i][1])))
    return members[best]
