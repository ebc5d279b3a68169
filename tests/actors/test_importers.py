import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cooperer.actors import importers
from cooperer.actors.models import Structure, Theme

pytestmark = pytest.mark.django_db

HEADER = "nom;sigle;forme_juridique;siret;rna;code_insee_commune;adresse;thematiques;publics;site_web\n"


def write(tmp_path, text, name="structures.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_a_clean_file_previews_then_commits_everything(tmp_path, territory):
    path = write(
        tmp_path,
        "\ufeff"
        + HEADER
        + "Amicale du Soleil;AS;association;73282932000074;W423001234;42218;1 rue A;jeunesse, sport;11-17 ans;amicale.example.org\n",
    )
    preview = importers.preview(path)
    assert (preview.errors, preview.creates) == ([], 1)
    assert Structure.objects.count() == 0
    assert importers.commit(preview) == {"créées": 1, "mises à jour": 0}
    amicale = Structure.objects.get()
    assert amicale.commune.insee_code == "42218"
    assert amicale.website == "https://amicale.example.org"
    assert sorted(amicale.themes.values_list("name", flat=True)) == ["jeunesse", "sport"]
    assert Structure.objects.matching("amicales soleil").get() == amicale


def test_it_reads_cp1252_and_french_header_synonyms(tmp_path, territory):
    text = "Raison sociale;Statut;Code INSEE;Thèmes\nCafé des Énergies;Association;42218;Lien social\n"
    preview = importers.preview(write(tmp_path, text, encoding="cp1252"))
    assert preview.errors == []
    assert preview.rows[0].values["name"] == "Café des Énergies"
    assert any("cp1252" in warning for warning in preview.warnings)


def test_it_reads_excel_files(tmp_path, territory):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["nom", "forme_juridique", "code_insee_commune"])
    sheet.append(["Maison des Jeunes", "MJC", 42218])
    sheet.append(["", "association", "42218"])
    path = tmp_path / "structures.xlsx"
    workbook.save(path)
    preview = importers.preview(str(path))
    assert [(e.line, e.column) for e in preview.errors] == [(3, "nom")]
    assert preview.rows[0].values["legal_form"] == "mjc"


def test_every_row_error_is_listed_with_line_and_column_and_nothing_is_written(tmp_path, territory):
    text = HEADER + (
        "Bonne structure;;association;;;42218;;;;\n"
        "Mauvais SIRET;;association;12345678901234;;42218;;;;\n"
        "Commune inconnue;;association;;;99999;;;;\n"
        "Code postal;;association;;;4200;;;;\n"
        "RNA faux;;association;;X123;42218;;;;\n"
        "Forme bizarre;;coopérative spatiale;;;42218;;;;\n"
    )
    preview = importers.preview(write(tmp_path, text))
    assert [(e.line, e.column) for e in preview.errors] == [
        (3, "siret"), (4, "code_insee_commune"), (5, "code_insee_commune"), (6, "rna"), (7, "forme_juridique"),
    ]  # fmt: skip
    with pytest.raises(importers.StructureImportError, match="Rien n'a été écrit"):
        importers.commit(preview)
    assert Structure.objects.count() == 0


def test_alsace_moselle_associations_have_no_rna_but_a_court_register(tmp_path, territory):
    text = "nom;forme_juridique;rna;registre_tribunal;code_insee_commune\n" + (
        "Rhin Jeunes;association de droit local;;TJ Mulhouse vol. 12 n° 345;68224\n"
        "Avec RNA;association de droit local;W681000001;;68224\n"
        "Loi 1901;association;;TJ Mulhouse;68224\n"
    )
    preview = importers.preview(write(tmp_path, text))
    assert [(e.line, e.column) for e in preview.errors] == [(3, "rna"), (4, "registre_tribunal")]
    assert preview.rows[0].values["court_register"] == "TJ Mulhouse vol. 12 n° 345"


def test_duplicate_identifiers_in_a_file_are_errors_and_known_ones_update(tmp_path, directory):
    directory["ville"].siret = "73282932000074"
    directory["ville"].save()
    text = (
        HEADER
        + "Ville de Saint-Étienne (mairie);;commune;73282932000074;;42218;Hôtel de ville;;;\nAutre;;association;73282932000074;;42218;;;;\n"
    )
    preview = importers.preview(write(tmp_path, text))
    assert [(e.line, e.message) for e in preview.errors] == [(3, "SIRET déjà présent ligne 2 du fichier")]
    preview = importers.preview(
        write(
            tmp_path,
            HEADER + "Ville de Saint-Étienne (mairie);;commune;73282932000074;;42218;Hôtel de ville;;;\n",
        )
    )
    assert (preview.creates, preview.updates) == (0, 1)
    importers.commit(preview)
    directory["ville"].refresh_from_db()
    assert directory["ville"].address == "Hôtel de ville"


def test_similar_names_in_the_same_commune_are_flagged(tmp_path, directory):
    preview = importers.preview(
        write(tmp_path, HEADER + "Centre Social des Quartiers Sud Est;;centre social;;;42218;;;;\n")
    )
    assert any("doublon possible" in warning for warning in preview.warnings)


def test_formulas_and_markup_are_kept_as_inert_text(tmp_path, territory):
    text = (
        HEADER
        + '=HYPERLINK("http://x","clic");;association;;;42218;;;;\n<script>alert(1)</script>;;association;;;42218;;;;\n'
    )
    preview = importers.preview(write(tmp_path, text))
    assert preview.errors == []
    assert any("jamais exécuté" in warning for warning in preview.warnings)
    importers.commit(preview)
    assert Structure.objects.filter(name="<script>alert(1)</script>").exists()


def test_unknown_qpv_codes_and_resources_are_errors(tmp_path, territory):
    text = "nom;code_insee_commune;qpv;offre\nA;42218;QN04215M, QN99999M;locaux\nB;42218;QN4215;licornes\n"
    preview = importers.preview(write(tmp_path, text))
    assert [e.message for e in preview.errors] == [
        "code QPV inconnu : « QN99999M »",
        "code QPV mal formé : « QN4215 »",
        "« licornes » n'est pas une ressource connue (compétences, locaux, bénévoles, financement, matériel, réseau, mise en relation, accès aux publics)",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"nom_complet,age\nx,3\n", "Colonne « nom » introuvable"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "enregistrez-le en .xlsx"),
    ],
)
def test_foreign_files_get_a_clear_message(tmp_path, territory, content, message):
    path = tmp_path / "fichier.xls"
    path.write_bytes(content)
    with pytest.raises(importers.StructureImportError, match=message):
        importers.preview(str(path))


def test_anct_posts_are_grouped_into_structures(tmp_path, territory):
    posts = [
        {"id_poste": "1", "code_tiers": "73282932000074", "raison_sociale": "CENTRE SOCIAL EST", "annee": 2023, "montant": 22555.73, "code_cv": "CV001", "insee_dep": "42"},
        {"id_poste": "2", "code_tiers": "73282932000074", "raison_sociale": "CENTRE SOCIAL EST", "annee": 2023, "montant": 22555.73, "code_cv": "CV001", "insee_dep": "42"},
        {"id_poste": "D1", "code_tiers": "LIGUE DE L'ENSEIGNEMENT", "raison_sociale": "LIGUE DE L'ENSEIGNEMENT", "montant": 7164, "code_cv": "CV002", "insee_dep": "42"},
    ]  # fmt: skip
    path = tmp_path / "adulte-relais-2023.json"
    path.write_text(json.dumps(posts))
    preview = importers.preview(str(path))
    assert preview.errors == []
    assert [(r.values["name"], r.values["siret"], r.values["legal_form"]) for r in preview.rows] == [
        ("CENTRE SOCIAL EST", "73282932000074", "centre_social"),
        ("LIGUE DE L'ENSEIGNEMENT", "", "association"),
    ]
    assert "2 poste(s) adultes-relais" in preview.rows[0].values["description"]


@pytest.mark.realdata
def test_the_real_anct_adultes_relais_file_previews_without_error(shared_data, territory):
    preview = importers.preview(
        str(shared_data / "subventions" / "anct_ci_ville" / "adulte-relais-2023.json")
    )
    assert preview.errors == [], preview.errors[:5]
    assert len(preview.rows) > 1000
    assert all(row.values["siret"] for row in preview.rows)


def test_the_command_lists_errors_and_refuses_to_commit_them(tmp_path, territory, capsys):
    path = write(tmp_path, HEADER + "A;;association;;;42218;;;;\nB;;association;;;99999;;;;\n")
    with pytest.raises(CommandError) as error:
        call_command("import_structures", path, "--commit")
    assert error.value.returncode == 1
    assert "ligne 3, colonne « code_insee_commune » : commune inconnue" in capsys.readouterr().err
    assert Structure.objects.count() == 0


def test_the_command_previews_then_commits(tmp_path, territory, capsys):
    path = write(tmp_path, HEADER + "A;;association;;;42218;;Jeunesse;;\n")
    call_command("import_structures", path)
    assert Structure.objects.count() == 0
    assert "relancez avec --commit" in capsys.readouterr().out
    call_command("import_structures", path, "--commit")
    assert Structure.objects.count() == 1
    assert Theme.objects.filter(name="Jeunesse").exists()


def test_the_template_has_the_documented_columns():
    assert importers.template_csv().splitlines()[0].lstrip("\ufeff") == ";".join(importers.TEMPLATE_COLUMNS)


def test_rows_with_errors_are_counted_apart_from_creations_and_updates(tmp_path, directory):
    directory["ville"].siret = "73282932000074"
    directory["ville"].save()
    text = HEADER + (
        "Nouvelle;;association;;;42218;;;;\n"
        "Sans commune connue;;association;;;99999;;;;\n"
        "Ville de Saint-Étienne;;commune;73282932000074;;42218;;;;\n"
        "Ville mal écrite;;coopérative spatiale;;W423001234;42218;;;;\n"
    )
    preview = importers.preview(write(tmp_path, text))
    assert (preview.creates, preview.updates, preview.in_error) == (1, 1, 2)
    summary = preview.summary()
    assert (summary["à créer"], summary["à mettre à jour"], summary["en erreur"]) == (1, 1, 2)
    assert summary["erreurs"] == 2


def test_a_postcode_given_for_the_insee_code_is_explained(tmp_path, territory):
    from cooperer.territories.models import Commune

    Commune.objects.filter(insee_code="42218").update(postal_code="42100")
    text = "nom;code_insee_commune\nA;42000\nB;42100\nC;68000\nD;75056\n"
    preview = importers.preview(write(tmp_path, text))
    messages = [(e.line, e.column, e.message) for e in preview.errors]
    assert all(column == "code_insee_commune" for _, column, _ in messages)
    assert [line for line, _, message in messages if "ressemble à un code postal" in message] == [2, 3, 4]
    assert "code INSEE de la commune (Saint-Étienne : 42218)" in messages[1][2]
    assert messages[3][2] == "commune inconnue : « 75056 » (importez d'abord les communes)"


def test_the_stored_search_text_is_what_refresh_search_text_computes(tmp_path, directory, territory):
    from cooperer.actors.services import refresh_search_text

    text = "nom;sigle;forme_juridique;code_insee_commune;thematiques;publics;qpv\n" + (
        "Amicale des Jeunes;AJ;association;42218;Sport, jeunesse, Lien social, SPORT;Familles|Seniors;"
        "QN04215M, QN04214M\n"
        "Théâtre du Soleil;;Association de droit local;68224;Théâtre, Zèbres;11-17 ans;QN06803M\n"
        "Sans rien;;MJC;;;;\n"
        "Régie de quartier;RQ;bailleur social;42095;Emploi, Cadre de vie, emploi;familles;QN04222N\n"
    )
    preview = importers.preview(write(tmp_path, text))
    assert preview.errors == []
    importers.commit(preview)
    imported = Structure.objects.filter(name__in=[row.values["name"] for row in preview.rows])
    stored = dict(imported.values_list("pk", "search_text"))
    assert len(stored) == 4 and all(stored.values())
    imported.update(search_text="")
    refresh_search_text(list(stored))
    assert dict(imported.values_list("pk", "search_text")) == stored
    amicale = imported.get(name="Amicale des Jeunes")
    assert sorted(amicale.themes.values_list("name", flat=True)) == ["Jeunesse", "Lien social", "Sport"]
    assert sorted(amicale.qpvs.values_list("code", flat=True)) == ["QN04214M", "QN04215M"]
    assert Structure.objects.matching("zebre").get().name == "Théâtre du Soleil"


def test_known_structures_are_updated_linked_and_their_search_text_refreshed(tmp_path, directory):
    directory["ville"].siret = "73282932000074"
    directory["ville"].save()
    text = HEADER + "Ville de Saint-Étienne;VSE;commune;73282932000074;;42218;;Culture, Lien social;;\n"
    importers.commit(importers.preview(write(tmp_path, text)))
    ville = Structure.objects.get(pk=directory["ville"].pk)
    assert sorted(ville.themes.values_list("name", flat=True)) == ["Culture", "Lien social"]
    assert Structure.objects.matching("culture vse").get() == ville


@pytest.mark.skipif(connection.vendor != "sqlite", reason="limite de variables propre à SQLite")
def test_the_commit_keeps_within_the_sql_variables_sqlite_allows(tmp_path, territory):
    import sqlite3

    text = "nom;code_insee_commune;thematiques;qpv\n" + "".join(
        f"Structure {number};42218;Sport, Culture;QN04215M\n" for number in range(60)
    )
    preview = importers.preview(write(tmp_path, text))
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 50)  # a row has 22 columns
    try:
        assert importers.commit(preview) == {"créées": 60, "mises à jour": 0}
    finally:
        connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    assert Structure.themes.through.objects.count() == 120
    assert Structure.objects.exclude(search_text="").count() == 60


def test_a_csv_with_carriage_returns_only_previews_its_rows(tmp_path, territory):
    preview = importers.preview(write(tmp_path, "nom;code_insee_commune\rA;42218\r"))
    assert (preview.errors, preview.creates) == ([], 1)


def test_a_field_over_the_csv_limit_is_a_file_error(tmp_path, territory):
    path = write(tmp_path, "nom;description\nA;" + "x" * 131_073 + "\n")
    with pytest.raises(
        importers.StructureImportError, match=r"^Ligne 2 : une valeur dépasse 100\u202f000 caractères"
    ):
        importers.preview(path)


def test_a_workbook_of_a_million_rows_is_refused_at_the_row_limit(tmp_path, territory, settings):
    settings.COOPERER_MAX_ROWS = 1000
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["nom", "code_insee_commune"])
    for number in range(1500):
        sheet.append([f"Structure {number}", "42218"])
    path = tmp_path / "bombe.xlsx"
    workbook.save(path)
    with pytest.raises(importers.StructureImportError, match="plus de 1\u202f000 lignes"):
        importers.preview(str(path))


def test_anct_posts_of_the_wrong_shape_are_row_errors(tmp_path, territory):
    posts = [
        {"raison_sociale": "CIDFF", "code_tiers": "31538511200026", "montant": 100},
        "texte",
        {"raison_sociale": "X", "montant": "beaucoup"},
    ]
    preview = importers.preview(write(tmp_path, json.dumps(posts), name="postes.json"))
    assert [(e.line, e.column) for e in preview.errors] == [(2, "montant"), (3, "montant")]
    with pytest.raises(importers.StructureImportError, match="JSON non reconnu"):
        importers.preview(write(tmp_path, "5", name="postes.json"))
