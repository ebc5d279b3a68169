import pytest
from django.urls import reverse

from cooperer.consultations.models import Contribution, ModerationEvent

pytestmark = pytest.mark.django_db

GOOD = {
    "kind": "aspiration",
    "text": "Un city-stade éclairé pour les jeunes.",
    "anonymous": "on",
    "consent": "on",
}


def post(client, session, data, address="203.0.113.7"):
    return client.post(reverse("public_form", args=[session.token]), data, REMOTE_ADDR=address)


def test_a_resident_contributes_without_an_account_and_anonymously(client, sessions):
    session = sessions["habitants"]
    page = client.get(reverse("public_form", args=[session.token])).content.decode()
    assert "Comment voulons-nous que notre quartier soit en 2030 ?" in page
    assert session.qpv.name in page.split('class="lead"')[1].split("</p>")[0]  # the neighbourhood it is about
    response = post(client, session, {**GOOD, "author_name": "Samia"})
    assert (response.status_code, response["Location"]) == (
        303,
        reverse("public_thanks", args=[session.token]),
    )
    thanks = client.get(response["Location"])
    assert "votre contribution est bien enregistrée" in thanks.content.decode()
    assert "public" in thanks["Cache-Control"]  # the same for every visitor: browsers and proxies may keep it
    contribution = Contribution.objects.get()
    assert (contribution.audience, contribution.qpv, contribution.kind) == (
        "habitants",
        session.qpv,
        "aspiration",
    )
    assert contribution.author_name == ""  # anonymous wins over a name typed by mistake
    assert contribution.consent_at is not None and contribution.source == "formulaire"


def test_consent_is_required_and_nothing_typed_is_lost(client, sessions):
    response = post(client, sessions["habitants"], {**GOOD, "consent": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Cochez la case de consentement" in html
    assert "Un city-stade éclairé pour les jeunes." in html
    assert not Contribution.objects.exists()


def test_html_and_scripts_are_stripped_and_text_is_escaped_when_shown(client, sessions, users):
    post(
        client,
        sessions["habitants"],
        {**GOOD, "text": "<script>alert(1)</script><b>Plus</b> de bancs & d'arbres"},
    )
    contribution = Contribution.objects.get()
    assert contribution.text == "Plus de bancs & d'arbres"
    client.force_login(users["se_animator"])
    html = client.get(
        reverse("consultations:contributions", args=[contribution.consultation_id])
    ).content.decode()
    assert "Plus de bancs &amp; d&#x27;arbres" in html and "<script>alert" not in html


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Écrivez votre contribution."), ("x" * 50_000, "La contribution est trop longue")],
)
def test_empty_and_huge_contributions_get_a_clear_message(client, sessions, text, message):
    response = post(client, sessions["habitants"], {**GOOD, "text": text})
    assert message in response.content.decode()
    assert not Contribution.objects.exists()


def test_emoji_and_mixed_scripts_are_kept(client, sessions):
    post(client, sessions["habitants"], {**GOOD, "text": "Plus de fêtes 🎉 et de cours d'arabe — دروس"})
    assert Contribution.objects.get().text == "Plus de fêtes 🎉 et de cours d'arabe — دروس"


def test_robots_filling_the_honeypot_are_thanked_but_not_recorded(client, sessions):
    response = post(client, sessions["habitants"], {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 303
    assert response["Location"] == reverse("public_thanks", args=[sessions["habitants"].token])
    assert not Contribution.objects.exists()


def test_the_thanks_page_sends_nothing_again_and_an_unknown_session_is_a_404(client, sessions):
    session = sessions["habitants"]
    thanks = reverse("public_thanks", args=[session.token])
    post(client, session, GOOD)
    assert client.get(thanks).status_code == 200 and client.get(thanks).status_code == 200
    assert Contribution.objects.count() == 1  # asked again (a reload, « retour »): nothing is sent twice
    assert client.get(reverse("public_thanks", args=["inconnu"])).status_code == 404


def test_a_flood_from_one_address_is_slowed_with_a_message(client, sessions, settings):
    settings.COOPERER_PUBLIC_FORM_PER_MINUTE = 3
    for _ in range(3):
        post(client, sessions["habitants"], GOOD)
    response = post(client, sessions["habitants"], GOOD)
    assert "patientez une minute" in response.content.decode()
    assert Contribution.objects.count() == 3
    post(client, sessions["habitants"], GOOD, address="198.51.100.4")  # another household is not blocked
    assert Contribution.objects.count() == 4


def test_a_closed_consultation_receives_nothing(client, sessions, consultation):
    consultation.status = "close"
    consultation.save()
    response = post(client, sessions["habitants"], GOOD)
    assert "ne reçoit pas de contributions" in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_mediator_types_post_its_with_prefixes(client, sessions, users):
    session = sessions["habitants"]
    client.force_login(users["member"])
    url = reverse("consultations:post_its", args=[session.consultation_id, session.pk])
    block = "p: un marché le samedi\nc: pas de médecin\n\nplus de bancs\nr> la maison de quartier"
    client.post(url, {"default_kind": "aspiration", "lines": block})
    kinds = dict(Contribution.objects.values_list("text", "kind"))
    assert kinds == {
        "un marché le samedi": "proposition",
        "pas de médecin": "constat",
        "plus de bancs": "aspiration",
        "la maison de quartier": "ressource",
    }
    assert set(Contribution.objects.values_list("source", "entered_by")) == {
        ("saisie_assistee", users["member"].pk)
    }


def test_a_block_of_post_its_is_all_or_nothing(client, sessions, users):
    session = sessions["habitants"]
    client.force_login(users["se_animator"])
    url = reverse("consultations:post_its", args=[session.consultation_id, session.pk])
    response = client.post(url, {"default_kind": "aspiration", "lines": "bien\n" + "x" * 6000})
    assert "ligne 2 : La contribution est trop longue" in response.content.decode()
    assert not Contribution.objects.exists()


def test_moderation_hides_with_a_reason_and_restores_with_history(client, sessions, users, consultation):
    post(client, sessions["habitants"], GOOD)
    contribution = Contribution.objects.get()
    client.force_login(users["se_animator"])
    url = reverse("consultations:moderate", args=[consultation.pk, contribution.pk])
    client.post(url, {"action": "masquer", "reason": ""})
    contribution.refresh_from_db()
    assert not contribution.is_hidden
    client.post(url, {"action": "masquer", "reason": "Propos injurieux"})
    listing = reverse("consultations:contributions", args=[consultation.pk])
    assert "city-stade" not in client.get(listing).content.decode()
    assert "city-stade" in client.get(listing, {"state": "masquees"}).content.decode()
    client.post(url, {"action": "retablir", "reason": "Relu : propos acceptable"})
    assert "city-stade" in client.get(listing).content.decode()
    assert list(ModerationEvent.objects.order_by("at").values_list("hidden", "reason")) == [
        (True, "Propos injurieux"),
        (False, "Relu : propos acceptable"),
    ]
    assert Contribution.objects.count() == 1  # nothing deleted


def test_the_poster_has_a_qr_code_in_html_and_pdf(client, sessions, users):
    session = sessions["habitants"]
    client.force_login(users["se_animator"])
    html = client.get(
        reverse("consultations:poster", args=[session.consultation_id, session.pk])
    ).content.decode()
    assert 'class="qr"' in html and session.token in html
    pdf = client.get(reverse("consultations:poster_pdf", args=[session.consultation_id, session.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_contribution_is_erased_on_its_author_request_and_the_fact_remains(
    client, sessions, users, consultation
):
    post(client, sessions["habitants"], {**GOOD, "anonymous": "", "author_name": "Samia"})
    contribution = Contribution.objects.get()
    client.force_login(users["se_animator"])
    url = reverse("consultations:moderate", args=[consultation.pk, contribution.pk])
    client.post(url, {"action": "effacer", "reason": "Courriel du 12/11/2026"})
    contribution.refresh_from_db()
    assert contribution.text == "[contribution effacée à la demande de son auteur]"
    assert (contribution.author_name, contribution.client_hash, contribution.is_hidden) == ("", "", True)
    assert ModerationEvent.objects.get().reason == "Effacement : Courriel du 12/11/2026"


def test_the_nightly_purge_clears_address_hashes_after_two_days(client, sessions):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    post(client, sessions["habitants"], GOOD)
    post(client, sessions["habitants"], GOOD, address="198.51.100.4")
    old = Contribution.objects.first()
    Contribution.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    call_command("purge_contacts")
    assert dict(Contribution.objects.values_list("pk", "client_hash"))[old.pk] == ""
    assert Contribution.objects.exclude(client_hash="").count() == 1
