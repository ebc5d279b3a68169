import pytest
from django.urls import reverse

from cooperer.territories.models import ContratDeVille, Qpv, TargetArea
from tests.conftest import make_qpv

pytestmark = pytest.mark.django_db


def test_anyone_can_browse_from_region_to_qpv(client, territory):
    pages = [
        reverse("territories:index"),
        reverse("territories:region", args=["84"]),
        reverse("territories:departement", args=["42"]),
        reverse("territories:epci", args=["244200770"]),
        reverse("territories:commune", args=["42218"]),
        reverse("territories:qpv", args=["QN04215M"]),
        reverse("territories:qpv_list"),
        reverse("territories:contract_list"),
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page


def test_the_qpv_page_shows_code_communes_contour_and_contract(client, territory):
    html = client.get(reverse("territories:qpv", args=["qn04215m"])).content.decode()
    assert "QN04215M" in html and "Saint-Étienne" in html
    assert 'class="map"' in html and "<path" in html
    assert "Contrat de ville de Saint-Étienne Métropole" in html
    assert "Quartiers à Impact Collectif" in html


@pytest.mark.parametrize("query", ["montreynaud", "MONTREYNAUD", "Montreynaud"])
def test_search_is_case_insensitive(client, territory, query):
    make_qpv("QN04213M", "Montreynaud", 4.39, 45.46)
    assert "QN04213M" in client.get(reverse("territories:search"), {"q": query}).content.decode()


@pytest.mark.parametrize("query", ["Crêt de Roc", "cret de roc", "CRET-DE-ROC", "QN04214M", "qn04214m"])
def test_search_ignores_accents_and_finds_codes(client, territory, query):
    html = client.get(reverse("territories:search"), {"q": query}).content.decode()
    assert "Crêt De Roc - Soleil (QN04214M)" in html


def test_search_answers_htmx_with_the_results_fragment(client, territory):
    response = client.get(reverse("territories:search"), {"q": "firminy"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="resultats"')
    assert "Firminy (42095)" in html


def test_search_escapes_what_it_echoes(client, territory):
    html = client.get(reverse("territories:search"), {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_the_contract_page_draws_its_qpvs_and_highlights_the_perimeter(client, territory):
    html = client.get(reverse("territories:contract", args=["saint-etienne-metropole"])).content.decode()
    assert html.count('data-qpv="') == 3
    assert html.count("map-qpv--highlight") == 2
    assert 'data-qpv-row="QN04222N"' in html
    assert "Modifier le contrat" not in html


def test_the_animator_of_the_territory_may_edit_the_contract(client, users):
    client.force_login(users["se_animator"])
    url = reverse("territories:contract_edit", args=["saint-etienne-metropole"])
    response = client.post(
        url, {"summary": "Vision 2030", "start_year": 2024, "end_year": 2030, "midterm_review_year": 2027}
    )
    assert response.status_code == 302
    assert ContratDeVille.objects.get(slug="saint-etienne-metropole").summary == "Vision 2030"


@pytest.mark.parametrize("who", ["m2a_animator", "state_instructor", "member"])
def test_others_may_not_edit_the_contract(client, users, who):
    client.force_login(users[who])
    url = reverse("territories:contract_edit", args=["saint-etienne-metropole"])
    assert (
        client.post(
            url, {"summary": "pirate", "start_year": 2024, "end_year": 2030, "midterm_review_year": 2027}
        ).status_code
        == 403
    )
    assert ContratDeVille.objects.get(slug="saint-etienne-metropole").summary == ""


def test_anonymous_visitors_are_sent_to_log_in(client, territory):
    response = client.get(reverse("territories:contract_edit", args=["saint-etienne-metropole"]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_contract_years_must_be_coherent(client, users):
    client.force_login(users["se_animator"])
    url = reverse("territories:contract_edit", args=["saint-etienne-metropole"])
    html = client.post(
        url, {"start_year": 2024, "end_year": 2030, "midterm_review_year": 2035}
    ).content.decode()
    assert "L&#x27;évaluation à mi-parcours doit tomber pendant le contrat." in html


def test_the_animator_creates_a_local_target_area_kept_apart_from_qpvs(client, users, territory):
    client.force_login(users["se_animator"])
    url = reverse("territories:target_area_create", args=["saint-etienne-metropole"])
    commune = territory["se_contract"].communes.get(insee_code="42218")
    response = client.post(url, {"name": "Centre-deux", "kind": "quartier_vecu", "communes": [commune.pk]})
    assert response.status_code == 302
    area = TargetArea.objects.get(name="Centre-deux")
    assert Qpv.objects.filter(name="Centre-deux").count() == 0
    assert client.post(url, {"name": "centre-deux", "kind": "quartier_vecu"}).status_code == 200
    assert TargetArea.objects.count() == 1
    assert "Quartier vécu" in client.get(area.get_absolute_url()).content.decode()


def test_the_mulhouse_animator_may_not_add_areas_to_saint_etienne(client, users):
    client.force_login(users["m2a_animator"])
    url = reverse("territories:target_area_create", args=["saint-etienne-metropole"])
    assert client.post(url, {"name": "Intrusion", "kind": "autre"}).status_code == 403


def test_unknown_territories_are_404(client, territory):
    assert client.get(reverse("territories:qpv", args=["QN99999M"])).status_code == 404
    assert client.get(reverse("territories:contract", args=["inconnu"])).status_code == 404


def _more_qpvs(n, start=100):
    for i in range(start, start + n):
        make_qpv(f"QN042{i % 100:02d}{'MINC'[i // 100 % 4]}", f"Quartier {i}", 4.0 + i / 1000, 45.0)


@pytest.mark.parametrize(
    "url_name", ["territories:qpv_list", "territories:contract_list", "territories:index"]
)
def test_list_pages_use_a_constant_number_of_queries(
    client, territory, django_assert_max_num_queries, url_name
):
    with django_assert_max_num_queries(8) as few:
        client.get(reverse(url_name))
    _more_qpvs(40)
    for i in range(10):
        contract = ContratDeVille.objects.create(
            slug=f"c{i}", name=f"Contrat {i}", pilot_epci=territory["sem"]
        )
        contract.qpvs.set(Qpv.objects.all()[:5])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200


def test_the_contract_page_uses_a_constant_number_of_queries(
    client, territory, django_assert_max_num_queries
):
    url = reverse("territories:contract", args=["saint-etienne-metropole"])
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    _more_qpvs(30)
    territory["se_contract"].qpvs.set(Qpv.objects.filter(code__startswith="QN042"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_errors_are_explained_in_french(client, users):
    assert "Page introuvable" in client.get("/territoires/qpv/QN99999M/").content.decode()
    client.force_login(users["m2a_animator"])
    html = client.get(reverse("territories:contract_edit", args=["saint-etienne-metropole"])).content.decode()
    assert "Vous n&#x27;animez pas ce contrat de ville." in html


def test_the_qpv_page_says_who_acts_there_as_far_as_the_visitor_may_see(client, territory, users):
    from cooperer.actors.models import Structure
    from cooperer.communities.models import Community

    sud_est = territory["sud_est"]
    listed = Structure.objects.create(
        name="Régie de quartier Sud-Est", legal_form="association", public_listing=True
    )
    unlisted = Structure.objects.create(name="Collectif des locataires", legal_form="collectif_habitants")
    elsewhere = Structure.objects.create(
        name="Maison ailleurs", legal_form="association", public_listing=True
    )
    listed.qpvs.add(sud_est)
    unlisted.qpvs.add(sud_est)
    community = Community.objects.create(name="Collectif Quartiers Sud-Est", epci=territory["sem"])
    community.qpvs.add(sud_est)
    url = reverse("territories:qpv", args=[sud_est.code])

    html = client.get(url).content.decode()
    assert listed.name in html and unlisted.name not in html and elsewhere.name not in html
    assert community.name not in html

    client.force_login(users["se_animator"])
    html = client.get(url).content.decode()
    assert "2 structures de l'annuaire y interviennent" in html
    assert listed.name in html and unlisted.name in html
    assert community.name in html

    client.force_login(users["m2a_animator"])
    assert community.name not in client.get(url).content.decode()
