"""The public form's per-address limit holds under a burst; hidden contributions are for moderators only."""

import pytest
from django.test import Client
from django.urls import reverse

from cooperer.consultations.models import Contribution
from cooperer.consultations.services import moderate
from tests.conftest import run_together

GOOD = {
    "kind": "aspiration",
    "text": "Un city-stade éclairé pour les jeunes.",
    "anonymous": "on",
    "consent": "on",
}


def _post(client, session, address="203.0.113.7"):
    return client.post(reverse("public_form", args=[session.token]), GOOD, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_the_limit_counts_every_submission_of_the_minute(client, sessions, settings):
    settings.COOPERER_PUBLIC_FORM_PER_MINUTE = 10
    answers = [_post(client, sessions["habitants"]).status_code for _ in range(15)]
    assert answers == [303] * 10 + [400] * 5  # accepted: sent on to the thanks page
    assert Contribution.objects.count() == 10


@pytest.mark.django_db
def test_an_empty_text_does_not_use_up_the_limit(client, sessions, settings):
    settings.COOPERER_PUBLIC_FORM_PER_MINUTE = 2
    url = reverse("public_form", args=[sessions["habitants"].token])
    for _ in range(3):
        client.post(url, {**GOOD, "text": "<b></b>"}, REMOTE_ADDR="203.0.113.7")
    assert _post(client, sessions["habitants"]).status_code == 303


@pytest.mark.django_db(transaction=True)
def test_sixty_simultaneous_submissions_from_one_address_get_exactly_the_limit(sessions, settings):
    settings.COOPERER_PUBLIC_FORM_PER_MINUTE = 10
    session, statuses = sessions["habitants"], []

    def submit_five():
        client = Client()
        statuses.extend(_post(client, session).status_code for _ in range(5))

    run_together(12, submit_five)
    assert (statuses.count(303), statuses.count(400), Contribution.objects.count()) == (10, 50, 10)


@pytest.fixture
def hidden(consultation, users):
    contribution = Contribution.objects.create(
        consultation=consultation, audience="habitants", kind="besoin", text="Un texte masqué pour injure."
    )
    moderate(contribution, True, "Propos injurieux envers un voisin", users["se_animator"])
    return contribution


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["state_instructor", "member"])
@pytest.mark.parametrize("state", ["masquees", "toutes"])
def test_other_roles_of_the_territory_never_see_hidden_contributions(
    client, users, consultation, hidden, who, state
):
    client.force_login(users[who])
    html = client.get(
        reverse("consultations:contributions", args=[consultation.pk]), {"state": state}
    ).content
    assert "Un texte masqué" not in html.decode() and "Propos injurieux" not in html.decode()
    assert 'name="state"' not in html.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["se_animator", "admin"])
def test_moderators_list_hidden_contributions_with_their_reason(client, users, consultation, hidden, who):
    client.force_login(users[who])
    html = client.get(reverse("consultations:contributions", args=[consultation.pk]), {"state": "masquees"})
    assert "Un texte masqué" in html.content.decode() and "Propos injurieux" in html.content.decode()
