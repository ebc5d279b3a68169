"""What calls for projects offer the pages that gather several domains: the home sections of structure members
(their applications and the open calls) and of instructors (what awaits their instruction and their funder's
opinion), the list those counts lead to, and the open calls of a QPV for its pages."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from cooperer.accounts.enums import Role
from cooperer.accounts.permissions import roles_of
from cooperer.calls.enums import ApplicationStatus, CallStatus
from cooperer.calls.models import Application, Call, Opinion
from cooperer.calls.permissions import member_structure_ids
from cooperer.core.home import Entry, Line, Section
from cooperer.core.typography import long_date

LIST_PAGE = 30
ENTRIES = 8
AWAITING = [ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED]


def open_calls(queryset=None):
    """Published calls still taking applications."""
    queryset = Call.objects.all() if queryset is None else queryset
    return queryset.filter(status=CallStatus.OPEN, closes_at__gte=timezone.now())


def of_member(user):
    """Applications of the user's structures, as applicant or partner (merged ones live on in their consortium)."""
    mine = member_structure_ids(user)
    carried = Q(applicant_id__in=mine) | Q(pk__in=Application.objects.filter(partners__structure_id__in=mine))
    return Application.objects.filter(carried).exclude(status=ApplicationStatus.MERGED)


def _instructed(user) -> Q | None:
    """The calls the user instructs for: their territory and a funder of the call they instruct for."""
    rule = None
    for role in roles_of(user):
        if role.role == Role.INSTRUCTION and role.funder:
            one = Q(call__epci_id=role.epci_id, call__funders__funder=role.funder)
            rule = one if rule is None else rule | one
    return rule


def to_instruct(user):
    rule = _instructed(user)
    if rule is None:
        return Application.objects.none()
    ids = Application.objects.filter(rule).values("pk")
    return Application.objects.filter(pk__in=ids, status__in=AWAITING)


def _without_opinion(user, queryset):
    funders = {r.funder for r in roles_of(user) if r.role == Role.INSTRUCTION and r.funder}
    given = Opinion.objects.filter(application=OuterRef("pk"), funder__in=funders)
    return queryset.exclude(Exists(given))


def applications_section(user) -> Section | None:
    if not member_structure_ids(user):
        return None
    mine = of_member(user)
    counts = mine.aggregate(
        draft=Count("pk", filter=Q(status=ApplicationStatus.DRAFT)),
        complements=Count("pk", filter=Q(status=ApplicationStatus.COMPLEMENTS)),
        pending=Count("pk", filter=Q(status__in=AWAITING)),
        decided=Count("pk", filter=Q(status=ApplicationStatus.DECIDED)),
    )
    url = reverse("calls:applications")
    lines = [
        Line(counts["complements"], "demande attend vos compléments", "demandes attendent vos compléments",
             f"{url}?etat={ApplicationStatus.COMPLEMENTS}", "Aucun complément demandé."),
        Line(counts["draft"], "brouillon à déposer", "brouillons à déposer", f"{url}?etat={ApplicationStatus.DRAFT}"),
        Line(counts["pending"], "demande en cours d'instruction", "demandes en cours d'instruction",
             f"{url}?etat=instruction"),
        Line(counts["decided"], "demande décidée", "demandes décidées", f"{url}?etat={ApplicationStatus.DECIDED}"),
        Line(open_calls().count(), "appel ouvert", "appels ouverts", f"{reverse('calls:list')}?etat=ouverts",
             "Aucun appel ouvert en ce moment."),
    ]  # fmt: skip
    latest = mine.select_related("call").order_by("-created_at", "-pk")[:ENTRIES]
    entries = [
        Entry(a.title, a.get_absolute_url(), f"{a.call.name} — {a.get_status_display()}") for a in latest
    ]
    return Section(
        "mes-demandes", "Vos demandes de subvention", lines, entries,
        empty="Vos structures n'ont encore aucune demande.", more=("Toutes vos demandes", url),
    )  # fmt: skip


def instruction_section(user) -> Section | None:
    if _instructed(user) is None:
        return None
    waiting = to_instruct(user)
    counts = waiting.aggregate(
        submitted=Count("pk", filter=Q(status=ApplicationStatus.SUBMITTED)),
        reviewed=Count("pk", filter=Q(status=ApplicationStatus.REVIEWED)),
    )
    without = _without_opinion(user, waiting).count()
    url = reverse("calls:applications")
    lines = [
        Line(counts["submitted"], "demande déposée attend votre instruction",
             "demandes déposées attendent votre instruction", f"{url}?liste=a_instruire&etat=submitted",
             "Aucune demande n'attend votre instruction."),
        Line(without, "demande sans l'avis de votre financeur", "demandes sans l'avis de votre financeur",
             f"{url}?liste=a_instruire&avis=manquant"),
        Line(counts["reviewed"], "demande instruite attend le comité", "demandes instruites attendent le comité",
             f"{url}?liste=a_instruire&etat=reviewed"),
    ]  # fmt: skip
    calls = (
        Call.objects.filter(pk__in=waiting.values("call_id"))
        .annotate(waiting=Count("applications", filter=Q(applications__status__in=AWAITING)))
        .order_by("closes_at")[:ENTRIES]
    )
    entries = [
        Entry(call.name, reverse("calls:committee", args=[call.pk]), _waiting(call.waiting)) for call in calls
    ]
    return Section("a-instruire", "À instruire", lines, entries)


def _waiting(count: int) -> str:
    return f"{count} demande{'s' if count > 1 else ''} en instruction"


def _listed(user, key: str):
    lists = []
    if member_structure_ids(user):
        lists.append(("mes_demandes", "Les demandes de vos structures", of_member(user)))
    if _instructed(user) is not None:
        lists.append(("a_instruire", "Les demandes à instruire", to_instruct(user)))
    if not lists:
        raise PermissionDenied(
            "Cette liste concerne les structures qui demandent et les financeurs qui instruisent."
        )
    return lists, next((item for item in lists if item[0] == key), lists[0])


@login_required
def application_list(request):
    """The list every count of the home sections leads to, filtered by state and by missing opinion."""
    lists, (key, title, queryset) = _listed(request.user, request.GET.get("liste", ""))
    state = request.GET.get("etat", "")
    if state == "instruction":
        queryset = queryset.filter(status__in=AWAITING)
    elif state in ApplicationStatus.values:
        queryset = queryset.filter(status=state)
    missing = key == "a_instruire" and request.GET.get("avis") == "manquant"
    if missing:
        queryset = _without_opinion(request.user, queryset)
    queryset = queryset.select_related("call", "applicant").order_by("-created_at", "-pk")
    page = Paginator(queryset, LIST_PAGE).get_page(request.GET.get("page"))
    return render(request, "calls/applications.html", {
        "lists": [(k, label) for k, label, _ in lists], "current": key, "title": title, "page": page,
        "state": state, "states": [("instruction", "En cours d'instruction"), *ApplicationStatus.choices],
        "missing": missing, "nav": "calls",
    })  # fmt: skip


def qpv_links(qpv, user) -> list[Entry]:
    """The open calls of the contracts this QPV belongs to."""
    calls = open_calls().filter(contract__qpvs=qpv).only("pk", "name", "closes_at").order_by("closes_at")
    return [
        Entry(
            call.name,
            call.get_absolute_url(),
            f"appel ouvert jusqu'au {long_date(call.closes_at)}",
        )
        for call in calls[:ENTRIES]
    ]
