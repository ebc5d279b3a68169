"""What consultations offer the pages that gather several domains: the animatrice's home section (new
contributions, those waiting to be read, the next sessions) and, for a QPV's public pages, the open forms and the
upcoming sessions of its neighbourhood."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from cooperer.accounts.permissions import animated_epci_ids
from cooperer.consultations.enums import Audience, ConsultationStatus, ContributionSource
from cooperer.consultations.models import RECENT_DAYS, Consultation, Session
from cooperer.core.home import Entry, Line, Section
from cooperer.core.typography import long_date

CONSULTATIONS = 5
SESSIONS = 6


def section(user) -> Section | None:
    epcis = animated_epci_ids(user)
    if not epcis:
        return None
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    recent = Q(contributions__created_at__gte=since, contributions__hidden_at__isnull=True)
    consultations = list(
        Consultation.objects.filter(epci__in=epcis, status=ConsultationStatus.OPEN)
        .annotate(
            new=Count("contributions", filter=recent, distinct=True),
            to_review=Count(
                "contributions",
                filter=recent
                & Q(contributions__source=ContributionSource.FORM, contributions__moderation__isnull=True),
                distinct=True,
            ),
        )
        .only("pk", "title")
        .order_by("-starts_on", "pk")[:CONSULTATIONS]
    )
    lines = []
    for consultation in consultations:
        url = reverse("consultations:contributions", args=[consultation.pk])
        lines.append(Line(consultation.new, f"nouvelle contribution — {consultation.title}",
                          f"nouvelles contributions — {consultation.title}", f"{url}?state=nouvelles",
                          f"Aucune nouvelle contribution cette semaine — {consultation.title}."))  # fmt: skip
        lines.append(Line(consultation.to_review, f"contribution à relire avant modération — {consultation.title}",
                          f"contributions à relire avant modération — {consultation.title}",
                          f"{url}?state=a_relire", f"Rien à relire — {consultation.title}."))  # fmt: skip
    upcoming = (
        Session.objects.filter(consultation__in=consultations, date__gte=timezone.localdate())
        .select_related("qpv")
        .order_by("date", "pk")[:SESSIONS]
    )
    entries = [Entry(str(s), s.get_absolute_url(), f"le {long_date(s.date)}") for s in upcoming]
    return Section(
        "concertations", "Concertations", lines, entries,
        intro="Les prochaines séances :" if entries else "",
        empty="Aucune concertation ouverte sur vos territoires." if not consultations else "",
        more=("Voir la liste", reverse("consultations:list")),
    )  # fmt: skip


def qpv_links(qpv, user) -> list[Entry]:
    """For everyone: the public forms still open in this QPV and its upcoming sessions."""
    today = timezone.localdate()
    sessions = (
        Session.objects.filter(qpv=qpv, consultation__status=ConsultationStatus.OPEN)
        .filter(Q(accepts_online=True) | Q(date__gte=today))
        .select_related("consultation")
        .order_by("date", "pk")
    )
    entries = []
    for session in sessions[:SESSIONS]:
        whom = Audience(session.audience).of_whom
        if session.date >= today:
            label = f"Rencontre {whom} le {long_date(session.date)}"
            detail = ", ".join(filter(None, [session.place, session.consultation.title]))
        else:
            label, detail = f"Donner votre avis en ligne (formulaire {whom})", session.consultation.title
        entries.append(Entry(label, session.public_url() if session.accepts_online else "", detail))
    return entries
