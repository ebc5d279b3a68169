"""Bilans of funded actions: the structure writes and deposits its bilan and compte-rendu financier in one form
that keeps every word typed; an instructor of a funder that granted the action returns it with a comment or
approves it. Who may do what is decided here, on the server (`can_write`, `can_read`, `followup.can_review`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperer.accounts.enums import Role
from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin, roles_of
from cooperer.calls.enums import PartnerRole
from cooperer.calls.permissions import member_structure_ids
from cooperer.measurement import followup, notifications
from cooperer.measurement.enums import DISAGGREGATION_CATEGORIES, BilanStatus, Disaggregation
from cooperer.measurement.home import OPEN
from cooperer.measurement.models import Bilan, BilanExpense
from cooperer.measurement.services import parse_decimal

PAGE = 50


def _is_own(user, bilan) -> bool:
    mine = member_structure_ids(user)
    application = bilan.application
    return application.applicant_id in mine or any(
        p.structure_id in mine and p.role == PartnerRole.CO_LEAD for p in application.partners.all()
    )


def can_write(user, bilan) -> bool:
    return bilan.is_editable and _is_own(user, bilan)


def can_read(user, bilan) -> bool:
    if is_platform_admin(user) or _is_own(user, bilan) or followup.can_review(user, bilan):
        return True
    return bilan.application.call.epci_id in animated_epci_ids(user)


@login_required
def bilan_list(request):
    user = request.user
    base = Bilan.objects.select_related("application__applicant", "application__call__contract")
    sections = []
    if member_structure_ids(user):
        sections.append(("a_deposer", "Les bilans de vos actions", base.of_member(user)))
    if any(r.role == Role.INSTRUCTION for r in roles_of(user)):
        sections.append(("a_examiner", "Les bilans des actions que vous financez", base.reviewable_by(user)))
    animated = animated_epci_ids(user)
    if is_platform_admin(user):
        sections.append(("territoire", "Tous les bilans", base))
    elif animated:
        sections.append(
            (
                "territoire",
                "Tous les bilans de vos territoires",
                base.filter(application__call__epci_id__in=animated),
            )
        )
    if not sections:
        raise PermissionDenied(
            "Les bilans concernent les structures financées, leurs financeurs et l'animation."
        )
    key = request.GET.get("liste") or sections[0][0]
    current = next((s for s in sections if s[0] == key), sections[0])
    # What awaits an instructor is what was deposited: that is the list they start from (« Tous » shows the rest).
    state = request.GET.get("etat", BilanStatus.SUBMITTED if current[0] == "a_examiner" else "")
    queryset = current[2]
    if state in BilanStatus.values:
        queryset = queryset.filter(status=state)
    late = request.GET.get("retard") == "1"
    if late:
        queryset = queryset.filter(status__in=OPEN, due_on__lt=timezone.localdate())
    order = ["-status", "due_on", "pk"] if current[0] == "a_examiner" else ["due_on", "pk"]
    columns = ("pk", "status", "due_on", "period_start", "period_end", "submitted_at", "is_demo", "application__title",
               "application__applicant__name")  # fmt: skip
    queryset = queryset.select_related(None).select_related("application__applicant").only(*columns)
    page = Paginator(queryset.order_by(*order), PAGE).get_page(request.GET.get("page"))
    return render(request, "measurement/bilans/list.html", {
        "sections": [(k, label) for k, label, _ in sections], "current": current[0], "title": current[1],
        "page": page, "state": state, "states": BilanStatus.choices, "late": late, "nav": "measurement",
    })  # fmt: skip


def _get_bilan(request, pk) -> Bilan:
    bilan = get_object_or_404(
        Bilan.objects.select_related(
            "application__applicant", "application__call__contract", "application__call__epci",
            "application__decision",
        ).prefetch_related("application__partners"),
        pk=pk,
    )  # fmt: skip
    if not can_read(request.user, bilan):
        raise PermissionDenied("Ce bilan ne vous est pas accessible.")
    return bilan


def _axes():
    return [
        (axis, Disaggregation(axis).label, list(DISAGGREGATION_CATEGORIES[axis].items()))
        for axis in (Disaggregation.SEX, Disaggregation.AGE)
    ]


def _read_form(request, bilan, obligations, expenses) -> dict:
    """Everything typed, kept as typed, and the field errors of what cannot be read."""
    post, errors = request.POST, {}
    typed = {"narrative": post.get("narrative", ""), "participants": post.get("participants", "").strip(),
             "participants_qpv": post.get("participants_qpv", "").strip()}  # fmt: skip
    numbers = {}
    for name in ("participants", "participants_qpv"):
        value = parse_decimal(typed[name]) if typed[name] else None
        if typed[name] and (value is None or value < 0 or value != value.to_integral_value()):
            errors[name] = "Indiquez un nombre entier de personnes."
        numbers[name] = int(value) if value is not None and name not in errors else None
    breakdown = {}
    for axis, _, categories in _axes():
        cells = {}
        for code, _label in categories:
            text = post.get(f"{axis}_{code}", "").strip()
            typed[f"{axis}_{code}"] = text
            if text:
                value = parse_decimal(text)
                if value is None or value < 0 or value != value.to_integral_value():
                    errors[f"{axis}_{code}"] = "Un nombre entier de personnes."
                else:
                    cells[code] = int(value)
        if cells:
            breakdown[axis] = cells
    results = {}
    for obligation in obligations:
        text = post.get(f"result_{obligation.pk}", "").strip()
        results[str(obligation.pk)] = text
        if text and parse_decimal(text) is None:
            errors[f"result_{obligation.pk}"] = "Indiquez un nombre (par exemple 12 ou 12,5)."
    realised = {}
    for expense in expenses:
        text = post.get(f"realised_{expense.pk}", "").strip()
        typed[f"realised_{expense.pk}"] = text
        typed[f"explanation_{expense.pk}"] = post.get(f"explanation_{expense.pk}", "")
        value = parse_decimal(text) if text else None
        if text and (value is None or value < 0):
            errors[f"realised_{expense.pk}"] = "Indiquez un montant en euros (par exemple 1 250,50)."
        realised[expense.pk] = value
    return {"typed": typed, "numbers": numbers, "breakdown": breakdown, "results": results, "realised": realised,
            "errors": errors}  # fmt: skip


@transaction.atomic
def _save_draft(bilan, form, expenses) -> None:
    bilan.narrative = form["typed"]["narrative"]
    bilan.participants = form["numbers"]["participants"]
    bilan.participants_qpv = form["numbers"]["participants_qpv"]
    bilan.breakdown = form["breakdown"]
    bilan.draft_results = form["results"]
    if bilan.status == BilanStatus.EXPECTED:
        bilan.status = BilanStatus.DRAFT
    bilan.save(
        update_fields=[
            "narrative",
            "participants",
            "participants_qpv",
            "breakdown",
            "draft_results",
            "status",
        ]
    )
    for expense in expenses:
        expense.realised = form["realised"].get(expense.pk)
        expense.explanation = form["typed"].get(f"explanation_{expense.pk}", "")
    BilanExpense.objects.bulk_update(expenses, ["realised", "explanation"])


def _draft_results(bilan, obligations) -> dict:
    results = {}
    for obligation in obligations:
        value = parse_decimal(bilan.draft_results.get(str(obligation.pk), ""))
        results[obligation.pk] = (value, {})
    return results


@login_required
def bilan_detail(request, pk):
    bilan = _get_bilan(request, pk)
    obligations = [
        o for o in bilan.obligations.select_related("indicator") if o.indicator.code not in followup.STANDARD_OBLIGATIONS
        or o.indicator.epci_id is not None
    ]  # fmt: skip
    expenses = list(bilan.expenses.all())
    writable = can_write(request.user, bilan)
    problems, form = [], None
    if request.method == "POST":
        if not writable:
            raise PermissionDenied(
                "Seuls les membres de la structure porteuse écrivent ce bilan, tant qu'il n'est pas déposé."
            )
        form = _read_form(request, bilan, obligations, expenses)
        if form["errors"]:
            messages.error(
                request,
                "Le bilan n'a pas été enregistré : corrigez les champs signalés, rien de ce que vous avez tapé n'est perdu.",
            )
        else:
            _save_draft(bilan, form, expenses)
            if "deposer" not in request.POST:
                messages.success(request, "Brouillon enregistré.")
                return redirect(bilan)
            bilan.refresh_from_db()
            results = _draft_results(bilan, obligations)
            problems = followup.bilan_problems(bilan, results)
            if not problems:
                try:
                    followup.submit(bilan, request.user, results=results)
                except followup.BilanError as error:
                    problems = [str(error)]
                else:
                    notifications.bilan_submitted(bilan)
                    messages.success(request, "Bilan déposé : les financeurs de l'action en sont avertis.")
                    return redirect(bilan)
    for expense in expenses:
        expense.needs_explanation = followup.expense_gap_needs_explanation(expense)
    typed = form["typed"] if form else _typed_from(bilan, expenses)
    results = form["results"] if form else dict(bilan.draft_results)
    if not form and not bilan.is_editable:
        values = {m.indicator_id: m.value for m in bilan.results.all()}
        results = {str(o.pk): values.get(o.indicator_id, "") for o in obligations}
    for obligation in obligations:
        obligation.typed = results.get(str(obligation.pk), "")
    return render(request, "measurement/bilans/detail.html", {
        "bilan": bilan, "application": bilan.application, "obligations": obligations, "expenses": expenses,
        "typed": typed, "errors": form["errors"] if form else {}, "problems": problems, "writable": writable,
        "can_review": bilan.status == BilanStatus.SUBMITTED and followup.can_review(request.user, bilan),
        "axes": _axes(), "events": bilan.events.select_related("by"), "gap_share": int(followup.GAP_SHARE * 100),
        "gap_floor": followup.GAP_FLOOR, "late": bilan.is_late(), "nav": "measurement",
    })  # fmt: skip


def _typed_from(bilan, expenses) -> dict:
    typed = {
        "narrative": bilan.narrative,
        "participants": "" if bilan.participants is None else str(bilan.participants),
        "participants_qpv": "" if bilan.participants_qpv is None else str(bilan.participants_qpv),
    }
    for axis, cells in (bilan.breakdown or {}).items():
        for code, value in cells.items():
            typed[f"{axis}_{code}"] = str(value)
    for expense in expenses:
        typed[f"realised_{expense.pk}"] = "" if expense.realised is None else str(expense.realised)
        typed[f"explanation_{expense.pk}"] = expense.explanation
    return typed


@login_required
@require_POST
def bilan_review(request, pk):
    bilan = _get_bilan(request, pk)
    if not followup.can_review(request.user, bilan):
        raise PermissionDenied(
            "Seul·e un·e instructeur·rice d'un financeur de cette action examine son bilan."
        )
    comment = request.POST.get("comment", "")
    try:
        if request.POST.get("decision") == "approuver":
            followup.approve(bilan, request.user, comment)
            notifications.bilan_reviewed(bilan, approved=True, comment=comment)
            messages.success(request, "Bilan approuvé : ses résultats comptent désormais dans les totaux.")
        else:
            followup.return_for_changes(bilan, request.user, comment)
            notifications.bilan_reviewed(bilan, approved=False, comment=comment)
            messages.success(request, "Bilan renvoyé au porteur avec votre commentaire.")
    except followup.BilanError as error:
        messages.error(request, str(error))
    return redirect(bilan)


urlpatterns = [
    path("bilans/", bilan_list, name="bilans"),
    path("bilans/<int:pk>/", bilan_detail, name="bilan"),
    path("bilans/<int:pk>/examen/", bilan_review, name="bilan_review"),
]
