import datetime

import pytest

from cooperer.accounts.enums import Role
from cooperer.actors.enums import LegalForm
from cooperer.actors.models import CooperationLink, Public, Structure, Theme
from cooperer.actors.services import refresh_search_text
from cooperer.territories.models import Commune
from tests.conftest import make_user


def make_structure(name, commune=None, form=LegalForm.ASSOCIATION, themes=(), publics=(), qpvs=(), **extra):
    structure = Structure.objects.create(name=name, legal_form=form, commune=commune, **extra)
    structure.themes.set([Theme.objects.get_or_create(name=t)[0] for t in themes])
    structure.publics.set([Public.objects.get_or_create(name=p)[0] for p in publics])
    structure.qpvs.set(qpvs)
    refresh_search_text([structure.pk])
    return structure


@pytest.fixture
def directory(territory, users):
    saint_etienne = Commune.objects.get(insee_code="42218")
    mulhouse = Commune.objects.get(insee_code="68224")
    sud_est = territory["sud_est"]
    centre = make_structure(
        "Centre social des Quartiers Sud-Est",
        saint_etienne,
        LegalForm.SOCIAL_CENTRE,
        ["Lien social"],
        ["Familles"],
        [sud_est],
        offers=["locaux"],
        needs=["benevoles"],
    )
    jeunes = make_structure(
        "Amicale des Jeunes Sportifs",
        saint_etienne,
        themes=["Jeunesse", "Sport"],
        publics=["Familles", "11-17 ans"],
        qpvs=[sud_est],
        offers=["benevoles"],
        needs=["locaux"],
        public_listing=True,
    )
    ville = make_structure(
        "Ville de Saint-Étienne",
        saint_etienne,
        LegalForm.COMMUNE,
        ["Lien social"],
        ["Familles"],
        offers=["financement"],
    )
    carre = make_structure("Carré des associations", mulhouse, LegalForm.COMMUNE, ["Jeunesse"], ["11-17 ans"])
    CooperationLink.objects.create(
        source=centre, target=ville, kind="cofinancement", start=datetime.date(2023, 1, 1)
    )
    CooperationLink.objects.create(
        source=centre, target=jeunes, kind="partenariat", start=datetime.date(2025, 3, 1)
    )
    member = make_user("membre.amicale@exemple.fr", Role.STRUCTURE_MEMBER, territory["sem"])
    member.role_assignments.update(structure=jeunes)
    nobody = make_user("sans.role@exemple.fr")
    return {
        "centre": centre,
        "jeunes": jeunes,
        "ville": ville,
        "carre": carre,
        "member": member,
        "nobody": nobody,
    }
