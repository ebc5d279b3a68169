"""The demo's measurement: three earlier editions (2024, 2025, 2026) of Saint-Étienne Métropole's call and of a
Mulhouse call for the youth community, decided and followed by bilans, in which cooperation densifies (more
applications carried with partners each year); outcomes of « Quartiers Sud-Est en 2030 » with their indicators,
two of which move and one stays flat; competing applications brought together into consortia (one in 2025, two
in 2026) and the co-portage ties the funded partnerships create in the directory; an assumption refuted by a measured result, then revised. Everything here
is fictional and marked so (`is_demo`). Load after the calls, visions and demo accounts."""

import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from cooperer.accounts.enums import Funder
from cooperer.actors.enums import LegalForm, LinkKind
from cooperer.actors.models import CooperationLink, Structure
from cooperer.calls import services as calls
from cooperer.calls.demo import fictional_siret, score_applications
from cooperer.calls.enums import ApplicationStatus, CallStatus, CriterionKind, Outcome, PartnerRole
from cooperer.calls.models import Application, BudgetLine, Call, CallFunder, Criterion, Partner
from cooperer.calls.models import Indicator as PlanIndicator
from cooperer.measurement import followup, library, services
from cooperer.measurement.enums import (
    BilanStatus,
    IndicatorKind,
    MeasurementSource,
    Polarity,
    ReportKind,
    Unit,
)
from cooperer.measurement.models import (
    Bilan,
    BilanEvent,
    EvidenceCitation,
    Indicator,
    Measurement,
    OutcomeIndicator,
    Report,
    Rollup,
)
from cooperer.territories.models import ContratDeVille
from cooperer.visions import services as visions
from cooperer.visions.enums import AssumptionStatus
from cooperer.visions.models import Vision

PARIS = ZoneInfo("Europe/Paris")
EDITION_PREFIX = "Édition"
DELEGATE = "delegue.prefet.loire@demo.cooperer.fr"
CAF_INSTRUCTOR = "instructrice.caf.haut-rhin@demo.cooperer.fr"
# (year, first day, last day, share of applications carried with partners): the 2026 edition follows the school year.
EDITIONS = [
    (2024, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31), 0.3),
    (2025, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), 0.6),
    (2026, datetime.date(2025, 9, 1), datetime.date(2026, 8, 31), 0.9),
]
# (title, purpose, vision element, indicator, themes of the structures that carry such an action)
ACTIONS = [
    ("Soirées jeunes à {q}", "Ouvrir un lieu aux jeunes de {q} trois soirs par semaine, avec des animateurs.", 0,
     "Séances réalisées", {"Jeunesse", "Sport", "Culture"}),
    ("Accompagnement vers l'emploi à {q}", "Accompagner les jeunes de {q} vers un stage, une formation ou un emploi.",
     2, "Heures d'accompagnement", {"Emploi et insertion"}),
    ("Jardin et place partagés à {q}", "Animer le jardin partagé et la place de {q} avec les habitants.", 1,
     "Séances réalisées", {"Transition écologique", "Lien social et vie associative", "Logement et cadre de vie"}),
]  # fmt: skip
YOUTH = {"Jeunesse"}
# Funders and public bodies: partners of an action, not the field structures that carry it.
INSTITUTIONS = {LegalForm.COMMUNE, LegalForm.EPCI, LegalForm.STATE, LegalForm.CAF, LegalForm.DEPARTEMENT}
MULHOUSE_ACTIONS = [
    ("Fonds d'initiatives des jeunes ({y})", "Financer et accompagner des projets portés par des jeunes mulhousiens.", 0),
    ("Référents jeunesse dans chaque structure ({y})", "Former un adulte référent par structure pour orienter les "
     "jeunes de l'une à l'autre.", 1),
    ("Conseil de jeunes de Mulhouse ({y})", "Réunir un conseil de jeunes consulté sur les politiques jeunesse.", 2),
]  # fmt: skip
# Outcomes of « Quartiers Sud-Est en 2030 » (by their text) followed by an indicator: (outcome text start, code,
# name, unit, polarity, baseline 2023, target 2030, actuals 2024–2026).
SUD_EST_OUTCOMES = [
    ("Les jeunes fréquentent des lieux encadrés", "jeunes_lieux_encadres",
     "Jeunes qui fréquentent chaque semaine un lieu encadré", Unit.PEOPLE, Polarity.UP, 120, 400, (150, 205, 262)),
    ("Un quartier où l'on se sent bien", "sentiment_securite", "Habitants qui se sentent en sécurité dans le quartier",
     Unit.PERCENT, Polarity.UP, 41, 60, (43, 46, 50)),
    ("Les jeunes accèdent à l'emploi", "jeunes_emploi_formation", "Jeunes de 16 à 25 ans en emploi ou en formation",
     Unit.PERCENT, Polarity.UP, 52, 65, (52, 51, 52)),
    ("Un local jeunesse co-géré", "nouveaux_publics", "Jeunes accueillis qui ne fréquentaient aucune structure",
     Unit.PERCENT, Polarity.UP, None, 50, (None, 14, 18)),
]  # fmt: skip
# Competing applications merged into a consortium in each edition (« On prouve que ça marche »).
MERGED_PER_EDITION = {2024: 0, 2025: 1, 2026: 2}
PARTNERSHIP_EVIDENCE = "Action financée portée ensemble (fictif)"
REFUTED = "Un lieu co-géré attire les jeunes qui ne fréquentent aucune structure."


def clear_demo_measurement() -> None:
    """Goes before the demo calls and visions are cleared: bilans and measurements protect the applications."""
    services.delete_measurements(Measurement.objects.filter(application__is_demo=True))
    services.delete_measurements(Measurement.objects.filter(vision__is_demo=True))
    Bilan.objects.filter(application__is_demo=True).delete()
    CooperationLink.objects.filter(is_demo=True, evidence=PARTNERSHIP_EVIDENCE).delete()
    Rollup.objects.filter(total=0, count=0).delete()


def load_demo_measurement() -> dict:
    """Idempotent. Returns what it made, for the demo command to say."""
    contract = ContratDeVille.objects.filter(slug="saint-etienne-metropole").first()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[DELEGATE, CAF_INSTRUCTOR])}
    if contract is None or DELEGATE not in users:
        return {}
    rng = random.Random(2030)
    with transaction.atomic():
        clear_demo_measurement()
        Call.objects.filter(is_demo=True, name__startswith=EDITION_PREFIX).delete()
        library.ensure_defaults()
        made = {"bilans": 0, "calls": 0}
        metropole = _vision_elements(Vision.objects.filter(is_demo=True, scope_kind="contrat").first())
        if metropole:
            for edition in EDITIONS:
                made["bilans"] += _saint_etienne_edition(contract, metropole, edition, users[DELEGATE], rng)
                made["calls"] += 1
        mulhouse = ContratDeVille.objects.filter(slug="mulhouse-alsace-agglomeration").first()
        community_vision = Vision.objects.filter(is_demo=True, scope_kind="communaute").first()
        if mulhouse and community_vision and CAF_INSTRUCTOR in users:
            for edition in EDITIONS:
                made["bilans"] += _mulhouse_edition(
                    mulhouse, _vision_elements(community_vision), edition, users[CAF_INSTRUCTOR], rng
                )
                made["calls"] += 1
        made["outcomes"] = _sud_est_outcomes(users[DELEGATE])
    return made


def _vision_elements(vision):
    if vision is None:
        return []
    return list(visions.current_version(vision).elements.order_by("position"))


def _edition_call(contract, year, name, funders, elements) -> Call:
    call = Call.objects.create(
        name=f"{EDITION_PREFIX} {year} — {name}", epci=contract.pilot_epci, contract=contract,
        carrier_name=contract.pilot_epci.name, carrier_siren=contract.pilot_epci.siren,
        beneficiaries=["association"], summary="Édition antérieure, décidée et suivie par des bilans (fictive).",
        opens_on=datetime.date(year - 1, 9, 1), closes_at=datetime.datetime(year - 1, 11, 15, 18, tzinfo=PARIS),
        status=CallStatus.CLOSED, min_partners=0, is_demo=True,
    )  # fmt: skip
    call.elements.set(elements)
    for number, (funder, label, envelope) in enumerate(funders):
        CallFunder.objects.create(call=call, funder=funder, name=label, envelope=Decimal(envelope),
                                  siret=fictional_siret(90 + number))  # fmt: skip
    Criterion.objects.create(
        call=call, kind=CriterionKind.ALIGNMENT, label="Cohérence avec la vision", weight=60
    )
    Criterion.objects.create(
        call=call, kind=CriterionKind.COOPERATION, label="Coopération entre acteurs", weight=40
    )
    return call


def _saint_etienne_edition(contract, elements, edition, delegate, rng) -> int:
    year, starts, ends, shared = edition
    call = _edition_call(
        contract, year, "Quartiers 2030, coopérer pour la jeunesse",
        [(Funder.STATE, "Préfecture de la Loire (BOP 147)", "120000"), (Funder.EPCI, "Saint-Étienne Métropole",
                                                                        "80000")], elements,
    )  # fmt: skip
    structures = _structures(contract)
    associations = [s for s in structures if s.legal_form == "association"]
    others = [s for s in structures if s.legal_form != "association"]
    centre = next((s for s in structures if s.name == "Centre social des Quartiers Sud-Est"), structures[0])
    qpvs = list(contract.qpvs.filter(perimeters__isnull=False).order_by("code"))
    applications = []
    for number in range(10):
        title, purpose, element, extra, themes = ACTIONS[number % len(ACTIONS)]
        qpv = qpvs[(number * 3 + year) % len(qpvs)]
        carriers = _fitting(associations, themes)
        applicant = centre if number == 0 else carriers[(number + year) % len(carriers)]
        partners = []
        if number / 10 < shared:
            partners.append((others[(number * 2 + year) % len(others)], PartnerRole.OPERATIONAL))
            if year == 2026 and number % 3 == 0:
                partners.append((carriers[(number + year + 5) % len(carriers)], PartnerRole.CO_LEAD))
        amounts = {Funder.STATE: rng.randrange(6000, 16000, 500), Funder.EPCI: rng.randrange(2000, 8000, 500)}
        applications.append(
            _application(call, applicant, title.format(q=qpv.name), purpose.format(q=qpv.name), qpv,
                         elements[element % len(elements)], partners, amounts, starts, ends, extra)
        )  # fmt: skip
    _merge_competitors(call, applications, associations, MERGED_PER_EDITION[year], starts, ends)
    _partnership_links(applications, starts, ends)
    return _decide_and_report(call, applications, delegate, year, rng)


def _merge_competitors(call, applications, associations, count, starts, ends) -> None:
    """Another association asks for the same action in the same QPV: instruction merges it into a consortium."""
    for number in range(count):
        lead = applications[number + 1]
        rivals = _fitting(associations, ACTIONS[(number + 1) % len(ACTIONS)][4])
        rival = rivals[(number + call.closes_at.year + 7) % len(rivals)]
        if rival.pk == lead.applicant_id:
            continue
        competing = _application(
            call, rival, f"{lead.title} (demande concurrente)", lead.purpose, lead.qpvs.get(),
            lead.served.get().element, [], {Funder.STATE: 5000, Funder.EPCI: 2000}, starts, ends, "Séances réalisées",
        )  # fmt: skip
        calls.merge_into_consortium(lead, [competing])


def _partnership_links(applications, starts, ends) -> None:
    """Carrying an action together is a co-portage tie between the applicant and each partner, for its period."""
    CooperationLink.objects.bulk_create(
        CooperationLink(source=application.applicant, target=partner.structure, kind=LinkKind.JOINT_PROJECT,
                        start=starts, end=ends, evidence=PARTNERSHIP_EVIDENCE, is_demo=True)
        for application in applications
        for partner in application.partners.select_related("structure")
    )  # fmt: skip


def _mulhouse_edition(contract, elements, edition, instructor, rng) -> int:
    year, starts, ends, shared = edition
    call = _edition_call(
        contract, year, "Jeunes engagés à Mulhouse",
        [(Funder.CAF, "CAF du Haut-Rhin", "60000"), (Funder.STATE, "Préfecture du Haut-Rhin (BOP 147)", "40000")],
        elements,
    )  # fmt: skip
    youth = _fitting([s for s in _structures(contract) if s.legal_form not in INSTITUTIONS], YOUTH)
    qpvs = list(contract.qpvs.order_by("code"))
    applications = []
    for number, (title, purpose, element) in enumerate(MULHOUSE_ACTIONS):
        partners = []
        if (number + 1) / len(MULHOUSE_ACTIONS) <= shared + 0.1:
            partners = [(youth[(number + k + year) % len(youth)], PartnerRole.OPERATIONAL)
                        for k in range(1, 2 + (year - 2024))]  # fmt: skip
        applicant = youth[(number + year) % len(youth)]
        partners = [(s, role) for s, role in partners if s.pk != applicant.pk]
        amounts = {Funder.CAF: rng.randrange(5000, 12000, 500), Funder.STATE: rng.randrange(2000, 6000, 500)}
        applications.append(
            _application(call, applicant, title.format(y=year), purpose, qpvs[(number + year) % len(qpvs)],
                         elements[element % len(elements)], partners, amounts, starts, ends, "Séances réalisées")
        )  # fmt: skip
    return _decide_and_report(call, applications, instructor, year, rng, featured=False)


def _structures(contract) -> list[Structure]:
    return list(
        Structure.objects.filter(is_demo=True, commune__epci=contract.pilot_epci)
        .prefetch_related("themes")
        .order_by("name")
    )


def _fitting(structures, themes: set[str]) -> list[Structure]:
    """The structures working on one of these themes: a youth evening is carried by a youth or sports
    association, not by a health or digital-access one."""
    return [s for s in structures if themes & {theme.name for theme in s.themes.all()}] or structures


def _application(call, applicant, title, purpose, qpv, element, partners, amounts, starts, ends, extra):
    application = Application.objects.create(
        call=call, applicant=applicant, title=title, purpose=purpose[:256], description=purpose,
        public_description="jeunes et habitants", public_count=60, qpv_share=85, starts_on=starts, ends_on=ends,
        republican_commitment=True, status=ApplicationStatus.SUBMITTED, is_demo=True,
        submitted_at=datetime.datetime(call.closes_at.year, 11, 10, 17, tzinfo=PARIS),
    )  # fmt: skip
    application.qpvs.set([qpv])
    Partner.objects.bulk_create(
        Partner(application=application, structure=s, role=role)
        for s, role in dict(partners).items()
        if s.pk != applicant.pk
    )
    application.served.create(
        element=element, justification="Le projet y répond directement (données fictives)."
    )
    PlanIndicator.objects.create(application=application, name="Personnes touchées", target="60 par an")
    PlanIndicator.objects.create(application=application, name=extra, target="40")
    requested = sum(Decimal(a) for a in amounts.values())
    lines = [
        BudgetLine(application=application, account="74", amount=Decimal(a), funder=f)
        for f, a in amounts.items()
    ]
    lines += [
        BudgetLine(
            application=application, account="64", amount=requested * Decimal("0.8"), label="Animateurs"
        ),
        BudgetLine(
            application=application, account="60", amount=requested * Decimal("0.2"), label="Matériel"
        ),
    ]
    BudgetLine.objects.bulk_create(lines)
    return application


def _decide_and_report(call, applications, reviewer, year, rng, featured=True) -> int:
    funders = {f.funder: f for f in call.funders.all()}
    criteria = list(call.criteria.all())
    decided_on = datetime.date(call.closes_at.year, 12, 12)
    if reviewer is not None:  # the committee sees the instructor's mean score of every decided application
        score_applications(applications, [reviewer], criteria, random.Random(call.name))
    count = 0
    for number, application in enumerate(applications):
        requested = {line.funder: line.amount for line in application.budget.filter(account="74")}
        calls.decide(
            application, outcome=Outcome.GRANTED, committee="Comité de programmation (fictif)",
            decided_on=decided_on, user=None, elements=[s.element for s in application.served.all()],
            criteria=criteria, motivation="Le projet sert la vision et associe des partenaires (données fictives).",
            amounts={funders[f]: amount for f, amount in requested.items()},
        )  # fmt: skip
        for bilan in application.bilans.all():
            count += _report(bilan, reviewer, year, number if featured else number + 3, rng)
    return count


def _report(bilan, reviewer, year, number, rng) -> int:
    """Files (and mostly approves) a bilan; in each edition one waits, one is late or returned."""
    if year == 2026 and number == 0:
        return 0  # the Centre social's 2026 bilan is left for the demo member to file
    if year == 2025 and number == 9:
        return 0  # never filed: late since its due date
    growth = {2024: 1.0, 2025: 1.25, 2026: 1.5}[year]
    participants = int(rng.randrange(30, 70) * growth)
    women = participants * rng.randrange(40, 60) // 100
    bilan.narrative = (
        f"L'action a réuni {participants} participants sur l'année, avec les partenaires du quartier ; les jeunes "
        "ont proposé eux-mêmes une partie des activités (récit fictif)."
    )
    bilan.participants, bilan.participants_qpv = participants, participants * 8 // 10
    bilan.breakdown = {"sexe": {"femmes": women, "hommes": participants - women}}
    bilan.save(update_fields=["narrative", "participants", "participants_qpv", "breakdown"])
    for expense in bilan.expenses.all():
        expense.realised = (expense.forecast * Decimal(rng.randrange(92, 106)) / 100).quantize(Decimal("1"))
        if expense.account == "64" and number == 4:
            expense.realised = (expense.forecast * Decimal("0.75")).quantize(Decimal("1"))
            expense.explanation = "Un poste d'animateur vacant pendant trois mois (fictif)."
        expense.save(update_fields=["realised", "explanation"])
    results = {
        o.pk: (Decimal(int(rng.randrange(20, 60) * growth)), {})
        for o in bilan.obligations.exclude(indicator__code__in=followup.STANDARD_OBLIGATIONS)
    }
    followup.submit(bilan, None, results=results)
    late = number == 7
    submitted = datetime.datetime.combine(bilan.due_on, datetime.time(10), tzinfo=PARIS) - datetime.timedelta(
        days=-40 if late else 20 + number
    )
    if year == 2026:
        submitted = datetime.datetime(2026, 10, 1 + number, 10, tzinfo=PARIS)
    Bilan.objects.filter(pk=bilan.pk).update(submitted_at=submitted)
    BilanEvent.objects.filter(bilan=bilan).update(at=submitted)
    if year == 2026 and number in (1, 2):
        if number == 1:
            followup.return_for_changes(bilan, reviewer, "Précisez les habitants des QPV par tranche d'âge.")
        return 1
    followup.approve(bilan, reviewer, "Bilan conforme (fictif).")
    reviewed = submitted + datetime.timedelta(days=12)
    Bilan.objects.filter(pk=bilan.pk).update(reviewed_at=reviewed)
    BilanEvent.objects.filter(bilan=bilan, status=BilanStatus.APPROVED).update(at=reviewed)
    return 1


def _sud_est_outcomes(user) -> int:
    vision = Vision.objects.filter(is_demo=True, title="Quartiers Sud-Est en 2030").first()
    if vision is None:
        return 0
    version = visions.current_version(vision)
    outcomes = list(version.outcomes.all())
    followed = 0
    for start, code, name, unit, polarity, baseline, target, actuals in SUD_EST_OUTCOMES:
        outcome = next((o for o in outcomes if o.text.startswith(start)), None)
        if outcome is None:
            continue
        indicator, _ = library_indicator(vision.epci, code, name, unit, polarity)
        OutcomeIndicator.objects.update_or_create(
            vision=vision, outcome_key=outcome.key, indicator=indicator,
            defaults={"baseline": baseline, "baseline_year": 2023 if baseline is not None else None,
                      "target": target, "target_year": 2030},
        )  # fmt: skip
        rows = [
            services.Row(indicator=indicator, value=Decimal(value), period_start=datetime.date(year, 1, 1),
                         period_end=datetime.date(year, 12, 31), vision_id=vision.pk, outcome_key=outcome.key,
                         epci_id=vision.epci_id, source_label="Enquête annuelle du collectif (fictive)")
            for year, value in zip((2024, 2025, 2026), actuals, strict=True)
            if value is not None
        ]  # fmt: skip
        services.record(rows, source=MeasurementSource.COMMAND, check_plan=False)
        followed += 1
    _refute_and_revise(vision, version, user)
    return followed


def library_indicator(epci, code, name, unit, polarity):
    return Indicator.objects.get_or_create(
        epci=epci, code=code,
        defaults={"name": name, "kind": IndicatorKind.OUTCOME, "unit": unit, "polarity": polarity,
                  "additive": unit == Unit.PEOPLE, "maximum": 100 if unit == Unit.PERCENT else None,
                  "source": "Enquête annuelle du collectif auprès des habitants et des jeunes (fictive)",
                  "definition": name + ".", "is_demo": True},
    )  # fmt: skip


def _refute_and_revise(vision, version, user) -> None:
    assumption = version.assumptions.filter(text=REFUTED).first()
    measurement = Measurement.objects.filter(
        vision=vision, indicator__code="nouveaux_publics", period_end__year=2025
    ).first()
    if assumption is None or measurement is None or assumption.status != AssumptionStatus.TO_TEST:
        return
    visions.change_assumption_status(
        assumption, AssumptionStatus.REFUTED,
        "En 2025, 14 % seulement des jeunes accueillis au local ne fréquentaient aucune structure (enquête "
        "fictive) : le lieu attire surtout des jeunes déjà suivis.", user,
    )  # fmt: skip
    visions.change_assumption_status(
        assumption, AssumptionStatus.REVISED,
        "Hypothèse reformulée : le lieu co-géré attire les jeunes éloignés s'il s'accompagne d'éducateurs de rue "
        "qui vont vers eux (aller-vers) ; 18 % en 2026 après les premières maraudes (fictif).", user,
    )  # fmt: skip
    EvidenceCitation.objects.get_or_create(
        vision=vision, assumption_key=assumption.key, measurement=measurement,
        defaults={"note": "Part des nouveaux publics en 2025, bien en dessous de la moitié attendue.", "by": user},
    )  # fmt: skip


ANIMATRICE = "animatrice.saint-etienne@demo.cooperer.fr"
REPORT_YEAR = 2025


def load_demo_report() -> Report | None:
    """The annual report of Saint-Étienne Métropole for 2025, as the COPIL job builds it (after the context
    figures, so that it reads everything). Idempotent: the demo's earlier report is replaced."""
    contract = ContratDeVille.objects.filter(slug="saint-etienne-metropole").first()
    author = get_user_model().objects.filter(username=ANIMATRICE).first()
    if contract is None or author is None:
        return None
    from cooperer.measurement.jobs_copil import build_report_data

    Report.objects.filter(contract=contract, job__isnull=True, created_by=author).delete()
    data = build_report_data(contract, REPORT_YEAR, ReportKind.ANNUAL)
    return Report.objects.create(
        contract=contract, kind=ReportKind.ANNUAL, year=REPORT_YEAR, data=data, created_by=author
    )
