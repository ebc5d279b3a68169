"""What the pages of a vision show, read with a fixed number of queries whatever the number of elements,
outcomes, neighbourhood visions and linked contributions."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Subquery

from cooperer.consultations.enums import Audience
from cooperer.consultations.models import Contribution, Session
from cooperer.visions.enums import Horizon, Level, VersionStatus
from cooperer.visions.models import Assumption, Element, Grounding, Outcome, Vision, VisionVersion
from cooperer.visions.services import support

# The audiences a reader looks for first ("how many residents, professionals and young people").
MAIN_AUDIENCES = [Audience.RESIDENTS, Audience.PROFESSIONALS, Audience.YOUTH]


@dataclass
class Backing:
    """Who stands behind an element or an outcome."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def main(self) -> list[tuple[str, int]]:
        return [(audience.label.lower(), self.counts.get(audience.value, 0)) for audience in MAIN_AUDIENCES]

    @property
    def phrases(self) -> list[str]:
        """["3 habitants", "1 jeune"]: the main audiences that are there, as read."""
        return [f"{n} {label if n > 1 else label.removesuffix('s')}" for label, n in self.main if n]

    @property
    def others(self) -> int:
        return self.total - sum(n for _, n in self.main)


@dataclass
class VersionContent:
    version: VisionVersion
    elements: list[Element]
    outcomes: list[Outcome]
    links: list[tuple[int, int]]
    assumptions: list[Assumption]
    orphans: list[str]  # French sentences: what is not grounded or serves nothing


def version_content(version: VisionVersion) -> VersionContent:
    elements = list(
        version.elements.prefetch_related(
            Prefetch("gathers", queryset=Element.objects.select_related("version__vision").order_by("pk"))
        )
    )
    outcomes = list(version.outcomes.all())
    links = list(
        Outcome.leads_to.through.objects.filter(from_outcome__version=version).values_list(
            "from_outcome_id", "to_outcome_id"
        )
    )
    assumptions = list(version.assumptions.select_related("outcome").prefetch_related("changes__by"))
    backing = support(version)
    for element in elements:
        element.backing = Backing(backing["elements"].get(element.pk, {}))
    for outcome in outcomes:
        outcome.backing = Backing(backing["outcomes"].get(outcome.pk, {}))
    orphans = []
    for position, element in enumerate(elements, start=1):
        if not element.backing.total:
            orphans.append(
                f"L'élément n° {position} (« {element.text or 'vide'} ») ne s'appuie sur aucune contribution."
            )
    for outcome in outcomes:
        if not outcome.element_id and not outcome.backing.total:
            orphans.append(
                f"Le changement « {outcome.text} » ne sert aucun élément de la vision et ne s'appuie sur aucune "
                "contribution."
            )
    return VersionContent(version, elements, outcomes, links, assumptions, orphans)


def toc_nodes(content: VersionContent, href: str = "") -> tuple[list, list]:
    from cooperer.analysis import toc

    nodes = []
    for outcome in content.outcomes:
        badge = []
        if outcome.sdgs:
            badge.append("ODD " + ", ".join(str(n) for n in outcome.sdgs))
        if outcome.backing.total:
            badge.append(f"{outcome.backing.total} contribution{'s' if outcome.backing.total > 1 else ''}")
        nodes.append(
            toc.Node(
                id=str(outcome.pk),
                text=outcome.text,
                horizon=outcome.horizon,
                level=outcome.level,
                badge=" · ".join(badge),
                href=f"{href}#changement-{outcome.pk}" if href else "",
            )
        )
    edges = [(str(a), str(b)) for a, b in content.links]
    return nodes, edges


def diagram(content: VersionContent, title: str, href: str = "") -> dict:
    from cooperer.analysis import toc

    nodes, edges = toc_nodes(content, href)
    layout = toc.layout(nodes, edges)
    return {
        "layout": layout,
        "svg": toc.render_svg(
            layout,
            title=f"Théorie du changement — {title}",
            description=(
                f"{len(nodes)} changements attendus, du court au long terme, par niveau "
                f"({', '.join(level.label.lower() for level in Level)}). Le plan en texte suit le schéma."
            ),
        ),
        "outline": toc.outline(nodes, edges),
        "empty": not nodes,
    }


def children_elements(vision: Vision, version: VisionVersion) -> list[Element]:
    """Elements of the latest version of each neighbourhood vision that rolls up into `vision`; `is_gathered`
    says whether an element of `version` gathers it (or the same element in an earlier version of its vision:
    a neighbourhood's revision does not undo the gathering), and `linked` how many contributions ground it.
    Three queries."""
    latest = (
        VisionVersion.objects.filter(vision=OuterRef("version__vision"))
        .order_by("-number")
        .values("number")[:1]
    )
    gathered = set(
        Element.gathers.through.objects.filter(from_element__version=version).values_list(
            "to_element__version__vision_id", "to_element__key"
        )
    )
    children = list(
        Element.objects.filter(version__vision__parent=vision, version__number=Subquery(latest))
        .select_related("version__vision")
        .order_by("version__vision__title", "position", "pk")
    )
    # Counted apart, from the grounding index alone: grouping the joined rows above would sort wide rows.
    linked = dict(
        Grounding.objects.filter(element__in=[element.pk for element in children])
        .values_list("element_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for element in children:
        element.is_gathered = (element.version.vision_id, element.key) in gathered
        element.linked = linked.get(element.pk, 0)
    return children


def specifics(children: list[Element]) -> dict[str, list[Element]]:
    """Per neighbourhood vision, its elements not gathered into a common element: what stays its own."""
    result: dict[str, list[Element]] = defaultdict(list)
    for element in children:
        if not element.is_gathered:
            result[element.version.vision.title].append(element)
    return dict(result)


def participation(vision: Vision) -> dict:
    """How people took part, for the public page: sessions and people met by audience, contributions."""
    if not vision.consultation_id:
        return {}
    sessions = Session.objects.filter(consultation_id=vision.consultation_id)
    contributions = Contribution.objects.visible().filter(consultation_id=vision.consultation_id)
    if vision.qpv_id:
        sessions = sessions.filter(qpv_id=vision.qpv_id)
        contributions = contributions.filter(qpv_id=vision.qpv_id)
    by_audience = dict(contributions.values_list("audience").annotate(n=Count("pk")).order_by())
    session_rows = list(sessions.values_list("audience", "format", "date", "attendance"))
    people = defaultdict(int)
    for audience, _format, _date, attendance in session_rows:
        people[audience] += sum(int(v) for v in (attendance or {}).values())
    return {
        "sessions": len(session_rows),
        "people": sum(people.values()),
        "rows": [
            (
                Audience(a).label,
                sum(1 for row in session_rows if row[0] == a),
                people.get(a, 0),
                by_audience.get(a, 0),
            )
            for a in Audience.values
            if a in by_audience or any(row[0] == a for row in session_rows)
        ],
        "contributions": sum(by_audience.values()),
    }


def contributions_feeding(contribution_ids: list[int]) -> dict[int, list[dict]]:
    """For each contribution, the elements and outcomes it grounds (one query for a page of contributions)."""
    rows = Grounding.objects.filter(contribution_id__in=contribution_ids).values_list(
        "contribution_id",
        "element__text",
        "element__version__vision_id",
        "element__version__vision__title",
        "outcome__text",
        "outcome__version__vision_id",
        "outcome__version__vision__title",
        "element__version__status",
        "outcome__version__status",
    )
    result: dict[int, list[dict]] = defaultdict(list)
    for cid, e_text, e_vision, e_title, o_text, o_vision, o_title, e_status, o_status in rows:
        status = e_status or o_status
        if status == VersionStatus.SUPERSEDED:
            continue
        item = {
            "kind": "élément" if e_vision else "changement",
            "text": e_text or o_text,
            "vision_id": e_vision or o_vision,
            "vision": e_title or o_title,
        }
        if item not in result[cid]:  # the version in force and the draft revising it say the same thing once
            result[cid].append(item)
    return dict(result)


def horizon_columns(content: VersionContent) -> list[tuple[str, list[Outcome]]]:
    return [(h.label, [o for o in content.outcomes if o.horizon == h.value]) for h in Horizon]
