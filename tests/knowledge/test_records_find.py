import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperer.actors.models import Theme
from cooperer.calls.enums import ApplicationStatus
from cooperer.knowledge import factors, services, similar
from cooperer.knowledge.enums import FactorKind, RecordStatus
from cooperer.knowledge.models import Record, RecordFactor
from tests.knowledge.records_fixtures import factor

pytestmark = pytest.mark.django_db


def published(epci, title, summary, lessons="", **extra):
    record = Record.objects.create(
        title=title, summary=summary, lessons=lessons, epci=epci, status=RecordStatus.PUBLISHED,
        published_at=timezone.now(), **extra,
    )  # fmt: skip
    services.refresh_search_text(record)
    return record


def test_search_finds_the_word_family_without_accents(client, territory):
    youth = published(territory["m2a"], "Engagement de la jeunesse", "Les jeunes animent leur quartier.")
    published(territory["m2a"], "Jardins partagés", "Des parcelles pour les familles.")
    for query in ("jeune", "JEUNESSE", "engagés", "quartiers"):
        response = client.get(reverse("knowledge:home"), {"q": query})
        assert list(response.context["page"]) == [youth], query
    assert not list(client.get(reverse("knowledge:home"), {"q": "piscine"}).context["page"])


def test_drafts_are_not_listed_publicly(client, territory, users):
    published(territory["m2a"], "Publiée", "Oui")
    Record.objects.create(title="Brouillon secret", summary="Non", epci=territory["m2a"])
    html = client.get(reverse("knowledge:home")).content.decode()
    assert "Publiée" in html and "Brouillon secret" not in html
    client.force_login(users["m2a_animator"])
    html = client.get(reverse("knowledge:home")).content.decode()
    assert "Brouillon secret" in html
    client.force_login(users["se_animator"])
    assert "Brouillon secret" not in client.get(reverse("knowledge:home")).content.decode()


def test_filters_by_theme_territory_lever_and_obstacle(client, territory):
    trust, turnover = factor("Confiance"), factor("Turnover des professionnels")
    youth_theme = Theme.objects.create(name="Jeunesse")
    a = published(territory["m2a"], "A", "Premier")
    b = published(territory["sem"], "B", "Deuxième")
    a.themes.add(youth_theme)
    RecordFactor.objects.create(record=a, factor=trust, kind=FactorKind.LEVER)
    RecordFactor.objects.create(record=b, factor=trust, kind=FactorKind.OBSTACLE)
    RecordFactor.objects.create(record=b, factor=turnover, kind=FactorKind.OBSTACLE)
    for record in (a, b):  # what every writing path does once the record's lists change
        services.refresh_search_text(record)

    def listed(**params):
        return {r.title for r in client.get(reverse("knowledge:home"), params).context["page"]}

    assert listed() == {"A", "B"}
    assert listed(theme=youth_theme.pk) == {"A"}
    assert listed(territoire=territory["sem"].pk) == {"B"}
    assert listed(levier=trust.pk) == {"A"}
    assert listed(frein=trust.pk) == {"B"}
    assert listed(frein=turnover.pk, territoire=territory["m2a"].pk) == set()
    assert listed(q="deuxième", frein=trust.pk) == {"B"} and listed(q="premier", frein=trust.pk) == set()


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, {"q": "quartier"}).status_code == 200
    return len(context.captured_queries)


def test_the_list_keeps_a_constant_number_of_queries(client, territory, users):
    client.force_login(users["m2a_animator"])
    for i in range(3):
        record = published(territory["m2a"], f"Fiche {i}", "Un quartier qui coopère.")
        record.qpvs.add(territory["sud_est"])
    url = reverse("knowledge:home")
    few = _count_queries(client, url)
    for i in range(30):
        record = published(territory["sem"], f"Autre fiche {i}", "Un quartier qui coopère.")
        record.qpvs.add(territory["sud_est"])
    assert _count_queries(client, url) == few
    assert client.get(url, {"q": "quartier", "page": 2}).context["page"].number == 2


def test_similar_elsewhere_finds_other_territories_with_the_words_that_matched(territory):
    mulhouse = published(
        territory["m2a"], "Un local jeunes co-géré", "Les jeunes ouvrent un local le soir avec des animateurs.",
        lessons="Le local co-géré donne confiance.",
    )  # fmt: skip
    published(territory["m2a"], "Jardins partagés", "Des parcelles pour les familles.")
    same_place = published(
        territory["sem"], "Local jeunes à Saint-Étienne", "Un local jeunes le soir, des animateurs."
    )
    found = similar.similar_records(
        "Ouvrir un local co-géré avec les jeunes, le soir et le week-end, avec des animateurs.",
        exclude_epci_id=territory["sem"].pk,
    )
    assert [f["id"] for f in found] == [mulhouse.pk]
    assert same_place.pk not in [f["id"] for f in found]
    assert {"local", "jeunes", "animateurs"} <= set(found[0]["words"])


def test_the_instruction_page_shows_initiatives_elsewhere(client, application, users, territory):
    mulhouse = published(
        territory["m2a"], "Un local jeunes ouvert le soir", "Les jeunes gèrent un local le soir."
    )
    application.status, application.submitted_at = ApplicationStatus.SUBMITTED, timezone.now()
    application.save()
    client.force_login(users["state_instructor"])
    html = client.get(
        reverse("calls:instruction", args=[application.call_id, application.pk])
    ).content.decode()
    assert "Initiatives semblables ailleurs" in html
    assert mulhouse.get_absolute_url() in html and "mots en commun" in html


def test_the_community_page_shows_initiatives_elsewhere(client, community, users, territory):
    sem = published(
        territory["sem"], "Engagement des jeunes à Montreynaud", "L'engagement des jeunes du quartier."
    )
    client.force_login(users["m2a_animator"])
    html = client.get(reverse("communities:detail", args=[community["community"].pk])).content.decode()
    assert sem.get_absolute_url() in html


def test_most_cited_levers_and_obstacles_count_records_and_territories(client, territory):
    trust, turnover = factor("Confiance"), factor("Turnover des professionnels")
    for epci in (territory["m2a"], territory["sem"]):
        record = published(epci, "Fiche", "Résumé")
        RecordFactor.objects.create(record=record, factor=trust, kind=FactorKind.LEVER)
    draft = Record.objects.create(title="Brouillon", summary="x", epci=territory["sem"])
    RecordFactor.objects.create(record=draft, factor=turnover, kind=FactorKind.OBSTACLE)
    rows = factors.most_cited()
    assert rows == [
        {"id": trust.pk, "name": "Confiance", "levers": 2, "obstacles": 0, "territories": 2, "total": 2}
    ]
    html = client.get(reverse("knowledge:factors")).content.decode()
    assert "<svg" in html and "<caption>Fiches publiées citant chaque levier" in html
    assert "Turnover" not in html


def test_open_data_exports_published_records_only_and_formula_safe(client, territory):
    record = published(
        territory["m2a"], '=HYPERLINK("http://x")', "Résumé ; avec point-virgule", is_demo=True
    )
    RecordFactor.objects.create(
        record=record, factor=factor("Confiance"), kind=FactorKind.LEVER, comment="Pas à pas"
    )
    Record.objects.create(title="Brouillon", summary="x", epci=territory["m2a"])
    data = json.loads(b"".join(client.get(reverse("knowledge:export_json")).streaming_content))
    assert [f["titre"] for f in data["fiches"]] == ['=HYPERLINK("http://x")']
    assert data["fiches"][0]["leviers"] == [{"nom": "Confiance", "commentaire": "Pas à pas"}]
    assert data["fiches"][0]["fictive"] is True
    response = client.get(reverse("knowledge:export_csv"))
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff") and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["id", "titre", "resume"] and len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert rows[1][15] == "Confiance : Pas à pas"


def test_a_record_prints_as_html_and_pdf(client, territory, users):
    record = published(territory["m2a"], "Fiche imprimable", "Résumé")
    assert "Fiche imprimable" in client.get(reverse("knowledge:print", args=[record.pk])).content.decode()
    response = client.get(reverse("knowledge:pdf", args=[record.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    draft = Record.objects.create(title="Brouillon", summary="x", epci=territory["m2a"])
    assert client.get(reverse("knowledge:pdf", args=[draft.pk])).status_code == 403


def test_a_vision_element_shows_initiatives_elsewhere(client, sud_est_vision, users, territory):
    from cooperer.visions import services as visions

    version = visions.current_version(sud_est_vision)
    element = visions.add_element(
        version, "Les jeunes ont des lieux à eux et des adultes en qui ils ont confiance."
    )
    mulhouse = published(
        territory["m2a"],
        "Un lieu à eux pour les jeunes",
        "Des adultes de confiance, un lieu pour les jeunes.",
    )
    published(territory["sem"], "Un lieu jeunes à Saint-Étienne", "Un lieu pour les jeunes.")
    client.force_login(users["se_animator"])
    detail = client.get(reverse("visions:detail", args=[sud_est_vision.pk])).content.decode()
    url = reverse("visions:elsewhere", args=[sud_est_vision.pk, element.pk])
    assert url in detail
    html = client.get(url).content.decode()
    assert mulhouse.get_absolute_url() in html and "Un lieu jeunes à Saint-Étienne" not in html
    client.force_login(users["m2a_animator"])
    assert client.get(url).status_code == 403


def test_writing_pages_need_an_account(client, territory):
    record = published(territory["m2a"], "Publiée", "Résumé")
    for url in (
        reverse("knowledge:start"),
        reverse("knowledge:import"),
        reverse("knowledge:edit", args=[record.pk]),
    ):
        assert client.get(url).status_code == 302  # to the login page
    assert client.post(reverse("knowledge:publish", args=[record.pk])).status_code == 302
    assert Record.objects.get(pk=record.pk).published_by is None


def test_the_chart_counts_in_one_grouped_query_whatever_the_records(territory, django_assert_num_queries):
    trust = factor("Confiance")
    for i in range(5):
        record = published(territory["m2a"], f"Fiche {i}", "Résumé")
        RecordFactor.objects.create(record=record, factor=trust, kind=FactorKind.LEVER)
    with django_assert_num_queries(1):
        rows = factors.most_cited()
    assert rows[0]["levers"] == 5


def test_a_published_record_lists_similar_records_of_any_territory_but_itself(client, territory, users):
    local = published(
        territory["m2a"],
        "Un local jeunes co-géré",
        "Les jeunes ouvrent un local le soir avec des animateurs.",
    )
    near = published(
        territory["sem"], "Local jeunes à Saint-Étienne", "Un local jeunes le soir, des animateurs."
    )
    published(territory["m2a"], "Jardins partagés", "Des parcelles pour les familles.")
    draft = Record.objects.create(
        title="Local jeunes en projet", summary="Un local jeunes le soir.", epci=territory["sem"],
        status=RecordStatus.DRAFT,
    )  # fmt: skip
    services.refresh_search_text(draft)
    html = client.get(local.get_absolute_url()).content.decode()
    start = html.index("Fiches semblables")
    section = html[start : html.index("</section>", start)]
    assert f'href="{near.get_absolute_url()}"' in section and "mots en commun" in section
    assert f'href="{local.get_absolute_url()}"' not in section and "Jardins partagés" not in section
    assert f'href="{draft.get_absolute_url()}"' not in section  # drafts are never offered
    client.force_login(users["se_animator"])
    unpublished = client.get(draft.get_absolute_url())
    assert unpublished.status_code == 200 and "Fiches semblables" not in unpublished.content.decode()
