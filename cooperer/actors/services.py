"""Workflows of the directory: keeping search text current, QPV suggestions, merging duplicates,
finding complementary partners."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.forms.models import model_to_dict

from cooperer.actors.models import CooperationLink, Structure, StructureMerge
from cooperer.core.text import fold, search_document
from cooperer.territories.models import Qpv
from cooperer.territories.services import qpv_locator


def refresh_search_text(structure_ids) -> None:
    """Recompute the search text of these structures (name, acronym, themes, publics, places)."""
    structures = (
        Structure.objects.filter(pk__in=list(structure_ids))
        .select_related("commune")
        .prefetch_related("themes", "publics", "qpvs")
    )
    changed = []
    for structure in structures:
        text = search_document(
            structure.name,
            structure.acronym,
            " ".join(theme.name for theme in structure.themes.all()),
            " ".join(public.name for public in structure.publics.all()),
            structure.commune.name if structure.commune else "",
            " ".join(f"{qpv.name} {qpv.code}" for qpv in structure.qpvs.all()),
            structure.get_legal_form_display(),
        )
        if text != structure.search_text:
            structure.search_text = text
            changed.append(structure)
    Structure.objects.bulk_update(changed, ["search_text"], batch_size=1000)


def suggested_qpvs(structure: Structure) -> list:
    """QPVs suggested for a structure: the one containing its location, else those of its commune."""
    if structure.longitude is not None and structure.latitude is not None:
        area = qpv_locator().locate_one(structure.longitude, structure.latitude)
        if area is not None:
            return list(Qpv.objects.filter(code=area.code))
    if structure.commune_id:
        return list(structure.commune.qpvs.all())
    return []


@transaction.atomic
def merge_structures(kept: Structure, duplicate: Structure, user) -> StructureMerge:
    """Move links, people and taxonomy of `duplicate` onto `kept`, keep a snapshot, retire the duplicate."""
    if kept.pk == duplicate.pk:
        raise ValueError("Une structure ne peut pas être fusionnée avec elle-même.")
    snapshot = model_to_dict(duplicate, exclude=["qpvs", "themes", "publics"])
    snapshot.update(
        themes=list(duplicate.themes.values_list("name", flat=True)),
        publics=list(duplicate.publics.values_list("name", flat=True)),
        qpvs=list(duplicate.qpvs.values_list("code", flat=True)),
    )
    for field_name in ("siret", "rna", "court_register", "address", "website", "acronym", "description"):
        if not getattr(kept, field_name) and getattr(duplicate, field_name):
            setattr(kept, field_name, getattr(duplicate, field_name))
    duplicate_siret, duplicate.siret, duplicate.rna = duplicate.siret, "", ""
    duplicate.merged_into = kept
    duplicate.save()
    kept.save()
    kept.themes.add(*duplicate.themes.all())
    kept.publics.add(*duplicate.publics.all())
    kept.qpvs.add(*duplicate.qpvs.all())
    duplicate.people.update(structure=kept)
    CooperationLink.objects.filter(source=duplicate).exclude(target=kept).update(source=kept)
    CooperationLink.objects.filter(target=duplicate).exclude(source=kept).update(target=kept)
    CooperationLink.objects.filter(Q(source=duplicate) | Q(target=duplicate)).delete()
    refresh_search_text([kept.pk])
    snapshot["siret"] = duplicate_siret
    return StructureMerge.objects.create(kept=kept, merged=duplicate, snapshot=snapshot, merged_by=user)


@dataclass
class PartnerSuggestion:
    structure: Structure
    score: float
    reasons: list[str] = field(default_factory=list)


def complementary_partners(structure: Structure, limit: int = 10) -> list[PartnerSuggestion]:
    """Structures working with the same publics on the same ground, offering what this one needs (or
    needing what it offers), ranked by a simple additive score whose parts are shown as reasons."""
    themes = {t.pk: t.name for t in structure.themes.all()}
    publics = {p.pk: p.name for p in structure.publics.all()}
    qpvs = {q.pk: q.name for q in structure.qpvs.all()}
    needs, offers = set(structure.needs), set(structure.offers)
    already = set(
        CooperationLink.objects.filter(Q(source=structure) | Q(target=structure)).values_list(
            "source", "target"
        )
    )
    linked = {pk for pair in already for pk in pair} - {structure.pk}
    candidates = (
        Structure.objects.active()
        .exclude(pk=structure.pk)
        .filter(
            Q(publics__in=publics) | Q(qpvs__in=qpvs) | Q(commune=structure.commune_id) | Q(themes__in=themes)
        )
        .distinct()
        .select_related("commune")
        .prefetch_related(Prefetch("themes"), Prefetch("publics"), Prefetch("qpvs"))
        .annotate(link_count=Count("links_out", distinct=True))[:500]
    )
    suggestions = [_score(c, themes, publics, qpvs, needs, offers, structure, linked) for c in candidates]
    suggestions = [s for s in suggestions if s.score > 0]
    suggestions.sort(key=lambda s: (-s.score, fold(s.structure.name)))
    return suggestions[:limit]


def _score(candidate, themes, publics, qpvs, needs, offers, structure, linked) -> PartnerSuggestion:
    from cooperer.actors.enums import Resource

    reasons, score = [], 0.0
    shared_publics = sorted({p.name for p in candidate.publics.all() if p.pk in publics})
    if shared_publics:
        score += 2 * len(shared_publics)
        reasons.append(f"travaille avec les mêmes publics : {', '.join(shared_publics)}")
    shared_qpvs = sorted({q.name for q in candidate.qpvs.all() if q.pk in qpvs})
    if shared_qpvs:
        score += 2 * len(shared_qpvs)
        reasons.append(f"intervient dans les mêmes quartiers : {', '.join(shared_qpvs)}")
    elif structure.commune_id and candidate.commune_id == structure.commune_id:
        score += 1
        reasons.append(f"est située dans la même commune ({candidate.commune.name})")
    answers = sorted(Resource(v).label.lower() for v in needs & set(candidate.offers) if v in Resource.values)
    if answers:
        score += 3 * len(answers)
        reasons.append(f"offre ce dont vous avez besoin : {', '.join(answers)}")
    wanted = sorted(Resource(v).label.lower() for v in offers & set(candidate.needs) if v in Resource.values)
    if wanted:
        score += 1.5 * len(wanted)
        reasons.append(f"a besoin de ce que vous offrez : {', '.join(wanted)}")
    other_themes = sorted({t.name for t in candidate.themes.all() if t.pk not in themes})
    if other_themes and (shared_publics or shared_qpvs):
        score += 1
        reasons.append(f"apporte d'autres compétences : {', '.join(other_themes[:3])}")
    if candidate.sector != structure.sector and score > 0:
        score += 0.5
        reasons.append("appartient à un autre secteur, ce qui élargit le réseau")
    if candidate.pk in linked:
        score -= 1
        reasons.append("vous coopérez déjà")
    return PartnerSuggestion(candidate, score, reasons)
