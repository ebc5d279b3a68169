"""Measurements uploaded in bulk: a long table (CSV or Excel .xlsx), one measurement a line — indicator code, scope
(an action, a QPV or an expected change of a vision), period, value and optional breakdown columns (`femmes`,
`hommes`, age bands…).

Two steps, like every importer (docs/importers.md): `preview()` reads the file, resolves every code and checks
every value with the rules of `services.problems()` (what `services.record()` refuses), and writes nothing;
`commit()` writes everything through `services.record()` in one transaction, or nothing. A file is recognised by
its SHA-256 (`UploadBatch`): the same file twice is refused rather than counted twice. Who may send figures for
which scope is checked on every line (`Uploader`)."""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from cooperer.accounts.enums import Role
from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin, roles_of
from cooperer.calls.models import Application, Grant
from cooperer.calls.permissions import can_instruct, carries, member_structure_ids
from cooperer.core.sources import ImportRefused, RowError, SourceError, read_bytes, table_rows
from cooperer.core.text import fold
from cooperer.core.validators import normalize_qpv_code
from cooperer.measurement import services
from cooperer.measurement.enums import DISAGGREGATION_CATEGORIES, MeasurementSource
from cooperer.measurement.importers import NOT_PUBLISHED, QpvPlaces, record_rows, refuse_unless_clean
from cooperer.measurement.models import Indicator, UploadBatch
from cooperer.visions.models import Outcome, Vision

MAX_BYTES = 100 * 1024 * 1024
_LINK_WORDS = {"de", "d", "des", "du", "la", "le", "les", "l", "un", "une", "a"}


def header_key(name: str) -> str:
    """How a header is compared with the accepted spellings: folded, without linking words."""
    return " ".join(word for word in fold(name).split() if word not in _LINK_WORDS)


# Accepted spellings of each column, compared by `header_key`.
COLUMNS = {
    "indicator": ("indicateur", "code indicateur", "indicateur code", "code", "indicator"),
    "action": ("action", "numero action", "demande", "numero demande", "n demande", "dossier", "numero dossier",
               "reference action", "reference", "convention", "reference convention", "application"),
    "qpv": ("qpv", "code qpv", "code qp", "quartier", "code quartier"),
    "vision": ("vision", "numero vision"),
    "outcome": ("changement", "changement attendu", "cle changement", "outcome"),
    "start": ("debut", "debut periode", "date debut", "periode debut", "du", "period start", "start", "debut_periode"),
    "end": ("fin", "fin periode", "date fin", "periode fin", "au", "period end", "end", "fin_periode"),
    "value": ("valeur", "value", "total", "mesure", "nombre"),
}  # fmt: skip
TEMPLATE_COLUMNS = ["indicateur", "action", "qpv", "vision", "changement", "debut", "fin", "valeur", "femmes",
                    "hommes", "0-11", "12-17", "18-25", "26-59", "60+"]  # fmt: skip
SCOPES = ("action", "qpv", "outcome")
NO_SCOPE = (
    "Portée manquante : indiquez le numéro de l'action (ou la référence de sa convention), le code du QPV, ou la "
    "vision et son changement attendu."
)
NOT_ALLOWED_ACTION = (
    "Vous ne pouvez pas déposer de mesures pour cette action : réservé à sa structure porteuse (et aux co-porteurs), "
    "aux financeurs de son appel et à l'animation du territoire."
)
NOT_ALLOWED_PLACE = "Vous ne pouvez pas déposer de mesures pour ce territoire : réservé à son animation et aux administrateur·rices."


def _breakdown_headers() -> dict[str, tuple[str, str]]:
    """Breakdown columns: header key → (axis, category), from the fixed categories of each axis."""
    headers = {"femme": ("sexe", "femmes"), "homme": ("sexe", "hommes"), "60 ans plus": ("age", "60+")}
    scope_words = {alias for aliases in COLUMNS.values() for alias in aliases}
    for axis, categories in DISAGGREGATION_CATEGORIES.items():
        for category, label in categories.items():
            spellings = [f"{axis} {category}", f"{axis} {label}"]
            if category != "non_precise":  # « non précisé » alone would not say which axis
                spellings += [category, label]
            for spelling in spellings:
                key = header_key(spelling)
                if key not in scope_words:
                    headers.setdefault(key, (str(axis), category))
    return headers


BREAKDOWN_HEADERS = _breakdown_headers()


class UploadError(ImportRefused):
    """A file that cannot be imported at all (unreadable, foreign layout, already imported), or a refused commit."""


@dataclass
class Uploader:
    """Who sends the figures, and so which scopes they may measure. `user=None` is the command line, limited to
    `epci_id` when given (--epci)."""

    user: object = None
    epci_id: int | None = None

    def may_measure_action(self, application) -> bool:
        """Administrators, the animation of the call's EPCI, the instructors of a funder of the call, the members of
        the applicant structure and of its co-porteurs (`application.call.funders` and `.partners` prefetched)."""
        if self.user is None:
            return self.epci_id is None or application.call.epci_id == self.epci_id
        return can_instruct(self.user, application.call) or carries(self.user, application)

    def may_measure_place(self, epci_ids: set[int]) -> bool:
        """A QPV or an outcome of a vision: administrators and the animation of a territory it belongs to."""
        if self.user is None:
            return self.epci_id is None or self.epci_id in epci_ids
        return is_platform_admin(self.user) or bool(epci_ids & animated_epci_ids(self.user))


def can_upload(user) -> bool:
    """Whether the upload page is open to the user at all; each line is checked again by `Uploader`."""
    return (
        is_platform_admin(user)
        or bool(animated_epci_ids(user))
        or any(role.role == Role.INSTRUCTION for role in roles_of(user))
        or bool(member_structure_ids(user))
    )


@dataclass
class UploadPreview:
    source: str
    sha256: str = ""
    lines: int = 0
    rows: list[services.Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    def epci_id(self) -> int | None:
        """The territory of every row when they share one (recorded on the batch), else None."""
        found = {services.epci_of(row) for row in self.rows}
        return found.pop() if len(found) == 1 else None

    def summary(self) -> dict:
        count = defaultdict(set)
        for row in self.rows:
            count[row.scope_key.split(":", 1)[0]].add(row.scope_key)
            count["indicators"].add(row.indicator.code)
        summary = {
            "fichier": self.source,
            "lignes lues": self.lines,
            "mesures à enregistrer": len(self.rows),
            "actions": len(count["application"]),
            "QPV": len(count["qpv"]),
            "changements attendus": len(count["outcome"]),
            "indicateurs": ", ".join(sorted(count["indicators"])) or "—",
            "erreurs": len(self.errors),
        }
        if self.warnings:
            summary["avertissements"] = self.warnings[:200]
        return summary


def already_imported(sha256: str) -> str | None:
    """The French refusal when a file with these bytes was imported before, naming when; None otherwise."""
    batch = UploadBatch.objects.filter(sha256=sha256, kind=MeasurementSource.UPLOAD).first()
    if batch is None:
        return None
    when = timezone.localtime(batch.created_at)
    return (
        f"Ce fichier a déjà été importé le {when:%d/%m/%Y à %H:%M} (« {batch.file_name} », {batch.rows} ligne(s)) : "
        "le même fichier n'est pas compté deux fois. Pour corriger des valeurs, déposez un fichier modifié ; une "
        "mesure déjà enregistrée (même indicateur, même portée, même période) est alors mise à jour."
    )


def preview(path: str, *, uploader: Uploader, name: str | None = None) -> UploadPreview:
    """Reads and checks a file of measurements; writes nothing. Raises `UploadError` when it is unusable."""
    try:
        file_name, data = read_bytes(path, max_bytes=MAX_BYTES)
        header, rows, warnings = table_rows(file_name, data)
    except SourceError as exc:
        raise UploadError(str(exc)) from exc
    result = UploadPreview(source=name or file_name, sha256=hashlib.sha256(data).hexdigest(), lines=len(rows))
    del data
    refusal = already_imported(result.sha256)
    if refusal:
        raise UploadError(refusal)
    return check_rows(header, rows, warnings, uploader=uploader, result=result)


def check_rows(
    header: list[str], rows, warnings, *, uploader: Uploader, result: UploadPreview
) -> UploadPreview:
    """Resolves and checks rows already read (line, {column: text}) with every rule of the upload: a file's
    table, or the rows the API receives. Writes nothing."""
    result.warnings = list(warnings)
    breakdown = _map_columns(header, result)
    resolver = _Resolver.load(rows, result.columns, uploader)
    for line, values in rows:
        row = _read_row(line, values, result, breakdown, resolver)
        if row is not None:
            result.rows.append(row)
    for problem in services.problems(result.rows):
        result.errors.append(
            RowError(problem["line"], _file_column(problem["column"], result), problem["reason"])
        )
    result.errors.sort(key=lambda error: error.line or 0)
    return result


# The columns `services.row_problems` names, as roles of the file's columns.
PROBLEM_COLUMNS = {"indicateur": "indicator", "valeur": "value", "action": "action"}


def _file_column(problem_column: str, result: UploadPreview) -> str:
    """A problem's column as the file names it."""
    if problem_column == "periode":
        return f"{result.columns['start']} / {result.columns['end']}"
    return result.columns.get(PROBLEM_COLUMNS.get(problem_column, ""), problem_column)


def _map_columns(header: list[str], result: UploadPreview) -> dict[str, tuple[str, str]]:
    """Fills `result.columns` (role → header as in the file) and returns the breakdown columns."""
    breakdown = {}
    for column in header:
        key = header_key(column)
        role = next((role for role, aliases in COLUMNS.items() if key in aliases), None)
        if role is not None and role in result.columns:
            result.warnings.append(
                f"Colonne « {column} » ignorée : « {result.columns[role]} » a déjà ce rôle."
            )
        elif role is not None:
            result.columns[role] = column
        elif key in BREAKDOWN_HEADERS:
            breakdown[column] = BREAKDOWN_HEADERS[key]
        elif column:
            result.warnings.append(f"Colonne « {column} » ignorée : elle n'est pas une colonne connue.")
    missing = [role for role in ("indicator", "start", "end", "value") if role not in result.columns]
    if missing or not any(role in result.columns for role in ("action", "qpv", "vision")):
        raise UploadError(
            "Ce fichier n'a pas la forme attendue : une ligne par mesure, avec les colonnes « indicateur », "
            "« action » (ou « qpv », ou « vision » et « changement »), « debut », « fin » et « valeur ». En-têtes "
            f"lus : {'; '.join(header[:20]) or 'aucun'}."
        )
    if "vision" in result.columns and "outcome" not in result.columns:
        raise UploadError("La colonne « vision » va avec une colonne « changement » (le changement attendu).")
    return breakdown


@dataclass
class _Resolver:
    """Every code the file names, looked up in a few queries before the rows are read."""

    uploader: Uploader
    applications: dict[str, Application]
    places: QpvPlaces
    outcomes: dict[tuple[str, str], tuple[Vision, str]]
    indicators: dict[tuple[int | None, str], Indicator]

    @classmethod
    def load(cls, rows, columns: dict[str, str], uploader: Uploader) -> "_Resolver":
        def cells(role):
            column = columns.get(role)
            return {values.get(column, "").strip() for _, values in rows} - {""} if column else set()

        pairs = set()
        if "vision" in columns:
            pairs = {(values.get(columns["vision"], "").strip(), values.get(columns["outcome"], "").strip())
                     for _, values in rows}  # fmt: skip
        places = QpvPlaces.load({normalize_qpv_code(code) for code in cells("qpv")})
        return cls(uploader, _applications(cells("action")), places, _outcomes(pairs), _indicators())

    def indicator(self, text: str, epci_id: int | None) -> Indicator | None:
        key = _code_key(text)
        return self.indicators.get((epci_id, key)) or self.indicators.get((None, key))


def _applications(references: set[str]) -> dict[str, Application]:
    """Actions by the text that names them in the file: their number (« 123 », « D-123 », « n° 123 ») or the
    reference of one of their conventions."""
    numbers = {
        ref: int(match.group(1)) for ref in references if (match := re.fullmatch(r"\D{0,12}?(\d+)", ref))
    }
    found = Application.objects.select_related("call").prefetch_related("call__funders", "partners")
    by_pk = {a.pk: a for a in found.filter(pk__in=set(numbers.values()))}
    named = {ref: by_pk[number] for ref, number in numbers.items() if number in by_pk}
    others = references - set(named)
    if others:
        conventions = dict(
            Grant.objects.filter(convention_reference__in=others).values_list(
                "convention_reference", "decision__application_id"
            )
        )
        by_pk = {a.pk: a for a in found.filter(pk__in=set(conventions.values()))}
        named.update({ref: by_pk[pk] for ref, pk in conventions.items()})
    return named


def _outcomes(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[Vision, str]]:
    """(vision cell, change cell) → (vision, outcome key); the change is named by its key or its words."""
    numbers = {int(vision) for vision, _ in pairs if vision.isdigit()}
    visions = Vision.objects.in_bulk(numbers)
    known = defaultdict(dict)
    for vision_id, key, text in Outcome.objects.filter(version__vision_id__in=numbers).values_list(
        "version__vision_id", "key", "text"
    ):
        known[vision_id][key] = key
        known[vision_id].setdefault(fold(text), key)
    found = {}
    for vision, change in pairs:
        if vision.isdigit() and int(vision) in visions:
            key = known[int(vision)].get(change) or known[int(vision)].get(fold(change))
            if key:
                found[(vision, change)] = (visions[int(vision)], key)
    return found


def _indicators() -> dict[tuple[int | None, str], Indicator]:
    """Every indicator by (territory, code) and by (territory, folded name)."""
    found = {}
    for indicator in Indicator.objects.all():
        found[(indicator.epci_id, _code_key(indicator.code))] = indicator
        found.setdefault((indicator.epci_id, _code_key(indicator.name)), indicator)
    return found


def _code_key(text: str) -> str:
    return fold(text).replace(" ", "_")


def _read_row(line, values, result: UploadPreview, breakdown, resolver: _Resolver) -> services.Row | None:
    """The row of one line, or None after listing in `result.errors` what prevents reading it."""
    columns, errors = result.columns, []
    row = services.Row(indicator=None, value=None, period_start=None, period_end=None, line=line)  # type: ignore
    epci_ids = _scope(values, columns, resolver, row, errors)
    text = values.get(columns["indicator"], "").strip()
    row.indicator = resolver.indicator(text, next(iter(sorted(epci_ids)), None)) if text else None
    if row.indicator is None:
        errors.append(
            (columns["indicator"], f"Indicateur inconnu : « {text} »." if text else "L'indicateur manque.")
        )
    row.period_start = _date(values.get(columns["start"], ""), columns["start"], errors)
    row.period_end = _date(values.get(columns["end"], ""), columns["end"], errors)
    _value(values.get(columns["value"], ""), columns["value"], row, errors)
    for column, (axis, category) in breakdown.items():
        cell = values.get(column, "").strip()
        if cell:
            number = services.parse_decimal(cell)
            if number is None:
                errors.append((column, f"Nombre illisible : « {cell} »."))
                continue
            row.breakdown.setdefault(axis, {})[category] = (
                int(number) if number == int(number) else str(number)
            )
    result.errors.extend(RowError(line, column, reason) for column, reason in errors)
    if errors:
        return None
    row.source_label = f"{result.source}, ligne {line}"
    return row


def _scope(values, columns, resolver: _Resolver, row: services.Row, errors) -> set[int]:
    """Sets the row's action, QPV or outcome; returns the EPCIs of that scope."""
    given = {
        role: values.get(columns[role], "").strip() for role in ("action", "qpv", "vision") if role in columns
    }
    given = {role: text for role, text in given.items() if text}
    if len(given) != 1:
        column = columns.get("action") or columns.get("qpv") or columns["vision"]
        errors.append((column, NO_SCOPE if not given else "Une seule portée par ligne : une action, un QPV ou un "
                       "changement attendu d'une vision."))  # fmt: skip
        return set()
    role, text = given.popitem()
    column = columns[role]
    if role == "action":
        application = resolver.applications.get(text)
        if application is None:
            errors.append(
                (
                    column,
                    f"Action inconnue : « {text} » (numéro de la demande ou référence de sa convention).",
                )
            )
        elif not resolver.uploader.may_measure_action(application):
            errors.append((column, NOT_ALLOWED_ACTION))
        else:
            row.application = application
            return {application.call.epci_id}
        return set()
    if role == "qpv":
        qpv_id = resolver.places.ids.get(normalize_qpv_code(text))
        if qpv_id is None:
            errors.append((column, f"QPV inconnu : « {text} »."))
            return set()
        epci_ids = resolver.places.touches.get(qpv_id, set())
        if not resolver.uploader.may_measure_place(epci_ids):
            errors.append((column, NOT_ALLOWED_PLACE))
            return set()
        row.qpv_id, row.epci_id = qpv_id, resolver.places.epci.get(qpv_id)
        return epci_ids
    change = values.get(columns["outcome"], "").strip()
    found = resolver.outcomes.get((text, change))
    if found is None:
        errors.append(
            (columns["outcome"], f"Changement attendu « {change} » inconnu dans la vision « {text} ».")
        )
        return set()
    vision, key = found
    if not resolver.uploader.may_measure_place({vision.epci_id}):
        errors.append((column, NOT_ALLOWED_PLACE))
        return set()
    row.vision_id, row.outcome_key, row.epci_id = vision.pk, key, vision.epci_id
    return {vision.epci_id}


DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


def _date(text: str, column: str, errors) -> date | None:
    text = text.strip()
    candidate = text[:10] if re.match(r"\d{4}-\d\d-\d\d[ T]", text) else text
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(candidate, pattern).date()
        except ValueError:
            continue
    errors.append(
        (column, f"Date illisible : « {text} » (jj/mm/aaaa ou aaaa-mm-jj)." if text else "La date manque.")
    )
    return None


def _value(text: str, column: str, row: services.Row, errors) -> None:
    text = text.strip()
    if text and fold(text) in NOT_PUBLISHED:
        row.is_secret = True
        return
    row.value = services.parse_decimal(text)
    if text and row.value is None:
        errors.append((column, f"Nombre illisible : « {text} »."))


def commit(result: UploadPreview, *, user=None, source=MeasurementSource.UPLOAD) -> dict:
    """Writes every measurement of an error-free preview, or none; the file is recorded (`UploadBatch`) in the same
    transaction. Returns {"créées", "mises à jour", "inchangées"}."""
    refuse_unless_clean(result.errors, len(result.rows), UploadError, "mesure")
    try:
        with transaction.atomic():
            batch = UploadBatch.objects.create(
                sha256=result.sha256, kind=MeasurementSource.UPLOAD, file_name=result.source[:300],
                rows=result.lines, epci_id=result.epci_id(), created_by=user,
            )  # fmt: skip
            return record_rows(result.rows, UploadError, source=source, user=user, batch=batch)
    except IntegrityError as exc:  # the same file committed meanwhile
        raise UploadError(already_imported(result.sha256) or "Ce fichier a déjà été importé.") from exc


def template_csv() -> str:
    from cooperer.core.exports import csv_text

    example = ["personnes_touchees", "123", "", "", "", "01/01/2025", "31/12/2025", "60", "25", "35", "", "40",
               "20", "", ""]  # fmt: skip
    return csv_text(TEMPLATE_COLUMNS, [example])
