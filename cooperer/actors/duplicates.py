"""Possible duplicates in the directory: same SIRET/RNA, or very similar names in the same commune."""

from dataclasses import dataclass

from django.db.models import Count
from rapidfuzz import fuzz

from cooperer.actors.models import Structure
from cooperer.core.text import fold

SIMILARITY = 90


@dataclass
class Candidate:
    first: Structure
    second: Structure
    reason: str


def duplicate_candidates(limit: int = 100) -> list[Candidate]:
    active = Structure.objects.active()
    pairs: dict[tuple[int, int], str] = {}
    for field, label in (("siret", "même SIRET"), ("rna", "même numéro RNA")):
        shared = (
            active.exclude(**{field: ""})
            .values(field)
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values_list(field, flat=True)
        )
        groups: dict[str, list[int]] = {}
        for pk, value in active.filter(**{f"{field}__in": list(shared)}).values_list("pk", field):
            groups.setdefault(value, []).append(pk)
        for ids in groups.values():
            ids.sort()
            for other in ids[1:]:
                pairs.setdefault((ids[0], other), label)
    by_commune: dict[int, list[tuple[int, str]]] = {}
    for pk, name, commune in active.exclude(commune=None).values_list("pk", "name", "commune").order_by("pk"):
        by_commune.setdefault(commune, []).append((pk, fold(name)))
    for members in by_commune.values():
        for i, (pk, name) in enumerate(members):
            for other, other_name in members[i + 1 :]:
                if fuzz.token_set_ratio(name, other_name) >= SIMILARITY:
                    pairs.setdefault((pk, other), "noms très proches dans la même commune")
        if len(pairs) >= limit:
            break
    chosen = list(pairs.items())[:limit]
    structures = Structure.objects.in_bulk({pk for pair, _ in chosen for pk in pair})
    return [Candidate(structures[a], structures[b], reason) for (a, b), reason in chosen]
