"""What a file handed to an importer may hold once read: inflated size, rows, columns, characters in one cell,
nesting depth of JSON. One place for every reader (`core.sources`, `calls.scdl`), so that a small hostile file
(a gzip of 400 MB of spaces, a 300 KB workbook of a million rows) is refused with a French message before it
takes the worker's memory or time. Plain Python: the values come from the settings when Django is set up
(docs/environment.md), else from the defaults below."""

from dataclasses import dataclass

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    inflated_bytes: int = 200 * MEGABYTE  # a gzip, a zip member, the members of a workbook, once inflated
    rows: int = 200_000  # data lines (or JSON records) of one file
    columns: int = 500
    cell_chars: int = 100_000  # characters of one value (Python's csv module stops at 131,072 by default)
    json_depth: int = 64  # a GeoJSON MultiPolygon needs 7

    def too_big(self, what: str = "Le fichier décompressé") -> str:
        return f"{what} dépasse {self.inflated_bytes // MEGABYTE} Mo."

    def too_many_rows(self) -> str:
        return f"Le fichier compte plus de {french_number(self.rows)} lignes : découpez-le en plusieurs fichiers."

    def too_many_columns(self, count: int | None = None) -> str:
        counted = french_number(count) if count else f"plus de {french_number(self.columns)}"
        return f"Le fichier compte {counted} colonnes : {french_number(self.columns)} au plus."

    def cell_too_long(self, line: int, column: str = "") -> str:
        where = f"Ligne {line}" + (f", colonne « {column} »" if column else "")
        return f"{where} : une valeur dépasse {french_number(self.cell_chars)} caractères."

    def too_deep(self) -> str:
        return (
            f"Le fichier JSON est imbriqué sur plus de {self.json_depth} niveaux : ce n'est pas un fichier de "
            "données attendu."
        )


def french_number(value: int) -> str:
    """200 000, with a narrow no-break space between thousands."""
    return f"{value:,}".replace(",", "\u202f")


def configured() -> ReadLimits:
    """The limits set in the settings (`COOPERER_MAX_*`), or the defaults outside Django."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    default = ReadLimits()
    try:
        return ReadLimits(
            inflated_bytes=getattr(settings, "COOPERER_MAX_INFLATED_BYTES", default.inflated_bytes),
            rows=getattr(settings, "COOPERER_MAX_ROWS", default.rows),
            columns=getattr(settings, "COOPERER_MAX_COLUMNS", default.columns),
            cell_chars=getattr(settings, "COOPERER_MAX_CELL_CHARS", default.cell_chars),
            json_depth=getattr(settings, "COOPERER_MAX_JSON_DEPTH", default.json_depth),
        )
    except ImproperlyConfigured:  # plain Python, no settings module
        return default
