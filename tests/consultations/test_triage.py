"""Triage at scale on a consultation's contributions: French search, compact list, bulk theme validation and
bulk moderation with a reason, pagination with a constant number of queries, and the analysis that says when
it is out of date."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperer.audit.enums import Action
from cooperer.audit.models import AuditEntry
from cooperer.consultations import triage
from cooperer.consultations.enums import TagOrigin
from cooperer.consultations.models import AnalysisRun, Contribution, ContributionTag, ModerationEvent
from cooperer.consultations.services import erase_on_request

pytestmark = pytest.mark.django_db

TEXTS = [
    "Un local pour les jeunes près du château d'eau.",
    "La jeunesse du quartier n'a nulle part où aller le soir.",
    "Plus de médecins généralistes, il faut descendre en ville.",
    "L'ÉCOLE manque d'une cantine.",
    "Des bancs et de l'ombre sur la place.",
]


@pytest.fixture
def said(consultation, sessions):
    session = sessions["habitants"]
    return Contribution.objects.bulk_create(
        Contribution(consultation=consultation, session=session, qpv=session.qpv, audience="habitants",
                     kind="constat", text=text, source="import")
        for text in TEXTS
    )  # fmt: skip


def listing(client, consultation, **params):
    response = client.get(reverse("consultations:contributions", args=[consultation.pk]), params)
    assert response.status_code == 200
    return response


def shown(response) -> set[str]:
    return {c.text for c in response.context["page"]}


def bulk(client, consultation, contributions, follow=False, **data):
    url = reverse("consultations:contributions_bulk", args=[consultation.pk])
    return client.post(url, {"ids": [c.pk for c in contributions], **data}, follow=follow)


def test_the_search_ignores_accents_and_case_and_finds_word_families(client, users, consultation, said):
    client.force_login(users["member"])
    assert shown(listing(client, consultation, q="jeunes")) == {TEXTS[0], TEXTS[1]}
    assert shown(listing(client, consultation, q="Médecin")) == {TEXTS[2]}
    assert shown(listing(client, consultation, q="medecins generalistes")) == {TEXTS[2]}
    assert shown(listing(client, consultation, q="école")) == {TEXTS[3]}
    assert shown(listing(client, consultation, q="xylophone")) == set()


def test_the_search_follows_edits_and_forgets_erased_words(users, consultation, said):
    contribution = said[4]
    contribution.text = "Des bancs, de l'ombre et une fontaine."
    contribution.save(update_fields=["text"])
    assert list(Contribution.objects.matching("fontaine")) == [contribution]
    erase_on_request(contribution, "Courriel du 12/11/2026", users["se_animator"])
    assert not Contribution.objects.matching("fontaine").exists()


def test_the_list_filters_by_theme_and_by_state(client, users, consultation, said):
    health = consultation.themes.get(name="Santé")
    ContributionTag.objects.create(contribution=said[2], theme=health, origin=TagOrigin.AUTO)
    said[4].hidden_at = timezone.now()
    said[4].save(update_fields=["hidden_at"])
    client.force_login(users["se_animator"])
    assert shown(listing(client, consultation, theme=health.pk)) == {TEXTS[2]}
    assert shown(listing(client, consultation, state="masquees")) == {TEXTS[4]}
    assert TEXTS[4] not in shown(listing(client, consultation))


def test_the_compact_list_shows_one_table_row_per_contribution(client, users, consultation, said):
    client.force_login(users["se_animator"])
    html = listing(client, consultation, display="compact").content.decode()
    assert html.count("<tr>") == 1 + len(TEXTS)  # the header row, then one per contribution
    assert "<blockquote>" not in html
    assert html.count('name="ids"') == len(TEXTS)


def test_a_selection_gets_the_chosen_theme_and_the_proposed_ones_are_confirmed(
    client, users, consultation, said
):
    client.force_login(users["se_animator"])
    mobility = consultation.themes.get(name="Mobilité")
    youth = consultation.themes.get(name="Jeunesse")
    ContributionTag.objects.create(contribution=said[0], theme=mobility, origin=TagOrigin.AUTO)
    ContributionTag.objects.create(contribution=said[1], theme=youth, origin=TagOrigin.AUTO)
    bulk(client, consultation, said[:2], action="theme", theme=youth.pk, next="/ailleurs/")
    assert set(ContributionTag.objects.values_list("contribution_id", "theme_id", "origin")) == {
        (said[0].pk, youth.pk, TagOrigin.MANUAL),
        (said[1].pk, youth.pk, TagOrigin.MANUAL),
    }
    ContributionTag.objects.create(contribution=said[2], theme=mobility, origin=TagOrigin.AUTO)
    response = bulk(client, consultation, said[2:4], action="theme", theme="")
    tag = ContributionTag.objects.get(contribution=said[2])
    assert (tag.origin, tag.decided_by) == (TagOrigin.CONFIRMED, users["se_animator"])
    # Nothing was proposed for this one: nothing is invented.
    assert not ContributionTag.objects.filter(contribution=said[3]).exists()
    assert response.status_code == 302


def test_a_selection_is_hidden_with_one_reason_recorded_for_each_contribution(
    client, users, consultation, said
):
    client.force_login(users["se_animator"])
    bulk(client, consultation, said[:3], action="masquer", reason="  ")
    assert not Contribution.objects.filter(hidden_at__isnull=False).exists()
    bulk(client, consultation, said[:3], action="masquer", reason="Propos injurieux")
    hidden = Contribution.objects.filter(hidden_at__isnull=False)
    assert set(hidden.values_list("pk", "hidden_reason")) == {(c.pk, "Propos injurieux") for c in said[:3]}
    assert set(ModerationEvent.objects.values_list("contribution_id", "hidden", "reason", "by")) == {
        (c.pk, True, "Propos injurieux", users["se_animator"].pk) for c in said[:3]
    }
    journal = AuditEntry.objects.filter(action=Action.CONTRIBUTION_HIDDEN)
    assert sorted(journal.values_list("object_id", flat=True)) == sorted(str(c.pk) for c in said[:3])
    assert {e.after["motif"] for e in journal} == {"Propos injurieux"}
    assert {e.epci_id for e in journal} == {consultation.epci_id}
    # Hiding again changes nothing: already hidden contributions are not selectable.
    bulk(client, consultation, said[:3], action="masquer", reason="Encore")
    assert ModerationEvent.objects.count() == 3


def test_a_bulk_action_never_touches_another_consultation(client, users, consultation, said, territory):
    from cooperer.consultations.models import Consultation

    other = Consultation.objects.create(title="Autre", epci=territory["sem"], starts_on=datetime.date(2026, 1, 1),
                                        ends_on=datetime.date(2026, 2, 1))  # fmt: skip
    stranger = Contribution.objects.create(consultation=other, audience="habitants", kind="constat",
                                           text="Ailleurs", source="import")  # fmt: skip
    client.force_login(users["se_animator"])
    bulk(client, consultation, [stranger, said[0]], action="masquer", reason="Hors sujet")
    stranger.refresh_from_db()
    assert not stranger.is_hidden
    assert Contribution.objects.filter(hidden_at__isnull=False).get() == said[0]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin", True),
        ("se_animator", True),
        ("state_instructor", False),
        ("member", False),
        ("m2a_animator", False),
    ],
)
def test_who_may_validate_and_moderate_in_bulk(client, users, consultation, said, who, allowed):
    client.force_login(users[who])
    hide = bulk(client, consultation, said[:2], action="masquer", reason="Hors sujet")
    theme = bulk(client, consultation, said[2:], action="theme", theme=consultation.themes.first().pk)
    assert (hide.status_code, theme.status_code) == ((302, 302) if allowed else (403, 403))
    assert Contribution.objects.filter(hidden_at__isnull=False).count() == (2 if allowed else 0)
    assert ContributionTag.objects.count() == (3 if allowed else 0)
    html = listing(client, consultation).content.decode() if who != "m2a_animator" else ""
    assert ('id="triage"' in html) == allowed


def test_bulk_actions_refuse_an_empty_or_oversized_selection(client, users, consultation, said):
    client.force_login(users["se_animator"])
    response = bulk(client, consultation, [], action="masquer", reason="Hors sujet", follow=True)
    assert "Cochez au moins une contribution" in response.content.decode()
    too_many = {"ids": list(range(1, 202)), "action": "masquer", "reason": "Hors sujet"}
    url = reverse("consultations:contributions_bulk", args=[consultation.pk])
    assert "Au plus 200 contributions" in client.post(url, too_many, follow=True).content.decode()
    assert not Contribution.objects.filter(hidden_at__isnull=False).exists()


def test_the_list_pages_with_a_constant_number_of_queries(client, users, consultation, sessions):
    client.force_login(users["se_animator"])
    session = sessions["habitants"]
    theme = consultation.themes.first()

    def add(count):
        created = Contribution.objects.bulk_create(
            Contribution(consultation=consultation, session=session, qpv=session.qpv, audience="habitants",
                         kind="proposition", text=f"Un jardin partagé numéro {i}", source="import")
            for i in range(count)
        )  # fmt: skip
        ContributionTag.objects.bulk_create(ContributionTag(contribution=c, theme=theme) for c in created)

    cases = [
        {},
        {"q": "jardins"},
        {"theme": theme.pk, "state": "toutes"},
        {"display": "compact"},
        {"page": 2},
    ]

    def queries():
        counts = []
        for params in cases:
            with CaptureQueriesContext(connection) as context:
                listing(client, consultation, **params)
            counts.append(len(context.captured_queries))
        return counts

    add(60)
    few = queries()
    add(240)
    consultation.themes.create(name="Commerces de proximité")  # the theme choices are one query, however many
    assert queries() == few
    deep = listing(client, consultation, page=6, q="jardin")
    assert deep.context["page"].number == 6 and len(deep.context["page"]) == 50


def test_a_search_matching_more_than_it_counts_says_so_and_still_pages_through_every_match(
    client, users, consultation, sessions, monkeypatch, settings
):
    settings.COOPERER_PAGE_CACHE = False  # each page is read from the view's context, asked twice
    monkeypatch.setattr(triage, "SEARCH_COUNT_CAP", 60)
    client.force_login(users["se_animator"])
    session = sessions["habitants"]
    created = Contribution.objects.bulk_create(
        Contribution(consultation=consultation, session=session, qpv=session.qpv, audience="habitants",
                     kind="proposition", text=f"Un jardin partagé numéro {i}", source="import")
        for i in range(130)
    )  # fmt: skip

    first = listing(client, consultation, q="jardins")
    html = first.content.decode().replace("\xa0", " ")
    assert "Plus de 60 contributions" in html and "Page 1</span>" in html and "page=2" in html
    seen = [
        c.pk
        for number in (1, 2, 3)
        for c in listing(client, consultation, q="jardin", page=number).context["page"]
    ]
    assert sorted(seen) == sorted(c.pk for c in created)  # each match once, newest first, across pages
    last = listing(client, consultation, q="jardin", page=3)
    assert len(last.context["page"]) == 30 and "Page suivante" not in last.content.decode()
    beyond = listing(client, consultation, q="jardin", page=4)
    assert "Aucune contribution ne correspond." in beyond.content.decode()
    assert listing(client, consultation, q="jardin", page="deux").context["page"].number == 1
    # Without a search, and for a search under the cap, the count is exact.
    assert "130 contributions." in listing(client, consultation).content.decode().replace("\xa0", " ")
    assert "1 contribution." in listing(client, consultation, q="numéro 129").content.decode().replace(
        "\xa0", " "
    )


def test_the_analysis_says_how_many_contributions_arrived_since_it_ran(client, users, consultation, said):
    run = AnalysisRun.objects.create(consultation=consultation, contributions=5)
    client.force_login(users["member"])
    url = reverse("consultations:analysis", args=[consultation.pk])
    assert "depuis l'analyse" not in client.get(url).content.decode()
    Contribution.objects.filter(pk__in=[c.pk for c in said[:2]]).update(
        created_at=run.created_at + datetime.timedelta(minutes=5)
    )
    html = client.get(url).content.decode()
    assert "2 nouvelles contributions depuis l'analyse du" in html and "relancez-la" in html


def test_a_search_runs_its_match_for_the_count_and_the_page_s_ids_not_for_the_page_s_rows(
    client, users, consultation, sessions
):
    session = sessions["habitants"]
    Contribution.objects.bulk_create(
        Contribution(consultation=consultation, session=session, qpv=session.qpv, audience="habitants",
                     kind="proposition", text=f"Un jardin partagé numéro {i}", source="import")
        for i in range(70)
    )  # fmt: skip
    client.force_login(users["se_animator"])
    with CaptureQueriesContext(connection) as context:
        page = listing(client, consultation, q="jardins").context["page"]
    matching = [q["sql"] for q in context.captured_queries if "MATCH" in q["sql"] or "@@" in q["sql"]]
    assert len(matching) == 2  # the capped count and the ids of the page; the rows are read by id alone
    assert len(page) == 50 and all("jardin" in contribution.text for contribution in page)
