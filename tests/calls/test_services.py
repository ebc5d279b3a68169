import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cooperer.accounts.enums import Funder
from cooperer.calls import services
from cooperer.calls.enums import ApplicationStatus, Outcome
from cooperer.calls.models import Application, BudgetLine, Partner
from cooperer.calls.services import CallError
from tests.calls.fixtures import make_structure

DAY = datetime.date(2026, 11, 20)


def test_a_complete_application_is_submitted(application, users):
    assert services.submission_problems(application) == []
    services.submit(application, users["member"])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.submitted_at


def test_a_late_submission_is_refused_and_the_draft_kept(application, users):
    late = application.call.closes_at + datetime.timedelta(minutes=1)
    with pytest.raises(CallError, match="L'appel est clos depuis le"):
        services.submit(application, users["member"], now=late)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_an_unbalanced_budget_is_refused_with_both_totals(application):
    BudgetLine.objects.create(application=application, account="60", amount=Decimal("1234.5"))
    problems = " ".join(services.submission_problems(application))
    assert (
        "Le budget de l'année 1 n'est pas équilibré : charges 41 234,50 €, produits 40 000,00 €." in problems
    )


def test_a_purpose_over_256_characters_is_refused(application):
    application.purpose = "x" * 257
    assert "L'objet fait 257 caractères : 256 au plus." in services.submission_problems(application)


def test_a_partner_without_siret_is_refused(application):
    no_siret = make_structure("Collectif sans SIRET (fictif)", 40)
    no_siret.siret = ""
    no_siret.save()
    Partner.objects.create(application=application, structure=no_siret, role="operationnel")
    assert (
        "Le partenaire « Collectif sans SIRET (fictif) » n'a pas de SIRET valide."
        in services.submission_problems(application)
    )


def test_the_cooperation_condition_counts_partners_and_sectors(application):
    application.partners.all().delete()
    problems = services.cooperation_problems(application)
    assert problems == [
        "L'appel demande au moins 1 partenaire : la demande en compte 0.",
        "L'appel demande des partenaires d'au moins 2 secteurs différents (associatif, institutionnel, habitants…) : "
        "porteur et partenaires sont tous du même secteur.",
    ]


def test_the_same_structure_applying_twice_for_the_same_action_is_refused(application, users):
    services.submit(application, users["member"])
    twin = Application.objects.create(
        call=application.call, applicant=application.applicant, title="Local jeunes ouvert le soir",
        purpose="Ouvrir un local co-géré par les jeunes le soir et le week-end avec des animateurs.",
        starts_on=DAY, ends_on=DAY, republican_commitment=True,
    )  # fmt: skip
    assert any(
        "a déjà déposé « Un local jeunes ouvert le soir »" in p for p in services.submission_problems(twin)
    )


def test_a_decision_needs_a_motivation_citing_elements_and_criteria(application, call, users):
    services.submit(application, users["member"])
    state = call.funders.get(funder=Funder.STATE)
    common = {"committee": "Comité de programmation", "decided_on": DAY, "user": users["state_instructor"]}
    with pytest.raises(CallError, match="motivée"):
        services.decide(application, outcome=Outcome.REFUSED, motivation=" ", elements=[call.youth],
                        criteria=call.criteria.all()[:1], amounts={}, **common)  # fmt: skip
    with pytest.raises(CallError, match="citer au moins un élément"):
        services.decide(application, outcome=Outcome.REFUSED, motivation="Hors sujet", elements=[],
                        criteria=call.criteria.all()[:1], amounts={}, **common)  # fmt: skip
    with pytest.raises(CallError, match="montant"):
        services.decide(application, outcome=Outcome.GRANTED, motivation="Cohérent", elements=[call.youth],
                        criteria=call.criteria.all()[:1], amounts={}, **common)  # fmt: skip
    decision = services.decide(
        application, outcome=Outcome.PARTIAL, motivation="Sert l'élément « lieux pour les jeunes ».",
        elements=[call.youth], criteria=call.criteria.all()[:2], amounts={state: Decimal("20000")}, **common,
    )  # fmt: skip
    assert decision.grants.get().amount == Decimal("20000")
    use = {row["funder"].funder: row for row in services.envelope_use(call)}
    assert use[Funder.STATE]["remaining"] == Decimal("100000")
    with pytest.raises(CallError, match="déjà sa décision"):
        services.decide(application, outcome=Outcome.REFUSED, motivation="x", elements=[call.youth],
                        criteria=call.criteria.all()[:1], amounts={}, **common)  # fmt: skip


def test_competing_applications_merge_into_a_consortium_keeping_their_history(
    application, call, users, django_capture_on_commit_callbacks, mailoutbox
):
    from cooperer.actors.models import Person

    services.submit(application, users["member"])
    rival = Application.objects.create(
        call=call, applicant=make_structure("Club de boxe du quartier (fictif)", 50), title="Boxe le soir",
        purpose="Accueillir les jeunes le soir au club.", starts_on=DAY, ends_on=DAY,
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now(),
    )  # fmt: skip
    Person.objects.create(structure=rival.applicant, first_name="Inès", last_name="Fictive", email="club@exemple.fr",
                          consent_at=timezone.now())  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.merge_into_consortium(application, [rival])
    assert [m.to for m in mailoutbox] == [["club@exemple.fr"]] and "Boxe le soir" in mailoutbox[0].body
    rival.refresh_from_db()
    assert rival.status == ApplicationStatus.MERGED and rival.merged_into == application
    assert application.partners.filter(structure=rival.applicant, role="co_porteur").exists()
    assert Application.objects.filter(pk=rival.pk).exists()


def test_a_call_may_require_taking_part_in_a_community_of_action(application, community, territory):
    from cooperer.communities import services as communities
    from cooperer.communities.enums import MemberRole
    from cooperer.communities.models import Community

    call = application.call
    call.require_participation = True
    call.save()
    assert any("communauté d'action" in p for p in services.cooperation_problems(application))
    local = Community.objects.create(name="Collectif Sud-Est", epci=territory["sem"], objective="Les jeunes")
    communities.add_member(local, application.applicant, role=MemberRole.MEMBER, joined_on=DAY)
    assert not any("communauté d'action" in p for p in services.cooperation_problems(application))
