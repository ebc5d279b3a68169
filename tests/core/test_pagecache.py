"""Write tracking and the pages kept in the shared cache (cooperer/core/pagecache.py)."""

import re

import pytest
from django.contrib.sessions.models import Session as BrowserSession
from django.db import connection, transaction
from django.urls import reverse

from cooperer.accounts.models import Role
from cooperer.actors.models import Structure
from cooperer.core import pagecache, stamps
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def actors_stamp() -> int:
    return stamps.current(pagecache.stamp_name("actors"))


def structure(territory, name="Centre social Sud-Est (fictif)"):
    return Structure.objects.create(
        name=name, legal_form="centre_social", commune=territory["sem"].communes.first(), public_listing=True
    )


def test_every_way_of_writing_raises_the_stamp_of_the_table_s_application(territory):
    before = actors_stamp()
    centre = structure(territory)  # save()
    assert actors_stamp() == before + 1
    Structure.objects.filter(pk=centre.pk).update(
        name="Centre social Sud-Est rénové (fictif)"
    )  # queryset update
    assert actors_stamp() == before + 2
    Structure.objects.bulk_create(
        [Structure(name=f"Association {n} (fictive)", legal_form="association") for n in range(3)]
    )
    assert actors_stamp() == before + 3
    with connection.cursor() as cursor:  # raw SQL on Django's cursor
        cursor.execute("UPDATE actors_structure SET name = name WHERE id = %s", [centre.pk])
    assert actors_stamp() == before + 4
    centre.themes.add(*[])  # no statement, no change
    Structure.objects.filter(pk=centre.pk).delete()
    assert actors_stamp() >= before + 5


def test_tables_that_no_page_shows_raise_nothing(territory, users):
    seen = stamps.current(pagecache.stamp_name("accounts")), actors_stamp()
    BrowserSession.objects.create(session_key="x" * 32, session_data="", expire_date="2030-01-01T00:00:00Z")
    stamps.bump("autre-chose")
    assert (stamps.current(pagecache.stamp_name("accounts")), actors_stamp()) == seen
    assert "django_session" not in pagecache.tables() and "core_stamp" not in pagecache.tables()
    assert (
        "jobs_workerbeat" not in pagecache.tables()
        and pagecache.tables()["actors_structure_themes"] == "actors"
    )


def test_in_a_real_transaction_the_stamp_rises_once_at_commit_and_not_at_all_on_rollback(
    transactional_db, territory
):
    before = actors_stamp()
    with transaction.atomic():
        for n in range(5):
            Structure.objects.create(name=f"Association {n} (fictive)", legal_form="association")
        assert actors_stamp() == before  # readers keep the old stamp until they can see the new rows
    assert actors_stamp() == before + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        Structure.objects.create(name="Association annulée (fictive)", legal_form="association")
        raise RuntimeError
    assert actors_stamp() == before + 1


def test_a_savepoint_rolled_back_does_not_lose_the_raise_of_a_later_write(transactional_db, territory):
    before = actors_stamp()
    with transaction.atomic():
        try:
            with transaction.atomic():
                Structure.objects.create(name="Association annulée (fictive)", legal_form="association")
                raise RuntimeError
        except RuntimeError:
            pass
        Structure.objects.create(name="Association gardée (fictive)", legal_form="association")
    assert actors_stamp() == before + 1


def visit(client, url):
    """The first visit of a browser without a CSRF cookie is answered but not kept: its token comes from a secret
    made for it, which the next requests carry as their cookie."""
    first = client.get(url)
    assert first.status_code == 200 and first.get("X-Page-Cache") is None
    return first


def test_a_signed_in_page_comes_from_the_cache_until_its_data_changes(
    client, territory, users, django_assert_max_num_queries
):
    client.force_login(users["se_animator"])
    url = reverse("actors:directory")
    visit(client, url)
    kept = client.get(url)
    assert kept["X-Page-Cache"] == "miss"
    with django_assert_max_num_queries(3):  # the session, the account, the stamps
        again = client.get(url)
    assert again["X-Page-Cache"] == "hit" and again.content == kept.content
    assert "no-store" in again["Cache-Control"]  # still never kept by the browser
    structure(territory, "Jardins partagés du Soleil (fictif)")
    after = client.get(url)
    assert after["X-Page-Cache"] == "miss" and "Jardins partagés du Soleil" in after.content.decode()


def test_each_session_has_its_own_page_and_permissions_are_checked_before_the_cache(client, territory, users):
    url = reverse("actors:directory")
    client.force_login(users["se_animator"])
    visit(client, url)
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    client.logout()
    client.force_login(users["m2a_animator"])
    visit(client, url)
    assert client.get(url)["X-Page-Cache"] == "miss"  # another session: never the page kept for the first one
    client.logout()
    client.force_login(make_user("sans.role@exemple.fr"))
    assert client.get(reverse("actors:network")).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page, not a page kept for someone else


def test_a_role_given_changes_the_page_at_once(client, territory, users):
    from cooperer.accounts.models import RoleAssignment

    member = users["member"]
    client.force_login(member)
    url = reverse("core:home")
    visit(client, url)
    home = client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    RoleAssignment.objects.create(user=member, role=Role.ANIMATION, epci=territory["m2a"])
    again = client.get(url)
    assert again["X-Page-Cache"] == "miss" and again.content != home.content


def test_a_message_to_show_is_never_hidden_by_a_kept_page(client, territory, users):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse
    from django.test import RequestFactory

    client.force_login(users["se_animator"])
    url = reverse("core:home")
    visit(client, url)
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    storage, carrier = CookieStorage(RequestFactory().get(url)), HttpResponse()
    storage.add(constants.SUCCESS, "Modifications enregistrées (essai).")
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    shown = client.get(url)
    assert "Modifications enregistrées (essai)." in shown.content.decode()
    assert shown.get("X-Page-Cache") is None  # neither served from the cache nor kept in it
    assert client.get(url)["X-Page-Cache"] == "hit"  # the message was shown once; the kept page is back


def test_public_pages_are_kept_and_their_etag_follows_the_data(client, territory):
    structure(territory)
    url = reverse("public_directory", args=[territory["sem"].siren])
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    second = client.get(url, headers={"if-none-match": first["ETag"]})
    assert second.status_code == 304
    structure(territory, "Jardins partagés du Soleil (fictif)")
    third = client.get(url, headers={"if-none-match": first["ETag"]})
    assert third.status_code == 200 and "Jardins partagés du Soleil" in third.content.decode()
    assert third["ETag"] != first["ETag"]


def test_the_cache_can_be_switched_off(client, territory, users, settings):
    settings.COOPERER_PAGE_CACHE = False
    client.force_login(users["se_animator"])
    for _ in range(3):
        assert client.get(reverse("actors:directory")).get("X-Page-Cache") is None


def test_an_unknown_application_is_refused_when_the_view_is_declared():
    with pytest.raises(ValueError, match="Applications non suivies : inconnue"):
        pagecache.cached_page("inconnue")


def test_an_anonymous_page_holding_a_csrf_token_is_not_shared_between_visitors(rf, territory):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    @pagecache.cached_page("actors")
    def with_a_form(request):
        return HttpResponse(f"<form>{get_token(request)}</form>", content_type="text/html")

    @pagecache.cached_page("actors")
    def without(request):
        return HttpResponse("<p>Annuaire</p>", content_type="text/html")

    answers = []
    for view in (with_a_form, with_a_form, without, without):
        request = rf.get("/essai/")
        request.user = AnonymousUser()
        answers.append(view(request).get("X-Page-Cache"))
    assert answers == [None, None, "miss", "hit"]


def test_the_headers_a_view_sets_come_back_with_the_kept_page(client, territory):
    url = reverse("public_vision", args=["QN04215M"])
    first, kept = client.get(url), client.get(url)
    assert kept["X-Page-Cache"] == "hit"
    assert kept["Content-Type"] == first["Content-Type"] and kept["ETag"] == first["ETag"]
    assert kept["Cache-Control"] == "public, max-age=300"


def test_the_public_form_is_kept_once_and_each_visitor_posts_with_their_own_token(consultation):
    from django.test import Client

    from cooperer.consultations.models import Contribution, Session

    session = Session.objects.create(
        consultation=consultation, qpv=consultation.qpvs.first(), audience="habitants", format="atelier",
        date=consultation.starts_on,
    )  # fmt: skip
    url = reverse("public_form", args=[session.token])
    browsers, tokens = [], []
    for visitor in range(3):
        browser = Client(enforce_csrf_checks=True)
        page = browser.get(url)
        assert page.status_code == 200 and "csrftoken" in page.cookies  # a cookie of each visitor's own
        assert page["X-Page-Cache"] == ("miss" if visitor == 0 else "hit")
        assert "\x00" not in page.content.decode()
        browsers.append(browser)
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1])
    for visitor, (browser, token) in enumerate(zip(browsers, tokens, strict=True)):
        sent = browser.post(url, {
            "csrfmiddlewaretoken": token, "kind": "proposition", "anonymous": "on", "consent": "on", "website": "",
            "text": f"Des bancs à l'ombre près de l'école, visiteur {visitor} (fictif).",
        })  # fmt: skip
        assert sent.status_code == 303, sent.content.decode()[:300]
    assert len(set(tokens)) == 3
    assert Contribution.objects.filter(session=session, text__contains="visiteur").count() == 3
    stranger = Client(enforce_csrf_checks=True)
    stranger.get(url)
    refused = stranger.post(
        url, {"csrfmiddlewaretoken": tokens[0], "kind": "proposition", "text": "Autre (fictif)."}
    )
    assert refused.status_code == 403  # another visitor's token is no good with this cookie


def test_an_anonymous_public_page_may_lag_the_data_by_the_set_seconds_and_no_more(
    client, territory, users, settings, monkeypatch
):
    settings.COOPERER_PUBLIC_PAGE_LAG_SECONDS = 1.0
    now = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    url = reverse("public_directory", args=[territory["sem"].siren])
    assert client.get(url)["X-Page-Cache"] == "miss"
    structure(territory, "Jardins partagés du Soleil (fictif)")
    now[0] += 0.5
    assert "Jardins partagés du Soleil" not in client.get(url).content.decode()  # within the second
    now[0] += 0.6
    assert "Jardins partagés du Soleil" in client.get(url).content.decode()  # past it, read again
    client.force_login(users["se_animator"])
    structure(territory, "Ludothèque des Coteaux (fictive)")
    assert "Ludothèque des Coteaux" in client.get(url).content.decode()  # signed in: never behind


def test_within_the_lag_a_process_answers_a_public_page_from_its_memory_and_no_longer(
    client, territory, settings, monkeypatch
):
    from django.core.cache import cache

    settings.COOPERER_PUBLIC_PAGE_LAG_SECONDS = 1.0
    now, asked = [1000.0], []
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    shared_get = cache.get
    monkeypatch.setattr(
        pagecache.cache, "get", lambda key, *a, **k: asked.append(key) or shared_get(key, *a, **k)
    )
    url = reverse("public_directory", args=[territory["sem"].siren])
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss" and len(asked) == 1
    for _ in range(5):
        assert client.get(url).content == first.content
    assert len(asked) == 1  # the shared cache was not asked again within the second
    cache.clear()  # what `cooperer restore` does, from another process
    now[0] += 1.1
    again = client.get(url)
    assert again["X-Page-Cache"] == "miss" and len(asked) == 2  # past the lag: asked, and made again


def test_a_view_that_journals_or_counts_at_each_request_is_never_kept(rf, territory):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from cooperer.audit.enums import Action
    from cooperer.audit.models import AuditEntry
    from cooperer.audit.services import record
    from cooperer.core import throttle

    @pagecache.cached_page("actors")
    def journaled(request):
        record(Action.DATA_EXPORTED, label="Annuaire (essai)")
        return HttpResponse("<p>Annuaire</p>", content_type="text/html")

    @pagecache.cached_page("actors")
    def counted(request):
        throttle.hit("essai", "adresse", 60)
        return HttpResponse("<p>Compté</p>", content_type="text/html")

    for view in (journaled, counted):
        for _ in range(3):
            request = rf.get(f"/{view.__name__}/")
            request.user = AnonymousUser()
            assert view(request).get("X-Page-Cache") is None
    assert AuditEntry.objects.filter(object_label="Annuaire (essai)").count() == 3
