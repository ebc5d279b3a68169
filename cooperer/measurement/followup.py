"""The follow-up of funded actions: a decision that grants money turns the application's evaluation plan into one
bilan per financed year, with the indicators to report and the compte-rendu financier (CERFA 15059) pre-filled
with the forecast budget; the structure files it; an instructor of a funder that granted it approves it or returns
it with a comment. Raises `BilanError` with a French message; `bilan_problems()` lists everything that stops a
deposit at once."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cooperer.accounts.enums import Role
from cooperer.accounts.permissions import roles_of
from cooperer.calls.models import Decision
from cooperer.measurement import library
from cooperer.measurement.enums import BilanStatus, MeasurementSource
from cooperer.measurement.models import Bilan, BilanEvent, BilanExpense, Indicator, Obligation
from cooperer.measurement.services import (
    FUNDED,
    Row,
    add_months,
    breakdown_problems,
    financed_years,
    first_number,
    match_plan_indicator,
    record,
    validate,
)

# A line of the compte-rendu financier that differs from the forecast by more than this share (and by more than
# GAP_FLOOR euros) must be explained, as CERFA 15059 asks for « les écarts significatifs ».
GAP_SHARE = Decimal("0.15")
GAP_FLOOR = Decimal("500")
DUE_MONTHS = 6
STANDARD_OBLIGATIONS = ("personnes_touchees", "habitants_qpv_touches")


class BilanError(Exception):
    pass


@transaction.atomic
def create_obligations(decision: Decision) -> list[Bilan]:
    """One bilan per financed year of a funded action, due six months after that year; nothing for a refusal."""
    if decision.outcome not in FUNDED:
        return []
    application = decision.application
    epci_id = application.call.epci_id
    library.ensure_defaults()
    indicators = list(Indicator.objects.for_epci(epci_id))
    known = {i.code: i for i in indicators}
    national = {i.code: i for i in indicators if i.epci_id is None}
    plan = []
    for line in application.indicators.all():
        indicator = match_plan_indicator(line.name, line.target, epci_id, library=known)
        known.setdefault(indicator.code, indicator)
        plan.append((indicator, line.name, first_number(line.target), line.target))
    for code in STANDARD_OBLIGATIONS:
        if code in national and all(indicator.pk != national[code].pk for indicator, *_ in plan):
            plan.append((national[code], "", None, ""))
    budget = list(application.budget.all())
    bilans = []
    for index, (start, end) in enumerate(financed_years(application), start=1):
        bilan, created = Bilan.objects.get_or_create(
            application=application, year_index=index,
            defaults={
                "period_start": start, "period_end": end, "due_on": add_months(end, DUE_MONTHS),
                "is_demo": application.is_demo,
            },
        )  # fmt: skip
        bilans.append(bilan)
        if not created:
            continue
        seen = set()
        for indicator, planned_as, target, target_text in plan:
            if indicator.pk in seen:
                continue
            seen.add(indicator.pk)
            Obligation.objects.create(
                bilan=bilan, indicator=indicator, planned_as=planned_as[:200], target=target,
                target_text=target_text[:100],
            )  # fmt: skip
        BilanExpense.objects.bulk_create(
            BilanExpense(bilan=bilan, account=line.account, label=line.label, forecast=line.amount)
            for line in budget
            if line.year == index
        )
    return bilans


def granting_funders(bilan: Bilan) -> set[str]:
    """The funders that granted the action (read once per bilan object: permissions and e-mails ask again)."""
    if not hasattr(bilan, "_granting_funders"):
        decision = bilan.application.decision
        bilan._granting_funders = {
            grant.call_funder.funder for grant in decision.grants.select_related("call_funder")
        }
    return bilan._granting_funders


def can_review(user, bilan: Bilan) -> bool:
    """Only an instructor of a funder that granted the action, on its territory, approves or returns its bilan."""
    funders = granting_funders(bilan)
    epci_id = bilan.application.call.epci_id
    return any(
        a.role == Role.INSTRUCTION and a.epci_id == epci_id and a.funder in funders for a in roles_of(user)
    )


def expense_gap_needs_explanation(expense: BilanExpense) -> bool:
    if expense.realised is None:
        return False
    gap = abs(expense.realised - expense.forecast)
    return gap > GAP_FLOOR and gap > GAP_SHARE * expense.forecast


def bilan_problems(bilan: Bilan, results: dict | None = None) -> list[str]:
    """Everything that stops the deposit. `results`: obligation id → (value, breakdown), as filed."""
    problems = []
    application = bilan.application
    decision = getattr(application, "decision", None)
    if decision is None or decision.outcome not in FUNDED:
        return ["Cette action n'a pas été financée : elle n'a pas de bilan à déposer."]
    if not bilan.is_editable:
        problems.append("Ce bilan a déjà été déposé : il ne se modifie plus sauf s'il vous est renvoyé.")
    if timezone.localdate() < bilan.period_start:
        problems.append("L'année financée n'a pas commencé : son bilan ne peut pas encore être déposé.")
    if not bilan.narrative.strip():
        problems.append("Racontez ce que l'action a fait (« Ce que l'action a fait »).")
    if bilan.participants is None:
        problems.append("Indiquez le nombre de participants.")
    elif bilan.participants_qpv is not None and bilan.participants_qpv > bilan.participants:
        problems.append("Les habitants des QPV ne peuvent pas être plus nombreux que les participants.")
    if bilan.participants is not None:
        touched = Indicator.objects.national().filter(code="personnes_touchees").first()
        if touched is not None:
            problems.extend(breakdown_problems(touched, Decimal(bilan.participants), bilan.breakdown))
    results = results if results is not None else filed_results(bilan)
    for obligation in bilan.obligations.select_related("indicator"):
        if obligation.indicator.code in STANDARD_OBLIGATIONS:
            continue
        value = results.get(obligation.pk, (None, {}))[0]
        if value is None:
            problems.append(f"Renseignez « {obligation.indicator.name} ».")
    for expense in bilan.expenses.all():
        if expense.realised is None:
            problems.append(
                f"Indiquez le réalisé du compte {expense.account} ({expense.label or 'sans libellé'})."
            )
        elif expense_gap_needs_explanation(expense) and not expense.explanation.strip():
            problems.append(
                f"Expliquez l'écart du compte {expense.account} ({expense.label or 'sans libellé'}) : "
                f"{expense.forecast} € prévus, {expense.realised} € réalisés."
            )
    return problems


def filed_results(bilan: Bilan) -> dict:
    """obligation id → (value, breakdown) of what the bilan reported (its measurements)."""
    values = {m.indicator_id: (m.value, m.breakdown) for m in bilan.results.all()}
    return {o.pk: values.get(o.indicator_id, (None, {})) for o in bilan.obligations.all()}


def _rows(bilan: Bilan, results: dict) -> list[Row]:
    rows = []
    obligations = {o.pk: o for o in bilan.obligations.select_related("indicator")}
    label = f"Bilan {bilan.period_start:%Y} de « {bilan.application.title} »"[:300]
    for obligation in obligations.values():
        code = obligation.indicator.code
        if code == "personnes_touchees" and obligation.indicator.epci_id is None:
            value, breakdown = bilan.participants, bilan.breakdown
        elif code == "habitants_qpv_touches" and obligation.indicator.epci_id is None:
            value, breakdown = bilan.participants_qpv, {}
        else:
            value, breakdown = results.get(obligation.pk, (None, {}))
        if value is None:
            continue
        rows.append(
            Row(
                indicator=obligation.indicator, value=Decimal(value), period_start=bilan.period_start,
                period_end=bilan.period_end, application=bilan.application, breakdown=breakdown or {},
                source_label=label,
            )
        )  # fmt: skip
    return rows


@transaction.atomic
def submit(bilan: Bilan, user, results: dict | None = None) -> Bilan:
    """Deposits the bilan: its results become (not yet validated) measurements of the action."""
    locked = Bilan.objects.select_for_update().select_related("application__call").get(pk=bilan.pk)
    results = results if results is not None else filed_results(locked)
    problems = bilan_problems(locked, results)
    if problems:
        raise BilanError(" ".join(problems))
    record(_rows(locked, results), source=MeasurementSource.BILAN, user=user, bilan=locked, validated=False)
    locked.status, locked.submitted_at, locked.submitted_by = BilanStatus.SUBMITTED, timezone.now(), user
    locked.save(update_fields=["status", "submitted_at", "submitted_by"])
    BilanEvent.objects.create(bilan=locked, status=BilanStatus.SUBMITTED, by=user)
    return locked


def _locked(bilan: Bilan) -> Bilan:
    """The bilan as the database has it now, locked: a decision taken meanwhile by someone else wins."""
    return Bilan.objects.select_for_update().select_related("application__call").get(pk=bilan.pk)


@transaction.atomic
def return_for_changes(bilan: Bilan, user, comment: str) -> Bilan:
    if not can_review(user, bilan):
        raise BilanError(
            "Seul·e un·e instructeur·rice d'un financeur de cette action peut renvoyer son bilan."
        )
    bilan = _locked(bilan)
    if bilan.status != BilanStatus.SUBMITTED:
        raise BilanError("Seul un bilan déposé peut être renvoyé.")
    if not comment.strip():
        raise BilanError("Dites au porteur ce qu'il doit compléter : le commentaire est obligatoire.")
    bilan.status, bilan.review_comment = BilanStatus.RETURNED, comment.strip()
    bilan.reviewed_at, bilan.reviewed_by = timezone.now(), user
    bilan.save(update_fields=["status", "review_comment", "reviewed_at", "reviewed_by"])
    BilanEvent.objects.create(bilan=bilan, status=BilanStatus.RETURNED, comment=comment.strip(), by=user)
    return bilan


@transaction.atomic
def approve(bilan: Bilan, user, comment: str = "") -> Bilan:
    """Approves the bilan: its results are validated and count in every roll-up."""
    if not can_review(user, bilan):
        raise BilanError(
            "Seul·e un·e instructeur·rice d'un financeur de cette action peut approuver son bilan."
        )
    bilan = _locked(bilan)
    if bilan.status != BilanStatus.SUBMITTED:
        raise BilanError("Seul un bilan déposé peut être approuvé.")
    validate(list(bilan.results.select_related("indicator")))
    bilan.status, bilan.review_comment = BilanStatus.APPROVED, comment.strip()
    bilan.reviewed_at, bilan.reviewed_by = timezone.now(), user
    bilan.save(update_fields=["status", "review_comment", "reviewed_at", "reviewed_by"])
    BilanEvent.objects.create(bilan=bilan, status=BilanStatus.APPROVED, comment=comment.strip(), by=user)
    return bilan
