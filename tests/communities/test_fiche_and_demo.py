import base64
import contextlib
import datetime
import re
import zlib

import pytest
from django.utils import timezone

from cooperer.actors.enums import LegalForm
from cooperer.communities import services
from cooperer.communities.demo import ASSISES, MULHOUSE_NAME, SUD_EST_NAME, load_demo_communities
from cooperer.communities.enums import BACKBONE_MISSIONS, IdeaStatus, InstanceKind, Phase, RoadmapStatus
from cooperer.communities.fiche import community_fiche_context, community_pdf
from cooperer.communities.models import Axis, Community, Idea, Instance, Membership, PlannedAction
from cooperer.territories.models import Commune
from tests.actors.conftest import make_structure

pytestmark = pytest.mark.django_db

TRICKY = "<b>Assoc & Co</b>"


def pdf_text(pdf: bytes) -> str:
    """The decompressed content streams of a reportlab PDF (enough to look for a string)."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(ValueError, zlib.error):
            stream = zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>")))
        stream = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m[1], 8)]), stream)  # octal escapes
        chunks.append(stream.decode("cp1252", errors="replace"))
    return re.sub(r"\) Tj \(", "", "\n".join(chunks))  # runs of one line, joined back


@pytest.fixture
def small_community(territory, users):
    mulhouse = Commune.objects.get(insee_code="68224")
    carre = make_structure("Carré des associations", mulhouse, LegalForm.COMMUNE, offers=["locaux"])
    tricky = make_structure(TRICKY, mulhouse)
    prefet = make_structure("Délégation du préfet", mulhouse, LegalForm.STATE)
    community = Community.objects.create(
        name="Communauté d'essai — jeunesse",
        epci=territory["m2a"],
        objective="L'engagement des jeunes « d'abord »",
        sdgs=[4, 17],
        programme="AMI Fonda–RNMA 2022",
        trinome_state=prefet,
        trinome_local_authority=carre,
        trinome_civil_society=tricky,
        backbone=carre,
        backbone_missions={BACKBONE_MISSIONS[0]: True},
        started_on=datetime.date(2022, 3, 1),
        is_demo=True,
    )
    community.qpvs.set([territory["m2a_contract"].qpvs.get()])
    services.add_member(community, carre, role="soutien", contribution="Des salles & un café")
    services.add_member(
        community, tricky, role="membre", contribution="Des bénévoles → le soir 🌙\n<i>motivés</i>"
    )
    services.change_phase(
        community, Phase.STRUCTURATION, datetime.date(2024, 1, 15), "Deux ans ensemble.", None
    )
    plenary = Instance.objects.create(community=community, kind=InstanceKind.PLENARY, name="Plénière <1>")
    version = services.new_roadmap_version(community, "Première version")
    axis = Axis.objects.create(roadmap=version, title="Tiers-lieu & jeunesse")
    action = PlannedAction.objects.create(axis=axis, title="Étude de faisabilité", lead=tricky)
    action.partners.set([carre])
    services.adopt_roadmap(version, instance=plenary, on=datetime.date(2024, 3, 12))
    services.log_idea(community, "Des assises <de la jeunesse>", raised_on=datetime.date(2025, 4, 15))
    set_aside = services.log_idea(community, "Idée écartée", raised_on=datetime.date(2025, 4, 15))
    set_aside.status = IdeaStatus.SET_ASIDE
    set_aside.save()
    return community


def test_the_fiche_context_holds_plain_data(small_community):
    ctx = community_fiche_context(small_community)
    assert ctx["objective"] == "L'engagement des jeunes « d'abord »"
    assert [m["structure"] for m in ctx["members"]] == [TRICKY, "Carré des associations"]
    assert ctx["trinome"][2] == {"role": "Association ou habitants", "name": TRICKY}
    assert ctx["sdgs"] == [
        {"number": 4, "label": "Éducation de qualité"},
        {"number": 17, "label": "Partenariats pour la réalisation des objectifs"},
    ]
    assert ctx["backbone_missions"][0] == {"mission": BACKBONE_MISSIONS[0], "done": True}
    assert not any(m["done"] for m in ctx["backbone_missions"][1:])
    assert ctx["roadmap"]["number"] == 1 and ctx["roadmap"]["adopted_by"] == "Plénière <1>"
    assert ctx["roadmap"]["axes"][0]["actions"][0] == {
        "title": "Étude de faisabilité",
        "status": "Prévue",
        "lead": TRICKY,
        "partners": ["Carré des associations"],
    }
    assert [i["text"] for i in ctx["ideas"]] == ["Des assises <de la jeunesse>"]
    assert ctx["decisions"][0]["text"] == "Adoption de la feuille de route, version 1."
    assert [t["phase"] for t in ctx["transitions"]] == ["Structuration"]
    assert ctx["qpvs"] == [{"code": "QN06803M", "name": "Les Coteaux"}]


def test_the_pdf_renders_markup_in_names_as_text(small_community):
    pdf = community_pdf(small_community)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert TRICKY in text and "Tiers-lieu & jeunesse" in text  # shown as typed, not read as markup
    assert "ODD 4 : Éducation de qualité" in text
    assert "Coopérer — Données fictives de démonstration" in text


def test_the_fiche_needs_a_bounded_number_of_queries(small_community, django_assert_max_num_queries):
    mulhouse = Commune.objects.get(insee_code="68224")
    for n in range(15):
        services.add_member(small_community, make_structure(f"Association {n}", mulhouse), role="membre")
    with django_assert_max_num_queries(12):
        community_pdf(small_community)


def test_an_empty_community_still_prints(territory):
    community = Community.objects.create(name="Vide", epci=territory["sem"], objective="Un objectif")
    assert community_pdf(community).startswith(b"%PDF")
    ctx = community_fiche_context(community)
    assert ctx["roadmap"] is None and ctx["members"] == [] and ctx["backbone"] == ""


@pytest.mark.realdata
def test_the_demo_communities_load_twice_without_duplicates(shared_data, mailoutbox):
    from cooperer.actors.demo import load_demo_directory
    from cooperer.core import demo as core_demo

    core_demo.import_reference_files(str(shared_data), lambda *_: None)
    core_demo.load_demo_territories()
    load_demo_directory()
    load_demo_communities()
    communities = load_demo_communities()

    assert sorted(Community.objects.values_list("name", flat=True)) == sorted([MULHOUSE_NAME, SUD_EST_NAME])
    assert [c.name for c in communities] == [MULHOUSE_NAME, SUD_EST_NAME]
    mulhouse = Community.objects.get(name=MULHOUSE_NAME)
    assert mulhouse.is_demo and mulhouse.phase == Phase.STRUCTURATION
    assert mulhouse.transitions.count() == 2
    roadmap = mulhouse.roadmaps.get()
    assert roadmap.number == 1 and roadmap.status == RoadmapStatus.ADOPTED
    assert (
        roadmap.adopted_on == datetime.date(2024, 3, 12) and roadmap.adopted_by.kind == InstanceKind.PLENARY
    )
    assert [a.title for a in roadmap.axes.all()] == [
        "Animation de rue (définition partagée)",
        "Tiers-lieu jeunesse",
        "Essaimage des outils de la méthode",
    ]
    idea = Idea.objects.get(text=ASSISES)
    assert idea.status == IdeaStatus.STUDYING and idea.raised_at.instance.kind == InstanceKind.COTECH
    assert idea.raised_on.year == 2025
    for community in communities:
        structures = list(Membership.objects.filter(community=community).values_list("structure", flat=True))
        assert len(structures) == len(set(structures)) > 8
        assert not community.instances.filter(meetings__convened_at__isnull=False).exists()
    assert mulhouse.workshops.count() == 2
    assert mulhouse.instances.count() == 3
    sud_est = Community.objects.get(name=SUD_EST_NAME)
    assert sud_est.roadmaps.get().status == RoadmapStatus.DRAFT
    assert sud_est.memberships.filter(structure__name="Cercle des courageux de Sud-Est").exists()
    assert community_pdf(mulhouse).startswith(b"%PDF")
    assert mailoutbox == []  # the demo's history happened in the past: it notifies nobody
    assert len(community_fiche_context(mulhouse)["roadmap"]["axes"]) == 3
    # but every demo member has a fictional contact, so that what is done in the demo is mailed (console)
    people = Membership.objects.filter(community__in=communities).select_related("person")
    assert all(m.person and m.person.is_demo and m.person.email for m in people)
    meeting = services.schedule_meeting(
        mulhouse.instances.get(kind=InstanceKind.COTECH),
        starts_at=timezone.now() + datetime.timedelta(days=7),
        convene=True,
    )
    assert meeting.notification.unreachable == []
    assert len(meeting.notification.reached) == mulhouse.memberships.current().count()
    assert len(mailoutbox) == meeting.notification.messages > 8
