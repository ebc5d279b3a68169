"""Reading files handed to importers: from a path or an http(s) URL, gzip-aware, with the encodings
real French open data comes in (UTF-8 with or without BOM, cp1252)."""

import csv
import gzip
import io
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import URLError

MAX_SOURCE_BYTES = 300 * 1024 * 1024


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
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise SourceError("L'archive gzip est tronquée ou corrompue.") from exc
        name = name.removesuffix(".gz")
    if data[:4] == b"PK\x03\x04" and not name.lower().endswith((".xlsx", ".xlsm")):
        name, data = _pick_from_zip(data)
    return name, data


def _pick_from_zip(data: bytes) -> tuple[str, bytes]:
    """Official archives (e.g. the ANCT QPV 2024 zip) hold several files: take the WGS84 GeoJSON,
    or the only JSON/CSV inside."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = [n for n in archive.namelist() if n.lower().endswith((".geojson", ".json", ".csv"))]
    except zipfile.BadZipFile as exc:
        raise SourceError("L'archive zip est tronquée ou corrompue.") from exc
    preferred = [n for n in names if "wgs84" in n.lower() and n.lower().endswith(".geojson")]
    chosen = preferred or (names if len(names) == 1 else [])
    if not chosen:
        raise SourceError(
            "L'archive zip ne contient pas un fichier GeoJSON WGS84 ni un unique fichier JSON ou CSV "
            f"(fichiers : {', '.join(archive.namelist()[:10])})."
        )
    info = archive.getinfo(chosen[0])
    if info.file_size > MAX_SOURCE_BYTES:
        raise SourceError("Le fichier contenu dans l'archive est trop volumineux.")
    return chosen[0].rsplit("/", 1)[-1], archive.read(chosen[0])


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
    """Header (normalised: stripped, lowercase) and rows with their line numbers as in the file."""
    sample = text[:20_000]
    first_line = sample.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise SourceError("Le fichier CSV est vide.") from exc
    header = [column.strip().strip("\ufeff").lower() for column in header]
    rows = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        rows.append((reader.line_num, dict(zip(header, (value.strip() for value in values), strict=False))))
    return header, rows


def excel_rows(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """First sheet of an .xlsx file as (header, rows), cells as French-formatted text, line numbers as
    Excel shows them. Formulas are read as their text, never evaluated."""
    import datetime

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken or foreign file
        raise SourceError("Le classeur Excel est illisible (fichier .xlsx attendu).") from exc
    sheet = workbook.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    header_cells = next(rows_iter, None)
    if not header_cells:
        raise SourceError("La première feuille du classeur est vide.")
    header = [str(cell or "").strip().lower() for cell in header_cells]
    rows = []
    for line, cells in enumerate(rows_iter, start=2):
        values = []
        for cell in cells:
            if cell is None:
                values.append("")
            elif isinstance(cell, datetime.datetime | datetime.date):
                values.append(cell.strftime("%d/%m/%Y"))
            elif isinstance(cell, float) and cell.is_integer():
                values.append(str(int(cell)))
            else:
                values.append(str(cell).strip())
        if any(values):
            rows.append((line, dict(zip(header, values, strict=False))))
    workbook.close()
    return header, rows


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
