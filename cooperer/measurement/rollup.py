"""Roll-up of results to the vision: what each vision element received (grants, actions, people reached) and
where each outcome of the theory of change stands (baseline, target, actuals over time, contributing actions).

Everything is read from running totals (`Rollup`), from the few measurements recorded on an outcome itself
and from grouped queries on grants, so that the number of queries does not grow with the data. Elements and
outcomes are followed by their lasting `key`: a revised vision keeps its results."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from cooperer.calls.models import Application, Grant, ServedElement
from cooperer.measurement.copil import OFF_TRACK, ON_TRACK, REACHED, STATUS_LABELS, UNKNOWN, outcome_status
from cooperer.measurement.models import EvidenceCitation, Measurement, OutcomeIndicator, Rollup
from cooperer.measurement.secrecy import SECRET, mask_value
from cooperer.measurement.services import cached
from cooperer.visions.enums import VersionStatus
from cooperer.visions.models import Outcome, Vision, VisionVersion
from cooperer.visions.services import current_version

PEOPLE = "personnes_touchees"


def followed_version(vision: Vision) -> VisionVersion | None:
    """The version whose results are followed: as on the vision's own pages, the draft being written if there is
    one, else the version in force; results follow elements and outcomes by their lasting key."""
    versions = list(vision.versions.all())
    return current_version(vision, versions) if versions else None


def _people_by_scope(scopes) -> dict[str, Decimal]:
    """People reached, all years together, per roll-up scope (one query)."""
    return dict(
        Rollup.objects.filter(scope__in=list(scopes), indicator__code=PEOPLE)
        .values_list("scope")
        .annotate(t=Sum("total"))
    )


def _gathered_rule(vision: Vision, prefix: str = "") -> Q:
    """Serving an element of a wider vision that gathers this vision's element, while acting in its QPV."""
    rule = Q(**{f"{prefix}element__gathers__version__vision": vision})
    if vision.qpv_id:
        rule &= Q(**{f"{prefix}application__qpvs": vision.qpv_id})
    return rule


def serving(vision: Vision, element_key: str, field: str = "pk") -> Q:
    """A rule on `field` (an application): the applications serving the element, directly or through a wider
    element that gathers it. One subquery for each way: a single one joining both would read every served element
    of the country (the OR of two joins defeats their indexes)."""
    direct = ServedElement.objects.filter(element__version__vision=vision, element__key=element_key)
    gathered = ServedElement.objects.filter(_gathered_rule(vision) & Q(element__gathers__key=element_key))
    return Q(**{f"{field}__in": direct.values("application_id")}) | Q(
        **{f"{field}__in": gathered.values("application_id")}
    )


NOTHING_GRANTED = {"actions": 0, "granted_actions": 0, "granted": Decimal(0)}


def _granted_by_key(vision: Vision) -> dict[str, dict]:
    """Per element key: actions serving it, those granted, and € granted (all funders), in three queries; cached
    until the data read here is written to (`services.cached`)."""
    return cached(f"granted-by-element:{vision.pk}", lambda: _granted(vision))


def _granted(vision: Vision) -> dict[str, dict]:
    served = ServedElement.objects.filter(Q(element__version__vision=vision) | _gathered_rule(vision))
    pairs = set(
        ServedElement.objects.filter(element__version__vision=vision).values_list(
            "application_id", "element__key"
        )
    )
    pairs |= set(
        ServedElement.objects.filter(_gathered_rule(vision)).values_list(
            "application_id", "element__gathers__key"
        )
    )
    totals = dict(
        Grant.objects.filter(decision__application__in=served.values("application_id"))
        .values_list("decision__application_id")
        .annotate(t=Sum("amount"))
    )
    result = {}
    for pair in pairs:
        row = result.setdefault(pair[1], dict(NOTHING_GRANTED))
        row["actions"] += 1
        if totals.get(pair[0]):
            row["granted_actions"] += 1
            row["granted"] += totals[pair[0]]
    return result


def _series(links) -> dict[tuple[int, str, int], dict[int, Decimal]]:
    """(vision id, outcome key, indicator id) → {year: value}: values recorded on the outcome itself (surveys,
    official figures), else the running total of the actions serving it for an additive indicator. Two queries
    for any number of outcomes, of one vision or several."""
    keys = {(link.vision_id, link.outcome_key) for link in links}
    indicator_ids = {link.indicator_id for link in links}
    series: dict[tuple[int, str, int], dict[int, Decimal]] = defaultdict(dict)
    rollups = Rollup.objects.filter(
        scope__in=[f"outcome:{vision_id}:{key}" for vision_id, key in keys], indicator_id__in=indicator_ids
    ).values_list("scope", "indicator_id", "year", "total")
    for scope, indicator_id, year, total in rollups:
        _, vision_id, key = scope.split(":")
        series[(int(vision_id), key, indicator_id)][year] = total
    direct = (
        Measurement.objects.validated()
        .filter(
            vision_id__in={v for v, _ in keys},
            outcome_key__in={k for _, k in keys},
            indicator_id__in=indicator_ids,
            value__isnull=False,
        )
        .order_by("period_end")
        .values_list("vision_id", "outcome_key", "indicator_id", "period_end", "value")
    )
    for vision_id, key, indicator_id, period_end, value in direct:
        series[(vision_id, key, indicator_id)][period_end.year] = value
    return series


def indicator_rows(links) -> list[dict]:
    """Each followed indicator of an outcome with its values per year, the latest one and where it stands."""
    series = _series(links)
    rows = []
    for link in links:
        years = series.get((link.vision_id, link.outcome_key, link.indicator_id), {})
        latest = max(years) if years else None
        actual = years.get(latest) if latest else None
        status = outcome_status(link, actual, latest) if latest else UNKNOWN
        rows.append(
            {
                "link": link,
                "indicator": link.indicator,
                "outcome_key": link.outcome_key,
                "years": sorted(years.items()),
                "latest_year": latest,
                "actual": actual,
                "status": status,
                "status_label": STATUS_LABELS[status],
            }
        )
    return rows


def contract_visions(contract):
    """The visions of a contract: its own, those that gather into them, and those of its QPVs."""
    return Vision.objects.filter(
        Q(contract=contract) | Q(parent__contract=contract) | Q(qpv__in=contract.qpvs.all())
    ).distinct()


def contract_outcomes(contract) -> list[dict]:
    """Every followed outcome indicator of the contract's visions, with the outcome's text (four queries)."""
    visions = list(contract_visions(contract).prefetch_related("versions"))
    links = list(
        OutcomeIndicator.objects.filter(vision__in=visions)
        .select_related("indicator", "vision")
        .order_by("pk")
    )
    rows = indicator_rows(links)
    versions = [current_version(v, list(v.versions.all())) for v in visions if v.versions.all()]
    texts = {
        (vision_id, key): text
        for vision_id, key, text in Outcome.objects.filter(version__in=versions).values_list(
            "version__vision_id", "key", "text"
        )
    }
    for row in rows:
        row["outcome_text"] = texts.get((row["link"].vision_id, row["outcome_key"]), "")
        row["vision"] = row["link"].vision
    return [row for row in rows if row["outcome_text"]]


PLAIN_STATUS = {ON_TRACK: "ça avance comme prévu", OFF_TRACK: "ça avance moins vite que prévu",
                REACHED: "objectif atteint", UNKNOWN: "trop tôt pour le dire"}  # fmt: skip


def public_outcomes(qpv) -> list[dict]:
    """For residents: the followed outcomes of the QPV's adopted vision, in plain words (five queries)."""
    adopted = list(
        VisionVersion.objects.filter(vision__qpv=qpv, status=VersionStatus.ADOPTED).order_by("-number")[:1]
    )
    if not adopted:
        return []
    texts = dict(adopted[0].outcomes.values_list("key", "text"))
    links = list(
        OutcomeIndicator.objects.filter(vision_id=adopted[0].vision_id, outcome_key__in=texts)
        .select_related("indicator")
        .order_by("pk")
    )
    rows = indicator_rows(links)
    for row in rows:
        row["outcome_text"] = texts[row["outcome_key"]]
        row["plain_status"] = PLAIN_STATUS[row["status"]]
        count = row["indicator"].is_count
        row["secret"] = row["actual"] is not None and mask_value(row["actual"], is_count=count) == SECRET
    return rows


def vision_follow_up(vision: Vision) -> dict:
    """The whole follow-up of a vision: its elements with € and people, its outcomes with their indicators and
    status, its assumptions with the evidence cited. About ten queries whatever the data."""
    version = followed_version(vision)
    if version is None:
        return {"version": None, "elements": [], "outcomes": [], "assumptions": []}
    elements = list(version.elements.all())
    outcomes = list(version.outcomes.select_related("element"))
    assumptions = list(version.assumptions.select_related("outcome"))
    links = list(OutcomeIndicator.objects.filter(vision=vision).select_related("indicator"))
    rows = indicator_rows(links)
    by_outcome = defaultdict(list)
    for row in rows:
        by_outcome[row["outcome_key"]].append(row)
    granted = _granted_by_key(vision)
    people = _people_by_scope(f"element:{vision.pk}:{e.key}" for e in elements)
    cited = dict(
        EvidenceCitation.objects.filter(vision=vision).values_list("assumption_key").annotate(n=Count("pk"))
    )
    return {
        "version": version,
        "elements": [
            {
                "element": e,
                **granted.get(e.key, NOTHING_GRANTED),
                "people": people.get(f"element:{vision.pk}:{e.key}", Decimal(0)),
            }
            for e in elements
        ],
        "outcomes": [{"outcome": o, "indicators": by_outcome.get(o.key, [])} for o in outcomes],
        "assumptions": [{"assumption": a, "citations": cited.get(a.key, 0)} for a in assumptions],
    }


def find(version: VisionVersion, kind: str, key: str):
    """The element, outcome or assumption of `version` with that lasting key, or None."""
    manager = {"element": version.elements, "outcome": version.outcomes, "assumption": version.assumptions}[
        kind
    ]
    return manager.filter(key=key).first()


def contributing_actions(vision: Vision, element_key: str):
    """The applications that serve the element (of any version of the vision), newest first; a queryset to
    paginate (`with_people` adds what a page's actions were granted and reached)."""
    return (
        Application.objects.filter(serving(vision, element_key))
        .select_related("applicant", "call", "decision")
        .only("pk", "title", "applicant__name", "call__name", "decision__outcome")
        .order_by("-pk")
    )


def with_people(applications) -> list:
    """Sets `people` (people reached, all years) and `granted` (all funders) on each application of a page (two
    queries)."""
    applications = list(applications)
    people = _people_by_scope(f"application:{a.pk}" for a in applications)
    granted = dict(
        Grant.objects.filter(decision__application__in=[a.pk for a in applications])
        .values_list("decision__application_id")
        .annotate(t=Sum("amount"))
    )
    for application in applications:
        application.people = people.get(f"application:{application.pk}", Decimal(0))
        application.granted = granted.get(application.pk)
    return applications


def element_years(vision: Vision, element_key: str) -> list[dict]:
    """Per year, for the element: € granted (by decision year) and people reached."""
    granted = dict(
        Grant.objects.filter(serving(vision, element_key, "decision__application"))
        .values_list("decision__decided_on__year")
        .annotate(t=Sum("amount"))
    )
    people = dict(
        Rollup.objects.filter(scope=f"element:{vision.pk}:{element_key}", indicator__code=PEOPLE)
        .values_list("year")
        .annotate(t=Sum("total"))
    )
    return [
        {"year": y, "granted": granted.get(y) or Decimal(0), "people": people.get(y) or Decimal(0)}
        for y in sorted(set(granted) | set(people))
    ]


def outcome_detail(vision: Vision, outcome) -> dict:
    links = list(
        OutcomeIndicator.objects.filter(vision=vision, outcome_key=outcome.key).select_related("indicator")
    )
    return {"indicators": indicator_rows(links)}


def citable_measurements(vision: Vision, assumption, limit: int = 200) -> list:
    """Measurements an assumption may cite, newest first: those recorded on the vision's outcomes, and the
    results of the actions serving the element of the assumption's outcome."""
    rule = Q(vision=vision)
    if assumption.outcome_id and assumption.outcome.element_id:
        rule |= serving(vision, assumption.outcome.element.key, "application")
    queryset = Measurement.objects.validated().filter(rule).select_related("indicator", "application")
    return list(queryset.order_by("-period_end", "indicator__name").distinct()[:limit])
