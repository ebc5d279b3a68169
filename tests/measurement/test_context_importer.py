import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from cooperer.measurement import importers
from cooperer.measurement.enums import IndicatorKind, MeasurementSource, Unit
from cooperer.measurement.models import Indicator, Measurement, UploadBatch
from cooperer.territories.models import Commune
from tests.conftest import make_qpv

pytestmark = pytest.mark.django_db


def write(tmp_path, name, text, encoding="utf-8", bom=False):
    path = tmp_path / name
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return str(path)


def values_of(code):
    return {
        m.indicator.code: (m.value, m.is_secret)
        for m in Measurement.objects.filter(qpv__code=code).select_related("indicator")
    }


@pytest.fixture
def montbrison(territory):
    """A real QPV of the Loire whose youth index is secret in the national file."""
    commune = Commune.objects.create(insee_code="42147", name="Montbrison")
    return make_qpv("QN04201M", "Beauregard", 4.06, 45.60, [commune])


def test_the_real_national_file_reports_every_unknown_qpv_with_its_line(territory, indicators, shared_data):
    result = importers.preview(str(shared_data / importers.DEMO_FILE), year=2020)
    assert result.lines == 1713
    assert len(result.qpv_ids) == 4
    assert len(result.unknown_codes) == 1518 - 4
    assert result.unknown_codes["QN00101M"] == [2]
    first = result.errors[0]
    assert (first.line, first.column) == (2, "codeqpv") and "QPV « QN00101M » inconnu" in first.message
    assert "recalculée" in result.ignored["taux_logements_sociaux"]
    assert result.ignored["lib_qp"] == "Colonne descriptive."
    assert "partpopimmi" in result.ignored
    assert {i.code for i in result.columns.values()} >= {
        "population",
        "taux_pauvrete",
        "menages",
        "rsa_socle",
    }
    with pytest.raises(importers.ContextImportError):
        importers.commit(result)
    assert Measurement.objects.count() == 0


def test_the_real_file_imports_the_known_qpvs_with_secret_cells_kept_secret(
    territory, indicators, shared_data, montbrison
):
    result = importers.preview(str(shared_data / importers.DEMO_FILE), year=2020, skip_unknown=True)
    assert not result.errors and result.skipped_unknown == 1713 - 5
    written = importers.commit(result)
    assert written["créées"] == 5 * 12
    sud_est = values_of("QN04215M")
    assert sud_est["population"] == (Decimal("2857"), False)
    assert sud_est["taux_pauvrete"] == (Decimal("54"), False)
    assert sud_est["menages"] == (Decimal("1293"), False)  # 1 292,5 (weighted census estimate) rounded
    assert values_of("QN04201M")["indice_jeunesse"] == (None, True)
    measurement = Measurement.objects.get(qpv=territory["sud_est"], indicator=indicators["population"])
    assert measurement.source == MeasurementSource.OFFICIAL_FILE
    assert measurement.epci_id == territory["sem"].pk
    assert (measurement.period_start.isoformat(), measurement.period_end.isoformat()) == (
        "2020-01-01",
        "2020-12-31",
    )
    assert "ligne 464" in measurement.source_label and "popmuniqpv" in measurement.source_label
    assert not Measurement.objects.filter(indicator__code="taux_logements_sociaux").exists()
    again = importers.commit(importers.preview(str(shared_data / importers.DEMO_FILE), year=2020,
                                               skip_unknown=True))  # fmt: skip
    assert (again["créées"], again["inchangées"]) == (0, 60)
    assert UploadBatch.objects.count() == 1


def test_the_demo_loads_the_real_file_for_the_qpvs_it_holds(territory, indicators, shared_data):
    assert importers.load_demo_context(str(shared_data)) == 4 * 12
    poverty = Measurement.objects.get(qpv=territory["sud_est"], indicator=indicators["taux_pauvrete"])
    assert poverty.period_end.year == 2021  # Filosofi 2021, the other columns are the 2020 census


def test_the_demo_imports_only_the_qpvs_of_its_contracts_and_does_not_block_the_whole_file(
    territory, indicators, shared_data, montbrison
):
    assert importers.load_demo_context(str(shared_data)) == 4 * 12
    assert not Measurement.objects.filter(qpv=montbrison).exists()
    whole = importers.preview(
        str(shared_data / importers.DEMO_FILE), dictionary=importers.DEMO_DICTIONARY, year=importers.DEMO_YEAR,
        skip_unknown=True,
    )  # fmt: skip
    assert not UploadBatch.objects.filter(sha256=whole.sha256).exists()
    assert importers.commit(whole)["créées"] == 12  # Montbrison's, the others are already there


def test_the_demo_does_nothing_without_the_file(territory, tmp_path):
    assert importers.load_demo_context(str(tmp_path)) == 0
    assert importers.load_demo_context(None) == 0


@pytest.mark.parametrize("code_column", ["CODE_QP", "code_qp", "codeQPV", "Code QPV"])
def test_french_semicolon_files_in_cp1252_are_read(territory, indicators, tmp_path, code_column):
    text = (
        f"{code_column};Libellé;Population;Taux de pauvreté;Nombre de ménages;Part des étrangers\n"
        "QN04215M;Quartiers Sud-Est;2 857;54,0;1 292;12,5\n"
        "QN04214M;Crêt de Roc;7\u00a0739;s;nd;n.d.\n"
        "QN04222N;Layat;897;NA;-;\n"
    )
    path = write(tmp_path, "contexte.csv", text, encoding="cp1252")
    result = importers.preview(path, year=2020)
    assert not result.errors, result.errors
    assert "Windows-1252" in " ".join(result.warnings)
    importers.commit(result)
    assert values_of("QN04215M") == {
        "population": (Decimal("2857"), False),
        "taux_pauvrete": (Decimal("54"), False),
        "menages": (Decimal("1292"), False),
        "part_etrangers": (Decimal("12.5"), False),
    }
    assert values_of("QN04214M")["population"] == (Decimal("7739"), False)
    assert {code: v for code, v in values_of("QN04214M").items() if code != "population"} == {
        "taux_pauvrete": (None, True), "menages": (None, True), "part_etrangers": (None, True),
    }  # fmt: skip
    assert set(values_of("QN04222N").values()) == {(Decimal("897"), False), (None, True)}


def test_a_utf8_file_with_bom_and_both_code_generations(territory, indicators, tmp_path):
    make_qpv("QP042006", "Montreynaud (QPV 2015)", 4.35, 45.46)
    path = write(tmp_path, "c.csv", "code_qp,popmuniqpv\nQP042006,5000\nqn04215m,2857\n", bom=True)
    result = importers.preview(path, year=2019)
    assert not result.errors
    importers.commit(result)
    assert values_of("QP042006")["population"] == (Decimal("5000"), False)
    assert values_of("QN04215M")["population"] == (Decimal("2857"), False)


def test_an_excel_workbook_is_read(territory, indicators, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["CODE_QP", "LIB_QP", "TX_CHOMAGE", "NB_MENAGES"])
    sheet.append(["QN04215M", "Quartiers Sud-Est", 31.5, 1292])
    sheet.append(["QN06803M", "Les Coteaux", "s", None])
    path = tmp_path / "contexte.xlsx"
    workbook.save(path)
    result = importers.preview(str(path), year=2020)
    assert not result.errors, result.errors
    importers.commit(result)
    assert values_of("QN04215M") == {
        "taux_chomage": (Decimal("31.5"), False),
        "menages": (Decimal("1292"), False),
    }
    assert values_of("QN06803M") == {"taux_chomage": (None, True), "menages": (None, True)}


def test_a_year_column_gives_each_row_its_year(territory, indicators, tmp_path):
    path = write(tmp_path, "c.csv", "code_qp;annee;tx_chom\nQN04215M;2019;30\nQN04215M;2020;31,5\n")
    importers.commit(importers.preview(path))
    years = sorted(
        (m.period_end.year, m.value) for m in Measurement.objects.filter(indicator=indicators["taux_chomage"])
    )
    assert years == [(2019, Decimal("30")), (2020, Decimal("31.5"))]


def test_the_year_is_required_and_checked(territory, indicators, tmp_path):
    path = write(tmp_path, "c.csv", "code_qp;tx_chom\nQN04215M;30\n")
    with pytest.raises(importers.ContextImportError, match="L'année des valeurs n'est pas indiquée"):
        importers.preview(path)
    with pytest.raises(importers.ContextImportError, match="Année 2090 impossible"):
        importers.preview(path, year=2090)


def test_a_file_without_a_qpv_code_column_is_refused_in_french(territory, indicators, tmp_path):
    path = write(tmp_path, "communes.csv", "code_insee;population\n42218;172000\n")
    with pytest.raises(importers.ContextImportError, match="Colonne du code QPV introuvable"):
        importers.preview(path, year=2020)
    assert Measurement.objects.count() == 0


def test_a_code_column_of_commune_codes_is_not_taken_for_qpv_codes(territory, indicators, tmp_path):
    path = write(tmp_path, "c.csv", "code;population\n42218;172000\n")
    with pytest.raises(importers.ContextImportError, match="Colonne du code QPV introuvable"):
        importers.preview(path, year=2020)


def test_a_file_without_any_known_indicator_column_is_refused(territory, indicators, tmp_path):
    path = write(tmp_path, "c.csv", "code_qp;lib_qp;budget_festival\nQN04215M;Sud-Est;12\n")
    with pytest.raises(importers.ContextImportError, match="Aucune colonne ne correspond") as raised:
        importers.preview(path, year=2020)
    assert "budget_festival" in str(raised.value)


def test_a_binary_file_is_refused(territory, indicators, tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(importers.ContextImportError, match="octets binaires"):
        importers.preview(str(path), year=2020)


def test_row_errors_name_the_line_the_column_and_the_reason(territory, indicators, tmp_path):
    text = (
        "code_qp;population;taux_pauvrete\n"
        "QN04215M;2857;abc\n"
        "42218;100;10\n"
        ";100;10\n"
        "QN04214M;-5;140\n"
        "QN99999M;100;10\n"
    )
    result = importers.preview(write(tmp_path, "c.csv", text), year=2020)
    errors = [(e.line, e.column, e.message) for e in result.errors]
    assert (2, "taux_pauvrete", "« abc » n'est pas un nombre ni une marque de secret (s, nd, n.d., NA, -, vide).") \
        in errors  # fmt: skip
    assert any(line == 3 and "n'est pas un code QPV" in reason for line, _, reason in errors)
    assert (4, "code_qp", "Code QPV manquant.") in errors
    assert any(line == 5 and column == "population" and "négatif" in r for line, column, r in errors)
    assert any(
        line == 5 and column == "taux_pauvrete" and "ne dépasse pas 100" in r for line, column, r in errors
    )
    assert result.unknown_codes == {"QN99999M": [6]}


def test_a_number_beyond_what_a_measurement_holds_is_a_row_error(territory, indicators, tmp_path):
    text = "code_qp;population;taux_pauvrete\nQN04215M;1e999999;" + "9" * 5000 + "\nQN04214M;2857;41,5\n"
    result = importers.preview(write(tmp_path, "c.csv", text), year=2020)
    assert [(e.line, e.column) for e in result.errors] == [(2, "population"), (2, "taux_pauvrete")]
    assert "n'est pas un nombre" in result.errors[0].message and len(result.values) == 2


def test_one_bad_cell_means_nothing_is_written(territory, indicators, tmp_path):
    text = "code_qp;population\nQN04215M;2857\nQN04214M;7739\nQN04222N;beaucoup\n"
    result = importers.preview(write(tmp_path, "c.csv", text), year=2020)
    assert len(result.errors) == 1 and len(result.values) == 2
    with pytest.raises(importers.ContextImportError, match="Rien n'a été écrit"):
        importers.commit(result)
    assert Measurement.objects.count() == 0 and UploadBatch.objects.count() == 0


def test_repeated_rows_of_a_qpv_are_merged_and_conflicts_reported(territory, indicators, tmp_path):
    text = (
        "COG;codeQPV;popMuniQPV;taux_d_emploi\n"
        "42218;QN04215M;2857;45,3\n"
        "42095;QN04215M;2857;45,3\n"
        "42218;QN04214M;7739;40\n"
        "42095;QN04214M;7739;41\n"
    )
    result = importers.preview(write(tmp_path, "c.csv", text), year=2020)
    assert len(result.values) == 4
    assert [(e.line, e.column) for e in result.errors] == [(5, "taux_d_emploi")]
    assert "autre valeur (40) à la ligne 4" in result.errors[0].message


def test_an_animatrice_imports_only_her_territory(territory, indicators, tmp_path):
    text = "code_qp;population\nQN04215M;2857\nQN06803M;7775\n"
    result = importers.preview(write(tmp_path, "c.csv", text), year=2020, epci_ids={territory["sem"].pk})
    assert [(e.line, e.column) for e in result.errors] == [(3, "code_qp")]
    assert "n'est pas sur votre territoire" in result.errors[0].message


def test_a_territory_indicator_is_matched_for_its_animatrice(territory, indicators, tmp_path):
    own = Indicator.objects.create(
        code="eleves_rep", name="Élèves en REP+", kind=IndicatorKind.CONTEXT, unit=Unit.PEOPLE,
        epci=territory["sem"],
    )  # fmt: skip
    path = write(tmp_path, "c.csv", "code_qp;eleves_rep\nQN04215M;320\n")
    with pytest.raises(importers.ContextImportError):
        importers.preview(path, year=2020)
    result = importers.preview(path, year=2020, epci_ids={territory["sem"].pk})
    assert result.columns == {"eleves_rep": own}


def test_a_dictionary_names_foreign_columns(territory, indicators, tmp_path):
    data = write(tmp_path, "d.csv", "CODGEO;P_POV;IMMI\nQN04215M;54;30,1\n")
    dictionary = write(
        tmp_path, "dico.csv",
        "colonne;libelle;unite;code;annee\n"
        "P_POV;Taux de pauvreté;%;taux_pauvrete;2021\n"
        "IMMI;Part des immigrés;%;part_immigres;\n"
        "ABSENTE;Colonne absente;%;;\n",
    )  # fmt: skip
    refused = importers.preview(data, dictionary=dictionary, year=2020)
    assert [(e.line, e.column) for e in refused.errors] == [(3, "dictionnaire › IMMI")]
    assert "seul·e un·e administrateur·rice" in refused.errors[0].message
    result = importers.preview(data, dictionary=dictionary, year=2020, allow_new_indicators=True)
    assert not result.errors and any("ABSENTE" in w for w in result.warnings)
    importers.commit(result)
    immigrants = Indicator.objects.get(code="part_immigres")
    assert (immigrants.epci, immigrants.kind, immigrants.unit, immigrants.name) == (
        None, IndicatorKind.CONTEXT, Unit.PERCENT, "Part des immigrés",
    )  # fmt: skip
    poverty = Measurement.objects.get(indicator=indicators["taux_pauvrete"])
    assert (poverty.value, poverty.period_end.year) == (Decimal("54"), 2021)
    assert Measurement.objects.get(indicator=immigrants).period_end.year == 2020


def test_a_dictionary_may_import_the_recomputed_column_when_it_names_it(territory, indicators, tmp_path):
    data = write(tmp_path, "d.csv", "codeQPV;taux_logements_sociaux\nQN04215M;107,1\n")
    with pytest.raises(importers.ContextImportError, match="Aucune colonne"):
        importers.preview(data, year=2020)
    dictionary = write(tmp_path, "dico.csv", "colonne,libelle,unite\ntaux_logements_sociaux,Logements sociaux "
                                             "pour 100 ménages (calculé),ratio\n")  # fmt: skip
    result = importers.preview(data, dictionary=dictionary, year=2020, allow_new_indicators=True)
    assert not result.errors
    assert result.new_indicators[0].code == "taux_logements_sociaux"


def test_a_dictionary_that_contradicts_the_library_is_an_error(territory, indicators, tmp_path):
    data = write(tmp_path, "d.csv", "code_qp;P\nQN04215M;54\n")
    dictionary = write(tmp_path, "dico.csv", "colonne;libelle;unite;code\nP;Pauvreté;personnes;taux_pauvrete\n"
                                             "Q;X;litres;\n")  # fmt: skip
    with pytest.raises(importers.ContextImportError) as raised:
        importers.preview(data, dictionary=dictionary, year=2020)
    assert "mesure « Taux de pauvreté au seuil de 60 % » en %" in raised.value.errors[0].message
    bad = write(tmp_path, "dico2.csv", "nom;unite\nP;%\n")
    with pytest.raises(importers.ContextImportError, match="colonne « colonne »"):
        importers.preview(data, dictionary=bad, year=2020)


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_indicators", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_the_command_previews_then_commits(territory, indicators, tmp_path):
    path = write(tmp_path, "c.csv", "code_qp;population;taux_logements_sociaux\nQN04215M;2857;107\n")
    code, out, _ = run_command(path, "--year", "2020")
    assert code == 0 and "1 valeur(s) à enregistrer" in out and "Aperçu seulement" in out
    assert "colonne ignorée « taux_logements_sociaux »" in out
    assert Measurement.objects.count() == 0
    code, out, _ = run_command(path, "--year", "2020", "--commit")
    assert code == 0 and "1 valeur(s) créée(s)" in out
    assert Measurement.objects.count() == 1


def test_the_command_lists_errors_and_exits_1(territory, indicators, tmp_path):
    path = write(tmp_path, "c.csv", "code_qp;population\nQN04215M;2857\nQN77777M;10\n")
    code, _, err = run_command(path, "--year", "2020", "--commit")
    assert code == 1
    assert "ligne 3, colonne « code_qp » : QPV « QN77777M » inconnu" in err
    assert "rien n'a été écrit. L'import est refusé." in err
    assert Measurement.objects.count() == 0


def test_the_command_refuses_a_foreign_layout_in_french(territory, indicators, tmp_path):
    path = write(tmp_path, "c.csv", "nom;adresse\nCentre social;1 rue\n")
    code, _, err = run_command(path, "--year", "2020")
    assert code == 1 and "Colonne du code QPV introuvable" in err
    code, _, err = run_command(str(tmp_path / "absent.csv"), "--year", "2020")
    assert code == 1 and "Fichier introuvable" in err


def test_the_command_creates_national_indicators_from_a_dictionary(territory, indicators, tmp_path):
    data = write(tmp_path, "d.csv", "code_qp;IMMI\nQN04215M;30,1\n")
    dictionary = write(tmp_path, "dico.csv", "colonne;libelle;unite\nIMMI;Part des immigrés;%\n")
    code, out, _ = run_command(data, "--dictionary", dictionary, "--year", "2020", "--commit")
    assert code == 0 and "nouvel indicateur national : immi" in out
    assert Indicator.objects.get(code="immi").epci is None
