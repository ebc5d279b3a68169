"""The chart of an outcome indicator, as plain numbers for an inline SVG: the values measured each year and the
straight path from the baseline to the target they are compared with (see `copil.outcome_status`). The page
shows the same numbers in a table."""

from decimal import Decimal

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 16, 36


def trajectory_chart(row: dict) -> dict | None:
    """`row`: an indicator row of `rollup.indicator_rows`. None when there is nothing to draw."""
    link, years = row["link"], row["years"]
    points = [(year, Decimal(value)) for year, value in years]
    planned = []
    if link.baseline is not None and link.baseline_year:
        planned.append((link.baseline_year, Decimal(link.baseline)))
    if link.target is not None and link.target_year:
        planned.append((link.target_year, Decimal(link.target)))
    everything = points + planned
    if not points:
        return None
    first = min(y for y, _ in everything)
    last = max(y for y, _ in everything)
    top = max(v for _, v in everything)
    bottom = min(Decimal(0), min(v for _, v in everything))
    top = top + (top - bottom) * Decimal("0.1") or Decimal(1)
    span_x = max(last - first, 1)

    def x(year):
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (year - first) / span_x, 1)

    def y(value):
        return round(float(TOP + (HEIGHT - TOP - BOTTOM) * (top - value) / (top - bottom)), 1)

    ticks = [{"value": v, "y": y(v)} for v in (bottom, (bottom + top) / 2, top)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "axis_y": HEIGHT - BOTTOM,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "years": [{"year": year, "x": x(year)} for year in range(first, last + 1)],
        "ticks": ticks,
        "points": [{"year": year, "value": value, "x": x(year), "y": y(value)} for year, value in points],
        "line": " ".join(f"{x(year)},{y(value)}" for year, value in points),
        "planned": " ".join(f"{x(year)},{y(value)}" for year, value in planned) if len(planned) == 2 else "",
    }
