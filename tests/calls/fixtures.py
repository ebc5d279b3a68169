import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cooperer.accounts.enums import Funder
from cooperer.actors.enums import LegalForm
from cooperer.actors.models import Structure
from cooperer.calls.enums import CallStatus, CriterionKind, PartnerRole
from cooperer.calls.models import Application, BudgetLine, Call, CallFunder, Criterion, Indicator, Partner
from cooperer.core.validators import luhn_ok
from cooperer.territories.models import Commune
from cooperer.visions import services as visions


def luhn_siret(seed: int) -> str:
    """A SIRET whose key is right (the Luhn sum), made from a number."""
    base = f"{seed:013d}"
    for last in range(10):
        if luhn_ok(base + str(last)):
            return base + str(last)
    raise AssertionError("no key")


def make_structure(name, seed, form=LegalForm.ASSOCIATION, **extra):
    commune = Commune.objects.get(insee_code="42218")
    return Structure.objects.create(
        name=name, legal_form=form, commune=commune, siret=luhn_siret(seed), **extra
    )


@pytest.fixture
def call(territory, users, sud_est_vision):
    version = visions.current_version(sud_est_vision)
    youth = visions.add_element(
        version, "Les jeunes ont des lieux à eux et des adultes en qui ils ont confiance."
    )
    spaces = visions.add_element(version, "Des espaces publics partagés, propres et sûrs.")
    now = timezone.now()
    call = Call.objects.create(
        name="Quartiers 2030 – coopérer pour la jeunesse", epci=territory["sem"], contract=territory["se_contract"],
        carrier_name="Saint-Étienne Métropole", carrier_siren="244200770", beneficiaries=["association"],
        opens_on=timezone.localdate() - datetime.timedelta(days=10), closes_at=now + datetime.timedelta(days=20),
        status=CallStatus.OPEN, min_partners=1, min_partner_sectors=2,
    )  # fmt: skip
    call.elements.set([youth, spaces])
    for funder, name, envelope in (
        (Funder.STATE, "Préfecture de la Loire (BOP 147)", "120000"),
        (Funder.EPCI, "Saint-Étienne Métropole", "80000"),
        (Funder.CAF, "CAF de la Loire", "40000"),
    ):
        CallFunder.objects.create(call=call, funder=funder, name=name, envelope=Decimal(envelope))
    for position, (kind, label, weight) in enumerate(
        [
            (CriterionKind.ALIGNMENT, "Cohérence avec la vision du quartier", 30),
            (CriterionKind.COOPERATION, "Coopération entre acteurs", 30),
            (CriterionKind.RESIDENTS, "Habitants touchés", 20),
            (CriterionKind.EVALUATION, "Plan d'évaluation", 20),
        ]
    ):
        Criterion.objects.create(call=call, kind=kind, label=label, weight=weight, position=position)
    call.youth, call.spaces = youth, spaces
    return call


@pytest.fixture
def application(call, territory):
    """A complete draft: an association with a social centre as partner, a balanced budget, one element served."""
    applicant = make_structure("Association Jeunesse Sud-Est (fictive)", 10)
    partner = make_structure("Centre social des Quartiers Sud-Est (fictif)", 20, form=LegalForm.SOCIAL_CENTRE)
    institution = make_structure("Service jeunesse de la Ville (fictif)", 30, form=LegalForm.COMMUNE)
    app = Application.objects.create(
        call=call, applicant=applicant, title="Un local jeunes ouvert le soir",
        purpose="Ouvrir un local co-géré avec les jeunes, le soir et le week-end, avec des animateurs.",
        starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2027, 12, 31), republican_commitment=True,
        public_count=80, qpv_share=90,
    )  # fmt: skip
    app.qpvs.set([territory["sud_est"]])
    Partner.objects.create(application=app, structure=partner, role=PartnerRole.OPERATIONAL)
    Partner.objects.create(application=app, structure=institution, role=PartnerRole.REFERRER)
    app.served.create(
        element=call.youth, justification="Le local est un lieu à eux, encadré par des adultes."
    )
    Indicator.objects.create(application=app, name="Jeunes accueillis", target="80 par an")
    for account, amount, funder in (("64", "30000", ""), ("61", "10000", ""), ("74", "25000", Funder.STATE),
                                    ("74", "10000", Funder.CAF), ("75", "5000", "")):  # fmt: skip
        BudgetLine.objects.create(application=app, account=account, amount=Decimal(amount), funder=funder)
    return app


def make_rival(call, territory, submitted_at, seed=70):
    """Another structure's submitted application for the same young people in Quartiers Sud-Est: a competitor."""
    from cooperer.calls.enums import ApplicationStatus

    rival = Application.objects.create(
        call=call, applicant=make_structure("Club de boxe Sud-Est (fictif)", seed), title="Accueil des jeunes le soir",
        purpose="Ouvrir un local pour les jeunes le soir et le week-end, avec des animateurs et des éducateurs.",
        description="Un local co-géré par les jeunes du quartier, ouvert le soir.", public_description="jeunes",
        starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2027, 12, 31),
        status=ApplicationStatus.SUBMITTED, submitted_at=submitted_at,
    )  # fmt: skip
    rival.qpvs.set([territory["sud_est"]])
    return rival
