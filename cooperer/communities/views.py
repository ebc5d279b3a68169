import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperer.accounts.permissions import (
    animated_epci_ids,
    get_community_for,
    is_platform_admin,
    roles_of,
)
from cooperer.communities import chronology, services
from cooperer.communities.enums import MemberRole, RoadmapStatus
from cooperer.communities.fiche import community_fiche_context, community_pdf
from cooperer.communities.forms import (
    ActionForm,
    AdoptForm,
    AxisForm,
    CommunityForm,
    DecisionForm,
    IdeaForm,
    InstanceForm,
    InviteForm,
    LeaveForm,
    MeetingForm,
    MemberForm,
    PhaseForm,
    WorkingGroupForm,
    WorkshopForm,
)
from cooperer.communities.links import url_for_each
from cooperer.communities.models import Community, Idea, Meeting, Membership, PlannedAction, RoadmapVersion
from cooperer.communities.network import member_network_svg
from cooperer.core.home import similar_elsewhere
from cooperer.core.pagecache import cached_page
from cooperer.core.params import id_param
from cooperer.core.typography import of
from cooperer.territories.models import Epci

BACKBONE, MEMBER, OBSERVER = MemberRole.BACKBONE, MemberRole.MEMBER, MemberRole.OBSERVER
PAGE_SIZE = 50


def _form_page(request, community, form, title, intro=""):
    return render(
        request,
        "communities/form.html",
        {"community": community, "form": form, "title": title, "intro": intro, "nav": "communities"},
    )


@login_required
def community_list(request):
    communities = Community.objects.select_related("epci").annotate(
        member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True), distinct=True)
    )
    if not is_platform_admin(request.user):
        epcis = {a.epci_id for a in roles_of(request.user)}
        communities = communities.filter(Q(epci__in=epcis) | Q(memberships__user=request.user)).distinct()
    can_create = is_platform_admin(request.user) or bool(animated_epci_ids(request.user))
    return render(
        request,
        "communities/list.html",
        {"communities": communities, "can_create": can_create, "nav": "communities"},
    )


def _allowed_epcis(user):
    return (
        Epci.objects.all() if is_platform_admin(user) else Epci.objects.filter(pk__in=animated_epci_ids(user))
    )


@login_required
def community_create(request):
    allowed = _allowed_epcis(request.user)
    if not allowed.exists():
        raise PermissionDenied("Seules les animatrices et les administrateur·rices créent une communauté.")
    form = CommunityForm(request.POST or None, allowed_epcis=allowed)
    if request.method == "POST" and form.is_valid():
        community = form.save()
        messages.success(request, f"La communauté « {community.name} » est créée.")
        return redirect(community)
    return _form_page(request, None, form, "Nouvelle communauté")


@login_required
def community_edit(request, pk):
    community = get_community_for(request, pk, BACKBONE)
    form = CommunityForm(request.POST or None, instance=community, allowed_epcis=_allowed_epcis(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "La communauté est mise à jour.")
        return redirect(community)
    return _form_page(request, community, form, "Modifier la communauté")


def _member_page(request, community):
    """The page of current members (50) as plain rows, the offers of all of them for the matrix, and the
    first 20 former members' names: all memberships are listed once (a few columns), the page read apart."""
    everyone = list(
        community.memberships.values_list("pk", "left_on", "structure__name", "structure__offers")
    )
    current = [(pk, offers) for pk, left_on, _, offers in everyone if left_on is None]
    former = [name for _, left_on, name, _ in everyone if left_on is not None][:20]
    page = Paginator([pk for pk, _ in current], PAGE_SIZE).get_page(request.GET.get("membres"))
    rows = services.member_rows(community.memberships.filter(pk__in=page.object_list))
    by_pk = {row.pk: row for row in rows}
    members = [by_pk[pk] for pk in page.object_list]
    structure_url = url_for_each("actors:structure")
    leave_url = url_for_each("communities:member_leave", community.pk)
    for row in members:
        row.url, row.leave_url = structure_url(row.structure_id), leave_url(row.pk)
    return page, members, [offers for _, offers in current], former


@login_required
@cached_page()
def community_detail(request, pk):
    """A constant number of queries; the network drawing comes apart (community_network, through htmx)."""
    community = get_community_for(request, pk, OBSERVER)
    member_page, members, all_offers, former = _member_page(request, community)
    upcoming, past = services.meetings_around(community)
    context = {
        "community": community,
        "is_backbone": community.user_role == BACKBONE,
        "is_member": community.user_role in (BACKBONE, MEMBER),
        "phases": services.phase_progress(community),
        "structures": services.structure_names(community),
        "qpvs": [f"{name} ({code})" for name, code in community.qpvs.values_list("name", "code")],
        "transitions": community.transitions.all(),
        "instances": community.instances.all(),
        "member_page": member_page,
        "members": members,
        "former": former,
        "matrix": services.complementarity_matrix(community, members, all_offers),
        "upcoming": upcoming,
        "past": past,
        "decisions": community.decisions.select_related("instance")[:10],
        "ideas": community.ideas.select_related("raised_at__instance")[:10],
        "workshops": community.workshops.all()[:5],
        "roadmaps": community.roadmaps.select_related("adopted_by"),
        "missions": [(m, done) for m, done in (community.backbone_missions or {}).items()],
        "elsewhere": similar_elsewhere(community, request.user),
        "nav": "communities",
    }
    return render(request, "communities/detail.html", context)


@login_required
def community_network(request, pk):
    """The drawing of the members' cooperation network: a fragment loaded by the detail page, or a page."""
    community = get_community_for(request, pk, OBSERVER)
    context = {"community": community, "svg": member_network_svg(community), "nav": "communities"}
    template = "communities/_network.html" if request.htmx else "communities/network.html"
    return render(request, template, context)


@login_required
def member_add(request, pk):
    community = get_community_for(request, pk, BACKBONE)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_member(
                community,
                data["structure"],
                role=data["role"],
                level=data["level"],
                contribution=data["contribution"],
                joined_on=data["joined_on"],
            )
        except services.CommunityError as exc:
            form.add_error("structure", str(exc))
        else:
            messages.success(request, f"« {data['structure']} » rejoint la communauté.")
            return redirect(community)
    return _form_page(request, community, form, "Ajouter un membre")


@login_required
def member_leave(request, pk, membership_pk):
    """A departure is confirmed on its own page, with its reason, which the chronology keeps."""
    community = get_community_for(request, pk, BACKBONE)
    membership = get_object_or_404(
        Membership.objects.select_related("structure"), pk=membership_pk, community=community
    )
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.leave(membership, form.cleaned_data["on"], form.cleaned_data["reason"])
        except services.CommunityError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"« {membership.structure} » a quitté la communauté ; son historique est conservé."
            )
        return redirect(community)
    intro = (
        f"« {membership.structure} » quittera la communauté : son historique (réunions, décisions, actions) est "
        "conservé et son départ apparaîtra dans la chronologie avec son motif."
    )
    return _form_page(request, community, form, f"Départ {of(str(membership.structure))}", intro)


@login_required
def invite(request, pk):
    community = get_community_for(request, pk, BACKBONE)
    form = InviteForm(request.POST or None, initial={"structure": request.GET.get("structure")})
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(
                community,
                form.cleaned_data["structure"],
                form.cleaned_data["email"],
                form.cleaned_data["role"],
                request.user,
            )
        except services.CommunityError as exc:
            form.add_error("structure", str(exc))
        else:
            messages.success(request, f"Invitation envoyée à {form.cleaned_data['email']}.")
            return redirect(community)
    return _form_page(
        request,
        community,
        form,
        "Inviter une structure",
        "La personne invitée reçoit un lien à ouvrir une fois connectée.",
    )


@login_required
def accept(request, token):
    if request.method == "POST":
        try:
            membership = services.accept_invitation(token, request.user)
        except services.CommunityError as exc:
            messages.error(request, str(exc))
            return redirect("communities:list")
        messages.success(request, f"Bienvenue dans « {membership.community} ».")
        return redirect(membership.community)
    invitation = (
        services.Invitation.objects.select_related("community", "structure").filter(token=token).first()
    )
    return render(request, "communities/accept.html", {"invitation": invitation, "nav": "communities"})


@login_required
def phase_change(request, pk):
    community = get_community_for(request, pk, BACKBONE)
    form = PhaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_phase(
                community,
                form.cleaned_data["phase"],
                form.cleaned_data["on"],
                form.cleaned_data["justification"],
                request.user,
            )
        except services.CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Le changement de phase est enregistré.")
            return redirect(community)
    return _form_page(
        request,
        community,
        form,
        "Changer de phase",
        "Préfiguration / impulsion → structuration → pérennisation : dites ce qui justifie le passage.",
    )


@login_required
def instance_create(request, pk):
    community = get_community_for(request, pk, BACKBONE)
    form = InstanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.community = community
        form.save()
        return redirect(community)
    return _form_page(request, community, form, "Nouvelle instance")


@login_required
def meeting_create(request, pk):
    community = get_community_for(request, pk, BACKBONE)
    form = MeetingForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.schedule_meeting(
                data["instance"],
                starts_at=data["starts_at"],
                place=data["place"],
                agenda=data["agenda"],
                convene=data["convene"],
            )
        except services.CommunityError as exc:
            form.add_error(exc.field or "starts_at", str(exc))
        else:
            if meeting.notification is None:
                messages.success(request, "La réunion est programmée.")
            else:
                messages.success(
                    request,
                    f"La réunion est programmée ; convocation {meeting.notification.describe()}.",
                )
            return redirect(meeting)
    return _form_page(request, community, form, "Programmer une réunion")


@login_required
def meeting_detail(request, meeting_pk):
    meeting = get_object_or_404(Meeting.objects.select_related("instance"), pk=meeting_pk)
    community = get_community_for(request, meeting.instance.community_id, OBSERVER)
    if request.method == "POST":
        if community.user_role != BACKBONE:
            raise PermissionDenied(
                "Seule la fonction de soutien tient la feuille de présence et le compte rendu."
            )
        ids = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        try:
            services.record_attendance(meeting, ids)
        except services.CommunityError as exc:
            messages.error(request, str(exc))
        else:
            meeting.minutes = request.POST.get("minutes", meeting.minutes)
            meeting.save(update_fields=["minutes"])
            messages.success(request, "Présences et compte rendu enregistrés.")
        return redirect(meeting)
    day = services.attendance_opens_on(meeting)
    present = set(meeting.attendances.filter(present=True).values_list("membership_id", flat=True))
    rows = (
        community.memberships.filter(joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .values_list("pk", "structure__name", "structure__acronym")
    )
    # Plain rows: the attendance sheet has one line per member (200 and more), no model instances needed.
    members = [
        {"id": str(pk), "name": f"{name} ({acronym})" if acronym else name, "present": pk in present}
        for pk, name, acronym in rows
    ]
    context = {
        "meeting": meeting, "community": community, "members": members,
        "is_backbone": community.user_role == BACKBONE, "decisions": meeting.decisions.all(), "ideas": meeting.ideas.all(),
        "has_taken_place": day <= timezone.localdate(), "opens_on": day, "nav": "communities",
    }  # fmt: skip
    return render(request, "communities/meeting.html", context)


@login_required
def decision_create(request, pk):
    community = get_community_for(request, pk, BACKBONE)
    form = DecisionForm(request.POST or None, community=community)
    meeting = Meeting.objects.filter(
        pk=id_param(request.GET.get("reunion")), instance__community=community
    ).first()
    if meeting and not form.is_bound:
        form.initial.update(instance=meeting.instance, decided_on=timezone.localdate(meeting.starts_at))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.record_decision(
                community,
                instance=data["instance"],
                text=data["text"],
                decided_on=data["decided_on"],
                meeting=meeting,
                actions=data["actions"],
            )
        except services.CommunityError as exc:
            form.add_error(exc.field, str(exc))
        else:
            notification = decision.notification.describe()
            messages.success(request, f"La décision est enregistrée ; information {notification}.")
            return redirect(meeting or community)
    return _form_page(request, community, form, "Enregistrer une décision")


@login_required
def decisions(request, pk):
    community = get_community_for(request, pk, OBSERVER)
    page = Paginator(
        community.decisions.select_related("instance", "meeting", "roadmap"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request, "communities/decisions.html", {"community": community, "page": page, "nav": "communities"}
    )


@login_required
def idea_create(request, pk):
    community = get_community_for(request, pk, MEMBER)
    form = IdeaForm(
        request.POST or None, community=community, initial={"raised_at": request.GET.get("reunion")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        idea = services.log_idea(
            community, data["text"], meeting=data["raised_at"], raised_on=data["raised_on"]
        )
        if community.user_role == BACKBONE:
            idea.status, idea.follow_up = data["status"], data["follow_up"]
            idea.save(update_fields=["status", "follow_up"])
        messages.success(request, "L'idée est inscrite au registre.")
        return redirect(data["raised_at"] or community)
    return _form_page(
        request,
        community,
        form,
        "Noter une idée",
        "Le registre des idées garde trace de ce qui émerge et de ce qu'on en fait.",
    )


@login_required
def idea_edit(request, pk, idea_pk):
    community = get_community_for(request, pk, BACKBONE)
    idea = get_object_or_404(Idea, pk=idea_pk, community=community)
    form = IdeaForm(request.POST or None, instance=idea, community=community)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(community)
    return _form_page(request, community, form, "Suivi de l'idée")


@login_required
def workshop_create(request, pk):
    community = get_community_for(request, pk, BACKBONE)
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.community = community
        form.save()
        return redirect(community)
    return _form_page(request, community, form, "Nouvel atelier")


def _roadmap(request, roadmap_pk, needed):
    roadmap = get_object_or_404(RoadmapVersion, pk=roadmap_pk)
    community = get_community_for(request, roadmap.community_id, needed)
    return roadmap, community


@login_required
def roadmap_detail(request, roadmap_pk):
    roadmap, community = _roadmap(request, roadmap_pk, OBSERVER)
    axes = roadmap.axes.prefetch_related(
        Prefetch(
            "actions", queryset=PlannedAction.objects.select_related("lead").prefetch_related("partners")
        ),
        "working_groups",
    )
    context = {
        "roadmap": roadmap, "community": community, "axes": axes, "is_backbone": community.user_role == BACKBONE,
        "versions": community.roadmaps.exclude(pk=roadmap.pk), "adopt_form": AdoptForm(community=community),
        "nav": "communities",
    }  # fmt: skip
    return render(request, "communities/roadmap.html", context)


@login_required
@require_POST
def roadmap_new(request, pk):
    community = get_community_for(request, pk, BACKBONE)
    version = services.new_roadmap_version(community)
    messages.success(request, f"Version {version.number} créée en brouillon, à partir de la précédente.")
    return redirect(version)


def _draft(request, roadmap_pk):
    roadmap, community = _roadmap(request, roadmap_pk, BACKBONE)
    if roadmap.status != RoadmapStatus.DRAFT:
        raise PermissionDenied("Une version adoptée ne se modifie plus : créez une nouvelle version.")
    return roadmap, community


@login_required
def axis_create(request, roadmap_pk):
    roadmap, community = _draft(request, roadmap_pk)
    form = AxisForm(request.POST or None, initial={"order": roadmap.axes.count() + 1})
    if request.method == "POST" and form.is_valid():
        form.instance.roadmap = roadmap
        form.save()
        return redirect(roadmap)
    return _form_page(request, community, form, f"Nouvel axe — {roadmap}")


@login_required
def action_create(request, roadmap_pk):
    roadmap, community = _draft(request, roadmap_pk)
    form = ActionForm(request.POST or None, roadmap=roadmap)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(roadmap)
    return _form_page(request, community, form, f"Nouvelle action — {roadmap}")


@login_required
def action_edit(request, roadmap_pk, action_pk):
    roadmap, community = _draft(request, roadmap_pk)
    action = get_object_or_404(PlannedAction, pk=action_pk, axis__roadmap=roadmap)
    form = ActionForm(request.POST or None, instance=action, roadmap=roadmap)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(roadmap)
    return _form_page(request, community, form, f"Modifier l'action — {roadmap}")


@login_required
def working_group_create(request, roadmap_pk):
    roadmap, community = _roadmap(request, roadmap_pk, BACKBONE)
    form = WorkingGroupForm(request.POST or None, roadmap=roadmap)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(roadmap)
    return _form_page(request, community, form, f"Nouveau groupe de travail — {roadmap}")


@login_required
@require_POST
def roadmap_adopt(request, roadmap_pk):
    roadmap, community = _roadmap(request, roadmap_pk, BACKBONE)
    form = AdoptForm(request.POST, community=community)
    if form.is_valid():
        previous = community.roadmaps.filter(status=RoadmapStatus.ADOPTED).exclude(pk=roadmap.pk).first()
        try:
            decision = services.adopt_roadmap(
                roadmap, instance=form.cleaned_data["instance"], on=form.cleaned_data["on"]
            )
        except services.CommunityError as exc:
            messages.error(request, str(exc))
        else:
            replaced = f" ; la version {previous.number} est remplacée" if previous else ""
            messages.success(
                request,
                f"La version {roadmap.number} est adoptée{replaced}. "
                f"Information {decision.notification.describe()}.",
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(roadmap)


@login_required
def roadmap_compare(request, pk):
    community = get_community_for(request, pk, OBSERVER)
    versions = list(community.roadmaps.all())
    by_number = {str(v.number): v for v in versions}
    old, new = by_number.get(request.GET.get("de")), by_number.get(request.GET.get("a"))
    if old is None or new is None:
        old, new = (versions[-2], versions[-1]) if len(versions) >= 2 else (None, None)
    diff = services.compare_roadmaps(old, new) if old and new else None
    context = {
        "community": community,
        "versions": versions,
        "old": old,
        "new": new,
        "diff": diff,
        "nav": "communities",
    }
    return render(request, "communities/compare.html", context)


def _day(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def timeline(request, pk):
    """Newest first, a page at a time: ?avant=AAAA-MM-JJ shows what happened before that day."""
    community = get_community_for(request, pk, OBSERVER)
    page = chronology.page(community, before=_day(request.GET.get("avant")))
    return render(
        request, "communities/timeline.html", {"community": community, "page": page, "nav": "communities"}
    )


@login_required
def fiche(request, pk):
    community = get_community_for(request, pk, OBSERVER)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(community_pdf(community), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="fiche-communaute-{community.pk}.pdf"'
        return response
    return render(
        request,
        "communities/fiche.html",
        {"community": community, "fiche": community_fiche_context(community), "nav": "communities"},
    )
