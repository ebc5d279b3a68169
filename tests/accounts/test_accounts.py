import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from cooperer.accounts.enums import Role
from cooperer.accounts.models import RoleAssignment

pytestmark = pytest.mark.django_db


def test_a_user_logs_in_and_out(client, users):
    response = client.post(
        reverse("accounts:login"), {"username": "anim.se@exemple.fr", "password": "mot-de-passe-solide-42"}
    )
    assert response.status_code == 302
    assert "Animatrice / coordinateur" in client.get(reverse("core:home")).content.decode()
    client.post(reverse("accounts:logout"))
    assert "Se connecter" in client.get(reverse("core:home")).content.decode()


def test_a_wrong_password_gets_a_french_message(client, users):
    html = client.post(
        reverse("accounts:login"), {"username": "anim.se@exemple.fr", "password": "faux"}
    ).content.decode()
    assert "Identifiant ou mot de passe incorrect" in html


def test_a_user_resets_a_forgotten_password(client, users):
    client.post(reverse("accounts:password_reset"), {"email": "anim.se@exemple.fr"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    response = client.post(
        form_url, {"new_password1": "un-nouveau-secret-2030", "new_password2": "un-nouveau-secret-2030"}
    )
    assert response.status_code == 302
    assert client.login(username="anim.se@exemple.fr", password="un-nouveau-secret-2030")


def test_unknown_addresses_do_not_reveal_themselves(client, users):
    response = client.post(reverse("accounts:password_reset"), {"email": "personne@exemple.fr"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_role_rules(users, territory):
    with pytest.raises(ValidationError, match="toute la plateforme"):
        RoleAssignment(user=users["member"], role=Role.ADMIN, epci=territory["sem"]).clean()
    with pytest.raises(ValidationError, match="rattaché à un territoire"):
        RoleAssignment(user=users["member"], role=Role.ANIMATION).clean()
    with pytest.raises(ValidationError, match="financeur"):
        RoleAssignment(user=users["member"], role=Role.INSTRUCTION, epci=territory["sem"]).clean()
