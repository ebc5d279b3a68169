"""Personal tokens: created, listed and revoked by their owner from « Mon compte », journaled, acting as them."""

import pytest
from django.test import Client
from django.urls import reverse

from cooperer.api.models import ApiToken, digest_of
from cooperer.audit.enums import Action
from cooperer.audit.models import AuditEntry
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


def test_a_person_creates_a_token_sees_its_secret_once_and_only_its_digest_is_kept(client, users):
    client.force_login(users["se_animator"])
    response = client.post(reverse("api_tokens:list"), {"name": "Tableau de bord <CAF>"})
    assert response.status_code == 201
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret.startswith("cop_") and token.digest == digest_of(secret) and secret not in token.digest
    page = response.content.decode()
    assert secret in page and "Tableau de bord &lt;CAF&gt;" in page
    assert secret not in client.get(reverse("api_tokens:list")).content.decode()
    entry = AuditEntry.objects.get(action=Action.API_TOKEN_CREATED)
    assert (
        entry.actor_label == "anim.se@exemple.fr"
        and entry.epci_id == users["se_animator"].role_assignments.get().epci_id
    )
    assert secret not in str(entry.after) and entry.after["droits"] == [
        "Animatrice / coordinateur de coopération — Saint-Étienne Métropole"
    ]


def test_the_account_page_leads_to_the_tokens(client, users):
    client.force_login(users["member"])
    assert reverse("api_tokens:list") in client.get(reverse("accounts:messages")).content.decode()


def test_a_token_needs_a_name(client, users):
    client.force_login(users["member"])
    response = client.post(reverse("api_tokens:list"), {"name": "  "})
    assert response.status_code == 200 and "Ce champ est obligatoire." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_pages_need_a_login(client, db):
    assert client.get(reverse("api_tokens:list")).status_code == 302


def test_the_owner_revokes_a_token_and_it_no_longer_opens_the_api(client, users):
    api = token_client(users["se_animator"])
    assert api.get("/api/v1/decisions/").status_code == 200
    token = ApiToken.objects.get()
    client.force_login(users["se_animator"])
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action=Action.API_TOKEN_REVOKED, object_id=str(token.pk)).exists()
    response = api.get("/api/v1/decisions/")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert "révoqué" in response.json()["detail"]


def test_nobody_revokes_or_sees_the_token_of_another(client, users):
    token_client(users["se_animator"], name="Outil de Saint-Étienne")
    token = ApiToken.objects.get()
    client.force_login(users["m2a_animator"])
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    assert "Outil de Saint-Étienne" not in client.get(reverse("api_tokens:list")).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_of_a_deactivated_account_is_refused(users):
    api = token_client(users["se_animator"])
    users["se_animator"].is_active = False
    users["se_animator"].save()
    assert api.get("/api/v1/decisions/").status_code == 401


def test_a_token_records_when_it_was_last_used(users):
    api = token_client(users["member"])
    api.get("/api/v1/territoires/epci/")
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer cop_inconnu", "Token cop_inconnu"])
def test_a_bad_authorization_header_is_a_401_in_french(db, header):
    response = Client(headers={"Authorization": header}).get("/api/v1/territoires/epci/")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Authentification requise"


def test_requests_are_limited_per_token_with_retry_after(users, settings):
    settings.COOPERER_API_TOKEN_PER_MINUTE = 2
    api, other = token_client(users["member"]), token_client(users["member"], name="autre")
    assert [api.get("/api/v1/territoires/epci/").status_code for _ in range(2)] == [200, 200]
    response = api.get("/api/v1/territoires/epci/")
    assert response.status_code == 429 and response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["detail"].startswith("Trop de requêtes en une minute : réessayez dans")
    assert other.get("/api/v1/territoires/epci/").status_code == 200  # each token its own count


def test_anonymous_reads_are_limited_per_address(client, settings, db):
    settings.COOPERER_API_ANONYMOUS_PER_MINUTE = 1
    assert client.get("/api/v1/territoires/epci/").status_code == 200
    assert client.get("/api/v1/territoires/epci/").status_code == 429
    assert client.get("/api/v1/territoires/epci/", REMOTE_ADDR="10.0.0.2").status_code == 200
