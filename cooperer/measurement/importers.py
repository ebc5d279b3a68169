"""Context data of the QPVs from official wide tables (INSEE « Données sur les quartiers », ONPV, SIG Ville
compilations): one row per QPV (or per commune × QPV, values repeated), a code column, one column per indicator.

Two steps, like every importer (docs/importers.md): `preview()` reads and checks every cell and writes nothing;
`commit()` writes every value through `services.record()` in one transaction, or none. Columns are matched to the
indicator library by the aliases of the national defaults (`library.Default.aliases`), by indicator code or name,
or by a data dictionary (column, label, unit [, code] [, annee]). Empty cells and the markers `s`, `nd`, `n.d.`,
`NA`, `-` are values not published by the source (statistical secrecy or missing): they are stored as
`is_secret=True, value=None` and never shown."""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cooperer.core.sources import ImportRefused, RowError, SourceError, read_bytes, table_rows
from cooperer.core.text import fold
from cooperer.core.validators import QPV_CODE_RE_2015, QPV_CODE_RE_2024, normalize_qpv_code
from cooperer.measurement import library, services
from cooperer.measurement.enums import IndicatorKind, MeasurementSource, Periodicity, Unit
from cooperer.measurement.models import Indicator, UploadBatch
from cooperer.territories.models import Qpv

MAX_BYTES = 100 * 1024 * 1024
FOUR_PLACES = Decimal("0.0001")
FIRST_YEAR = 1990

# Folded names of the QPV code column, in order of preference (both code generations use the same columns).
CODE_COLUMNS = (
    "code qp", "codeqpv", "code qpv", "codeqp", "cod qp", "code quartier", "qp", "qpv", "code", "codgeo",
)  # fmt: skip
YEAR_COLUMNS = ("annee", "millesime", "year", "an")
# Columns that describe the row (names, communes, higher levels): read by nobody, listed as descriptive.
DESCRIPTIVE = {
    "lib qp", "libqp", "nom qp", "nom qpv", "lib qpv", "libelle", "libgeo", "nom", "cog", "lib com", "libcom",
    "insee com", "code commune", "commune", "nom commune", "insee reg", "lib reg", "reg", "region", "insee dep",
    "lib dep", "dep", "departement", "siren epci", "lib epci", "epci", "nom epci", "nb communes", "codgeo com",
}  # fmt: skip
# Columns known to be recomputed by third-party compilers: not official, never imported unless a dictionary
# names them explicitly.
RECOMPUTED = {
    "taux logements sociaux": "Colonne recalculée par le compilateur du fichier (logements sociaux / ménages × "
    "100, peut dépasser 100) : ce n'est pas un taux officiel, elle n'est pas importée.",
}
# Markers the sources use for a value they do not publish (secrecy or missing), folded.
NOT_PUBLISHED = {"", "s", "nd", "n d", "na", "n a", "nc", "ns", "secret", "so", "x"}
NOT_PUBLISHED_RAW = {"-", "—", "–", "..."}
UNIT_WORDS = [
    (("%", "pourcent", "pourcentage", "part", "taux"), Unit.PERCENT),
    (("personnes", "personne", "habitants", "individus"), Unit.PEOPLE),
    (("euros", "euro", "€", "eur"), Unit.EUROS),
    (("ratio", "indice", "rapport"), Unit.RATIO),
    (("heures", "heure"), Unit.HOURS),
    (("seances", "séances"), Unit.SESSIONS),
    (("nombre", "effectif", "logements", "menages", "foyers", "allocataires", "nb"), Unit.COUNT),
]


# Headers seen in official files for the national defaults, beyond the aliases of the library.
EXTRA_ALIASES = {
    "population": ("population municipale", "pop", "nb habitants"),
    "taux_pauvrete": ("taux pauvrete", "taux pauvrete seuil 60"),
    "taux_chomage": ("taux chomage 15 64 ans",),
    "taux_emploi": ("taux emploi 15 64 ans",),
    "part_moins_25": ("part moins 25 ans", "part 0 24 ans"),
}
_LINK_WORDS = {"de", "d", "des", "du", "la", "le", "les", "l", "en", "au", "aux"}


def _key(name: str) -> str:
    """How a header is compared with an indicator's names: folded, without linking words, joined by « _ »."""
    return "_".join(word for word in fold(name).split() if word not in _LINK_WORDS)


class ContextImportError(ImportRefused):
    """A file that cannot be imported at all (unreadable, foreign layout), or a refused commit."""


@dataclass
class DictionaryEntry:
    """One line of a data dictionary: the file's column, what it measures, and optionally the year."""

    column: str
    label: str = ""
    unit: str = ""
    code: str = ""
    year: int | None = None
    line: int | None = None


@dataclass
class ContextValue:
    line: int
    column: str
    indicator: Indicator
    qpv_id: int
    epci_id: int | None
    year: int
    value: Decimal | None
    is_secret: bool


@dataclass
class ContextPreview:
    source: str
    lines: int = 0
    values: list[ContextValue] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    columns: dict[str, Indicator] = field(default_factory=dict)
    column_years: dict[str, int] = field(default_factory=dict)
    ignored: dict[str, str] = field(default_factory=dict)
    unknown_codes: dict[str, list[int]] = field(default_factory=dict)
    new_indicators: list[Indicator] = field(default_factory=list)
    skipped_unknown: int = 0
    qpv_ids: set = field(default_factory=set)
    sha256: str = ""

    def per_indicator(self) -> list[dict]:
        """For each imported column: the indicator, how many QPVs have a value and how many are not published."""
        counts = defaultdict(lambda: [0, 0])
        for value in self.values:
            counts[value.column][1 if value.is_secret else 0] += 1
        return [
            {"colonne": column, "indicateur": indicator.name, "code": indicator.code,
             "valeurs": counts[column][0], "non publiées": counts[column][1]}
            for column, indicator in self.columns.items()
        ]  # fmt: skip

    def summary(self) -> dict:
        years = sorted({value.year for value in self.values})
        summary = {
            "fichier": self.source,
            "lignes lues": self.lines,
            "QPV": len(self.qpv_ids),
            "valeurs à enregistrer": len(self.values),
            "dont non publiées (secret ou manquantes)": sum(1 for v in self.values if v.is_secret),
            "années": ", ".join(str(year) for year in years) or "—",
            "erreurs": len(self.errors),
            "indicateurs": [
                f"{row['colonne']} → {row['indicateur']} : {row['valeurs']} valeur(s), "
                f"{row['non publiées']} non publiée(s)"
                for row in self.per_indicator()
            ],
            "colonnes ignorées": [f"{column} : {reason}" for column, reason in self.ignored.items()],
        }
        if self.unknown_codes:
            summary["codes QPV inconnus"] = [
                f"{code} (ligne{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines[:10]))})"
                for code, lines in list(self.unknown_codes.items())[:200]
            ]
        if self.new_indicators:
            summary["nouveaux indicateurs nationaux"] = [f"{i.code} : {i.name}" for i in self.new_indicators]
        if self.warnings:
            summary["avertissements"] = self.warnings[:200]
        return summary


def preview(
    path_or_url: str,
    *,
    dictionary: str | list[DictionaryEntry] | None = None,
    year: int | None = None,
    epci_ids: set[int] | None = None,
    allow_new_indicators: bool = False,
    skip_unknown: bool = False,
    name: str | None = None,
) -> ContextPreview:
    """Reads and checks a context table; writes nothing.

    `year`: the year of every value, unless the file has a year column or the dictionary a year per column.
    `epci_ids`: the territories of an animatrice — rows of QPVs elsewhere are errors, and her territories' own
    indicators are matched too (None: administrator, every QPV, national indicators).
    `allow_new_indicators`: a dictionary column that is not in the library becomes a new national context indicator
    at commit (administrators only); otherwise it is an error.
    `skip_unknown`: QPV codes absent from the database are skipped silently (demo only)."""
    try:
        file_name, data = read_bytes(path_or_url, max_bytes=MAX_BYTES)
        header, rows, warnings = table_rows(file_name, data)
    except SourceError as exc:
        raise ContextImportError(str(exc)) from exc
    result = ContextPreview(source=name or file_name, warnings=list(warnings))
    result.sha256 = hashlib.sha256(data).hexdigest()
    del data
    result.lines = len(rows)
    if year is not None and not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ContextImportError(
            f"Année {year} impossible : elle doit être comprise entre {FIRST_YEAR} et {timezone.localdate().year}."
        )
    entries = _dictionary(dictionary, result) if dictionary is not None else []
    code_column = _code_column(header, rows)
    year_column = next((c for c in header if fold(c) in YEAR_COLUMNS), None)
    _match_columns(header, code_column, year_column, entries, epci_ids, allow_new_indicators, result)
    if not result.columns:
        raise ContextImportError(
            "Aucune colonne ne correspond à un indicateur de contexte de la bibliothèque (en-têtes lus : "
            f"{_listed(header)}). Joignez un dictionnaire des données (colonne, libellé, unité) qui les décrit.",
            result.errors,
        )
    if year is None and year_column is None and set(result.columns) - set(result.column_years):
        raise ContextImportError(
            "L'année des valeurs n'est pas indiquée : le fichier n'a pas de colonne « annee ». Précisez-la "
            "(option --year, par exemple --year 2020 pour le recensement 2020, ou champ « Année » du formulaire), "
            "ou donnez-la pour chaque colonne dans le dictionnaire."
        )
    _read_rows(rows, code_column, year_column, year, result.column_years, epci_ids, skip_unknown, result)
    return result


def _listed(header: list[str], limit: int = 15) -> str:
    shown = "; ".join(header[:limit])
    return shown + (f"… ({len(header)} colonnes)" if len(header) > limit else "")


def _code_column(header: list[str], rows) -> str:
    folded = {fold(column): column for column in header}
    for name in CODE_COLUMNS:
        column = folded.get(name)
        if column is None:
            continue
        sample = [values.get(column, "") for _, values in rows[:200]]
        if any(_is_qpv_code(value) for value in sample):
            return column
    raise ContextImportError(
        "Colonne du code QPV introuvable : ce fichier n'a pas la forme d'un tableau par quartier. Une colonne "
        "« code_qp », « codeQPV » ou « CODE_QP » contenant des codes QN… (QPV 2024) ou QP… (QPV 2015) est "
        f"attendue. En-têtes lus : {_listed(header)}."
    )


def _is_qpv_code(value: str) -> bool:
    code = normalize_qpv_code(value)
    return bool(QPV_CODE_RE_2024.fullmatch(code) or QPV_CODE_RE_2015.fullmatch(code))


def _library(epci_ids) -> dict[str, Indicator]:
    """Folded names under which a context indicator is recognised: aliases of the national defaults, codes and
    names; the national indicator wins over a territory's own of the same name."""
    queryset = Indicator.objects.filter(kind=IndicatorKind.CONTEXT)
    queryset = queryset.filter(Q(epci__isnull=True) | Q(epci_id__in=epci_ids or []))
    lookup = {}
    for indicator in sorted(queryset, key=lambda i: i.epci_id is None):  # national last: they overwrite
        default = library.BY_CODE.get(indicator.code) if indicator.epci_id is None else None
        names = [indicator.code, indicator.name, *(default.aliases if default else ())]
        if indicator.epci_id is None:
            names.extend(EXTRA_ALIASES.get(indicator.code, ()))
        for name in names:
            lookup[_key(name)] = indicator
    return lookup


def _match_columns(header, code_column, year_column, entries, epci_ids, allow_new, result) -> None:
    lookup = _library(epci_ids)
    by_code = {}
    for indicator in Indicator.objects.filter(Q(epci__isnull=True) | Q(epci_id__in=epci_ids or [])):
        if indicator.code not in by_code or indicator.epci_id is None:
            by_code[indicator.code] = indicator
    described = {}
    for entry in entries:
        column = next((c for c in header if fold(c) == fold(entry.column)), None)
        if column is None:
            result.warnings.append(f"Dictionnaire, ligne {entry.line} : la colonne « {entry.column} » n'est pas "
                                   "dans le fichier.")  # fmt: skip
            continue
        described[column] = entry
    for column in header:
        if column in (code_column, year_column):
            continue
        entry = described.get(column)
        if entry is not None:
            indicator = _indicator_for_entry(entry, lookup, by_code, allow_new, result)
            if indicator is not None:
                result.columns[column] = indicator
                if entry.year:
                    result.column_years[column] = entry.year
            continue
        folded = fold(column)
        if folded in RECOMPUTED:
            result.ignored[column] = RECOMPUTED[folded]
        elif _key(column) in lookup:
            result.columns[column] = lookup[_key(column)]
        elif folded in DESCRIPTIVE:
            result.ignored[column] = "Colonne descriptive."
        else:
            result.ignored[column] = (
                "Ne correspond à aucun indicateur de la bibliothèque : décrivez-la dans un dictionnaire des données "
                "pour l'importer."
            )
    seen = {}
    for column, indicator in list(result.columns.items()):
        if indicator.pk is not None and indicator.pk in seen:
            result.errors.append(RowError(1, column, f"Cette colonne et « {seen[indicator.pk]} » désignent le même "
                                                     f"indicateur « {indicator.name} »."))  # fmt: skip
            del result.columns[column]
        elif indicator.pk is not None:
            seen[indicator.pk] = column


def _indicator_for_entry(entry, lookup, by_code, allow_new, result) -> Indicator | None:
    where = f"dictionnaire › {entry.column}"
    unit = _unit(entry.unit) if entry.unit else None
    if entry.unit and unit is None:
        result.errors.append(RowError(entry.line, where, f"Unité « {entry.unit} » non reconnue (%, personnes, "
                                                         "nombre, euros, ratio, heures, séances)."))  # fmt: skip
        return None
    indicator = by_code.get(entry.code) if entry.code else None
    if indicator is None and not entry.code:
        indicator = lookup.get(_key(entry.column)) or (lookup.get(_key(entry.label)) if entry.label else None)
    if indicator is not None:
        if indicator.kind != IndicatorKind.CONTEXT:
            result.errors.append(RowError(entry.line, where, f"« {indicator.name} » n'est pas un indicateur de "
                                                             "contexte d'un quartier."))  # fmt: skip
            return None
        if unit is not None and unit != indicator.unit:
            result.errors.append(RowError(entry.line, where, f"La bibliothèque mesure « {indicator.name} » en "
                                                             f"{indicator.get_unit_display()}, le dictionnaire en "
                                                             f"{Unit(unit).label}."))  # fmt: skip
            return None
        return indicator
    code = entry.code or re.sub(r"[^a-z0-9]+", "_", fold(entry.column)).strip("_")[:70]
    if not allow_new:
        result.errors.append(RowError(entry.line, where, f"L'indicateur « {code} » n'est pas dans la bibliothèque : "
                                                         "seul·e un·e administrateur·rice peut créer un indicateur "
                                                         "national depuis un dictionnaire."))  # fmt: skip
        return None
    if not entry.label or unit is None:
        result.errors.append(RowError(entry.line, where, "Un nouvel indicateur a besoin d'un libellé et d'une "
                                                         "unité dans le dictionnaire."))  # fmt: skip
        return None
    new = next((i for i in result.new_indicators if i.code == code), None)
    if new is None:
        new = Indicator(
            code=code, name=entry.label[:200], kind=IndicatorKind.CONTEXT, unit=unit, epci=None,
            additive=unit in (Unit.PEOPLE, Unit.COUNT), maximum=Decimal(100) if unit == Unit.PERCENT else None,
            source=f"Fichier « {result.source} » (dictionnaire des données)",
            definition=f"Colonne « {entry.column} » du fichier « {result.source} ».",
        )  # fmt: skip
        result.new_indicators.append(new)
    return new


def _unit(text: str) -> str | None:
    words = set(fold(text).split()) | ({"%"} if "%" in text else set()) | ({"€"} if "€" in text else set())
    for names, unit in UNIT_WORDS:
        if words & {fold(name) or name for name in names}:
            return unit
    return None


def _dictionary(dictionary, result) -> list[DictionaryEntry]:
    if isinstance(dictionary, list):
        return dictionary
    try:
        name, data = read_bytes(str(dictionary), max_bytes=5 * 1024 * 1024)
        header, rows, _ = table_rows(name, data)
    except SourceError as exc:
        raise ContextImportError(f"Dictionnaire des données illisible : {exc}") from exc
    names = {
        "column": ("colonne", "column", "variable", "cod var", "code variable", "nom colonne", "champ"),
        "label": ("libelle", "label", "lib var", "intitule", "description"),
        "unit": ("unite", "unit"),
        "code": ("code", "code indicateur", "indicateur"),
        "year": ("annee", "millesime", "year"),
    }
    columns = {key: next((c for c in header if fold(c) in options), None) for key, options in names.items()}
    if columns["column"] is None:
        raise ContextImportError(
            "Le dictionnaire des données doit avoir une colonne « colonne » (ou « variable ») qui nomme les "
            f"colonnes du fichier, avec « libelle » et « unite ». En-têtes lus : {_listed(header)}."
        )
    entries = []
    for line, values in rows:
        get = {key: (values.get(column, "") if column else "").strip() for key, column in columns.items()}
        if not get["column"]:
            continue
        entry_year = None
        if get["year"]:
            entry_year = _year(get["year"])
            if entry_year is None:
                result.errors.append(
                    RowError(line, "dictionnaire › annee", f"Année « {get['year']} » illisible.")
                )
        code = get["code"]
        if code and not re.fullmatch(r"[a-z0-9_-]{1,80}", code):
            result.errors.append(
                RowError(
                    line,
                    "dictionnaire › code",
                    f"Code « {code} » invalide : lettres minuscules, chiffres et « _ » seulement.",
                )
            )
            code = ""  # fmt: skip
        entries.append(
            DictionaryEntry(get["column"], get["label"][:200], get["unit"], code, entry_year, line)
        )
    return entries


def _year(text: str) -> int | None:
    match = re.fullmatch(r"\s*(\d{4})(?:\.0)?\s*", str(text))
    if not match:
        return None
    year = int(match.group(1))
    return year if FIRST_YEAR <= year <= timezone.localdate().year else None


@dataclass
class QpvPlaces:
    """The QPVs of the database by code, with their EPCI (first commune) and every EPCI they touch."""

    ids: dict[str, int]
    epci: dict[int, int | None]
    touches: dict[int, set[int]]

    @classmethod
    def load(cls, codes: set[str]) -> "QpvPlaces":
        found = list(Qpv.objects.filter(code__in=codes).values_list("pk", "code", "commune_codes"))
        order = {pk: list(commune_codes or []) for pk, _, commune_codes in found}
        links = defaultdict(list)
        for qpv_id, insee, epci_id in Qpv.communes.through.objects.filter(qpv_id__in=list(order)).values_list(
            "qpv_id", "commune__insee_code", "commune__epci_id"
        ):
            links[qpv_id].append((insee, epci_id))
        epci, touches = {}, {}
        for pk, listed in order.items():
            rank = {code: index for index, code in enumerate(listed)}
            ordered = sorted(links[pk], key=lambda link: (rank.get(link[0], len(rank)), link[0]))
            epci[pk] = next((e for _, e in ordered if e), None)
            touches[pk] = {e for _, e in ordered if e}
        return cls({code: pk for pk, code, _ in found}, epci, touches)


def _read_rows(rows, code_column, year_column, year, column_years, epci_ids, skip_unknown, result) -> None:
    codes = {normalize_qpv_code(values.get(code_column, "")) for _, values in rows}
    places = QpvPlaces.load({code for code in codes if code})
    first = {}  # (qpv_id, column, year) -> (line, value, is_secret)
    census_rounded = defaultdict(int)
    errors = result.errors
    for line, values in rows:
        raw_code = values.get(code_column, "")
        code = normalize_qpv_code(raw_code)
        if not code:
            errors.append(RowError(line, code_column, "Code QPV manquant."))
            continue
        if not _is_qpv_code(code):
            errors.append(RowError(line, code_column, f"« {raw_code} » n'est pas un code QPV (QN… pour les QPV "
                                                      "2024, QP… pour les QPV 2015)."))  # fmt: skip
            continue
        qpv_id = places.ids.get(code)
        if qpv_id is None:
            if skip_unknown:
                result.skipped_unknown += 1
                continue
            result.unknown_codes.setdefault(code, []).append(line)
            errors.append(
                RowError(
                    line,
                    code_column,
                    f"QPV « {code} » inconnu de Coopérer : corrigez le code ou "
                    "importez d'abord la liste des QPV (import-reference).",
                )
            )
            continue  # fmt: skip
        if epci_ids is not None and not places.touches[qpv_id] & epci_ids:
            errors.append(
                RowError(
                    line,
                    code_column,
                    f"Le QPV « {code} » n'est pas sur votre territoire : seul·e "
                    "un·e administrateur·rice importe un fichier national.",
                )
            )
            continue  # fmt: skip
        row_year = None
        if year_column is not None and values.get(year_column, "").strip():
            row_year = _year(values[year_column])
            if row_year is None:
                errors.append(
                    RowError(
                        line,
                        year_column,
                        f"Année « {values[year_column]} » illisible ou hors de "
                        f"{FIRST_YEAR}–{timezone.localdate().year}.",
                    )
                )
                continue  # fmt: skip
        result.qpv_ids.add(qpv_id)
        for column, indicator in result.columns.items():
            value_year = row_year or column_years.get(column) or year
            if value_year is None:
                errors.append(RowError(line, year_column or column, "L'année de cette valeur manque."))
                continue
            cell = values.get(column, "")
            parsed = _cell(cell, indicator, line, column, census_rounded, errors)
            if parsed is False:
                continue
            value, is_secret = parsed
            key = (qpv_id, column, value_year)
            if key in first:
                other_line, other_value, other_secret = first[key]
                if (other_value, other_secret) != (value, is_secret):
                    shown = "non publiée" if other_secret else _french(other_value)
                    errors.append(RowError(line, column, f"Le QPV « {code} » a une autre valeur ({shown}) à la "
                                                         f"ligne {other_line} : deux lignes du même quartier ne "
                                                         "concordent pas."))  # fmt: skip
                continue
            first[key] = (line, value, is_secret)
            result.values.append(ContextValue(line, column, indicator, qpv_id, places.epci[qpv_id], value_year,
                                              value, is_secret))  # fmt: skip
    for column, count in census_rounded.items():
        result.warnings.append(
            f"« {column} » : {count} effectif(s) décimal(aux) du recensement (estimations pondérées) arrondi(s) à "
            "l'unité."
        )
    if result.unknown_codes:
        result.warnings.append(
            f"{len(result.unknown_codes)} code(s) QPV inconnu(s) de Coopérer, rien n'a été deviné : "
            + ", ".join(list(result.unknown_codes)[:20])
            + ("…" if len(result.unknown_codes) > 20 else "")
        )


def _cell(cell: str, indicator: Indicator, line: int, column: str, census_rounded, errors):
    """(value, is_secret) of one cell, or False after recording its error."""
    text = (cell or "").strip()
    if text in NOT_PUBLISHED_RAW or fold(text) in NOT_PUBLISHED:
        return None, True
    value = services.parse_decimal(text)
    if value is None:
        errors.append(RowError(line, column, f"« {text[:40]} » n'est pas un nombre ni une marque de secret "
                                             "(s, nd, n.d., NA, -, vide)."))  # fmt: skip
        return False
    value = value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
    if (
        indicator.unit in services.WHOLE_UNITS
        and indicator.periodicity == Periodicity.CENSUS
        and value != value.to_integral_value()
    ):
        value = value.to_integral_value(rounding=ROUND_HALF_UP)
        census_rounded[column] += 1
    problems = services.value_problems(indicator, value)
    if problems:
        errors.extend(RowError(line, column, problem) for problem in problems)
        return False
    return value.normalize() if value == value.to_integral_value() else value, False


def _french(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def commit(result: ContextPreview, *, user=None, epci_id=None) -> dict:
    """Writes every value of an error-free preview, or nothing. Returns {"créées", "mises à jour", "inchangées",
    "nouveaux indicateurs"}."""
    refuse_unless_clean(result.errors, len(result.values), ContextImportError, "valeur")
    with transaction.atomic():
        for indicator in result.new_indicators:
            existing = Indicator.objects.filter(epci__isnull=True, code=indicator.code).first()
            if existing is not None:
                indicator.pk = existing.pk
                indicator.unit = existing.unit
            else:
                indicator.save()
        batch, _ = UploadBatch.objects.get_or_create(
            sha256=result.sha256 or "-", kind=MeasurementSource.OFFICIAL_FILE,
            defaults={"file_name": result.source[:300], "rows": result.lines, "epci_id": epci_id,
                      "created_by": user},
        )  # fmt: skip
        rows = [
            services.Row(
                indicator=value.indicator, value=value.value, is_secret=value.is_secret,
                period_start=date(value.year, 1, 1), period_end=date(value.year, 12, 31), qpv_id=value.qpv_id,
                epci_id=value.epci_id, line=value.line,
                source_label=f"{result.source}, ligne {value.line}, colonne « {value.column} »",
            )
            for value in result.values
        ]  # fmt: skip
        written = record_rows(
            rows, ContextImportError, source=MeasurementSource.OFFICIAL_FILE, user=user, batch=batch
        )
    return {**written, "nouveaux indicateurs": len(result.new_indicators)}


def refuse_unless_clean(errors: list, count: int, refusal: type[ImportRefused], noun: str) -> None:
    """A commit goes ahead only from a preview without errors and with something to write."""
    if errors:
        raise refusal(
            f"{len(errors)} erreur(s) : corrigez le fichier avant d'importer. Rien n'a été écrit.", errors
        )
    if not count:
        raise refusal(f"Aucune {noun} à importer : rien n'a été écrit.")


def record_rows(rows: list[services.Row], refusal: type[ImportRefused], **options) -> dict:
    """`services.record()` for the rows of a file: its problems raised as the file's row errors (`refusal`), its
    counts in French ({"créées", "mises à jour", "inchangées"})."""
    try:
        written = services.record(rows, **options)
    except services.MeasurementError as exc:
        raise refusal(str(exc), [RowError(e["line"], e["column"], e["reason"]) for e in exc.errors]) from exc
    return {
        "créées": written["created"],
        "mises à jour": written["updated"],
        "inchangées": written["unchanged"],
    }


DEMO_FILE = Path("qpv") / "indicateurs_qpv2024" / "analyse_qpv_2024.csv"
# The compiled national table mixes millésimes (PROVENANCE.md): recensement 2020, Filosofi 2021 for poverty.
DEMO_DICTIONARY = [DictionaryEntry("taux_pauvrete_60%", "Taux de pauvreté au seuil de 60 %", "%",
                                   "taux_pauvrete", 2021, 1)]  # fmt: skip
DEMO_YEAR = 2020


def load_demo_context(reference_dir: str | None) -> int:
    """Imports the real national context table for the QPVs of the contracts the database holds (the demo's 27);
    rows of other QPVs are skipped silently — only here. Returns how many measurements were written; 0 without
    the file. Being a part of the file only, it is recorded under its own fingerprint: importing the whole file
    later is not refused as a second import."""
    if not reference_dir:
        return 0
    path = Path(reference_dir) / DEMO_FILE
    if not path.is_file():
        return 0
    library.ensure_defaults()
    result = preview(str(path), dictionary=DEMO_DICTIONARY, year=DEMO_YEAR, skip_unknown=True)
    if result.errors:
        raise ContextImportError(f"{len(result.errors)} erreur(s) dans {path.name}.", result.errors)
    followed = set(Qpv.objects.filter(contracts__isnull=False).values_list("pk", flat=True))
    result.values = [value for value in result.values if value.qpv_id in followed]
    result.qpv_ids &= followed
    result.sha256 = hashlib.sha256(f"démo, QPV des contrats : {result.sha256}".encode()).hexdigest()
    if not result.values:
        return 0
    written = commit(result)
    return written["créées"] + written["mises à jour"]
