"""« Essaimer »: from a proven territory's consultation, call, community or vision (or from a kit template),
create DRAFT objects in a territory the person animates, without people, contributions, applications or
decisions; keep the lineage; list what must still be adapted (dates, QPVs, funders, envelopes, placeholders).

The checklist is computed from the copy as it is now, so an item disappears as soon as it is adapted in the
copy's own pages. Every refusal is a `SpreadError` in French, raised before anything is written."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.utils import dateformat, timezone

from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin, roles_of
from cooperer.audit.enums import Action
from cooperer.audit.services import record
from cooperer.core.typography import count_of, long_date
from cooperer.knowledge import extract as extraction
from cooperer.knowledge.kit import (
    KitKind,
    KitStatus,
    content_errors,
    fill,
    placeholder_label,
    placeholders_in,
)
from cooperer.knowledge.models import KitTemplate, Lineage

APPLICABLE = {KitKind.CONSULTATION, KitKind.CALL_GRID, KitKind.CHARTER, KitKind.VISION}
# In URLs: the short French word of each kind of source object.
SOURCE_MODELS = {
    "concertation": "consultations.Consultation",
    "appel": "calls.Call",
    "communaute": "communities.Community",
    "vision": "visions.Vision",
}
LEAD_DAYS = 30  # provisional dates start a month from the copy: far enough to be seen as to be fixed


class SpreadError(Exception):
    """A refusal, in French; `field` names the form field it concerns, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class Check:
    """One thing to adapt in the copy before using it."""

    text: str
    url: str = ""


def can_spread_to(user, epci) -> bool:
    return is_platform_admin(user) or epci.pk in animated_epci_ids(user)


def can_read_source(user, epci_id) -> bool:
    return is_platform_admin(user) or any(a.epci_id == epci_id for a in roles_of(user))


def target_epcis(user):
    from cooperer.territories.models import Epci

    if is_platform_admin(user):
        return Epci.objects.filter(contracts__isnull=False).distinct().order_by("name")
    return Epci.objects.filter(pk__in=animated_epci_ids(user)).order_by("name")


def source_object(kind_word: str, pk: int):
    """The object named in a URL (« concertation », 12), or None."""
    label = SOURCE_MODELS.get(kind_word)
    if label is None:
        return None
    return apps.get_model(label).objects.select_related("epci").filter(pk=pk).first()


def default_note(source_place: str, on: datetime.date) -> str:
    return f"inspiré de {source_place}, {dateformat.format(on, 'F Y')}"


@transaction.atomic
def spread(
    *, user, target_epci, source=None, template=None, qpvs=(), place: str = "", note: str = "",
    spread_on: datetime.date | None = None, is_demo: bool = False,
) -> Lineage:  # fmt: skip
    """Copies `source` (an object of another app) or `template` to `target_epci`; returns the lineage."""
    if not can_spread_to(user, target_epci):
        raise SpreadError(
            f"Vous n'animez pas le territoire « {target_epci.name} » : vous ne pouvez pas y essaimer.",
            "target_epci",
        )
    qpvs = list(qpvs)
    outside = [qpv.name for qpv in qpvs if not _in_epci(qpv, target_epci)]
    if outside:
        raise SpreadError(
            f"Ces QPV ne sont pas sur le territoire « {target_epci.name} » : {', '.join(sorted(outside))}.",
            "qpvs",
        )
    origin = _origin(user, source, template)
    kind, content = origin.kind, origin.content
    if kind not in APPLICABLE:
        raise SpreadError(
            f"Un modèle « {KitKind(kind).label} » ne crée rien sur un territoire : imprimez sa fiche pour l'utiliser."
        )
    place = (place or "").strip() or _place(target_epci, qpvs)
    values = {"territoire": place}
    if len(qpvs) == 1:
        values["qpv"] = qpvs[0].name
    content = fill(content, values)
    on = spread_on or timezone.localdate()
    source_place, source_label = origin.place, origin.label
    target, provisional = APPLIERS[kind](content, target_epci, qpvs, user, place, source_place, is_demo)
    lineage = Lineage.objects.create(
        kind=kind, template=template, source_epci=origin.epci, source_place=source_place,
        source_type=origin.source_type, source_id=origin.source_id, source_label=source_label[:300],
        target_epci=target_epci, target_place=place[:200], target_type=target._meta.label_lower,
        target_id=target.pk, target_label=str(target)[:300], spread_on=on,
        note=(note.strip() or default_note(source_place, on))[:300], provisional=provisional,
        created_by=user, is_demo=is_demo,
    )  # fmt: skip
    record(
        Action.METHOD_SPREAD, target, actor=user, epci_id=target_epci.pk, label=str(lineage),
        after={"source": source_label, "vers": place, "note": lineage.note},
    )  # fmt: skip
    return lineage


@dataclass
class Origin:
    kind: str
    content: dict
    epci: object
    place: str
    label: str
    source_type: str
    source_id: int | None


def _origin(user, source, template) -> Origin:
    """What is copied and where it comes from: an object of another app (read by extract.py, if the person may
    read it) or a kit template (published, or the person's own draft, and complete)."""
    if source is not None:
        if not can_read_source(user, source.epci_id):
            raise SpreadError("Vous n'avez pas accès à cet outil : demandez-en un modèle publié du kit.")
        taken = extraction.extract(source)
        return Origin(
            taken.kind,
            taken.content,
            taken.epci,
            taken.place,
            taken.label,
            source._meta.label_lower,
            source.pk,
        )
    if template is None:
        raise SpreadError("Choisissez l'outil à essaimer.")
    if template.status != KitStatus.PUBLISHED and not (
        is_platform_admin(user) or template.author_id == user.pk
    ):
        raise SpreadError("Ce modèle n'est pas publié : seul·e son auteur·rice peut l'utiliser.")
    problems = content_errors(template.kind, template.content)
    if problems:
        raise SpreadError(f"Ce modèle est incomplet : {' '.join(problems)}")
    return Origin(
        template.kind, template.content, template.source_epci, template.origin or "le kit de méthode",
        f"Modèle « {template.title} »", template.source_type, template.source_id,
    )  # fmt: skip


def _in_epci(qpv, epci) -> bool:
    return qpv.communes.filter(epci=epci).exists()


def _place(epci, qpvs) -> str:
    return extraction.place_of(epci, qpvs)


def _contract(epci):
    from cooperer.territories.models import ContratDeVille

    return ContratDeVille.objects.filter(pilot_epci=epci).order_by("pk").first()


def _copy_title(what: str, place: str, source_place: str) -> str:
    return f"{what} — {place} (d'après {source_place})"[:200]


def _apply_consultation(content, epci, qpvs, user, place, source_place, is_demo):
    from cooperer.consultations.models import Consultation, Session, Theme

    starts = timezone.localdate() + datetime.timedelta(days=LEAD_DAYS)
    ends = starts + datetime.timedelta(days=content.get("duration_days") or 90)
    consultation = Consultation.objects.create(
        title=_copy_title("Concertation", place, source_place), question=content["question"][:300],
        other_questions="\n".join(content.get("other_questions", [])), epci=epci, contract=_contract(epci),
        starts_on=starts, ends_on=ends, created_by=user, is_demo=is_demo,
    )  # fmt: skip
    consultation.qpvs.set(qpvs)
    Theme.objects.bulk_create(
        Theme(consultation=consultation, name=t["name"][:120], description=t.get("description", "")[:300], position=i)
        for i, t in enumerate(content.get("themes", []))
    )  # fmt: skip
    plan = content.get("sessions") or [
        {"audience": audience, "format": content["formats"][0]} for audience in content["audiences"]
    ]
    Session.objects.bulk_create(
        Session(
            consultation=consultation, qpv=qpv, audience=item["audience"], format=item["format"], date=starts,
            place=item.get("place", "")[:200], accepts_online=False, is_demo=is_demo,
        )
        for qpv in (qpvs or [None])
        for item in plan
    )  # fmt: skip
    return consultation, {
        "starts_on": starts.isoformat(),
        "ends_on": ends.isoformat(),
        "sessions": starts.isoformat(),
    }


def _apply_call(content, epci, qpvs, user, place, source_place, is_demo):
    from cooperer.calls.enums import CallStatus
    from cooperer.calls.models import Call, CallFunder, Criterion

    contract = _contract(epci)
    if contract is None:
        raise SpreadError(
            f"« {epci.name} » n'a pas encore de contrat de ville : créez-le avant d'y essaimer un appel à projets.",
            "target_epci",
        )
    opens = timezone.localdate() + datetime.timedelta(days=LEAD_DAYS)
    closes = timezone.make_aware(
        datetime.datetime.combine(opens + datetime.timedelta(days=60), datetime.time(12))
    )
    call = Call.objects.create(
        name=_copy_title("Appel à projets", place, source_place), epci=epci, contract=contract,
        carrier_name=epci.name, opens_on=opens, closes_at=closes, eligibility=content.get("eligibility", ""),
        zone=place[:300], min_partners=content.get("min_partners", 1),
        min_partner_sectors=content.get("min_partner_sectors", 2),
        require_participation=content.get("require_participation", False), status=CallStatus.DRAFT,
        created_by=user, is_demo=is_demo,
    )  # fmt: skip
    seen = set()
    for funder in content.get("funders", []):
        if funder["funder"] in seen:
            continue
        seen.add(funder["funder"])
        CallFunder.objects.create(
            call=call, funder=funder["funder"], name=funder["name"][:200], envelope=Decimal(0)
        )
    Criterion.objects.bulk_create(
        Criterion(call=call, kind=c["kind"], label=c["label"][:200], weight=c["weight"], position=i)
        for i, c in enumerate(content.get("criteria", []))
    )  # fmt: skip
    return call, {"opens_on": opens.isoformat(), "closes_at": closes.isoformat()}


def _apply_community(content, epci, qpvs, user, place, source_place, is_demo):
    from cooperer.communities.models import Axis, Community, Instance, RoadmapVersion, WorkingGroup

    community = Community.objects.create(
        name=_copy_title("Communauté d'action", place, source_place), epci=epci, objective=content["objective"],
        anchoring=content.get("charter", ""), contract=_contract(epci), is_demo=is_demo,
    )  # fmt: skip
    community.qpvs.set(qpvs)
    for instance in content.get("instances", []):
        Instance.objects.create(community=community, kind=instance["kind"], name=instance["name"][:200])
    if content.get("axes"):
        roadmap = RoadmapVersion.objects.create(community=community, number=1)
        for order, axis in enumerate(content["axes"]):
            copy = Axis.objects.create(
                roadmap=roadmap,
                title=axis["title"][:200],
                description=axis.get("description", ""),
                order=order,
            )
            for name in axis.get("working_groups", []):
                WorkingGroup.objects.create(axis=copy, name=name[:200])
    return community, {}


def _apply_vision(content, epci, qpvs, user, place, source_place, is_demo):
    from cooperer.visions import services as visions
    from cooperer.visions.enums import ScopeKind
    from cooperer.visions.models import Element, Vision

    vision = Vision(title=_copy_title("Vision", place, source_place), epci=epci, is_demo=is_demo,
                    horizon=content.get("horizon") or 2030)  # fmt: skip
    if len(qpvs) == 1:
        vision.scope_kind, vision.qpv = ScopeKind.QPV, qpvs[0]
    else:
        contract = _contract(epci)
        if contract is None:
            raise SpreadError(
                "Choisissez un QPV : le territoire n'a pas de contrat de ville pour porter la vision.", "qpvs"
            )
        vision.scope_kind, vision.contract = ScopeKind.CONTRACT, contract
    version = visions.create_vision(vision, user)
    version.statement = content.get("statement", "")
    version.save(update_fields=["statement"])
    Element.objects.bulk_create(
        Element(version=version, text=text, position=i) for i, text in enumerate(content["elements"], start=1)
    )
    return vision, {}


APPLIERS = {
    KitKind.CONSULTATION: _apply_consultation,
    KitKind.CALL_GRID: _apply_call,
    KitKind.CHARTER: _apply_community,
    KitKind.VISION: _apply_vision,
}


# --- What remains to adapt ---------------------------------------------------------------------------------


def target_of(lineage: Lineage):
    if not lineage.target_type or lineage.target_id is None:
        return None
    try:
        model = apps.get_model(lineage.target_type)
    except LookupError:
        return None
    return model.objects.filter(pk=lineage.target_id).first()


def _placeholder_checks(texts: dict[str, str], url: str) -> list[Check]:
    checks = []
    for where, text in texts.items():
        for name in placeholders_in(text):
            checks.append(
                Check(f"Remplacer « {{{{ {name} }}}} » ({placeholder_label(name)}) dans {where}.", url)
            )
    return checks


def _mentions(texts: dict[str, str], source_place: str, target_place: str, url: str) -> list[Check]:
    if not source_place or source_place == target_place or source_place in target_place:
        return []
    return [
        Check(
            f"{where[:1].upper()}{where[1:]} parle encore de « {source_place} » : vérifiez qu'il convient ici.",
            url,
        )
        for where, text in texts.items()
        if source_place in text.replace(f"d'après {source_place}", "")
    ]


def checklist(lineage: Lineage, target=None) -> list[Check]:
    """What must still be adapted in the copy before it is used; empty when nothing is left."""
    target = target if target is not None else target_of(lineage)
    if target is None:
        return [Check("La copie n'existe plus : elle a été supprimée.")]
    return CHECKERS[lineage.kind](lineage, target)


def _check_consultation(lineage, consultation) -> list[Check]:
    from django.urls import reverse

    edit = reverse("consultations:edit", args=[consultation.pk])
    checks, provisional = [], lineage.provisional
    if consultation.starts_on.isoformat() == provisional.get(
        "starts_on"
    ) and consultation.ends_on.isoformat() == provisional.get("ends_on"):
        checks.append(
            Check(
                f"Fixer les dates de la concertation (provisoires : du {long_date(consultation.starts_on)} "
                f"au {long_date(consultation.ends_on)}).",
                edit,
            )
        )
    undated = [s for s in consultation.sessions.all() if s.date.isoformat() == provisional.get("sessions")]
    if undated:
        checks.append(
            Check(
                f"Dater {count_of(len(undated), 'séance')} (toutes au {long_date(undated[0].date)} pour l'instant).",
                consultation.get_absolute_url(),
            )
        )
    if not consultation.qpvs.exists():
        checks.append(Check("Choisir les QPV de la concertation.", edit))
    texts = {"le titre": consultation.title, "la question": consultation.question,
             "les autres questions": consultation.other_questions}  # fmt: skip
    texts.update({f"la séance « {s} »": s.place for s in consultation.sessions.all()})
    texts.update({f"le thème « {t.name} »": f"{t.name} {t.description}" for t in consultation.themes.all()})
    checks += _placeholder_checks(texts, edit)
    checks += _mentions(texts, lineage.source_place, lineage.target_place, edit)
    return checks


def _check_call(lineage, call) -> list[Check]:
    from django.urls import reverse

    edit, page = reverse("calls:edit", args=[call.pk]), call.get_absolute_url()
    checks = []
    if call.opens_on.isoformat() == lineage.provisional.get("opens_on"):
        checks.append(
            Check(f"Fixer les dates de l'appel (ouverture provisoire : {long_date(call.opens_on)}).", edit)
        )
    funders = list(call.funders.all())
    if not funders:
        checks.append(Check("Ajouter les financeurs de l'appel et leur enveloppe.", page))
    for funder in funders:
        if placeholders_in(funder.name):
            checks.append(
                Check(f"Nommer le financeur « {funder.get_funder_display()} » de votre territoire.", page)
            )
        if funder.envelope == 0:
            checks.append(Check(f"Fixer l'enveloppe du financeur « {funder.get_funder_display()} ».", page))
    if not call.elements.exists():
        checks.append(Check("Choisir les éléments de la vision que l'appel finance.", edit))
    texts = {"le nom": call.name, "les conditions d'éligibilité": call.eligibility}
    texts.update({f"le critère « {c.label} »": c.label for c in call.criteria.all()})
    checks += _placeholder_checks(texts, edit)
    checks += _mentions(texts, lineage.source_place, lineage.target_place, edit)
    return checks


def _check_community(lineage, community) -> list[Check]:
    from django.urls import reverse

    edit = reverse("communities:edit", args=[community.pk])
    checks = []
    if not community.qpvs.exists():
        checks.append(Check("Choisir les QPV de la communauté.", edit))
    if not community.memberships.exists():
        checks.append(Check("Inviter les premiers membres : la structure seule a été copiée, sans ses membres.",
                            reverse("communities:invite", args=[community.pk])))  # fmt: skip
    texts = {"le nom": community.name, "l'objectif": community.objective, "l'ancrage": community.anchoring}
    texts.update({f"l'instance « {i.name} »": i.name for i in community.instances.all()})
    checks += _placeholder_checks(texts, edit)
    checks += _mentions(texts, lineage.source_place, lineage.target_place, edit)
    return checks


def _check_vision(lineage, vision) -> list[Check]:
    from cooperer.visions.enums import VersionStatus
    from cooperer.visions.services import current_version

    version = current_version(vision)
    page = vision.get_absolute_url()
    texts = {"le titre": vision.title, "l'énoncé": version.statement}
    texts.update({f"l'élément {e.position}": e.text for e in version.elements.all()})
    checks = _placeholder_checks(texts, page)
    checks += _mentions(texts, lineage.source_place, lineage.target_place, page)
    if not checks and version.status == VersionStatus.DRAFT:
        checks.append(Check("Faire adopter la vision par l'instance du territoire.", page))
    return checks


CHECKERS = {
    KitKind.CONSULTATION: _check_consultation,
    KitKind.CALL_GRID: _check_call,
    KitKind.CHARTER: _check_community,
    KitKind.VISION: _check_vision,
}


def save_as_template(
    obj, *, user, title: str = "", description: str = "", licence: str = "", kind: str = ""
) -> KitTemplate:
    """« Enregistrer comme modèle »: a DRAFT template of what `obj` teaches (extract.py); `kind` asks for another
    of its templates (a community's complementarity matrix rather than its charter)."""
    taken = extraction.extract(obj, kind)
    template = KitTemplate(
        kind=taken.kind, title=(title.strip() or taken.title)[:200], description=description.strip(),
        content=taken.content, source_epci=taken.epci, source_place=taken.place[:200],
        source_label=taken.label[:300], source_type=obj._meta.label_lower, source_id=obj.pk, author=user,
    )  # fmt: skip
    if licence:
        template.licence = licence
    template.save()  # a draft: its content is checked when it is published
    return template
