import csv
import io
import json

import pytest
from django.urls import reverse

from cooperer.knowledge.kit import KitKind, content_errors, fill, placeholders_in
from cooperer.knowledge.models import KitTemplate, Lineage
from cooperer.knowledge.spreading import SpreadError, checklist, save_as_template, spread, target_of

pytestmark = pytest.mark.django_db

DESIGN = {
    "question": "Comment voulons-nous que notre quartier soit en 2030 ?",
    "audiences": ["habitants", "professionnels"],
    "formats": ["atelier"],
    "sessions": [
        {"audience": "habitants", "format": "atelier", "when": "{{ date }}", "place": "{{ lieu }}"},
        {"audience": "professionnels", "format": "atelier", "when": "{{ date }}"},
    ],
}


def published(**extra):
    values = {"kind": KitKind.CONSULTATION, "title": "Déroulé QIC", "content": DESIGN, "status": "publie"}
    return KitTemplate.objects.create(**{**values, **extra})


def test_a_complete_consultation_design_is_valid():
    assert content_errors(KitKind.CONSULTATION, DESIGN) == []


def test_each_problem_of_a_content_is_said_in_french():
    errors = content_errors(
        KitKind.CONSULTATION, {"audiences": ["habitants", "martiens"], "formats": [], "couleur": "bleu"}
    )
    assert "champ inconnu « couleur »." in errors
    assert "« question mobilisatrice » est obligatoire." in errors
    assert any("« martiens » n'est pas une valeur possible" in e for e in errors)
    assert "« formats » : ajoutez au moins un élément." in errors
    assert content_errors(KitKind.CONSULTATION, ["pas", "un objet"]) == [
        "Le contenu doit être un objet JSON (entre accolades)."
    ]


def test_the_weights_of_a_grid_make_one_hundred_percent():
    grid = {"criteria": [{"kind": "cooperation", "label": "Coopération", "weight": 60}]}
    assert content_errors(KitKind.CALL_GRID, grid) == [
        "Les poids des critères font 60 % : ils doivent faire 100 %."
    ]


def test_placeholders_are_listed_and_filled_only_where_a_value_is_given():
    assert placeholders_in(DESIGN) == ["date", "lieu"]
    filled = fill(DESIGN, {"lieu": "Centre social"})
    assert filled["sessions"][0]["place"] == "Centre social" and filled["sessions"][0]["when"] == "{{ date }}"
    assert KitTemplate.objects.create(kind=KitKind.CONSULTATION, title="T", content=DESIGN).placeholders == [
        "date",
        "lieu",
    ]


def test_a_consultation_saved_as_template_keeps_its_method_and_not_its_territory(
    consultation, sessions, users
):
    template = save_as_template(consultation, user=users["se_animator"])
    assert template.status == "brouillon" and template.kind == KitKind.CONSULTATION
    assert template.content["question"] == consultation.question
    assert template.content["audiences"] == ["habitants", "professionnels"]
    assert {s["when"] for s in template.content["sessions"]} == {"{{ date }}"}
    assert template.source_place == "Saint-Étienne" and template.problems == []
    assert "Centre social" not in json.dumps(template.content)  # the session's place is the territory's


def test_a_call_saved_as_template_turns_its_funders_into_placeholders(call, users):
    template = save_as_template(call, user=users["se_animator"])
    assert template.placeholders == ["financeur", "montant"]
    assert [c["weight"] for c in template.content["criteria"]] == [30, 30, 20, 20]
    assert "Préfecture de la Loire" not in json.dumps(template.content)


def test_an_animatrice_of_the_territory_saves_a_consultation_as_template(client, consultation, users):
    url = reverse("knowledge:kit_from", args=["concertation", consultation.pk])
    client.force_login(users["se_animator"])
    assert "Aperçu" in client.get(url).content.decode()
    response = client.post(url, {"title": "Déroulé QIC", "description": "", "licence": "etalab-2.0"})
    template = KitTemplate.objects.get()
    assert response.url == template.get_absolute_url() and template.author == users["se_animator"]


@pytest.mark.parametrize("who", ["m2a_animator", "member", "state_instructor"])
def test_others_may_not_save_a_consultation_as_template(client, consultation, users, who):
    client.force_login(users[who])
    url = reverse("knowledge:kit_from", args=["concertation", consultation.pk])
    assert client.post(url, {"title": "X", "licence": "etalab-2.0"}).status_code == 403
    assert not KitTemplate.objects.exists()


def test_bad_json_is_refused_in_french_and_the_text_is_kept(client, users):
    client.force_login(users["se_animator"])
    broken = '{"question": "Et demain ?",'
    response = client.post(
        reverse("knowledge:kit_create"),
        {
            "kind": "concertation",
            "title": "Mon modèle",
            "licence": "etalab-2.0",
            "status": "brouillon",
            "content_text": broken,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "pas du JSON valide (ligne 1, colonne" in page
    assert "Et demain ?" in page and not KitTemplate.objects.exists()


def test_an_incomplete_template_is_saved_as_draft_but_not_published(client, users):
    client.force_login(users["se_animator"])
    data = {
        "kind": "concertation",
        "title": "Mon modèle",
        "licence": "etalab-2.0",
        "content_text": '{"formats": ["atelier"]}',
    }
    response = client.post(reverse("knowledge:kit_create"), {**data, "status": "publie"})
    assert (
        "un modèle publié doit être complet" in response.content.decode() and not KitTemplate.objects.exists()
    )
    client.post(reverse("knowledge:kit_create"), {**data, "status": "brouillon"})
    template = KitTemplate.objects.get()
    page = client.get(template.get_absolute_url()).content.decode()
    assert "À compléter avant de le publier" in page and "Essaimer sur un territoire" not in page


def test_drafts_are_seen_by_their_author_only(client, users):
    draft = KitTemplate.objects.create(
        kind=KitKind.CONSULTATION, title="Brouillon secret", content=DESIGN, author=users["se_animator"]
    )
    published(title="Déroulé publié")
    assert "Brouillon secret" not in client.get(reverse("knowledge:kit_index")).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(users["m2a_animator"])
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("knowledge:kit_edit", args=[draft.pk])).status_code == 403
    client.force_login(users["se_animator"])
    assert "Brouillon secret" in client.get(reverse("knowledge:kit_index")).content.decode()
    assert client.get(reverse("knowledge:kit_edit", args=[draft.pk])).status_code == 200


def test_the_kit_list_pages_with_a_constant_number_of_queries(
    client, django_assert_max_num_queries, territory
):
    for i in range(3):
        published(title=f"Modèle {i}", source_epci=territory["sem"])
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("knowledge:kit_index"))
    for i in range(40):
        published(title=f"Autre {i}", source_epci=territory["m2a"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("knowledge:kit_index")).content.decode()
    assert "Page 1 sur 2" in page


def test_the_sheet_is_printable_in_html_and_pdf(client):
    template = published(description="<script>alert(1)</script>")
    page = client.get(template.get_absolute_url()).content.decode()
    assert "Comment voulons-nous que notre quartier soit en 2030 ?" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "{{ date }}" in page and "une date" in page
    response = client.get(reverse("knowledge:kit_pdf", args=[template.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_the_kit_is_open_data_in_json_and_formula_safe_csv(client, users):
    published(title='=HYPERLINK("http://x")')
    KitTemplate.objects.create(kind=KitKind.CONSULTATION, title="Brouillon", content=DESIGN)
    data = client.get(reverse("knowledge:kit_open_data_json")).json()
    assert [m["titre"] for m in data["modeles"]] == ['=HYPERLINK("http://x")']
    assert data["modeles"][0]["contenu"]["question"] == DESIGN["question"]
    assert data["modeles"][0]["a_adapter"] == ["date", "lieu"]
    text = client.get(reverse("knowledge:kit_open_data_csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["id", "type", "type_libelle", "titre"] and len(rows) == 2
    assert rows[1][3] == '\'=HYPERLINK("http://x")'


def test_a_published_template_is_applied_to_a_territory_the_person_animates(users, territory, coteaux):
    template = published(source_place="Saint-Étienne")
    lineage = spread(
        user=users["m2a_animator"], target_epci=territory["m2a"], template=template, qpvs=[coteaux]
    )
    copy = target_of(lineage)
    assert copy.question == DESIGN["question"] and lineage.template == template
    assert lineage.source_place == "Saint-Étienne"
    assert "Remplacer « {{ lieu }} » (un lieu) dans la séance" in " ".join(c.text for c in checklist(lineage))


def test_a_draft_of_someone_else_or_a_printed_only_kind_is_not_applied(users, territory):
    draft = KitTemplate.objects.create(
        kind=KitKind.CONSULTATION, title="B", content=DESIGN, author=users["admin"]
    )
    with pytest.raises(SpreadError, match="n'est pas publié"):
        spread(user=users["m2a_animator"], target_epci=territory["m2a"], template=draft)
    cards = published(kind=KitKind.QUESTION_CARDS, content={"cards": [{"question": "Et vous ?"}]})
    with pytest.raises(SpreadError, match="imprimez sa fiche"):
        spread(user=users["m2a_animator"], target_epci=territory["m2a"], template=cards)
    assert not Lineage.objects.exists()


def test_a_communitys_complementarity_matrix_is_saved_as_a_template_of_its_own(client, community, users):
    source = community["community"]
    client.force_login(users["m2a_animator"])
    url = reverse("knowledge:kit_from", args=["communaute", source.pk]) + "?type=matrice"
    assert "Locaux" in client.get(url).content.decode()
    client.post(url, {"title": "Matrice jeunesse", "licence": "cc-by-sa-4.0"})
    template = KitTemplate.objects.get()
    assert template.kind == KitKind.MATRIX and template.licence == "cc-by-sa-4.0"
    assert template.content["resources"] == ["Locaux", "Bénévoles", "Compétences"]
    assert template.problems == [] and template.placeholders == ["territoire"]
    page = client.get(source.get_absolute_url()).content.decode()
    assert "Enregistrer la matrice comme modèle" in page and "Enregistrer comme modèle du kit" in page


def test_a_template_says_where_it_served(client, users, territory):
    template = published(source_place="Saint-Étienne")
    spread(user=users["m2a_animator"], target_epci=territory["m2a"], template=template, place="Mulhouse")
    assert "Mulhouse —" in client.get(template.get_absolute_url()).content.decode()
