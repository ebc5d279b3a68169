"""« Enregistrer comme modèle »: what a consultation, a call, a community or a vision teaches, as a template's
content (kit.SCHEMAS). What belongs to its territory becomes a placeholder (dates, QPVs, funders' names and
envelopes); people, contributions, applications and decisions are never read."""

from dataclasses import dataclass

from cooperer.knowledge.kit import KitKind


@dataclass
class Extract:
    kind: str
    title: str
    content: dict
    epci: object
    place: str
    label: str


def kind_of(obj) -> str:
    """The kind of template an object of another app gives; '' if none."""
    return {
        "consultations.consultation": KitKind.CONSULTATION,
        "calls.call": KitKind.CALL_GRID,
        "communities.community": KitKind.CHARTER,
        "visions.vision": KitKind.VISION,
    }.get(obj._meta.label_lower, "")


def place_of(epci, qpvs=()) -> str:
    """Where a tool comes from, in words: the communes of its QPVs (« Saint-Étienne »), else its EPCI."""
    names = sorted({commune.name for qpv in qpvs for commune in qpv.communes.all()})
    if 0 < len(names) <= 2:
        return " et ".join(names)
    return epci.name


def from_consultation(consultation) -> Extract:
    from cooperer.consultations.enums import Audience, SessionFormat

    rank = {value: i for i, value in enumerate([*Audience.values, *SessionFormat.values])}
    # In the order of the enums: habitants before professionnels before jeunes, as the method presents them.
    sessions = sorted(consultation.sessions.all(), key=lambda s: (rank[s.audience], rank[s.format], s.date))
    plan, seen = [], set()
    for session in sessions:
        key = (session.audience, session.format)
        if key not in seen:
            seen.add(key)
            plan.append(
                {
                    "audience": session.audience,
                    "format": session.format,
                    "when": "{{ date }}",
                    "place": "{{ lieu }}",
                }
            )
    audiences = list(dict.fromkeys(s.audience for s in sessions)) or ["habitants", "professionnels"]
    formats = list(dict.fromkeys(s.format for s in sessions)) or ["atelier"]
    content = {
        "question": consultation.question,
        "other_questions": consultation.questions()[1:],
        "audiences": audiences,
        "formats": formats,
        "sessions": plan,
        "themes": [{"name": t.name, "description": t.description} for t in consultation.themes.all()],
        "duration_days": max((consultation.ends_on - consultation.starts_on).days, 0),
    }
    qpvs = list(consultation.qpvs.prefetch_related("communes"))
    return Extract(
        KitKind.CONSULTATION, f"Déroulé de concertation — {consultation.title}", content, consultation.epci,
        place_of(consultation.epci, qpvs), f"Concertation « {consultation.title} »",
    )  # fmt: skip


def from_call(call) -> Extract:
    content = {
        "criteria": [
            {"kind": c.kind, "label": c.label, "weight": c.weight}
            for c in call.criteria.order_by("position", "pk")
        ],
        "min_partners": call.min_partners,
        "min_partner_sectors": call.min_partner_sectors,
        "require_participation": call.require_participation,
        "eligibility": call.eligibility,
        "funders": [
            {"funder": f.funder, "name": "{{ financeur }}", "envelope": "{{ montant }}"}
            for f in call.funders.all()
        ],
    }
    return Extract(
        KitKind.CALL_GRID, f"Grille et condition de coopération — {call.name}", content, call.epci,
        call.epci.name, f"Appel à projets « {call.name} »",
    )  # fmt: skip


def from_community(community) -> Extract:
    from cooperer.communities.models import RoadmapVersion

    roadmap = RoadmapVersion.objects.filter(community=community).order_by("-number").first()
    axes = []
    if roadmap is not None:
        for axis in roadmap.axes.prefetch_related("working_groups").order_by("order", "pk"):
            axes.append(
                {
                    "title": axis.title,
                    "description": axis.description,
                    "working_groups": [group.name for group in axis.working_groups.all()],
                }
            )
    content = {
        "objective": community.objective,
        "charter": community.anchoring,
        "axes": axes,
        "instances": [{"kind": i.kind, "name": i.name} for i in community.instances.order_by("pk")],
    }
    qpvs = list(community.qpvs.prefetch_related("communes"))
    return Extract(
        KitKind.CHARTER, f"Charte et gouvernance — {community.name}", content, community.epci,
        place_of(community.epci, qpvs), f"Communauté « {community.name} »",
    )  # fmt: skip


def matrix_of_community(community) -> Extract:
    """The complementarity matrix a community works with: the resources its objective needs (the rows of its
    matrix, communities.services.complementarity_matrix), to be crossed with what each member brings."""
    from cooperer.actors.enums import Resource

    needs = [Resource(n).label for n in community.needs if n in Resource.values] or list(Resource.labels)
    content = {
        "instructions": "Pour l'objectif « {{ territoire }} » : chaque structure coche ce qu'elle peut apporter et ce "
        "dont elle a besoin ; les lignes sans apport sont les manques à combler ensemble.",
        "resources": needs,
    }
    qpvs = list(community.qpvs.prefetch_related("communes"))
    return Extract(
        KitKind.MATRIX, f"Matrice de complémentarité — {community.name}", content, community.epci,
        place_of(community.epci, qpvs), f"Communauté « {community.name} »",
    )  # fmt: skip


def from_vision(vision) -> Extract:
    from cooperer.visions.services import current_version

    version = current_version(vision)
    content = {
        "statement": version.statement,
        "horizon": vision.horizon,
        "elements": [element.text for element in version.elements.order_by("position", "pk")]
        or ["{{ qpv }}"],
    }
    qpvs = [vision.qpv] if vision.qpv_id else []
    return Extract(
        KitKind.VISION, f"Modèle de vision — {vision.title}", content, vision.epci,
        place_of(vision.epci, qpvs), f"Vision « {vision.title} »",
    )  # fmt: skip


EXTRACTORS = {
    KitKind.CONSULTATION: from_consultation,
    KitKind.CALL_GRID: from_call,
    KitKind.CHARTER: from_community,
    KitKind.VISION: from_vision,
}


# What else an object can give, asked for by name (« ?type=matrice » on « Enregistrer comme modèle »).
OTHER_EXTRACTORS = {("communities.community", KitKind.MATRIX): matrix_of_community}


def extract(obj, kind: str = "") -> Extract:
    other = OTHER_EXTRACTORS.get((obj._meta.label_lower, kind))
    return other(obj) if other is not None else EXTRACTORS[kind_of(obj)](obj)
