"""Workflows of the directory: keeping search text current, QPV suggestions, merging duplicates,
finding complementary partners."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch, Q
from django.forms.models import model_to_dict

from cooperer.actors.enums import Resource
from cooperer.actors.models import CooperationLink, Structure, StructureMerge
from cooperer.core.text import fold, search_document
from cooperer.territories.models import Commune, Qpv
from cooperer.territories.services import qpv_locator


def refresh_search_text(structure_ids, chunk_size: int = 2000) -> None:
    """Recompute the search text of these structures (name, acronym, themes, publics, places), a chunk
    at a time: a theme renamed can touch tens of thousands of structures, beyond SQLite's variable limit."""
    ids = list(structure_ids)
    for start in range(0, len(ids), chunk_size):
        _refresh_search_text(ids[start : start + chunk_size])


def _refresh_search_text(ids: list[int]) -> None:
    structures = (
        Structure.objects.filter(pk__in=ids)
        .select_related("commune")
        .defer("commune__contour")
        .prefetch_related(
            "themes", "publics", Prefetch("qpvs", queryset=Qpv.objects.only("pk", "code", "name"))
        )
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


@dataclass
class Profile:
    """What a search for partners starts from: a structure, or a need described by hand."""

    pk: int | None = None
    themes: dict = field(default_factory=dict)
    publics: dict = field(default_factory=dict)
    qpvs: dict = field(default_factory=dict)
    commune_id: int | None = None
    needs: set = field(default_factory=set)
    offers: set = field(default_factory=set)
    sector: str = ""
    linked: set = field(default_factory=set)
    epci_ids: set = field(default_factory=set)


def complementary_partners(structure: Structure, limit: int = 10) -> list[PartnerSuggestion]:
    """Structures working with the same publics on the same ground, offering what this one needs (or
    needing what it offers), ranked by a simple additive score whose parts are shown as reasons."""
    pairs = CooperationLink.objects.filter(Q(source=structure) | Q(target=structure)).values_list(
        "source", "target"
    )
    profile = Profile(
        pk=structure.pk,
        themes={t.pk: t.name for t in structure.themes.all()},
        publics={p.pk: p.name for p in structure.publics.all()},
        qpvs={q.pk: q.name for q in structure.qpvs.all()},
        commune_id=structure.commune_id,
        needs=set(structure.needs),
        offers=set(structure.offers),
        sector=structure.sector,
        linked={pk for pair in pairs for pk in pair} - {structure.pk},
        epci_ids={structure.commune.epci_id} if structure.commune and structure.commune.epci_id else set(),
    )
    return _rank(profile, limit)


def partners_for_need(
    needs, publics=(), qpvs=(), themes=(), epci=None, limit: int = 20
) -> list[PartnerSuggestion]:
    """Partners for a need or a community's objective rather than for a structure, on the territory
    chosen (or that of the chosen QPVs; anywhere when neither is given)."""
    if epci is not None:
        epci_ids = {epci.pk}
    else:
        epci_ids = set(
            Commune.objects.filter(qpvs__in=list(qpvs), epci__isnull=False).values_list("epci_id", flat=True)
        )
    profile = Profile(
        themes={t.pk: t.name for t in themes},
        publics={p.pk: p.name for p in publics},
        qpvs={q.pk: q.name for q in qpvs},
        needs=set(needs),
        epci_ids=epci_ids,
    )
    return _rank(profile, limit)


def _rank(profile: Profile, limit: int) -> list[PartnerSuggestion]:
    condition = Q(publics__in=profile.publics) | Q(qpvs__in=profile.qpvs) | Q(themes__in=profile.themes)
    if profile.commune_id:
        condition |= Q(commune=profile.commune_id)
    # Existing partners are listed on the structure's page already: suggestions are new ones, nearby.
    candidates = (
        Structure.objects.active()
        .exclude(pk=profile.pk)
        .exclude(pk__in=profile.linked)
        .select_related("commune")
        .defer("search_text", "description", "commune__contour", "commune__search_text")
    )
    if profile.epci_ids:
        candidates = candidates.filter(commune__epci__in=profile.epci_ids)
    if profile.publics or profile.qpvs or profile.themes or profile.commune_id:
        candidates = candidates.filter(condition).distinct()
    candidates = candidates.prefetch_related("themes", "publics", "qpvs").order_by("pk")[:500]
    suggestions = [_score(candidate, profile) for candidate in candidates]
    suggestions = [s for s in suggestions if s.score > 0]
    suggestions.sort(key=lambda s: (-s.score, fold(s.structure.name)))
    return suggestions[:limit]


def _score(candidate, profile: Profile) -> PartnerSuggestion:
    reasons, score = [], 0.0
    shared_publics = sorted({p.name for p in candidate.publics.all() if p.pk in profile.publics})
    if shared_publics:
        score += 2 * len(shared_publics)
        reasons.append(f"travaille avec les mêmes publics : {', '.join(shared_publics)}")
    shared_qpvs = sorted({q.name for q in candidate.qpvs.all() if q.pk in profile.qpvs})
    if shared_qpvs:
        score += 2 * len(shared_qpvs)
        reasons.append(f"intervient dans les mêmes quartiers : {', '.join(shared_qpvs)}")
    elif profile.commune_id and candidate.commune_id == profile.commune_id:
        score += 1
        reasons.append(f"est située dans la même commune ({candidate.commune.name})")
    answers = sorted(
        Resource(v).label.lower() for v in profile.needs & set(candidate.offers) if v in Resource.values
    )
    if answers:
        score += 3 * len(answers)
        reasons.append(f"offre ce dont vous avez besoin : {', '.join(answers)}")
    wanted = sorted(
        Resource(v).label.lower() for v in profile.offers & set(candidate.needs) if v in Resource.values
    )
    if wanted:
        score += 1.5 * len(wanted)
        reasons.append(f"a besoin de ce que vous offrez : {', '.join(wanted)}")
    other_themes = sorted({t.name for t in candidate.themes.all() if t.pk not in profile.themes})
    if other_themes and (shared_publics or shared_qpvs):
        score += 1
        reasons.append(f"apporte d'autres compétences : {', '.join(other_themes[:3])}")
    if profile.sector and candidate.sector != profile.sector and score > 0:
        score += 0.5
        reasons.append("appartient à un autre secteur, ce qui élargit le réseau")
    return PartnerSuggestion(candidate, score, reasons)
