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
    return locked


@transaction.atomic
def decide(
    application: Application, *, outcome: str, motivation: str, elements, criteria, amounts: dict, committee: str,
    decided_on, user,
) -> Decision:  # fmt: skip
    """Records the committee's decision. `amounts`: CallFunder -> Decimal. The motivation is mandatory and must cite
    at least one vision element and one criterion of the call."""
    if application.status in (ApplicationStatus.DRAFT, ApplicationStatus.MERGED):
        raise CallError("Seule une demande déposée peut être décidée.")
    if Decision.objects.filter(application=application).exists():
        raise CallError("Cette demande a déjà sa décision.")
    if not motivation.strip():
        raise CallError("La décision doit être motivée : la motivation est publiée au porteur.")
    elements, criteria = list(elements), list(criteria)
    if not elements or not criteria:
        raise CallError("La motivation doit citer au moins un élément de la vision et un critère de l'appel.")
    if any(criterion.call_id != application.call_id for criterion in criteria):
        raise CallError("Un critère cité n'appartient pas à cet appel.")
    granted = {funder: amount for funder, amount in amounts.items() if amount and amount > 0}
    if outcome in (Outcome.GRANTED, Outcome.PARTIAL) and not granted:
        raise CallError("Une demande accordée doit l'être pour un montant, par au moins un financeur.")
    if outcome not in (Outcome.GRANTED, Outcome.PARTIAL) and granted:
        raise CallError("Une demande refusée, ajournée ou irrecevable ne reçoit aucun montant.")
    if any(funder.call_id != application.call_id for funder in granted):
        raise CallError("Un financeur cité ne finance pas cet appel.")
    decision = Decision.objects.create(
        application=application, outcome=outcome, motivation=motivation.strip(), committee=committee.strip(),
        decided_on=decided_on, recorded_by=user,
    )  # fmt: skip
    decision.cited_elements.set(elements)
    decision.cited_criteria.set(criteria)
    Grant.objects.bulk_create(Grant(decision=decision, call_funder=f, amount=a) for f, a in granted.items())
    application.status = ApplicationStatus.DECIDED
    application.save(update_fields=["status"])
    decision_recorded.send(sender=Decision, decision=decision)
    record(
        Action.GRANT_DECISION, decision, actor=user, epci_id=application.call.epci_id,
        label=f"« {application.title} » : {decision.get_outcome_display()}",
        after={"décision": outcome, "montants": {str(funder): amount for funder, amount in granted.items()}},
    )  # fmt: skip
    return decision


@transaction.atomic
def merge_into_consortium(lead: Application, others: list[Application]) -> Application:
    """Competing applications become partners of one consortium application; each keeps its history (it is
    marked « fusionnée » and points to the consortium, never deleted)."""
    from cooperer.calls.enums import PartnerRole
    from cooperer.calls.models import Partner

    for other in others:
        if other.call_id != lead.call_id:
            raise CallError(
                f"« {other.title} » répond à un autre appel : elle ne peut pas rejoindre ce consortium."
            )
        if other.status in (ApplicationStatus.DECIDED, ApplicationStatus.MERGED):
            raise CallError(f"« {other.title} » est déjà décidée ou fusionnée.")
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
