"""The funders' side: the instruction report, scores per criterion, funder-private notes, requests for
complements, the consortium suggestion, and the programming committee that decides with a motivation."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperer.accounts.enums import Funder
from cooperer.calls import permissions, report, services
from cooperer.calls.enums import ApplicationStatus, Verdict
from cooperer.calls.models import (
    Application,
    Grant,
    Opinion,
    PrivateNote,
    Review,
)
from cooperer.calls.services import CallError
from cooperer.core.home import similar_elsewhere
from cooperer.core.pagecache import cached_page
from cooperer.core.typography import count_of

COMMITTEE_PAGE = 30


def instructed_application(request, call_pk, pk):
    application = permissions.get_application(request, call_pk, pk)
    if not permissions.can_instruct(request.user, application.call):
        raise PermissionDenied(permissions.NOT_INSTRUCTOR)
    if application.status == ApplicationStatus.DRAFT:
        raise PermissionDenied("Cette demande n'est pas encore déposée.")
    return application


COMPLEMENTS_NEEDED = "Dites quels compléments sont attendus, avec une date limite qui n'est pas passée."


def complement_request(request) -> tuple[str, datetime.date | None]:
    """The message and the deadline of a request for complements, as posted."""
    try:
        deadline = datetime.date.fromisoformat(request.POST.get("deadline", ""))
    except ValueError:
        deadline = None
    return request.POST.get("message", "").strip(), deadline


@login_required
@cached_page()
def instruction_page(request, call_pk, pk):
    application = instructed_application(request, call_pk, pk)
    call = application.call
    mine = permissions.funders_of(request.user, call)
    reviews = {
        r.criterion_id: r for r in Review.objects.filter(application=application, reviewer=request.user)
    }
    all_reviews = (
        Review.objects.filter(application=application)
        .values("criterion__label")
        .annotate(mean=Avg("score"))
        .order_by("criterion__position")
    )
    return render(
        request,
        "calls/instruction.html",
        {
            "call": call,
            "application": application,
            "report": report.build(application),
            "criteria": [(c, reviews.get(c.pk)) for c in call.criteria.all()],
            "scores": list(all_reviews),
            # Only the notes of the funders this person instructs for; the animation sees none of them.
            "notes": PrivateNote.objects.filter(application=application, funder__in=mine).select_related(
                "author"
            ),
            "my_funders": [(value, label) for value, label in Funder.choices if value in mine],
            "complements": application.complement_requests.all(),
            "opinions": application.opinions.select_related("by"),
            "grants": Grant.objects.filter(decision__application=application).select_related("call_funder"),
            "verdicts": Verdict.choices,
            "can_decide": True,
            "elsewhere": similar_elsewhere(application, request.user),
            "nav": "calls",
        },
    )


@login_required
@require_POST
def review(request, call_pk, pk):
    application = instructed_application(request, call_pk, pk)
    saved = 0
    with transaction.atomic():
        for criterion in application.call.criteria.all():
            raw = request.POST.get(f"score-{criterion.pk}", "")
            if raw == "":
                continue
            if not raw.isdigit() or int(raw) > 5:
                messages.error(request, f"Note de « {criterion.label} » : un nombre entier de 0 à 5.")
                return redirect("calls:instruction", call_pk=call_pk, pk=pk)
            Review.objects.update_or_create(
                application=application, criterion=criterion, reviewer=request.user,
                defaults={"score": int(raw), "comment": request.POST.get(f"comment-{criterion.pk}", "")[:2000],
                          "at": timezone.now()},
            )  # fmt: skip
            saved += 1
        if saved and application.status == ApplicationStatus.SUBMITTED:
            application.status = ApplicationStatus.REVIEWED
            application.save(update_fields=["status"])
    messages.success(request, f"{count_of(saved, 'note enregistrée', 'notes enregistrées')}.")
    return redirect("calls:instruction", call_pk=call_pk, pk=pk)


@login_required
@require_POST
def private_note(request, call_pk, pk):
    application = instructed_application(request, call_pk, pk)
    funder = request.POST.get("funder", "")
    if funder not in permissions.funders_of(request.user, application.call):
        raise PermissionDenied("Vous n'instruisez pas pour ce financeur.")
    text = request.POST.get("text", "").strip()
    if not text:
        messages.error(request, "La note est vide.")
    else:
        PrivateNote.objects.create(
            application=application, funder=funder, author=request.user, text=text[:5000]
        )
        messages.success(request, "Note enregistrée : seuls les instructeurs de votre financeur la voient.")
    return redirect("calls:instruction", call_pk=call_pk, pk=pk)


@login_required
@require_POST
def ask_complements(request, call_pk, pk):
    application = instructed_application(request, call_pk, pk)
    message, deadline = complement_request(request)
    if not message or deadline is None or deadline < timezone.localdate():
        messages.error(request, COMPLEMENTS_NEEDED)
    elif application.status == ApplicationStatus.DECIDED:
        messages.error(request, "Cette demande est déjà décidée.")
    else:
        services.ask_complements([application], message=message, deadline=deadline, user=request.user)
        messages.success(
            request,
            f"Compléments demandés avant le {deadline:%d/%m/%Y} : la demande est rouverte au porteur.",
        )
    return redirect("calls:instruction", call_pk=call_pk, pk=pk)


@login_required
@require_POST
def consortium(request, call_pk, pk):
    """Accept the consortium suggestion: the competing applications join this one as co-porteurs."""
    application = instructed_application(request, call_pk, pk)
    ids = [int(i) for i in request.POST.getlist("members") if i.isdigit() and int(i) != application.pk]
    others = list(Application.objects.filter(pk__in=ids, call=application.call).select_related("applicant"))
    try:
        services.merge_into_consortium(application, others)
    except CallError as error:
        messages.error(request, str(error))
    else:
        names = ", ".join(o.applicant.name for o in others)
        messages.success(
            request,
            f"Consortium formé : {names} rejoignent la demande comme co-porteurs ; leurs contacts reçoivent une "
            "invitation à co-construire la demande commune.",
        )
    return redirect("calls:instruction", call_pk=call_pk, pk=pk)


@login_required
@require_POST
def opinion(request, call_pk, pk):
    """The funder's opinion that goes to the committee, given by one of its instructors."""
    application = instructed_application(request, call_pk, pk)
    funder = request.POST.get("funder", "")
    if funder not in permissions.funders_of(request.user, application.call):
        raise PermissionDenied("Seuls les instructeurs d'un financeur donnent son avis.")
    verdict = request.POST.get("verdict", "")
    try:
        amount = Decimal(request.POST.get("amount") or "0") or None
    except ArithmeticError:
        amount = Decimal("-1")
    if verdict not in Verdict.values or (amount is not None and amount < 0):
        messages.error(request, "Choisissez un avis, et un montant proposé positif s'il y en a un.")
    else:
        Opinion.objects.update_or_create(
            application=application, funder=funder,
            defaults={"verdict": verdict, "amount": amount, "comment": request.POST.get("comment", "")[:2000],
                      "by": request.user, "at": timezone.now()},
        )  # fmt: skip
        messages.success(request, "Avis enregistré : il sera présenté au comité.")
    return redirect("calls:instruction", call_pk=call_pk, pk=pk)


@login_required
@require_POST
def convention(request, call_pk, pk, grant_pk):
    """The convention of one funder's grant: its reference, date and payment terms (what the SCDL file publishes)."""
    application = instructed_application(request, call_pk, pk)
    grant = get_object_or_404(
        Grant.objects.select_related("call_funder"), pk=grant_pk, decision__application=application
    )
    if not (permissions.can_manage(request.user, application.call)
            or grant.call_funder.funder in permissions.funders_of(request.user, application.call)):  # fmt: skip
        raise PermissionDenied("Seuls ce financeur et l'animation du territoire tiennent sa convention.")
    try:
        signed = datetime.date.fromisoformat(request.POST.get("convention_date", ""))
    except ValueError:
        signed = None
    reference = request.POST.get("convention_reference", "").strip()[:120]
    conditions = request.POST.get("payment_conditions", "").strip()[:256] or "unique"
    if signed is None or not reference:
        messages.error(request, "La convention a une référence et une date de signature.")
    elif signed > timezone.localdate():
        messages.error(request, "La date de signature ne peut pas être dans le futur.")
    else:
        grant.convention_reference, grant.convention_date, grant.payment_conditions = (
            reference,
            signed,
            conditions,
        )
        grant.save(update_fields=["convention_reference", "convention_date", "payment_conditions"])
        messages.success(request, f"Convention {reference} enregistrée ({grant.call_funder.name}).")
    return redirect("calls:instruction", call_pk=call_pk, pk=pk)
