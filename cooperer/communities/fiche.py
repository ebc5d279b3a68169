"""The printable « fiche de la communauté »: one context of plain data, rendered as HTML by a template or as
a PDF here (reportlab platypus, A4, built-in Helvetica), so that both say the same thing."""

from django.utils import timezone
from reportlab.platypus import Paragraph

from cooperer.communities.enums import (
    BACKBONE_MISSIONS,
    SDG_LABELS,
    ActionStatus,
    CooperationLevel,
    IdeaStatus,
    MemberRole,
    Phase,
    RoadmapStatus,
)
from cooperer.communities.models import Axis, Community, PlannedAction, RoadmapVersion
from cooperer.communities.services import structure_names
from cooperer.core import pdf

OPEN_IDEA_STATUSES = [IdeaStatus.NEW, IdeaStatus.STUDYING, IdeaStatus.ADOPTED]
LATEST_DECISIONS = 20
MAX_OPEN_IDEAS = 50
_styles, _text, _date, _table = pdf.styles, pdf.text, pdf.date, pdf.table
DEMO_NOTICE = "Données fictives de démonstration"


def _latest_adopted_roadmap(community: Community) -> dict | None:
    """The roadmap in force, as values: the version, its axes, their actions and the actions' partners."""
    version = (
        RoadmapVersion.objects.filter(community=community, status=RoadmapStatus.ADOPTED)
        .order_by("-number")
        .values("pk", "number", "summary", "adopted_on", "adopted_by__name")
        .first()
    )
    if version is None:
        return None
    partners: dict[int, list[str]] = {}
    for action_id, name in PlannedAction.partners.through.objects.filter(
        plannedaction__axis__roadmap_id=version["pk"]
    ).values_list("plannedaction_id", "structure__name"):
        partners.setdefault(action_id, []).append(name)
    actions: dict[int, list[dict]] = {}
    for pk, axis_id, title, status, lead in PlannedAction.objects.filter(
        axis__roadmap_id=version["pk"]
    ).values_list("pk", "axis_id", "title", "status", "lead__name"):
        actions.setdefault(axis_id, []).append(
            {
                "title": title,
                "status": ActionStatus(status).label,
                "lead": lead or "",
                "partners": sorted(partners.get(pk, [])),
            }
        )
    axes = [
        {"title": title, "description": description, "actions": actions.get(pk, [])}
        for pk, title, description in Axis.objects.filter(roadmap_id=version["pk"]).values_list(
            "pk", "title", "description"
        )
    ]
    return {
        "number": version["number"],
        "summary": version["summary"],
        "adopted_on": version["adopted_on"],
        "adopted_by": version["adopted_by__name"] or "",
        "axes": axes,
    }


def community_fiche_context(community: Community) -> dict:
    """Everything the fiche shows, as plain lists and dicts (user text unescaped: templates autoescape).

    Read as values, not model instances: the member table has one row per member (200 and more)."""
    community = Community.objects.select_related("epci").get(pk=community.pk)
    names = structure_names(community)
    roles, levels = dict(MemberRole.choices), dict(CooperationLevel.choices)
    members = community.memberships.current().values_list(
        "structure__name", "role", "level", "contribution", "joined_on"
    )
    decisions = community.decisions.values_list("decided_on", "instance__name", "text")[:LATEST_DECISIONS]
    ideas = community.ideas.filter(status__in=OPEN_IDEA_STATUSES).values_list("text", "raised_on", "status")[
        :MAX_OPEN_IDEAS
    ]
    missions = community.backbone_missions or {}
    return {
        "name": community.name,
        "kind": community.get_kind_display(),
        "epci": community.epci.name,
        "qpvs": [{"code": code, "name": name} for code, name in community.qpvs.values_list("code", "name")],
        "objective": community.objective,
        "sdgs": [{"number": n, "label": SDG_LABELS.get(n, "")} for n in sorted(community.sdgs)],
        "programme": community.programme,
        "anchoring": community.anchoring,
        "started_on": community.started_on,
        "trinome": [
            {"role": "État", "name": names["trinome_state"]},
            {"role": "Collectivité", "name": names["trinome_local_authority"]},
            {"role": "Association ou habitants", "name": names["trinome_civil_society"]},
        ],
        "backbone": names["backbone"],
        "backbone_missions": [{"mission": m, "done": bool(missions.get(m))} for m in BACKBONE_MISSIONS],
        "phase": community.get_phase_display(),
        "transitions": [
            {"on": on, "phase": Phase(phase).label, "justification": justification}
            for on, phase, justification in community.transitions.values_list("on", "phase", "justification")
        ],
        "members": [
            {
                "structure": name,
                "role": roles.get(role, role),
                "level": levels.get(level, level),
                "contribution": contribution,
                "joined_on": joined_on,
            }
            for name, role, level, contribution, joined_on in members
        ],
        "roadmap": _latest_adopted_roadmap(community),
        "decisions": [{"on": on, "instance": instance, "text": text} for on, instance, text in decisions],
        "ideas": [
            {"text": text, "raised_on": raised_on, "status": IdeaStatus(status).label}
            for text, raised_on, status in ideas
        ],
        "generated_on": timezone.localdate(),
        "is_demo": community.is_demo,
    }


# --- PDF -------------------------------------------------------------------------------------------------


def _identity(ctx: dict, s: dict) -> list:
    qpvs = ", ".join(f"{q['code']} {q['name']}" for q in ctx["qpvs"]) or "—"
    sdgs = "; ".join(f"ODD {o['number']} : {o['label']}" for o in ctx["sdgs"]) or "—"
    lines = [
        ("Type", ctx["kind"]),
        ("Territoire", ctx["epci"]),
        ("Quartiers prioritaires", qpvs),
        ("Objectif commun", ctx["objective"]),
        ("Objectifs de développement durable", sdgs),
        ("Programme", ctx["programme"] or "—"),
        ("Lancée le", _date(ctx["started_on"])),
        ("Ancrage de la méthode", ctx["anchoring"] or "—"),
    ]
    flow = [Paragraph(_text(ctx["name"]), s["title"])]
    flow += [Paragraph(f"<b>{_text(label)} :</b> {_text(value)}", s["body"]) for label, value in lines]
    flow.append(Paragraph("Trinôme et fonction de soutien", s["h2"]))
    flow += [
        Paragraph(f"<b>{_text(t['role'])} :</b> {_text(t['name'] or '—')}", s["body"]) for t in ctx["trinome"]
    ]
    flow.append(Paragraph(f"<b>Fonction de soutien :</b> {_text(ctx['backbone'] or '—')}", s["body"]))
    flow += [
        Paragraph(f"{'[x]' if m['done'] else '[ ]'} {_text(m['mission'])}", s["body"])
        for m in ctx["backbone_missions"]
    ]
    return flow


def _phases_and_members(ctx: dict, s: dict) -> list:
    flow = [Paragraph(f"Phase actuelle : {_text(ctx['phase'])}", s["h2"])]
    if ctx["transitions"]:
        rows = [[_date(t["on"]), t["phase"], t["justification"]] for t in ctx["transitions"]]
        flow.append(_table(["Date", "Phase", "Ce qui le justifie"], rows, [2.2, 3.6, 11.2], s["cell"]))
    flow.append(Paragraph(f"Membres ({len(ctx['members'])})", s["h2"]))
    if ctx["members"]:
        rows = [[m["structure"], m["role"], m["level"], m["contribution"]] for m in ctx["members"]]
        header = ["Structure", "Rôle", "Niveau", "Ce qu'elle apporte"]
        flow.append(_table(header, rows, [5, 3.2, 2.6, 6.2], s["cell"]))
    else:
        flow.append(Paragraph("Aucun membre pour l'instant.", s["body"]))
    return flow


def _roadmap(ctx: dict, s: dict) -> list:
    roadmap = ctx["roadmap"]
    if roadmap is None:
        return [
            Paragraph("Feuille de route", s["h2"]),
            Paragraph("Aucune feuille de route adoptée.", s["body"]),
        ]
    by = f" par « {roadmap['adopted_by']} »" if roadmap["adopted_by"] else ""
    flow = [
        Paragraph(f"Feuille de route (version {roadmap['number']})", s["h2"]),
        Paragraph(_text(f"Adoptée le {_date(roadmap['adopted_on'])}{by}."), s["body"]),
    ]
    if roadmap["summary"]:
        flow.append(Paragraph(_text(roadmap["summary"]), s["body"]))
    for number, axis in enumerate(roadmap["axes"], start=1):
        flow.append(Paragraph(_text(f"Axe {number} — {axis['title']}"), s["h3"]))
        if axis["description"]:
            flow.append(Paragraph(_text(axis["description"]), s["body"]))
        rows = [
            [a["title"], a["status"], a["lead"] or "—", ", ".join(a["partners"]) or "—"]
            for a in axis["actions"]
        ]
        if rows:
            flow.append(
                _table(["Action", "État", "Pilote", "Partenaires"], rows, [6, 2.2, 4, 4.8], s["cell"])
            )
    return flow


def _decisions_and_ideas(ctx: dict, s: dict) -> list:
    flow = [Paragraph(f"Dernières décisions ({len(ctx['decisions'])})", s["h2"])]
    if ctx["decisions"]:
        rows = [[_date(d["on"]), d["instance"], d["text"]] for d in ctx["decisions"]]
        flow.append(_table(["Date", "Instance", "Décision"], rows, [2.2, 4.4, 10.4], s["cell"]))
    else:
        flow.append(Paragraph("Aucune décision enregistrée.", s["body"]))
    flow.append(Paragraph(f"Idées ouvertes ({len(ctx['ideas'])})", s["h2"]))
    if ctx["ideas"]:
        rows = [[_date(i["raised_on"]), i["status"], i["text"]] for i in ctx["ideas"]]
        flow.append(_table(["Date", "Suite", "Idée"], rows, [2.2, 2.6, 12.2], s["cell"]))
    else:
        flow.append(Paragraph("Aucune idée en cours.", s["body"]))
    return flow


def community_pdf(community: Community) -> bytes:
    """The fiche as an A4 PDF, from the same context as the HTML page."""
    ctx = community_fiche_context(community)
    s = _styles()
    footer = f"Fiche générée le {_date(ctx['generated_on'])} par Coopérer"
    if ctx["is_demo"]:
        footer += f" — {DEMO_NOTICE}"
    flow = _identity(ctx, s) + _phases_and_members(ctx, s) + _roadmap(ctx, s) + _decisions_and_ideas(ctx, s)
    return pdf.build(flow, title=f"Fiche de la communauté — {ctx['name']}", footer=footer, style=s["cell"])
