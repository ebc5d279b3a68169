"""Reading files handed to importers: from a path or an http(s) URL, gzip-aware, with the encodings
real French open data comes in (UTF-8 with or without BOM, cp1252). Every reader stops at the limits of
`core.limits` (inflated size, rows, columns, cell size, JSON depth) with a French `SourceError`."""

import csv
import datetime
import gzip
import io
import json
import re
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import URLError

from cooperer.core.limits import ReadLimits, configured

MAX_SOURCE_BYTES = 300 * 1024 * 1024
_CHUNK = 1024 * 1024
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# What zipfile and zlib raise on a truncated, encrypted or foreign archive.
_ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)


class SourceError(Exception):
    """A file that cannot be read at all; the message is French and says why."""


class ImportRefused(Exception):
    """An import refused as a whole (unreadable file, foreign layout, refused commit), with the row errors that
    explain it when there are some."""

    def __init__(self, message: str, errors: list | None = None):
        super().__init__(message)
        self.errors = list(errors or [])


@dataclass
class RowError:
    """One problem in one place of a file: `line` as the user counts it (header = line 1)."""

    line: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"ligne": self.line, "colonne": self.column, "raison": self.message}

    def __str__(self) -> str:
        where = f"ligne {self.line}" if self.line is not None else "fichier"
        if self.column:
            where += f", colonne « {self.column} »"
        return f"{where} : {self.message}"


@dataclass
class Text:
    name: str
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def read_bytes(path_or_url: str, max_bytes: int = MAX_SOURCE_BYTES) -> tuple[str, bytes]:
    if path_or_url.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(path_or_url, timeout=120) as response:
                data = response.read(max_bytes + 1)
        except (URLError, OSError) as exc:
            raise SourceError(f"Impossible de télécharger {path_or_url} : {exc}.") from exc
        name = path_or_url.rsplit("/", 1)[-1] or path_or_url
    else:
        path = Path(path_or_url)
        if not path.is_file():
            raise SourceError(f"Fichier introuvable : {path_or_url}.")
        if path.stat().st_size > max_bytes:
            raise SourceError(f"Le fichier dépasse la taille maximale de {max_bytes // (1024 * 1024)} Mo.")
        data = path.read_bytes()
        name = path.name
    if len(data) > max_bytes:
        raise SourceError(f"Le fichier dépasse la taille maximale de {max_bytes // (1024 * 1024)} Mo.")
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, configured())
        name = name.removesuffix(".gz")
    if data[:4] == b"PK\x03\x04" and not name.lower().endswith((".xlsx", ".xlsm")):
        name, data = _pick_from_zip(data, configured())
    return name, data


def _inflate(stream, limits: ReadLimits) -> bytes:
    """Read a decompressing stream a chunk at a time, never past the inflated-size limit."""
    out = io.BytesIO()
    while chunk := stream.read(_CHUNK):
        out.write(chunk)
        if out.tell() > limits.inflated_bytes:
            raise SourceError(limits.too_big())
    return out.getvalue()


def _gunzip(data: bytes, limits: ReadLimits) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            return _inflate(stream, limits)
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError("L'archive gzip est tronquée ou corrompue.") from exc


def _pick_from_zip(data: bytes, limits: ReadLimits) -> tuple[str, bytes]:
    """Official archives (e.g. the ANCT QPV 2024 zip) hold several files: take the WGS84 GeoJSON,
    or the only JSON/CSV inside."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = [n for n in archive.namelist() if n.lower().endswith((".geojson", ".json", ".csv"))]
    except _ARCHIVE_ERRORS as exc:
        raise SourceError("L'archive zip est tronquée ou corrompue.") from exc
    preferred = [n for n in names if "wgs84" in n.lower() and n.lower().endswith(".geojson")]
    chosen = preferred or (names if len(names) == 1 else [])
    if not chosen:
        raise SourceError(
            "L'archive zip ne contient pas un fichier GeoJSON WGS84 ni un unique fichier JSON ou CSV "
            f"(fichiers : {', '.join(archive.namelist()[:10])})."
        )
    if archive.getinfo(chosen[0]).file_size > limits.inflated_bytes:
        raise SourceError(limits.too_big("Le fichier contenu dans l'archive"))
    try:
        with archive.open(chosen[0]) as stream:
            return chosen[0].rsplit("/", 1)[-1], _inflate(stream, limits)
    except _ARCHIVE_ERRORS as exc:
        raise SourceError("L'archive zip est tronquée, chiffrée ou corrompue.") from exc


def decode(name: str, data: bytes) -> Text:
    if b"\x00" in data[:4096]:
        raise SourceError(
            "Ce fichier n'est pas un fichier texte (CSV ou JSON) : il contient des octets binaires."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return Text(name=name, text=data.decode("utf-8"), encoding="utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SourceError("Encodage non reconnu : le fichier n'est ni en UTF-8 ni en Windows-1252.") from exc
    return Text(name=name, text=text, encoding="cp1252", warnings=["Fichier lu en Windows-1252 (cp1252)."])


def read_text(path_or_url: str) -> Text:
    return decode(*read_bytes(path_or_url))


def csv_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header (normalised: stripped, lowercase) and rows with their line numbers as in the file. Lines may
    end with LF, CRLF or CR alone (old Mac spreadsheets)."""
    limits = configured()
    first_line = _LINE_BREAK.split(text[:20_000], maxsplit=1)[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    csv.field_size_limit(limits.cell_chars)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        header = next(reader, None)
        if header is None:
            raise SourceError("Le fichier CSV est vide.")
        header = [column.strip().strip("\ufeff").lower() for column in header]
        if len(header) > limits.columns:
            raise SourceError(limits.too_many_columns(len(header)))
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) == limits.rows:
                raise SourceError(limits.too_many_rows())
            rows.append(
                (reader.line_num, dict(zip(header, (value.strip() for value in values), strict=False)))
            )
    except csv.Error as exc:
        raise SourceError(_csv_problem(exc, reader.line_num, limits)) from exc
    return header, rows


def _csv_problem(exc: csv.Error, line: int, limits: ReadLimits) -> str:
    if "field limit" in str(exc):
        return limits.cell_too_long(line) + " Un guillemet ouvert plus haut et jamais refermé ?"
    return f"Le fichier CSV est illisible à la ligne {line} : enregistrez-le à nouveau en CSV."


def excel_rows(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """First sheet of an .xlsx file as (header, rows), cells as French-formatted text, line numbers as
    Excel shows them. Formulas are read as their text, never evaluated. The workbook is refused before it
    is opened when its members would inflate past the limit, and read row by row, never past the limits."""
    from openpyxl import load_workbook

    limits = configured()
    _check_workbook_size(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken or foreign file
        raise SourceError("Le classeur Excel est illisible (fichier .xlsx attendu).") from exc
    try:
        return _sheet_rows(workbook.worksheets[0], limits)
    except SourceError:
        raise
    except Exception as exc:  # a cell or a row that openpyxl cannot parse, halfway through the sheet
        raise SourceError("Le classeur Excel est abîmé : une feuille ne peut pas être lue.") from exc
    finally:
        workbook.close()


def _check_workbook_size(data: bytes, limits: ReadLimits) -> None:
    """The sizes a zip declares bound what its members inflate to (zipfile stops there and checks the CRC)."""
    try:
        declared = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except _ARCHIVE_ERRORS as exc:
        raise SourceError("Le classeur Excel est illisible (fichier .xlsx attendu).") from exc
    if declared > limits.inflated_bytes:
        raise SourceError(limits.too_big("Le classeur Excel décompressé"))


# Excel's own last row: a sheet whose XML numbers rows beyond is forged, and its gaps would be filled.
EXCEL_LAST_ROW = 1_048_576


def _sheet_rows(sheet, limits: ReadLimits) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    sheet.reset_dimensions()  # read the rows there are, not the size the file claims
    rows_iter = sheet.iter_rows(values_only=True, max_col=limits.columns + 1)
    header_cells = next(rows_iter, None)
    if not header_cells:
        raise SourceError("La première feuille du classeur est vide.")
    if header_cells.count(None) == len(header_cells):
        raise SourceError(
            "La ligne 1 de la première feuille est vide : les noms des colonnes y sont attendus."
        )
    header = [_excel_text(cell, 1, limits).lower() for cell in header_cells]
    while header and not header[-1]:
        header.pop()
    if len(header) > limits.columns:
        raise SourceError(limits.too_many_columns())
    rows = []
    for line, cells in enumerate(rows_iter, start=2):
        if line > EXCEL_LAST_ROW:
            raise SourceError(limits.too_many_rows())
        if cells.count(None) == len(cells):  # C speed: forged sheets pad up to a million empty rows
            continue
        values = [_excel_text(cell, line, limits) for cell in cells[: len(header)]]
        if any(values):
            if len(rows) == limits.rows:
                raise SourceError(limits.too_many_rows())
            rows.append((line, dict(zip(header, values, strict=False))))
    return header, rows


def _excel_text(cell, line: int, limits: ReadLimits) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime | datetime.date):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    text = str(cell).strip()
    if len(text) > limits.cell_chars:
        raise SourceError(limits.cell_too_long(line))
    return text


def load_json(text: str) -> object:
    """The document of a JSON text, or a SourceError in French: invalid or truncated, nested deeper than the
    limit, or holding more records (items of the top-level list, or of a list of the top-level object) than
    the limit."""
    limits = configured()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"Le fichier JSON est tronqué ou invalide (ligne {exc.lineno}, colonne {exc.colno} : {exc.msg})."
        ) from exc
    except RecursionError as exc:
        raise SourceError(limits.too_deep()) from exc
    except ValueError as exc:  # a number of more than 4,300 digits
        raise SourceError("Le fichier JSON contient un nombre illisible (trop de chiffres).") from exc
    _check_json_depth(document, limits)
    records = document.values() if isinstance(document, dict) else [document]
    if any(isinstance(value, list) and len(value) > limits.rows for value in records):
        raise SourceError(limits.too_many_rows())
    return document


def _check_json_depth(document: object, limits: ReadLimits) -> None:
    """Walked with a stack (no recursion): importers and geometry libraries recurse into what they read."""
    stack = [(document, 1)] if isinstance(document, list | dict) else []
    while stack:
        value, depth = stack.pop()
        if depth > limits.json_depth:
            raise SourceError(limits.too_deep())
        items = value.values() if isinstance(value, dict) else value
        stack.extend((item, depth + 1) for item in items if isinstance(item, list | dict))


def table_rows(name: str, data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[str]]:
    """CSV or Excel, decided from the content: (header, rows, warnings)."""
    if data[:4] == b"PK\x03\x04" and name.lower().endswith((".xlsx", ".xlsm")):
        header, rows = excel_rows(data)
        return header, rows, []
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise SourceError("Format de classeur non pris en charge : enregistrez-le en .xlsx ou en CSV.")
    text = decode(name, data)
    header, rows = csv_rows(text.text)
    return header, rows, text.warnings
