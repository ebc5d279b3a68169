"""What shared measurement offers the home page: the bilans a structure has to file and those an instructor
has to examine, each count leading to the filtered list of bilans."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from cooperer.accounts.enums import Role
from cooperer.accounts.permissions import roles_of
from cooperer.calls.permissions import member_structure_ids
from cooperer.core.home import Line, Section
from cooperer.measurement.enums import BilanStatus
from cooperer.measurement.models import Bilan

OPEN = [BilanStatus.EXPECTED, BilanStatus.DRAFT, BilanStatus.RETURNED]


def bilan_counts(queryset) -> dict:
    today = timezone.localdate()
    return queryset.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN)),
        late=Count("pk", filter=Q(status__in=OPEN, due_on__lt=today)),
        submitted=Count("pk", filter=Q(status=BilanStatus.SUBMITTED)),
    )


def bilans_section(user) -> Section | None:
    url = reverse("measurement:bilans")
    lines = []
    if member_structure_ids(user):
        mine = bilan_counts(Bilan.objects.of_member(user))
        lines.append(Line(mine["open"], "bilan à déposer", "bilans à déposer", f"{url}?liste=a_deposer",
                          "Aucun bilan à déposer."))  # fmt: skip
        if mine["late"]:
            lines.append(
                Line(mine["late"], "bilan en retard", "bilans en retard", f"{url}?liste=a_deposer&retard=1")
            )
    if any(r.role == Role.INSTRUCTION for r in roles_of(user)):
        reviewing = bilan_counts(Bilan.objects.reviewable_by(user))
        lines.append(
            Line(reviewing["submitted"], "bilan déposé attend votre examen", "bilans déposés attendent votre examen",
                 f"{url}?liste=a_examiner&etat={BilanStatus.SUBMITTED}", "Aucun bilan n'attend votre examen.")
        )  # fmt: skip
    if not lines:
        return None
    return Section("bilans", "Bilans des actions financées", lines, more=("Tous les bilans", url))
