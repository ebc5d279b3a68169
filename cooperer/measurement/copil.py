"""The COPIL dashboard of a contract: trends and alerts, read from running totals (`Rollup`) and grouped queries
only, so that the number of queries does not grow with the data."""

import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from cooperer.accounts.enums import Role
from cooperer.accounts.permissions import can_animate_contract, roles_of
from cooperer.calls.models import Grant
from cooperer.measurement.enums import BilanStatus, Polarity
from cooperer.measurement.models import Bilan, Rollup
from cooperer.measurement.services import cached

ON_TRACK, OFF_TRACK, REACHED, UNKNOWN = "on_track", "off_track", "reached", "unknown"
STATUS_LABELS = {
    ON_TRACK: "En bonne voie", OFF_TRACK: "En retard sur la trajectoire", REACHED: "Cible atteinte",
    UNKNOWN: "Pas assez de données",
}  # fmt: skip


DEFAULT_MAP_INDICATOR = "taux_pauvrete"
FIRST_REPORT_YEAR = 2024


def report_years(today=None) -> list[int]:
    """The years a report may be generated for: from the first contracts' year to the current one."""
    today = today or datetime.date.today()
    return list(range(today.year, FIRST_REPORT_YEAR - 1, -1))


def can_generate_report(user, contract) -> bool:
    """The animation of the contract (and administrators) generates its reports; instructors read them."""
    return can_animate_contract(user, contract)


def can_read_dashboard(user, contract) -> bool:
    """Animatrices of the pilot EPCI and administrators; instructors of the EPCI read it too."""
    if can_animate_contract(user, contract):
        return True
    return any(a.role == Role.INSTRUCTION and a.epci_id == contract.pilot_epci_id for a in roles_of(user))


def outcome_status(link, actual, year) -> str:
    """Where an outcome stands in `year` given the latest `actual` value: the expected value on the straight
    path from (baseline_year, baseline) to (target_year, target) is compared with `actual`, in the direction of
    the indicator's polarity. Returns REACHED, ON_TRACK, OFF_TRACK or UNKNOWN (no baseline/target/actual, or a
    neutral polarity)."""
    if None in (actual, link.baseline, link.target, link.baseline_year, link.target_year):
        return UNKNOWN
    polarity = link.indicator.polarity
    if polarity == Polarity.NEUTRAL:
        return UNKNOWN
    actual, baseline, target = Decimal(actual), Decimal(link.baseline), Decimal(link.target)
    span = link.target_year - link.baseline_year
    share = (
        Decimal(1)
        if span <= 0
        else min(max(Decimal(year - link.baseline_year) / span, Decimal(0)), Decimal(1))
    )
    expected = baseline + (target - baseline) * share
    sign = 1 if polarity == Polarity.UP else -1
    if sign * (actual - target) >= 0:
        return REACHED
    return ON_TRACK if sign * (actual - expected) >= 0 else OFF_TRACK


def trends(contract) -> list[dict]:
    """Per year: € granted (all funders), people reached, bilans approved; cached until the data read is written to."""
    return cached(f"copil-trends:{contract.pk}", lambda: _trends(contract))


def _trends(contract) -> list[dict]:
    granted = dict(
        Grant.objects.filter(decision__application__call__contract=contract)
        .annotate(y=ExtractYear("decision__decided_on"))
        .values_list("y")
        .annotate(t=Sum("amount"))
    )
    people = dict(
        Rollup.objects.filter(scope=f"contract:{contract.pk}", indicator__code="personnes_touchees")
        .values_list("year")
        .annotate(t=Sum("total"))
    )
    approved = dict(
        Bilan.objects.filter(application__call__contract=contract, status=BilanStatus.APPROVED)
        .annotate(y=ExtractYear("period_end"))
        .values_list("y")
        .annotate(n=Count("pk"))
    )
    years = sorted(set(granted) | set(people) | set(approved))
    return [
        {
            "year": y,
            "granted": granted.get(y) or 0,
            "people": people.get(y) or 0,
            "approved": approved.get(y, 0),
        }
        for y in years
    ]


def alerts(contract, today=None, limit=50) -> dict:
    """Late bilans (not filed after their due date) and returned bilans waiting for the structure."""
    today = today or datetime.date.today()
    mine = Bilan.objects.filter(application__call__contract=contract).select_related("application__applicant")
    late = mine.filter(status__in=[BilanStatus.EXPECTED, BilanStatus.DRAFT], due_on__lt=today).order_by(
        "due_on"
    )
    returned = mine.filter(status=BilanStatus.RETURNED).order_by("due_on")
    return {"late": list(late[:limit]), "returned": list(returned[:limit])}
