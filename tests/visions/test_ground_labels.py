import re

import pytest
from django.urls import reverse

from cooperer.consultations.analysis import run
from cooperer.visions import services
from cooperer.visions.enums import ScopeKind
from cooperer.visions.models import Vision

pytestmark = pytest.mark.django_db


def test_every_topic_select_of_the_grounding_page_has_its_own_label(client, users, consultation, montreynaud):
    run(consultation)
    vision = Vision(
        title="Montreynaud en 2030", scope_kind=ScopeKind.QPV, qpv=montreynaud["qpv"], epci=consultation.epci,
        consultation=consultation,
    )  # fmt: skip
    services.create_vision(vision, users["se_animator"])
    services.add_element(services.current_version(vision), "Un bus le soir pour monter au quartier.")
    client.force_login(users["se_animator"])
    page = client.get(reverse("visions:ground", args=[vision.pk])).content.decode()
    selects = re.findall(r'<select name="target" id="([^"]*)"', page)
    labels = set(re.findall(r'<label for="([^"]*)"', page))
    assert len(selects) >= 2  # the topics' selects and the one for ticked contributions
    assert all(selects) and len(set(selects)) == len(selects)
    assert set(selects) <= labels
