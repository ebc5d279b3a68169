import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperer.actors.enums import LegalForm
from cooperer.actors.models import CooperationLink, Structure, StructureMerge
from tests.actors.conftest import make_structure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["se_animator", "state_instructor", "member", "admin"])
def test_people_with_a_role_see_the_directory(client, users, directory, who):
    client.force_login(users[who])
    html = client.get(reverse("actors:directory")).content.decode()
    assert "Centre social des Quartiers Sud-Est" in html


def test_people_without_a_role_do_not(client, directory):
    client.force_login(directory["nobody"])
    assert client.get(reverse("actors:directory")).status_code == 403
    client.logout()
    assert client.get(reverse("actors:directory")).status_code == 302


@pytest.mark.parametrize(
    ("query", "expected"),
    [("jeunes sportifs", "Amicale des Jeunes Sportifs"), ("JEUNESSE sport", "Amicale des Jeunes Sportifs"), ("quartiers sud est", "Centre social"),
     ("Ville de Saint-Etienne", "Ville de Saint-Étienne"), ("familles lien", "Centre social")],
)  # fmt: skip
def test_search_ignores_case_accents_and_inflection(client, users, directory, query, expected):
    client.force_login(users["se_animator"])
    html = client.get(reverse("actors:directory"), {"q": query}, HTTP_HX_REQUEST="true").content.decode()
    assert expected in html
    assert "Carré des associations" not in html


def test_filters_by_territory_and_theme(client, users, directory, territory):
    client.force_login(users["se_animator"])
    html = client.get(reverse("actors:directory"), {"epci": territory["m2a"].pk}).content.decode()
    assert "Carré des associations" in html and "Centre social" not in html


def test_the_directory_list_uses_a_constant_number_of_queries(
    client, users, directory, django_assert_max_num_queries
):
    client.force_login(users["se_animator"])
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("actors:directory"))
    for i in range(30):
        make_structure(
            f"Association {i}",
            directory["centre"].commune,
            themes=["Sport"],
            qpvs=list(directory["centre"].qpvs.all()),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("actors:directory"))


def test_exports_neutralise_formulas(client, users, directory):
    make_structure('=HYPERLINK("http://evil","clic")', directory["centre"].commune)
    client.force_login(users["se_animator"])
    body = client.get(reverse("actors:export")).content.decode()
    assert "'=HYPERLINK" in body
    assert not any(line.lstrip('"').startswith("=") for line in body.splitlines())


def test_names_are_escaped_in_pages(client, users, directory):
    evil = make_structure("<script>alert(1)</script>", directory["centre"].commune)
    client.force_login(users["se_animator"])
    html = client.get(evil.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_the_animatrice_adds_a_structure_and_gets_its_qpv_from_its_location(client, users, directory):
    client.force_login(users["se_animator"])
    response = client.post(reverse("actors:structure_create"), {
        "name": "Nouvelle asso", "legal_form": "association", "commune": directory["centre"].commune_id,
        "longitude": "4.405", "latitude": "45.425",
    })  # fmt: skip
    created = Structure.objects.get(name="Nouvelle asso")
    assert response["Location"] == created.get_absolute_url()
    assert list(created.qpvs.values_list("code", flat=True)) == ["QN04215M"]


def test_a_local_law_association_cannot_have_an_rna(client, users, directory):
    client.force_login(users["admin"])
    html = client.post(reverse("actors:structure_create"), {
        "name": "Rhin", "legal_form": "association_droit_local", "rna": "W681000001",
    }).content.decode()  # fmt: skip
    assert "Une association de droit local n&#x27;a pas de numéro RNA." in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("se_animator", 200), ("member", 200), ("m2a_animator", 403), ("state_instructor", 403)],
)
def test_who_may_edit_a_structure(client, users, directory, who, status):
    user = directory["member"] if who == "member" else users[who]
    client.force_login(user)
    assert client.get(reverse("actors:structure_edit", args=[directory["jeunes"].pk])).status_code == status


def test_a_cooperation_link_is_recorded_with_its_dates(client, users, directory):
    client.force_login(users["se_animator"])
    url = reverse("actors:link_create", args=[directory["jeunes"].pk])
    bad = client.post(
        url,
        {"target": directory["ville"].pk, "kind": "partenariat", "start": "2025-05-01", "end": "2024-01-01"},
    )
    assert "La fin du lien ne peut pas précéder son début." in bad.content.decode()
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    future = client.post(url, {"target": directory["ville"].pk, "kind": "partenariat", "start": tomorrow})
    assert "Ce début est dans le futur" in future.content.decode()
    assert not CooperationLink.objects.filter(source=directory["jeunes"], target=directory["ville"]).exists()
    client.post(
        url,
        {
            "target": directory["ville"].pk,
            "kind": "orientation",
            "start": "2024-01-01",
            "evidence": "Convention 2024",
        },
    )
    link = CooperationLink.objects.get(source=directory["jeunes"], target=directory["ville"])
    assert (link.kind, link.evidence, link.created_by) == (
        "orientation",
        "Convention 2024",
        users["se_animator"],
    )


def test_partners_are_new_ones_on_the_same_territory_ranked_with_reasons(client, users, directory):
    saint_etienne = directory["centre"].commune
    maison = make_structure(
        "Maison de quartier Beaubrun",
        saint_etienne,
        LegalForm.SOCIAL_CENTRE,
        ["Lien social"],
        ["11-17 ans"],
        [directory["jeunes"].qpvs.get()],
        offers=["locaux"],
    )
    client.force_login(users["state_instructor"])
    html = client.get(reverse("actors:partners", args=[directory["jeunes"].pk])).content.decode()
    assert html.index(maison.name) < html.index("Ville de Saint-Étienne")
    assert "Offre ce dont vous avez besoin : locaux" in html
    assert "Intervient dans les mêmes quartiers : Quartiers Sud-Est" in html
    # Already a partner: on the structure's page, not among suggestions. Mulhouse: another territory.
    assert "Centre social des Quartiers Sud-Est" not in html
    assert "Carré des associations" not in html


def test_merging_a_duplicate_moves_its_links_and_keeps_history(client, users, directory):
    duplicate = make_structure("Centre Social Quartiers Sud Est", directory["centre"].commune)
    CooperationLink.objects.create(
        source=duplicate, target=directory["carre"], kind="reseau", start=datetime.date(2024, 1, 1)
    )
    client.force_login(users["admin"])
    assert "noms très proches" in client.get(reverse("actors:duplicates")).content.decode()
    client.post(reverse("actors:merge"), {"kept": directory["centre"].pk, "duplicate": duplicate.pk})
    duplicate.refresh_from_db()
    assert duplicate.merged_into == directory["centre"]
    assert CooperationLink.objects.filter(source=directory["centre"], target=directory["carre"]).exists()
    assert StructureMerge.objects.get().snapshot["name"] == "Centre Social Quartiers Sud Est"
    assert "Historique des fusions" in client.get(directory["centre"].get_absolute_url()).content.decode()


def test_members_may_not_merge(client, directory):
    client.force_login(directory["member"])
    assert (
        client.post(
            reverse("actors:merge"), {"kept": directory["centre"].pk, "duplicate": directory["jeunes"].pk}
        ).status_code
        == 403
    )


def test_the_network_page_shows_metrics_and_their_evolution(client, users, directory):
    client.force_login(users["se_animator"])
    html = client.get(reverse("actors:network"), {"epci": ""}).content.decode()  # « Tous »
    assert "Structures charnières" in html
    assert html.count('class="net-node') == 4
    assert '<th scope="row">2025</th>' in html
    yearly = client.get(reverse("actors:network_metrics_csv"), {"epci": ""}).content.decode().splitlines()
    assert yearly[0].lstrip("\ufeff").startswith("periode;structures;liens")
    assert [line.split(";")[2] for line in yearly if line.startswith(("2023", "2025"))] == ["1", "2"]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_the_graph_exports_are_valid_xml(client, users, directory, fmt):
    client.force_login(users["se_animator"])
    root = ET.fromstring(client.get(reverse("actors:network_export", args=[fmt])).content)
    assert "Centre social des Quartiers Sud-Est" in ET.tostring(root, encoding="unicode")


def test_the_network_opens_on_the_person_s_territory_and_all_territories_on_request(
    client, users, directory, territory
):
    client.force_login(users["se_animator"])
    own = client.get(reverse("actors:network"))
    assert own.context["form"].initial["epci"] == territory["sem"].pk
    assert "Carré des associations" not in own.content.decode()  # in Mulhouse
    everything = client.get(reverse("actors:network"), {"epci": ""}).content.decode()
    assert "Carré des associations" in everything


def test_the_network_can_be_filtered_to_a_year(client, users, directory):
    client.force_login(users["se_animator"])
    html = client.get(reverse("actors:network"), {"year": 2023}).content.decode()
    assert html.count('class="net-edge"') == 1


def test_the_public_directory_lists_only_structures_that_opted_in(client, directory, territory):
    html = client.get(reverse("public_directory", args=[territory["sem"].siren])).content.decode()
    assert "Amicale des Jeunes Sportifs" in html
    assert "Centre social" not in html


def test_large_uploads_are_refused(client, users, territory, settings):
    settings.COOPERER_MAX_UPLOAD_BYTES = 1024
    client.force_login(users["se_animator"])
    html = client.post(
        reverse("actors:import"), {"file": SimpleUploadedFile("gros.csv", b"x" * 4096)}
    ).content.decode()
    assert "Fichier trop volumineux" in html


def test_only_animatrices_and_admins_import(client, users, directory):
    client.force_login(directory["member"])
    assert client.get(reverse("actors:import")).status_code == 403


def test_a_contact_needs_consent_and_gets_a_retention_date(client, users, directory):
    from cooperer.actors.models import Person

    client.force_login(users["se_animator"])
    url = reverse("actors:person_create", args=[directory["jeunes"].pk])
    refused = client.post(url, {"first_name": "Awa", "last_name": "Diallo", "email": "awa@exemple.fr"})
    assert refused.status_code == 200 and Person.objects.count() == 0
    client.post(url, {"first_name": "Awa", "last_name": "Diallo", "email": "awa@exemple.fr", "consent": "on"})
    person = Person.objects.get()
    assert person.consent_at is not None
    assert (person.retain_until - datetime.date.today()).days >= 3 * 365 - 1


def test_expired_contacts_are_purged(directory):
    from django.core.management import call_command

    from cooperer.actors.models import Person

    Person.objects.create(
        structure=directory["jeunes"], first_name="A", last_name="B", retain_until=datetime.date(2020, 1, 1)
    )
    kept = Person.objects.create(
        structure=directory["jeunes"], first_name="C", last_name="D", retain_until=datetime.date(2099, 1, 1)
    )
    call_command("purge_contacts")
    assert list(Person.objects.all()) == [kept]


def test_contacts_are_hidden_from_the_public_directory(client, directory, territory):
    from cooperer.actors.models import Person

    Person.objects.create(
        structure=directory["jeunes"], first_name="Secret", last_name="Contact", email="secret@exemple.fr"
    )
    html = client.get(reverse("public_directory", args=[territory["sem"].siren])).content.decode()
    assert "secret@exemple.fr" not in html


def test_partners_can_be_found_for_a_need(client, users, directory, territory):
    from cooperer.actors.models import Public

    client.force_login(users["se_animator"])
    families = Public.objects.get(name="Familles")
    html = client.get(
        reverse("actors:partner_search"), {"needs": ["locaux"], "publics": [families.pk]}
    ).content.decode()
    assert html.index("Centre social des Quartiers Sud-Est") < html.index("Amicale des Jeunes Sportifs")
    assert "Offre ce dont vous avez besoin : locaux" in html
    youth = Public.objects.get(name="11-17 ans")
    search = {"needs": ["locaux"], "publics": [youth.pk]}
    assert "Carré des associations" in client.get(reverse("actors:partner_search"), search).content.decode()
    html = client.get(
        reverse("actors:partner_search"), {**search, "epci": territory["sem"].pk}
    ).content.decode()
    assert "Carré des associations" not in html
    assert "Amicale des Jeunes Sportifs" in html


def test_the_animatrice_renames_a_theme_and_search_follows(client, users, directory):
    from cooperer.actors.models import Theme

    client.force_login(users["se_animator"])
    sport = Theme.objects.get(name="Sport")
    client.post(
        reverse("actors:themes") + f"?modifier={sport.pk}", {"name": "Sport et plein air", "description": ""}
    )
    assert Structure.objects.matching("plein air").get() == directory["jeunes"]


def test_members_may_not_edit_the_taxonomy(client, directory):
    client.force_login(directory["member"])
    assert client.get(reverse("actors:themes")).status_code == 403


def test_a_siret_a_siren_or_an_rna_number_finds_its_structure(client, users, directory):
    Structure.objects.filter(pk=directory["jeunes"].pk).update(siret="00012345600018", rna="W423001234")
    Structure.objects.filter(pk=directory["centre"].pk).update(siret="00012345600026")
    client.force_login(users["se_animator"])

    def found(query):
        html = client.get(reverse("actors:directory"), {"q": query}, HTTP_HX_REQUEST="true").content.decode()
        return {
            name
            for key, name in (("jeunes", "Amicale des Jeunes Sportifs"), ("centre", "Centre social"))
            if name in html
        }

    assert found("000 123 456 00018") == {"Amicale des Jeunes Sportifs"}  # as printed on a Kbis
    assert found("000123456") == {
        "Amicale des Jeunes Sportifs",
        "Centre social",
    }  # the company's establishments
    assert found("w423 001 234") == {"Amicale des Jeunes Sportifs"}
    assert found("00012345600034") == set()
