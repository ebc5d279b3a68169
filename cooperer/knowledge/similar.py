"""« Initiatives semblables ailleurs »: the published records of other territories whose words are closest to
an application, a community or a vision element, with the words they share.

For 100,000 records within the page budget, nothing is compared with everything:
1. document frequencies are counted once per process on a sample of published records (they only weigh
   words; the sample is re-read when the number of published records or the newest one changes);
2. the text's most telling words (`analysis.similar.salient`: the rarest the corpus holds, and a few it
   does not seem to) retrieve at most `CANDIDATES` candidates from the full-text index (`knowledge.search`):
   those sharing the two most telling words, widened to any of the words when they are fewer than `ENOUGH`;
3. `analysis.similar.rank_against` scores those candidates (IDF-weighted cosine) and keeps the best.

Lower apps show the result without importing knowledge: `core.home.similar_elsewhere` calls the functions
listed in settings.COOPERER_SIMILAR_ELSEWHERE, such as `entries` below."""

import re
import threading
from collections import Counter

from cooperer.analysis.similar import rank_against, salient
from cooperer.core.home import Entry
from cooperer.core.text import search_terms
from cooperer.knowledge import search
from cooperer.knowledge.models import Record

SAMPLE = 5000
CANDIDATES = 300
ENOUGH = 20  # candidates sharing the two most telling words: enough, no need to widen to any of the words
SALIENT_WORDS = 8
_WORD = re.compile(r"\w+")
_lock = threading.Lock()
_stats: dict = {}


def _bag(search_text: str) -> set[str]:
    """The words of a stored search text, without the filter keys (`models.filter_token`)."""
    return {token for token in search_text.split() if not token.startswith("zzk")}


def _frequencies() -> tuple[Counter, int]:
    published = Record.objects.published().order_by()
    # The memo is kept under what the database says now (every process reads the same): never stale.
    newest = published.order_by("-pk").values_list("pk", "published_at").first()
    signature = (published.count(), newest)
    with _lock:
        if _stats.get("signature") == signature:
            return _stats["frequency"], _stats["total"]
    count = signature[0]
    step = max(1, count // SAMPLE)
    if step > 1:
        # Every step-th published record, by position: a spread sample read by the primary key.
        chosen = list(published.order_by("pk").values_list("pk", flat=True))[::step][:SAMPLE]
        texts = Record.objects.filter(pk__in=chosen).values_list("search_text", flat=True)
    else:
        texts = published.values_list("search_text", flat=True)
    frequency, total = Counter(), 0
    for text in texts.iterator(chunk_size=1000):
        frequency.update(_bag(text))
        total += 1
    with _lock:
        _stats.update(signature=signature, frequency=frequency, total=total)
    return frequency, total


def text_terms(text: str) -> tuple[list[str], dict[str, str]]:
    """The lemmas of a text (as the search text stores them) and, for each, the word as written."""
    terms, written = [], {}
    for word in _WORD.findall(text or ""):
        alternatives = search_terms(word)
        if not alternatives:
            continue
        lemma = alternatives[0][-1]
        if len(lemma) < 3 or lemma.isdigit():
            continue
        terms.append(lemma)
        written.setdefault(lemma, word.lower())
    return terms, written


def similar_records(text: str, *, exclude_epci_id=None, exclude_pk=None, limit: int = 5) -> list[dict]:
    """The published records (of other territories than `exclude_epci_id`, other than `exclude_pk`) most similar
    to `text`."""
    terms, written = text_terms(text)
    if not terms:
        return []
    frequency, total = _frequencies()
    if not total:
        return []
    words = salient(terms, frequency, total, k=SALIENT_WORDS)
    queryset = Record.objects.published().order_by()
    if exclude_epci_id is not None:
        queryset = queryset.exclude(epci_id=exclude_epci_id)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    columns = ("pk", "title", "epci__name", "search_text")
    # First the records sharing the two most telling words; when they are too few, those sharing any of them.
    rows = list(
        search.matching(queryset, [(w,) for w in words[:2]], walk=True).values_list(*columns)[:CANDIDATES]
    )
    if len(rows) < ENOUGH and len(words) > 2:
        seen = {row[0] for row in rows}
        wider = search.matching(queryset, [tuple(words)]).values_list(*columns)[:CANDIDATES]
        rows += [row for row in wider if row[0] not in seen]
    bags = {str(pk): _bag(search) for pk, _, _, search in rows}
    about = {str(pk): (title, epci) for pk, title, epci, _ in rows}
    matches = rank_against(terms, bags, frequency, total, limit=limit)
    return [
        {
            "id": int(m.id),
            "title": about[m.id][0],
            "territory": about[m.id][1],
            "score": m.score,
            "words": [written.get(term, term) for term in m.terms[:6]],
        }
        for m in matches
    ]


def _as_entries(found: list[dict]) -> list[Entry]:
    from django.urls import reverse

    return [
        Entry(
            label=item["title"],
            url=reverse("knowledge:record", args=[item["id"]]),
            detail=f"{item['territory']} — mots en commun : {', '.join(item['words'])}",
        )
        for item in found
    ]


def text_of(obj) -> tuple[str, int | None]:
    """The words of an application, a community or a vision element, and its territory (EPCI)."""
    label = obj._meta.label_lower
    if label == "calls.application":
        parts = [obj.title, obj.purpose, obj.objectives, obj.description, obj.public_description]
        return " ".join(parts), obj.call.epci_id
    if label == "communities.community":
        axes = obj.roadmaps.values_list("axes__title", flat=True)
        return " ".join([obj.name, obj.objective, *[a for a in axes if a]]), obj.epci_id
    if label == "visions.element":
        return obj.text, obj.version.vision.epci_id
    return "", None


def records_like(record) -> list[Entry]:
    """« Fiches semblables » on a published record: the other published records, of any territory, closest to
    its words."""
    parts = [record.title, record.summary, record.context, record.method, record.results, record.lessons]
    text = " ".join(parts)
    return _as_entries(similar_records(text, exclude_pk=record.pk))


def entries(obj, user) -> list[Entry]:
    """The provider listed in settings.COOPERER_SIMILAR_ELSEWHERE: published records are public, so every
    reader of the page may see them."""
    text, epci_id = text_of(obj)
    if not text.strip():
        return []
    return _as_entries(similar_records(text, exclude_epci_id=epci_id))
