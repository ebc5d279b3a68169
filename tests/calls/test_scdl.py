"""SCDL « subventions » 2.1.1: writing what the official schema accepts, reading what is really published.

No database: ``cooperer.calls.scdl`` is plain Python. Messy files are built here; the official schema,
its examples and two real publications are read from ../shared/data when it exists (never copied here).
"""

import csv
import dataclasses
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cooperer.calls.scdl import (
    NATURE_CASH,
    NATURE_IN_KIND,
    SCDL_FIELDS,
    ScdlGrant,
    check_grant,
    read_scdl,
    write_scdl,
)
from tests.conftest import SHARED_DATA

SCDL_DATA = SHARED_DATA / "subventions"
HEADER = ",".join(SCDL_FIELDS)
# Real SIRETs with a valid key (from the official example): Ville d'Antibes, two associations.
ANTIBES = "21060004500392"
BENEFICIARY = "52499120500013"
OTHER_BENEFICIARY = "38033590100027"
VALID_LINE = (
    "Ville d'Antibes,21060004500392,2024-03-15,DEL-2024-12,Les Petits Débrouillards,52499120500013,W333216789,"
    "Ateliers sciences au collège,47800.20,aide en numéraire,unique,2024-04-01/2024-12-31,,non,1,"
)


def make_grant(**changes) -> ScdlGrant:
    grant = ScdlGrant(
        attributor_name="Ville d'Antibes",
        attributor_siret=ANTIBES,
        convention_date=date(2024, 3, 15),
        decision_reference="DEL-2024-12",
        beneficiary_name="Les Petits Débrouillards",
        beneficiary_siret=BENEFICIARY,
        beneficiary_rna="W333216789",
        objet="Ateliers sciences au collège",
        montant=Decimal("47800.20"),
        nature=NATURE_CASH,
        payment_conditions="unique",
        payment_start=date(2024, 4, 1),
        payment_end=date(2024, 12, 31),
        notification_ue=False,
        pourcentage=Decimal("1"),
    )
    return dataclasses.replace(grant, **changes)


def written(*grants: ScdlGrant) -> str:
    out = io.StringIO()
    write_scdl(grants, out)
    return out.getvalue()


def one_line(data: bytes):
    """Read a file that holds one grant, asserting it was read without rejection."""
    reading = read_scdl(data)
    assert reading.unusable == "" and reading.rejected == [], (reading.unusable, reading.rejected)
    assert len(reading.rows) == 1
    return reading.rows[0]


@pytest.fixture
def scdl_schema_dir() -> Path:
    folder = SCDL_DATA / "scdl_schema"
    if not folder.is_dir():
        pytest.skip(f"Schéma SCDL officiel et ses exemples absents ({folder}) : test ignoré.")
    return folder


@pytest.fixture
def scdl_publications_dir() -> Path:
    folder = SCDL_DATA / "scdl_publications"
    if not folder.is_dir():
        pytest.skip(f"Publications SCDL réelles absentes ({folder}) : test ignoré.")
    return folder


# --- Writing -------------------------------------------------------------------------------------------


def test_it_writes_the_header_then_one_line_per_grant():
    out = io.StringIO()
    assert write_scdl([make_grant(), make_grant(objet="Fête de quartier")], out) == 2
    lines = out.getvalue().split("\r\n")
    assert lines[0] == HEADER and lines[1] == VALID_LINE and lines[3] == ""
    assert len(SCDL_FIELDS) == 16


def test_it_formats_values_as_the_schema_wants():
    grant = make_grant(
        montant=Decimal("1500"),
        nature=f"{NATURE_CASH};{NATURE_IN_KIND}",
        payment_conditions="échelonné",
        payment_end=None,
        id_rae="12345",
        notification_ue=True,
        pourcentage=Decimal("0.45"),
        dispositif="65d5b6c7-102c-4440-ac3b-768f708edc0a",
    )
    assert written(grant).split("\r\n")[1].split(",")[8:] == [
        "1500",
        "aide en numéraire;aide en nature",
        "échelonné",
        "2024-04-01",
        "12345",
        "oui",
        "0.45",
        "65d5b6c7-102c-4440-ac3b-768f708edc0a",
    ]


def test_it_neutralises_formulas_in_text_cells_only():
    grant = make_grant(
        attributor_name='=HYPERLINK("http://x")',
        beneficiary_name="@SUM(A1)",
        objet="+33 atelier",
        payment_conditions="- 50 % à la signature",
        decision_reference="\tDEL",
        montant=Decimal("-0"),
    )
    row = next(csv.reader(io.StringIO(written(grant).split("\r\n", 1)[1])))
    assert row[0] == '\'=HYPERLINK("http://x")'
    assert row[4] == "'@SUM(A1)" and row[7] == "'+33 atelier" and row[10] == "'- 50 % à la signature"
    assert row[3] == "'\tDEL"
    assert row[2] == "2024-03-15" and row[8] == "-0" and row[11] == "2024-04-01/2024-12-31"


def test_it_writes_each_line_before_taking_the_next_grant():
    out = io.StringIO()

    def grants():
        for number in range(3):
            yield make_grant(objet=f"Action {number}")
            assert f"Action {number}" in out.getvalue()

    assert write_scdl(grants(), out) == 3


def test_it_refuses_a_grant_without_siret_nor_rna_and_names_it():
    orphan = make_grant(beneficiary_name="Amicale sans numéro", beneficiary_siret="", beneficiary_rna="")
    with pytest.raises(
        ValueError, match=r"Subvention n° 2 \(ligne 3 du fichier, bénéficiaire « Amicale sans numéro »\)"
    ):
        written(make_grant(), orphan)


def test_it_refuses_an_objet_over_256_characters_rather_than_cutting_it():
    with pytest.raises(ValueError, match="L'objet \\(objet\\) dépasse 256 caractères \\(300\\)"):
        written(make_grant(objet="x" * 300))


def test_it_refuses_an_output_that_is_not_utf8(tmp_path):
    with (tmp_path / "out.csv").open("w", encoding="cp1252", newline="") as out, pytest.raises(ValueError):
        write_scdl([make_grant()], out)


def test_check_grant_finds_nothing_to_say_about_a_complete_grant():
    assert check_grant(make_grant()) == []
    assert check_grant(make_grant(beneficiary_siret="")) == []
    assert check_grant(make_grant(beneficiary_rna="")) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"beneficiary_siret": "", "beneficiary_rna": ""},
            "Il faut le SIRET (idBeneficiaire) ou le numéro RNA (rnaBeneficiaire) du bénéficiaire",
        ),
        ({"objet": "é" * 257}, "L'objet (objet) dépasse 256 caractères (257) : raccourcissez-le."),
        ({"objet": " "}, "L'objet (objet) : valeur obligatoire manquante."),
        ({"pourcentage": Decimal("45")}, "doit être compris entre 0.01 et 1 : 45 reçu (0.45 pour 45 %)."),
        ({"pourcentage": Decimal("0")}, "doit être compris entre 0.01 et 1"),
        ({"pourcentage": None}, "Le pourcentage (pourcentageSubvention) est obligatoire"),
        ({"montant": 1500.5}, "Le montant (montant) doit être un nombre décimal (Decimal)."),
        ({"montant": Decimal("-10")}, "Le montant (montant) ne peut pas être négatif."),
        ({"nature": "subvention"}, "La nature (nature) doit être « aide en numéraire »"),
        (
            {"attributor_siret": "218601946"},
            "Le SIRET de l'attribuant (idAttribuant) doit compter 14 chiffres",
        ),
        (
            {"beneficiary_siret": "52499120500014"},
            "du bénéficiaire (idBeneficiaire) a une clé de contrôle invalide",
        ),
        ({"beneficiary_rna": "W3222"}, "Le numéro RNA (rnaBeneficiaire) doit être W suivi de 9 chiffres"),
        (
            {"payment_end": date(2024, 1, 1)},
            "La période de versement (datesPeriodeVersement) finit avant de commencer.",
        ),
        ({"convention_date": "2024-03-15"}, "La date de la convention (dateConvention) doit être une date"),
        ({"id_rae": "123456"}, "L'identifiant RAE (idRAE) compte 5 caractères au plus."),
        ({"payment_conditions": "c" * 300}, "Les conditions de versement (conditionsVersement) dépasse"),
        ({"attributor_name": ""}, "Le nom de l'attribuant (nomAttribuant) est obligatoire."),
        ({"notification_ue": "non"}, "(notificationUE) doit être vrai ou faux."),
    ],
)
def test_check_grant_explains_each_problem_in_french(changes, message):
    problems = check_grant(make_grant(**changes))
    assert any(message in problem for problem in problems), problems


def test_check_grant_counts_the_apostrophe_that_protects_a_formula():
    assert check_grant(make_grant(objet="=" + "x" * 255)) == [
        "L'objet (objet) dépasse 256 caractères (257) : raccourcissez-le."
    ]


def test_what_it_writes_reads_back_identically():
    grants = [
        make_grant(),
        make_grant(beneficiary_siret="", beneficiary_name="=cmd|' /C calc'!A0", nature=NATURE_IN_KIND),
        make_grant(
            beneficiary_rna="",
            beneficiary_siret=OTHER_BENEFICIARY,
            objet='Atelier "cuisine", saison 2\nsecond semestre',
            payment_conditions="- 50 % à la signature, 50 % au bilan",
            payment_end=None,
            montant=Decimal("0.50"),
            pourcentage=Decimal("0.01"),
            notification_ue=True,
            id_rae="17845",
            dispositif="@aide-jeunesse",
        ),
    ]
    reading = read_scdl(written(*grants).encode("utf-8"))
    assert (reading.encoding, reading.delimiter, reading.rejected, reading.warnings) == ("utf-8", ",", [], [])
    assert reading.rows == grants


@pytest.mark.realdata
def test_a_written_file_passes_the_official_schema_with_frictionless(scdl_schema_dir, tmp_path):
    from frictionless import Resource, Schema

    grants = [
        make_grant(),
        make_grant(beneficiary_siret="", objet="y" * 256, nature=f"{NATURE_IN_KIND};{NATURE_CASH}"),
        make_grant(beneficiary_rna="", payment_end=None, notification_ue=True, pourcentage=Decimal("0.01")),
        make_grant(
            objet="=1+1", beneficiary_name="-Collectif", payment_conditions='autre : "1/3", puis\nsolde'
        ),
        make_grant(
            montant=Decimal("1234567.89"), id_rae="12345", dispositif="+aide", decision_reference="@ref"
        ),
    ]
    with (tmp_path / "subventions.csv").open("w", encoding="utf-8", newline="") as out:
        assert write_scdl(grants, out) == 5
    descriptor = json.loads((scdl_schema_dir / "schema_subventions_v2.1.1.json").read_text(encoding="utf-8"))
    report = Resource(
        path="subventions.csv", basepath=str(tmp_path), schema=Schema.from_descriptor(descriptor)
    ).validate()
    errors = [f"{error.type}: {error.message}" for task in report.tasks for error in task.errors]
    assert report.valid, errors
    assert report.tasks[0].stats["rows"] == 5


# --- Reading: encodings, delimiters, headers ------------------------------------------------------------


def test_it_reads_cp1252():
    data = f"{HEADER}\r\n{VALID_LINE}\r\n".encode("cp1252")
    reading = read_scdl(data)
    assert reading.encoding == "cp1252"
    assert reading.rows[0].beneficiary_name == "Les Petits Débrouillards"
    assert reading.rows[0].nature == "aide en numéraire"


def test_it_reads_a_utf8_bom_followed_by_cp1252_bytes():
    reading = read_scdl(b"\xef\xbb\xbf" + f"{HEADER}\n{VALID_LINE}\n".encode("cp1252"))
    assert reading.encoding == "BOM UTF-8 + cp1252"
    assert reading.rows[0].objet == "Ateliers sciences au collège"


def test_it_reads_a_file_that_mixes_utf8_and_cp1252_lines():
    data = (
        f"{HEADER}\n{VALID_LINE}\n".encode("cp1252")
        + f"{VALID_LINE.replace('Ateliers', 'Rencontres')}\n".encode()
    )
    reading = read_scdl(data)
    assert reading.encoding == "utf-8 + cp1252 (mixte)"
    assert [row.objet for row in reading.rows] == [
        "Ateliers sciences au collège",
        "Rencontres sciences au collège",
    ]


def test_it_reads_utf8_with_a_bom():
    reading = read_scdl(b"\xef\xbb\xbf" + f"{HEADER}\n{VALID_LINE}\n".encode())
    assert reading.encoding == "utf-8-sig" and len(reading.rows) == 1


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_it_detects_the_delimiter(delimiter):
    line = VALID_LINE.replace(",", delimiter).replace("47800.20", "47800,20")
    reading = read_scdl(f"{HEADER.replace(',', delimiter)}\n{line}\n".encode())
    assert reading.delimiter == delimiter
    assert reading.rows[0].montant == Decimal("47800.20")


def test_it_matches_headers_whatever_their_case_accents_and_spaces():
    header = HEADER.replace("nomAttribuant", " NomAttribuant ").replace("objet", "Objet de la subvention")
    header = header.replace("nomBeneficiaire", "NOM_Bénéficiaire").replace(
        "pourcentageSubvention", "pourcentageSubvention;;"
    )
    reading = read_scdl(f"{header}\n{VALID_LINE}\n".encode())
    assert reading.rows[0].beneficiary_name == "Les Petits Débrouillards"
    assert reading.rows[0].objet == "Ateliers sciences au collège"
    renamed = {(warning.column, warning.value) for warning in reading.warnings}
    assert ("nomBeneficiaire", "NOM_Bénéficiaire") in renamed and (
        "objet",
        "Objet de la subvention",
    ) in renamed


def test_missing_columns_make_the_file_unusable():
    header = HEADER.replace(",objet", "").replace(",montant", "")
    reading = read_scdl(f"{header}\nVille,1\n".encode())
    assert reading.unusable == (
        "Colonnes manquantes : montant, objet. Ce fichier ne suit pas le schéma SCDL subventions."
    )
    assert reading.rows == [] and reading.rejected == []


def test_without_siret_nor_rna_columns_the_file_is_unusable():
    header = HEADER.replace(",idBeneficiaire", "").replace(",rnaBeneficiaire", "")
    reading = read_scdl(f"{header}\n".encode())
    assert "Colonnes manquantes : idBeneficiaire ou rnaBeneficiaire." in reading.unusable


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n  \n"])
def test_an_empty_file_is_unusable(data):
    assert read_scdl(data).unusable == "Fichier vide."


def test_a_spreadsheet_is_unusable_with_an_explanation():
    reading = read_scdl(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40)
    assert reading.unusable.startswith("Ce n'est pas un fichier CSV (classeur Excel")


def test_a_file_longer_than_max_rows_is_unusable_rather_than_read_in_part():
    lines = [VALID_LINE.replace("47800.20", amount) for amount in ("100", "200", "300")]
    data = "\n".join([HEADER, *lines, ""]).encode()
    assert len(read_scdl(data, max_rows=3).rows) == 3
    reading = read_scdl(data, max_rows=2)
    assert reading.unusable.startswith("Le fichier compte plus de 2 lignes de subventions")
    assert reading.rows == []


# --- Reading: values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written_siret",
    [
        "52499120500013.0",
        "5.2499120500013E+13",
        "5,2499120500013E+13",
        "524 991 205 00013",
        "524\u00a0991\u00a0205\u00a000013'",
    ],
)
def test_it_reads_a_siret_stored_as_a_float_or_with_separators(written_siret):
    line = VALID_LINE.replace(BENEFICIARY, f'"{written_siret}"')
    assert one_line(f"{HEADER}\n{line}\n".encode()).beneficiary_siret == BENEFICIARY


def test_it_puts_back_the_leading_zero_a_spreadsheet_removed():
    line = VALID_LINE.replace(BENEFICIARY, "7220086800072.0")
    assert one_line(f"{HEADER}\n{line}\n".encode()).beneficiary_siret == "07220086800072"


def test_a_siret_cut_by_scientific_notation_is_rejected():
    line = VALID_LINE.replace(BENEFICIARY, "5.24991E+13").replace("W333216789", "")
    reading = read_scdl(f"{HEADER}\n{line}\n".encode())
    assert [(r.line, r.column, r.value) for r in reading.rejected] == [(2, "idBeneficiaire", "5.24991E+13")]
    assert "notation scientifique" in reading.rejected[0].reason


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ('"1 234,56"', "1234.56"),
        ('"1234,5 €"', "1234.5"),
        ('"1\u00a0234\u202f567,89"', "1234567.89"),
        ('"1.234,56"', "1234.56"),
        ("24000.0", "24000"),
        ("1 500 EUR", "1500"),
    ],
)
def test_it_reads_french_amounts(amount, expected):
    line = VALID_LINE.replace("47800.20", amount)
    assert one_line(f"{HEADER}\n{line}\n".encode()).montant == Decimal(expected)


@pytest.mark.parametrize(
    "written_date", ["2024-03-15", "15/03/2024", "2024-03-15T00:00:00", "2024-03-15 10:30:00"]
)
def test_it_reads_three_date_formats(written_date):
    line = VALID_LINE.replace("2024-03-15", written_date)
    assert one_line(f"{HEADER}\n{line}\n".encode()).convention_date == date(2024, 3, 15)


def test_it_reads_a_period_written_the_french_way_or_with_an_underscore():
    for period in ("01/04/2024/31/12/2024", "2024-04-01_2024-12-31", "2024-04-01 au 2024-12-31"):
        grant = one_line(f"{HEADER}\n{VALID_LINE.replace('2024-04-01/2024-12-31', period)}\n".encode())
        assert (grant.payment_start, grant.payment_end) == (date(2024, 4, 1), date(2024, 12, 31)), period


def test_it_keeps_the_start_of_a_period_whose_end_is_text_with_a_warning():
    line = VALID_LINE.replace("2024-04-01/2024-12-31", "2024-04-01/fin de l'action")
    reading = read_scdl(f"{HEADER}\n{line}\n".encode())
    assert (reading.rows[0].payment_start, reading.rows[0].payment_end) == (date(2024, 4, 1), None)
    assert [str(warning) for warning in reading.warnings] == [
        "ligne 2, colonne « datesPeriodeVersement » (« 2024-04-01/fin de l'action ») : "
        "Période lue en partie : du 2024-04-01 (fin illisible)."
    ]


def test_an_impossible_month_is_read_as_day_and_month_swapped_with_a_warning():
    line = VALID_LINE.replace("2024-12-31", "2024-31-12")
    reading = read_scdl(f"{HEADER}\n{line}\n".encode())
    assert reading.rows[0].payment_end == date(2024, 12, 31)
    assert "jour et mois inversés" in reading.warnings[0].reason


def test_tolerated_spellings_of_nature_notification_and_percentage():
    line = VALID_LINE.replace("aide en numéraire", '"Aide en numéraire, aide en nature"').replace(
        ",non,1,", ",yes,80,"
    )
    reading = read_scdl(f"{HEADER}\n{line}\n".encode())
    grant = reading.rows[0]
    assert (grant.nature, grant.notification_ue, grant.pourcentage) == (
        "aide en numéraire;aide en nature",
        True,
        Decimal("0.8"),
    )
    assert [warning.column for warning in reading.warnings] == ["pourcentageSubvention"]


def test_a_row_with_a_bad_date_is_rejected_with_its_line_and_the_others_kept():
    multiline = VALID_LINE.replace("Ateliers sciences au collège", '"Ateliers\nsciences\nau collège"')
    bad = VALID_LINE.replace("2024-03-15", "15 mars 2024")
    reading = read_scdl(f"{HEADER}\n{multiline}\n\n{bad}\n{VALID_LINE}\n".encode())
    assert len(reading.rows) == 2 and reading.rows[0].objet == "Ateliers\nsciences\nau collège"
    assert [(r.line, r.column, r.value) for r in reading.rejected] == [(6, "dateConvention", "15 mars 2024")]
    assert reading.rejected[0].reason == "Date illisible : AAAA-MM-JJ attendu (ou JJ/MM/AAAA)."
    assert reading.rejected_lines == [6]


def test_a_date_that_exists_neither_way_refuses_its_line_only():
    bad = VALID_LINE.replace("2024-03-15", "2017-31-09")  # no 31st of September, even swapped
    reading = read_scdl(f"{HEADER}\n{VALID_LINE}\n{bad}\n{VALID_LINE.replace('47800.20', '100')}\n".encode())
    assert reading.unusable == "" and len(reading.rows) == 2
    assert [str(rejection) for rejection in reading.rejected] == [
        "ligne 3, colonne « dateConvention » (« 2017-31-09 ») : Date inexistante, même en inversant le jour et le mois."
    ]


def test_a_grant_written_twice_is_read_once_and_the_copy_reported():
    other = VALID_LINE.replace("47800.20", "1200")
    reading = read_scdl(f"{HEADER}\n{VALID_LINE}\n{other}\n{VALID_LINE}\n{VALID_LINE}\n".encode())
    assert [row.montant for row in reading.rows] == [Decimal("47800.20"), Decimal("1200")]
    assert [(r.line, r.reason) for r in reading.rejected] == [
        (4, "Subvention en double : identique à la ligne 2, importée une seule fois."),
        (5, "Subvention en double : identique à la ligne 2, importée une seule fois."),
    ]


def test_a_value_over_the_cell_limit_makes_the_file_unusable_rather_than_read_in_part():
    huge = VALID_LINE.replace("Ateliers sciences au collège", "x" * 131_073)
    reading = read_scdl(f"{HEADER}\n{VALID_LINE}\n{huge}\n{VALID_LINE}\n".encode())
    assert reading.rows == [] and reading.unusable.startswith(
        "Ligne 3 : une valeur dépasse 100\u202f000 caractères."
    )


def test_a_header_wider_than_the_column_limit_makes_the_file_unusable():
    reading = read_scdl(f"{HEADER}{',x' * 600}\n{VALID_LINE}\n".encode())
    assert reading.unusable.startswith("Le fichier compte 616 colonnes : 500 au plus.")


def test_a_row_without_siret_nor_rna_is_rejected_in_french():
    line = VALID_LINE.replace(BENEFICIARY, "").replace("W333216789", "sans objet")
    reading = read_scdl(f"{HEADER}\n{line}\n".encode())
    assert [str(rejection) for rejection in reading.rejected] == [
        "ligne 2, colonne « idBeneficiaire » : Ni SIRET (idBeneficiaire) ni numéro RNA (rnaBeneficiaire) : il en faut un."
    ]


def test_a_row_reports_every_unreadable_value():
    line = (
        VALID_LINE.replace("47800.20", "beaucoup").replace("2024-03-15", "").replace(",non,", ",peut-être,")
    )
    reading = read_scdl(f"{HEADER}\n{line}\n".encode())
    assert {(r.column, r.reason) for r in reading.rejected} == {
        ("dateConvention", "Valeur obligatoire manquante."),
        (
            "montant",
            "Montant illisible : Nombre illisible : chiffres attendus, avec « . » ou « , » avant les décimales.",
        ),
        ("notificationUE", "Valeur illisible : « oui » ou « non » attendu."),
    }


def test_a_bad_rna_is_ignored_with_a_warning_when_the_siret_is_there():
    line = VALID_LINE.replace("W333216789", "W3222")
    reading = read_scdl(f"{HEADER}\n{line}\n".encode())
    assert reading.rows[0].beneficiary_rna == "" and reading.rows[0].beneficiary_siret == BENEFICIARY
    assert reading.warnings[0].column == "rnaBeneficiaire"


def test_an_rna_number_in_the_siret_column_is_read_as_an_rna_number():
    line = VALID_LINE.replace(f"{BENEFICIARY},W333216789", "W333216789,")
    reading = read_scdl(f"{HEADER}\n{line}\n".encode())
    assert (reading.rows[0].beneficiary_siret, reading.rows[0].beneficiary_rna) == ("", "W333216789")
    assert reading.warnings[0].reason == "Numéro RNA dans la colonne du SIRET : lu comme numéro RNA."


def test_text_encoded_twice_is_repaired_with_a_warning():
    line = VALID_LINE.replace("Les Petits Débrouillards", "Les Restos du CÅ“ur")
    reading = read_scdl(f"{HEADER}\n{line}\n".encode())
    assert reading.rows[0].beneficiary_name == "Les Restos du Cœur"
    assert reading.warnings[0].column == "nomBeneficiaire"


def test_an_amount_split_by_an_unquoted_decimal_comma_is_glued_back():
    line = VALID_LINE.replace("47800.20", "47\u00a0800,20")
    reading = read_scdl(f"{HEADER}\n{line}\n".encode())
    assert reading.rows[0].montant == Decimal("47800.20") and reading.rows[0].nature == NATURE_CASH
    assert (
        str(reading.warnings[0])
        == "ligne 2, colonne « montant » : 1 « , » non protégé(s) par des guillemets : valeurs recollées."
    )


def test_commas_inside_text_are_glued_to_the_text_they_continue():
    line = VALID_LINE.replace("Les Petits Débrouillards", "Autrefois Challans, la Foire").replace(
        "Ateliers sciences au collège", "fonctionnement, postes et déplacements"
    )
    grant = read_scdl(f"{HEADER}\n{line.replace('47800.20', '47800,20')}\n".encode()).rows[0]
    assert grant.beneficiary_name == "Autrefois Challans, la Foire"
    assert grant.objet == "fonctionnement, postes et déplacements"
    assert grant.montant == Decimal("47800.20")


def test_a_split_that_cannot_be_told_apart_is_rejected():
    line = VALID_LINE.replace("Les Petits Débrouillards", "Les Petits,Débrouillards")
    reading = read_scdl(f"{HEADER}\n{line.replace('Ateliers sciences', 'Ateliers,sciences')}\n".encode())
    assert reading.rows == []
    assert "plusieurs découpages sont possibles" in reading.rejected[0].reason


def test_an_unclosed_quote_is_reported_with_the_lines_it_swallowed():
    broken = VALID_LINE.replace("Ateliers sciences", '"Ateliers sciences')
    reading = read_scdl(f"{HEADER}\n{VALID_LINE}\n{broken}\n{VALID_LINE}\n{VALID_LINE}\n".encode())
    assert len(reading.rows) == 1
    assert reading.rejected[0].line == 3
    assert reading.rejected[0].reason.startswith("Guillemet non refermé : les lignes 3 à 5")


# --- Official examples and real publications ---------------------------------------------------------


@pytest.mark.realdata
def test_the_official_valid_example_reads_without_rejection(scdl_schema_dir):
    reading = read_scdl((scdl_schema_dir / "exemple_valide.csv").read_bytes())
    assert (reading.unusable, reading.rejected, len(reading.rows)) == ("", [], 29)
    assert reading.rows[0].beneficiary_rna == "W333216789" and reading.rows[0].montant == Decimal("99786.57")
    # « 2017-30-05 » in the example: a month 30 read as 30 May, and said so.
    assert any("jour et mois inversés" in warning.reason for warning in reading.warnings)


@pytest.mark.realdata
@pytest.mark.parametrize(
    "name", ["exemple_invalide_erreurs_cellules.csv", "exemple_invalide_erreurs_colonnes.csv"]
)
def test_the_official_invalid_examples_report_their_problems(scdl_schema_dir, name):
    reading = read_scdl((scdl_schema_dir / name).read_bytes())
    assert reading.unusable == ""
    assert {(r.line, r.column) for r in reading.rejected} == {
        (7, "idAttribuant"),  # a SIREN instead of a SIRET
        (9, "idBeneficiaire"),  # neither SIRET nor RNA
        (10, "montant"),  # empty
        (12, "rnaBeneficiaire"),  # « W12455 » and no SIRET
    }
    reasons = {(warning.column, warning.reason.split(" :")[0]) for warning in reading.warnings}
    assert ("pourcentageSubvention", "Pourcentage écrit sur 100") in reasons
    assert ("idBeneficiaire", "Clé de contrôle du SIRET invalide (numéro mal saisi ?)") in reasons
    assert ("rnaBeneficiaire", "Numéro RNA invalide") in reasons
    assert len(reading.rows) == 25


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("CD49_conventions_subventions_scdl.csv", "utf-8", ";"),
        ("CD85_2018_subventions_conventions.csv", "utf-8 + cp1252 (mixte)", ","),
    ],
)
def test_real_publications_are_mostly_read(scdl_publications_dir, name, encoding, delimiter):
    reading = read_scdl((scdl_publications_dir / name).read_bytes())
    read, rejected = len(reading.rows), len(reading.rejected_lines)
    reasons = sorted({f"{r.column} : {r.reason}" for r in reading.rejected})
    summary = f"{name} : {read} lignes lues, {rejected} rejetées ; raisons : {reasons}"
    assert (reading.unusable, reading.encoding, reading.delimiter) == ("", encoding, delimiter), summary
    assert read >= 0.85 * (read + rejected), summary
    assert all(len(row.attributor_siret) == 14 and row.montant > 0 for row in reading.rows), summary
    assert not any("Ã" in row.attributor_name + row.beneficiary_name for row in reading.rows), summary


def test_an_amount_beyond_what_an_amount_holds_refuses_its_line():
    reading = read_scdl(
        f"{HEADER}\n{VALID_LINE.replace('47800.20', '12345678901.00')}\n{VALID_LINE}\n".encode()
    )
    assert {(r.column, r.reason) for r in reading.rejected} == {
        ("montant", "Montant hors limites : au plus 9 999 999 999,99 € par subvention.")
    }
    assert len(reading.rows) == 1
