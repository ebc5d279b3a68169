import datetime

import pytest
from django.utils import timezone

from cooperer.accounts.enums import Role
from cooperer.actors.enums import LegalForm
from cooperer.communities import services
from cooperer.communities.enums import InstanceKind, MemberRole
from cooperer.communities.models import Axis, Community, Instance, PlannedAction
from cooperer.territories.models import Commune
from tests.actors.conftest import make_structure
from tests.conftest import make_user


@pytest.fixture
def community(territory, users):
    """Mulhouse's youth community: three members, a comité technique, an adopted roadmap v1."""
    mulhouse = Commune.objects.get(insee_code="68224")
    carre = make_structure("Carré des associations", mulhouse, LegalForm.COMMUNE, offers=["locaux", "reseau"])
    jeunes = make_structure("Jeunes de Bourtzwiller", mulhouse, offers=["benevoles"])
    caf = make_structure("CAF du Haut-Rhin", mulhouse, LegalForm.CAF, offers=["financement"])
    outsider = make_structure("Association voisine", mulhouse)
    community = Community.objects.create(
        name="Communauté d'action jeunesse", epci=territory["m2a"], objective="L'engagement des jeunes",
        needs=["locaux", "benevoles", "competences"], backbone=carre,
    )  # fmt: skip
    contributor = make_user("contrib@exemple.fr", Role.STRUCTURE_MEMBER, territory["m2a"])
    carre_m = services.add_member(
        community,
        carre,
        role=MemberRole.BACKBONE,
        contribution="Animation",
        joined_on=datetime.date(2022, 3, 1),
    )
    jeunes_m = services.add_member(
        community, jeunes, role=MemberRole.MEMBER, user=contributor, joined_on=datetime.date(2022, 3, 1)
    )
    caf_m = services.add_member(community, caf, role=MemberRole.MEMBER, joined_on=datetime.date(2022, 3, 1))
    carre_m.person = None
    cotech = Instance.objects.create(
        community=community, kind=InstanceKind.COTECH, name="Comité technique jeunesse"
    )
    pleniere = Instance.objects.create(community=community, kind=InstanceKind.PLENARY, name="Plénière")
    v1 = services.new_roadmap_version(community)
    axes = [
        Axis.objects.create(roadmap=v1, title=t, order=i)
        for i, t in enumerate(["Animation de rue", "Tiers-lieu jeunesse", "Essaimage"])
    ]
    PlannedAction.objects.create(axis=axes[0], title="Définir l'animation de rue", lead=carre)
    PlannedAction.objects.create(axis=axes[1], title="Trouver un lieu", lead=jeunes)
    services.adopt_roadmap(v1, instance=pleniere, on=datetime.date(2024, 3, 12))
    other = Community.objects.create(
        name="Collectif Sud-Est", epci=territory["sem"], objective="Un quartier où chacun trouve sa place"
    )
    other_instance = Instance.objects.create(
        community=other, kind=InstanceKind.COTECH, name="Comité technique QIC"
    )
    return {
        "community": community, "carre": carre, "jeunes": jeunes, "caf": caf, "outsider": outsider,
        "members": [carre_m, jeunes_m, caf_m], "cotech": cotech, "pleniere": pleniere, "v1": v1,
        "other": other, "other_instance": other_instance, "contributor": contributor,
        "future": timezone.now() + datetime.timedelta(days=10),
    }  # fmt: skip
