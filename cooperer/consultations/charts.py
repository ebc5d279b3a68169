"""The charts of the analysis and synthesis pages: counted in SQL (one grouped query each, whatever the
number of contributions) and laid out here as SVG geometry, so that the templates only place it and the same
numbers feed the table that goes with every chart (and the PDF)."""

import calendar
import datetime
from collections import Counter

from django.db.models import Case, Count, DateField, OuterRef, Subquery, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import dateformat

from cooperer.consultations.enums import Audience, ContributionSource
from cooperer.consultations.models import ContributionTag

WEEKLY_UP_TO_MONTHS = 4  # a consultation of four months or less is read week by week, a longer one by month
MAX_WEEKS = 26  # contributions dated far outside a short consultation: months keep the chart readable
TREND_THEMES = 5  # the most frequent themes get their own colour; the rest are « Autres thèmes »
# Distinct on white (3:1 at least) and from the audience colours of the theme chart.
THEME_FILLS = ["#0072b2", "#c04f00", "#007a5e", "#a2487f", "#7d6400"]
# Their keys are tuples, so that no theme name (a string) can take their place.
OTHERS = {"key": ("autres",), "label": "Autres thèmes", "fill": "#5f6670", "stroke": "#ffffff"}
UNCLASSIFIED = {
    "key": ("sans thème",),
    "label": "Pas encore classées",
    "fill": "#c9ced6",
    "stroke": "#4a5260",
}


def theme_chart(consultation, qpv=None) -> dict:
    """Themes by audience, counted from the tags in the database (so every bar is traceable)."""
    tags = ContributionTag.objects.filter(
        contribution__consultation=consultation, contribution__hidden_at__isnull=True
    )
    if qpv is not None:
        tags = tags.filter(contribution__qpv=qpv)
    counts = tags.values_list("theme__name", "contribution__audience").annotate(n=Count("pk"))
    audiences = [a for a in Audience if any(aud == a.value for _, aud, _ in counts)]
    table: dict[str, dict[str, int]] = {}
    for theme, audience, n in counts:
        table.setdefault(theme, {})[audience] = n
    rows = sorted(table.items(), key=lambda item: -sum(item[1].values()))
    biggest = max((n for _, by in rows for n in by.values()), default=1)
    bar_height, gap, label_width, width = 12, 10, 250, 640
    chart_rows, y = [], 10
    for theme, by in rows:
        bars = []
        for index, audience in enumerate(audiences):
            n = by.get(audience.value, 0)
            bars.append(
                {
                    "audience": audience,
                    "n": n,
                    "x": label_width,
                    "y": y + index * bar_height,
                    "width": round((width - label_width - 40) * n / biggest, 1),
                    "css": f"chart-bar--{audience.value}",
                }
            )
        chart_rows.append({"theme": theme, "y": y, "label_y": y + bar_height * len(audiences) / 2 + 4, "bars": bars,
                           "counts": [by.get(a.value, 0) for a in audiences], "total": sum(by.values())})  # fmt: skip
        y += bar_height * max(1, len(audiences)) + gap
    return {"audiences": audiences, "rows": chart_rows, "height": y + 10, "width": width}


# -- contributions over time ---------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def trend_period(consultation) -> str:
    """« week » when the consultation lasts four months or less, « month » otherwise."""
    short = consultation.ends_on <= add_months(consultation.starts_on, WEEKLY_UP_TO_MONTHS)
    return "week" if short else "month"


def period_start(day: datetime.date, period: str) -> datetime.date:
    if period == "week":
        return day - datetime.timedelta(days=day.weekday())  # weeks start on Monday, as in France
    return day.replace(day=1)


def next_period(start: datetime.date, period: str) -> datetime.date:
    return start + datetime.timedelta(days=7) if period == "week" else add_months(start, 1)


def period_label(start: datetime.date, period: str, with_year: bool = False) -> str:
    """« semaine du 2 mars », « semaine du 1er mars 2027 » (with_year), « mars 2026 »."""
    if period == "month":
        return dateformat.format(start, "F Y")
    day = "1er" if start.day == 1 else str(start.day)
    return f"semaine du {day} {dateformat.format(start, 'F Y' if with_year else 'F')}"


def said_on():
    """The day a contribution was said: its session's for what was typed or imported afterwards (a workshop's
    post-its), the day it was sent for the public form (and for what has no session)."""
    sent = TruncDate("created_at")
    return Case(
        When(source=ContributionSource.FORM, then=sent),
        default=Coalesce("session__date", sent),
        output_field=DateField(),
    )


def trend_counts(contributions) -> list[tuple[datetime.date, str | None, int]]:
    """(day, best theme or None, contributions): one query grouped by day and theme, so the rows grow with
    the days of the consultation, not with its contributions. The best theme is the tag with the best score
    (a contribution has one tag, unless it was given several by hand)."""
    best_theme = Subquery(
        ContributionTag.objects.filter(contribution=OuterRef("pk"))
        .order_by("-score", "pk")
        .values("theme__name")[:1]
    )
    rows = (
        contributions.annotate(day=said_on(), best_theme=best_theme)
        .values_list("day", "best_theme")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(day, theme, n) for day, theme, n in rows if day is not None]


def _series(counts) -> tuple[list[dict], dict]:
    """The most frequent themes, then « Autres thèmes » and « Pas encore classées » when there are any."""
    by_theme: Counter[str | None] = Counter()
    for _, theme, n in counts:
        by_theme[theme] += n
    named = sorted((theme for theme in by_theme if theme is not None), key=lambda t: (-by_theme[t], t))
    series = [
        {"key": theme, "label": theme, "fill": fill, "stroke": "#ffffff"}
        for theme, fill in zip(named[:TREND_THEMES], THEME_FILLS, strict=False)
    ]
    key_of = {theme: theme for theme in named[:TREND_THEMES]}
    key_of |= dict.fromkeys(named[TREND_THEMES:], OTHERS["key"])
    key_of[None] = UNCLASSIFIED["key"]
    if len(named) > TREND_THEMES:
        series.append(OTHERS)
    if None in by_theme:
        series.append(UNCLASSIFIED)
    return series, key_of


def trend_chart(consultation, qpv=None) -> dict:
    """Contributions per week or per month, stacked by theme: one row per period, oldest first, empty
    periods included so that a pause shows."""
    contributions = consultation.contributions.visible()
    if qpv is not None:
        contributions = contributions.filter(qpv=qpv)
    counts = trend_counts(contributions)
    period = trend_period(consultation)
    days = [day for day, _, _ in counts]
    if days and period == "week" and (max(days) - min(days)).days > 7 * MAX_WEEKS:
        period = "month"
    series, key_of = _series(counts)
    grid: dict[datetime.date, Counter] = {}
    for day, theme, n in counts:
        grid.setdefault(period_start(day, period), Counter())[key_of[theme]] += n
    starts = []
    if grid:
        start, last = min(grid), max(grid)
        while start <= last:
            starts.append(start)
            start = next_period(start, period)
    with_year = bool(starts) and starts[0].year != starts[-1].year
    biggest = max((sum(by.values()) for by in grid.values()), default=1)
    bar_height, gap, label_width, width = 14, 8, 180, 640
    scale = (width - label_width - 50) / biggest
    rows, y = [], 10
    for start in starts:
        by = grid.get(start, Counter())
        x, segments = label_width, []
        for item in series:
            n = by[item["key"]]
            if n:
                segments.append({**item, "n": n, "x": round(x, 1), "width": round(n * scale, 1)})
                x += n * scale
        rows.append({"label": period_label(start, period, with_year), "y": y,
                     "label_y": y + bar_height - 3, "segments": segments, "end_x": round(x + 4, 1),
                     "counts": [by[item["key"]] for item in series], "total": sum(by.values())})  # fmt: skip
        y += bar_height + gap
    return {
        "period": period,
        "per": "par semaine" if period == "week" else "par mois",
        "period_name": "Semaine" if period == "week" else "Mois",
        "series": series,
        "rows": rows,
        "bar_height": bar_height,
        "label_x": label_width - 8,
        "height": y + 10,
        "width": width,
    }
