"""Import of initiative records from a table (CSV or .xlsx), following docs/importers.md: every row checked
first and every problem listed (line, column, reason), then all rows written in one transaction or none.
Imported records are « soumises à relecture »: the animation publishes each after reading it, never at import.

Columns (French names, accents and case ignored): titre, resume (both required), qpv (codes), debut, fin,
contexte, methode, resultats, enseignements, leviers, freins (names of the shared list), thematiques, publics,
odd (1 to 17), licence (« licence ouverte » or « cc by-sa »). Lists in a cell are separated by « | » or « , »."""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cooperer.actors.models import Public, Theme
from cooperer.core.sources import ImportRefused, RowError, SourceError, table_rows
from cooperer.core.text import fold
from cooperer.knowledge.enums import FactorKind, Licence, Origin, RecordStatus
from cooperer.knowledge.models import Factor, Record, RecordFactor
from cooperer.territories.models import Qpv

COLUMNS = {
    "titre": "title", "resume": "summary", "qpv": "qpvs", "debut": "starts_on", "fin": "ends_on",
    "contexte": "context", "methode": "method", "resultats": "results", "enseignements": "lessons",
    "leviers": "levers", "freins": "obstacles", "thematiques": "themes", "publics": "publics", "odd": "sdgs",
    "licence": "licence",
}  # fmt: skip
SYNONYMS = {
    "title": "titre",
    "summary": "resume",
    "résumé": "resume",
    "lecons": "enseignements",
    "themes": "thematiques",
}
TEMPLATE_HEADER = list(COLUMNS)
LICENCES = {"licence ouverte": Licence.OPEN, "licence ouverte 2 0": Licence.OPEN, "etalab": Licence.OPEN,
            "cc by sa": Licence.CC_BY_SA, "cc by sa 4 0": Licence.CC_BY_SA}  # fmt: skip
_SPLIT = re.compile(r"\s*[|,;]\s*")


class RecordImportError(ImportRefused):
    pass


@dataclass
class RecordPreview:
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _items(value: str) -> list[str]:
    return [item for item in _SPLIT.split(value or "") if item]


def _date(value: str, line: int, column: str, errors: list) -> datetime.date | None:
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    errors.append(RowError(line, column, f"« {value} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)."))
    return None


def _lookup(
    names: list[str], known: dict[str, object], line: int, column: str, what: str, errors: list
) -> list:
    found = []
    for name in names:
        item = known.get(fold(name))
        if item is None:
            errors.append(RowError(line, column, f"{what} : « {name} » (voir la liste partagée)."))
        else:
            found.append(item)
    return found


def preview(name: str, data: bytes, epci) -> RecordPreview:
    """Reads and checks every row; writes nothing. A file that cannot be read raises RecordImportError."""
    try:
        header, rows, warnings = table_rows(name, data)
    except SourceError as exc:
        raise RecordImportError(str(exc)) from exc
    keys = {column: SYNONYMS.get(fold(column), fold(column).replace(" ", "_")) for column in header}
    result = RecordPreview(warnings=list(warnings))
    missing = [c for c in ("titre", "resume") if c not in keys.values()]
    if missing:
        raise RecordImportError(
            "Colonnes obligatoires absentes : "
            + ", ".join(missing)
            + f". Colonnes attendues : {', '.join(TEMPLATE_HEADER)}."
        )
    unknown = [c for c, k in keys.items() if k not in COLUMNS]
    if unknown:
        result.warnings.append("Colonnes ignorées : " + ", ".join(unknown) + ".")
    factors = {fold(f.name): f for f in Factor.objects.all()}
    themes = {fold(t.name): t for t in Theme.objects.all()}
    publics = {fold(p.name): p for p in Public.objects.all()}
    qpvs = {q.code: q for q in Qpv.objects.filter(communes__epci=epci).distinct()}
    seen_titles: dict[str, int] = {}
    errors = result.errors
    for line, raw in rows:
        row = {COLUMNS[keys[c]]: v for c, v in raw.items() if keys.get(c) in COLUMNS}
        title, summary = row.get("title", ""), row.get("summary", "")
        if not title:
            errors.append(RowError(line, "titre", "Le titre est vide."))
        elif len(title) > 200:
            errors.append(RowError(line, "titre", f"Le titre compte {len(title)} caractères : 200 au plus."))
        elif fold(title) in seen_titles:
            errors.append(RowError(line, "titre", f"Même titre qu'à la ligne {seen_titles[fold(title)]}."))
        else:
            seen_titles[fold(title)] = line
        if not summary:
            errors.append(RowError(line, "resume", "Le résumé est vide."))
        for column in ("title", "summary", "context", "method", "results", "lessons"):
            if row.get(column, "").startswith(("=", "+", "@")):
                result.warnings.append(
                    f"Ligne {line} : une valeur commence par « {row[column][0]} » ; elle est gardée comme texte."
                )
        starts = _date(row.get("starts_on", ""), line, "debut", errors)
        ends = _date(row.get("ends_on", ""), line, "fin", errors)
        if starts and ends and ends < starts:
            errors.append(RowError(line, "fin", "La fin précède le début."))
        chosen_qpvs = []
        for code in _items(row.get("qpvs", "")):
            qpv = qpvs.get(code.upper())
            if qpv is None:
                errors.append(RowError(line, "qpv", f"Le QPV « {code} » n'est pas un QPV de {epci.name}."))
            else:
                chosen_qpvs.append(qpv)
        levers = _lookup(_items(row.get("levers", "")), factors, line, "leviers", "Levier inconnu", errors)
        obstacles = _lookup(
            _items(row.get("obstacles", "")), factors, line, "freins", "Frein inconnu", errors
        )
        chosen_themes = _lookup(
            _items(row.get("themes", "")), themes, line, "thematiques", "Thématique inconnue", errors
        )
        chosen_publics = _lookup(
            _items(row.get("publics", "")), publics, line, "publics", "Public inconnu", errors
        )
        sdgs = []
        for value in _items(row.get("sdgs", "")):
            if value.isdigit() and 1 <= int(value) <= 17:
                sdgs.append(int(value))
            else:
                errors.append(
                    RowError(line, "odd", f"« {value} » n'est pas un ODD : ils sont numérotés de 1 à 17.")
                )
        licence = Licence.OPEN
        if row.get("licence"):
            licence = LICENCES.get(fold(row["licence"]))
            if licence is None:
                errors.append(
                    RowError(line, "licence", "Licence inconnue : « licence ouverte » ou « cc by-sa ».")
                )
        result.rows.append(
            {
                "line": line,
                "title": title,
                "summary": summary,
                "starts_on": starts,
                "ends_on": ends,
                "context": row.get("context", ""),
                "method": row.get("method", ""),
                "results": row.get("results", ""),
                "lessons": row.get("lessons", ""),
                "sdgs": sdgs,
                "licence": licence,
                "qpvs": chosen_qpvs,
                "levers": levers,
                "obstacles": obstacles,
                "themes": chosen_themes,
                "publics": chosen_publics,
            }
        )
    if not rows:
        errors.append(RowError(None, "", "Le fichier ne contient aucune fiche."))
    return result


def commit(result: RecordPreview, epci, user) -> list[Record]:
    """Writes every row, or nothing when one has a problem."""
    from cooperer.knowledge.services import refresh_search_text

    if result.errors:
        raise RecordImportError(
            f"Import refusé : {len(result.errors)} problème(s) à corriger, aucune fiche n'est enregistrée.",
            result.errors,
        )
    made = []
    with transaction.atomic():
        for row in result.rows:
            record = Record.objects.create(
                title=row["title"], summary=row["summary"], epci=epci, starts_on=row["starts_on"], ends_on=row["ends_on"],
                context=row["context"], method=row["method"], results=row["results"], lessons=row["lessons"],
                sdgs=row["sdgs"], licence=row["licence"], origin=Origin.IMPORT, created_by=user,
                status=RecordStatus.SUBMITTED, submitted_at=timezone.now(),
            )  # fmt: skip
            record.qpvs.set(row["qpvs"])
            record.themes.set(row["themes"])
            record.publics.set(row["publics"])
            RecordFactor.objects.bulk_create(
                [
                    RecordFactor(record=record, factor=f, kind=FactorKind.LEVER)
                    for f in dict.fromkeys(row["levers"])
                ]
                + [
                    RecordFactor(record=record, factor=f, kind=FactorKind.OBSTACLE)
                    for f in dict.fromkeys(row["obstacles"])
                ]
            )
            refresh_search_text(record)
            made.append(record)
    return made
