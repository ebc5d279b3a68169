"""What communities of action offer the home page: the next meetings of the communities a person animates or
belongs to, each leading to its meeting page."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cooperer.accounts.permissions import animated_epci_ids
from cooperer.communities.models import Meeting
from cooperer.core.home import Entry, Section
from cooperer.core.typography import long_datetime

MEETINGS = 6


def section(user) -> Section | None:
    epcis = animated_epci_ids(user)
    mine = Q(
        instance__community__memberships__user_id=user.pk, instance__community__memberships__left_on=None
    )
    if not epcis and not user.community_memberships.filter(left_on=None).exists():
        return None
    upcoming = (
        Meeting.objects.filter(Q(instance__community__epci__in=epcis) | mine, starts_at__gte=timezone.now())
        .select_related("instance__community")
        .distinct()
        .order_by("starts_at", "pk")[:MEETINGS]
    )
    entries = [
        Entry(
            f"{m.instance.community.name} — {m.instance.name}",
            m.get_absolute_url(),
            long_datetime(m.starts_at),
        )
        for m in upcoming
    ]
    return Section(
        "reunions", "Prochaines réunions", entries=entries, empty="Aucune réunion prévue.",
        more=("Toutes les communautés", reverse("communities:list")),
    )  # fmt: skip
