"""What communities of action offer the pages that gather several domains: the next meetings of the communities
a person animates or belongs to (home page), and the communities a partner suggestion can be invited into."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin
from cooperer.communities.models import Community, Meeting
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
        more=("Voir la liste", reverse("communities:list")),
    )  # fmt: skip


def invitations(user) -> list[tuple[str, str]]:
    """(community name, invitation page) of the communities the person animates: one query, then each partner
    suggestion adds `?structure=<pk>` to preselect itself."""
    epcis = animated_epci_ids(user)
    if is_platform_admin(user):
        communities = Community.objects.all()
    elif epcis:
        communities = Community.objects.filter(epci__in=epcis)
    else:
        return []
    return [(c.name, reverse("communities:invite", args=[c.pk])) for c in communities.only("pk", "name")[:5]]
