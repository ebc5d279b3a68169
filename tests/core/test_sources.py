"""The readers every importer shares (cooperer/core/sources.py) and their limits (cooperer/core/limits.py)."""

import gzip
import io
import json
import zipfile
import zlib

import openpyxl
import pytest

from cooperer.core.limits import MEGABYTE, ReadLimits, configured
from cooperer.core.sources import SourceError, csv_rows, load_json, read_bytes, table_rows


def gzip_of_spaces(megabytes: int) -> bytes:
    """A gzip bomb built a megabyte at a time: a few kilobytes that inflate to `megabytes` of spaces."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * MEGABYTE
    return b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()


def test_the_limits_come_from_the_settings(settings):
    settings.COOPERER_MAX_ROWS = 12
    assert configured() == ReadLimits(rows=12)


def test_a_csv_with_carriage_returns_only_is_read_line_by_line():
    header, rows = csv_rows("nom;code_insee_commune\rA;42218\rB;42095\r")
    assert header == ["nom", "code_insee_commune"]
    assert rows == [
        (2, {"nom": "A", "code_insee_commune": "42218"}),
        (3, {"nom": "B", "code_insee_commune": "42095"}),
    ]


def test_a_value_longer_than_the_limit_is_a_file_error_naming_its_line():
    text = "nom;description\nA;court\nB;" + "x" * 131_073 + "\n"
    with pytest.raises(SourceError, match=r"^Ligne 3 : une valeur dépasse 100\u202f000 caractères\."):
        csv_rows(text)


def test_an_unclosed_quote_that_swallows_the_file_is_a_file_error_with_a_hint(settings):
    settings.COOPERER_MAX_CELL_CHARS = 1000
    text = 'nom;description\nA;"jamais refermé\n' + "B;suite\n" * 500
    with pytest.raises(SourceError, match="guillemet ouvert plus haut et jamais refermé"):
        csv_rows(text)


def test_rows_and_columns_beyond_the_limits_are_refused(settings):
    settings.COOPERER_MAX_ROWS, settings.COOPERER_MAX_COLUMNS = 3, 4
    assert len(csv_rows("nom\nA\nB\n\n\nC\n")[1]) == 3  # blank lines do not count
    with pytest.raises(SourceError, match=r"^Le fichier compte plus de 3 lignes : découpez-le"):
        csv_rows("nom\nA\nB\nC\nD\n")
    with pytest.raises(SourceError, match=r"^Le fichier compte 5 colonnes : 4 au plus\.$"):
        csv_rows("a;b;c;d;e\n1;2;3;4;5\n")


@pytest.mark.parametrize(
    ("limit", "inflated", "message"),
    [(5, 60, "5 Mo"), (None, 201, "200 Mo")],  # None: the default limit, as in production
)
def test_a_gzip_bomb_is_refused_without_inflating_it_whole(tmp_path, settings, limit, inflated, message):
    if limit is not None:
        settings.COOPERER_MAX_INFLATED_BYTES = limit * MEGABYTE
    path = tmp_path / "qpv.json.gz"
    path.write_bytes(gzip_of_spaces(inflated))
    assert path.stat().st_size < 300_000
    with pytest.raises(SourceError, match=rf"^Le fichier décompressé dépasse {message}\.$"):
        read_bytes(str(path))


def test_a_gzip_under_the_limit_and_a_broken_one(tmp_path):
    good, broken = tmp_path / "a.csv.gz", tmp_path / "b.csv.gz"
    good.write_bytes(gzip.compress(b"nom\nA\n"))
    broken.write_bytes(gzip.compress(b"nom\nA\n" * 1000)[:40])
    assert read_bytes(str(good)) == ("a.csv", b"nom\nA\n")
    with pytest.raises(SourceError, match="tronquée ou corrompue"):
        read_bytes(str(broken))


def test_a_zip_member_is_inflated_within_the_limit(tmp_path, settings):
    settings.COOPERER_MAX_INFLATED_BYTES = MEGABYTE
    path = tmp_path / "qpv.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("qpv.csv", b" " * (3 * MEGABYTE))
    with pytest.raises(SourceError, match=r"^Le fichier contenu dans l'archive dépasse 1 Mo\.$"):
        read_bytes(str(path))


def workbook(rows: int, columns: int = 2) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([f"colonne {n}" for n in range(columns)])
    for row in range(rows):
        sheet.append([f"Structure {row}", *range(columns - 1)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_of_too_many_rows_is_refused_and_not_read_to_its_end(settings):
    settings.COOPERER_MAX_ROWS = 100
    assert len(table_rows("a.xlsx", workbook(100))[1]) == 100
    with pytest.raises(SourceError, match=r"^Le fichier compte plus de 100 lignes"):
        table_rows("a.xlsx", workbook(5000))


def test_a_workbook_that_inflates_past_the_limit_is_refused_before_it_is_opened(settings):
    settings.COOPERER_MAX_INFLATED_BYTES = MEGABYTE
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", b" " * (20 * MEGABYTE))
    assert len(out.getvalue()) < 100_000
    with pytest.raises(SourceError, match=r"^Le classeur Excel décompressé dépasse 1 Mo\.$"):
        table_rows("bombe.xlsx", out.getvalue())


def test_a_workbook_too_wide_or_with_a_huge_cell_is_refused(settings):
    settings.COOPERER_MAX_COLUMNS, settings.COOPERER_MAX_CELL_CHARS = 5, 50
    with pytest.raises(SourceError, match=r"^Le fichier compte plus de 5 colonnes : 5 au plus\.$"):
        table_rows("large.xlsx", workbook(2, columns=8))
    book = openpyxl.Workbook()
    book.active.append(["nom"])
    book.active.append(["x" * 60])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(SourceError, match=r"^Ligne 2 : une valeur dépasse 50 caractères\.$"):
        table_rows("cellule.xlsx", out.getvalue())


def test_deeply_nested_json_is_refused_in_french():
    with pytest.raises(SourceError, match=r"imbriqué sur plus de 64 niveaux"):
        load_json("[" * 100_000 + "]" * 100_000)  # deeper than Python's recursion limit
    with pytest.raises(SourceError, match=r"imbriqué sur plus de 64 niveaux"):
        load_json(
            json.dumps({"features": [{"g": "[" * 70 + "]" * 70}]}).replace('"[', "[").replace(']"', "]")
        )
    assert load_json('{"type": "FeatureCollection", "features": [[[[[[[1]]]]]]]}')["features"]
    assert [load_json(text) for text in ("5", '"texte"', "null")] == [5, "texte", None]


def test_json_that_is_truncated_holds_a_giant_number_or_too_many_records_is_refused(settings):
    settings.COOPERER_MAX_ROWS = 2
    with pytest.raises(SourceError, match=r"tronqué ou invalide \(ligne 1, colonne 10"):
        load_json('[{"a": 1}')
    with pytest.raises(SourceError, match="nombre illisible"):
        load_json("[" + "9" * 5000 + "]")
    with pytest.raises(SourceError, match="plus de 2 lignes"):
        load_json('{"features": [1, 2, 3]}')
