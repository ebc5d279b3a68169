from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from cooperer.accounts.models import User
from cooperer.actors.models import Structure
from cooperer.communities.models import Community
from cooperer.consultations.demo import TITLE as CONSULTATION_TITLE
from cooperer.consultations.models import Consultation
from cooperer.core import demo
from cooperer.measurement import proof
from cooperer.measurement.enums import IndicatorKind
from cooperer.measurement.models import Bilan, Measurement, Report, Rollup
from cooperer.territories.models import ContratDeVille, Qpv
from cooperer.visions import services
from cooperer.visions.models import Vision

pytestmark = pytest.mark.django_db


@pytest.mark.realdata
def test_the_demo_loads_both_contracts_from_the_official_files_and_can_run_twice(shared_data, capsys):
    call_command("demo", reference_dir=str(shared_data))
    call_command("demo", reference_dir=str(shared_data))
    saint_etienne = ContratDeVille.objects.get(slug="saint-etienne-metropole")
    mulhouse = ContratDeVille.objects.get(slug="mulhouse-alsace-agglomeration")
    assert saint_etienne.qpvs.count() == 20
    assert sorted(saint_etienne.perimeters.get().qpvs.values_list("code", flat=True)) == sorted(
        demo.QIC_CODES
    )
    assert sorted(mulhouse.qpvs.values_list("code", flat=True)) == demo.MULHOUSE_CODES
    assert Qpv.objects.count() == 1584
    assert sorted(Qpv.objects.get(code="QN06807M").communes.values_list("name", flat=True)) == [
        "Illzach",
        "Mulhouse",
    ]
    assert User.objects.filter(is_demo=True).count() == len(demo.ACCOUNTS)
    assert Structure.objects.filter(is_demo=True).count() == 60
    assert sorted(Community.objects.values_list("name", flat=True)) == [
        "Collectif Quartiers Sud-Est — Quartier à Impact Collectif",
        "Communauté d'action jeunesse de Mulhouse",
    ]
    consultation = Consultation.objects.get(
        is_demo=True, title=CONSULTATION_TITLE
    )  # replaced, not duplicated
    sessions = Counter(consultation.sessions.values_list("audience", flat=True))
    assert sessions == {"habitants": 14, "professionnels": 14, "jeunes": 1}
    assert consultation.sessions.filter(audience="jeunes").get().qpv.code == "QN04215M"
    assert 300 <= consultation.contributions.count() <= 600
    assert consultation.themes.count() == 12
    assert consultation.analyses.count() == 1
    metropole = Vision.objects.get(title__startswith="Saint-Étienne Métropole en 2030")
    assert metropole.children.count() == 14
    shared = services.current_version(metropole).elements.all()
    assert [element.gathers.count() for element in shared] == [14, 14, 14]
    sud_est = Vision.objects.get(title="Quartiers Sud-Est en 2030")
    assert list(sud_est.versions.order_by("number").values_list("status", flat=True)) == ["adopted", "draft"]
    adopted = sud_est.versions.get(status="adopted")
    assert adopted.outcomes.count() == 10 and adopted.assumptions.count() == 2
    assert all(element.groundings.exists() for element in adopted.elements.all())
    mulhouse_vision = Vision.objects.get(scope_kind="communaute")
    assert mulhouse_vision.community.name == "Communauté d'action jeunesse de Mulhouse"
    assert mulhouse_vision.versions.get().status == "adopted"
    bilans = Counter(Bilan.objects.filter(is_demo=True).values_list("status", flat=True))
    assert bilans["approved"] >= 30 and bilans["returned"] >= 1 and bilans["expected"] >= 2
    touched = Rollup.objects.filter(
        scope=f"contract:{saint_etienne.pk}", indicator__code="personnes_touchees"
    )
    assert sorted(touched.values_list("year", flat=True)) == [2024, 2025, 2026]
    proof_by_year = {row["year"]: row for row in proof.yearly(proof.contract_scope(saint_etienne))}
    first, middle, last = (proof_by_year[year] for year in (2024, 2025, 2026))
    assert first["density"] < middle["density"] < last["density"]  # cooperation densifies
    assert first["cross_sector_links"] < middle["cross_sector_links"] < last["cross_sector_links"]
    assert first["with_partners_share"] < middle["with_partners_share"] < last["with_partners_share"]
    assert [first["merged"], middle["merged"], last["merged"]] == [0, 1, 2]  # not doubled by the second run
    assert first["co_led"] < middle["co_led"] < last["co_led"]
    revised = sud_est.versions.get(status="draft").assumptions.get(text__startswith="Un lieu co-géré")
    assert list(revised.changes.values_list("status_to", flat=True)) == ["refuted", "revised"]
    context = Measurement.objects.filter(indicator__kind=IndicatorKind.CONTEXT, qpv__isnull=False)
    assert context.values("qpv").distinct().count() == 27  # the QPVs of the two contracts, once each
    assert context.count() == 27 * 12 and not context.filter(qpv__contracts__isnull=True).exists()
    (report,) = Report.objects.filter(contract=saint_etienne)  # replaced, not doubled, by the second run
    assert (report.kind, report.year) == ("annual", 2025)
    assert report.data["outcomes"] and report.data["extra_sections"][0]["rows"]
    population = context.get(qpv__code="QN04215M", indicator__code="population")
    assert (population.value, population.period_end.year) == (2857, 2020)
    member = User.objects.get(username="membre.centre-social@demo.cooperer.fr")
    assert member.role_assignments.get().structure.name == "Centre social des Quartiers Sud-Est"
    from cooperer.calls.models import CommitteeSession, Decision

    decided = Decision.objects.filter(application__call__is_demo=True)
    assert (
        decided.count() > 10 and not decided.filter(application__reviews__isnull=True).exists()
    )  # a mean score each
    session = CommitteeSession.objects.get()  # not doubled by the second run
    assert session.agenda.count() == 12 and session.decisions.count() == 10
    assert member.notifications.filter(
        subject__startswith="Décision du comité"
    ).exists()  # kept, not e-mailed
    _the_method_kit_and_its_spread()
    from cooperer.knowledge.models import Record

    records = Record.objects.filter(is_demo=True)  # replaced, not doubled, by the second run
    assert sorted(records.values_list("community__name", "status")) == [
        ("Collectif Quartiers Sud-Est — Quartier à Impact Collectif", "publiee"),
        ("Communauté d'action jeunesse de Mulhouse", "publiee"),
    ]
    assert all("(fiche fictive)" in title for title in records.values_list("title", flat=True))
    _nothing_that_happened_is_in_the_future()
    out = capsys.readouterr().out
    assert "Capitalisation : 2 fiches d'expérience fictives publiées" in out
    assert demo.DEMO_PASSWORD in out and "animatrice.saint-etienne@demo.cooperer.fr" in out
    assert "Données de contexte : 324 valeurs officielles" in out


def test_the_demo_says_which_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("demo", reference_dir=str(tmp_path))


def _the_method_kit_and_its_spread():
    """Saint-Étienne's QIC design and call grid are published templates; Firminy (a commune of Saint-Étienne
    Métropole itself) started from Saint-Étienne in September 2024; the grid went on to Mulhouse; Mulhouse's youth
    community held its « Assises de la jeunesse » and one invited structure joined afterwards."""
    from cooperer.knowledge import circle
    from cooperer.knowledge.models import CircleEvent, KitTemplate, Lineage
    from cooperer.knowledge.spreading import checklist, target_of

    published = KitTemplate.objects.filter(is_demo=True, status="publie")
    design = published.get(kind="concertation")  # not doubled by the second run
    assert design.content["question"] == "Comment voulons-nous que notre quartier soit en 2030 ?"
    assert (
        design.content["audiences"][:2] == ["habitants", "professionnels"]
        and design.source_place == "Saint-Étienne"
    )
    grid = published.get(kind="grille_appel")
    assert sum(c["weight"] for c in grid.content["criteria"]) == 100 and "financeur" in grid.placeholders
    firminy = Lineage.objects.get(is_demo=True, target_place="Firminy")
    assert (
        firminy.note == "inspiré de Saint-Étienne, septembre 2024" and firminy.source_place == "Saint-Étienne"
    )
    copy = target_of(firminy)
    assert sorted(copy.qpvs.values_list("code", flat=True)) == ["QN04222N", "QN04223N"]
    assert copy.status == "brouillon" and not copy.contributions.exists() and checklist(firminy)
    assert Lineage.objects.get(is_demo=True, target_place="Mulhouse").kind == "grille_appel"
    assises = CircleEvent.objects.get(is_demo=True)
    assert assises.title == "Assises de la jeunesse" and assises.guests.count() >= 2
    assert [j.structure for j in circle.joined_after(assises)] == ["Vélo Atelier Illzach"]


def _nothing_that_happened_is_in_the_future():
    """Every date is counted from the day the demo is loaded: what happened is in the past, what is planned
    (the last sessions, the next meetings, the open call's closing) is still to come."""
    from django.utils import timezone

    from cooperer.calls.models import Application, Call, Decision, Grant
    from cooperer.communities.models import Meeting
    from cooperer.consultations.models import Contribution, Session

    now, today = timezone.now(), timezone.localdate()
    assert not Contribution.objects.filter(created_at__gt=now).exists()
    assert not Session.objects.filter(date__gte=today, contributions__isnull=False).exists()
    assert Session.objects.filter(date__gt=today, accepts_online=True).exists()  # forms to invite people in
    assert not Meeting.objects.filter(starts_at__gt=now).exclude(minutes="").exists()
    assert Meeting.objects.filter(starts_at__gt=now).exists()  # the home page has next meetings to show
    assert not Decision.objects.filter(decided_on__gt=today).exists()
    assert not Grant.objects.filter(convention_date__gt=today).exists()
    assert not Application.objects.filter(submitted_at__gt=now).exists()
    assert not Vision.objects.filter(versions__adopted_on__gt=today).exists()
    assert Call.objects.filter(is_demo=True, status="open", closes_at__gt=now).exists()
