import pytest

from cooperer.accounts.enums import Role
from cooperer.communities.demo import MULHOUSE_NAME, SUD_EST_NAME
from cooperer.communities.models import Community
from cooperer.knowledge import demo, similar
from cooperer.knowledge.enums import RecordStatus
from cooperer.knowledge.models import Record
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_communities(territory):
    for name, epci in ((MULHOUSE_NAME, territory["m2a"]), (SUD_EST_NAME, territory["sem"])):
        community = Community.objects.create(name=name, epci=epci, objective="Objectif", is_demo=True)
        community.qpvs.set(epci.communes.first().qpvs.all())
    make_user(demo.MULHOUSE_WRITER, Role.ANIMATION, territory["m2a"])
    make_user(demo.SAINT_ETIENNE_WRITER, Role.ANIMATION, territory["sem"])


def test_the_demo_records_are_published_fictional_and_replaced_when_loaded_again(demo_communities):
    demo.load_demo_records()
    made = demo.load_demo_records()
    assert len(made) == 2 and Record.objects.count() == 2
    for record in Record.objects.all():
        assert (
            record.is_demo and record.status == RecordStatus.PUBLISHED and "(fiche fictive)" in record.title
        )
        assert record.factors.filter(kind="levier").exists() and record.factors.filter(kind="frein").exists()
    sud_est = Record.objects.get(community__name=SUD_EST_NAME)
    assert sud_est.factors.get(kind="frein", factor__name="Concurrence pour les financements")
    assert "consortium" in sud_est.search_text
    mulhouse = Record.objects.get(community__name=MULHOUSE_NAME)
    assert "assises de la jeunesse" in mulhouse.results


def test_the_demo_records_answer_each_other_elsewhere(demo_communities, territory):
    demo.load_demo_records()
    found = similar.similar_records(
        "Des associations concurrentes qui forment un consortium pour les jeunes",
        exclude_epci_id=territory["m2a"].pk,
    )
    assert found and "fiche fictive" in found[0]["title"] and "Quartiers Sud-Est" in found[0]["title"]
    assert "consortium" in found[0]["words"]
