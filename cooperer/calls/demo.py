"""The demo calls, built on the demo directory and visions (load them first): the Saint-Étienne Métropole call
« Quartiers 2030 – coopérer pour la jeunesse », funded by the State (BOP 147), the metropolis and the CAF, with about
thirty fictional applications — a coherent consortium in Quartiers Sud-Est, two competing applications on the same
public in Montreynaud, an application that drifts from the vision and is refused with a motivation citing it — and
the committee's first decisions with their conventions (the SCDL export); plus an open call to try applying.

Demo structures get fictional SIRET numbers in the 000 range (no real SIREN starts with 000), marked as demo data
like everything here."""

import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from cooperer.accounts.enums import Funder
from cooperer.actors.models import Structure
from cooperer.calls import services
from cooperer.calls.enums import ApplicationStatus, CallKind, CallStatus, CriterionKind, Outcome, PartnerRole
from cooperer.calls.models import (
    Application,
    BudgetLine,
    Call,
    CallFunder,
    CommitteeSession,
    Criterion,
    Grant,
    Indicator,
    Partner,
    Review,
    ServedElement,
)
from cooperer.core.validators import luhn_ok
from cooperer.territories.models import ContratDeVille, Qpv
from cooperer.visions.demo import METROPOLE_TITLE
from cooperer.visions.models import Vision

PARIS = ZoneInfo("Europe/Paris")
TITLE = "Quartiers 2030 – coopérer pour la jeunesse"
OPEN_TITLE = "L'été dans les quartiers — appel à coopérations"
COMMITTEE = "Comité de programmation du contrat de ville (fictif)"
# Dates are counted from the day the demo is loaded (days before or after it): the committee met last week, the
# open call closes in four months, the projects run next year. Nothing is dated in the future that has happened.
DECIDED = -8


def _day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def _moment(offset: int, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(_day(offset), datetime.time(hour), tzinfo=PARIS)


def _next_year() -> int:
    return timezone.localdate().year + 1


FUNDERS = [
    (Funder.STATE, "Préfecture de la Loire — délégué du préfet (BOP 147)", "BOP 147", "150000", 1),
    (Funder.EPCI, "Saint-Étienne Métropole", "", "100000", 2),
    (Funder.CAF, "CAF de la Loire", "", "60000", 3),
]
CRITERIA = [
    (CriterionKind.ELIGIBILITY, "Éligibilité (quartiers, porteur, pièces)", 10),
    (CriterionKind.ALIGNMENT, "Cohérence avec la vision des quartiers", 30),
    (CriterionKind.COOPERATION, "Coopération entre acteurs", 25),
    (CriterionKind.RESIDENTS, "Habitants et jeunes touchés", 15),
    (CriterionKind.FEASIBILITY, "Faisabilité", 10),
    (CriterionKind.EVALUATION, "Plan d'évaluation", 10),
]
# (applicant, title, purpose, QPV code, element index, partners [(name, role)], public, amounts per funder)
FEATURED = [
    ("Centre social des Quartiers Sud-Est", "Tiers-lieu jeunesse des Quartiers Sud-Est",
     "Un tiers-lieu co-géré avec les jeunes, ouvert le soir et le week-end, avec studio de musique, salle de sport et "
     "des adultes de confiance.", "QN04215M", 0,
     [("MJC des Quartiers Sud-Est", PartnerRole.CO_LEAD), ("Sport Ensemble Sud-Est", PartnerRole.OPERATIONAL),
      ("Ville de Saint-Étienne — direction de la politique de la ville", PartnerRole.REFERRER)],
     "jeunes 11-25 ans", {"etat": 25000, "epci": 15000, "caf": 10000}),
    ("Accompagnement Emploi Montreynaud", "Accompagner les jeunes vers l'emploi à Montreynaud",
     "Repérer les jeunes de 16 à 25 ans sans emploi ni formation à Montreynaud et les accompagner vers un stage, une "
     "formation ou un emploi près de chez eux.", "QN04213M", 2,
     [("Tremplin Emploi Tarentaize", PartnerRole.OPERATIONAL)], "jeunes 16-25 ans", {"etat": 18000, "epci": 8000}),
    ("Réussir à Montreynaud", "Parcours emploi des 16-25 ans à Montreynaud",
     "Accompagner les jeunes de 16 à 25 ans de Montreynaud vers l'emploi et la formation : repérage, stages et "
     "rencontres avec les employeurs du quartier.", "QN04213M", 2,
     [("CAF de la Loire — action sociale", PartnerRole.REFERRER)], "jeunes 16-25 ans", {"etat": 16000, "caf": 6000}),
    ("Radio Quartiers Sud-Est", "Grand festival de musique électronique au centre-ville",
     "Organiser un festival de musique électronique de trois jours au centre-ville, avec des artistes de renommée "
     "nationale et une billetterie payante.", "QN04215M", 0,
     [("Danse Urbaine Tarentaize", PartnerRole.OPERATIONAL)], "tout public", {"etat": 30000, "epci": 20000}),
]  # fmt: skip
# (title, purpose, element index, public, theme): the applicant is an association working on that theme.
THEMES = [
    ("Aide aux devoirs et réussite éducative à {q}", "Accompagner la scolarité des enfants et des jeunes de {q} avec "
     "les parents, le soir après l'école.", 0, "enfants 6-15 ans", "Éducation et réussite"),
    ("Chantiers éducatifs pour les jeunes de {q}", "Des chantiers rémunérés pour les jeunes de {q}, premier pas vers "
     "l'emploi, encadrés par des éducateurs.", 2, "jeunes 16-25 ans", "Emploi et insertion"),
    ("Jardin partagé et place conviviale à {q}", "Aménager et animer un jardin partagé et la place de {q} avec les "
     "habitants, pour se retrouver.", 1, "habitants", "Transition écologique"),
    ("Sport en bas des immeubles à {q}", "Des activités sportives gratuites le soir pour les jeunes de {q}, avec des "
     "animateurs qui deviennent des adultes de confiance.", 0, "jeunes 11-17 ans", "Sport"),
    ("Médiation et tranquillité à {q}", "Des médiateurs présents le soir sur les espaces publics de {q} pour apaiser "
     "les conflits et rassurer les habitants.", 1, "habitants", "Accès aux droits"),
]  # fmt: skip


def fictional_siret(number: int) -> str:
    """A SIRET in the 000 range with right keys (the SIREN's, then the SIRET's): well formed, and no real
    establishment's. `number` below 100,000."""
    siren = next(f"000{number:05d}{key}" for key in range(10) if luhn_ok(f"000{number:05d}{key}"))
    return next(f"{siren}0000{key}" for key in range(10) if luhn_ok(f"{siren}0000{key}"))


def _budget(application, amounts: dict) -> None:
    requested = sum(Decimal(a) for a in amounts.values())
    own = (requested * Decimal("0.25")).quantize(Decimal("1"))
    lines = [
        BudgetLine(application=application, account="74", amount=Decimal(a), funder=f)
        for f, a in amounts.items()
    ]
    lines += [
        BudgetLine(application=application, account="75", amount=own, label="Fonds propres et cotisations"),
        BudgetLine(application=application, account="64", amount=(requested + own) * Decimal("0.7"),
                   label="Animateurs et coordination"),
        BudgetLine(application=application, account="60", amount=(requested + own) * Decimal("0.3"),
                   label="Matériel et fournitures"),
    ]  # fmt: skip
    BudgetLine.objects.bulk_create(lines)


def _application(
    call, applicant, title, purpose, qpv, element, partners, public, amounts, status
) -> Application:
    application = Application.objects.create(
        call=call, applicant=applicant, title=title, purpose=purpose[:256], description=purpose,
        objectives="Toucher les habitants et les jeunes du quartier, avec les partenaires, et mesurer ce qui change.",
        public_description=public, public_count=60, qpv_share=85, starts_on=datetime.date(_next_year(), 1, 1),
        ends_on=datetime.date(_next_year(), 12, 31), republican_commitment=True, status=status, is_demo=True,
        submitted_at=_moment(DECIDED - 15, 17),
    )  # fmt: skip
    application.qpvs.set([qpv])
    Partner.objects.bulk_create(
        Partner(application=application, structure=structure, role=role) for structure, role in partners
    )
    ServedElement.objects.create(
        application=application,
        element=element,
        justification="Le projet y répond directement (données fictives).",
    )
    Indicator.objects.create(application=application, name="Personnes touchées", target="60 par an")
    _budget(application, amounts)
    return application


def clear_demo_calls() -> None:
    """Demo calls go first when the demo is reloaded: they protect the structures and visions they cite."""
    from cooperer.accounts.models import Notification
    from cooperer.calls.models import Decision

    old = Call.objects.filter(is_demo=True)
    Notification.objects.filter(user__is_demo=True).delete()  # what the demo decisions told the demo accounts
    Application.objects.filter(call__in=old, merged_into__isnull=False).update(merged_into=None)
    Decision.objects.filter(application__call__in=old).delete()
    CommitteeSession.objects.filter(call__in=old).delete()
    Application.objects.filter(call__in=old).delete()
    old.delete()


def load_demo_calls() -> list[Call]:
    """Idempotent: replaces the demo calls. Needs the demo directory and visions."""
    metropole = Vision.objects.filter(is_demo=True, title=METROPOLE_TITLE).first()
    contract = ContratDeVille.objects.filter(slug="saint-etienne-metropole").first()
    if metropole is None or contract is None:
        return []
    rng = random.Random(2026)
    with transaction.atomic():
        clear_demo_calls()
        structures = {
            s.name: s for s in Structure.objects.filter(is_demo=True, commune__epci=contract.pilot_epci)
        }
        for structure in structures.values():
            if not structure.siret:
                structure.siret = fictional_siret(4200 + structure.pk)
                structure.save(update_fields=["siret"])
        elements = list(metropole.versions.order_by("-number").first().elements.order_by("position"))
        call = _call(contract, elements)
        applications = _applications(call, structures, elements, rng)
        _review(call, applications, rng)
        _decide(call, applications, elements, _session(call, applications))
        open_call = Call.objects.create(
            name=OPEN_TITLE, kind=CallKind.COOPERATION, epci=contract.pilot_epci, contract=contract,
            carrier_name="Saint-Étienne Métropole", carrier_siren="244200770", beneficiaries=["association"],
            summary="Des animations de proximité l'été, portées à plusieurs (données fictives).",
            opens_on=_day(-32), closes_at=_moment(118, 18),
            zone="Quartiers prioritaires de Saint-Étienne Métropole", status=CallStatus.OPEN, min_partners=1,
            is_demo=True,
        )  # fmt: skip
        open_call.elements.set(elements)
        for funder, name, programme, envelope, number in FUNDERS[:2]:
            CallFunder.objects.create(call=open_call, funder=funder, name=name, programme=programme,
                                      envelope=Decimal(envelope) / 5, siret=fictional_siret(number))  # fmt: skip
        for position, (kind, label, weight) in enumerate(CRITERIA):
            Criterion.objects.create(call=open_call, kind=kind, label=label, weight=weight, position=position)
    return [call, open_call]


def _call(contract, elements) -> Call:
    call = Call.objects.create(
        name=TITLE, epci=contract.pilot_epci, contract=contract, carrier_name="Saint-Étienne Métropole",
        carrier_siren="244200770", beneficiaries=["association", "etablissement_public"],
        summary="Appel commun de l'État, de la métropole et de la CAF pour les Quartiers à Impact Collectif : les "
        "projets servent la vision 2030 des quartiers et sont portés à plusieurs (données fictives).",
        opens_on=_day(-93), prefiling_on=_day(-49), closes_at=_moment(DECIDED - 10, 18),
        eligibility="Associations et établissements publics agissant dans un Quartier à Impact Collectif ; au moins "
        "un partenaire d'un autre secteur.",
        zone="Les 14 Quartiers à Impact Collectif de Saint-Étienne Métropole",
        contact="politique-de-la-ville@demo.cooperer.fr", status=CallStatus.CLOSED, min_partners=1,
        min_partner_sectors=2, is_demo=True,
    )  # fmt: skip
    call.elements.set(elements)
    for funder, name, programme, envelope, number in FUNDERS:
        CallFunder.objects.create(call=call, funder=funder, name=name, programme=programme,
                                  envelope=Decimal(envelope), siret=fictional_siret(number))  # fmt: skip
    for position, (kind, label, weight) in enumerate(CRITERIA):
        Criterion.objects.create(call=call, kind=kind, label=label, weight=weight, position=position)
    return call


def _applications(call, structures, elements, rng) -> list[Application]:
    qpvs = {q.code: q for q in call.contract.qpvs.all()}
    made = []
    for applicant, title, purpose, code, element, partners, public, amounts in FEATURED:
        made.append(
            _application(call, structures[applicant], title, purpose, qpvs.get(code) or next(iter(qpvs.values())),
                         elements[element], [(structures[n], r) for n, r in partners], public, amounts,
                         ApplicationStatus.SUBMITTED)
        )  # fmt: skip
    associations = [s for s in structures.values() if s.legal_form == "association"]
    by_theme = {}
    for structure in Structure.objects.filter(pk__in=[a.pk for a in associations]).prefetch_related("themes"):
        for theme in structure.themes.all():
            by_theme.setdefault(theme.name, []).append(structures[structure.name])
    institutions = [
        s for s in structures.values() if s.legal_form in ("commune", "caf", "bailleur", "centre_social")
    ]
    codes = sorted(code for code in qpvs if Qpv.objects.filter(code=code, perimeters__isnull=False).exists())
    for number in range(26):
        title, purpose, element, public, theme = THEMES[number % len(THEMES)]
        qpv = qpvs[codes[number % len(codes)]]
        working_on_it = sorted(by_theme.get(theme) or associations, key=lambda s: s.name)
        applicant = working_on_it[number // len(THEMES) % len(working_on_it)]
        partner = institutions[number % len(institutions)]
        amounts = {
            "etat": rng.randrange(4000, 15000, 500),
            rng.choice(["epci", "caf"]): rng.randrange(2000, 8000, 500),
        }
        made.append(
            _application(call, applicant, title.format(q=qpv.name), purpose.format(q=qpv.name), qpv, elements[element],
                         [(partner, PartnerRole.OPERATIONAL)], public, amounts,
                         ApplicationStatus.REVIEWED if number % 3 else ApplicationStatus.SUBMITTED)
        )  # fmt: skip
    return made


def _review(call, applications, rng) -> None:
    """The instructors' scores: the delegate of the prefect and the animatrice score every application examined
    by the committee (the decided ones and those instructed), so that the committee sees their mean."""
    from django.contrib.auth import get_user_model

    from cooperer.accounts.enums import Role

    reviewers = list(
        get_user_model()
        .objects.filter(
            is_demo=True,
            role_assignments__epci=call.epci_id,
            role_assignments__role__in=[Role.INSTRUCTION, Role.ANIMATION],
        )
        .distinct()
        .order_by("pk")
    )
    examined = applications[:12] + [a for a in applications[12:] if a.status == ApplicationStatus.REVIEWED]
    score_applications(examined, reviewers, list(call.criteria.all()), rng, low={applications[3].pk})
    Application.objects.filter(pk__in=[a.pk for a in examined]).update(status=ApplicationStatus.REVIEWED)


def score_applications(applications, reviewers, criteria, rng, low=frozenset()) -> None:
    """Every reviewer scores every criterion of these applications (3 to 5; 1 for those in `low`)."""
    Review.objects.bulk_create(
        Review(application=application, criterion=criterion, reviewer=reviewer, at=_moment(DECIDED - 5, 10),
               score=1 if application.pk in low else rng.randint(3, 5), comment="Note de démonstration (fictive).")
        for application in applications for reviewer in reviewers for criterion in criteria
    )  # fmt: skip


def _session(call, applications) -> CommitteeSession:
    session = CommitteeSession.objects.create(
        call=call,
        name=COMMITTEE,
        held_on=_day(DECIDED),
        place="Hôtel de métropole, Saint-Étienne (salle fictive)",
    )
    session.agenda.set(applications[:12])
    return session


def _decide(call, applications, elements, session) -> None:
    funders = {f.funder: f for f in call.funders.all()}
    criteria = {c.kind: c for c in call.criteria.all()}
    consortium, drifting = applications[0], applications[3]
    services.decide(
        consortium, outcome=Outcome.GRANTED, committee=COMMITTEE, decided_on=_day(DECIDED), user=None, session=session,
        motivation="Le tiers-lieu sert directement l'élément « les jeunes ont des lieux à eux et des adultes en qui ils "
        "ont confiance » ; il est porté par le centre social, la MJC et le club sportif ensemble (coopération).",
        elements=[elements[0]], criteria=[criteria[CriterionKind.ALIGNMENT], criteria[CriterionKind.COOPERATION]],
        amounts={funders["etat"]: Decimal("25000"), funders["epci"]: Decimal("15000"), funders["caf"]: Decimal("10000")},
    )  # fmt: skip
    services.decide(
        drifting, outcome=Outcome.REFUSED, committee=COMMITTEE, decided_on=_day(DECIDED), user=None, session=session,
        motivation="Un festival payant au centre-ville s'éloigne de la vision des quartiers : il ne donne pas aux "
        "jeunes des lieux à eux dans leur quartier (critère « cohérence avec la vision »).",
        elements=[elements[0]], criteria=[criteria[CriterionKind.ALIGNMENT]], amounts={},
    )  # fmt: skip
    for application in applications[4:12]:
        requested = {line.funder: line.amount for line in application.budget.filter(account="74")}
        services.decide(
            application, outcome=Outcome.GRANTED, committee=COMMITTEE, decided_on=_day(DECIDED), user=None,
            session=session,
            motivation="Le projet sert la vision du quartier et associe un partenaire institutionnel.",
            elements=[e for e in elements if application.served.filter(element=e).exists()] or elements[:1],
            criteria=[criteria[CriterionKind.ALIGNMENT]],
            amounts={funders[f]: amount for f, amount in requested.items() if f in funders},
        )  # fmt: skip
    for number, grant in enumerate(Grant.objects.filter(decision__application__call=call).order_by("pk")):
        grant.convention_reference = f"CONV-{_day(DECIDED).year}-{number + 1:03d} (fictive)"
        grant.convention_date = _day(DECIDED + 1)
        grant.save(update_fields=["convention_reference", "convention_date"])
