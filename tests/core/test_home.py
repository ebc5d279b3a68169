"""The page after login: each role starts from its own work, every count leads to its filtered list, and the
page reads the same number of queries whatever the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperer.accounts.enums import Funder, Role
from cooperer.accounts.models import RoleAssignment
from cooperer.calls import services as calls
from cooperer.calls.enums import ApplicationStatus, Verdict
from cooperer.calls.models import Application, Opinion
from cooperer.communities.models import Community, Instance, Meeting
from cooperer.consultations.enums import Audience, ContributionKind, ContributionSource, SessionFormat
from cooperer.consultations.models import Contribution, ModerationEvent, Session
from cooperer.jobs.enums import JobStatus
from cooperer.jobs.models import Job
from tests.calls.fixtures import make_structure
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _member_of(structure, name="porteur@exemple.fr"):
    user = make_user(name)
    RoleAssignment.objects.create(
        user=user, role=Role.STRUCTURE_MEMBER, epci=structure.commune.epci, structure=structure
    )
    return user


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


def _submitted(application, users):
    calls.submit(application, users["member"], now=timezone.now())
    application.refresh_from_db()
    return application


def test_a_visitor_sees_no_role_section(client, application):
    page = client.get(reverse("core:home")).content.decode()
    assert "Vos demandes de subvention" not in page and "À instruire" not in page
    assert "Contrats de ville" in page


def test_a_structure_member_starts_from_its_applications_and_the_open_calls(client, application):
    application.status = ApplicationStatus.COMPLEMENTS
    application.save(update_fields=["status"])
    page = _home(client, _member_of(application.applicant))
    assert "Vos demandes de subvention" in page
    assert "Un local jeunes ouvert le soir" in page and "Compléments demandés" in page
    assert "1 demande attend vos compléments</a>" in page
    assert f'href="{reverse("calls:applications")}?etat=complements"' in page
    assert "1 appel ouvert</a>" in page and f'href="{reverse("calls:list")}?etat=ouverts"' in page
    assert "À instruire" not in page and "Imports et traitements" not in page


def test_the_counts_of_a_structure_member_lead_to_their_filtered_list(client, application, call):
    member = _member_of(application.applicant)
    client.force_login(member)
    url = reverse("calls:applications")
    assert "Un local jeunes ouvert le soir" in client.get(url, {"etat": "draft"}).content.decode()
    assert "Un local jeunes ouvert le soir" not in client.get(url, {"etat": "decided"}).content.decode()
    listed = client.get(reverse("calls:list"), {"etat": "ouverts"}).content.decode()
    assert call.name in listed
    call.closes_at = timezone.now() - datetime.timedelta(days=1)
    call.save(update_fields=["closes_at"])
    assert call.name not in client.get(reverse("calls:list"), {"etat": "ouverts"}).content.decode()


def test_the_list_of_applications_is_refused_to_people_who_neither_apply_nor_instruct(client, users):
    client.force_login(users["se_animator"])
    assert client.get(reverse("calls:applications")).status_code == 403


def test_an_instructor_sees_what_awaits_instruction_and_their_funders_opinion(client, application, users):
    _submitted(application, users)
    page = _home(client, users["state_instructor"])
    assert "1 demande déposée attend votre instruction</a>" in page
    assert "1 demande sans l&#x27;avis de votre financeur</a>" in page
    assert reverse("calls:committee", args=[application.call_id]) in page
    assert "Vos demandes de subvention" not in page
    client.force_login(users["state_instructor"])
    missing = client.get(reverse("calls:applications"), {"liste": "a_instruire", "avis": "manquant"})
    assert "Un local jeunes ouvert le soir" in missing.content.decode()
    Opinion.objects.create(
        application=application, funder=Funder.STATE, verdict=Verdict.FAVOURABLE, by=users["state_instructor"]
    )
    page = _home(client, users["state_instructor"])
    assert "sans l&#x27;avis de votre financeur" not in page
    missing = client.get(reverse("calls:applications"), {"liste": "a_instruire", "avis": "manquant"})
    assert "Un local jeunes ouvert le soir" not in missing.content.decode()


def test_an_instructor_of_another_territory_or_funder_sees_nothing_to_instruct(
    client, application, users, territory
):
    _submitted(application, users)
    committee = reverse("calls:committee", args=[application.call_id])
    departement = make_user("departement@exemple.fr", Role.INSTRUCTION, territory["sem"], Funder.DEPARTEMENT)
    caf_m2a = make_user("caf.m2a@exemple.fr", Role.INSTRUCTION, territory["m2a"], Funder.CAF)
    for outsider in (departement, caf_m2a):
        page = _home(client, outsider)
        assert "Aucune demande n&#x27;attend votre instruction." in page and committee not in page
        client.force_login(outsider)
        listed = client.get(reverse("calls:applications"), {"liste": "a_instruire"}).content.decode()
        assert "Un local jeunes ouvert le soir" not in listed


def _said(consultation, session, text, days_ago=1, source=ContributionSource.FORM):
    return Contribution.objects.create(
        consultation=consultation, session=session, qpv=session.qpv, audience=session.audience,
        kind=ContributionKind.NEED, text=text, source=source,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )  # fmt: skip


def test_the_animatrice_sees_new_contributions_what_to_read_and_the_next_sessions(
    client, consultation, sessions, users, territory
):
    new = _said(consultation, sessions["habitants"], "Le bus passe trop rarement le soir.")
    read = _said(consultation, sessions["habitants"], "Un city-stade éclairé.")
    ModerationEvent.objects.create(contribution=read, hidden=False, reason="Relue", by=users["se_animator"])
    _said(consultation, sessions["habitants"], "Un marché le samedi.", days_ago=30)
    Session.objects.create(
        consultation=consultation, qpv=territory["sud_est"], audience=Audience.YOUTH, format=SessionFormat.STAND,
        date=timezone.localdate() + datetime.timedelta(days=5), place="Place du marché",
    )  # fmt: skip
    page = _home(client, users["se_animator"])
    assert "2 nouvelles contributions — Quartiers à Impact Collectif 2030</a>" in page
    assert "1 contribution à relire avant modération — Quartiers à Impact Collectif 2030</a>" in page
    assert "Quartiers Sud-Est — jeunes (stand)" in page
    client.force_login(users["se_animator"])
    url = reverse("consultations:contributions", args=[consultation.pk])
    to_read = client.get(url, {"state": "a_relire"}).content.decode()
    assert new.text in to_read and read.text not in to_read and "Un marché le samedi." not in to_read
    assert "Un marché le samedi." not in client.get(url, {"state": "nouvelles"}).content.decode()


def test_the_consultations_section_is_only_for_the_animation_of_the_territory(
    client, consultation, sessions, users
):
    _said(consultation, sessions["habitants"], "Le bus passe trop rarement le soir.")
    other = _home(client, users["m2a_animator"])
    assert "Aucune concertation ouverte sur vos territoires." in other and consultation.title not in other
    for outsider in (users["member"], users["state_instructor"]):
        page = _home(client, outsider)
        assert 'id="concertations"' not in page and "nouvelle contribution" not in page


def test_the_next_meetings_are_listed_for_the_animation_and_the_members(client, territory, users):
    community = Community.objects.create(
        name="Collectif Sud-Est", epci=territory["sem"], objective="Les jeunes"
    )
    instance = Instance.objects.create(community=community, kind="cotech", name="Comité technique")
    Meeting.objects.create(instance=instance, starts_at=timezone.now() + datetime.timedelta(days=3))
    Meeting.objects.create(instance=instance, starts_at=timezone.now() - datetime.timedelta(days=3))
    page = _home(client, users["se_animator"])
    assert page.count("Collectif Sud-Est — Comité technique") == 1
    assert "Collectif Sud-Est" not in _home(client, users["m2a_animator"])


def test_the_administrator_starts_from_imports_and_jobs_and_the_counts_lead_to_the_list(client, users):
    Job.objects.create(kind="import_reference", label="Import des QPV", status=JobStatus.FAILED)
    Job.objects.create(kind="import_reference", label="Import des communes", status=JobStatus.SUCCEEDED)
    page = _home(client, users["admin"])
    assert "Imports et traitements" in page and reverse("territories:import") in page
    assert "1 traitement en échec</a>" in page and f"{reverse('jobs:list')}?etat=failed" in page
    listed = client.get(reverse("jobs:list"), {"etat": "failed"}).content.decode()
    assert "Import des QPV" in listed and "Import des communes" not in listed
    assert "Imports et traitements" not in _home(client, users["member"])


def test_the_home_page_reads_the_same_number_of_queries_whatever_the_data(
    client, application, users, consultation, sessions, territory
):
    _submitted(application, users)
    _said(consultation, sessions["habitants"], "Le bus passe trop rarement le soir.")
    people = [
        users["state_instructor"],
        users["se_animator"],
        users["admin"],
        _member_of(application.applicant),
    ]

    def counts():
        found = []
        for user in people:
            client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("core:home")).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    for number in range(6):
        copy = Application.objects.create(
            call=application.call, applicant=make_structure(f"Association {number} (fictive)", 200 + number),
            title=f"Action {number}", purpose=f"Objet {number}", starts_on=application.starts_on,
            ends_on=application.ends_on, republican_commitment=True, status=ApplicationStatus.SUBMITTED,
        )  # fmt: skip
        copy.partners.create(structure=application.applicant, role="operationnel")
        _said(consultation, sessions["habitants"], f"Idée {number}")
        Session.objects.create(
            consultation=consultation, qpv=territory["sud_est"], audience=Audience.RESIDENTS,
            format=SessionFormat.WORKSHOP, date=timezone.localdate() + datetime.timedelta(days=number + 1),
        )  # fmt: skip
        Job.objects.create(kind="import_reference", label=f"Import {number}", status=JobStatus.FAILED)
    assert counts() == before
    assert max(before) <= 16


def test_an_unknown_page_is_answered_in_french_without_the_technical_page(client, users):
    client.force_login(users["se_animator"])
    response = client.get("/acteurs/99999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page introuvable" in page and "URLconf" not in page and 'lang="fr"' in page


def test_a_server_error_is_answered_in_french_by_a_page_that_needs_nothing(client):
    from django.template.loader import render_to_string

    page = render_to_string(
        "500.html"
    )  # rendered without context, as Django does when everything else failed
    assert 'lang="fr"' in page and "Une erreur est survenue" in page and 'href="/"' in page


def test_the_demo_banner_sits_inside_the_header_landmark(client, settings):
    settings.COOPERER_DEMO = True
    page = client.get(reverse("core:home")).content.decode()
    header = page.split("<header", 1)[1].split("</header>", 1)[0]
    assert 'class="demo-banner"' in header and page.count('class="demo-banner"') == 1


def test_a_structure_member_sees_its_late_bilan_and_its_filtered_list(client, funded):
    member = _member_of(funded["application"].applicant)
    page = _home(client, member)
    url = f"{reverse('measurement:bilans')}?liste=a_deposer&amp;retard=1"
    assert "1 bilan à déposer</a>" in page and f'href="{url}"' in page and "1 bilan en retard</a>" in page
    late = client.get(reverse("measurement:bilans"), {"liste": "a_deposer", "retard": "1"}).content.decode()
    assert "Un local jeunes ouvert le soir" in late and "Seuls les bilans en retard sont listés." in late
    funded["bilan"].due_on = timezone.localdate() + datetime.timedelta(days=30)
    funded["bilan"].save(update_fields=["due_on"])
    late = client.get(reverse("measurement:bilans"), {"liste": "a_deposer", "retard": "1"}).content.decode()
    assert "Un local jeunes ouvert le soir" not in late
    assert "bilan en retard" not in _home(client, member)
