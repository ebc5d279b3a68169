"""Published records as open data: one JSON object or one CSV row per record, with the same fields."""

from cooperer.communities.enums import SDG_LABELS
from cooperer.knowledge.enums import FactorKind

HEADER = [
    "id", "titre", "resume", "territoire", "siren_territoire", "qpv", "debut", "fin", "thematiques", "publics",
    "acteurs", "contexte", "methode", "etapes", "resultats", "leviers", "freins", "enseignements", "odd",
    "licence", "publiee_le", "url", "fictive",
]  # fmt: skip


def _factors(record, kind) -> list[dict]:
    return [
        {"nom": rf.factor.name, "commentaire": rf.comment} for rf in record.factors.all() if rf.kind == kind
    ]


def record_as_dict(record, request=None) -> dict:
    url = record.get_absolute_url()
    if request is not None:
        url = request.build_absolute_uri(url)
    return {
        "id": record.pk,
        "titre": record.title,
        "resume": record.summary,
        "territoire": record.epci.name,
        "siren_territoire": record.epci.siren,
        "qpv": [{"code": q.code, "nom": q.name} for q in record.qpvs.all()],
        "debut": record.starts_on.isoformat() if record.starts_on else None,
        "fin": record.ends_on.isoformat() if record.ends_on else None,
        "thematiques": [t.name for t in record.themes.all()],
        "publics": [p.name for p in record.publics.all()],
        "acteurs": [{"nom": a.name, "role": a.role} for a in record.actors.all()],
        "contexte": record.context,
        "methode": record.method,
        "etapes": [
            {"etape": s.title, "description": s.description, "outils": s.tools} for s in record.steps.all()
        ],
        "resultats": record.results,
        "leviers": _factors(record, FactorKind.LEVER),
        "freins": _factors(record, FactorKind.OBSTACLE),
        "enseignements": record.lessons,
        "odd": [{"numero": n, "nom": SDG_LABELS.get(n, "")} for n in record.sdgs or []],
        "licence": record.get_licence_display(),
        "publiee_le": record.published_at.isoformat() if record.published_at else None,
        "url": url,
        "fictive": record.is_demo,
    }


def _joined(items, *keys) -> str:
    return " | ".join(" : ".join(str(item[k]) for k in keys if item[k]) for item in items)


def record_row(record, request=None) -> list:
    data = record_as_dict(record, request)
    return [
        data["id"], data["titre"], data["resume"], data["territoire"], data["siren_territoire"],
        " | ".join(f"{q['code']} {q['nom']}" for q in data["qpv"]), data["debut"] or "", data["fin"] or "",
        " | ".join(data["thematiques"]), " | ".join(data["publics"]), _joined(data["acteurs"], "nom", "role"),
        data["contexte"], data["methode"], _joined(data["etapes"], "etape", "description"), data["resultats"],
        _joined(data["leviers"], "nom", "commentaire"), _joined(data["freins"], "nom", "commentaire"),
        data["enseignements"], " | ".join(str(o["numero"]) for o in data["odd"]), data["licence"],
        data["publiee_le"] or "", data["url"], "oui" if data["fictive"] else "non",
    ]  # fmt: skip
