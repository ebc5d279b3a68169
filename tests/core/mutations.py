"""Broken versions of a file, as people and tools really break them (and as an attacker would): cut short,
bytes flipped, other encodings, columns swapped or missing, huge values, odd line endings, archives, bombs.
Deterministic: the same seed gives the same files."""

import gzip
import io
import json
import random
import re
import zipfile
from collections.abc import Callable, Iterator

HUGE = 150_000  # over Python's csv field limit (131,072) and over COOPERER_MAX_CELL_CHARS
DEEP = 50_000  # deeper than Python's recursion limit


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig", errors="replace")


def _lines(data: bytes) -> list[str]:
    return _text(data).splitlines()


def _joined(lines: list[str], ending: str = "\n") -> bytes:
    return (ending.join(lines) + ending).encode("utf-8")


def _delimiter(line: str) -> str:
    return max([";", ",", "\t"], key=line.count)


def _flip(data: bytes, count: int, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(count):
        position = rng.randrange(len(buffer))
        buffer[position] ^= 1 << rng.randrange(8)
    return bytes(buffer)


def _insert(data: bytes, piece: bytes, rng: random.Random) -> bytes:
    position = rng.randrange(len(data) + 1)
    return data[:position] + piece + data[position:]


def _swap_columns(data: bytes, rng: random.Random, header_only: bool) -> bytes:
    lines = _lines(data)
    if not lines:
        return data
    delimiter = _delimiter(lines[0])
    width = len(lines[0].split(delimiter))
    if width < 2:
        return data
    first, second = rng.sample(range(width), 2)
    out = []
    for number, line in enumerate(lines):
        cells = line.split(delimiter)
        if (number == 0 or not header_only) and max(first, second) < len(cells):
            cells[first], cells[second] = cells[second], cells[first]
        out.append(delimiter.join(cells))
    return _joined(out)


def _drop_column(data: bytes, rng: random.Random, header_only: bool) -> bytes:
    lines = _lines(data)
    if not lines:
        return data
    delimiter = _delimiter(lines[0])
    column = rng.randrange(len(lines[0].split(delimiter)))
    out = []
    for number, line in enumerate(lines):
        cells = line.split(delimiter)
        if (number == 0 or not header_only) and column < len(cells):
            del cells[column]
        out.append(delimiter.join(cells))
    return _joined(out)


def _huge_field(data: bytes, rng: random.Random, size: int = HUGE, quoted: bool = False) -> bytes:
    lines = _lines(data)
    if len(lines) < 2:
        return data + b"x" * size
    number = rng.randrange(1, len(lines))
    delimiter = _delimiter(lines[0])
    cells = lines[number].split(delimiter)
    value = "é" * size
    cells[rng.randrange(len(cells))] = f'"{value}"' if quoted else value
    lines[number] = delimiter.join(cells)
    return _joined(lines)


def _deep_json(data: bytes, rng: random.Random) -> bytes:
    text = _text(data)
    positions = [match.start() for match in re.finditer(r":\s*", text)][:200]
    if not positions:
        return b"[" * DEEP + b"]" * DEEP
    position = rng.choice(positions) + 1
    return (text[:position] + "[" * DEEP + "]" * DEEP + "," + text[position:]).encode("utf-8")


def _zip(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return out.getvalue()


def _xlsx(data: bytes) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    lines = _lines(data)[:60]
    delimiter = _delimiter(lines[0]) if lines else ";"
    for line in lines:
        sheet.append([cell[:30_000] for cell in line.split(delimiter)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _swap_date_parts(data: bytes) -> bytes:
    return re.sub(rb"(\d{4})-(\d{2})-(\d{2})", rb"\1-\3-\2", data)


def _impossible_dates(data: bytes, rng: random.Random) -> bytes:
    """ISO dates whose day and month are drawn from 1 to 31: « 2017-31-09 » exists neither way."""
    return re.sub(
        rb"(\d{4})-\d{2}-\d{2}",
        lambda m: b"%s-%02d-%02d" % (m.group(1), rng.randint(1, 31), rng.randint(1, 31)),
        data,
    )


ODD_VALUES = ([], {}, None, True, -1, 1e308, "", "x" * 300, [[1, 2]], {"type": "Point"}, "42218, QN04215M")


def _retyped_json(data: bytes, rng: random.Random) -> bytes:
    """JSON whose values take other types (a list for a text, null for an object…), at every level."""
    try:
        document = json.loads(data)
    except ValueError:
        return data

    def walk(value, depth):
        if isinstance(value, dict):
            return {
                key: rng.choice(ODD_VALUES) if rng.random() < 0.2 else walk(item, depth + 1)
                for key, item in value.items()
            }
        if isinstance(value, list) and depth < 4:
            return [rng.choice(ODD_VALUES) if rng.random() < 0.1 else walk(item, depth + 1) for item in value]
        return value

    return json.dumps(walk(document, 0)).encode("utf-8")


def _huge_numbers(data: bytes) -> bytes:
    return re.sub(
        rb"\d+(?:[.,]\d+)?", lambda match: b"9" * 5000 if len(match.group()) > 3 else b"1e999999", data
    )


def _duplicate_rows(data: bytes) -> bytes:
    lines = _lines(data)
    return _joined(lines + lines[1:])


def _reencoded(data: bytes, encoding: str) -> bytes:
    return _text(data).encode(encoding, errors="replace")


def _double_encoded(data: bytes) -> bytes:
    return _text(data).encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")


# (label, suffix of the mutated file or "" to keep the original's, mutation)
Mutation = tuple[str, str, Callable[[str, bytes, random.Random], bytes]]
MUTATIONS: list[Mutation] = [
    ("coupé au début", "", lambda n, d, r: d[: r.randrange(1, 64)]),
    ("coupé au milieu", "", lambda n, d, r: d[: r.randrange(len(d) // 4, 3 * len(d) // 4 + 1)]),
    ("coupé à la fin", "", lambda n, d, r: d[: max(1, len(d) - r.randrange(1, 40))]),
    ("un octet inversé", "", lambda n, d, r: _flip(d, 1, r)),
    ("8 octets inversés", "", lambda n, d, r: _flip(d, 8, r)),
    ("200 octets inversés", "", lambda n, d, r: _flip(d, 200, r)),
    ("octet nul", "", lambda n, d, r: _insert(d, b"\x00", r)),
    ("octets de contrôle", "", lambda n, d, r: _insert(d, b"\x1a\x0b\x0c\x85\xff\xfe", r)),
    ("Windows-1252", "", lambda n, d, r: _reencoded(d, "cp1252")),
    ("UTF-16", "", lambda n, d, r: _reencoded(d, "utf-16")),
    ("UTF-16 sans BOM", "", lambda n, d, r: _reencoded(d, "utf-16-le")),
    ("Mac Roman", "", lambda n, d, r: _reencoded(d, "mac_roman")),
    ("UTF-8 encodé deux fois", "", lambda n, d, r: _double_encoded(d)),
    ("BOM au milieu", "", lambda n, d, r: _insert(d, b"\xef\xbb\xbf", r)),
    ("colonnes d'en-tête permutées", "", lambda n, d, r: _swap_columns(d, r, header_only=True)),
    ("colonnes permutées", "", lambda n, d, r: _swap_columns(d, r, header_only=False)),
    ("colonne d'en-tête manquante", "", lambda n, d, r: _drop_column(d, r, header_only=True)),
    ("colonne manquante", "", lambda n, d, r: _drop_column(d, r, header_only=False)),
    ("champ énorme", "", lambda n, d, r: _huge_field(d, r)),
    ("champ énorme entre guillemets", "", lambda n, d, r: _huge_field(d, r, quoted=True)),
    ("guillemet jamais refermé", "", lambda n, d, r: _insert(d, b'"', r)),
    ("fins de ligne CR", "", lambda n, d, r: d.replace(b"\r\n", b"\n").replace(b"\n", b"\r")),
    ("fins de ligne CRLF", "", lambda n, d, r: d.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")),
    (
        "fins de ligne mêlées",
        "",
        lambda n, d, r: re.sub(rb"\n", lambda m: r.choice([b"\n", b"\r", b"\r\n"]), d),
    ),
    ("séparateurs de ligne Unicode", "", lambda n, d, r: d.replace(b"\n", "\u2028".encode())),
    ("lignes en double", "", lambda n, d, r: _duplicate_rows(d)),
    ("JSON imbriqué", "", lambda n, d, r: _deep_json(d, r)),
    ("valeurs JSON d'un autre type", "", lambda n, d, r: _retyped_json(d, r)),
    ("valeurs JSON d'un autre type, encore", "", lambda n, d, r: _retyped_json(d, r)),
    ("nombres démesurés", "", lambda n, d, r: _huge_numbers(d)),
    ("jour et mois inversés", "", lambda n, d, r: _swap_date_parts(d)),
    ("dates impossibles", "", lambda n, d, r: _impossible_dates(d, r)),
    ("vide", "", lambda n, d, r: b""),
    ("un nombre seul", "", lambda n, d, r: b"5"),
    ("une liste de nombres", "", lambda n, d, r: b"[5, null]"),
    ("BOM seul", "", lambda n, d, r: b"\xef\xbb\xbf\r\n"),
    ("en-tête seul", "", lambda n, d, r: d.split(b"\n", 1)[0]),
    ("gzip", ".gz", lambda n, d, r: gzip.compress(d)),
    ("gzip coupé", ".gz", lambda n, d, r: gzip.compress(d)[: r.randrange(10, 60)]),
    ("gzip dans un gzip", ".gz", lambda n, d, r: gzip.compress(gzip.compress(d))),
    ("zip", ".zip", lambda n, d, r: _zip(n, d)),
    ("zip coupé", ".zip", lambda n, d, r: _zip(n, d)[:-30]),
    ("classeur Excel", ".xlsx", lambda n, d, r: _xlsx(d)),
    ("classeur Excel abîmé", ".xlsx", lambda n, d, r: _flip(_xlsx(d), 40, r)),
    ("faux classeur", ".xlsx", lambda n, d, r: d),
]


def mutated(
    name: str, data: bytes, seed: int, only: list[str] | None = None
) -> Iterator[tuple[str, str, bytes]]:
    """(label, file name, bytes) of every mutation of one file (or of the labels in `only`)."""
    rng = random.Random(f"{seed}:{name}")
    for label, suffix, mutation in MUTATIONS:
        if only is not None and label not in only:
            continue
        yield label, name + suffix, mutation(name, data, rng)
