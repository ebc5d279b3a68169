"""Statistical secrecy for small counts (docs/measurement.md).

The rule: a count of people between 1 and 10 is never shown publicly (« secret »), because so few people can be
recognised in a neighbourhood. In a breakdown (by sex, by age band…) whose total is shown, one masked cell could
be recomputed from the total and the other cells, so the next smallest non-zero cell is masked too (secondary
secrecy). Zero is shown. Rates and other non-count indicators are shown as published; a value the source itself
marked secret (`s`, `nd`, empty) stays masked everywhere. Inside the platform, the people who follow an action
(its structure, instructors, animation) see the exact figures."""

from decimal import Decimal

THRESHOLD = 11
SECRET = "secret"


def is_small(value) -> bool:
    return value is not None and 0 < Decimal(value) < THRESHOLD


def mask_value(value, *, is_count: bool):
    """The value, or SECRET when it must not be shown publicly."""
    if value is None:
        return SECRET
    if is_count and is_small(value):
        return SECRET
    return value


def mask_breakdown(cells: dict, *, is_count: bool = True) -> dict:
    """Masks small cells, and one more when a single cell would otherwise be recomputable from the total."""
    if not is_count:
        return dict(cells)
    masked = {key: (SECRET if is_small(value) else value) for key, value in cells.items()}
    hidden = [key for key, value in masked.items() if value == SECRET]
    if len(hidden) == 1:
        others = sorted(
            (Decimal(value), key)
            for key, value in cells.items()
            if key not in hidden and value and Decimal(value) > 0
        )
        if others:
            masked[others[0][1]] = SECRET
    return masked


def public_figure(value, *, is_count: bool, is_secret: bool = False) -> dict:
    """{"secret": bool, "value": Decimal | None} ready to show: SECRET rules applied, no exponent (2.8E+3)."""
    masked = SECRET if is_secret else mask_value(value, is_count=is_count)
    if masked == SECRET:
        return {"secret": True, "value": None}
    if isinstance(masked, Decimal):
        masked = masked.quantize(Decimal(1)) if masked == masked.to_integral_value() else masked.normalize()
    return {"secret": False, "value": masked}
