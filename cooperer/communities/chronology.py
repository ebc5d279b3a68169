"""The chronology of a community: phases, meetings, decisions, adopted roadmap versions, arrivals, departures
(with their reason) and ideas,
newest first, a page at a time. Pages are cut at whole days (`?avant=AAAA-MM-JJ`), so that no event is lost
between two pages and each page costs the same few queries, whatever the length of the history."""

import datetime
from dataclasses import dataclass

from django.db.models import F, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from cooperer.communities.enums import Phase
from cooperer.communities.links import url_for_each
from cooperer.communities.models import Community, Meeting

PAGE_SIZE = 50


@dataclass
class ChronologyPage:
    """Events from `before` (excluded; None: from the newest) back to the day where `size` is reached,
    that whole day included; `older` is the `before` of the next page, None when nothing is older."""

    events: list[dict]
    before: datetime.date | None
    older: datetime.date | None
    total: int


@dataclass(frozen=True)
class _Source:
    queryset: QuerySet
    field: str  # the date, or the datetime, the event happened on
    at: bool = False  # a datetime: days are local days

    def between(self, first: datetime.date | None, before: datetime.date | None) -> QuerySet:
        """Events from day `first` to the day before `before` (compared as stored: no function per row)."""
        bound = self._midnight if self.at else (lambda day: day)
        queryset = self.queryset
        if first is not None:
            queryset = queryset.filter(**{f"{self.field}__gte": bound(first)})
        if before is not None:
            queryset = queryset.filter(**{f"{self.field}__lt": bound(before)})
        return queryset

    @staticmethod
    def _midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))

    def newest_days(self, queryset: QuerySet, size: int) -> QuerySet:
        """The days of the `size` newest events of `queryset`, for a UNION ALL (no ORDER BY or LIMIT there)."""
        newest = queryset.order_by(f"-{self.field}").values("pk")[:size]
        day = TruncDate(self.field) if self.at else F(self.field)
        return (
            self.queryset.model.objects.filter(pk__in=Subquery(newest))
            .order_by()
            .annotate(day=day)
            .values_list("day", flat=True)
        )


def _sources(community: Community) -> list[_Source]:
    """One per kind of event, in the order events of the same day are listed."""
    return [
        _Source(community.transitions.all(), "on"),
        _Source(Meeting.objects.filter(instance__community=community), "starts_at", at=True),
        _Source(community.decisions.all(), "decided_on"),
        _Source(community.roadmaps.filter(adopted_on__isnull=False), "adopted_on"),
        _Source(community.memberships.all(), "joined_on"),
        _Source(community.memberships.filter(left_on__isnull=False), "left_on"),
        _Source(community.ideas.all(), "raised_on"),
    ]


def _events(querysets: list[QuerySet]) -> list[dict]:
    transitions, meetings, decisions, roadmaps, arrivals, departures, ideas = querysets
    meeting_url, roadmap_url = url_for_each("communities:meeting"), url_for_each("communities:roadmap")
    events = [
        {"on": on, "kind": "Phase", "text": f"Passage en phase « {Phase(phase).label} » : {why}"}
        for on, phase, why in transitions.values_list("on", "phase", "justification")
    ]
    events += [
        {
            "on": timezone.localdate(starts_at),
            "kind": "Réunion",
            "text": name,
            "url": meeting_url(pk),
        }
        for pk, starts_at, name in meetings.values_list("pk", "starts_at", "instance__name")
    ]
    events += [
        {"on": on, "kind": "Décision", "text": f"{text} ({name})"}
        for on, text, name in decisions.values_list("decided_on", "text", "instance__name")
    ]
    events += [
        {
            "on": on,
            "kind": "Feuille de route",
            "text": f"Version {number} adoptée",
            "url": roadmap_url(pk),
        }
        for pk, on, number in roadmaps.values_list("pk", "adopted_on", "number")
    ]
    events += [
        {"on": on, "kind": "Arrivée", "text": f"{name} rejoint la communauté"}
        for on, name in arrivals.values_list("joined_on", "structure__name")
    ]
    events += [
        {"on": on, "kind": "Départ", "text": f"{name} quitte la communauté" + (f" : {why}" if why else "")}
        for on, name, why in departures.values_list("left_on", "structure__name", "left_reason")
    ]
    events += [
        {"on": on, "kind": "Idée", "text": text} for on, text in ideas.values_list("raised_on", "text")
    ]
    events.sort(key=lambda e: e["on"], reverse=True)  # stable: within a day, in the order of the sources
    return events


def page(community: Community, before: datetime.date | None = None, size: int = PAGE_SIZE) -> ChronologyPage:
    """Phases, meetings, decisions, adopted roadmap versions, arrivals, departures and ideas, newest first, a
    page at a time. Nine queries whatever the history: the count and the page's last day (each over a UNION ALL of
    the kinds, the latter of the `size` newest of each kind only), then the page's events of each kind."""
    sources = _sources(community)
    earlier = [source.between(None, before) for source in sources]
    ids = [queryset.order_by().values("pk") for queryset in earlier]
    total = ids[0].union(*ids[1:], all=True).count()
    days = [source.newest_days(queryset, size) for source, queryset in zip(sources, earlier, strict=True)]
    last_day = next(iter(days[0].union(*days[1:], all=True).order_by("-day")[size - 1 : size]), None)
    events = _events([source.between(last_day, before) for source in sources])
    older = events[-1]["on"] if events and total > len(events) else None
    return ChronologyPage(events=events, before=before, older=older, total=total)
