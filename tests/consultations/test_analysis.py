import pytest
from django.urls import reverse

from cooperer.consultations.models import AnalysisRun, Contribution, ContributionTag, Synthesis, Theme
from tests.conftest import run_jobs

RESIDENTS = [
    "Le bus passe trop rarement le soir, on ne peut pas rentrer.",
    "Plus de bus le dimanche pour aller en ville.",
    "Il n'y a plus de médecin dans le quartier.",
    "Une maison de santé avec des médecins le samedi.",
    "Les jeunes n'ont pas de lieu pour se retrouver le soir.",
    "Un city-stade éclairé pour les jeunes.",
    "Les poubelles débordent sur le trottoir.",
    "Un quartier propre et fleuri.",
]
PROFESSIONALS = [
    "Les dispositifs se superposent sans coordination entre partenaires.",
    "Un comité technique partenarial pour coordonner les dispositifs.",
    "Le non-recours aux droits est important, il faut accompagner les démarches.",
    "Une permanence France services pour l'accès aux droits.",
    "Les financements annuels fragilisent les associations partenaires.",
    "Des conventions pluriannuelles pour stabiliser les associations.",
]


@pytest.fixture
def said(consultation, sessions):
    rows = []
    for audience, texts in (("habitants", RESIDENTS), ("professionnels", PROFESSIONALS)):
        session = sessions[audience]
        for text in texts * 2:
            rows.append(Contribution(consultation=consultation, session=session, qpv=session.qpv,
                                     audience=audience, kind="constat", text=text, source="saisie_assistee"))  # fmt: skip
    return Contribution.objects.bulk_create(rows)


@pytest.mark.django_db(transaction=True)
def test_the_analysis_tags_with_evidence_compares_audiences_and_learns_from_corrections(
    client, users, consultation, said
):
    client.force_login(users["se_animator"])
    response = client.post(reverse("consultations:analysis_start", args=[consultation.pk]))
    assert response.status_code == 302
    run_jobs()
    run = AnalysisRun.objects.get()
    assert run.contributions == len(said)
    tags = ContributionTag.objects.select_related("contribution", "theme")
    # A text with no word the analysis knows stays without theme, for a person to choose: not a wrong guess.
    assert tags.count() >= 0.75 * len(said)
    for tag in tags:
        folded = tag.contribution.text.lower()
        assert all(word[:4] in folded for word in tag.evidence), (tag.contribution.text, tag.evidence)
    bus = tags.get(contribution__text=RESIDENTS[0], contribution__pk=said[0].pk)
    assert bus.theme.name == "Mobilité" and bus.evidence

    page = client.get(reverse("consultations:analysis", args=[consultation.pk])).content.decode()
    assert "Ce que disent les habitants et que les professionnels ne disent pas" in page
    assert "Contributions par thème et par public" in page

    # Correct three tags, confirm one, re-run: decisions are kept and counted as examples.
    health = Theme.objects.get(consultation=consultation, name="Santé")
    decide = lambda c, theme="": client.post(  # noqa: E731
        reverse("consultations:tag_decide", args=[consultation.pk, c.pk]), {"theme": theme}
    )
    for contribution in said[2:5]:
        decide(contribution, health.pk)
    decide(said[0])
    client.post(reverse("consultations:analysis_start", args=[consultation.pk]))
    run_jobs()
    latest = AnalysisRun.objects.latest("created_at")
    assert latest.labelled == 4
    assert set(
        ContributionTag.objects.filter(contribution__in=said[2:5]).values_list("theme__name", "origin")
    ) == {("Santé", "manuel")}
    assert ContributionTag.objects.get(contribution=said[0]).origin == "confirme"


@pytest.mark.django_db(transaction=True)
def test_the_qpv_synthesis_compares_its_audiences_and_prints(client, users, consultation, said, territory):
    client.force_login(users["se_animator"])
    client.post(reverse("consultations:analysis_start", args=[consultation.pk]))
    run_jobs()
    code = territory["sud_est"].code
    url = reverse("consultations:qpv_synthesis", args=[consultation.pk, code])
    client.post(url, {"text": "Les habitants demandent des bus & des médecins <b>vite</b>."})
    assert Synthesis.objects.get().text.startswith("Les habitants demandent")
    page = client.get(url).content.decode()
    assert "Habitants et professionnels dans le quartier" in page
    assert "Pas assez de contributions de chaque public" not in page
    assert "des bus &amp; des médecins &lt;b&gt;vite&lt;/b&gt;" in page
    printable = client.get(reverse("consultations:qpv_synthesis_print", args=[consultation.pk, code]))
    assert "Paroles du quartier" in printable.content.decode()
    pdf = client.get(reverse("consultations:qpv_synthesis_pdf", args=[consultation.pk, code]))
    assert pdf.content.startswith(b"%PDF")
    client.force_login(users["state_instructor"])
    assert client.post(url, {"text": "Non"}).status_code == 403
    assert client.post(reverse("consultations:analysis_start", args=[consultation.pk])).status_code == 403
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_a_consultation_without_contributions_says_why_it_cannot_be_analysed(consultation):
    from cooperer.consultations import analysis

    with pytest.raises(analysis.AnalysisUnavailable, match="Aucune contribution visible"):
        analysis.run(consultation)


@pytest.mark.django_db(transaction=True)
def test_montreynaud_compares_what_its_residents_say_and_its_professionals_dont(
    client, users, consultation, montreynaud
):
    from tests.consultations.fixtures import MONTREYNAUD_PROFESSIONALS, MONTREYNAUD_RESIDENTS

    client.force_login(users["se_animator"])
    client.post(reverse("consultations:analysis_start", args=[consultation.pk]))
    run_jobs()
    comparison = AnalysisRun.objects.get().report["qpv_comparisons"]["QN04213M"][0]
    assert (comparison["contributions"], comparison["other_contributions"]) == (
        3 * len(MONTREYNAUD_RESIDENTS),
        3 * len(MONTREYNAUD_PROFESSIONALS),
    )
    analysis = client.get(reverse("consultations:analysis", args=[consultation.pk])).content.decode()
    synthesis_url = reverse("consultations:qpv_synthesis", args=[consultation.pk, "QN04213M"])
    assert f'<a href="{synthesis_url}">Montreynaud</a>' in analysis
    page = client.get(synthesis_url).content.decode()
    residents, professionals = page.split("Ce que disent les professionnels et que les habitants")
    assert "« bus » — 12 contre 0" in residents.split("Ce que disent les habitants et que")[1]
    assert "« partenaire » — 9 contre 0" in professionals
    assert "bus" not in professionals.split("Paroles du quartier")[0]
    assert '<th scope="row">semaine du 2 novembre</th>' in page  # the residents' workshop, 7 November


@pytest.mark.django_db(transaction=True)
def test_the_qpv_synthesis_counts_agree_and_quotes_each_sentence_once(
    client, users, consultation, said, territory, sessions
):
    client.force_login(users["se_animator"])
    client.post(reverse("consultations:analysis_start", args=[consultation.pk]))
    run_jobs()
    url = reverse("consultations:qpv_synthesis", args=[consultation.pk, territory["sud_est"].code])
    page = client.get(url).content.decode()
    assert "16 contributions des habitants" in page and "12 contributions des professionnels" in page
    assert (
        "16 contributions des habitants, 12 des professionnels." in page
    )  # the comparison, the same numbers
    assert "contributions professionnels" not in page and "Lors de la dernière analyse" not in page
    for text in RESIDENTS + PROFESSIONALS:  # each said twice, tagged with one or more themes
        assert page.count(f"« {text} »") <= 1, text
    Contribution.objects.create(
        consultation=consultation, session=sessions["professionnels"], qpv=territory["sud_est"],
        audience="professionnels", kind="constat", text="Un guichet unique pour les associations.",
        source="saisie_assistee",
    )  # fmt: skip
    page = client.get(url).content.decode()
    assert "13 contributions des professionnels" in page
    assert "Lors de la dernière analyse : 16 contributions des habitants, 12 des professionnels" in page
    assert "relancez l'analyse" in page


def test_the_pdf_table_headers_never_break_inside_a_word():
    from reportlab.lib.units import cm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from cooperer.consultations.printable import CELL_PADDING, WIDTH, _fitting_size

    labels = ["Logement et cadre de vie", "Participation citoyenne", "Tranquillité publique",
              "Accès aux droits et services publics", "Lien social et vie associative", "Autres thèmes",
              "Pas encore classées", "Total"]  # fmt: skip
    width = (WIDTH - 2.8 * cm) / len(labels) - 2 * CELL_PADDING
    size = _fitting_size(labels, width)
    assert 5.5 <= size <= 8
    assert all(stringWidth(word, "Helvetica", size) <= width for label in labels for word in label.split())
