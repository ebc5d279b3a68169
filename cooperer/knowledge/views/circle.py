"""Widening a community's circle: its open events, suggested structures with why, invitations, registrations,
and who joined afterwards. The community's backbone prepares them; its members and observers read them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cooperer.accounts.permissions import get_community_for
from cooperer.actors.models import Structure
from cooperer.communities.enums import MemberRole
from cooperer.communities.services import CommunityError
from cooperer.knowledge import circle
from cooperer.knowledge.kit_forms import CircleEventForm, GuestForm
from cooperer.knowledge.models import CircleEvent


@login_required
def events(request, community_pk):
    community = get_community_for(request, community_pk, MemberRole.OBSERVER)
    is_backbone = community.user_role == MemberRole.BACKBONE
    form = CircleEventForm(request.POST or None, community=community) if is_backbone else None
    if request.method == "POST":
        community = get_community_for(request, community_pk, MemberRole.BACKBONE)
        if form.is_valid():
            form.instance.community = community
            form.instance.created_by = request.user
            event = form.save()
            messages.success(request, "Événement créé : invitez maintenant les structures suggérées.")
            return redirect(event)
    listed = community.circle_events.order_by("-held_on", "pk")
    return render(
        request,
        "knowledge/spreading/events.html",
        {"community": community, "events": listed, "form": form, "is_backbone": is_backbone},
    )


def _event(request, pk, needed):
    event = get_object_or_404(CircleEvent.objects.select_related("community"), pk=pk)
    event.community = get_community_for(request, event.community_id, needed)
    return event


@login_required
def event_detail(request, pk):
    event = _event(request, pk, MemberRole.OBSERVER)
    is_backbone = event.community.user_role == MemberRole.BACKBONE
    guests = list(event.guests.select_related("structure"))
    suggested = circle.suggestions(event) if is_backbone else []
    emails: dict[int, str] = {}
    for structure_pk, email in (
        Structure.objects.filter(pk__in=[s.structure.pk for s in suggested], people__email__gt="")
        .order_by("pk", "people__pk")
        .values_list("pk", "people__email")
    ):
        emails.setdefault(structure_pk, email)  # the first contact's address, to be corrected if need be
    return render(
        request,
        "knowledge/spreading/event.html",
        {
            "event": event,
            "community": event.community,
            "guests": guests,
            "registered": sum(1 for g in guests if g.registered_at),
            "suggestions": [(s, emails.get(s.structure.pk, "")) for s in suggested],
            "joined": circle.joined_after(event),
            "is_backbone": is_backbone,
        },
    )


@login_required
@require_POST
def event_invite(request, pk):
    event = _event(request, pk, MemberRole.BACKBONE)
    form = GuestForm(request.POST)
    if not form.is_valid():
        errors = " ".join(error for errors in form.errors.values() for error in errors)
        messages.error(request, f"L'invitation n'a pas été envoyée : {errors}")
        return redirect(event)
    suggested = {s.structure.pk: s for s in circle.suggestions(event, limit=200)}
    chosen = suggested.get(form.cleaned_data["structure"])
    if chosen is None:
        messages.error(
            request,
            "Cette structure n'est pas parmi les suggestions (déjà membre, déjà invitée ou hors du territoire).",
        )
        return redirect(event)
    try:
        circle.invite(
            event, chosen.structure, email=form.cleaned_data["email"], reasons=chosen.reasons, by=request.user,
            join=form.cleaned_data["join"],
        )  # fmt: skip
    except (circle.CircleError, CommunityError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"« {chosen.structure.name} » est invitée.")
    return redirect(event)


@login_required
@require_POST
def event_register(request, pk, guest_pk):
    event = _event(request, pk, MemberRole.BACKBONE)
    guest = get_object_or_404(event.guests.select_related("structure"), pk=guest_pk)
    registered = request.POST.get("inscrite") == "oui"
    circle.register(guest, registered)
    messages.success(
        request, f"« {guest.structure.name} » " + ("est inscrite." if registered else "n'est plus inscrite.")
    )
    return redirect(event)
