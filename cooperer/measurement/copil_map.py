"""The COPIL map: a contract's QPVs coloured by a chosen indicator, drawn on the real contours (ADR 006).

Context indicators take each QPV's latest published value; output indicators take the running total of the
actions acting in the QPV over the latest year. Values fall in four classes of equal counts (quartiles), each
named in the legend, and the table that follows gives every value: colour is never the only carrier."""

from decimal import Decimal

from django.db.models import Max

from cooperer.measurement.enums import IndicatorKind
from cooperer.measurement.models import Indicator, Measurement, Rollup
from cooperer.territories.services import contract_map

CLASSES = 4


def map_indicators(qpv_ids) -> list[Indicator]:
    """The indicators that have a value in at least one QPV of the contract (two queries)."""
    measured = set(
        Measurement.objects.filter(qpv_id__in=qpv_ids, value__isnull=False)
        .order_by()
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    rolled = set(
        Rollup.objects.filter(scope__in=[f"qpv:{pk}" for pk in qpv_ids])
        .order_by()
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    return list(Indicator.objects.filter(pk__in=measured | rolled).order_by("kind", "name"))


def qpv_values(indicator: Indicator, qpvs) -> tuple[dict[int, Decimal | None], int | None]:
    """QPV id → value (None when secret or missing), and the year shown."""
    ids = [q.pk for q in qpvs]
    if indicator.kind == IndicatorKind.CONTEXT or not indicator.additive:
        latest = (
            Measurement.objects.filter(indicator=indicator, qpv_id__in=ids)
            .order_by("qpv_id", "-period_end")
            .values_list("qpv_id", "period_end", "value", "is_secret")
        )
        values, year = {}, None
        for qpv_id, period_end, value, secret in latest:
            if qpv_id not in values:
                values[qpv_id] = None if secret else value
                year = max(year or 0, period_end.year)
        return values, year
    scopes = {f"qpv:{pk}": pk for pk in ids}
    year = Rollup.objects.filter(scope__in=scopes, indicator=indicator).aggregate(y=Max("year"))["y"]
    totals = Rollup.objects.filter(scope__in=scopes, indicator=indicator, year=year).values_list(
        "scope", "total"
    )
    return {scopes[scope]: total for scope, total in totals}, year


def _classes(values: list[Decimal]) -> list[tuple[Decimal, Decimal]]:
    """Up to four (low, high) bounds of classes of distinct values, with about as many values each."""
    distinct = sorted(set(values))
    n = len(distinct)
    groups = [distinct[c * n // CLASSES : (c + 1) * n // CLASSES] for c in range(CLASSES)]
    return [(group[0], group[-1]) for group in groups if group]


def coloured_map(contract, indicator: Indicator | None) -> dict:
    """The map (None without contours), its legend and the table rows."""
    qpvs = list(contract.qpvs.order_by("code").only("pk", "code", "name"))
    drawing = contract_map(contract, set())
    if indicator is None:
        return {"map": drawing, "legend": [], "rows": [], "year": None}
    values, year = qpv_values(indicator, qpvs)
    bounds = _classes([v for v in values.values() if v is not None])
    legend = [
        {
            "css": f"map-qpv--c{i + 1}",
            "low": low,
            "high": high,
            "label": _n(low) if low == high else f"de {_n(low)} à {_n(high)}",
        }
        for i, (low, high) in enumerate(bounds)
    ]
    legend.append({"css": "map-qpv--none", "label": "pas de valeur ou secret statistique"})

    def css(value):
        if value is None:
            return "map-qpv--none"
        return next((item["css"] for item in legend[:-1] if value <= item["high"]), legend[-2]["css"])

    by_code = {q.code: q for q in qpvs}
    rows = []
    for qpv in qpvs:
        value = values.get(qpv.pk)
        rows.append({"qpv": qpv, "value": value, "css": css(value)})
    if drawing:
        for shape in drawing["shapes"]:
            qpv = by_code.get(shape.key)
            if qpv is not None:
                shape.css_class = f"map-qpv {css(values.get(qpv.pk))}"
                shown = values.get(qpv.pk)
                shape.label = f"{shape.label} : {_n(shown) if shown is not None else 'pas de valeur'}"
    return {"map": drawing, "legend": legend, "rows": rows, "year": year}


def _n(value) -> str:
    number = Decimal(value).normalize()
    text = f"{number:,f}".replace(",", "\u202f").replace(".", ",")
    return text
