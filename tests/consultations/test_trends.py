import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperer.consultations import charts
from cooperer.consultations.models import Contribution, ContributionTag, Theme

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def said(consultation, session=None, when=None, source="saisie_assistee", theme=None, **extra):
    fields = {
        "qpv": session.qpv if session else None,
        "audience": session.audience if session else "habitants",
    }
    contribution = Contribution.objects.create(
        consultation=consultation, session=session, kind="constat", text="Texte", source=source,
        created_at=when or at(2026, 11, 20), **(fields | extra),
    )  # fmt: skip
    if theme:
        ContributionTag.objects.create(contribution=contribution, theme=theme_named(consultation, theme))
    return contribution


def theme_named(consultation, name):
    return Theme.objects.get(consultation=consultation, name=name)


def rows_of(chart):
    return [(row["label"], row["total"]) for row in chart["rows"]]


def test_a_workshop_counts_on_its_session_day_and_the_form_on_the_day_it_was_sent(consultation, sessions):
    workshop, professionals = sessions["habitants"], sessions["professionnels"]  # 3 and 5 October 2026
    for _ in range(3):  # post-its typed on 20 November
        said(consultation, workshop, theme="Mobilité")
    said(consultation, professionals, theme="Santé")
    said(consultation, workshop, at(2026, 10, 14), source="formulaire", theme="Mobilité")
    said(consultation, workshop, at(2026, 10, 19, 0, 30), source="formulaire")  # Sunday 22:30 in UTC
    said(consultation, workshop, at(2026, 10, 20), hidden_at=at(2026, 10, 21))
    said(consultation, None, at(2026, 10, 27), source="import", theme="Santé")

    chart = charts.trend_chart(consultation)

    assert chart["period"] == "week"  # September to December: four months
    assert rows_of(chart) == [
        ("semaine du 28 septembre", 3),
        ("semaine du 5 octobre", 1),
        ("semaine du 12 octobre", 1),
        ("semaine du 19 octobre", 1),
        ("semaine du 26 octobre", 1),
    ]
    assert [item["label"] for item in chart["series"]] == ["Mobilité", "Santé", "Pas encore classées"]
    assert [row["counts"] for row in chart["rows"]] == [[3, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]]
    only_sud_est = charts.trend_chart(consultation, workshop.qpv)
    assert rows_of(only_sud_est)[-1] == ("semaine du 19 octobre", 1)


def test_the_five_most_frequent_themes_have_their_colour_and_the_others_are_grouped(consultation, sessions):
    names = [
        "Mobilité",
        "Santé",
        "Jeunesse",
        "Emploi et insertion",
        "Culture et sport",
        "Transition écologique",
    ]
    for count, name in zip([6, 5, 4, 3, 2, 1], names, strict=True):
        for _ in range(count):
            said(consultation, sessions["habitants"], theme=name)
    said(consultation, sessions["habitants"], theme="Participation citoyenne")
    said(consultation, sessions["habitants"])

    chart = charts.trend_chart(consultation)

    assert [item["label"] for item in chart["series"]] == [*names[:5], "Autres thèmes", "Pas encore classées"]
    assert chart["rows"][0]["counts"] == [6, 5, 4, 3, 2, 2, 1]
    assert len({item["fill"] for item in chart["series"]}) == 7
    widths = [segment["width"] for segment in chart["rows"][0]["segments"]]
    assert [round(width / widths[-1]) for width in widths] == [6, 5, 4, 3, 2, 2, 1]  # stacked in proportion


def test_a_long_consultation_is_read_month_by_month_with_the_empty_months(consultation, sessions):
    consultation.ends_on = datetime.date(2027, 3, 31)
    consultation.save()
    said(consultation, sessions["habitants"], theme="Santé")  # 3 October 2026
    said(consultation, None, at(2027, 1, 12), source="formulaire", theme="Santé")

    chart = charts.trend_chart(consultation)

    assert chart["period"] == "month"
    assert rows_of(chart) == [
        ("octobre 2026", 1),
        ("novembre 2026", 0),
        ("décembre 2026", 0),
        ("janvier 2027", 1),
    ]
    assert chart["rows"][1]["segments"] == []


def test_a_short_consultation_with_contributions_dated_far_apart_falls_back_to_months(consultation, sessions):
    said(consultation, sessions["habitants"])
    said(consultation, None, at(2027, 6, 1), source="formulaire")
    assert charts.trend_chart(consultation)["period"] == "month"


@pytest.mark.parametrize(
    ("ends_on", "period"),
    [(datetime.date(2027, 1, 1), "week"), (datetime.date(2027, 1, 2), "month")],
)
def test_four_months_or_less_are_read_week_by_week(consultation, ends_on, period):
    consultation.ends_on = ends_on  # starts on 1 September 2026
    assert charts.trend_period(consultation) == period


def test_periods_are_written_in_french():
    assert charts.period_label(datetime.date(2026, 3, 2), "week") == "semaine du 2 mars"
    assert charts.period_label(datetime.date(2027, 3, 1), "week") == "semaine du 1er mars"
    assert (
        charts.period_label(datetime.date(2026, 12, 28), "week", with_year=True)
        == "semaine du 28 décembre 2026"
    )
    assert charts.period_label(datetime.date(2026, 3, 1), "month") == "mars 2026"
    assert charts.period_start(datetime.date(2026, 3, 8), "week") == datetime.date(2026, 3, 2)  # a Sunday
    assert charts.add_months(datetime.date(2026, 10, 31), 4) == datetime.date(2027, 2, 28)


def test_the_analysis_and_synthesis_pages_show_the_trend_with_its_table(
    client, users, consultation, sessions
):
    said(consultation, sessions["habitants"], theme="Mobilité")
    said(consultation, sessions["professionnels"], theme="Santé")
    client.force_login(users["state_instructor"])
    code = sessions["habitants"].qpv.code

    analysis = client.get(reverse("consultations:analysis", args=[consultation.pk])).content.decode()
    synthesis = client.get(
        reverse("consultations:qpv_synthesis", args=[consultation.pk, code])
    ).content.decode()
    printable = client.get(reverse("consultations:qpv_synthesis_print", args=[consultation.pk, code]))

    assert "<caption>Contributions du territoire par thème, par semaine</caption>" in analysis
    assert 'aria-labelledby="tendance-territoire-titre"' in analysis
    for page in (synthesis, printable.content.decode()):
        assert "<caption>Contributions du quartier par thème, par semaine</caption>" in page
        assert '<th scope="row">semaine du 28 septembre</th>' in page
        assert '<th scope="col" class="num">Mobilité</th>' in page
        assert "<title>semaine du 5 octobre — Santé : 1</title>" in page
    pdf = client.get(reverse("consultations:qpv_synthesis_pdf", args=[consultation.pk, code]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_without_contributions_the_trend_says_so(client, users, consultation):
    client.force_login(users["se_animator"])
    page = client.get(reverse("consultations:analysis", args=[consultation.pk])).content.decode()
    assert "Les contributions dans le temps" in page and "Aucune contribution visible pour l'instant." in page


def test_the_analysis_and_synthesis_pages_use_a_constant_number_of_queries(
    client, users, consultation, sessions
):
    client.force_login(users["se_animator"])
    code = sessions["habitants"].qpv.code
    urls = [
        reverse("consultations:analysis", args=[consultation.pk]),
        reverse("consultations:qpv_synthesis", args=[consultation.pk, code]),
        reverse("consultations:qpv_synthesis_print", args=[consultation.pk, code]),
        reverse("consultations:qpv_synthesis_pdf", args=[consultation.pk, code]),
    ]

    def queries():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            counts.append(len(context.captured_queries))
        return counts

    themes = [
        "Mobilité",
        "Santé",
        "Jeunesse",
        "Emploi et insertion",
        "Culture et sport",
        "Transition écologique",
    ]
    for name in themes:
        said(consultation, sessions["habitants"], theme=name)
    few = queries()
    sent = Contribution.objects.bulk_create(
        Contribution(consultation=consultation, session=sessions["habitants"], qpv=sessions["habitants"].qpv,
                     audience="habitants", kind="proposition", text=f"texte {day}", source="formulaire",
                     created_at=at(2026, 9, 1) + datetime.timedelta(days=day))
        for day in range(120) for _ in themes
    )  # fmt: skip
    by_name = {theme.name: theme for theme in consultation.themes.all()}
    ContributionTag.objects.bulk_create(
        ContributionTag(contribution=contribution, theme=by_name[themes[number % len(themes)]])
        for number, contribution in enumerate(sent)
    )
    said(consultation, sessions["professionnels"])  # one not yet classified: a new series, not a new query
    assert queries() == few
