"""« On prouve que ça marche » : does cooperation produce results? Figures per year for a contract, a community of
action or a QPV, computed from the platform's own data (the directory's dated links, applications and their
partners, consortium merges, decisions and grants, consultations, bilans), with a comparison with the territories
that do not use the method when they have data. Every figure is read by grouped queries: the number of queries is
the same whatever the size of the data (docs/measurement.md, « Preuves »)."""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone

from cooperer.accounts.enums import Role
from cooperer.accounts.permissions import is_platform_admin, roles_of
from cooperer.actors import network
from cooperer.actors.models import Structure
from cooperer.analysis.network import metrics_over_time
from cooperer.calls.enums import ApplicationStatus, PartnerRole
from cooperer.calls.models import Application, Decision, Grant, Partner, ServedElement
from cooperer.communities.models import Community, Membership
from cooperer.consultations.charts import said_on
from cooperer.consultations.enums import Audience
from cooperer.consultations.models import Contribution, Session
from cooperer.measurement import secrecy
from cooperer.measurement.models import Bilan
from cooperer.measurement.services import cached
from cooperer.territories.models import ContratDeVille, Qpv
from cooperer.visions.models import Vision

FIRST_YEAR = 2024  # the contrats de ville « Engagements Quartiers 2030 » start in 2024
RESIDENTS = [Audience.RESIDENTS, Audience.YOUTH]  # people who live in the neighbourhood, young or not
PEOPLE_FIGURES = {"resident_contributions", "resident_participants"}  # counts of people, under secrecy
TITLE = "Preuves : la coopération produit-elle des résultats ?"


@dataclass(frozen=True)
class Scope:
    """What a figure counts: the applications (a filter on Application), the structures of the network (a
    queryset of their ids), the consultations (a filter valid on Contribution and on Session, which both have
    `consultation` and `qpv`), and the EPCIs whose users follow the scope."""

    kind: str
    label: str
    applications: Q
    structures: object
    consultations: Q
    epci_ids: frozenset
    first_year: int = FIRST_YEAR
    cache_key: str = ""  # names the scope's figures in the cache (core.stamps); empty: not cached


def contract_scope(contract) -> Scope:
    communes, qpvs = contract.communes.values("pk"), contract.qpvs.values("pk")
    return Scope(
        kind="contract",
        label=contract.name,
        applications=Q(call__contract=contract),
        structures=Structure.objects.filter(Q(commune__in=communes) | Q(qpvs__in=qpvs)).values("pk"),
        consultations=Q(consultation__contract=contract) | Q(qpv__in=qpvs),
        epci_ids=frozenset([contract.pilot_epci_id]),
        first_year=contract.start_year,
        cache_key=f"contract:{contract.pk}",
    )


def community_scope(community) -> Scope:
    """A community counts its members (all who ever joined), the applications they carry and the
    consultations of its QPVs."""
    members = Membership.objects.filter(community=community).values("structure")
    return Scope(
        kind="community",
        label=community.name,
        applications=Q(applicant__in=members),
        structures=Structure.objects.filter(pk__in=members).values("pk"),
        consultations=Q(qpv__in=community.qpvs.values("pk")),
        epci_ids=frozenset([community.epci_id]),
        cache_key=f"community:{community.pk}",
    )


def qpv_scope(qpv) -> Scope:
    in_qpv = Application.qpvs.through.objects.filter(qpv=qpv).values("application")
    return Scope(
        kind="qpv",
        label=qpv.name,
        applications=Q(pk__in=in_qpv),
        structures=Structure.objects.filter(qpvs=qpv).values("pk"),
        consultations=Q(qpv=qpv),
        epci_ids=frozenset(qpv.communes.exclude(epci=None).values_list("epci", flat=True)),
        cache_key=f"qpv:{qpv.pk}",
    )


def _contracts_without_method():
    """Contracts whose territory has neither a community of action nor a vision."""
    return ContratDeVille.objects.exclude(pilot_epci__in=Community.objects.values("epci")).exclude(
        pilot_epci__in=Vision.objects.values("epci")
    )


def _qpvs_without_method():
    return Qpv.objects.exclude(pk__in=Community.qpvs.through.objects.values("qpv")).exclude(
        pk__in=Vision.objects.exclude(qpv=None).values("qpv")
    )


def comparison_scope(scope: Scope) -> Scope:
    """The territories that do not use the method, at the same level: QPVs with no community of action and no
    vision for a QPV, contracts whose EPCI has neither for a contract or a community."""
    if scope.kind == "qpv":
        qpvs = _qpvs_without_method().values("pk")
        in_qpvs = Application.qpvs.through.objects.filter(qpv__in=qpvs).values("application")
        return Scope(
            kind="comparison",
            label="QPV sans communauté d'action ni vision",
            applications=Q(pk__in=in_qpvs),
            structures=Structure.objects.filter(qpvs__in=qpvs).values("pk"),
            consultations=Q(qpv__in=qpvs),
            epci_ids=frozenset(),
            cache_key="without-method:qpv",
        )
    contracts = _contracts_without_method()
    return Scope(
        kind="comparison",
        label="Contrats de ville sans communauté d'action ni vision",
        applications=Q(call__contract__in=contracts.values("pk")),
        structures=Structure.objects.filter(
            commune__in=ContratDeVille.communes.through.objects.filter(contratdeville__in=contracts).values(
                "commune"
            )
        ).values("pk"),
        consultations=Q(consultation__contract__in=contracts.values("pk")),
        epci_ids=frozenset(),
        cache_key="without-method:contract",
    )


def follows(user, scope: Scope) -> bool:
    """Administrators, and the animatrices and instructors of the scope's EPCI, see exact figures."""
    if is_platform_admin(user):
        return True
    return any(
        a.role in (Role.ANIMATION, Role.INSTRUCTION) and a.epci_id in scope.epci_ids for a in roles_of(user)
    )


# -- the figures, one grouped query each ---------------------------------------------------------------------


def programme_year(prefix: str = ""):
    """The year of an action: the year it starts, or the next one when it starts from July (a school year
    September–August counts for the year it ends in)."""
    starts = f"{prefix}starts_on"
    return ExtractYear(starts) + Case(When(**{f"{starts}__month__gte": 7}, then=Value(1)), default=Value(0))


def _scoped_applications(scope: Scope):
    return Application.objects.filter(scope.applications)


def _share(part, whole):
    return part / whole if whole else None


def application_figures(scope: Scope) -> dict[int, dict]:
    """Per programme year: applications filed (not drafts, not merged), carried with partners, consortia
    (applications into which others were merged), merged applications, co-carried actions (a co-porteur)."""
    rows = (
        _scoped_applications(scope)
        .exclude(status=ApplicationStatus.DRAFT)
        .annotate(
            year=programme_year(),
            has_partners=Exists(
                Partner.objects.filter(application=OuterRef("pk")).exclude(role=PartnerRole.FUNDER)
            ),
            has_co_lead=Exists(Partner.objects.filter(application=OuterRef("pk"), role=PartnerRole.CO_LEAD)),
            absorbed_others=Exists(Application.objects.filter(merged_into=OuterRef("pk"))),
        )
        .values("year")
        .annotate(
            applications=Count("pk", filter=~Q(status=ApplicationStatus.MERGED)),
            with_partners=Count("pk", filter=Q(has_partners=True) & ~Q(status=ApplicationStatus.MERGED)),
            consortia=Count("pk", filter=Q(absorbed_others=True) & ~Q(status=ApplicationStatus.MERGED)),
            co_led=Count("pk", filter=Q(has_co_lead=True) & ~Q(status=ApplicationStatus.MERGED)),
            merged=Count("pk", filter=Q(status=ApplicationStatus.MERGED)),
        )
        .order_by()
    )
    figures = {}
    for row in rows:
        total = row["applications"]
        figures[row.pop("year")] = {
            **row,
            "with_partners_share": _share(row["with_partners"], total),
            "consortium_share": _share(row["consortia"], total),
            "co_led_share": _share(row["co_led"], total),
        }
    return figures


def grant_figures(scope: Scope) -> dict[int, dict]:
    """Per programme year: € granted, and € granted to actions that serve at least one vision element."""
    rows = (
        Grant.objects.filter(decision__application__in=_scoped_applications(scope))
        .annotate(
            year=programme_year("decision__application__"),
            aligned=Exists(ServedElement.objects.filter(application=OuterRef("decision__application"))),
        )
        .values_list("year", "aligned")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    figures: dict[int, dict] = {}
    for year, aligned, total in rows:
        row = figures.setdefault(year, {"granted": 0, "aligned": 0})
        row["granted"] += total
        row["aligned"] += total if aligned else 0
    for row in figures.values():
        row["aligned_share"] = _share(row["aligned"], row["granted"])
    return figures


def decision_delays(scope: Scope) -> dict[int, dict]:
    """Per programme year: decisions taken and the median number of days from submission to decision. The
    median is not portable SQL: one query reads two dates per decision and Python takes the median."""
    rows = (
        Decision.objects.filter(
            application__in=_scoped_applications(scope), application__submitted_at__isnull=False
        )
        .annotate(year=programme_year("application__"))
        .values_list("year", "application__submitted_at", "decided_on")
        .order_by()
    )
    days: dict[int, list[int]] = {}
    for year, submitted_at, decided_on in rows.iterator():
        days.setdefault(year, []).append(max((decided_on - timezone.localdate(submitted_at)).days, 0))
    return {year: {"decisions": len(v), "median_days": statistics.median(v)} for year, v in days.items()}


def bilan_figures(scope: Scope, today=None) -> dict[int, dict]:
    """Per year of the end of the financed year: bilans due by today or already filed, and those filed on or
    before their due date. A bilan not yet due and not filed does not count."""
    today = today or timezone.localdate()
    rows = (
        Bilan.objects.filter(application__in=_scoped_applications(scope))
        .filter(Q(due_on__lt=today) | Q(submitted_at__isnull=False))
        .annotate(year=ExtractYear("period_end"))
        .values("year")
        .annotate(
            bilans_due=Count("pk"),
            bilans_on_time=Count(
                "pk", filter=Q(submitted_at__isnull=False, submitted_at__date__lte=F("due_on"))
            ),
        )
        .order_by()
    )
    return {
        row.pop("year"): {**row, "on_time_share": _share(row["bilans_on_time"], row["bilans_due"])}
        for row in rows
    }


def participation_figures(scope: Scope) -> dict[int, dict]:
    """Per year the contribution was said: visible contributions, those of residents (habitants, jeunes), and
    the residents counted at the consultation sessions where attendance was recorded (a headcount per session:
    the platform keeps no identity, so someone who came twice counts twice)."""
    rows = (
        Contribution.objects.visible()
        .filter(scope.consultations)
        .annotate(year=ExtractYear(said_on()))
        .values("year")
        .annotate(
            contributions=Count("pk"), resident_contributions=Count("pk", filter=Q(audience__in=RESIDENTS))
        )
        .order_by()
    )
    figures = {row.pop("year"): {**row, "resident_participants": None} for row in rows}
    sessions = Session.objects.filter(scope.consultations, audience__in=RESIDENTS).exclude(attendance={})
    for year, attendance in sessions.values_list("date__year", "attendance").iterator():
        row = figures.setdefault(
            year, {"contributions": 0, "resident_contributions": 0, "resident_participants": None}
        )
        row["resident_participants"] = (row["resident_participants"] or 0) + sum(
            int(n) for n in attendance.values()
        )
    for row in figures.values():
        row["resident_share"] = _share(row["resident_contributions"], row["contributions"])
    return figures


def network_figures(scope: Scope, years) -> dict[int, dict]:
    """Per calendar year: the structures of the scope, their ties active that year, the density (ties over
    possible pairs) and the share of ties between structures of different sectors. Two queries."""
    data = network.load_network(structure_ids=scope.structures)
    if not data.nodes:
        return {}
    periods = [(year, datetime.date(year, 1, 1), datetime.date(year, 12, 31)) for year in years]
    return {
        year: {
            "structures": metrics.node_count,
            "links": metrics.edge_count,
            "density": metrics.density,
            "cross_sector_links": round(metrics.cross_sector_share * metrics.edge_count),
            "cross_sector_share": metrics.cross_sector_share if metrics.edge_count else None,
        }
        for year, metrics in metrics_over_time(
            data.nodes, data.edges, periods, betweenness_samples=1, top_brokers=0
        )
    }


def years_of(scope: Scope, today=None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(min(scope.first_year, today.year), today.year + 1))


def yearly(scope: Scope, today=None) -> list[dict]:
    """One dict per year from the scope's first year to this year, every figure present (None: not measured);
    cached until the data read here is written to (`services.cached`)."""
    today = today or timezone.localdate()
    if not scope.cache_key:
        return _yearly(scope, today)
    return cached(f"proof:{scope.cache_key}:{today.isoformat()}", lambda: _yearly(scope, today))


def _yearly(scope: Scope, today) -> list[dict]:
    years = years_of(scope, today)
    parts = [
        application_figures(scope),
        grant_figures(scope),
        decision_delays(scope),
        bilan_figures(scope, today),
        participation_figures(scope),
        network_figures(scope, years),
    ]
    return [
        {"year": year, **EMPTY, **{k: v for part in parts for k, v in part.get(year, {}).items()}}
        for year in years
    ]


# Every figure a year carries: (key, label, format). The page, the report and the docs list them in this order.
FIGURES = [
    ("structures", "Structures du réseau", "count"),
    ("links", "Liens de coopération actifs", "count"),
    ("density", "Densité du réseau", "percent1"),
    ("cross_sector_links", "Liens entre structures de secteurs différents", "count"),
    ("cross_sector_share", "Part des liens entre secteurs différents", "percent"),
    ("applications", "Demandes déposées", "count"),
    ("with_partners", "Demandes portées avec des partenaires", "count"),
    ("with_partners_share", "Part des demandes portées avec des partenaires", "percent"),
    ("consortia", "Demandes en consortium", "count"),
    ("consortium_share", "Part des demandes en consortium", "percent"),
    ("merged", "Demandes concurrentes réunies en consortium", "count"),
    ("co_led", "Actions co-portées", "count"),
    ("co_led_share", "Part des actions co-portées", "percent"),
    ("contributions", "Contributions aux concertations", "count"),
    ("resident_contributions", "Contributions d'habitants et de jeunes", "count"),
    ("resident_share", "Part des contributions d'habitants et de jeunes", "percent"),
    ("resident_participants", "Habitants et jeunes comptés aux séances", "count"),
    ("granted", "Montants accordés", "money"),
    ("aligned", "Montants accordés à des actions qui servent la vision", "money"),
    ("aligned_share", "Part des montants alignée sur la vision", "percent"),
    ("decisions", "Décisions", "count"),
    ("median_days", "Délai médian du dépôt à la décision", "days"),
    ("bilans_due", "Bilans attendus", "count"),
    ("bilans_on_time", "Bilans déposés à temps", "count"),
    ("on_time_share", "Part des bilans déposés à temps", "percent"),
]
EMPTY = {key: None for key, _, _ in FIGURES}


def has_data(rows: list[dict]) -> bool:
    return any(row["applications"] or row["links"] or row["contributions"] for row in rows)


def comparison(scope: Scope, today=None) -> dict:
    """The same figures for the territories without the method, or the reason why there is no comparison."""
    other = comparison_scope(scope)
    rows = yearly(other, today)
    if not has_data(rows):
        return {
            "label": other.label,
            "rows": [],
            "reason": "Pas de comparaison possible : aucun territoire sans la méthode (ni communauté d'action ni "
            "vision) n'a de données sur la plateforme.",
        }
    return {"label": other.label, "rows": rows, "reason": ""}


def masked(rows: list[dict], exact: bool) -> list[dict]:
    """Counts of people from 1 to 10 become « secret » (and the share computed from them too), unless the
    reader follows the territory."""
    if exact:
        return rows
    shown = []
    for row in rows:
        row = dict(row)
        for key in PEOPLE_FIGURES:
            if row[key] is not None:
                row[key] = secrecy.mask_value(row[key], is_count=True)
        if row["resident_contributions"] == secrecy.SECRET:
            row["resident_share"] = secrecy.SECRET
        shown.append(row)
    return shown


def _number(value, decimals=0) -> str:
    return f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


def formatted(value, kind: str) -> str:
    """A figure as French text: « 42 % », « 161 500 € », « 32 jours », « secret », « — » when not measured."""
    if value is None:
        return "—"
    if value == secrecy.SECRET:
        return secrecy.SECRET
    if kind.startswith("percent"):
        return f"{_number(float(value) * 100, 1 if kind == 'percent1' else 0)} %"
    if kind == "money":
        return f"{_number(float(value))} €"
    if kind == "days":
        return f"{_number(float(value))} jour{'s' if value > 1 else ''}"
    return _number(float(value))


def report_section(contract, year) -> dict:
    """The « Preuves » section of a contract's annual report (`jobs_copil.extra_sections`): the year's figures as
    published (small counts of people masked), then the comparison, or why there is none."""
    scope = contract_scope(contract)
    today = max(timezone.localdate(), datetime.date(year, 12, 31))
    row = next(
        (r for r in masked(yearly(scope, today), exact=False) if r["year"] == year), {"year": year, **EMPTY}
    )
    rows = [[label, formatted(row[key], kind)] for key, label, kind in FIGURES]
    other = comparison(scope, today)
    if other["reason"]:
        rows.append(["Comparaison", other["reason"]])
    else:
        theirs = next(
            (r for r in masked(other["rows"], exact=False) if r["year"] == year), {"year": year, **EMPTY}
        )
        rows += [
            [f"{label} — {other['label']}", formatted(theirs[key], kind)] for key, label, kind in FIGURES
        ]
    return {"title": f"{TITLE} ({year})", "rows": rows}
