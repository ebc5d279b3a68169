"""SCDL « subventions » 2.1.1, the French open-data format for grants: written and read without Django.

``write_scdl`` streams what the official Table Schema accepts (UTF-8, comma, ISO dates, ``.`` decimals,
``oui``/``non``), text cells protected against spreadsheet formulas. ``check_grant`` says beforehand, in
French, what would make a grant unpublishable.

``read_scdl`` reads what local authorities really publish: UTF-8 or Windows-1252 (even both in one file, or
after a UTF-8 BOM), ``;`` ``,`` or tab, headers in any case or accent, SIRET written as floats, French
amounts, dates in three formats, unquoted commas inside values. Each row is kept, or rejected with its line,
column, value and a French reason; each interpretation that involved a guess is reported as a warning.

Schema: https://schema.data.gouv.fr/scdl/subventions/ (v2.1.1, 2023-09-28).
"""

import codecs
import csv
import functools
import itertools
import math
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TextIO

from cooperer.core.exports import safe_cell
from cooperer.core.limits import ReadLimits
from cooperer.core.text import fold

SCHEMA_VERSION = "2.1.1"
SCDL_FIELDS: tuple[str, ...] = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
)
NATURE_CASH = "aide en numéraire"
NATURE_IN_KIND = "aide en nature"
NATURES = (NATURE_CASH, NATURE_IN_KIND, f"{NATURE_CASH};{NATURE_IN_KIND}", f"{NATURE_IN_KIND};{NATURE_CASH}")
TRUE_VALUE, FALSE_VALUE = "oui", "non"  # the schema's trueValues / falseValues for notificationUE
OBJET_MAX_LENGTH = 256
CONDITIONS_MAX_LENGTH = 256
ID_RAE_MAX_LENGTH = 5
POURCENTAGE_MIN, POURCENTAGE_MAX = Decimal("0.01"), Decimal("1")

# Without these a row cannot become a ScdlGrant; one of idBeneficiaire / rnaBeneficiaire is needed too.
REQUIRED_COLUMNS = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "nomBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "notificationUE",
)
BENEFICIARY_ID_COLUMNS = ("idBeneficiaire", "rnaBeneficiaire")
# Field titles of the schema (and of its version 1), which some publishers use as headers.
_TITLES = {
    "nomAttribuant": ["Nom de l'attribuant"],
    "idAttribuant": ["Identification de l'attribuant"],
    "dateConvention": ["Date de la convention de subvention", "Date de la convention"],
    "referenceDecision": ["Référence de la décision"],
    "nomBeneficiaire": ["Nom du bénéficiaire"],
    "idBeneficiaire": ["Identification SIRET du bénéficiaire", "Identification du bénéficiaire"],
    "rnaBeneficiaire": ["Identification RNA du bénéficiaire"],
    "objet": ["Objet de la subvention"],
    "montant": ["Montant total de la subvention", "Montant de la subvention"],
    "nature": ["Nature de la subvention"],
    "conditionsVersement": ["Conditions de versement de la subvention"],
    "datesPeriodeVersement": ["Date ou période de versement"],
    "idRAE": ["Identifiant RAE de l’aide au titre de laquelle la subvention est attribuée"],
    "notificationUE": ["Aide d'Etat notifiée à la Commission Européenne"],
    "pourcentageSubvention": ["Pourcentage du montant total de la subvention attribuée au bénéficiaire"],
    "dispositifAide": ["Identifiant référençant le dispositif d'aide à l'origine de la subvention"],
}
# Free-text and number columns: the only ones an unquoted comma can have split (see _realigned).
_TEXT_COLUMNS = frozenset(
    [
        "nomAttribuant",
        "referenceDecision",
        "nomBeneficiaire",
        "objet",
        "conditionsVersement",
        "dispositifAide",
    ]
)
_NUMBER_COLUMNS = frozenset({"montant", "pourcentageSubvention"})
_MAX_EXTRA_CELLS = 5
_MAX_CANDIDATES = 2_000  # ways of gluing one line back
_REALIGN_BUDGET = 20_000  # candidate readings per file, so that a hostile file cannot take hours
_DECIMALS = re.compile(r"\d{1,2}", re.ASCII)
_PLACEHOLDERS = frozenset(
    {
        "",
        "sans objet",
        "neant",
        "na",
        "n a",
        "nc",
        "non communique",
        "non renseigne",
        "non concerne",
        "aucun",
        "null",
    }
)
_TRUE_WORDS = frozenset({"oui", "o", "yes", "y", "true", "vrai", "1", "x"})
_FALSE_WORDS = frozenset({"non", "n", "no", "false", "faux", "0"})

_ISO_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?", re.ASCII
)
_FRENCH_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?", re.ASCII)
_DATE_TOKEN = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}(?:T\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}/\d{1,2}/\d{4}", re.ASCII
)
_PERIOD_GLUE = re.compile(r"[\s/_\-–—]+|\b(?:du|au|à|a)\b", re.IGNORECASE)
_FLOAT_TEXT = re.compile(r"\d+[.,]0+|\d+(?:[.,]\d+)?[eE]\+?\d{1,2}", re.ASCII)
_ID_SEPARATORS = re.compile(r"[\s.\-'’\"]")
_NUMBER_NOISE = re.compile(r"[\s'’€]|eur(?:os?)?\b", re.IGNORECASE)
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)
_THOUSANDS_GROUPS = re.compile(r"[+-]?\d{1,3}(?:[.,]\d{3})+", re.ASCII)
_RNA_STRICT = re.compile(r"W\d{9}", re.ASCII)
_RNA_LOOSE = re.compile(r"W\d[A-Z\d]\d{7}", re.ASCII)
_NATURE_SEPARATORS = re.compile(r"[;,/+&]| et ")
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")
_BYTES_LINE = re.compile(rb"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")
_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
# A UTF-8 lead byte read as Windows-1252 (Â Ã Ä Å or â) followed by a continuation byte read the same way.
_DOUBLE_ENCODED = re.compile(
    "[ÂÃÄÅâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScdlGrant:
    """One row of an SCDL « subventions » publication (field order as in the schema)."""

    attributor_name: str  # nomAttribuant
    attributor_siret: str  # idAttribuant, 14 digits
    convention_date: date  # dateConvention
    decision_reference: str = ""  # referenceDecision
    beneficiary_name: str  # nomBeneficiaire
    beneficiary_siret: str = ""  # idBeneficiaire, 14 digits; this or the RNA number is needed
    beneficiary_rna: str = ""  # rnaBeneficiaire, W + 9 digits
    objet: str  # 256 characters at most
    montant: Decimal
    nature: str  # one of NATURES
    payment_conditions: str  # conditionsVersement: « unique », « échelonné » or free text (256 at most)
    payment_start: date  # datesPeriodeVersement, first (or only) date
    payment_end: date | None = None  # datesPeriodeVersement, end of the period
    id_rae: str = ""  # idRAE, 5 characters at most
    notification_ue: bool  # notificationUE
    pourcentage: Decimal | None = None  # pourcentageSubvention, 0.01 to 1 (required to publish)
    dispositif: str = ""  # dispositifAide


@dataclass(frozen=True)
class _Note:
    line: int  # as in the file: the header is line 1
    column: str  # SCDL field name, or "" for the whole line / file
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"ligne {self.line}"
        if self.column:
            where += f", colonne « {self.column} »"
        if self.value:
            where += f" (« {self.value} »)"
        return f"{where} : {self.reason}"


class RejectedRow(_Note):
    """A row left out, and why; a row with several unreadable values appears once per value."""


class ReadingWarning(_Note):
    """A row (or the header) kept, with an interpretation the user should know about."""


@dataclass
class ScdlReading:
    rows: list[ScdlGrant] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[ReadingWarning] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    unusable: str = ""  # empty when the file could be read; otherwise why not, in French

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({rejection.line for rejection in self.rejected})


class _CellError(Exception):
    """An unreadable value; the message is the French reason."""


class _Unusable(Exception):
    """The whole file cannot be read; the message is the French reason."""


# --- Writing -------------------------------------------------------------------------------------------


def check_grant(grant: ScdlGrant) -> list[str]:
    """What would make this grant unpublishable (or make the file fail the schema), in French."""
    problems = _identity_problems(grant) + _amount_problems(grant) + _payment_problems(grant)
    for label, value, limit in (
        ("L'objet (objet)", grant.objet, OBJET_MAX_LENGTH),
        (
            "Les conditions de versement (conditionsVersement)",
            grant.payment_conditions,
            CONDITIONS_MAX_LENGTH,
        ),
    ):
        if not (value or "").strip():
            problems.append(f"{label} : valeur obligatoire manquante.")
        elif len(safe_cell(value)) > limit:
            problems.append(
                f"{label} dépasse {limit} caractères ({len(safe_cell(value))}) : raccourcissez-le."
            )
    if len(safe_cell(grant.id_rae)) > ID_RAE_MAX_LENGTH:
        problems.append(f"L'identifiant RAE (idRAE) compte {ID_RAE_MAX_LENGTH} caractères au plus.")
    return problems


def _identity_problems(grant: ScdlGrant) -> list[str]:
    problems = []
    if not (grant.attributor_name or "").strip():
        problems.append("Le nom de l'attribuant (nomAttribuant) est obligatoire.")
    problems += _siret_problems(grant.attributor_siret, "de l'attribuant (idAttribuant)")
    if not _is_plain_date(grant.convention_date):
        problems.append("La date de la convention (dateConvention) doit être une date (datetime.date).")
    if not (grant.beneficiary_name or "").strip():
        problems.append("Le nom du bénéficiaire (nomBeneficiaire) est obligatoire.")
    if not grant.beneficiary_siret and not grant.beneficiary_rna:
        problems.append(
            "Il faut le SIRET (idBeneficiaire) ou le numéro RNA (rnaBeneficiaire) du bénéficiaire : "
            "le schéma exige l'un des deux."
        )
    if grant.beneficiary_siret:
        problems += _siret_problems(grant.beneficiary_siret, "du bénéficiaire (idBeneficiaire)")
    if grant.beneficiary_rna and not _RNA_STRICT.fullmatch(grant.beneficiary_rna):
        problems.append(
            f"Le numéro RNA (rnaBeneficiaire) doit être W suivi de 9 chiffres : « {grant.beneficiary_rna} » reçu."
        )
    return problems


def _siret_problems(siret: str, whose: str) -> list[str]:
    if not (isinstance(siret, str) and siret.isascii() and siret.isdigit() and len(siret) == 14):
        return [f"Le SIRET {whose} doit compter 14 chiffres : « {siret} » reçu."]
    if not _siret_key_ok(siret):
        return [f"Le SIRET {whose} a une clé de contrôle invalide : « {siret} »."]
    return []


def _amount_problems(grant: ScdlGrant) -> list[str]:
    problems = []
    if not isinstance(grant.montant, Decimal) or not grant.montant.is_finite():
        problems.append("Le montant (montant) doit être un nombre décimal (Decimal).")
    elif grant.montant < 0:
        problems.append("Le montant (montant) ne peut pas être négatif.")
    if grant.nature not in NATURES:
        problems.append(
            f"La nature (nature) doit être « {NATURE_CASH} », « {NATURE_IN_KIND} » ou les deux séparées par « ; »."
        )
    if grant.pourcentage is None:
        problems.append(
            "Le pourcentage (pourcentageSubvention) est obligatoire : 1 pour un bénéficiaire unique."
        )
    elif not isinstance(grant.pourcentage, Decimal) or not grant.pourcentage.is_finite():
        problems.append("Le pourcentage (pourcentageSubvention) doit être un nombre décimal (Decimal).")
    elif not POURCENTAGE_MIN <= grant.pourcentage <= POURCENTAGE_MAX:
        problems.append(
            f"Le pourcentage (pourcentageSubvention) doit être compris entre 0.01 et 1 : {grant.pourcentage} reçu "
            "(0.45 pour 45 %)."
        )
    if not isinstance(grant.notification_ue, bool):
        problems.append("La notification à la Commission européenne (notificationUE) doit être vrai ou faux.")
    return problems


def _payment_problems(grant: ScdlGrant) -> list[str]:
    if not _is_plain_date(grant.payment_start):
        return ["Le début de la période de versement (datesPeriodeVersement) doit être une date."]
    if grant.payment_end is None:
        return []
    if not _is_plain_date(grant.payment_end):
        return ["La fin de la période de versement (datesPeriodeVersement) doit être une date ou None."]
    if grant.payment_end < grant.payment_start:
        return ["La période de versement (datesPeriodeVersement) finit avant de commencer."]
    return []


def _is_plain_date(value: object) -> bool:
    # A datetime is a date too, but its ISO form has a time and its day depends on the time zone.
    return isinstance(value, date) and not isinstance(value, datetime)


def write_scdl(grants: Iterable[ScdlGrant], out: TextIO) -> int:
    """Write the header then one line per grant to ``out`` as they come; return the number of grants.

    ``out`` is opened by the caller in UTF-8 with ``newline=""``. A grant that ``check_grant`` finds fault
    with raises ValueError naming it (nothing is truncated): check the grants before writing.
    """
    encoding = getattr(out, "encoding", None)
    if encoding and codecs.lookup(encoding).name != "utf-8":
        raise ValueError(f"Le fichier SCDL s'écrit en UTF-8 (sans BOM) : la sortie est en {encoding}.")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SCDL_FIELDS)
    count = 0
    for count, grant in enumerate(grants, start=1):
        problems = check_grant(grant)
        if problems:
            raise ValueError(
                f"Subvention n° {count} (ligne {count + 1} du fichier, bénéficiaire « {grant.beneficiary_name} ») : "
                + " ".join(problems)
            )
        writer.writerow(_cells(grant))
    return count


def _cells(grant: ScdlGrant) -> list[str]:
    period = grant.payment_start.isoformat()
    if grant.payment_end is not None:
        period += "/" + grant.payment_end.isoformat()
    return [
        safe_cell(grant.attributor_name),
        grant.attributor_siret,
        grant.convention_date.isoformat(),
        safe_cell(grant.decision_reference),
        safe_cell(grant.beneficiary_name),
        grant.beneficiary_siret,
        grant.beneficiary_rna,
        safe_cell(grant.objet),
        format(grant.montant, "f"),
        grant.nature,
        safe_cell(grant.payment_conditions),
        period,
        safe_cell(grant.id_rae),
        TRUE_VALUE if grant.notification_ue else FALSE_VALUE,
        format(grant.pourcentage, "f"),
        safe_cell(grant.dispositif),
    ]


# --- Reading: bytes, header, records -------------------------------------------------------------------


def read_scdl(data: bytes, *, max_rows: int | None = None, limits: ReadLimits | None = None) -> ScdlReading:
    """Read an SCDL « subventions » CSV; see the module docstring. Never raises on bad content.

    A file of more data rows than ``max_rows`` (by default the row limit of ``limits``), of more columns or
    with a longer value than ``limits`` allow, is unusable (rather than imported in part).
    """
    limits = limits or ReadLimits()
    max_rows = limits.rows if max_rows is None else max_rows
    reading = ScdlReading()
    csv.field_size_limit(limits.cell_chars)
    try:
        try:
            _read_rows(_LineDecoder(data), reading, max_rows, limits)
        except _NotWindows1252 as exc:  # rare (Mac Roman…): let charset-normalizer guess for the whole file
            reading = ScdlReading()
            _read_rows(_guess_encoding(exc.body), reading, max_rows, limits)
    except _Unusable as exc:
        reading.rows, reading.rejected, reading.warnings = [], [], []
        reading.unusable = str(exc)
    return reading


class _NotWindows1252(Exception):
    def __init__(self, body: bytes):
        self.body = body


class _LineDecoder:
    """The lines of the file, decoded one by one (the whole text is never held): UTF-8 where valid,
    Windows-1252 elsewhere, since files assembled from several exports mix both, even after a UTF-8 BOM."""

    def __init__(self, data: bytes):
        self.utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        self.bom = data.startswith(codecs.BOM_UTF8)
        self.body = data[len(codecs.BOM_UTF8) :] if self.bom else data
        if not self.body.strip():
            raise _Unusable("Fichier vide.")
        if not self.utf16 and (self.body.startswith(b"PK\x03\x04") or b"\x00" in self.body[:4096]):
            raise _Unusable(
                "Ce n'est pas un fichier CSV (classeur Excel, archive ou autre fichier binaire) : "
                "enregistrez-le au format CSV."
            )
        self.kinds: set[str] = set()

    def __iter__(self) -> Iterator[str]:
        if self.utf16:
            try:
                text = self.body.decode("utf-16")
            except UnicodeDecodeError as exc:
                raise _Unusable("Fichier UTF-16 abîmé : enregistrez-le en CSV UTF-8.") from exc
            self.kinds.add("utf-16")
            yield from (match.group() for match in _LINE.finditer(text))
            return
        for match in _BYTES_LINE.finditer(self.body):
            yield self._decode(match.group())

    def _decode(self, chunk: bytes) -> str:
        try:
            line = chunk.decode("utf-8")
        except UnicodeDecodeError:
            try:
                line = chunk.decode("cp1252")
            except UnicodeDecodeError:
                raise _NotWindows1252(self.body) from None
            self.kinds.add("cp1252")
            return line
        if not chunk.isascii():
            self.kinds.add("utf-8")
        return line

    @property
    def encoding(self) -> str:
        if "utf-16" in self.kinds:
            return "utf-16"
        if "cp1252" not in self.kinds:
            return "utf-8-sig" if self.bom else "utf-8"
        if "utf-8" in self.kinds:
            return "utf-8 + cp1252 (mixte)"
        return "BOM UTF-8 + cp1252" if self.bom else "cp1252"


class _GuessedText:
    def __init__(self, text: str, encoding: str):
        self.text, self.encoding = text, encoding

    def __iter__(self) -> Iterator[str]:
        return (match.group() for match in _LINE.finditer(self.text))


def _guess_encoding(body: bytes) -> _GuessedText:
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    if best is None:
        raise _Unusable("Encodage non reconnu (ni UTF-8 ni Windows-1252) : enregistrez le fichier en UTF-8.")
    return _GuessedText(str(best), best.encoding)


def _records(
    lines: Iterator[str], delimiter: str, first_line: int
) -> Iterator[tuple[int, int, list[str], str]]:
    """(first line, number of lines, cells, raw text) of each CSV record."""
    taken: list[str] = []

    def feed() -> Iterator[str]:
        for line in lines:
            taken.append(line)
            yield line

    line_number = first_line
    for cells in csv.reader(feed(), delimiter=delimiter):
        raw, count = "".join(taken), len(taken)
        taken.clear()
        yield line_number, count, cells, raw
        line_number += count


def _header_key(text: str) -> str:
    return fold(text).replace(" ", "")


_KNOWN_HEADERS = {_header_key(name): name for name in SCDL_FIELDS} | {
    _header_key(title): name for name, titles in _TITLES.items() for title in titles
}


def _map_header(cells: list[str], line: int, reading: ScdlReading) -> dict[str, int]:
    positions: dict[str, int] = {}
    ignored = []
    for position, cell in enumerate(cells):
        label = cell.strip().lstrip("\ufeff")
        name = _KNOWN_HEADERS.get(_header_key(label))
        if name is None or name in positions:
            if label:
                ignored.append(label)
            continue
        positions[name] = position
        if label != name:
            reading.warnings.append(ReadingWarning(line, name, label, f"Colonne lue comme « {name} »."))
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if not any(name in positions for name in BENEFICIARY_ID_COLUMNS):
        missing.append(" ou ".join(BENEFICIARY_ID_COLUMNS))
    if missing:
        raise _Unusable(
            f"Colonnes manquantes : {', '.join(sorted(missing))}. "
            "Ce fichier ne suit pas le schéma SCDL subventions."
        )
    if ignored:
        reading.warnings.append(
            ReadingWarning(
                line,
                "",
                ", ".join(ignored),
                "Colonnes hors du schéma SCDL subventions, ou en double : ignorées.",
            )
        )
    absent = [name for name in SCDL_FIELDS if name not in positions and name not in BENEFICIARY_ID_COLUMNS]
    if absent:
        reading.warnings.append(
            ReadingWarning(
                line, "", ", ".join(absent), "Colonnes facultatives absentes : valeurs laissées vides."
            )
        )
    return positions


def _read_rows(
    source: _LineDecoder | _GuessedText, reading: ScdlReading, max_rows: int, limits: ReadLimits
) -> None:
    lines = iter(source)
    line = 0
    for header_text in lines:  # the first non-blank line is the header
        line += 1
        if header_text.strip():
            break
    else:
        raise _Unusable("Fichier vide.")
    reading.delimiter = max((";", ",", "\t"), key=header_text.count)
    records = _records(itertools.chain([header_text], lines), reading.delimiter, line)
    seen, budget = 0, [_REALIGN_BUDGET]
    first_lines: dict[ScdlGrant, int] = {}  # a grant read twice is imported once
    line_count = 0  # of the last record read: the one that fails starts at line + line_count
    try:
        line, line_count, cells, _raw = next(records)
        if len(cells) > limits.columns:
            raise _Unusable(limits.too_many_columns(len(cells)))
        positions = _map_header(cells, line, reading)
        width = max(position for position, cell in enumerate(cells) if cell.strip()) + 1
        for line, line_count, cells, raw in records:
            if not any(cell.strip() for cell in cells):
                continue
            seen += 1
            if seen > max_rows:
                raise _Unusable(
                    f"Le fichier compte plus de {max_rows} lignes de subventions : découpez-le "
                    "ou importez-le en ligne de commande."
                )
            row = _read_record(
                _Record(line, line_count, cells, raw, positions, width, reading.delimiter, budget)
            )
            if row.grant is None:
                reading.rejected.extend(row.problems)
            elif (first := first_lines.setdefault(row.grant, line)) != line:
                reason = f"Subvention en double : identique à la ligne {first}, importée une seule fois."
                reading.rejected.append(RejectedRow(line, "", "", reason))
            else:
                reading.rows.append(row.grant)
                reading.warnings.extend(row.warnings)
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise _Unusable(
                f"{limits.cell_too_long(line + line_count)} Un guillemet ouvert plus haut et jamais refermé ? "
                "Le fichier n'est pas importé."
            ) from exc
        reading.rejected.append(
            RejectedRow(
                line, "", "", f"Lecture interrompue ({exc}) : les lignes suivantes n'ont pas été lues."
            )
        )
    reading.encoding = source.encoding


# --- Reading: one record -------------------------------------------------------------------------------


@dataclass
class _Record:
    line: int
    line_count: int
    cells: list[str]
    raw: str
    positions: dict[str, int]
    width: int
    delimiter: str
    budget: list[int]  # candidate readings left for realignment in this file (a bound on hostile files)


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    problems: list[RejectedRow] = field(default_factory=list)
    warnings: list[ReadingWarning] = field(default_factory=list)
    grant: ScdlGrant | None = None

    def raw(self, name: str) -> str:
        return self.values.get(name, "")

    def reject(self, name: str, reason: str) -> None:
        self.problems.append(RejectedRow(self.line, name, self.raw(name).strip(), reason))

    def warn(self, name: str, reason: str) -> None:
        self.warnings.append(ReadingWarning(self.line, name, self.raw(name).strip(), reason))

    def read(self) -> "_Row":
        self.grant = _grant(self)
        return self


def _read_record(record: _Record) -> _Row:
    cells, notes = record.cells, []
    if len(cells) < record.width and record.line_count == 1 and any(record.delimiter in c for c in cells):
        cells = _resplit_without_quotes(record.raw, record.delimiter)  # a stray quote swallowed delimiters
        notes.append(ReadingWarning(record.line, "", "", "Guillemets mal placés : ligne relue sans eux."))
    if len(cells) > record.width:
        row = _Row(record.line, {})
        if not any(cell.strip() for cell in cells[record.width :]):  # trailing delimiters, most likely
            row = _Row(record.line, _values(record.positions, cells[: record.width])).read()
        if row.grant is None:
            row = _realigned(record, cells)
    else:
        row = _Row(record.line, _values(record.positions, cells)).read()
        if row.grant is None and len(cells) <= max(record.positions.values()):
            row.problems = [_short_row(record, cells)]
    row.warnings[:0] = notes
    return row


def _short_row(record: _Record, cells: list[str]) -> RejectedRow:
    if record.line_count > 1:
        last = record.line + record.line_count - 1
        reason = (
            f"Guillemet non refermé : les lignes {record.line} à {last} ont été lues comme une seule valeur "
            "et sont ignorées."
        )
    else:
        reason = f"Ligne incomplète : {len(cells)} valeurs pour {record.width} colonnes."
    return RejectedRow(record.line, "", "", reason)


def _values(positions: dict[str, int], cells: list[str]) -> dict[str, str]:
    return {name: cells[position] for name, position in positions.items() if position < len(cells)}


def _resplit_without_quotes(raw: str, delimiter: str) -> list[str]:
    cells = next(csv.reader([raw.rstrip("\r\n")], delimiter=delimiter, quoting=csv.QUOTE_NONE), [])
    return [cell.replace('""', "\0").replace('"', "").replace("\0", '"') for cell in cells]


def _realigned(record: _Record, cells: list[str]) -> _Row:
    """Glue back cells split by unquoted delimiters (« 100 000,00 » in a comma file, commas in text).

    Every way of giving the extra cells to text or number columns is tried, the most natural first (glued
    pieces that start with a space in text, one or two decimals in numbers); it is kept when it reads
    without problem and no other as natural reads differently.
    """
    by_position = {position: name for name, position in record.positions.items()}
    absorbing = [
        position
        for position in range(record.width)
        if by_position.get(position) in _TEXT_COLUMNS | _NUMBER_COLUMNS or position not in by_position
    ]
    extra = len(cells) - record.width
    count = math.comb(len(absorbing) + extra - 1, extra) if absorbing else 0
    if extra > _MAX_EXTRA_CELLS or not count or count > min(_MAX_CANDIDATES, record.budget[0]):
        return _failed(record, _too_many_cells(record, cells))
    record.budget[0] -= count
    candidates = sorted(
        (
            _merge(cells, record, chosen, by_position)
            for chosen in itertools.combinations_with_replacement(absorbing, extra)
        ),
        key=lambda candidate: -candidate[0],
    )
    most_natural_failure = None
    for score, group in itertools.groupby(candidates, key=lambda candidate: candidate[0]):
        readable = []
        for _, merged, glued in group:
            row = _Row(record.line, _values(record.positions, merged)).read()
            names = ", ".join(by_position.get(position, f"colonne {position + 1}") for position in glued)
            reason = f"{extra} « {record.delimiter} » non protégé(s) par des guillemets : valeurs recollées."
            row.warnings.insert(0, ReadingWarning(record.line, names, "", reason))
            if row.grant is not None:
                readable.append(row)
            elif most_natural_failure is None and score > 0:
                most_natural_failure = row
        if len({row.grant for row in readable}) > 1:
            return _failed(record, _ambiguous(record, readable))
        if readable:
            return readable[0]
    return most_natural_failure or _failed(record, _too_many_cells(record, cells))


def _failed(record: _Record, problem: RejectedRow) -> _Row:
    row = _Row(record.line, {})
    row.problems.append(problem)
    return row


def _merge(
    cells: list[str], record: _Record, chosen: tuple[int, ...], by_position: dict[int, str]
) -> tuple[int, list[str], list[int]]:
    """(naturalness, cells, glued positions) when the columns at ``chosen`` take one more cell each time."""
    merged, glued, score, index = [], [], 0, 0
    for position in range(record.width):
        size = 1 + chosen.count(position)
        pieces = cells[index : index + size]
        index += size
        merged.append(record.delimiter.join(pieces))
        if size > 1:
            glued.append(position)
            is_number = by_position.get(position) in _NUMBER_COLUMNS
            for piece in pieces[1:]:
                natural = _DECIMALS.fullmatch(piece.strip()) if is_number else piece[:1].isspace()
                score += 1 if natural else 0
    return score, merged, glued


def _too_many_cells(record: _Record, cells: list[str]) -> RejectedRow:
    return RejectedRow(
        record.line,
        "",
        "",
        f"{len(cells)} valeurs pour {record.width} colonnes : un « {record.delimiter} » non protégé par des "
        "guillemets coupe une valeur, et la ligne n'a pas pu être recollée.",
    )


def _ambiguous(record: _Record, rows: list[_Row]) -> RejectedRow:
    first = rows[0]
    differing = sorted({name for row in rows[1:] for name in SCDL_FIELDS if row.raw(name) != first.raw(name)})
    return RejectedRow(
        record.line,
        ", ".join(differing),
        "",
        f"Un « {record.delimiter} » non protégé par des guillemets coupe une valeur et plusieurs découpages "
        "sont possibles : ligne ignorée.",
    )


# --- Reading: one row, field by field ------------------------------------------------------------------


def _grant(row: _Row) -> ScdlGrant | None:
    attributor_siret = _required_siret(row, "idAttribuant")
    convention_date = _date_cell(row, "dateConvention")
    beneficiary_ids = _beneficiary_ids(row)
    montant = _amount_cell(row)
    nature = _nature_cell(row)
    period = _period_cell(row)
    notification = _notification_cell(row)
    texts = {
        name: _text_cell(row, name, required=name in REQUIRED_COLUMNS)
        for name in ("nomAttribuant", "nomBeneficiaire", "objet", "conditionsVersement", "referenceDecision")
    }
    if row.problems:
        return None
    assert (
        attributor_siret and convention_date and beneficiary_ids and montant is not None and nature and period
    )
    return ScdlGrant(
        attributor_name=sys.intern(texts["nomAttribuant"]),  # repeated on every row: stored once
        attributor_siret=attributor_siret,
        convention_date=convention_date,
        decision_reference=texts["referenceDecision"],
        beneficiary_name=texts["nomBeneficiaire"],
        beneficiary_siret=beneficiary_ids[0],
        beneficiary_rna=beneficiary_ids[1],
        objet=_truncated(row, "objet", texts["objet"], OBJET_MAX_LENGTH),
        montant=montant,
        nature=nature,
        payment_conditions=sys.intern(
            _truncated(row, "conditionsVersement", texts["conditionsVersement"], CONDITIONS_MAX_LENGTH)
        ),
        payment_start=period[0],
        payment_end=period[1],
        id_rae=_id_rae_cell(row),
        notification_ue=bool(notification),
        pourcentage=_percentage_cell(row),
        dispositif=sys.intern(_optional_id(row, "dispositifAide")),
    )


def _clean_text(raw: str) -> str:
    # Undo the apostrophe that write_scdl (and core.exports) put before a would-be formula.
    if raw.startswith("'") and safe_cell(raw[1:]) == raw:
        raw = raw[1:]
    return raw.strip()


def _text_cell(row: _Row, name: str, *, required: bool) -> str:
    text = _clean_text(row.raw(name))
    if required and not text:
        row.reject(name, "Valeur obligatoire manquante.")
    if _DOUBLE_ENCODED.search(text):
        repaired = _undo_double_encoding(text)
        if repaired != text:
            row.warn(
                name, f"Texte encodé deux fois (UTF-8 relu comme Windows-1252) : réparé en « {repaired} »."
            )
            return repaired
    return text


def _undo_double_encoding(text: str) -> str:
    """« DÃ©partement » -> « Département », even when it happened more than once; else unchanged."""
    for _ in range(3):
        try:
            repaired = text.encode("cp1252").decode("utf-8")
        except UnicodeError:
            break
        if repaired == text:
            break
        text = repaired
    return text


def _truncated(row: _Row, name: str, text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    row.warn(name, f"Texte de {len(text)} caractères tronqué à {limit} (limite du schéma).")
    return text[:limit].rstrip()


def _optional_id(row: _Row, name: str) -> str:
    text = _clean_text(row.raw(name))
    if text == "0" or (
        len(text) < 20 and not any(char.isdigit() for char in text) and fold(text) in _PLACEHOLDERS
    ):
        return ""
    return text


def _id_rae_cell(row: _Row) -> str:
    text = _optional_id(row, "idRAE")
    if len(text) > ID_RAE_MAX_LENGTH:
        row.warn(
            "idRAE", f"Un identifiant RAE compte {ID_RAE_MAX_LENGTH} caractères au plus : valeur ignorée."
        )
        return ""
    return text


_SCIENTIFIC_SIRET = "SIRET abîmé par la notation scientifique d'un tableur : des chiffres sont perdus."


@functools.lru_cache(maxsize=65_536)  # the attributor's SIRET is on every row
def _siret(text: str) -> tuple[str, str]:
    """(14 digits, warning) from what publications hold; raises _CellError."""
    text = text.strip()
    scientific = "e" in text.lower()
    if _FLOAT_TEXT.fullmatch(text):
        number = Decimal(text.replace(",", "."))
        # Spreadsheets show 6 significant digits (« 5,24991E+13 »): the others are lost.
        if scientific and len(re.sub(r"\D", "", text.lower().split("e")[0]).lstrip("0")) < 10:
            raise _CellError(_SCIENTIFIC_SIRET)
        if number != number.to_integral_value():
            raise _CellError("SIRET illisible : un nombre à virgule n'est pas un SIRET.")
        digits = str(int(number)).zfill(14)
    else:
        digits = _ID_SEPARATORS.sub("", text)
    if not (digits.isascii() and digits.isdigit()):
        raise _CellError("Un SIRET ne contient que des chiffres (14).")
    warning = ""
    if len(digits) == 13 and _siret_key_ok("0" + digits):
        digits, warning = "0" + digits, "SIRET de 13 chiffres : zéro initial rétabli (perdu par un tableur)."
    if len(digits) == 9:
        raise _CellError("SIREN (9 chiffres) au lieu d'un SIRET (14 chiffres).")
    if len(digits) != 14 or not digits.strip("0"):
        raise _CellError(f"Un SIRET compte 14 chiffres ({len(digits)} reçus).")
    if not _siret_key_ok(digits):
        if scientific:
            raise _CellError(_SCIENTIFIC_SIRET)
        warning = "Clé de contrôle du SIRET invalide (numéro mal saisi ?) : valeur gardée telle quelle."
    return digits, warning


@functools.lru_cache(maxsize=65_536)
def _luhn_ok(digits: str) -> bool:
    doubled = sum(_LUHN_DOUBLED[int(char)] for char in digits[-2::-2])
    return (sum(map(int, digits[-1::-2])) + doubled) % 10 == 0


def _siret_key_ok(siret: str) -> bool:
    """Both keys: the SIREN's (its 9 first digits) and the SIRET's, with La Poste's exception."""
    if siret.startswith("356000000") and siret != "35600000000048":  # La Poste's establishments
        return sum(map(int, siret)) % 5 == 0
    return _luhn_ok(siret[:9]) and _luhn_ok(siret)


def _required_siret(row: _Row, name: str) -> str:
    if not row.raw(name).strip():
        row.reject(name, "Valeur obligatoire manquante.")
        return ""
    try:
        siret, warning = _siret(row.raw(name))
    except _CellError as exc:
        row.reject(name, str(exc))
        return ""
    if warning:
        row.warn(name, warning)
    return siret


def _rna(text: str) -> tuple[str, str]:
    rna = _ID_SEPARATORS.sub("", text).upper()
    if _RNA_STRICT.fullmatch(rna):
        return rna, ""
    if _RNA_LOOSE.fullmatch(rna):
        return rna, "Numéro RNA à l'ancien format de préfecture (lettre en 3e position) : à vérifier."
    raise _CellError("Numéro RNA invalide : W suivi de 9 chiffres attendu.")


def _beneficiary_ids(row: _Row) -> tuple[str, str] | None:
    found, errors = {}, {}
    texts = {name: _optional_id(row, name) for name in BENEFICIARY_ID_COLUMNS}
    if _RNA_STRICT.fullmatch(texts["idBeneficiaire"].upper()) and not texts["rnaBeneficiaire"]:
        row.warn("idBeneficiaire", "Numéro RNA dans la colonne du SIRET : lu comme numéro RNA.")
        texts = {"idBeneficiaire": "", "rnaBeneficiaire": texts["idBeneficiaire"]}
    for name, reader in (("idBeneficiaire", _siret), ("rnaBeneficiaire", _rna)):
        text = texts[name]
        if not text:
            continue
        try:
            found[name], warning = reader(text)
        except _CellError as exc:
            errors[name] = str(exc)
            continue
        if warning:
            row.warn(name, warning)
    if found:
        for name, reason in errors.items():
            row.warn(name, f"{reason} Valeur ignorée : l'autre identifiant suffit.")
        return found.get("idBeneficiaire", ""), found.get("rnaBeneficiaire", "")
    for name, reason in errors.items():
        row.reject(name, reason)
    if not errors:
        row.reject(
            "idBeneficiaire", "Ni SIRET (idBeneficiaire) ni numéro RNA (rnaBeneficiaire) : il en faut un."
        )
    return None


@functools.lru_cache(maxsize=65_536)
def _date(text: str) -> tuple[date, str]:
    """(date, warning) from AAAA-MM-JJ, JJ/MM/AAAA or AAAA-MM-JJTHH:MM:SS; raises _CellError."""
    text = text.strip()
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _FRENCH_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise _CellError("Date illisible : AAAA-MM-JJ attendu (ou JJ/MM/AAAA).")
    if not 1900 <= year <= 2200:
        raise _CellError(f"Année {year} invraisemblable.")
    try:
        return date(year, month, day), ""
    except ValueError:
        pass
    if month > 12 and day <= 12:  # « 2017-30-05 »: day and month swapped
        try:
            swapped = date(year, day, month)
        except ValueError:  # « 2017-31-09 »: no 31st of September either
            raise _CellError("Date inexistante, même en inversant le jour et le mois.") from None
        return (
            swapped,
            f"Le mois {month} n'existe pas : jour et mois inversés, lu comme {swapped.isoformat()}.",
        )
    raise _CellError("Date inexistante.")


def _date_cell(row: _Row, name: str) -> date | None:
    if not row.raw(name).strip():
        row.reject(name, "Valeur obligatoire manquante.")
        return None
    try:
        value, warning = _date(row.raw(name))
    except _CellError as exc:
        row.reject(name, str(exc))
        return None
    if warning:
        row.warn(name, warning)
    return value


def _period_cell(row: _Row) -> tuple[date, date | None] | None:
    name = "datesPeriodeVersement"
    text = row.raw(name).strip()
    tokens = _DATE_TOKEN.findall(text)
    if not tokens:
        reason = "Date ou période illisible : AAAA-MM-JJ ou AAAA-MM-JJ/AAAA-MM-JJ attendu."
        row.reject(name, reason if text else "Valeur obligatoire manquante.")
        return None
    if len(tokens) == 1 and _PERIOD_GLUE.sub("", text[: text.find(tokens[0])]):  # « NC/2019-06-30 »
        row.reject(name, "Début de période illisible : seule la fin est donnée.")
        return None
    try:
        start, warning = _date(tokens[0])
    except _CellError as exc:
        row.reject(name, f"Début de période : {exc}")
        return None
    end, end_warning = None, ""
    if len(tokens) > 1:
        try:
            end, end_warning = _date(tokens[-1])
        except _CellError as exc:
            end_warning = f"Fin de période : {exc} Seul le début est retenu."
    for note in (warning, end_warning):
        if note:
            row.warn(name, note)
    if len(tokens) > 2 or _PERIOD_GLUE.sub("", _DATE_TOKEN.sub("", text)):
        until = f" au {end.isoformat()}" if end else " (fin illisible)"
        row.warn(name, f"Période lue en partie : du {start.isoformat()}{until}.")
    if end and end < start:
        row.warn(name, "La période finit avant de commencer.")
    return start, end


@functools.lru_cache(maxsize=65_536)  # amounts and percentages repeat: one Decimal each
def _number(text: str) -> tuple[Decimal, bool]:
    """(value, written with %) from « 1 234,56 », « 1234,5 € », « 1.234,56 », « 24000.0 »; raises _CellError."""
    text = text.strip().strip(";")
    percent = text.endswith("%")
    text = _NUMBER_NOISE.sub("", text.rstrip("%"))
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        if not _THOUSANDS_GROUPS.fullmatch(text):
            raise _CellError("Nombre illisible.")
        text = text.replace(",", "").replace(".", "")
    text = text.replace(",", ".")
    if not _PLAIN_DECIMAL.fullmatch(text):
        raise _CellError("Nombre illisible : chiffres attendus, avec « . » ou « , » avant les décimales.")
    try:
        return Decimal(text), percent
    except InvalidOperation as exc:
        raise _CellError("Nombre illisible.") from exc


MAX_AMOUNT = Decimal(10) ** 10  # what an amount column holds (12 digits, 2 after the point)


def _amount_cell(row: _Row) -> Decimal | None:
    name = "montant"
    if not row.raw(name).strip():
        row.reject(name, "Valeur obligatoire manquante.")
        return None
    try:
        value, percent = _number(row.raw(name))
    except _CellError as exc:
        row.reject(name, f"Montant illisible : {exc}")
        return None
    if percent or value < 0:
        row.reject(name, "Montant illisible : un montant positif en euros est attendu.")
        return None
    if value >= MAX_AMOUNT:
        row.reject(name, "Montant hors limites : au plus 9 999 999 999,99 € par subvention.")
        return None
    return value


def _percentage_cell(row: _Row) -> Decimal | None:
    name = "pourcentageSubvention"
    if not row.raw(name).strip():
        return None
    try:
        value, percent = _number(row.raw(name))
    except _CellError:
        row.warn(name, "Pourcentage illisible : non retenu.")
        return None
    if percent or 1 < value <= 100:
        value = value / 100
        if not percent:
            row.warn(name, f"Pourcentage écrit sur 100 : lu comme {value} (le schéma attend 0.01 à 1).")
    if not POURCENTAGE_MIN <= value <= POURCENTAGE_MAX:
        row.warn(name, "Pourcentage hors de l'intervalle 0.01 à 1 : non retenu.")
        return None
    return value


def _nature_cell(row: _Row) -> str:
    try:
        return _nature(row.raw("nature"))
    except _CellError as exc:
        row.reject("nature", str(exc))
        return ""


@functools.lru_cache(maxsize=1024)
def _nature(text: str) -> str:
    """« Aide en numéraire, aide en nature », « en numéraire »… -> one of NATURES; raises _CellError."""
    kinds: list[str] = []
    for part in _NATURE_SEPARATORS.split(text):
        folded = fold(part)
        if "numeraire" in folded:
            kinds.append(NATURE_CASH)
        elif "nature" in folded:
            kinds.append(NATURE_IN_KIND)
        elif folded:
            raise _CellError(
                f"Nature inconnue : « {NATURE_CASH} », « {NATURE_IN_KIND} » ou les deux attendus."
            )
    if not kinds:
        raise _CellError("Valeur obligatoire manquante.")
    return ";".join(dict.fromkeys(kinds))


def _notification_cell(row: _Row) -> bool | None:
    name = "notificationUE"
    word = row.raw(name).strip().lower()
    if word not in _TRUE_WORDS and word not in _FALSE_WORDS:
        word = fold(word)
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    if not word:
        row.warn(name, "Valeur vide : lue comme « non ».")
        return False
    row.reject(name, "Valeur illisible : « oui » ou « non » attendu.")
    return None
