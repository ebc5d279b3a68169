import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperer.knowledge.enums import RecordStatus
from cooperer.knowledge.models import Record

pytestmark = pytest.mark.django_db

GOOD = (
    "titre;résumé;qpv;debut;fin;leviers;freins;odd;licence\n"
    "Un local jeunes;Les jeunes gèrent un local.;QN06803M;2023-01-01;31/12/2024;Confiance|Temps;Turnover des professionnels;4|11;cc by-sa\n"
    "=Jardins;Des parcelles;;;;;;;\n"
)
BAD = (
    "titre;resume;qpv;debut;fin;leviers;odd;licence\n"
    "Un local jeunes;Les jeunes gèrent un local.;QN04215M;2024-13-01;;Magie;18;copyright\n"
    ";;;;2020-01-01;;;\n"
    "Un local jeunes;Doublon;;2024-01-01;2023-01-01;;;\n"
)


def upload(content, name="fiches.csv"):
    return SimpleUploadedFile(name, content.encode("utf-8-sig"), content_type="text/csv")


def test_an_import_with_row_errors_lists_them_all_and_writes_nothing(client, users, territory):
    client.force_login(users["m2a_animator"])
    response = client.post(reverse("knowledge:import"), {"epci": territory["m2a"].pk, "file": upload(BAD)})
    errors = {(e["ligne"], e["colonne"]) for e in response.context["errors"]}
    assert {(2, "qpv"), (2, "debut"), (2, "leviers"), (2, "odd"), (2, "licence"), (3, "titre"), (3, "resume"),
            (4, "titre"), (4, "fin")} <= errors  # fmt: skip
    html = response.content.decode()
    assert (
        "n&#x27;est pas un QPV de CA Mulhouse Alsace Agglomération" in html
        and "aucune fiche n'est importée" in html
        and "Levier inconnu : « Magie »" in html
    )
    assert "Importer ces" not in html
    assert not Record.objects.exists()


def test_a_clean_import_is_previewed_then_committed_as_records_to_review(client, users, territory):
    client.force_login(users["m2a_animator"])
    url = reverse("knowledge:import")
    response = client.post(url, {"epci": territory["m2a"].pk, "file": upload(GOOD)})
    assert "Importer ces 2 fiches" in response.content.decode() and not Record.objects.exists()
    assert any("gardée comme texte" in w for w in response.context["preview"].warnings)
    token = response.context["token"]
    client.force_login(users["admin"])  # another person cannot commit someone else's file
    response = client.post(url, {"epci": territory["m2a"].pk, "token": token, "commit": "1"})
    assert "plus disponible" in response.content.decode() and not Record.objects.exists()
    client.force_login(users["m2a_animator"])
    response = client.post(url, {"epci": territory["m2a"].pk, "token": token, "commit": "1"})
    assert response.status_code == 302
    local = Record.objects.get(title="Un local jeunes")
    assert (
        local.status == RecordStatus.SUBMITTED and local.licence == "cc-by-sa-4.0" and local.sdgs == [4, 11]
    )
    assert [q.code for q in local.qpvs.all()] == ["QN06803M"] and local.ends_on.isoformat() == "2024-12-31"
    assert sorted(local.factors.values_list("factor__name", "kind")) == [
        ("Confiance", "levier"), ("Temps", "levier"), ("Turnover des professionnels", "frein")]  # fmt: skip
    assert Record.objects.get(title="=Jardins").status == RecordStatus.SUBMITTED
    assert not Record.objects.published().exists()


def test_only_the_animation_imports(client, users, territory):
    client.force_login(users["member"])
    assert client.get(reverse("knowledge:import")).status_code == 403
    client.force_login(users["se_animator"])
    response = client.post(reverse("knowledge:import"), {"epci": territory["m2a"].pk, "file": upload(GOOD)})
    assert response.status_code == 200 and "epci" in response.context["form"].errors
    assert not Record.objects.exists()


def test_a_file_without_the_required_columns_is_refused_in_french(client, users, territory):
    client.force_login(users["m2a_animator"])
    response = client.post(
        reverse("knowledge:import"), {"epci": territory["m2a"].pk, "file": upload("nom;texte\na;b\n")}
    )
    assert "Colonnes obligatoires absentes : titre, resume" in response.content.decode()
    response = client.post(
        reverse("knowledge:import"), {"epci": territory["m2a"].pk, "file": upload("x", "fiches.pdf")}
    )
    assert "Type de fichier refusé" in response.content.decode()
