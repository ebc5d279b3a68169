"""Repeated wrong passwords lock the login, by account and by address; time or an administrator unlocks it."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cooperer.audit.enums import Action
from cooperer.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "mot-de-passe-solide-42"
LOGIN = reverse("accounts:login")


def _login(client, password, username="anim.se@exemple.fr", address="198.51.100.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_hundred_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client, users):
    answers = [_login(client, f"essai-{n}").status_code for n in range(100)]
    assert answers[:4] == [200] * 4 and set(answers[4:]) == {429}  # the fifth failure locks
    response = _login(client, PASSWORD)
    assert response.status_code == 429
    assert "la connexion est bloquée pendant encore 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    locks = AuditEntry.objects.filter(action=Action.ACCOUNT_LOCKED).order_by("pk")
    assert [(e.object_label, e.after["bloqué"]) for e in locks] == [
        ("anim.se@exemple.fr", "compte"),  # at the fifth failure
        ("198.51.100.1", "adresse"),  # at the twentieth from this address
    ]


def test_the_lock_ends_with_its_window(client, users):
    for n in range(5):
        _login(client, f"essai-{n}")
    assert _login(client, PASSWORD).status_code == 429
    later = timezone.now() + datetime.timedelta(minutes=16)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert _login(client, PASSWORD).status_code == 302


def test_the_account_is_locked_from_any_address(client, users):
    for n in range(5):
        _login(client, f"essai-{n}", address=f"198.51.100.{n}")
    assert _login(client, PASSWORD, address="203.0.113.50").status_code == 429


def test_one_address_trying_many_accounts_is_locked(client, users, settings):
    for n in range(20):
        _login(client, "faux", username=f"personne{n}@exemple.fr")
    response = _login(client, PASSWORD)
    assert response.status_code == 429 and "depuis cette connexion" in response.content.decode()
    assert _login(client, PASSWORD, address="203.0.113.9").status_code == 302  # another address logs in


def test_a_success_forgets_the_earlier_failures_of_the_account(client, users):
    for n in range(4):
        _login(client, f"essai-{n}")
    assert _login(client, PASSWORD).status_code == 302
    client.logout()
    for n in range(4):
        _login(client, f"essai-{n}", address="198.51.100.2")
    assert _login(client, PASSWORD, address="198.51.100.2").status_code == 302


def test_an_administrator_unlocks_an_account(client, users):
    for n in range(5):
        _login(client, f"essai-{n}")
    admin = client.__class__()
    admin.force_login(users["admin"])
    response = admin.post(reverse("accounts:unlock"), {"username": "ANIM.SE@exemple.fr"}, follow=True)
    assert "est débloquée" in response.content.decode()
    assert _login(client, PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(action=Action.ACCOUNT_UNLOCKED)
    assert (entry.actor_label, entry.object_label) == ("admin@exemple.fr", "ANIM.SE@exemple.fr")


def test_only_an_administrator_unlocks(client, users):
    client.force_login(users["se_animator"])
    assert client.post(reverse("accounts:unlock"), {"username": "membre@exemple.fr"}).status_code == 403


def test_the_admin_login_obeys_the_same_lock(client, users):
    users["admin"].is_staff = True
    users["admin"].save()
    for n in range(5):
        client.post("/admin/login/", {"username": "admin@exemple.fr", "password": f"essai-{n}"})
    response = client.post("/admin/login/", {"username": "admin@exemple.fr", "password": PASSWORD})
    assert "la connexion est bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_requests_are_limited_per_address_typed(client, users):
    url = reverse("accounts:password_reset")
    answers = [client.post(url, {"email": "anim.se@exemple.fr"}).status_code for _ in range(8)]
    assert answers == [302] * 5 + [429] * 3
    assert len(mail.outbox) == 5
    refused = client.post(url, {"email": "anim.se@exemple.fr"})
    assert "Trop de demandes de nouveau mot de passe" in refused.content.decode()


def test_password_reset_requests_are_limited_per_connection(client, users):
    url = reverse("accounts:password_reset")
    answers = [
        client.post(url, {"email": f"personne{n}@exemple.fr"}, REMOTE_ADDR="198.51.100.9").status_code
        for n in range(21)
    ]
    assert answers == [302] * 20 + [429]


def test_choosing_a_new_password_from_the_mailed_link_unlocks_the_account(client, users):
    import re

    for n in range(5):
        _login(client, f"essai-{n}")
    client.post(reverse("accounts:password_reset"), {"email": "anim.se@exemple.fr"})
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    client.post(
        form_url, {"new_password1": "un-nouveau-secret-2030", "new_password2": "un-nouveau-secret-2030"}
    )
    assert _login(client, "un-nouveau-secret-2030").status_code == 302


def test_a_superuser_unlocks_accounts_from_the_django_admin(client, users):
    from cooperer.accounts.models import User

    for n in range(5):
        _login(client, f"essai-{n}")
    staff = User.objects.create_superuser("root@exemple.fr", "root@exemple.fr", PASSWORD)
    admin = client.__class__()
    admin.force_login(staff)
    changelist = reverse("admin:accounts_user_changelist")
    locked = users["se_animator"]
    admin.post(changelist, {"action": "unlock_login", "_selected_action": [locked.pk, users["member"].pk]})
    assert _login(client, PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(action=Action.ACCOUNT_UNLOCKED)
    assert (entry.actor_label, entry.object_id) == ("root@exemple.fr", str(locked.pk))
