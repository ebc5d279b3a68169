"""Workflows of a call for projects: submit an application, decide in committee, merge competing applications into
a consortium. Every refusal is a CallError whose message is shown to the user as it is; `submission_problems`
lists all of them at once so that an applicant fixes everything in one pass."""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cooperer.actors.enums import SECTOR_OF_FORM
from cooperer.analysis.similar import Item, group_similar
from cooperer.audit.enums import Action
from cooperer.audit.services import record
from cooperer.calls import notifications
from cooperer.calls.enums import CHARGE_ACCOUNTS, SUBSIDY_ACCOUNT, ApplicationStatus, Outcome
from cooperer.calls.models import Application, Decision, Grant
from cooperer.calls.signals import decision_recorded
from cooperer.core.validators import is_valid_siret

ZERO = Decimal("0")


class CallError(Exception):
    """A refusal, with its French message."""


def money(value: Decimal) -> str:
    """12 345,50 €"""
    whole, _, cents = f"{value:,.2f}".partition(".")
    return f"{whole.replace(',', ' ')},{cents} €"


def budget_totals(application: Application) -> dict[int, dict]:
    """Per year: charges, products, the operating subsidies by funder (requested and acquired), balance."""
    years: dict[int, dict] = defaultdict(
        lambda: {"charges": ZERO, "products": ZERO, "subsidies": defaultdict(lambda: ZERO), "requested": ZERO}
    )
    for line in application.budget.all():
        year = years[line.year]
        if line.account in CHARGE_ACCOUNTS:
            year["charges"] += line.amount
        else:
            year["products"] += line.amount
            if line.account == SUBSIDY_ACCOUNT:
                year["subsidies"][line.funder or "autre"] += line.amount
                if not line.acquired:
                    year["requested"] += line.amount
    return {
        number: {**year, "balanced": year["charges"] == year["products"]}
        for number, year in sorted(years.items())
    }


def cooperation_problems(application: Application, partners=None) -> list[str]:
    """The call's cooperation condition, checked on the application's partners (structures of the directory)."""
    call = application.call
    if partners is None:
        partners = list(application.partners.select_related("structure"))
    partners = [p for p in partners if p.structure_id != application.applicant_id]
    problems = []
    if len(partners) < call.min_partners:
        problems.append(
            f"L'appel demande au moins {call.min_partners} partenaire{'s' if call.min_partners > 1 else ''} : "
            f"la demande en compte {len(partners)}."
        )
    sectors = {SECTOR_OF_FORM.get(application.applicant.legal_form)} | {
        SECTOR_OF_FORM.get(p.structure.legal_form) for p in partners
    }
    if call.min_partners and len(sectors) < call.min_partner_sectors:
        problems.append(
            f"L'appel demande des partenaires d'au moins {call.min_partner_sectors} secteurs différents "
            "(associatif, institutionnel, habitants…) : porteur et partenaires sont tous du même secteur."
        )
    if call.require_participation and not _takes_part(application, partners):
        problems.append(
            "L'appel demande que le porteur ou un partenaire participe à une communauté d'action du territoire : "
            "aucune des structures de la demande n'en est membre."
        )
    return problems


def _takes_part(application: Application, partners) -> bool:
    from cooperer.communities.models import Membership

    ids = {application.applicant_id} | {p.structure_id for p in partners}
    return Membership.objects.filter(
        structure__in=ids, left_on__isnull=True, community__epci=application.call.epci_id
    ).exists()


def submission_problems(application: Application, now=None) -> list[str]:
    now = now or timezone.now()
    call = application.call
    problems = []
    if not call.is_open_at(now):
        problems.append(
            f"L'appel est clos depuis le {timezone.localtime(call.closes_at):%d/%m/%Y à %H h %M} : la demande ne peut "
            "plus être déposée."
            if now > call.closes_at
            else "L'appel n'est pas ouvert au dépôt."
        )
    if len(application.purpose) > 256:
        problems.append(f"L'objet fait {len(application.purpose)} caractères : 256 au plus.")
    if not application.republican_commitment:
        problems.append("Le Contrat d'engagement républicain doit être souscrit.")
    if not (application.applicant.siret or application.applicant.rna):
        problems.append("La structure porteuse n'a ni SIRET ni numéro RNA : complétez sa fiche.")
    partners = list(application.partners.select_related("structure"))  # read once for both checks
    for partner in partners:
        if not is_valid_siret(partner.structure.siret):
            problems.append(f"Le partenaire « {partner.structure.name} » n'a pas de SIRET valide.")
    for year, totals in budget_totals(application).items():
        if not totals["balanced"]:
            problems.append(
                f"Le budget de l'année {year} n'est pas équilibré : charges {money(totals['charges'])}, "
                f"produits {money(totals['products'])}."
            )
    if not application.budget.exists():
        problems.append("Le budget du projet est vide.")
    served = list(application.served.all())
    if not served:
        problems.append("Indiquez au moins un élément de la vision que le projet sert, et en quoi.")
    funded = set(call.elements.values_list("pk", flat=True))
    for item in served:
        if funded and item.element_id not in funded:
            problems.append(f"L'élément « {item.element.text} » n'est pas financé par cet appel.")
    if not application.indicators.exists():
        problems.append("Le plan d'évaluation n'a aucun indicateur.")
    allowed = set(call.contract.qpvs.values_list("pk", flat=True))
    for qpv in application.qpvs.all():
        if qpv.pk not in allowed:
            problems.append(f"{qpv.name} ({qpv.code}) n'est pas un quartier du contrat de ville de l'appel.")
    problems += cooperation_problems(application, partners)
    twin = duplicate_of(application)
    if twin is not None:
        problems.append(
            f"« {application.applicant.name} » a déjà déposé « {twin.title} » sur cet appel pour la même action : "
            "complétez cette demande plutôt que d'en déposer une seconde."
        )
    return problems


def duplicate_of(application: Application) -> Application | None:
    """Another submitted application of the same structure on the same call for the same action (same words)."""
    others = list(
        Application.objects.submitted()
        .filter(call_id=application.call_id, applicant_id=application.applicant_id)
        .exclude(pk=application.pk)
    )
    if not others:
        return None
    items = [Item("self", f"{application.title}. {application.purpose}", "self")] + [
        Item(str(other.pk), f"{other.title}. {other.purpose}", str(other.pk)) for other in others
    ]
    for group in group_similar(items, threshold=0.6):
        if "self" in group.ids:
            twin = next(i for i in group.ids if i != "self")
            return next(other for other in others if str(other.pk) == twin)
    return None


@transaction.atomic
def submit(application: Application, user, now=None) -> Application:
    locked = (
        Application.objects.select_for_update()
        .select_related("call__contract", "applicant")
        .get(pk=application.pk)
    )
    if locked.status not in (ApplicationStatus.DRAFT, ApplicationStatus.COMPLEMENTS):
        raise CallError("Cette demande est déjà déposée.")
    answering = locked.status == ApplicationStatus.COMPLEMENTS
    # Complements are given after the closing date: the deadline that counts is the one of the request.
    problems = [
        p for p in submission_problems(locked, now) if not (answering and p.startswith("L'appel est clos"))
    ]
    if problems:
        raise CallError(" ".join(problems))
    locked.status = ApplicationStatus.SUBMITTED
    locked.submitted_at = now or timezone.now()
    locked.save(update_fields=["status", "submitted_at"])
    if answering:
        locked.complement_requests.filter(answered_at__isnull=True).update(answered_at=locked.submitted_at)
    application.status, application.submitted_at = locked.status, locked.submitted_at
    notifications.deposited(locked)
    return locked


@transaction.atomic
def ask_complements(applications, *, message: str, deadline, user) -> list[Application]:
    """Reopens these applications to their applicants until `deadline` and tells them what is missing; those
    already decided, merged or not submitted are left aside (the returned list is the ones asked)."""
    from cooperer.calls.models import ComplementRequest

    chosen = list(
        Application.objects.select_for_update()
        .filter(pk__in=[a.pk for a in applications])
        .exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.MERGED, ApplicationStatus.DECIDED])
        .select_related("call", "applicant")
    )
    requests = ComplementRequest.objects.bulk_create(
        ComplementRequest(application=a, message=message, deadline=deadline, requested_by=user)
        for a in chosen
    )
    Application.objects.filter(pk__in=[a.pk for a in chosen]).update(status=ApplicationStatus.COMPLEMENTS)
    for request in requests:
        notifications.complements_asked(request)
    return chosen


class DecisionRefused(CallError):
    """The decision's problems by form field (`outcome`, `motivation`, `elements`, `criteria`,
    `amount_<call funder id>`, `exception_reason`, `confirm_overrun`), all found in one pass."""

    def __init__(self, problems: dict[str, list[str]]):
        super().__init__(" ".join(message for messages in problems.values() for message in messages))
        self.problems = problems


def requested_amounts(applications) -> dict[int, dict[str, Decimal]]:
    """Operating subsidies requested from each funder (account 74, not yet acquired, all years), by application."""
    from django.db.models import Sum

    from cooperer.calls.models import BudgetLine

    rows = (
        BudgetLine.objects.filter(application__in=applications, account=SUBSIDY_ACCOUNT, acquired=False)
        .values_list("application_id", "funder")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for app_id, funder, total in rows:
        result[app_id][funder] = total
    return result


def _amount_problems(outcome, amounts: dict, requested: dict, remaining: dict, exception_reason: str,
                     confirm_overrun: bool) -> dict[str, list[str]]:  # fmt: skip
    """Each funder's amount against what was asked of it and against what is left of its envelope."""
    problems: dict[str, list[str]] = defaultdict(list)
    granting = outcome in (Outcome.GRANTED, Outcome.PARTIAL) and bool(
        amounts
    )  # none at all: said on `outcome`
    over_request = overrun = False
    for funder, asked in ((f, requested.get(f.funder, ZERO)) for f in remaining):
        amount = amounts.get(funder, ZERO)
        field = f"amount_{funder.pk}"
        if not granting:
            continue
        if amount > asked:
            over_request = True
            if not exception_reason.strip():
                problems[field].append(
                    f"{money(amount)} dépasse les {money(asked)} demandés à {funder.name} : accorder plus que la "
                    "demande est une exception, dont le motif doit être écrit."
                )
        elif outcome == Outcome.GRANTED and amount < asked:
            problems[field].append(
                f"« Accordée » donne à la demande ce qu'elle demande à {funder.name} : {money(asked)}. Pour un "
                "montant inférieur, choisissez « Accordée en partie »."
            )
        if amount > remaining[funder]:
            overrun = True
            if not confirm_overrun:
                problems[field].append(
                    f"L'enveloppe de {funder.name} n'a plus que {money(remaining[funder])} : ce montant la dépasse "
                    f"de {money(amount - remaining[funder])}. Confirmez le dépassement pour l'accepter."
                )
    total_asked = sum((requested.get(f.funder, ZERO) for f in remaining), ZERO)
    if outcome == Outcome.PARTIAL and amounts and sum(amounts.values(), ZERO) >= total_asked:
        problems["outcome"].append(
            f"« Accordée en partie » donne moins que la demande ({money(total_asked)}) : pour le montant demandé, "
            "choisissez « Accordée »."
        )
    if exception_reason.strip() and not over_request:
        problems["exception_reason"].append(
            "Aucun financeur n'accorde plus que la demande : le motif d'exception n'a pas lieu d'être."
        )
    if confirm_overrun and not overrun:
        problems["confirm_overrun"].append("Aucune enveloppe n'est dépassée : il n'y a rien à confirmer.")
    return problems


def decision_problems(application: Application, *, outcome: str, motivation: str, elements, criteria,
                      amounts: dict, exception_reason: str = "", confirm_overrun: bool = False,
                      remaining: dict | None = None) -> dict[str, list[str]]:  # fmt: skip
    """Every reason to refuse this decision, by form field. `amounts`: CallFunder -> Decimal; `remaining`:
    CallFunder -> what is left of its envelope (read from the database when not given)."""
    problems: dict[str, list[str]] = defaultdict(list)
    if outcome not in Outcome.values:
        problems["outcome"].append("Choisissez la décision du comité.")
    if not motivation.strip():
        problems["motivation"].append("La décision doit être motivée : la motivation est publiée au porteur.")
    if not elements:
        problems["elements"].append("La motivation doit citer au moins un élément de la vision.")
    if not criteria:
        problems["criteria"].append("La motivation doit citer au moins un critère de l'appel.")
    if any(criterion.call_id != application.call_id for criterion in criteria):
        problems["criteria"].append("Un critère cité n'appartient pas à cet appel.")
    granted = {funder: amount for funder, amount in amounts.items() if amount and amount > 0}
    if any(funder.call_id != application.call_id for funder in granted):
        problems["outcome"].append("Un financeur cité ne finance pas cet appel.")
        return problems
    if outcome in (Outcome.GRANTED, Outcome.PARTIAL) and not granted:
        problems["outcome"].append(
            "Une demande accordée doit l'être pour un montant, par au moins un financeur."
        )
    if outcome not in (Outcome.GRANTED, Outcome.PARTIAL) and granted:
        problems["outcome"].append("Une demande refusée, ajournée ou irrecevable ne reçoit aucun montant.")
    if remaining is None:
        remaining = {row["funder"]: row["remaining"] for row in envelope_use(application.call)}
    requested = requested_amounts([application.pk]).get(application.pk, {})
    for field, messages in _amount_problems(
        outcome, granted, requested, remaining, exception_reason, confirm_overrun
    ).items():
        problems[field] += messages
    return dict(problems)


@transaction.atomic
def decide(
    application: Application, *, outcome: str, motivation: str, elements, criteria, amounts: dict, committee: str,
    decided_on, user, exception_reason: str = "", confirm_overrun: bool = False, session=None,
) -> Decision:  # fmt: skip
    """Records the committee's decision. `amounts`: CallFunder -> Decimal. The motivation is mandatory and cites
    at least one vision element and one criterion of the call; each funder's amount is checked against what was
    asked of it (more needs a written exception, « Accordée » gives exactly the request, « Accordée en partie »
    less) and against what is left of its envelope (an overrun needs `confirm_overrun`). Nothing is written
    when anything is refused: `DecisionRefused` lists every problem by field."""
    from cooperer.calls.models import CallFunder

    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status in (ApplicationStatus.DRAFT, ApplicationStatus.MERGED):
        raise CallError("Seule une demande déposée peut être décidée.")
    if Decision.objects.filter(application=application).exists():
        raise CallError("Cette demande a déjà sa décision.")
    # The funders' rows are locked so that two decisions recorded at once cannot both take the envelope's rest.
    list(CallFunder.objects.select_for_update().filter(call_id=application.call_id))
    elements, criteria = list(elements), list(criteria)
    granted = {funder: amount for funder, amount in amounts.items() if amount and amount > 0}
    problems = decision_problems(
        application, outcome=outcome, motivation=motivation, elements=elements, criteria=criteria,
        amounts=granted, exception_reason=exception_reason, confirm_overrun=confirm_overrun,
    )  # fmt: skip
    if problems:
        raise DecisionRefused(problems)
    decision = Decision.objects.create(
        application=application, outcome=outcome, motivation=motivation.strip(), committee=committee.strip(),
        decided_on=decided_on, recorded_by=user, exception_reason=exception_reason.strip(),
        overrun_confirmed=confirm_overrun, session=session,
    )  # fmt: skip
    decision.cited_elements.set(elements)
    decision.cited_criteria.set(criteria)
    grants = Grant.objects.bulk_create(
        Grant(decision=decision, call_funder=f, amount=a) for f, a in granted.items()
    )
    application.status = ApplicationStatus.DECIDED
    application.save(update_fields=["status"])
    decision_recorded.send(sender=Decision, decision=decision)
    record(
        Action.GRANT_DECISION, decision, actor=user, epci_id=application.call.epci_id,
        label=f"« {application.title} » : {decision.get_outcome_display()}",
        after={"décision": outcome, "montants": {str(funder): amount for funder, amount in granted.items()}},
    )  # fmt: skip
    notifications.decided(decision, grants)
    return decision


def consortium_problem(application: Application) -> str:
    """Why this application cannot enter a consortium (as lead or member), or ""."""
    if application.status == ApplicationStatus.DECIDED or hasattr(application, "decision"):
        return f"« {application.title} » est déjà décidée : elle ne peut plus entrer dans un consortium."
    if application.status == ApplicationStatus.MERGED or application.merged_into_id:
        return f"« {application.title} » est déjà fusionnée dans un consortium."
    if application.status == ApplicationStatus.DRAFT:
        return f"« {application.title} » n'est pas déposée."
    return ""


@transaction.atomic
def merge_into_consortium(lead: Application, others: list[Application]) -> Application:
    """Competing applications become partners of one consortium application; each keeps its history (it is
    marked « fusionnée » and points to the consortium, never deleted)."""
    from cooperer.calls.enums import PartnerRole
    from cooperer.calls.models import Partner

    ids = [lead.pk, *(other.pk for other in others)]
    rows = Application.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("decision")
    locked = {a.pk: a for a in rows}
    if not others:
        raise CallError("Choisissez au moins une demande à réunir dans le consortium.")
    for application in [lead, *others]:
        problem = consortium_problem(locked[application.pk])
        if problem:
            raise CallError(problem)
    for other in others:
        if other.call_id != lead.call_id:
            raise CallError(
                f"« {other.title} » répond à un autre appel : elle ne peut pas rejoindre ce consortium."
            )
        Partner.objects.get_or_create(
            application=lead, structure=other.applicant,
            defaults={"role": PartnerRole.CO_LEAD, "contribution": f"Apporte son projet « {other.title} »"},
        )  # fmt: skip
        other.status, other.merged_into = ApplicationStatus.MERGED, lead
        other.save(update_fields=["status", "merged_into"])
    transaction.on_commit(lambda: invite_to_cobuild(lead, others))
    return lead


def invite_to_cobuild(lead: Application, others: list[Application]) -> list[str]:
    """Mails the contacts of every structure of the consortium (those with a professional address and consent);
    returns the structures that could not be reached, for the page to say so."""
    from django.conf import settings
    from django.core.mail import send_mass_mail

    from cooperer.actors.models import Person

    structures = [lead.applicant] + [other.applicant for other in others]
    addresses: dict[int, set[str]] = {s.pk: set() for s in structures}
    for structure_id, email in (
        Person.objects.filter(structure__in=structures, consent_at__isnull=False)
        .exclude(email="")
        .values_list("structure_id", "email")
    ):
        addresses[structure_id].add(email)
    titles = "\n".join(f"- « {a.title} » ({a.applicant.name})" for a in [lead, *others])
    body = (
        f"Bonjour,\n\nL'instruction de l'appel « {lead.call.name} » a rapproché des demandes qui visent le même public, "
        f"au même endroit, sur la même période :\n{titles}\n\nElles sont réunies en un consortium dont « {lead.title} » "
        "est la demande commune : les structures en sont co-porteuses et la complètent ensemble avant le comité.\n"
    )
    messages = [
        (f"[Coopérer] Co-construire « {lead.title} »", body, settings.DEFAULT_FROM_EMAIL, [email])
        for emails in addresses.values()
        for email in sorted(emails)
    ]
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return [s.name for s in structures if not addresses[s.pk]]


def envelope_use(call) -> list[dict]:
    """Per funder of the call: the envelope, what was granted, what remains (one grouped query)."""
    from django.db.models import Sum

    granted = dict(
        Grant.objects.filter(call_funder__call=call)
        .values_list("call_funder")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return [
        {"funder": funder, "envelope": funder.envelope, "granted": granted.get(funder.pk, ZERO),
         "remaining": funder.envelope - granted.get(funder.pk, ZERO)}
        for funder in call.funders.all()
    ]  # fmt: skip
