"""Writing measurements: every rule a value must meet, the natural key that makes a second import of the same
figures update rather than add, and the running totals (`Rollup`) moved by the difference on every validated
write, so that dashboards read totals instead of scanning measurements. Raises `MeasurementError` with every
problem found (line, column, French reason) and writes nothing when there is one."""

import calendar
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from cooperer.calls.enums import Outcome as DecisionOutcome
from cooperer.calls.models import Application
from cooperer.core import pagecache
from cooperer.core.text import fold
from cooperer.measurement.enums import DISAGGREGATION_CATEGORIES, IndicatorKind, Unit
from cooperer.measurement.models import Indicator, Measurement, Obligation, Rollup
from cooperer.visions.models import Element, Outcome

WHOLE_UNITS = {Unit.PEOPLE, Unit.COUNT, Unit.SESSIONS}
FUNDED = (DecisionOutcome.GRANTED, DecisionOutcome.PARTIAL)


class MeasurementError(Exception):
    """Problems that stop a write, each a dict with `line`, `column` and `reason`."""

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.errors = errors or []


@dataclass
class Row:
    """One value to write. `line` is where it was read (file line), for the error report."""

    indicator: Indicator
    value: Decimal | None
    period_start: date
    period_end: date
    qpv_id: int | None = None
    application: Application | None = None
    vision_id: int | None = None
    outcome_key: str = ""
    epci_id: int | None = None
    breakdown: dict = field(default_factory=dict)
    is_secret: bool = False
    source_label: str = ""
    line: int | None = None

    @property
    def scope_key(self) -> str:
        return Measurement.scope_for(
            qpv_id=self.qpv_id, application_id=self.application.pk if self.application else None,
            vision_id=self.vision_id, outcome_key=self.outcome_key, epci_id=self.epci_id,
        )  # fmt: skip


# What the dashboards and the proof figures read: their values are cached until one of these applications is
# written to, by any process (core/pagecache.py raises their stamps from the writes themselves).
FOLLOWS = ("territories", "actors", "communities", "consultations", "visions", "calls", "measurement")


def cached(key: str, compute):
    return pagecache.cached_value(FOLLOWS, f"mesure:{key}", compute)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_decimal(text) -> Decimal | None:
    """French or international number: « 1 234,5 », « 1234.5 », « 12 % » (the sign is left to the caller)."""
    if text is None:
        return None
    if isinstance(text, (int, float, Decimal)):
        return Decimal(str(text))
    cleaned = str(text).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    cleaned = cleaned.rstrip("%€").strip()
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    # Beyond what a measurement holds (16 digits, 4 of them decimals): not a figure of this platform.
    return value if value.is_finite() and value.adjusted() < 12 else None


def row_problems(
    row: Row, *, planned: set[int] | None = None, today: date | None = None
) -> list[tuple[str, str]]:
    """(column, reason) for everything wrong with one value. `planned`: indicator ids of the action's evaluation
    plan, when the value belongs to an action."""
    indicator, problems = row.indicator, []
    today = today or timezone.localdate()
    if row.period_end < row.period_start:
        problems.append(("periode", "La fin de la période précède son début."))
    elif row.period_start > today:
        problems.append(("periode", "La période n'a pas encore commencé : on ne mesure pas l'avenir."))
    application = row.application
    if application is not None:
        decision = getattr(application, "decision", None)
        if decision is None or decision.outcome not in FUNDED:
            problems.append(
                ("action", "Cette action n'a pas été financée : elle n'a pas de bilan ni de mesure.")
            )
        if row.period_start < application.starts_on or row.period_end > add_months(application.ends_on, 0):
            problems.append((
                "periode",
                f"La période sort de celle de l'action (du {application.starts_on:%d/%m/%Y} au "
                f"{application.ends_on:%d/%m/%Y}).",
            ))  # fmt: skip
        if planned is not None and indicator.pk not in planned:
            problems.append(
                ("indicateur", f"« {indicator.name} » ne figure pas au plan d'évaluation de l'action.")
            )
    if row.value is None:
        if not row.is_secret:
            problems.append(("valeur", "La valeur manque."))
        return problems
    problems.extend(("valeur", reason) for reason in value_problems(indicator, row.value))
    problems.extend(
        ("ventilation", reason) for reason in breakdown_problems(indicator, row.value, row.breakdown)
    )
    return problems


def value_problems(indicator: Indicator, value: Decimal) -> list[str]:
    problems = []
    if indicator.minimum is not None and value < indicator.minimum:
        problems.append(
            f"« {indicator.name} » ne peut pas être négatif."
            if indicator.minimum == 0
            else f"« {indicator.name} » ne descend pas sous {_n(indicator.minimum)}."
        )
    if indicator.maximum is not None and value > indicator.maximum:
        unit = "un pourcentage" if indicator.unit == Unit.PERCENT else f"« {indicator.name} »"
        problems.append(
            f"{unit.capitalize()} ne dépasse pas {_n(indicator.maximum)} : la valeur est-elle dans la "
            "bonne unité ?"
        )
    if indicator.unit in WHOLE_UNITS and value != value.to_integral_value():
        problems.append(
            f"« {indicator.name} » se compte en nombres entiers ({indicator.get_unit_display()})."
        )
    return problems


def breakdown_problems(indicator: Indicator, total: Decimal, breakdown: dict) -> list[str]:
    problems = []
    for axis, cells in (breakdown or {}).items():
        categories = DISAGGREGATION_CATEGORIES.get(axis)
        if categories is None or axis not in indicator.disaggregations:
            problems.append(f"« {indicator.name} » ne se ventile pas par « {axis} ».")
            continue
        unknown = sorted(set(cells) - set(categories))
        if unknown:
            problems.append(f"Catégories inconnues pour « {axis} » : {', '.join(unknown)}.")
            continue
        values = [parse_decimal(v) for v in cells.values()]
        if any(v is None or v < 0 or v != v.to_integral_value() for v in values):
            problems.append(f"La ventilation par {axis} doit compter des nombres entiers positifs.")
            continue
        if sum(values) != total:
            problems.append(
                f"La ventilation par {axis} ({_n(sum(values))}) ne fait pas le total ({_n(total)})."
            )
    return problems


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def planned_indicators(application_ids) -> dict[int, set[int]]:
    """The indicator ids of each action's evaluation plan (its obligations), in one query."""
    planned = defaultdict(set)
    rows = Obligation.objects.filter(bilan__application_id__in=list(application_ids)).values_list(
        "bilan__application_id", "indicator_id"
    )
    for application_id, indicator_id in rows:
        planned[application_id].add(indicator_id)
    return planned


def application_scopes(application_ids) -> dict[int, list[str]]:
    """The roll-up scopes each action's figures count in: itself, its contract and EPCI (once), each QPV it acts in,
    the vision elements it serves and the outcomes attached to them. An element of a wider vision (contract,
    commune) that gathers neighbourhood elements passes the action's figures down to the element of each
    neighbourhood the action acts in. Five queries whatever the number."""
    ids = list(application_ids)
    scopes = {
        pk: [f"application:{pk}", f"contract:{contract_id}", f"epci:{epci_id}"]
        for pk, contract_id, epci_id in Application.objects.filter(pk__in=ids).values_list(
            "pk", "call__contract_id", "call__epci_id"
        )
    }
    qpvs_of = defaultdict(set)
    for pk, qpv_id in Application.qpvs.through.objects.filter(application_id__in=ids).values_list(
        "application_id", "qpv_id"
    ):
        scopes[pk].append(f"qpv:{qpv_id}")
        qpvs_of[pk].add(qpv_id)
    served = list(
        Application.objects.filter(pk__in=ids, served__isnull=False).values_list(
            "pk", "served__element_id", "served__element__key", "served__element__version__vision_id"
        )
    )
    gathered = defaultdict(list)
    for parent_id, element_id, key, vision_id, qpv_id in Element.gathers.through.objects.filter(
        from_element_id__in={s[1] for s in served}
    ).values_list(
        "from_element_id", "to_element_id", "to_element__key", "to_element__version__vision_id",
        "to_element__version__vision__qpv_id",
    ):  # fmt: skip
        gathered[parent_id].append((element_id, key, vision_id, qpv_id))
    elements = defaultdict(list)
    for pk, element_id, key, vision_id in served:
        elements[pk].append((element_id, key, vision_id))
        elements[pk].extend(
            (child, child_key, child_vision)
            for child, child_key, child_vision, qpv_id in gathered[element_id]
            if qpv_id is None or qpv_id in qpvs_of[pk]
        )
    outcomes = defaultdict(list)
    for element_id, key, vision_id in Outcome.objects.filter(
        element_id__in={e[0] for served_by in elements.values() for e in served_by}
    ).values_list("element_id", "key", "version__vision_id"):
        outcomes[element_id].append(f"outcome:{vision_id}:{key}")
    for pk, served_by in elements.items():
        for element_id, key, vision_id in served_by:
            scopes[pk].append(f"element:{vision_id}:{key}")
            scopes[pk].extend(outcomes[element_id])
    return {pk: list(dict.fromkeys(keys)) for pk, keys in scopes.items()}


def _rollup_deltas(pairs, scopes_of) -> dict[tuple[str, int, int], tuple[Decimal, int]]:
    """(scope, indicator, year) → (Δtotal, Δcount) from (old, new) validated values of additive indicators."""
    deltas = defaultdict(lambda: [Decimal("0"), 0])
    for old, new in pairs:
        for measurement, sign in ((old, -1), (new, 1)):
            if measurement is None or not measurement.validated or measurement.value is None:
                continue
            if not measurement.indicator.additive or not measurement.application_id:
                continue
            for scope in scopes_of.get(measurement.application_id, ()):
                key = (scope, measurement.indicator_id, measurement.period_end.year)
                deltas[key][0] += sign * measurement.value
                deltas[key][1] += sign
    return {key: (total, count) for key, (total, count) in deltas.items() if total or count}


def apply_rollups(deltas: dict) -> None:
    """Moves the running totals by `deltas`, locking the rows it changes (PostgreSQL) so that two writers add up."""
    if not deltas:
        return
    by_scope = defaultdict(list)
    for scope, indicator_id, year in deltas:
        by_scope[scope].append((indicator_id, year))
    existing = {}
    scopes = list(by_scope)
    for start in range(0, len(scopes), 500):
        chunk = scopes[start : start + 500]
        for rollup in Rollup.objects.select_for_update().filter(scope__in=chunk):
            existing[(rollup.scope, rollup.indicator_id, rollup.year)] = rollup
    changed, created = [], []
    for key, (total, count) in deltas.items():
        rollup = existing.get(key)
        if rollup is None:
            created.append(Rollup(scope=key[0], indicator_id=key[1], year=key[2], total=total, count=count))
        else:
            rollup.total += total
            rollup.count += count
            changed.append(rollup)
    Rollup.objects.bulk_update(changed, ["total", "count"], batch_size=1000)
    Rollup.objects.bulk_create(created, batch_size=1000)


def problems(rows: list[Row], *, check_plan=True) -> list[dict]:
    """Every problem of a batch of rows ({"line", "column", "reason"}), without writing: what `record()` refuses.
    An import's preview shows them before anything is written."""
    applications = {row.application.pk for row in rows if row.application is not None}
    # Each rule reads the action's call and decision: fetched once for all the rows, not once per action.
    prefetch_related_objects(
        list({id(row.application): row.application for row in rows if row.application is not None}.values()),
        "call", "decision",
    )  # fmt: skip
    planned = planned_indicators(applications) if check_plan and applications else {}
    errors, seen = [], {}
    for index, row in enumerate(rows, start=1):
        line = row.line or index
        for column, reason in row_problems(
            row, planned=planned.get(row.application.pk, set()) if row.application and check_plan else None
        ):
            errors.append({"line": line, "column": column, "reason": reason})
        key = (row.indicator.pk, row.scope_key, row.period_start, row.period_end)
        if key in seen:
            errors.append({
                "line": line, "column": "indicateur",
                "reason": f"Même indicateur, même action ou lieu, même période qu'à la ligne {seen[key]}.",
            })  # fmt: skip
        seen.setdefault(key, line)
    return errors


@transaction.atomic
def record(
    rows: list[Row],
    *,
    source: str,
    user=None,
    batch=None,
    bilan=None,
    validated: bool = True,
    check_plan=True,
) -> dict:
    """Checks every row, then writes them all (or none). A row whose natural key (indicator, scope, period) is
    already measured replaces that value. Returns {"created", "updated", "unchanged"}."""
    errors = problems(rows, check_plan=check_plan)
    if errors:
        raise MeasurementError(f"{len(errors)} problème(s) : rien n'a été enregistré.", errors)
    applications = {row.application.pk for row in rows if row.application is not None}
    existing = _existing(rows)
    now = timezone.now()
    pairs, to_create, to_update = [], [], []
    unchanged = 0
    for row in rows:
        old = existing.get((row.indicator.pk, row.scope_key, row.period_start, row.period_end))
        fields = {
            "value": row.value, "is_secret": row.is_secret, "breakdown": row.breakdown or {},
            "source": source, "source_label": row.source_label[:300], "validated": validated,
        }  # fmt: skip
        if old is not None:
            if all(getattr(old, name) == value for name, value in fields.items()):
                unchanged += 1
                continue
            before = Measurement(
                indicator=old.indicator, application_id=old.application_id, value=old.value,
                period_end=old.period_end, validated=old.validated,
            )  # fmt: skip
            for name, value in fields.items():
                setattr(old, name, value)
            old.bilan, old.batch, old.recorded_by, old.recorded_at = bilan, batch, user, now
            to_update.append(old)
            pairs.append((before, old))
            continue
        measurement = Measurement(
            indicator=row.indicator, epci_id=epci_of(row), qpv_id=row.qpv_id, application=row.application,
            vision_id=row.vision_id, outcome_key=row.outcome_key, scope_key=row.scope_key,
            period_start=row.period_start, period_end=row.period_end, bilan=bilan, batch=batch,
            recorded_by=user, recorded_at=now, **fields,
        )  # fmt: skip
        to_create.append(measurement)
        pairs.append((None, measurement))
    _insert(to_create)
    Measurement.objects.bulk_update(
        to_update,
        ["value", "is_secret", "breakdown", "source", "source_label", "validated", "bilan", "batch",
         "recorded_by", "recorded_at"],
        batch_size=2000,
    )  # fmt: skip
    apply_rollups(_rollup_deltas(pairs, application_scopes(applications) if applications else {}))
    return {"created": len(to_create), "updated": len(to_update), "unchanged": unchanged}


def epci_of(row: Row):
    if row.epci_id:
        return row.epci_id
    if row.application is not None:
        return row.application.call.epci_id
    return None


EXISTING_FIELDS = (
    "pk", "scope_key", "period_start", "period_end", "value", "is_secret", "breakdown", "source", "source_label",
    "validated", "application_id",
)  # fmt: skip


def _existing(rows: list[Row]) -> dict:
    """The measurements already written under the rows' natural keys, read as plain values (no model per row
    of every period of the scopes: only the periods the rows name)."""
    keys, indicators, starts = defaultdict(set), {}, defaultdict(set)
    for row in rows:
        keys[row.indicator.pk].add(row.scope_key)
        starts[row.indicator.pk].add(row.period_start)
        indicators[row.indicator.pk] = row.indicator
    found = {}
    for indicator_id, scope_keys in keys.items():
        scope_list = sorted(scope_keys)
        for start in range(0, len(scope_list), 900):
            query = Measurement.objects.filter(
                indicator_id=indicator_id, scope_key__in=scope_list[start : start + 900]
            )
            if len(starts[indicator_id]) <= 50:
                query = query.filter(period_start__in=sorted(starts[indicator_id]))
            for values in query.values_list(*EXISTING_FIELDS).iterator(chunk_size=5000):
                fields = dict(zip(EXISTING_FIELDS, values, strict=True))
                measurement = Measurement(indicator=indicators[indicator_id], **fields)
                measurement._state.adding = False
                found[
                    (indicator_id, measurement.scope_key, measurement.period_start, measurement.period_end)
                ] = measurement
    return found


INSERT_FIELDS = (
    "indicator_id", "epci_id", "qpv_id", "application_id", "vision_id", "outcome_key", "scope_key", "period_start",
    "period_end", "value", "is_secret", "breakdown", "source", "source_label", "bilan_id", "batch_id", "validated",
    "recorded_by_id", "recorded_at",
)  # fmt: skip


def _insert(measurements: list[Measurement]) -> None:
    """One prepared INSERT executed for many rows: Django's bulk_create on SQLite is held to 999 parameters a
    statement (about fifty measurements), which made large imports slow."""
    if not measurements:
        return
    table = Measurement._meta.db_table
    columns = [Measurement._meta.get_field(name.removesuffix("_id")).column for name in INSERT_FIELDS]
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    value_field = Measurement._meta.get_field("value")
    with connection.cursor() as cursor:
        for start in range(0, len(measurements), 5000):
            params = []
            for m in measurements[start : start + 5000]:
                row = [getattr(m, name) for name in INSERT_FIELDS]
                row[9] = value_field.get_db_prep_save(m.value, connection)
                row[11] = json.dumps(m.breakdown or {})
                params.append(row)
            cursor.executemany(sql, params)


@transaction.atomic
def validate(measurements) -> int:
    """Marks measurements as validated (a bilan approved) and adds them to the running totals."""
    pending = [m for m in measurements if not m.validated]
    if not pending:
        return 0
    Measurement.objects.filter(pk__in=[m.pk for m in pending]).update(validated=True)
    pairs = []
    for measurement in pending:
        before = Measurement(
            indicator=measurement.indicator, application_id=measurement.application_id, value=measurement.value,
            period_end=measurement.period_end, validated=False,
        )  # fmt: skip
        measurement.validated = True
        pairs.append((before, measurement))
    applications = {m.application_id for m in pending if m.application_id}
    apply_rollups(_rollup_deltas(pairs, application_scopes(applications)))
    return len(pending)


# Indicators of an evaluation plan, typed freely by applicants, matched to the library by their words.
PLAN_SYNONYMS = {
    "personnes_touchees": ("personnes touchees", "participants", "nombre de participants", "beneficiaires",
                           "personnes accompagnees", "jeunes touches", "public touche"),
    "habitants_qpv_touches": ("habitants des qpv", "habitants qpv", "dont habitants des qpv", "habitants du quartier"),
    "seances": ("seances", "ateliers", "nombre d'ateliers", "seances realisees", "permanences"),
    "heures_accompagnement": ("heures d'accompagnement", "heures"),
    "partenaires_actifs": ("partenaires actifs", "partenaires mobilises", "nombre de partenaires"),
}  # fmt: skip


def match_plan_indicator(name: str, target_text: str, epci_id: int, library: dict | None = None) -> Indicator:
    """The library indicator an evaluation-plan line means, or a new indicator of the territory named after it.
    `library` (code → indicator of `Indicator.objects.for_epci(epci_id)`) saves reading it again for each line."""
    folded = fold(name).strip(" .")
    if library is None:
        library = {i.code: i for i in Indicator.objects.for_epci(epci_id)}
    for code, synonyms in PLAN_SYNONYMS.items():
        if code in library and (folded in synonyms or any(folded.startswith(s) for s in synonyms)):
            return library[code]
    for indicator in library.values():
        if fold(indicator.name) == folded:
            return indicator
    unit, additive, maximum = _unit_from(name, target_text)
    code = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")[:70] or "indicateur"
    indicator, _ = Indicator.objects.get_or_create(
        epci_id=epci_id, code=code,
        defaults={
            "name": name[:200], "kind": IndicatorKind.OUTPUT, "unit": unit, "additive": additive, "maximum": maximum,
            "definition": f"Indicateur du plan d'évaluation d'une action : « {name} ».",
            "source": "Bilans des actions financées (déclaratif, approuvé par le financeur)",
        },
    )  # fmt: skip
    return indicator


def _unit_from(name: str, target_text: str) -> tuple[str, bool, int | None]:
    words = fold(f"{name} {target_text}")
    if "%" in target_text or "taux" in words or "part " in words:
        return Unit.PERCENT, False, 100
    if re.search(r"personne|participant|jeune|habitant|famille|enfant|femme|beneficiaire|eleve", words):
        return Unit.PEOPLE, True, None
    if "heure" in words:
        return Unit.HOURS, True, None
    if re.search(r"seance|atelier|permanence|sortie", words):
        return Unit.SESSIONS, True, None
    return Unit.COUNT, True, None


def first_number(text: str) -> Decimal | None:
    match = re.search(r"\d[\d\s\u202f\xa0]*(?:[.,]\d+)?", text or "")
    return parse_decimal(match.group(0)) if match else None


def financed_years(application: Application) -> list[tuple[date, date]]:
    """The financed years of an action: a year from its start, the last one ending with the action."""
    periods, start = [], application.starts_on
    for index in range(application.years):
        end = add_months(start, 12) - timedelta(days=1)
        if index == application.years - 1 or end > application.ends_on:
            end = application.ends_on
        periods.append((start, end))
        start = end + timedelta(days=1)
        if start > application.ends_on:
            break
    return periods


@transaction.atomic
def delete_measurements(queryset) -> int:
    """Deletes measurements and takes their validated values out of the running totals."""
    doomed = list(queryset.select_related("indicator"))
    applications = {m.application_id for m in doomed if m.application_id}
    apply_rollups(_rollup_deltas([(m, None) for m in doomed], application_scopes(applications)))
    Measurement.objects.filter(pk__in=[m.pk for m in doomed]).delete()
    return len(doomed)
